/**
 * The adapters survive every reasonable reading of their providers' documents. Where a document
 * is silent, each simulator takes the conservative reading by default and offers the others
 * (`POST _readings`); here each other reading is tried with the setting a partner would change
 * for it. Without that setting the adapter fails loud (a 502 and an error naming the setting),
 * never a success and never a conflict; with it, it works.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cloudsuiteContract } from './contract/cloudsuite.ts';
import { hectareContract } from './contract/hectare.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import { nitroContract } from './contract/nitro.ts';
import { titeliveContract } from './contract/titelive.ts';
import { startBff, type Bff } from './harness.ts';

const ADMIN = 'readings-admin-token-0c7d2e';
const auth = { authorization: `Bearer ${ADMIN}` };
const WRONG_BEARER = 'readings-wrong-bearer-7a1f';
const REVERSED_ORDER = [
  'LeadAttractor',
  'LeadComment',
  'UTMParams',
  'InviteCode',
  'Inn',
  'LeadSource',
  'Email',
  'ContactPhone',
  'FirstName',
  'RequestId',
  'UserToken',
];

let bff: Bff;
beforeAll(async () => {
  bff = await startBff({
    config: {
      sandbox: { enabled: true },
      flows: [
        nitroContract.flow('nitro'),
        hectareContract.flow('hectare'),
        hectareContract.flow('hectare-id', { tokenKind: 'id' }),
        cloudsuiteContract.flow('cloudsuite'),
        cloudsuiteContract.flow('cloudsuite-upper', {
          paths: { userUpdate: 'API/origin/{origin}/user/{key}' },
        }),
        intellectmoneyContract.flow('im'),
        intellectmoneyContract.flow('im-wrong-bearer', { bearerToken: { env: 'WRONG_BEARER' } }),
        intellectmoneyContract.flow('im-reversed', { signOrder: REVERSED_ORDER }),
        { ...titeliveContract.flow('titelive'), timeouts: { connectMs: 500, requestMs: 500 } },
        titeliveContract.flow('titelive-mail', { resendEmailParam: 'mail' }),
      ].map((flow) => ({ ...flow, circuitBreaker: { minimumCalls: 1_000_000 } })),
    },
    env: { WRONG_BEARER },
    adminToken: ADMIN,
  });
});
afterAll(() => bff.close());

const touched = new Set<string>();
async function reading(provider: string, readings: Record<string, unknown>): Promise<void> {
  touched.add(provider);
  const res = await bff.fetch('POST', `/sandbox/${provider}/_readings`, { json: readings });
  expect(res.status).toBe(200);
}
afterEach(async () => {
  for (const provider of touched) await reading(provider, {});
  touched.clear();
});

/** The error line an operator gets for a flow, which must name `setting`. */
function operatorError(flow: string, setting: string) {
  const line = bff.logs.findLast(
    (l) => l.includes(`"flow":"${flow}"`) && l.includes('"level":50') && l.includes('"kind"'),
  );
  expect(line, `an error line for ${flow}`).toBeDefined();
  expect(line).toContain(setting);
}

const post = (path: string, json: unknown = {}) =>
  bff.fetch('POST', path, { headers: { origin: 'http://localhost:5173' }, json });

async function codeOf(email: string): Promise<string> {
  const mail = await bff.fetch<{ to: string; code: string }[]>('GET', '/sandbox/hectare/_outbox');
  return mail.body.findLast((m) => m.to === email)!.code;
}

describe('Nitro', () => {
  it("coded answers with HTTP 200 (not the code's own status): created, and a duplicate is a 409", async () => {
    await reading('nitro', { codedStatus: '200' });
    const fields = nitroContract.fields();
    expect((await bff.register('nitro', { fields })).status).toBe(201);
    const again = await bff.register('nitro', { fields: nitroContract.duplicate(fields).fields });
    expect(again.status).toBe(409);
    expect(again.body['errors']).toEqual({ email: 'already_registered' });
  });
});

describe('Hectare', () => {
  it('errors carrying Cognito exception names: a wrong code, a resend, the right code', async () => {
    await reading('hectare', { errorStatus: 'cognito' });
    const fields = hectareContract.fields();
    const res = await bff.register('hectare', { fields });
    const id = String(res.body['id']);
    expect((await post(`/v1/registrations/${id}/verify`, { code: '000000' })).status).toBe(400);
    expect((await post(`/v1/registrations/${id}/resend`)).status).toBe(202);
    const code = await codeOf(fields.email!);
    expect((await post(`/v1/registrations/${id}/verify`, { code })).status).toBe(200);
  });

  it('an API that takes the ID token: a 502 naming tokenKind; with tokenKind "id", registered', async () => {
    await reading('hectare', { bearer: 'id' });
    const refused = await bff.register('hectare', { fields: hectareContract.fields() });
    expect(refused.status).toBe(502);
    operatorError('hectare', 'tokenKind');
    const res = await bff.register('hectare-id', { fields: hectareContract.fields() });
    expect(res.status).toBe(201);
  });

  it('no resend operation at all: a 502 naming routes.resendConfirmationCode, not "nothing to resend"', async () => {
    await reading('hectare', { resendCode: false });
    const res = await bff.register('hectare', { fields: hectareContract.fields() });
    const resend = await post(`/v1/registrations/${String(res.body['id'])}/resend`);
    expect(resend.status).toBe(502);
    operatorError('hectare', 'routes.resendConfirmationCode');
  });
});

