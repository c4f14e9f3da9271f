/**
 * The hectare adapter against the Hectare simulator over real HTTP: the seed's request shapes in
 * both modes, every documented refusal as the user and the operator see it, token reuse and
 * renewal, and the owner's confirmation code (verify / resend) at the adapter level.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { ProviderError } from '../errors.ts';
import type { FollowUpInput, ProviderAdapter, RegistrationResult } from '../providers/types.ts';
import { HECTARE_SANDBOX } from '../sandbox/hectare.ts';
import type { OutboxMessage } from '../sandbox/simulator.ts';
import { hectareFields, hectareFlow } from './contract/hectare.ts';
import { startBff, type Bff } from './harness.ts';

const API = '/customers/';
const E164 = '+442079460958';

/** The simulator's API calls (not its control routes), oldest first. */
async function apiCalls(bff: Bff) {
  return (await bff.sandboxRequests('hectare')).filter((r) => r.path.startsWith(API));
}
const pathsOf = (calls: { path: string }[]) => calls.map((r) => r.path.slice(API.length));

async function control(bff: Bff, path: '_pool' | '_clock', json: Record<string, unknown>) {
  const res = await bff.fetch('POST', `/sandbox/hectare/${path}`, { json });
  expect(res.status).toBe(200);
}
const forget = async (bff: Bff) =>
  expect((await bff.fetch('DELETE', '/sandbox/hectare/_state')).status).toBe(204);
const outboxOf = async (bff: Bff, to: string) =>
  (await bff.fetch<OutboxMessage[]>('GET', '/sandbox/hectare/_outbox')).body.filter(
    (m) => m.to === to,
  );

/** The last log line that contains `text`, parsed. */
function logLine(bff: Bff, text: string): Record<string, unknown> | undefined {
  const line = bff.logs.findLast((l) => l.includes(text));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}

