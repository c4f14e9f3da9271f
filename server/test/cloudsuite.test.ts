/**
 * The cloudsuite adapter against the CloudSuite simulator over real HTTP: the POSTed user and
 * profile, the client-credentials token (shared, kept for its lifetime, renewed once on a 401),
 * every error mapping, and the staff side (list across pages with profiles, approve with an
 * existing or a new customer, reject) called on the running BFF's adapter.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.ts';
import { splitHouseNumber } from '../providers/cloudsuite/client.ts';
import type { ApprovalsApi, ProviderAdapter } from '../providers/types.ts';
import { CLOUDSUITE_SANDBOX } from '../sandbox/cloudsuite.ts';
import type { OutboxMessage } from '../sandbox/simulator.ts';
import { cloudsuiteFields, cloudsuiteFlow } from './contract/cloudsuite.ts';
import { demoConfig, startBff, type Bff } from './harness.ts';

const TOKEN = '/auth/realms/CloudSuite/protocol/openid-connect/token';
const USERS = `/api/origin/${CLOUDSUITE_SANDBOX.originCode}/user/`;
const USER = (key: string) => `/api/origin/${CLOUDSUITE_SANDBOX.originCode}/user/${key}`;
const CUSTOMERS = `/api/origin/${CLOUDSUITE_SANDBOX.originCode}/customer/`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const requests = async (bff: Bff, from = 0) =>
  (await bff.sandboxRequests('cloudsuite')).slice(from);
const outbox = async (bff: Bff) =>
  (await bff.fetch<OutboxMessage[]>('GET', '/sandbox/cloudsuite/_outbox')).body;
/** The query string the simulator received (recorded beside the path). */
const queryOf = (r: object) => (r as { query?: Record<string, unknown> }).query;
const adapterOf = (bff: Bff, flow: string): ProviderAdapter =>
  bff.server.app.flows.get(flow)!.adapter;

describe('cloudsuite: splitHouseNumber puts a suffix in addition', () => {
  it.each([
    ['1', '1', ''],
    ['1a', '1', 'a'],
    ['12 B', '12', 'B'],
    ['7-3', '7', '3'],
    ['25/II', '25', 'II'],
    ['14 bis', '14', 'bis'],
    ['A12', 'A12', ''],
  ])('%s -> %s + %s', (value, house_number, addition) => {
    expect(splitHouseNumber(value)).toEqual({ house_number, addition });
  });
});

