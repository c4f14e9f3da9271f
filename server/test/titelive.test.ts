/**
 * The titelive adapter against the TiteLive simulator over real HTTP through the BFF: the seed's
 * form body with the salted password hash and the session token, confirmation e-mails and their
 * resend, every code's mapping (the simulator's, and a stub for the codes it never answers), and
 * the typed password kept out of logs and the journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { ProviderError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { startServer, type RunningServer } from '../main.ts';
import { DEFAULT_CODE_RULES, classifyCode, titelivePasswordHash } from '../providers/titelive.ts';
import type { FollowUpInput } from '../providers/types.ts';
import type { OutboxMessage } from '../sandbox/simulator.ts';
import { TITELIVE_SANDBOX } from '../sandbox/titelive.ts';
import { openStore } from '../store/index.ts';
import { ORIGIN, startBff, WITH_SANDBOX, type Bff, type FlowDocument } from './harness.ts';
import { titeliveFields, titeliveFlow } from './contract/titelive.ts';

const CREATE_PATH = `/api/json/${TITELIVE_SANDBOX.domainCode}/customer`;
/** The seed's resend URL: no `/api/` segment, unlike every other call. */
const RESEND_PATH = `/json/${TITELIVE_SANDBOX.domainCode}/customer/resend`;
const CONFIRM_EMAIL = { type: 'confirm-email', canResend: true };

/** The hash the sandbox flows send: SHA-1 hex of the sandbox salt + the typed password. */
const sandboxHash = (password: string) =>
  titelivePasswordHash(password, {
    algorithm: 'sha1',
    salt: TITELIVE_SANDBOX.salt,
    order: 'salt+password',
  });

const config = (flows: FlowDocument[]) => ({ sandbox: { enabled: true }, flows });

const adapterOf = (bff: Bff, flow: string) => bff.server.app.flows.get(flow)!.adapter;

/** The simulator's reading of what the seed leaves unsaid (its defaults: the conservative one). */
async function readings(bff: Bff, body: Record<string, unknown>): Promise<void> {
  const res = await bff.fetch('POST', '/sandbox/titelive/_readings', { json: body });
  expect(res.status).toBe(200);
}

async function outbox(bff: Bff): Promise<OutboxMessage[]> {
  return (await bff.fetch<OutboxMessage[]>('GET', '/sandbox/titelive/_outbox')).body;
}

async function providerErrorOf(work: Promise<unknown>): Promise<ProviderError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

/** The log lines of one flow at error level that say `kind`. */
const operatorLines = (bff: Bff, flow: string, kind: string) =>
  bff.logs.filter((l) => l.includes(`"flow":"${flow}"`) && l.includes(`"kind":"${kind}"`));

describe('titelivePasswordHash', () => {
  // Reference values computed with: printf '%s' '<text>' | sha1sum (or md5sum)
  it('is SHA-1 hex of salt + password by default', () => {
    expect(
      titelivePasswordHash('password', { algorithm: 'sha1', salt: 'salt', order: 'salt+password' }),
    ).toBe('59b3e8d637cf97edbe2384cf59cb7453dfe30789');
    expect(
      titelivePasswordHash('Mot de passe é', {
        algorithm: 'sha1',
        salt: 'pépin-salt',
        order: 'salt+password',
      }),
    ).toBe('457e44810b6f1db28e390b6c91dbf36027947d0f');
  });

  it('follows the configured order and algorithm', () => {
    expect(
      titelivePasswordHash('password', { algorithm: 'sha1', salt: 'salt', order: 'password+salt' }),
    ).toBe('c88e9c67041a74e0357befdff93f87dde0904214');
    expect(
      titelivePasswordHash('password', { algorithm: 'md5', salt: 'salt', order: 'salt+password' }),
    ).toBe('67a1e09bb1f83f5007dc119c14d663aa');
    expect(
      titelivePasswordHash('Mot de passe é', {
        algorithm: 'md5',
        salt: 'pépin-salt',
        order: 'password+salt',
      }),
    ).toBe('5a5d83ca7d55acc117f3907ad784b718');
  });
});