describe('hectare: create-organisation mode', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [
          hectareFlow('hectare'),
          hectareFlow('hectare-short'),
          hectareFlow('hectare-auto', { ownerConfirmation: 'auto' }),
        ],
      },
    });
  });
  afterAll(() => bff.close());

  it('logs in, then creates the organisation and its owner with the seed body', async () => {
    await forget(bff);
    const fields = hectareFields();
    const res = await bff.register('hectare', { fields });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      next: { type: 'verify-code' },
      organisation: { id: expect.any(String), name: fields.organisationName },
    });
    const [login, create] = await apiCalls(bff);
    expect(login).toMatchObject({ method: 'POST', path: `${API}auth/login` });
    expect(login?.headers['content-type']).toBe('application/json');
    expect(login?.headers['authorization']).toBeUndefined();
    expect(login?.body).toEqual({
      username: HECTARE_SANDBOX.username,
      password: HECTARE_SANDBOX.password,
    });
    expect(create).toMatchObject({ method: 'POST', path: `${API}organisations` });
    expect(create?.headers['content-type']).toBe('application/json');
    expect(create?.headers['authorization']).toMatch(/^Bearer [\w-]{40,}$/);
    expect(create?.body).toEqual({
      location: null,
      company: { number: fields.companyNumber },
      name: fields.organisationName,
      countryISO: 'GB',
      ownerContact: {
        givenName: fields.firstName,
        familyName: fields.lastName,
        email: fields.email,
        phone: E164,
      },
      billing: null,
      modules: [],
    });
    // Hectare e-mails the owner the six-digit code the widget's next step asks for.
    const sent = await outboxOf(bff, fields.email);
    expect(sent).toEqual([
      {
        to: fields.email,
        kind: 'signup-code',
        code: expect.stringMatching(/^\d{6}$/),
        at: expect.any(String),
      },
    ]);
  });

  it('sends the address as location.address, line1 from house number and street', async () => {
    const fields = hectareFields({
      street: 'Mill Lane',
      houseNumber: '12',
      zip: 'SW1A 1AA',
      city: 'London',
    });
    expect((await bff.register('hectare', { fields })).status).toBe(201);
    expect((await apiCalls(bff)).at(-1)?.body['location']).toEqual({
      address: { line1: '12 Mill Lane', city: 'London', postcode: 'SW1A 1AA', countryISO: 'GB' },
    });
    const partial = hectareFields({ city: 'Leeds' });
    expect((await bff.register('hectare', { fields: partial })).status).toBe(201);
    expect((await apiCalls(bff)).at(-1)?.body['location']).toEqual({
      address: { city: 'Leeds', countryISO: 'GB' },
    });
  });

  it('logs in once for many registrations', async () => {
    await forget(bff);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => bff.register('hectare-short', { fields: hectareFields() })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const paths = pathsOf(await apiCalls(bff));
    expect(paths.filter((p) => p === 'auth/login')).toHaveLength(1);
    expect(paths.filter((p) => p === 'organisations')).toHaveLength(8);
  });

  it('logs in again when Hectare answers 401 to the cached token, once', async () => {
    expect((await bff.register('hectare', { fields: hectareFields() })).status).toBe(201);
    // Forget every token the simulator issued: the cached one now answers 401.
    await forget(bff);
    const res = await bff.register('hectare', { fields: hectareFields() });
    expect(res.status).toBe(201);
    expect(pathsOf(await apiCalls(bff))).toEqual(['organisations', 'auth/login', 'organisations']);
  });

  it('renews the token before expiresIn runs out, without waiting for a 401', async () => {
    await forget(bff);
    await control(bff, '_pool', { tokenTtlSeconds: 1 });
    try {
      // A fresh flow: no token yet. Lifetime 1 s, so it is renewed after half of it.
      const flow = hectareFlow('hectare-ttl');
      const local = await startBff({
        config: { sandbox: { url: bff.url }, flows: [flow] },
      });
      try {
        expect((await local.register('hectare-ttl', { fields: hectareFields() })).status).toBe(201);
        expect((await local.register('hectare-ttl', { fields: hectareFields() })).status).toBe(201);
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect((await local.register('hectare-ttl', { fields: hectareFields() })).status).toBe(201);
      } finally {
        await local.close();
      }
      const calls = await apiCalls(bff);
      expect(pathsOf(calls)).toEqual([
        'auth/login',
        'organisations',
        'organisations',
        'auth/login',
        'organisations',
      ]);
      // The renewed token is a new one, and no request was refused on the way.
      expect(calls[4]?.headers['authorization']).not.toBe(calls[1]?.headers['authorization']);
    } finally {
      await forget(bff);
    }
  });

  it('maps 409 UsernameExistsException (the owner e-mail, any case) to 409 on email', async () => {
    const taken = hectareFields();
    expect((await bff.register('hectare', { fields: taken })).status).toBe(201);
    const res = await bff.register('hectare', {
      fields: hectareFields({ email: taken.email.toUpperCase() }),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'already_registered',
      errors: { email: 'already_registered' },
    });
    expect(res.text).not.toContain('already exists');
  });

  it('maps 409 on the organisation name (any case) to 409 on organisationName', async () => {
    const taken = hectareFields();
    expect((await bff.register('hectare', { fields: taken })).status).toBe(201);
    const res = await bff.register('hectare', {
      fields: hectareFields({ organisationName: taken.organisationName.toLowerCase() }),
    });
    expect(res.status).toBe(409);
    expect(res.body['errors']).toEqual({ organisationName: 'already_registered' });
  });

  it('maps 409 on the company number to 409 on companyNumber', async () => {
    const taken = hectareFields();
    expect((await bff.register('hectare', { fields: taken })).status).toBe(201);
    const number = taken.companyNumber;
    const res = await bff.register('hectare', {
      fields: hectareFields({ companyNumber: `${number.slice(0, 4)} ${number.slice(4)}` }),
    });
    expect(res.status).toBe(409);
    expect(res.body['errors']).toEqual({ companyNumber: 'already_registered' });
  });

  it('maps a 400 that names a property to invalid_fields on that field', async () => {
    // Outside the seed's countryISO enum (GB, US, ZA, FR).
    const country = await bff.register('hectare', { fields: hectareFields({ country: 'DE' }) });
    expect(country.status).toBe(400);
    expect(country.body).toMatchObject({ code: 'invalid_fields', errors: { country: 'invalid' } });
    expect(country.text).not.toContain('countryISO');
    // Not a Companies House number, for a GB organisation.
    const number = await bff.register('hectare', {
      fields: hectareFields({ companyNumber: 'ABC-1' }),
    });
    expect(number.status).toBe(400);
    expect(number.body).toMatchObject({ errors: { companyNumber: 'invalid' } });
    // The operator learns what Hectare said.
    expect(logLine(bff, 'Companies House')).toMatchObject({ kind: 'rejected', level: 40 });
  });

  it('a 400 that names no field of the form is a 502, the error naming invalidFieldRules', async () => {
    // A route pointing at another operation: Hectare refuses the body as a whole.
    const local = await startBff({
      config: {
        sandbox: { url: bff.url },
        flows: [
          hectareFlow('hectare-misrouted', {
            routes: { createOrganisation: 'users/request-full-account' },
          }),
        ],
      },
    });
    try {
      const res = await local.register('hectare-misrouted', { fields: hectareFields() });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'provider_unavailable' });
      expect(res.body['errors']).toBeUndefined();
      expect(logLine(local, 'settings.invalidFieldRules')).toMatchObject({
        kind: 'bad_response',
        level: 50,
        outcomeUnknown: false,
      });
    } finally {
      await local.close();
    }
  });

  it('with ownerConfirmation auto, the registration is done at once', async () => {
    await control(bff, '_pool', { autoConfirm: true });
    try {
      const fields = hectareFields();
      const res = await bff.register('hectare-auto', { fields });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'completed', next: null });
      expect(await outboxOf(bff, fields.email)).toEqual([]);
    } finally {
      await control(bff, '_pool', { autoConfirm: false });
    }
  });

  it('answers 503 when Hectare fails (500); the same details can be sent again', async () => {
    const fields = hectareFields();
    await bff.faults('hectare', { failRate: 1, mode: '500' });
    const res = await bff.register('hectare', { fields });
    await bff.faults('hectare', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect((await bff.register('hectare', { fields })).status).toBe(201);
  });
});