describe('CloudSuite', () => {
  it('"already exists" as a 409: a 409 on the e-mail', async () => {
    await reading('cloudsuite', { duplicateEmail: '409' });
    const fields = cloudsuiteContract.fields();
    expect((await bff.register('cloudsuite', { fields })).status).toBe(201);
    const again = await bff.register('cloudsuite', {
      fields: cloudsuiteContract.duplicate(fields).fields,
    });
    expect(again.status).toBe(409);
    expect(again.body['errors']).toEqual({ email: 'already_registered' });
  });

  it('PATCH only under /API/, as the seed writes it: a 502 naming paths.userUpdate; set, approved', async () => {
    await reading('cloudsuite', { apiCase: 'upper' });
    const approve = async (flow: string) => {
      const fields = cloudsuiteContract.fields();
      const res = await bff.register(flow, { fields });
      const { approvals } = (
        await bff.fetch<{ approvals: { email: string; key: string }[] }>(
          'GET',
          `/admin/approvals?flow=${flow}`,
          { headers: auth },
        )
      ).body;
      const key = approvals.find((a) => a.email === fields.email)!.key;
      const answer = await bff.fetch('POST', `/admin/approvals/${key}/approve`, {
        headers: auth,
        json: { flow, createCustomer: true },
      });
      return { answer, id: String(res.body['id']) };
    };
    const wrong = await approve('cloudsuite');
    expect(wrong.answer.status).toBe(502);
    operatorError('cloudsuite', 'paths.userUpdate');
    const right = await approve('cloudsuite-upper');
    expect(right.answer.status).toBe(200);
    const status = await bff.fetch('GET', `/v1/registrations/${right.id}`);
    expect(status.body['status']).toBe('completed');
  });
});

describe('IntellectMoney', () => {
  it.each([
    ['HTTP 200 with a non-zero state', { authRefusal: 'state' }],
    ['HTTP 401', { authRefusal: '401' }],
  ])(
    'a wrong Bearer token answered with %s is never a success: 502 naming bearerToken',
    async (_, readings) => {
      await reading('intellectmoney', readings);
      const fields = intellectmoneyContract.fields();
      const res = await bff.register('im-wrong-bearer', { fields });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'provider_unavailable' });
      operatorError('im-wrong-bearer', 'bearerToken');
      const status = (
        await bff.fetch('GET', '/admin/registrations?flow=im-wrong-bearer', { headers: auth })
      ).body as { registrations: { status: string }[] };
      expect(status.registrations[0]!.status).toBe('failed');
    },
  );

  it('Sign over another order: a 502 naming signOrder; with signOrder set, registered', async () => {
    await reading('intellectmoney', { signOrder: REVERSED_ORDER });
    expect((await bff.register('im', { fields: intellectmoneyContract.fields() })).status).toBe(
      502,
    );
    operatorError('im', 'signOrder');
    expect(
      (await bff.register('im-reversed', { fields: intellectmoneyContract.fields() })).status,
    ).toBe(201);
  });

  it('a repeated RequestId answered with the first result: a lost answer retried is one registration', async () => {
    await reading('intellectmoney', { repeatedRequestId: 'idempotent' });
    const fields = intellectmoneyContract.fields();
    const key = crypto.randomUUID();
    await bff.faults('intellectmoney', {
      failRate: 1,
      mode: 'reset',
      phase: 'after',
      path: '/registerOrganization$',
    });
    expect((await bff.register('im', { fields }, { key })).status).toBe(503);
    await bff.faults('intellectmoney', {});
    expect((await bff.register('im', { fields }, { key })).status).toBe(201);
    const held = (
      await bff.fetch<{ accounts: { email: string }[] }>('GET', '/sandbox/intellectmoney/_state')
    ).body.accounts.filter((a) => a.email === fields.email);
    expect(held).toHaveLength(1);
  });
});

describe('TiteLive', () => {
  it("resend served at both URLs: sent at the seed's", async () => {
    await reading('titelive', { resendPath: 'both' });
    const fields = titeliveContract.fields();
    const res = await bff.register('titelive', { fields });
    expect((await post(`/v1/registrations/${String(res.body['id'])}/resend`)).status).toBe(202);
  });

  it('a resend parameter named otherwise: a 502 naming resendEmailParam; set, sent', async () => {
    await reading('titelive', { resendParam: 'mail' });
    const first = await bff.register('titelive', { fields: titeliveContract.fields() });
    expect((await post(`/v1/registrations/${String(first.body['id'])}/resend`)).status).toBe(502);
    operatorError('titelive', 'resendEmailParam');
    const second = await bff.register('titelive-mail', { fields: titeliveContract.fields() });
    expect((await post(`/v1/registrations/${String(second.body['id'])}/resend`)).status).toBe(202);
  });

  it('duplicates coded, or an uncaught exception: a 409 on the field, or a 503 of unknown outcome', async () => {
    await reading('titelive', { unpublishedRefusals: 'coded' });
    const fields = titeliveContract.fields();
    expect((await bff.register('titelive', { fields })).status).toBe(201);
    const coded = await bff.register('titelive', {
      fields: titeliveContract.duplicate(fields).fields,
    });
    expect(coded.status).toBe(409);
    await reading('titelive', { unpublishedRefusals: 'uncaught' });
    const uncaught = await bff.register('titelive', {
      fields: titeliveContract.duplicate(fields).fields,
    });
    expect(uncaught.status).toBe(503);
  });
});