describe('titelive: the default code rules', () => {
  it.each([
    [1, 'domaincode malformed', 'misconfigured', undefined],
    [2, 'connexion error', 'unavailable', undefined],
    [3, 'token is empty', 'misconfigured', undefined],
    [4, 'no token with that key', 'misconfigured', undefined],
    [5, 'invalid token', 'misconfigured', undefined],
    [9, 'firstname is not string', 'rejected', undefined],
    [9, 'password is not sha1', 'misconfigured', undefined],
    [10, 'already logged in', 'misconfigured', undefined],
    [
      10,
      "A customer can't register a new account if he's already connected via the login webservice",
      'misconfigured',
      undefined,
    ],
    [11, 'wrong password', 'misconfigured', undefined],
    [99, 'uncatched exception', 'unavailable', undefined],
    [12, 'login already exists', 'already_registered', 'login'],
    [13, 'email already exists', 'already_registered', 'email'],
    [21, 'Cet e-mail est déjà utilisé', 'already_registered', 'email'],
    [14, 'no customer waiting for email validation with that email', 'not_found', undefined],
    [42, 'something else', undefined, undefined],
  ])('code %i "%s" -> %s', (code, message, outcome, field) => {
    const rule = classifyCode(DEFAULT_CODE_RULES, code, message);
    expect(rule?.outcome).toBe(outcome);
    expect(rule?.field).toBe(field);
  });
});