describe('hectare: refusals the operator must fix', () => {
  let bff: Bff;
  const WRONG = 'wrong-hectare-password-123';
  beforeAll(async () => {
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [
          hectareFlow('wrong-password', {
            credentials: { username: HECTARE_SANDBOX.username, password: { env: 'HECTARE_PW' } },
          }),
          hectareFlow('read-only', {
            credentials: {
              username: HECTARE_SANDBOX.readOnly.username,
              password: { env: 'HECTARE_RO_PW' },
            },
          }),
          hectareFlow('new-password', {
            credentials: {
              username: HECTARE_SANDBOX.newPasswordRequired.username,
              password: { env: 'HECTARE_NEW_PW' },
            },
          }),
          hectareFlow('wrong-route', { routes: { createOrganisation: 'organisation' } }),
        ],
      },
      env: {
        HECTARE_PW: WRONG,
        HECTARE_RO_PW: HECTARE_SANDBOX.readOnly.password,
        HECTARE_NEW_PW: HECTARE_SANDBOX.newPasswordRequired.password,
      },
    });
  });
  afterAll(() => bff.close());

  const expectOperatorTold = async (flow: string, text: string) => {
    const res = await bff.register(flow, { fields: hectareFields() });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(res.text).not.toMatch(/credential|password|route|forbidden|challenge/i);
    expect(logLine(bff, text)).toMatchObject({ level: 50, flow, kind: 'misconfigured' });
  };

  it('401 NotAuthorizedException on login: check the credentials, no secret anywhere', async () => {
    await expectOperatorTold(
      'wrong-password',
      "check the flow's credentials.username and credentials.password",
    );
    expect(bff.logs.join('\n')).not.toContain(WRONG);
    expect(pathsOf(await apiCalls(bff))).toEqual(['auth/login']);
  });

  it('403 on Create organisation: the platform account is not allowed', async () => {
    await expectOperatorTold('read-only', 'is not allowed to call routes.createOrganisation');
  });

  it('a NEW_PASSWORD_REQUIRED challenge instead of tokens: set a new password', async () => {
    await expectOperatorTold('new-password', 'must set a new password');
  });

  it('404 on a route: check baseUrl and the route', async () => {
    await expectOperatorTold(
      'wrong-route',
      'baseUrl (ending in /customers/) and routes.createOrganisation',
    );
  });

  it('create-organisation needs credentials: the configuration says so at start', () => {
    expect(() =>
      parseConfig(
        {
          flows: [
            {
              id: 'real',
              provider: 'hectare',
              baseUrl: 'https://api.hectare.example/customers/',
              allowedOrigins: ['https://shop.example.com'],
            },
          ],
        },
        {},
      ),
    ).toThrow(/flows\[0\]\.settings\.credentials: mode create-organisation logs in/);
  });
});