describe('cloudsuite: registration', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    // The demo configuration may carry its own cloudsuite flow: these replace it.
    config.flows = config.flows.filter((f) => f.provider !== 'cloudsuite');
    config.flows.push(
      cloudsuiteFlow('cloudsuite'),
      cloudsuiteFlow('cs-nosplit', { splitHouseNumber: false }),
      cloudsuiteFlow('cs-short-tokens', {
        tokenExpiryMarginSeconds: CLOUDSUITE_SANDBOX.tokenTtlSeconds,
      }),
      cloudsuiteFlow('cs-coc', { profileDefaults: { coc: '30123456' } }),
      cloudsuiteFlow('cs-bad-defaults', { profileDefaults: { coc: 30123456 } }),
    );
    bff = await startBff({ config });
  });
  afterAll(() => bff.close());

  const posted = async () => (await requests(bff)).filter((r) => r.path === USERS);

  it('POSTs the user inactive, registration "new", with its profile; answers await-approval', async () => {
    const fields = cloudsuiteFields({
      houseNumber: '12 B',
      phone: '030 123 4567',
      country: 'nl',
      vat: 'nl 8228.98.044 b01',
    });
    const res = await bff.register('cloudsuite', { fields });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      status: 'awaiting-approval',
      next: { type: 'await-approval' },
    });
    const status = await bff.fetch('GET', `/v1/registrations/${String(res.body['id'])}`);
    expect(status.body['status']).toBe('awaiting-approval');

    const sent = (await posted()).at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['authorization']).toMatch(/^Bearer [\w-]{43}$/);
    expect(sent.body).toEqual({
      email: fields.email,
      first_name: 'Anna',
      last_name: 'de Vries',
      active: false,
      registration: 'new',
      user_profiles: [
        {
          name: fields.organisationName,
          street1: 'Elzenkade',
          house_number: '12',
          addition: 'B',
          zip: '3992AD',
          city: 'Houten',
          country: 'NL',
          company_telephone_number: '+31301234567',
          delivery: true,
          vat: 'NL822898044B01',
        },
      ],
    });
  });

  it('gets its token with client credentials, form-encoded, scope openid', async () => {
    const token = (await requests(bff)).find((r) => r.path === TOKEN);
    expect(token?.method).toBe('POST');
    expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(token?.body).toEqual({
      grant_type: 'client_credentials',
      client_id: CLOUDSUITE_SANDBOX.clientId,
      client_secret: CLOUDSUITE_SANDBOX.clientSecret,
      scope: 'openid',
    });
  });

  it('sends empty phone and VAT when the user leaves them out', async () => {
    const { phone: _p, vat: _v, ...fields } = cloudsuiteFields();
    expect((await bff.register('cloudsuite', { fields })).status).toBe(201);
    const profile = (
      (await posted()).at(-1)!.body['user_profiles'] as Record<string, unknown>[]
    )[0];
    expect(profile).toMatchObject({ company_telephone_number: '', vat: '' });
  });

  it('keeps the house number whole where splitHouseNumber is off', async () => {
    expect((await bff.register('cs-nosplit', { fields: cloudsuiteFields() })).status).toBe(201);
    const profile = (
      (await posted()).at(-1)!.body['user_profiles'] as Record<string, unknown>[]
    )[0];
    expect(profile).toMatchObject({ house_number: '1a', addition: '' });
  });

  it('adds profileDefaults to the profile', async () => {
    expect((await bff.register('cs-coc', { fields: cloudsuiteFields() })).status).toBe(201);
    const profile = (
      (await posted()).at(-1)!.body['user_profiles'] as Record<string, unknown>[]
    )[0];
    expect(profile).toMatchObject({ coc: '30123456', house_number: '1', addition: 'a' });
  });

  it('gives the user key as providerRef and the user and profile ids as state', async () => {
    const fields = cloudsuiteFields();
    const result = await adapterOf(bff, 'cloudsuite').register({
      registrationId: crypto.randomUUID(),
      fields,
      hostValues: {},
      utm: {},
      locale: 'nl',
    });
    expect(result.next).toEqual({ type: 'await-approval' });
    expect(result.providerRef).toMatch(UUID);
    expect(result.state).toEqual({
      userId: expect.stringMatching(/^\d+$/),
      userProfileId: expect.stringMatching(/^\d+$/),
    });
    const pending = await adapterOf(bff, 'cloudsuite').approvals!.list();
    const mine = pending.find((p) => p.email === fields.email);
    expect(mine?.key).toBe(result.providerRef);
    expect(mine?.details).toMatchObject({
      userId: result.state!['userId'],
      userProfileId: result.state!['userProfileId'],
    });
  });

  it('maps an e-mail CloudSuite already has (any case) to 409 on email', async () => {
    const fields = cloudsuiteFields();
    expect((await bff.register('cloudsuite', { fields })).status).toBe(201);
    const res = await bff.register('cloudsuite', {
      fields: cloudsuiteFields({ email: fields.email.toUpperCase() }),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'already_registered',
      errors: { email: 'already_registered' },
    });
    expect(res.text).not.toContain('already exists');
    expect(bff.logs.some((l) => l.includes('user with this email already exists'))).toBe(true);
  });

  it('maps a refused profile field to a rejected canonical field (country)', async () => {
    // The BFF refuses unknown countries itself; straight to the adapter, CloudSuite does.
    const attempt = adapterOf(bff, 'cloudsuite').register({
      registrationId: crypto.randomUUID(),
      fields: cloudsuiteFields({ country: 'XX' }),
      hostValues: {},
      utm: {},
      locale: 'en',
    });
    await expect(attempt).rejects.toMatchObject({ kind: 'rejected', field: 'country' });
  });

  it('maps a VAT number CloudSuite refuses to 400 on vat', async () => {
    const res = await bff.register('cloudsuite', { fields: cloudsuiteFields({ vat: '12345' }) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_fields', errors: { vat: 'invalid' } });
  });

  it('a refusal of a value the user did not type is 502, and the operator is told which', async () => {
    const res = await bff.register('cs-bad-defaults', { fields: cloudsuiteFields() });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(res.text).not.toContain('coc');
    const line = bff.logs.find((l) => l.includes('"flow":"cs-bad-defaults"') && l.includes('coc'));
    expect(line).toContain('"kind":"misconfigured"');
    expect(line).toContain('profileDefaults');
  });

  it('reuses its token across registrations', async () => {
    expect((await bff.register('cloudsuite', { fields: cloudsuiteFields() })).status).toBe(201);
    const from = (await requests(bff)).length;
    for (let i = 0; i < 3; i += 1) {
      expect((await bff.register('cloudsuite', { fields: cloudsuiteFields() })).status).toBe(201);
    }
    expect((await requests(bff, from)).map((r) => r.path)).toEqual([USERS, USERS, USERS]);
  });

  it('fetches one new token for many concurrent registrations once its token is refused', async () => {
    // The simulator forgets every token: each registration first meets a 401.
    await bff.fetch('DELETE', '/sandbox/cloudsuite/_state');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => bff.register('cloudsuite', { fields: cloudsuiteFields() })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const paths = (await requests(bff)).map((r) => r.path);
    expect(paths.filter((p) => p === TOKEN)).toHaveLength(1);
    // Six POSTs that succeed, plus one refused try for each that came before the new token.
    const posts = paths.filter((p) => p === USERS).length;
    expect(posts).toBeGreaterThanOrEqual(7);
    expect(posts).toBeLessThanOrEqual(12);
    expect(paths.indexOf(TOKEN)).toBeGreaterThan(0);
  });

  it('fetches a new token once when the token has expired, then retries', async () => {
    expect((await bff.register('cloudsuite', { fields: cloudsuiteFields() })).status).toBe(201);
    const from = (await requests(bff)).length;
    await bff.fetch('POST', '/sandbox/cloudsuite/_tokens/expire');
    expect((await bff.register('cloudsuite', { fields: cloudsuiteFields() })).status).toBe(201);
    expect((await requests(bff, from)).map((r) => r.path)).toEqual([USERS, TOKEN, USERS]);
  });

  it('keeps a token for half its lifetime at least, even when the margin is as long as the lifetime', async () => {
    // Renewal before expires_in is timed in server/providers/kit/credential-cache.test.ts; here: a
    // margin set too long does not turn into one token request per registration.
    const from = (await requests(bff)).length;
    for (let i = 0; i < 2; i += 1) {
      expect((await bff.register('cs-short-tokens', { fields: cloudsuiteFields() })).status).toBe(
        201,
      );
    }
    expect((await requests(bff, from)).map((r) => r.path)).toEqual([TOKEN, USERS, USERS]);
  });

  it('answers 503 when CloudSuite fails, and the same details go through afterwards', async () => {
    const fields = cloudsuiteFields();
    await bff.faults('cloudsuite', { failRate: 1, mode: '500' });
    const res = await bff.register('cloudsuite', { fields });
    await bff.faults('cloudsuite', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect((await bff.register('cloudsuite', { fields })).status).toBe(201);
  });
});

describe('cloudsuite: misconfiguration reaches the operator, not the user', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    config.flows = [
      cloudsuiteFlow('wrong-secret', { clientSecret: { env: 'CS_SECRET' } }),
      cloudsuiteFlow('wrong-origin', { originCode: 'NOSUCHSHOP' }),
      cloudsuiteFlow('wrong-token-url', {
        tokenUrl: 'auth/realms/Other/protocol/openid-connect/token',
      }),
      cloudsuiteFlow('wrong-scope', { scope: 'openid offline_access' }),
    ];
    bff = await startBff({ config, env: { CS_SECRET: 'cloudsuite-wrong-secret-0001' } });
  });
  afterAll(() => bff.close());

  it.each([
    ['wrong-secret', "check the flow's clientId and clientSecret"],
    ['wrong-origin', "check the flow's originCode"],
    ['wrong-token-url', "check the flow's tokenUrl"],
    ['wrong-scope', "check the flow's scope"],
  ])('%s: 502 for the user, "%s" in the log', async (flow, hint) => {
    const res = await bff.register(flow, { fields: cloudsuiteFields() });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(res.text).not.toMatch(/client|origin|token|scope/i);
    const line = bff.logs.find((l) => l.includes(`"flow":"${flow}"`) && l.includes(hint));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 50, kind: 'misconfigured' });
    expect(bff.logs.join('\n')).not.toContain('cloudsuite-wrong-secret-0001');
  });
});