describe('titelive: registration against the simulator', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({
      config: config([
        titeliveFlow('titelive'),
        titeliveFlow('tl-fixed', {
          title: 'Mme',
          language: 2,
          newsletter: 1,
          favoriteShop: 7,
          extra1: 'salon-du-livre',
          extra2: 'b2b',
          extra3: 'widget',
        }),
      ]),
    });
  });
  afterAll(() => bff.close());

  const creates = async () =>
    (await bff.sandboxRequests('titelive')).filter(
      (r) => r.method === 'POST' && r.path === CREATE_PATH,
    );

  it('sends the seed form: login, salted SHA-1 of the password, e-mail, names, session token', async () => {
    const fields = titeliveFields();
    const res = await bff.register('titelive', { fields });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: 'completed', next: CONFIRM_EMAIL });
    const sent = (await creates()).at(-1)!;
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(sent.headers['token']).toBe(TITELIVE_SANDBOX.token);
    expect(sent.body).toEqual({
      login: fields.login,
      password: sandboxHash(fields.password),
      email: fields.email,
      firstname: fields.firstName,
      lastname: fields.lastName,
      company: fields.organisationName,
      confirmationRequired: 'true',
    });
    expect(JSON.stringify(await bff.sandboxRequests('titelive'))).not.toContain(fields.password);
  });

  it('leaves out the optional fields the user left blank', async () => {
    const { email, login, password } = titeliveFields();
    const res = await bff.register('titelive', {
      fields: { email, login, password, firstName: '  ', organisationName: '' },
    });
    expect(res.status).toBe(201);
    expect((await creates()).at(-1)!.body).toEqual({
      login,
      password: sandboxHash(password),
      email,
      confirmationRequired: 'true',
    });
  });

  it("adds the flow's fixed values (title, language, newsletter, favoriteShop, extra1..3)", async () => {
    const fields = titeliveFields();
    expect((await bff.register('tl-fixed', { fields })).status).toBe(201);
    expect((await creates()).at(-1)!.body).toMatchObject({
      login: fields.login,
      title: 'Mme',
      language: '2',
      newsletter: '1',
      favoriteShop: '7',
      extra1: 'salon-du-livre',
      extra2: 'b2b',
      extra3: 'widget',
    });
  });

  it('resends the confirmation e-mail: GET resend with the token and the e-mail; the outbox grows', async () => {
    const fields = titeliveFields();
    const res = await bff.register('titelive', { fields });
    expect(res.status).toBe(201);
    expect(res.body['next']).toEqual(CONFIRM_EMAIL);
    const before = (await outbox(bff)).filter((m) => m.to === fields.email).length;
    const input: FollowUpInput = {
      registrationId: String(res.body['id']),
      providerRef: null,
      state: { email: fields.email },
    };
    await adapterOf(bff, 'titelive').resend!(input);
    await adapterOf(bff, 'titelive').resend!(input);
    const mails = (await outbox(bff)).filter((m) => m.to === fields.email);
    expect(mails.length - before).toBe(2);
    expect(new Set(mails.map((m) => m.link)).size).toBe(mails.length);
    const resends = (await bff.sandboxRequests('titelive')).filter((r) => r.path === RESEND_PATH);
    expect(resends.slice(-2).map((r) => [r.method, r.headers['token']])).toEqual([
      ['GET', TITELIVE_SANDBOX.token],
      ['GET', TITELIVE_SANDBOX.token],
    ]);
  });

  it('with the seed silent on duplicates, a taken login is not a success nor a 409: 503, outcome unknown', async () => {
    const fields = titeliveFields();
    expect((await bff.register('titelive', { fields })).status).toBe(201);
    const res = await bff.register('titelive', { fields: titeliveFields({ login: fields.login }) });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    const line = operatorLines(bff, 'titelive', 'unavailable').find((l) => l.includes('code 99'));
    expect(JSON.parse(line!)).toMatchObject({ outcomeUnknown: true });
  });

  it('a resend TiteLive answers 99 to is a 503 for the user, never "nothing to resend"', async () => {
    const res = await bff.register('titelive', { fields: titeliveFields() });
    expect(res.status).toBe(201);
    const err = await providerErrorOf(
      adapterOf(bff, 'titelive').resend!({
        registrationId: String(res.body['id']),
        providerRef: null,
        state: { email: 'nobody-waits@example.fr' },
      }),
    );
    expect(err.kind).toBe('unavailable');
  });

  describe('where TiteLive codes its refusals (the simulator\'s "coded" reading: 12, 13, 14)', () => {
    beforeAll(() => readings(bff, { unpublishedRefusals: 'coded' }));
    afterAll(() => readings(bff, {}));

    it('the provider mails a confirmation link; once followed, there is nothing left to resend', async () => {
      const fields = titeliveFields();
      const res = await bff.register('titelive', { fields });
      expect(res.status).toBe(201);
      const mail = (await outbox(bff)).filter((m) => m.to === fields.email);
      expect(mail).toEqual([
        {
          to: fields.email,
          kind: 'confirm-email',
          link: expect.any(String),
          at: expect.any(String),
        },
      ]);
      const link = new URL(mail[0]!.link!);
      expect(link.pathname).toBe(`/sandbox/titelive${CREATE_PATH}/validation`);
      const followed = await bff.fetch('GET', `${link.pathname}${link.search}`);
      expect(followed.body).toMatchObject({ response: { success: true } });

      const input: FollowUpInput = {
        registrationId: String(res.body['id']),
        providerRef: null,
        state: { email: fields.email },
      };
      const err = await providerErrorOf(adapterOf(bff, 'titelive').resend!(input));
      expect(err.kind).toBe('not_found');
      expect(err.message).toMatch(/already confirmed, or unknown/);
    });

    it('a resend for an e-mail TiteLive does not know is not_found', async () => {
      const err = await providerErrorOf(
        adapterOf(bff, 'titelive').resend!({
          registrationId: crypto.randomUUID(),
          providerRef: '1',
          state: { email: 'nobody-here@example.fr' },
        }),
      );
      expect(err.kind).toBe('not_found');
      expect(err.message).toContain('code 14');
    });

    it('maps a login already taken (12) to 409 on login, whatever its case', async () => {
      const fields = titeliveFields();
      expect((await bff.register('titelive', { fields })).status).toBe(201);
      const res = await bff.register('titelive', {
        fields: titeliveFields({ login: fields.login.toUpperCase() }),
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        code: 'already_registered',
        errors: { login: 'already_registered' },
      });
      expect(res.text).not.toContain('already exists');
    });

    it('maps an e-mail already registered (13) to 409 on email', async () => {
      const fields = titeliveFields();
      expect((await bff.register('titelive', { fields })).status).toBe(201);
      const res = await bff.register('titelive', {
        fields: titeliveFields({ email: fields.email.toUpperCase() }),
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ errors: { email: 'already_registered' } });
    });
  });

  it('refuses a registration without login or password before calling the provider', async () => {
    const before = (await creates()).length;
    const { email } = titeliveFields();
    const res = await bff.register('titelive', { fields: { email } });
    expect(res.status).toBe(400);
    expect(res.body['errors']).toEqual({ login: 'required', password: 'required' });
    expect((await creates()).length).toBe(before);
  });

  it('answers 503 when TiteLive fails (500); the same details go through afterwards', async () => {
    const fields = titeliveFields();
    await bff.faults('titelive', { failRate: 1, mode: '500' });
    const res = await bff.register('titelive', { fields });
    await bff.faults('titelive', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect((await bff.register('titelive', { fields })).status).toBe(201);
  });

  it('never logs the typed password, its hash, the token or the salt', async () => {
    const fields = titeliveFields();
    expect((await bff.register('titelive', { fields })).status).toBe(201);
    const all = bff.logs.join('\n');
    expect(all).toContain('registration completed');
    for (const value of [
      fields.password,
      sandboxHash(fields.password),
      TITELIVE_SANDBOX.token,
      TITELIVE_SANDBOX.salt,
    ]) {
      expect(all).not.toContain(value);
    }
  });
});

