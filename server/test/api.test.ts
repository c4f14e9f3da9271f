/**
 * The BFF's HTTP contract (docs/design.md §2) over real HTTP: flow descriptors, validation errors,
 * idempotency, content types, sizes, origins, CORS and status lookups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NITRO_SANDBOX } from '../sandbox/nitro.ts';
import {
  ORIGIN,
  demoConfig,
  intellectMoneyFields,
  nitroFields,
  startBff,
  type Bff,
} from './harness.ts';

let bff: Bff;
beforeAll(async () => {
  const config = demoConfig();
  config.flows.push({
    id: 'consenting',
    provider: 'nitro',
    sandbox: true,
    allowedOrigins: ['https://*.shop.example'],
    requireConsent: true,
    phoneCountry: 'GB',
  });
  // A public origin beside the sandbox: allowed on purpose here.
  bff = await startBff({ config, env: { ORG_SIGNUP_SANDBOX_PUBLIC: '1' } });
});
afterAll(() => bff.close());

const problem = (status: number, code: string) =>
  expect.objectContaining({
    status,
    code,
    type: `urn:org-signup:problem:${code}`,
    title: expect.any(String),
  });

describe('GET /v1/flows/:flow', () => {
  it('describes the fields and nothing secret', async () => {
    const res = await bff.fetch('GET', '/v1/flows/nitro', { headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.body).toMatchObject({
      id: 'nitro',
      provider: 'nitro',
      consent: { required: false },
      locales: expect.arrayContaining(['en', 'ru']),
    });
    const fields = res.body['fields'] as {
      name: string;
      required: boolean;
      autocomplete: string;
    }[];
    expect(fields.map((f) => [f.name, f.required])).toEqual([
      ['email', true],
      ['name', true],
      ['phone', true],
      ['organisationName', true],
      ['domain', true],
    ]);
    expect(fields.find((f) => f.name === 'phone')?.autocomplete).toBe('tel');
    // The texts (labels) aside, nothing names a credential; no credential value appears at all.
    const { strings, ...rest } = res.body;
    expect(strings).toMatchObject({ 'field.email': 'E-mail' });
    expect(JSON.stringify(rest)).not.toMatch(/password|secret|bearer/i);
    expect(res.text).not.toContain(NITRO_SANDBOX.password);
    // Each load gets its own form token (the minimum fill time is measured from it).
    expect((res.body['bot'] as { formToken: string }).formToken).toMatch(/^\d{13}\.[\w-]{43}$/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('lists the optional invite code for intellectmoney', async () => {
    const res = await bff.fetch('GET', '/v1/flows/intellectmoney');
    const fields = res.body['fields'] as { name: string; required: boolean }[];
    expect(fields.find((f) => f.name === 'inviteCode')).toMatchObject({ required: false });
    expect(res.body['hostValues']).toEqual(['leadComment', 'leadAttractor']);
  });

  it('answers 404 flow_not_found as problem details', async () => {
    const res = await bff.fetch('GET', '/v1/flows/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(problem(404, 'flow_not_found'));
  });

  it('lets a page on any origin read the 404 of an unknown flow, so the widget can tell why', async () => {
    const origin = 'https://shop.elsewhere.example';
    const res = await bff.fetch('GET', '/v1/flows/nope?locale=en', { headers: { origin } });
    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['vary']).toContain('Origin');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.body).toEqual(problem(404, 'flow_not_found'));
    // A preflight for it stays a plain 404: nothing but a GET is let through.
    const preflight = await bff.fetch('OPTIONS', '/v1/flows/nope/registrations', {
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('POST /v1/flows/:flow/registrations: bad input is a 400 with field errors, never a 500', () => {
  it.each([
    [
      'missing fields',
      { fields: {} },
      {
        email: 'required',
        name: 'required',
        phone: 'required',
        organisationName: 'required',
        domain: 'required',
      },
    ],
    [
      'blank fields',
      { fields: nitroFields({ name: '   ', email: '' }) },
      { name: 'required', email: 'required' },
    ],
    [
      'bad values',
      { fields: nitroFields({ email: 'nope', phone: '12', domain: 'http://x/y' }) },
      { email: 'invalid_email', phone: 'invalid_phone', domain: 'invalid_domain' },
    ],
    [
      'a field the flow does not take',
      { fields: nitroFields({ inn: '7707083893' }) },
      { inn: 'unknown_field' },
    ],
    [
      'a number instead of a string',
      { fields: { ...nitroFields(), name: 42 } },
      { name: 'invalid' },
    ],
    [
      'control characters',
      { fields: nitroFields({ name: 'Ann\u0000Example' }) },
      { name: 'invalid_characters' },
    ],
    [
      'an overlong value',
      { fields: nitroFields({ organisationName: 'x'.repeat(201) }) },
      { organisationName: 'too_long' },
    ],
    [
      'a phone that parses but does not exist',
      { fields: nitroFields({ phone: '+44 1234' }) },
      { phone: 'invalid_phone' },
    ],
    ['an unknown envelope key', { fields: nitroFields(), admin: true }, { admin: 'unknown_field' }],
    ['fields not an object', { fields: 'x' }, { fields: 'invalid' }],
    [
      'a host value this flow does not accept',
      { fields: nitroFields(), hostValues: { leadComment: 'hi' } },
      { leadComment: 'unknown_field' },
    ],
  ])('%s', async (_name, body, errors) => {
    const res = await bff.register('nitro', body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(problem(400, 'invalid_fields'));
    expect(res.body['errors']).toEqual(errors);
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['[]', 'null', '"text"']) {
      const res = await bff.fetch('POST', '/v1/flows/nitro/registrations', {
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body,
      });
      expect(res.status, body).toBe(400);
    }
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await bff.fetch('POST', '/v1/flows/nitro/registrations', {
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k', origin: ORIGIN },
      body: '{"fields":',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(problem(400, 'malformed_json'));
  });

  it('answers anything but JSON with 415', async () => {
    const res = await bff.fetch('POST', '/v1/flows/nitro/registrations', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': 'k',
        origin: ORIGIN,
      },
      body: 'email=a%40b.c',
    });
    expect(res.status).toBe(415);
    expect(res.body).toEqual(problem(415, 'unsupported_media_type'));
  });

  it('answers an oversized body with 413 before reading it all', async () => {
    const res = await bff.register('nitro', { fields: nitroFields({ name: 'x'.repeat(20_000) }) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(problem(413, 'payload_too_large'));
  });

  it('requires a usable Idempotency-Key', async () => {
    for (const key of [undefined, '', 'x'.repeat(256), 'has space']) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        origin: ORIGIN,
      };
      if (key !== undefined) headers['idempotency-key'] = key;
      const res = await bff.fetch('POST', '/v1/flows/nitro/registrations', {
        headers,
        json: { fields: nitroFields() },
      });
      expect(res.status, String(key)).toBe(400);
      expect(res.body).toEqual(problem(400, 'invalid_idempotency_key'));
    }
  });

  it('requires consent where the flow says so', async () => {
    const origin = 'https://www.shop.example';
    const without = await bff.register('consenting', { fields: nitroFields() }, { origin });
    expect(without.status).toBe(400);
    expect(without.body['errors']).toEqual({ consent: 'required' });
    const withConsent = await bff.register(
      'consenting',
      { fields: nitroFields(), consent: true },
      { origin },
    );
    expect(withConsent.status).toBe(201);
  });
});

describe('idempotency', () => {
  it('answers a repeated key with the first answer and calls the provider once', async () => {
    const key = crypto.randomUUID();
    const body = { fields: nitroFields() };
    const first = await bff.register('nitro', body, { key });
    const again = await bff.register('nitro', body, { key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const calls = (await bff.sandboxRequests('nitro')).filter(
      (r) => r.path.endsWith('/users/register') && r.body['email'] === body.fields.email,
    );
    expect(calls).toHaveLength(1);
  });

  it('treats the same request in another key order or spelling as the same request', async () => {
    const key = crypto.randomUUID();
    const fields = nitroFields();
    const first = await bff.register('nitro', { fields }, { key });
    const reordered = Object.fromEntries(Object.entries(fields).reverse());
    const again = await bff.register(
      'nitro',
      { fields: { ...reordered, domain: `HTTPS://${fields.domain.toUpperCase()}/` } },
      { key },
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });

  it('refuses the same key with a different request: 422 idempotency_key_reused', async () => {
    const key = crypto.randomUUID();
    expect((await bff.register('nitro', { fields: nitroFields() }, { key })).status).toBe(201);
    const other = await bff.register('nitro', { fields: nitroFields() }, { key });
    expect(other.status).toBe(422);
    expect(other.body).toEqual(problem(422, 'idempotency_key_reused'));
  });

  it('replays a refusal too (the provider is not asked twice)', async () => {
    const taken = nitroFields();
    expect((await bff.register('nitro', { fields: taken })).status).toBe(201);
    const key = crypto.randomUUID();
    const body = { fields: nitroFields({ email: taken.email }) };
    const first = await bff.register('nitro', body, { key });
    const again = await bff.register('nitro', body, { key });
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
    const calls = (await bff.sandboxRequests('nitro')).filter(
      (r) => r.path.endsWith('/users/register') && r.body['domain'] === body.fields.domain,
    );
    expect(calls).toHaveLength(1);
  });

  it('lets the same key try again after a provider outage, under the same registration id', async () => {
    const key = crypto.randomUUID();
    const body = { fields: nitroFields() };
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    const down = await bff.register('nitro', body, { key });
    await bff.faults('nitro', { failRate: 0 });
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('30');
    expect(down.body).toEqual(problem(503, 'provider_unavailable'));
    const retried = await bff.register('nitro', body, { key });
    expect(retried.status).toBe(201);
    const status = await bff.fetch('GET', `/v1/registrations/${String(retried.body['id'])}`);
    expect(status.body).toEqual({ id: retried.body['id'], status: 'completed' });
  });
});

describe('invisible and control characters (bidi, zero-width)', () => {
  const sentFor = async (email: string) =>
    (await bff.sandboxRequests('intellectmoney')).filter(
      (r) => r.path.endsWith('/registerOrganization') && r.body['Email'] === email,
    );

  it('reach the provider stripped from a name, a UTM value and a host value', async () => {
    const fields = intellectMoneyFields({ name: '\u202eБорис\u200b Тестов\u2066' });
    const res = await bff.register('intellectmoney', {
      fields,
      utm: { utm_source: 'news\u200bletter\t2024\n', utm_campaign: '\u202espring\u202c' },
      hostValues: {
        leadComment: 'Line one\nline two\u200f',
        leadAttractor: '\ufeffИванов\u0007 \u2068И.И.\u2069',
      },
    });
    expect(res.status).toBe(201);
    const [sent] = await sentFor(fields.email);
    expect(sent?.body).toMatchObject({
      FirstName: 'Борис Тестов',
      LeadComment: 'Line one line two',
      LeadAttractor: 'Иванов И.И.',
    });
    expect(JSON.parse(String(sent?.body['UTMParams']))).toEqual({
      utm_source: 'newsletter 2024',
      utm_campaign: 'spring',
    });
  });

  it('keep a joiner that a script needs in a name', async () => {
    const fields = intellectMoneyFields({ name: 'می\u200cخواهم' });
    expect((await bff.register('intellectmoney', { fields })).status).toBe(201);
    expect((await sentFor(fields.email))[0]?.body['FirstName']).toBe('می\u200cخواهم');
  });

  it.each([
    ['email', (f: Record<string, string>) => f['email']!.replace('@', '\u200b@')],
    ['inn', (f: Record<string, string>) => `${f['inn']!.slice(0, 4)}\u202e${f['inn']!.slice(4)}`],
    ['phone', () => '+7 920 123\u200d-44-55'],
    ['inviteCode', () => 'WEL\u2066COME'],
  ])(
    'refuse one in an identifier (%s) with 400 on the field; nothing is sent',
    async (name, spoil) => {
      const before = (await bff.sandboxRequests('intellectmoney')).length;
      const fields = intellectMoneyFields();
      const res = await bff.register('intellectmoney', {
        fields: { ...fields, [name]: spoil(fields) },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'invalid_fields',
        errors: { [name]: 'invalid_characters' },
      });
      expect((await bff.sandboxRequests('intellectmoney')).length).toBe(before);
    },
  );
});

describe('origins and CORS', () => {
  it('refuses a registration from an origin outside allowedOrigins with 403', async () => {
    const res = await bff.register(
      'nitro',
      { fields: nitroFields() },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual(problem(403, 'origin_not_allowed'));
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('matches wildcard subdomains but not the bare domain', async () => {
    const ok = await bff.register(
      'consenting',
      { fields: nitroFields(), consent: true },
      { origin: 'https://a.shop.example' },
    );
    expect(ok.status).toBe(201);
    const bare = await bff.register(
      'consenting',
      { fields: nitroFields(), consent: true },
      { origin: 'https://shop.example' },
    );
    expect(bare.status).toBe(403);
  });

  it('refuses a browser POST without Origin, accepts a server-to-server one', async () => {
    const browser = await bff.register(
      'nitro',
      { fields: nitroFields() },
      { origin: null, headers: { 'sec-fetch-mode': 'cors' } },
    );
    expect(browser.status).toBe(403);
    const server = await bff.register('nitro', { fields: nitroFields() }, { origin: null });
    expect(server.status).toBe(201);
  });

  it('answers an allowed preflight with the methods and headers the widget needs', async () => {
    const res = await bff.fetch('OPTIONS', '/v1/flows/nitro/registrations', {
      headers: {
        origin: 'http://127.0.0.1:9999',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:9999');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('idempotency-key');
    expect(res.headers['vary']).toContain('Origin');
  });

  it('fails a preflight from a foreign origin', async () => {
    const res = await bff.fetch('OPTIONS', '/v1/flows/nitro/registrations', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('serves the widget file to any origin', async () => {
    const res = await bff.fetch('GET', '/widget/org-signup.js', {
      headers: { origin: 'https://anyone.example' },
    });
    if (res.status === 503) throw new Error('the widget is not built: run `npm run build` first');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
  });
});

describe('GET /v1/registrations/:id', () => {
  it('tells the status and nothing personal', async () => {
    const fields = nitroFields();
    const created = await bff.register('nitro', { fields });
    const res = await bff.fetch('GET', `/v1/registrations/${String(created.body['id'])}`, {
      headers: { origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: created.body['id'], status: 'completed' });
    expect(res.text).not.toContain(fields.email);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of [crypto.randomUUID(), 'not-a-uuid', '1']) {
      const res = await bff.fetch('GET', `/v1/registrations/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.body).toEqual(problem(404, 'not_found'));
    }
  });

  it('lets the page read that a registration is not known, instead of a network error', async () => {
    // As a browser on the code step sends the code: a preflight, then the POST.
    const origin = 'https://shop.elsewhere.example';
    const path = `/v1/registrations/${crypto.randomUUID()}/verify`;
    const preflight = await bff.fetch('OPTIONS', path, {
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-max-age']).toBeUndefined();
    const res = await bff.fetch('POST', path, { headers: { origin }, json: { code: '123456' } });
    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.body).toEqual(problem(404, 'not_found'));
    const status = await bff.fetch('GET', path.replace('/verify', ''), { headers: { origin } });
    expect(status.status).toBe(404);
    expect(status.headers['access-control-allow-origin']).toBe(origin);
    // The operator learns what to check: an id the BFF gave out is not in its store.
    const id = path.split('/')[3] ?? '';
    const warning = bff.logs.find((line) => line.includes(id) && line.includes('STORE_URL'));
    expect(warning).toContain('"level":40');
  });

  it('still refuses a known registration to a page outside its flow’s origins', async () => {
    const created = await bff.register('nitro', { fields: nitroFields() });
    const path = `/v1/registrations/${String(created.body['id'])}/resend`;
    const origin = 'https://evil.example';
    const preflight = await bff.fetch('OPTIONS', path, {
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    const res = await bff.fetch('GET', path.replace('/resend', ''), { headers: { origin } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(problem(403, 'origin_not_allowed'));
  });
});

describe('the rest of the server', () => {
  it('answers health and readiness', async () => {
    expect((await bff.fetch('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await bff.fetch('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { config: true, store: true } });
  });

  it('sends helmet headers and a request id on every answer', async () => {
    const res = await bff.fetch('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the demo page with every flow and a CSP without unsafe-inline', async () => {
    const res = await bff.fetch('GET', '/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<script type="module" src="/widget/org-signup.js"></script>');
    expect(res.text).toContain('<org-signup flow="nitro"');
    expect(res.text).toContain('<org-signup flow="intellectmoney"');
    const csp = res.headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('answers unknown paths with 404 problem details', async () => {
    const res = await bff.fetch('GET', '/v2/whatever');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(problem(404, 'not_found'));
  });
});
