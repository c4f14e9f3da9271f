/**
 * The registry lookup route (issue 19) over real HTTP against the registries' simulators: what
 * the widget gets for an active and a liquidated company, a typo refused before any registry
 * call, an unknown number, a registry down, the rate limit and the origin check.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flowDescriptorSchema, lookupResponseSchema, problemSchema } from '../web/openapi.ts';
import { demoConfig, ORIGIN, startBff, type Bff, type ConfigDocument } from './harness.ts';

const lookup = (bff: Bff, flow: string, query: string, origin: string | null = ORIGIN) =>
  bff.fetch('GET', `/v1/flows/${flow}/lookup?${query}`, {
    headers: origin ? { origin } : {},
  });

const calls = async (bff: Bff, registry: string) => (await bff.sandboxRequests(registry)).length;

describe('GET /v1/flows/:flow/lookup on the demo config', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff();
  });
  afterAll(() => bff.close());
  beforeEach(async () => {
    for (const registry of ['dadata', 'vies', 'companies-house', 'hectare']) {
      await bff.fetch('DELETE', `/sandbox/${registry}/_state`);
    }
  });

  it('tells the widget which fields are looked up, in the descriptor', async () => {
    const im = await bff.fetch('GET', '/v1/flows/intellectmoney', { headers: { origin: ORIGIN } });
    expect(im.body['lookup']).toEqual(['inn']);
    expect(flowDescriptorSchema.safeParse(im.body).error).toBeUndefined();
    const hectare = await bff.fetch('GET', '/v1/flows/hectare', { headers: { origin: ORIGIN } });
    expect(hectare.body['lookup']).toEqual(['companyNumber', 'holdingNumber']);
    const nitro = await bff.fetch('GET', '/v1/flows/nitro', { headers: { origin: ORIGIN } });
    expect(nitro.body['lookup']).toBeUndefined();
  });

  it('fills in Sberbank from its INN, typed with spaces', async () => {
    const res = await lookup(bff, 'intellectmoney', 'field=inn&value=7707%20083%20893');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.body).toEqual({
      field: 'inn',
      value: '7707083893',
      status: 'active',
      fields: {
        organisationName: 'ПАО СБЕРБАНК',
        street: 'ул Вавилова',
        houseNumber: '19',
        zip: '117312',
        city: 'Москва',
        country: 'RU',
      },
      source: 'dadata',
    });
    expect(lookupResponseSchema.safeParse(res.body).error).toBeUndefined();
  });

  it('answers a liquidated company with its status', async () => {
    const res = await lookup(bff, 'intellectmoney', 'field=inn&value=7701080014');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'liquidated', source: 'dadata' });
  });

  it('asks the registry once for the same number (the cache)', async () => {
    await lookup(bff, 'intellectmoney', 'field=inn&value=7810002009');
    const again = await lookup(bff, 'intellectmoney', 'field=inn&value=7810002009');
    expect(again.body).toMatchObject({ status: 'liquidating' });
    expect(await calls(bff, 'dadata')).toBe(1);
    const metrics = (await bff.fetch('GET', '/metrics')).text;
    expect(metrics).toMatch(
      /^org_signup_registry_lookup_duration_seconds_count\{registry="dadata",flow="intellectmoney",outcome="found"\} [1-9]/m,
    );
  });

  it.each([
    ['intellectmoney', 'inn', '7707083894', 'invalid_inn', 'dadata'],
    ['cloudsuite', 'vat', 'NL822898045B01', 'invalid_vat', 'vies'],
    ['cloudsuite', 'vat', 'US123456789', 'invalid_vat', 'vies'],
    ['hectare', 'companyNumber', 'ABC-1', 'invalid_company_number', 'companies-house'],
  ])(
    '%s: refuses %s %s with 400 %s and no registry call',
    async (flow, field, value, code, registry) => {
      const res = await lookup(bff, flow, `field=${field}&value=${value}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_fields', errors: { [field]: code } });
      expect(await calls(bff, registry)).toBe(0);
    },
  );

  it('answers 404 not_found for a valid number the registry does not know', async () => {
    const res = await lookup(bff, 'intellectmoney', 'field=inn&value=5027001000');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found' });
    expect(await calls(bff, 'dadata')).toBe(1);
  });

  it('answers 400 for a field the flow does not look up', async () => {
    const res = await lookup(bff, 'nitro', 'field=inn&value=7707083893');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad_request' });
  });

  it('answers 503 lookup_unavailable while the registry fails', async () => {
    await bff.faults('companies-house', { failRate: 1, mode: '500' });
    const res = await lookup(bff, 'hectare', 'field=companyNumber&value=01234567');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'lookup_unavailable' });
    expect(problemSchema.safeParse(res.body).error).toBeUndefined();
  });

  it('fills in a UK company from Companies House, the number padded', async () => {
    const res = await lookup(bff, 'hectare', 'field=companyNumber&value=7654321');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      value: '07654321',
      status: 'dissolved',
      fields: { organisationName: 'OLD MILL GROWERS LTD', city: 'Taunton', country: 'GB' },
      source: 'companies-house',
    });
  });

  it('fills in an EU company from VIES, retrying while the member state is away', async () => {
    await bff.fetch('POST', '/sandbox/vies/_unavailable', {
      json: { countryCode: 'NL', times: 2 },
    });
    const res = await lookup(bff, 'cloudsuite', 'field=vat&value=nl%208228.98.044%20b01');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      field: 'vat',
      value: 'NL822898044B01',
      status: 'active',
      fields: {
        organisationName: 'CLOUDSUITE DEMO B.V.',
        street: 'KEIZERSGRACHT',
        houseNumber: '62',
        zip: '1015CS',
        city: 'AMSTERDAM',
        country: 'NL',
      },
      source: 'vies',
    });
    expect(await calls(bff, 'vies')).toBe(3);
  });

  it('answers 503 when the member state stays away past the budget', async () => {
    await bff.fetch('POST', '/sandbox/vies/_unavailable', {
      json: { countryCode: 'DE', times: 1000 },
    });
    const res = await lookup(bff, 'cloudsuite', 'field=vat&value=DE129273398');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'lookup_unavailable' });
  });

  it('finds a farm by holding number and postcode, with its certificate', async () => {
    const res = await lookup(
      bff,
      'hectare',
      'field=holdingNumber&value=11/111/1111&zip=PO18%209JP',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      field: 'holdingNumber',
      value: '11/111/1111',
      status: 'active',
      fields: {
        organisationName: 'Up Marden Farms',
        street: 'Pitlands Farm',
        zip: 'PO18 9JP',
        country: 'GB',
      },
      source: 'hectare',
      certificate: { status: 'Valid', expires: '2099-01-31T00:00:00.000+00:00' },
    });
    const expired = await lookup(bff, 'hectare', 'field=holdingNumber&value=33/333/3333');
    expect(expired.status).toBe(404);
  });

  it('refuses a foreign origin with 403 and calls no registry', async () => {
    const res = await lookup(
      bff,
      'intellectmoney',
      'field=inn&value=7707083893',
      'https://evil.example',
    );
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'origin_not_allowed' });
    expect(await calls(bff, 'dadata')).toBe(0);
  });

  it("lists each simulator's records, at least one active and one not", async () => {
    for (const registry of ['dadata', 'vies', 'companies-house', 'hectare']) {
      const res = await bff.fetch<{ status: string; field: string; value: string }[]>(
        'GET',
        `/sandbox/${registry}/_records`,
      );
      expect(res.status).toBe(200);
      const statuses = res.body.map((r) => r.status);
      expect(statuses).toContain('active');
      expect(statuses.some((s) => s !== 'active')).toBe(true);
    }
  });
});

describe('the lookup rate limit', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config: ConfigDocument = {
      ...demoConfig(),
      rateLimits: { enabled: true, lookup: { windowSeconds: 600, max: 3 } },
    };
    bff = await startBff({ config });
  });
  afterAll(() => bff.close());

  it('answers 429 with Retry-After past the limit, per IP and flow', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await lookup(bff, 'intellectmoney', 'field=inn&value=7707083893')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await lookup(bff, 'cloudsuite', 'field=vat&value=NL822898044B01');
    expect(other.status).toBe(200);
  });
});

describe('a registry that keeps failing', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff();
  });
  afterAll(() => bff.close());

  it('is no longer called once its circuit opens, and lookups answer 503 at once', async () => {
    await bff.faults('dadata', { failRate: 1, mode: '500' });
    const statuses: number[] = [];
    for (const inn of ['7707083893', '7701080014', '7810002009', '5027001000']) {
      for (let i = 0; i < 2; i++) {
        statuses.push((await lookup(bff, 'intellectmoney', `field=inn&value=${inn}`)).status);
      }
    }
    expect(new Set(statuses)).toEqual(new Set([503]));
    // opossum opens after 5 calls at 50 % failures: the other 3 never reach the registry.
    expect(await calls(bff, 'dadata')).toBe(5);
  });
});