describe('titelive: confirmationRequired false', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({
      config: config([titeliveFlow('tl-direct', { confirmationRequired: false })]),
    });
  });
  afterAll(() => bff.close());

  it('is done at once (next: null), no e-mail; the session is then logged in, so the next one is refused (10)', async () => {
    const fields = titeliveFields();
    const res = await bff.register('tl-direct', { fields });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: 'completed', next: null });
    const sent = (await bff.sandboxRequests('titelive')).at(-1)!;
    expect(sent.body['confirmationRequired']).toBe('false');
    expect(await outbox(bff)).toEqual([]);

    // The seed: "he's automatically logged in"; a logged-in session cannot create customers.
    const second = await bff.register('tl-direct', { fields: titeliveFields() });
    expect(second.status).toBe(502);
    expect(second.body).toMatchObject({ code: 'provider_unavailable' });
    const lines = operatorLines(bff, 'tl-direct', 'misconfigured');
    expect(lines.some((l) => l.includes('code 10') && l.includes('logged in'))).toBe(true);

    await bff.fetch('DELETE', '/sandbox/titelive/_state');
    expect((await bff.register('tl-direct', { fields: titeliveFields() })).status).toBe(201);
  });
});

describe('titelive: settings TiteLive refuses', () => {
  let bff: Bff;
  const env = {
    TL_UNKNOWN_TOKEN: 'unknownsessiontoken0000001',
    TL_SHORT_TOKEN: 'tok-short-0005',
    TL_LOGGED_IN: TITELIVE_SANDBOX.loggedInToken,
  };
  beforeAll(async () => {
    bff = await startBff({
      config: config([
        titeliveFlow('titelive'),
        titeliveFlow('unknown-domain', { domainCode: '99999' }),
        titeliveFlow('unknown-token', { token: { env: 'TL_UNKNOWN_TOKEN' } }),
        titeliveFlow('short-token', { token: { env: 'TL_SHORT_TOKEN' } }),
        titeliveFlow('logged-in', { token: { env: 'TL_LOGGED_IN' } }),
        titeliveFlow('md5', { passwordHash: { algorithm: 'md5' } }),
        titeliveFlow('api-resend', { resendPath: 'api/{returnType}/{domainCode}/customer/resend' }),
        titeliveFlow('lost-resend', { resendPath: 'nowhere/{returnType}/{domainCode}/resend' }),
        titeliveFlow('wrong-param', { resendEmailParam: 'mail' }),
      ]),
      env,
    });
  });
  afterAll(() => bff.close());

  it.each([
    ['unknown-domain', 4, 'settings.domainCode'],
    ['unknown-token', 4, 'settings.token'],
    ['short-token', 5, 'settings.token'],
    ['logged-in', 10, 'logged in as a customer'],
    ['md5', 9, 'settings.passwordHash'],
  ])('%s: code %i is a 502 for the user, the fix in the log', async (flow, code, fix) => {
    const fields = titeliveFields();
    const res = await bff.register(flow, { fields });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(res.text).not.toMatch(/token|domain|password|settings/i);
    const lines = operatorLines(bff, flow, 'misconfigured');
    expect(lines.some((l) => l.includes(`code ${code}`) && l.includes(fix))).toBe(true);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: 50 });
    const all = bff.logs.join('\n');
    for (const secret of [env.TL_UNKNOWN_TOKEN, env.TL_SHORT_TOKEN, env.TL_LOGGED_IN]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain(fields.password);
  });

  it('a resendPath with /api/ meets a route miss, tries the seed URL once, keeps it and says so', async () => {
    const fields = titeliveFields();
    const res = await bff.register('api-resend', { fields });
    expect(res.status).toBe(201);
    const input = {
      registrationId: String(res.body['id']),
      providerRef: null,
      state: { email: fields.email },
    };
    await adapterOf(bff, 'api-resend').resend!(input);
    await adapterOf(bff, 'api-resend').resend!(input);
    const paths = (await bff.sandboxRequests('titelive')).slice(-3).map((r) => r.path);
    expect(paths).toEqual([`/api${RESEND_PATH}`, RESEND_PATH, RESEND_PATH]);
    expect((await outbox(bff)).filter((m) => m.to === fields.email)).toHaveLength(3);
    const warnings = bff.logs.filter(
      (l) => l.includes('"level":40') && l.includes('settings.resendPath'),
    );
    expect(warnings).toHaveLength(1);
  });

  it("a resendPath TiteLive answers nowhere is the operator's to fix: 502 for the user, not 409", async () => {
    const fields = titeliveFields();
    const res = await bff.register('lost-resend', { fields });
    expect(res.status).toBe(201);
    const answer = await bff.fetch('POST', `/v1/registrations/${String(res.body['id'])}/resend`, {
      headers: { origin: ORIGIN },
    });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'provider_unavailable' });
    const line = operatorLines(bff, 'lost-resend', 'misconfigured').at(-1)!;
    expect(line).toContain('settings.resendPath');
    expect(JSON.parse(line)).toMatchObject({ level: 50 });
  });

  it("a resend parameter TiteLive does not read is the operator's to fix", async () => {
    const fields = titeliveFields();
    const res = await bff.register('wrong-param', { fields });
    expect(res.status).toBe(201);
    const err = await providerErrorOf(
      adapterOf(bff, 'wrong-param').resend!({
        registrationId: String(res.body['id']),
        providerRef: null,
        state: { email: fields.email },
      }),
    );
    expect(err.kind).toBe('misconfigured');
    expect(err.message).toContain('settings.resendEmailParam');
  });

  it('refuses bad settings at start-up, naming the key', () => {
    const parse = (settings: Record<string, unknown>) =>
      parseConfig(config([titeliveFlow('x', settings)]), {}, 'test', WITH_SANDBOX);
    expect(() => parse({ domainCode: '1234' })).toThrow(/settings\.domainCode: the five-digit/);
    expect(() => parse({ passwordHash: { algorithm: 'sha256' } })).toThrow(
      /settings\.passwordHash\.algorithm/,
    );
    expect(() => parse({ returnType: 'xml' })).toThrow(/settings\.returnType: only "json"/);
    expect(() => parse({ resendPath: '/json/{domainCode}/customer/resend' })).toThrow(
      /settings\.resendPath: a path relative to baseUrl/,
    );
    expect(() => parse({ codeRules: [{ outcome: 'rejected' }] })).toThrow(/a code, a message/);
    expect(() => parse({ token: 'literal-token-in-the-file' })).toThrow(/env/);
  });
});

