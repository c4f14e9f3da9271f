/**
 * A provider that echoes the request in its error text must not put our credentials or the
 * user's details into the log. Two stand-ins echo everything they receive (method, URL, every
 * header, the raw body) in every error shape the adapters read: one refuses the credential calls
 * too (login, token, getUserToken), the other lets those through and refuses the registration.
 * Every provider, and a captcha verify endpoint, runs against both; then the captured log is
 * searched for every configured secret and every submitted value, in the forms an echo takes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractFixture } from './contract/fixture.ts';
import { cloudsuiteContract } from './contract/cloudsuite.ts';
import { hectareContract } from './contract/hectare.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import { nitroContract } from './contract/nitro.ts';
import { titeliveContract } from './contract/titelive.ts';
import { startBff, type Bff, type FlowDocument } from './harness.ts';
import { leaksIn } from './leaks.ts';

const FIXTURES: ContractFixture[] = [
  nitroContract,
  hectareContract,
  cloudsuiteContract,
  intellectmoneyContract,
  titeliveContract,
];

/** Credential calls the second stand-in lets through, so the registration itself is reached. */
const CREDENTIAL_CALLS: [RegExp, unknown][] = [
  [/\/users\/login$/, { code: 2001, message: 'OK', bearer_token: 'stub-bearer' }],
  [/\/auth\/login$/, { tokens: { access: 'stub-access', id: 'stub-id', expiresIn: 3600 } }],
  [
    /openid-connect\/token$/,
    { access_token: 'stub-access', token_type: 'Bearer', expires_in: 3600 },
  ],
  [/\/getUserToken$/, { OperationState: { Code: 0 }, Result: { UserToken: 'stub-user-token' } }],
];

/** One body every adapter reads as a refusal, each in its own shape, all carrying the echo. */
function refusal(echo: string) {
  return {
    code: 4000,
    message: echo,
    status: echo,
    OperationState: { Code: 7, Desc: echo },
    response: { success: false, code: 77, message: echo },
    email: [echo],
    non_field_errors: [echo],
    error: 'invalid_request',
    error_description: echo,
    success: false,
    'error-codes': [echo],
  };
}

async function echoOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // The body first: adapters quote a bounded part of what a provider says.
  return `${req.method} ${req.url} body=${Buffer.concat(chunks).toString()} headers=${JSON.stringify(req.headers)}`;
}

async function echoServer(
  letCredentialsThrough: boolean,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void echoOf(req).then((echo) => {
      const pass =
        letCredentialsThrough &&
        CREDENTIAL_CALLS.find(([path]) => path.test(req.url!.split('?')[0]!));
      const body = pass ? pass[1] : refusal(echo);
      res
        .writeHead(pass ? 200 : 400, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const CAPTCHA_SECRET = 'captcha-secret-5b7d9f1a3c';

let bff: Bff;
let stubs: { url: string; server: Server }[];
const env: Record<string, string> = { CAPTCHA_SECRET };
const submitted: string[] = [];
const answers: Record<string, number> = {};

beforeAll(async () => {
  stubs = [await echoServer(false), await echoServer(true)];
  const flows: FlowDocument[] = [];
  for (const fixture of FIXTURES) {
    stubs.forEach((stub, i) => {
      const real = fixture.realFlow(`${fixture.provider}-${i ? 'register' : 'login'}`, stub.url);
      // Every flow its own, recognisable credential.
      const name = `SECRET_${fixture.provider.toUpperCase()}_${i}`;
      env[name] = `secret-${fixture.provider}-${i}-9c4e2a7f1d`;
      flows.push(
        JSON.parse(JSON.stringify(real.flow).replaceAll('"CONTRACT_SECRET"', `"${name}"`)),
      );
    });
  }
  flows.push({
    ...nitroContract.realFlow('captcha', stubs[1]!.url).flow,
    settings: { credentials: { email: 'p@example.com', password: { env: 'CAPTCHA_SECRET' } } },
    captcha: {
      provider: 'turnstile',
      siteKey: 'site-key',
      secret: { env: 'CAPTCHA_SECRET' },
      verifyUrl: `${stubs[0]!.url}siteverify`,
    },
  });
  bff = await startBff({
    config: {
      flows: flows.map((flow) => ({
        ...flow,
        timeouts: { connectMs: 1000, requestMs: 2000 },
        circuitBreaker: { minimumCalls: 1_000_000 },
      })),
    },
    env,
  });
  for (const flow of flows) {
    const fixture = FIXTURES.find((f) => f.provider === flow.provider)!;
    const fields = fixture.fields();
    submitted.push(...Object.values(fields).filter((v) => v.length >= 6));
    const res = await bff.register(flow.id, {
      fields,
      ...(flow.id === 'captcha' ? { captchaToken: 'captcha-token-from-the-page' } : {}),
    });
    answers[flow.id] = res.status;
  }
});
afterAll(async () => {
  await bff.close();
  for (const stub of stubs) stub.server.close();
});

describe('provider text is scrubbed before it is logged', () => {
  it('every registration was refused (nothing passed as success)', () => {
    expect(Object.keys(answers)).toHaveLength(FIXTURES.length * 2 + 1);
    for (const [flow, status] of Object.entries(answers)) {
      expect([flow, status >= 400]).toEqual([flow, true]);
    }
  });

  it('the echoes reached the log, scrubbed', () => {
    const scrubbed = bff.logs.filter((line) => line.includes('[redacted]'));
    // Each provider's refusal through the second stand-in carries the submission's values.
    for (const fixture of FIXTURES) {
      expect(
        scrubbed.some((line) => line.includes(`"flow":"${fixture.provider}-register"`)),
        `${fixture.provider}-register logged a scrubbed echo`,
      ).toBe(true);
    }
    expect(scrubbed.some((line) => line.includes('captcha refused'))).toBe(true);
  });

  it('no log line carries a configured secret or a submitted value', () => {
    const texts = bff.logs.map((line, i) => ({ where: `log line ${i}`, text: line }));
    const values = [...Object.values(env), ...submitted];
    const leaks = leaksIn(texts, values).map(
      (l) => `${l.secret} in ${l.where}: ${bff.logs[Number(l.where.split(' ')[2])]?.slice(0, 300)}`,
    );
    expect(values.length).toBeGreaterThan(30);
    expect(leaks).toEqual([]);
  });
});