describe('hectare: request-account mode', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [
          hectareFlow('request', { mode: 'request-account' }),
          hectareFlow('request-buyer', {
            mode: 'request-account',
            requestType: 'tradingBuyerAccount',
          }),
          hectareFlow('create'),
        ],
      },
    });
  });
  afterAll(() => bff.close());

  it('sends User Request Full Account without logging in; the widget says the team will call', async () => {
    await forget(bff);
    const fields = hectareFields();
    const res = await bff.register('request', { fields });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      next: null,
      notice: 'account-requested',
    });
    const calls = await apiCalls(bff);
    expect(pathsOf(calls)).toEqual(['users/request-full-account']);
    expect(calls[0]?.headers['authorization']).toBeUndefined();
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(calls[0]?.body).toEqual({
      requestType: 'account',
      firstName: fields.firstName,
      lastName: fields.lastName,
      businessName: fields.organisationName,
      companyNumber: fields.companyNumber,
      emailAddress: fields.email,
      phone: E164,
    });
  });

  it('sends the configured requestType', async () => {
    expect((await bff.register('request-buyer', { fields: hectareFields() })).status).toBe(201);
    expect((await apiCalls(bff)).at(-1)?.body['requestType']).toBe('tradingBuyerAccount');
  });

  it('refuses a second request, or one for an existing user, with 409 on email', async () => {
    const fields = hectareFields();
    expect((await bff.register('request', { fields })).status).toBe(201);
    const again = await bff.register('request', { fields: hectareFields({ email: fields.email }) });
    expect(again.status).toBe(409);
    expect(again.body['errors']).toEqual({ email: 'already_registered' });

    const owner = hectareFields();
    expect((await bff.register('create', { fields: owner })).status).toBe(201);
    const existing = await bff.register('request', {
      fields: hectareFields({ email: owner.email }),
    });
    expect(existing.status).toBe(409);
    expect(existing.body['errors']).toEqual({ email: 'already_registered' });
  });

  it('answers 503 on a connection reset', async () => {
    await bff.faults('hectare', { failRate: 1, mode: 'reset' });
    const res = await bff.register('request', { fields: hectareFields() });
    await bff.faults('hectare', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
  });
});