/**
 * A stand-in TiteLive that answers, to a create, the code its `login` names: the codes the
 * simulator has no reason to produce (2, 3, 11, 99, other parameters of 9, unknown ones).
 */
const STUB_ANSWERS: Record<string, { status?: number; body: string }> = {
  'code-1': { body: '{"response":{"success":false,"code":1,"message":"domaincode malformed"}}' },
  'code-2': { body: '{"response":{"success":false,"code":2,"message":"connexion error"}}' },
  'code-3': { body: '{"response":{"success":false,"code":3,"message":"token is empty"}}' },
  'code-9-firstname': {
    body: '{"response":{"success":false,"code":9,"message":"firstname is not string"}}',
  },
  'code-9-lastname': {
    body: '{"response":{"success":false,"code":"9","message":"lastname is not string"}}',
  },
  'code-9-company': {
    body: '{"response":{"success":false,"code":9,"message":"company is not string"}}',
  },
  'code-9-login': {
    body: '{"response":{"success":false,"code":9,"message":"login is not string"}}',
  },
  'code-9-email': {
    body: '{"response":{"success":false,"code":9,"message":"email is not email"}}',
  },
  'code-9-language': {
    body: '{"response":{"success":false,"code":9,"message":"language is not integer"}}',
  },
  'code-10': { body: '{"response":{"success":false,"code":10,"message":"already logged in"}}' },
  'code-11': { body: '{"response":{"success":false,"code":11,"message":"wrong password"}}' },
  'code-99': { body: '{"response":{"success":false,"code":99,"message":"uncatched exception"}}' },
  'code-42': { body: '{"response":{"success":false,"code":42,"message":"quota reached"}}' },
  'french-duplicate': {
    body: '{"response":{"success":false,"code":17,"message":"Ce login est déjà utilisé"}}',
  },
  'no-customer': { body: '{"response":{"success":true,"message":"user created"}}' },
  'http-403': { status: 403, body: 'Forbidden' },
  'not-waiting': {
    body: '{"response":{"success":true,"message":"user created","object":{"customer":{"id":"C-77","role":1,"email":"x@example.fr","login":"not-waiting","b2b":false,"newsletter":false,"waitingEmailValidation":false}}}}',
  },
};