describe('cloudsuite: approvals (the staff side)', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    config.flows = config.flows.filter((f) => f.provider !== 'cloudsuite');
    config.flows.push(
      cloudsuiteFlow('cloudsuite'),
      cloudsuiteFlow('cs-one-call', { approveInOneCall: true }),
      cloudsuiteFlow('cs-reject-patch', { reject: { method: 'PATCH' } }),
      cloudsuiteFlow('cs-with-linked', { skipLinkedUsers: false }),
      cloudsuiteFlow('cs-since-2100', {
        pendingQuery: { registration: 'new', inactive: 'true', create_date__gte: '2100-01-01' },
      }),
    );
    bff = await startBff({ config });
  });
  afterAll(() => bff.close());
  // Only the simulator's seeded users (one active ERP user, one approved user) to begin with.
  beforeEach(() => bff.fetch('DELETE', '/sandbox/cloudsuite/_state'));

  const approvals = (flow = 'cloudsuite'): ApprovalsApi => adapterOf(bff, flow).approvals!;
  const registered = async (overrides: Record<string, string> = {}) => {
    const fields = cloudsuiteFields(overrides);
    expect((await bff.register('cloudsuite', { fields })).status).toBe(201);
    return fields;
  };
  const keyOf = async (email: string) => {
    const key = (await approvals().list()).find((p) => p.email === email)?.key;
    expect(key).toMatch(UUID);
    return key!;
  };

  it('lists every pending user across pages, with the profile, leaving out approved and active ones', async () => {
    const all = [];
    for (let i = 0; i < 5; i += 1) all.push(await registered({ houseNumber: `${i + 1}a` }));
    const from = (await requests(bff)).length;
    const pending = await approvals().list();
    expect(pending.map((p) => p.email)).toEqual(all.map((f) => f.email));
    expect(pending[0]).toEqual({
      key: expect.stringMatching(UUID),
      email: all[0]!.email,
      name: 'Anna de Vries',
      organisationName: all[0]!.organisationName,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
      details: {
        userId: expect.stringMatching(/^\d+$/),
        userProfileId: expect.stringMatching(/^\d+$/),
        street: 'Elzenkade',
        houseNumber: '1a',
        zip: '3992AD',
        city: 'Houten',
        country: 'NL',
        vat: 'NL822898044B01',
        phone: '+31301234567',
      },
    });
    expect(pending[4]!.details['houseNumber']).toBe('5a');
    const calls = await requests(bff, from);
    // Six users match registration=new&inactive=true (five new, one approved): three pages of two.
    const pages = calls.filter((r) => r.path === USERS);
    expect(pages.map((r) => [r.method, queryOf(r)])).toEqual([
      ['GET', { registration: 'new', inactive: 'true' }],
      ['GET', { registration: 'new', inactive: 'true', page: '2' }],
      ['GET', { registration: 'new', inactive: 'true', page: '3' }],
    ]);
    const profiles = calls.filter((r) => r.path.startsWith('/api/userprofile/'));
    expect(profiles.map((r) => r.path).sort()).toEqual(
      pending.map((p) => `/api/userprofile/${p.details['userProfileId']}`).sort(),
    );
    expect(calls.every((r) => /^Bearer /.test(r.headers['authorization'] ?? ''))).toBe(true);
  });

  it('lists nothing when nobody waits', async () => {
    expect(await approvals().list()).toEqual([]);
  });

  it('lists approved users too where skipLinkedUsers is off', async () => {
    const pending = await approvals('cs-with-linked').list();
    expect(pending.map((p) => p.email)).toEqual(['approved@wholesale.sandbox.example']);
    expect(pending[0]).toMatchObject({
      name: 'Sanne Bakker',
      organisationName: CLOUDSUITE_SANDBOX.customer.name,
    });
  });

  it('sends the configured pendingQuery (create_date__gte)', async () => {
    await registered();
    expect(await approvals().list()).toHaveLength(1);
    const from = (await requests(bff)).length;
    expect(await approvals('cs-since-2100').list()).toEqual([]);
    expect(queryOf((await requests(bff, from)).find((r) => r.path === USERS)!)).toEqual({
      registration: 'new',
      inactive: 'true',
      create_date__gte: '2100-01-01',
    });
  });

  it('approves with an existing customer: link, then the activation trigger; the e-mail goes out', async () => {
    const fields = await registered();
    const key = await keyOf(fields.email);
    const from = (await requests(bff)).length;
    const customer = CLOUDSUITE_SANDBOX.customer.key;
    expect(await approvals().approve(key, { existing: customer })).toEqual({ customer });
    const patches = (await requests(bff, from)).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.path, r.body])).toEqual([
      [USER(key), { authorised_customers: [customer] }],
      [USER(key), { registration: 'new', active: false }],
    ]);
    const mails = await outbox(bff);
    expect(mails).toEqual([
      {
        to: fields.email,
        kind: 'activation',
        link: expect.stringMatching(/\/sandbox\/cloudsuite\/activate\/[0-9a-f]{32}$/),
        at: expect.any(String),
      },
    ]);
    expect((await approvals().list()).map((p) => p.key)).not.toContain(key);
    // The user follows the link: the account is active.
    const activated = await bff.fetch('GET', new URL(mails[0]!.link!).pathname);
    expect(activated.status).toBe(200);
  });

  it('approves by creating a customer from the profile, then linking it', async () => {
    const fields = await registered({ houseNumber: '7 B' });
    const key = await keyOf(fields.email);
    const from = (await requests(bff)).length;
    const { customer } = await approvals().approve(key, { create: true });
    expect(customer).toMatch(UUID);
    expect(customer).not.toBe(CLOUDSUITE_SANDBOX.customer.key);
    const calls = await requests(bff, from);
    const created = calls.find((r) => r.path === CUSTOMERS);
    expect(created?.method).toBe('POST');
    expect(created?.body).toEqual({
      name: fields.organisationName,
      email: fields.email,
      telephone_number: '+31301234567',
      vat: 'NL822898044B01',
      coc: '',
      addresses: [
        {
          name: fields.organisationName,
          attention: 'Anna de Vries',
          street1: 'Elzenkade',
          house_number: '7',
          addition: 'B',
          street2: '',
          zip: '3992AD',
          city: 'Houten',
          country: 'NL',
          delivery: true,
        },
      ],
    });
    const patches = calls.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.body)).toEqual([
      { authorised_customers: [customer] },
      { registration: 'new', active: false },
    ]);
    expect(await outbox(bff)).toMatchObject([{ to: fields.email, kind: 'activation' }]);
    expect((await approvals().list()).map((p) => p.key)).not.toContain(key);
  });

  it('approves in one PATCH where approveInOneCall is set', async () => {
    const fields = await registered();
    const key = await keyOf(fields.email);
    const from = (await requests(bff)).length;
    const customer = CLOUDSUITE_SANDBOX.customer.key;
    await approvals('cs-one-call').approve(key, { existing: customer });
    const patches = (await requests(bff, from)).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.body)).toEqual([
      { authorised_customers: [customer], registration: 'new', active: false },
    ]);
    expect(await outbox(bff)).toMatchObject([{ to: fields.email, kind: 'activation' }]);
  });

  it('refuses an unknown customer key: no e-mail, the user stays pending', async () => {
    const fields = await registered();
    const key = await keyOf(fields.email);
    const attempt = approvals().approve(key, { existing: crypto.randomUUID() });
    await expect(attempt).rejects.toBeInstanceOf(ProviderError);
    await expect(attempt).rejects.toMatchObject({ kind: 'rejected', field: 'customer' });
    expect(await outbox(bff)).toEqual([]);
    expect((await approvals().list()).map((p) => p.key)).toContain(key);
  });

  it('rejects with DELETE: the user is gone and the e-mail can register again', async () => {
    const fields = await registered();
    const key = await keyOf(fields.email);
    const from = (await requests(bff)).length;
    await approvals().reject(key);
    const calls = await requests(bff, from);
    expect(calls.map((r) => [r.method, r.path])).toContainEqual(['DELETE', USER(key)]);
    expect((await approvals().list()).map((p) => p.key)).not.toContain(key);
    expect(await outbox(bff)).toEqual([]);
    expect((await bff.register('cloudsuite', { fields })).status).toBe(201);
  });

  it('rejects with a PATCH where reject.method is PATCH', async () => {
    const fields = await registered();
    const key = await keyOf(fields.email);
    const from = (await requests(bff)).length;
    await approvals('cs-reject-patch').reject(key);
    const patch = (await requests(bff, from)).find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe(USER(key));
    expect(patch?.body).toEqual({ registration: 'rejected' });
    expect((await approvals().list()).map((p) => p.key)).not.toContain(key);
  });

  it('answers not_found for a key CloudSuite does not know', async () => {
    const unknown = crypto.randomUUID();
    await expect(
      approvals().approve(unknown, { existing: CLOUDSUITE_SANDBOX.customer.key }),
    ).rejects.toMatchObject({ kind: 'not_found' });
    await expect(approvals().approve(unknown, { create: true })).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(approvals().reject(unknown)).rejects.toMatchObject({ kind: 'not_found' });
    expect(await outbox(bff)).toEqual([]);
  });

  it('renews an expired token while listing', async () => {
    await registered();
    await approvals().list();
    const from = (await requests(bff)).length;
    await bff.fetch('POST', '/sandbox/cloudsuite/_tokens/expire');
    expect(await approvals().list()).toHaveLength(1);
    expect((await requests(bff, from)).map((r) => r.path).slice(0, 3)).toEqual([
      USERS,
      TOKEN,
      USERS,
    ]);
  });

  it('reports CloudSuite being down as unavailable', async () => {
    await registered();
    await bff.faults('cloudsuite', { failRate: 1, mode: '500' });
    try {
      await expect(approvals().list()).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await bff.faults('cloudsuite', { failRate: 0 });
    }
  });
});
