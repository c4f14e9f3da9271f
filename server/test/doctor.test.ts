/**
 * `npm run admin -- doctor`: each flow's settings tried against its provider with calls that
 * create nothing. Right settings pass; each wrong one fails with the setting to look at named;
 * what cannot be checked without registering someone says so. Nothing is created anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../admin/cli.ts';
import { PROVIDER_IDS } from '../../shared/providers.ts';
import { TITELIVE_SANDBOX } from '../sandbox/titelive.ts';
import { cloudsuiteContract } from './contract/cloudsuite.ts';
import { hectareContract } from './contract/hectare.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import { nitroContract } from './contract/nitro.ts';
import { titeliveContract } from './contract/titelive.ts';
import { startBff, type Bff } from './harness.ts';

const ADMIN = 'doctor-admin-token-3b8e1f';
const auth = { authorization: `Bearer ${ADMIN}` };
const CONTRACTS = [
  nitroContract,
  hectareContract,
  cloudsuiteContract,
  intellectmoneyContract,
  titeliveContract,
];

interface Report {
  flow: string;
  checks: { name: string; verdict: string; detail: string }[];
}

let bff: Bff;
beforeAll(async () => {
  bff = await startBff({
    config: {
      sandbox: { enabled: true },
      flows: [
        ...CONTRACTS.map((c) => c.flow(c.provider)),
        ...CONTRACTS.map((c) => c.flow(`${c.provider}-wrong`, c.badCredentials.settings)),
        titeliveContract.flow('titelive-logged-in', { token: { env: 'TL_LOGGED_IN' } }),
        titeliveContract.flow('titelive-api-resend', {
          resendPath: 'api/{returnType}/{domainCode}/customer/resend',
        }),
        hectareContract.flow('hectare-requests', { mode: 'request-account' }),
        intellectmoneyContract.flow('im-fixed-token', { userToken: { env: 'IM_TOKEN' } }),
        {
          ...intellectmoneyContract.flow('im-lookup'),
          lookup: { inn: { registry: 'dadata', sandbox: true } },
        },
        {
          ...intellectmoneyContract.flow('im-lookup-unreachable'),
          // Port 9 (discard): nothing listens there.
          lookup: {
            inn: { registry: 'dadata', baseUrl: 'http://127.0.0.1:9/', apiKey: { env: 'DADATA' } },
          },
        },
      ],
    },
    env: {
      ...Object.assign({}, ...CONTRACTS.map((c) => c.badCredentials.env)),
      TL_LOGGED_IN: TITELIVE_SANDBOX.loggedInToken,
      IM_TOKEN: 'a-fixed-user-token-from-intellectmoney',
      DADATA: 'a-dadata-key-never-to-be-shown',
    },
    adminToken: ADMIN,
  });
});
afterAll(() => bff.close());

async function accountsHeld(): Promise<number> {
  let total = 0;
  for (const provider of PROVIDER_IDS) {
    const res = await bff.fetch<{ accounts: unknown[] }>('GET', `/sandbox/${provider}/_state`);
    total += res.body.accounts.length;
  }
  return total;
}

async function doctor(flow?: string): Promise<Report[]> {
  const res = await bff.fetch<{ flows: Report[] }>(
    'GET',
    `/admin/doctor${flow ? `?flow=${flow}` : ''}`,
    { headers: auth },
  );
  expect(res.status).toBe(200);
  return res.body.flows;
}

const verdicts = (report: Report) => report.checks.map((c) => c.verdict);

describe('doctor', () => {
  let reports: Report[];
  let held: number;
  beforeAll(async () => {
    held = await accountsHeld();
    reports = await doctor();
  });
  const of = (flow: string) => reports.find((r) => r.flow === flow)!;

  it('checks every flow and creates nothing at any provider', async () => {
    expect(reports.map((r) => r.flow).sort()).toEqual(
      bff.server.app.flows.size ? [...bff.server.app.flows.keys()].sort() : [],
    );
    expect(await accountsHeld()).toBe(held);
  });

  it.each(PROVIDER_IDS)('%s with the right settings: nothing fails, something is checked', (id) => {
    expect(verdicts(of(id))).not.toContain('fail');
    expect(verdicts(of(id))).toContain('ok');
  });

  it.each([
    ['nitro-wrong', 'credentials.password'],
    ['hectare-wrong', 'credentials.password'],
    ['cloudsuite-wrong', 'clientSecret'],
    ['intellectmoney-wrong', 'signSecretKey'],
    ['titelive-wrong', 'settings.token'],
    ['titelive-logged-in', 'logged in as a customer'],
  ])('%s fails, naming %s', (flow, setting) => {
    const failed = of(flow).checks.filter((c) => c.verdict === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.map((c) => c.detail).join(' ')).toContain(setting);
  });

  it('asks each registry a flow looks up in, and names the setting when it cannot', () => {
    expect(of('im-lookup').checks).toContainEqual({
      name: 'registry lookup (inn: dadata)',
      verdict: 'ok',
      detail: expect.stringMatching(/^asked for 7707083893: knows it \(\d+ ms\)$/),
    });
    const failed = of('im-lookup-unreachable').checks.find((c) => c.name.startsWith('registry'));
    expect(failed).toMatchObject({ verdict: 'fail' });
    expect(failed?.detail).toContain('lookup.inn.baseUrl');
    expect(JSON.stringify(reports)).not.toContain('a-dadata-key-never-to-be-shown');
  });

  it('a resend path that answers only in its other form is a warning saying which to set', () => {
    const warned = of('titelive-api-resend').checks.find((c) => c.verdict === 'warn');
    expect(warned?.detail).toContain('{returnType}/{domainCode}/customer/resend');
  });

  it('says what cannot be checked without registering someone', () => {
    expect(verdicts(of('hectare-requests'))).toEqual(['skip']);
    expect(of('im-fixed-token').checks[0]).toMatchObject({ verdict: 'skip' });
  });

  it('never repeats a secret', () => {
    const text = JSON.stringify(reports);
    for (const value of Object.values(CONTRACTS.map((c) => c.badCredentials.env))) {
      for (const secret of Object.values(value)) expect(text).not.toContain(secret);
    }
  });

  it('answers 404 for an unknown flow, and one flow alone when named', async () => {
    const res = await bff.fetch('GET', '/admin/doctor?flow=nope', { headers: auth });
    expect(res.status).toBe(404);
    expect((await doctor('nitro')).map((r) => r.flow)).toEqual(['nitro']);
  });

  it('the CLI prints it in words and fails when a flow will not work', async () => {
    process.env['ORG_SIGNUP_URL'] = bff.url;
    process.env['ORG_SIGNUP_ADMIN_TOKEN'] = ADMIN;
    try {
      const ok = await run(['doctor', '--flow', 'cloudsuite']);
      expect(ok).toContain('cloudsuite (cloudsuite, sandbox)');
      expect(ok).toMatch(/ok +token/);
      expect(ok).toContain('All 1 flow(s) passed');
      await expect(run(['doctor', '--flow', 'nitro-wrong'])).rejects.toThrow(
        /FAIL +platform login.*credentials\.password[\s\S]*1 of 1 flow\(s\) will not work/,
      );
    } finally {
      delete process.env['ORG_SIGNUP_URL'];
      delete process.env['ORG_SIGNUP_ADMIN_TOKEN'];
    }
  });
});