describe('hectare: the owner confirms the code (verify / resend)', () => {
  let bff: Bff;
  let adapter: ProviderAdapter;
  beforeAll(async () => {
    bff = await startBff({
      config: { sandbox: { enabled: true }, flows: [hectareFlow('hectare')] },
    });
    adapter = bff.server.app.flows.get('hectare')!.adapter;
  });
  afterAll(() => bff.close());
  beforeEach(() => forget(bff));

  /** A registration through the adapter (phone already E.164, as the BFF hands it over). */
  async function registered(): Promise<{
    email: string;
    result: RegistrationResult;
    followUp: FollowUpInput;
  }> {
    const fields = hectareFields({ phone: E164 });
    const registrationId = crypto.randomUUID();
    const result = await adapter.register({
      registrationId,
      fields,
      hostValues: {},
      utm: {},
      locale: 'en',
    });
    return {
      email: fields.email,
      result,
      followUp: {
        registrationId,
        providerRef: result.providerRef ?? null,
        state: result.state ?? {},
      },
    };
  }
  const codes = async (email: string) => (await outboxOf(bff, email)).map((m) => m.code!);
  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: unknown) => err,
    );

  it('registers with the owner authPlatformId as the username to confirm', async () => {
    const { result } = await registered();
    expect(result).toMatchObject({
      next: { type: 'verify-code' },
      providerRef: expect.any(String),
      state: { username: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(JSON.stringify(result.state)).not.toMatch(/Bearer|password|access/i);
  });

  it('the right code confirms the owner (Confirm Signup, public); again is still done', async () => {
    const { email, followUp } = await registered();
    const [code] = await codes(email);
    await expect(adapter.verify!(followUp, code!)).resolves.toBeUndefined();
    const confirm = (await apiCalls(bff)).at(-1);
    expect(confirm).toMatchObject({ method: 'POST', path: `${API}auth/confirm-signup` });
    expect(confirm?.headers['authorization']).toBeUndefined();
    expect(confirm?.body).toEqual({ username: followUp.state['username'], confirmationCode: code });
    // Confirmed already (a second click, or Hectare's auto-confirmation): done, not an error.
    await expect(adapter.verify!(followUp, code!)).resolves.toBeUndefined();
    await expect(adapter.verify!(followUp, '000000')).resolves.toBeUndefined();
    // Nothing to resend any more, and nothing is sent.
    await expect(adapter.resend!(followUp)).resolves.toBeUndefined();
    expect(await codes(email)).toHaveLength(1);
  });

  it('a wrong code is invalid_code (a 400 with only words, as the seed shows); the right one still works', async () => {
    const { email, followUp } = await registered();
    const [code] = await codes(email);
    const wrong = code === '123456' ? '654321' : '123456';
    const err = await rejection(adapter.verify!(followUp, wrong));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'invalid_code' });
    expect((err as Error).message).toContain('Confirm Signup answered 400');
    await expect(adapter.verify!(followUp, code!)).resolves.toBeUndefined();
  });

  it('a code older than 24 h is invalid_code; a resent one works', async () => {
    const { email, followUp } = await registered();
    const [old] = await codes(email);
    await control(bff, '_clock', { advanceSeconds: 24 * 3600 + 1 });
    const err = await rejection(adapter.verify!(followUp, old!));
    expect(err).toMatchObject({ kind: 'invalid_code' });
    await adapter.resend!(followUp);
    const [, fresh] = await codes(email);
    await expect(adapter.verify!(followUp, fresh!)).resolves.toBeUndefined();
  });

  it('resend sends a new code to the owner and the old one stops working', async () => {
    const { email, followUp } = await registered();
    await adapter.resend!(followUp);
    const resend = (await apiCalls(bff)).at(-1);
    expect(resend).toMatchObject({ method: 'POST', path: `${API}auth/resend-confirmation-code` });
    expect(resend?.body).toEqual({ username: followUp.state['username'] });
    expect(resend?.headers['authorization']).toBeUndefined();
    const [old, fresh] = await codes(email);
    expect(fresh).toMatch(/^\d{6}$/);
    if (old !== fresh) {
      await expect(adapter.verify!(followUp, old!)).rejects.toMatchObject({ kind: 'invalid_code' });
    }
    await expect(adapter.verify!(followUp, fresh!)).resolves.toBeUndefined();
  });

  it("Cognito's resend limit (LimitExceededException) is unavailable: try later", async () => {
    const { followUp } = await registered();
    for (let i = 0; i < HECTARE_SANDBOX.resendsPerHour; i += 1) await adapter.resend!(followUp);
    await expect(adapter.resend!(followUp)).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('an owner Hectare does not know is not_found, for verify and resend', async () => {
    const unknown: FollowUpInput = {
      registrationId: crypto.randomUUID(),
      providerRef: 'org-gone',
      state: { username: crypto.randomUUID() },
    };
    await expect(adapter.verify!(unknown, '123456')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(adapter.resend!(unknown)).rejects.toMatchObject({ kind: 'not_found' });
    const none = { ...unknown, state: {} };
    await expect(adapter.verify!(none, '123456')).rejects.toMatchObject({ kind: 'not_found' });
    // Without a username nothing is sent to Hectare.
    expect(pathsOf(await apiCalls(bff))).toEqual([
      'auth/confirm-signup',
      'auth/resend-confirmation-code',
    ]);
  });

  it('a Confirm Signup that fails (500) is unavailable, not a wrong code', async () => {
    const { email, followUp } = await registered();
    const [code] = await codes(email);
    await bff.faults('hectare', { failRate: 1, mode: '500' });
    try {
      await expect(adapter.verify!(followUp, code!)).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await bff.faults('hectare', { failRate: 0 });
    }
    await expect(adapter.verify!(followUp, code!)).resolves.toBeUndefined();
  });
});
