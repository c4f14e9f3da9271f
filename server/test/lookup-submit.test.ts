/**
 * The registry check at submit (issue 19): a liquidated or dissolved company is refused on its
 * field before the provider hears of it; a registry that is down lets the registration through,
 * marked `unverified` in the admin API; the evidence is kept, shown and sent in webhooks; the
 * registry's legal name replaces the typed one where the flow wants it; a farm's holding number
 * is checked for a Red Tractor certificate, which `requireCertification` makes a condition.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../admin/cli.ts';
import { cloudsuiteFields } from './contract/cloudsuite.ts';
import { hectareFields } from './contract/hectare.ts';
import { demoConfig, intellectMoneyFields, startBff, type Bff } from './harness.ts';

const ADMIN = 'lookup-submit-admin-token-000001';

interface Row {
  id: string;
  status: string;
  registry: string | null;
  verification: Record<string, unknown>[];
}

describe('the registry check at submit', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    const hectare = config.flows.find((f) => f.id === 'hectare')!;
    config.flows.push({ ...hectare, id: 'hectare-certified', requireCertification: true });
    for (const flow of config.flows) {
      if (flow.id === 'hectare') flow['preferRegistryName'] = true;
      // VIES gives a consultation number only to a requester who names their own VAT number.
      if (flow.id === 'cloudsuite')
        flow['lookup'] = { vat: { registry: 'vies', sandbox: true, requester: 'NL004495445B01' } };
    }
    bff = await startBff({ config, adminToken: ADMIN });
  });
  afterAll(() => bff.close());
  beforeEach(async () => {
    for (const registry of ['dadata', 'vies', 'companies-house', 'hectare']) {
      await bff.fetch('DELETE', `/sandbox/${registry}/_state`);
    }
  });

  const admin = async (id: string) => {
    const res = await bff.fetch<{ registrations: Row[] }>('GET', '/admin/registrations?limit=500', {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    return res.body.registrations.find((r) => r.id === id);
  };
  const providerCalls = async (provider: string, path: RegExp) =>
    (await bff.sandboxRequests(provider)).filter((r) => path.test(r.path));

  it('refuses a liquidated company on its field, and the provider never hears of it', async () => {
    await bff.fetch('DELETE', '/sandbox/intellectmoney/_state');
    const res = await bff.register('intellectmoney', {
      fields: intellectMoneyFields({ inn: '7701080014' }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'invalid_fields',
      errors: { inn: 'company_liquidated' },
    });
    expect(await bff.sandboxRequests('intellectmoney')).toEqual([]);
  });

  it('refuses a dissolved UK company on companyNumber', async () => {
    const res = await bff.register('hectare', {
      fields: hectareFields({ companyNumber: '07654321' }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: { companyNumber: 'company_dissolved' } });
  });

  it('registers with the registry down, marked unverified in the admin API', async () => {
    await bff.faults('dadata', { failRate: 1, mode: 'reset' });
    const res = await bff.register('intellectmoney', {
      fields: intellectMoneyFields({ inn: '7707083893' }),
    });
    expect([201, 202]).toContain(res.status);
    const row = await admin(String(res.body['id']));
    expect(row?.registry).toBe('unverified');
    expect(row?.verification).toEqual([
      { field: 'inn', value: '7707083893', result: 'unverified', source: 'dadata' },
    ]);
    // The CLI shows it too, in its REGISTRY column.
    process.env['ORG_SIGNUP_URL'] = bff.url;
    process.env['ORG_SIGNUP_ADMIN_TOKEN'] = ADMIN;
    try {
      const table = await run(['registrations', 'list', '--flow', 'intellectmoney']);
      expect(table).toMatch(/REGISTRY/);
      expect(table.split('\n').find((line) => line.startsWith(row!.id))).toMatch(/\bunverified\b/);
    } finally {
      delete process.env['ORG_SIGNUP_URL'];
      delete process.env['ORG_SIGNUP_ADMIN_TOKEN'];
    }
  });

  it('keeps the evidence: source, time, hash of the answer, VIES request identifier', async () => {
    const res = await bff.register('cloudsuite', {
      fields: cloudsuiteFields({ vat: 'NL822898044B01' }),
    });
    expect([201, 202]).toContain(res.status);
    const row = await admin(String(res.body['id']));
    expect(row?.registry).toBe('verified');
    expect(row?.verification).toEqual([
      {
        field: 'vat',
        value: 'NL822898044B01',
        result: 'verified',
        source: 'vies',
        status: 'active',
        checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        requestIdentifier: expect.stringMatching(/^WAPI/),
      },
    ]);
  });

  it('sends the registry’s legal name to the provider with preferRegistryName', async () => {
    const res = await bff.register('hectare', {
      fields: hectareFields({ companyNumber: '01234567', organisationName: 'up marden' }),
    });
    expect(res.status).toBe(201);
    const created = await providerCalls('hectare', /organisations$/);
    expect(created.at(-1)?.body).toMatchObject({ name: 'UP MARDEN FARMS LIMITED' });
  });

  it('puts the evidence in the webhook’s data (a company being wound up still registers)', async () => {
    const res = await bff.register('intellectmoney', {
      fields: intellectMoneyFields({ inn: '7810002009' }),
    });
    expect(res.status).toBe(201);
    const id = String(res.body['id']);
    let data: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !data; i++) {
      const received = await bff.fetch<{ body: string }[]>('GET', '/sandbox/webhooks/_requests');
      data = received.body
        .map((r) => (JSON.parse(r.body) as { data: Record<string, unknown> }).data)
        .find((d) => d['id'] === id);
      if (!data) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(data?.['verification']).toEqual([
      expect.objectContaining({
        field: 'inn',
        result: 'verified',
        status: 'liquidating',
        source: 'dadata',
      }),
    ]);
  });

  describe('a holding number', () => {
    const certified = (overrides: Record<string, string>) =>
      bff.register('hectare-certified', { fields: hectareFields(overrides) });
    const organisationsCreated = async () =>
      (await providerCalls('hectare', /organisations$/)).length;

    it('is a field of the flow, before the name its certificate fills in', async () => {
      for (const [flow, required] of [
        ['hectare', false],
        ['hectare-certified', true],
      ] as const) {
        const res = await bff.fetch<{ fields: { name: string; required: boolean }[] }>(
          'GET',
          `/v1/flows/${flow}`,
          { headers: { origin: 'http://localhost:5173' } },
        );
        const names = res.body.fields.map((f) => f.name);
        expect(names.indexOf('holdingNumber')).toBe(names.indexOf('organisationName') - 1);
        expect(res.body.fields.find((f) => f.name === 'holdingNumber')?.required).toBe(required);
      }
    });

    it('is verified with the postcode and kept as evidence, never sent to Hectare', async () => {
      const res = await bff.register('hectare', {
        fields: hectareFields({ holdingNumber: '11 111 1111', zip: 'PO18 9JP' }),
      });
      expect(res.status).toBe(201);
      const row = await admin(String(res.body['id']));
      expect(row?.verification).toContainEqual(
        expect.objectContaining({
          field: 'holdingNumber',
          value: '11/111/1111',
          result: 'verified',
          source: 'hectare',
        }),
      );
      const asked = (await bff.sandboxRequests('hectare')).filter((r) =>
        r.path.includes('red-tractor/certificates'),
      );
      expect(asked.at(-1)?.query).toMatchObject({
        holdingNumber: '11/111/1111',
        postcode: 'PO18 9JP',
      });
      const created = await providerCalls('hectare', /organisations$/);
      expect(JSON.stringify(created.at(-1)?.body)).not.toMatch(/11\/111\/1111|holding/i);
    });

    it('with requireCertification: required, and refused without a valid or grace certificate', async () => {
      const before = await organisationsCreated();
      expect((await certified({})).body).toMatchObject({
        errors: { holdingNumber: 'required' },
      });
      // 33/333/3333's certificate expired; 11/111/1111 is certified at another postcode.
      for (const [holdingNumber, zip] of [
        ['33/333/3333', 'LD3 0AA'],
        ['11/111/1111', 'EX20 1AB'],
      ]) {
        const res = await certified({ holdingNumber: holdingNumber!, zip: zip! });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ errors: { holdingNumber: 'certificate_required' } });
      }
      expect(await organisationsCreated()).toBe(before);
      // A certificate in its grace period is still a certificate.
      const grace = await certified({ holdingNumber: '22/222/2222', zip: 'EX20 1AB' });
      expect(grace.status).toBe(201);
      expect(await organisationsCreated()).toBe(before + 1);
    });

    it('with requireCertification and Hectare’s certificates down: registers, unverified', async () => {
      await bff.faults('hectare', { failRate: 1, mode: '500', path: 'red-tractor' });
      const res = await certified({ holdingNumber: '11/111/1111', zip: 'PO18 9JP' });
      expect(res.status).toBe(201);
      const row = await admin(String(res.body['id']));
      expect(row?.verification).toContainEqual(
        expect.objectContaining({ field: 'holdingNumber', result: 'unverified' }),
      );
    });
  });
});