describe('titelive: codes the simulator does not answer', () => {
  let bff: Bff;
  let stub: Server;
  beforeAll(async () => {
    stub = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const login = new URLSearchParams(raw).get('login') ?? '';
        const answer = STUB_ANSWERS[login] ?? { status: 404, body: 'no such case' };
        const type = answer.body.startsWith('{') ? 'application/json' : 'text/plain';
        res.writeHead(answer.status ?? 200, { 'content-type': type }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/`;
    const flow = (id: string, settings: Record<string, unknown> = {}): FlowDocument => ({
      id,
      provider: 'titelive',
      baseUrl,
      allowedOrigins: ['http://localhost:*'],
      settings: {
        domainCode: '12345',
        token: { env: 'STUB_TOKEN' },
        passwordHash: { salt: { env: 'STUB_SALT' } },
        ...settings,
      },
    });
    bff = await startBff({
      config: {
        flows: [
          flow('stub'),
          flow('stub-rules', {
            codeRules: [{ code: 42, message: 'quota', outcome: 'unavailable' }],
          }),
        ],
      },
      env: { STUB_TOKEN: 'stubsessiontoken0000000001', STUB_SALT: 'stub-salt' },
    });
  });
  afterAll(async () => {
    await bff.close();
    stub.close();
  });

  const answerTo = (login: string, flow = 'stub') =>
    bff.register(flow, { fields: titeliveFields({ login }) });

  it.each([
    ['code-9-firstname', 'firstName'],
    ['code-9-lastname', 'lastName'],
    ['code-9-company', 'organisationName'],
    ['code-9-login', 'login'],
    ['code-9-email', 'email'],
  ])('%s: 400 invalid on %s', async (login, field) => {
    const res = await answerTo(login);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_fields', errors: { [field]: 'invalid' } });
    expect(res.text).not.toContain('is not');
  });

  it.each([
    ['code-1', 'settings.domainCode'],
    ['code-3', 'settings.token'],
    ['code-9-language', 'settings.language'],
    ['code-10', 'logged in as a customer'],
    ['code-11', 'settings.passwordHash'],
    ['http-403', 'HTTP 403'],
  ])('%s: 502, the operator told to check %s', async (login, fix) => {
    const res = await answerTo(login);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(operatorLines(bff, 'stub', 'misconfigured').some((l) => l.includes(fix))).toBe(true);
  });

  it('code 2 (connexion error) is a 503; nothing was done', async () => {
    const res = await answerTo('code-2');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    const line = operatorLines(bff, 'stub', 'unavailable').find((l) => l.includes('code 2'));
    expect(JSON.parse(line!)).toMatchObject({ outcomeUnknown: false });
  });

  it('code 99 (uncaught exception) is a 503 whose outcome is unknown', async () => {
    const res = await answerTo('code-99');
    expect(res.status).toBe(503);
    const line = operatorLines(bff, 'stub', 'unavailable').find((l) => l.includes('code 99'));
    expect(JSON.parse(line!)).toMatchObject({ outcomeUnknown: true });
  });

  it('an unpublished duplicate message (French) is still a 409 on login', async () => {
    const res = await answerTo('french-duplicate');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errors: { login: 'already_registered' } });
  });

  it('an unknown code is a 502 with an error naming codeRules, never a guess; a rule can say what it means', async () => {
    const res = await answerTo('code-42');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    const line = operatorLines(bff, 'stub', 'bad_response').find((l) => l.includes('code 42'))!;
    expect(line).toContain('settings.codeRules');
    expect(JSON.parse(line)).toMatchObject({ level: 50, outcomeUnknown: true });
    expect((await answerTo('code-42', 'stub-rules')).status).toBe(503);
  });

  it('success without a customer is a 502 (bad_response)', async () => {
    const res = await answerTo('no-customer');
    expect(res.status).toBe(502);
    expect(operatorLines(bff, 'stub', 'bad_response').some((l) => l.includes('customer'))).toBe(
      true,
    );
  });

  it('a customer not waiting for validation is done (next: null)', async () => {
    const res = await answerTo('not-waiting');
    expect(res.status).toBe(201);
    expect(res.body['next']).toBeNull();
  });
});

describe('titelive: the journal', () => {
  let dir: string;
  let server: RunningServer;
  const logs: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'titelive-journal-'));
    const log = createLogger({
      level: 'debug',
      destination: { write: (l: string) => logs.push(l) },
    });
    server = await startServer({
      // Started without the harness: the minimum fill time is turned off here by hand.
      config: parseConfig(
        config([{ ...titeliveFlow('titelive'), botProtection: { minFillSeconds: 0 } }]),
        {},
        'test',
        WITH_SANDBOX,
      ),
      store: await openStore(`sqlite:${join(dir, 'journal.db')}`),
      log,
      port: 0,
      host: '127.0.0.1',
      sandbox: WITH_SANDBOX.sandbox,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the e-mail and customer id for resend, never the password or its hash', async () => {
    const fields = titeliveFields();
    const res = await request(`${server.url}/v1/flows/titelive/registrations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
        origin: ORIGIN,
      },
      body: JSON.stringify({ fields }),
    });
    expect(res.statusCode).toBe(201);
    const { id } = (await res.body.json()) as { id: string };

    const db = new Database(join(dir, 'journal.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM registrations WHERE id = ?').get(id) as Record<
        string,
        unknown
      >;
      expect(row['provider_ref']).toMatch(/^\d+$/);
      expect(JSON.parse(String(row['provider_state']))).toEqual({ email: fields.email });
      expect(JSON.parse(String(row['submission']))).toMatchObject({
        fields: { login: fields.login, email: fields.email },
      });
      const everything = JSON.stringify(db.prepare('SELECT * FROM registrations').all());
      expect(everything).not.toContain(fields.password);
      expect(everything).not.toContain(sandboxHash(fields.password));

      // The follow-up input as the BFF builds it from the journal: it is enough to resend.
      const input: FollowUpInput = {
        registrationId: id,
        providerRef: String(row['provider_ref']),
        state: JSON.parse(String(row['provider_state'])) as Record<string, string>,
      };
      await server.app.flows.get('titelive')!.adapter.resend!(input);
      const mail = await request(`${server.url}/sandbox/titelive/_outbox`);
      const sent = ((await mail.body.json()) as OutboxMessage[]).filter(
        (m) => m.to === fields.email,
      );
      expect(sent).toHaveLength(2);
    } finally {
      db.close();
    }
    expect(logs.join('\n')).not.toContain(fields.password);
  });
});
