/**
 * The registry check at submit (issue 19): a liquidated or dissolved company is refused on its
 * field before the provider hears of it; a registry that is down lets the registration through,
 * marked `unverified` in the admin API; the evidence is kept, shown and sent in webhooks; the
 * registry's legal name replaces the typed one where the flow wants it.
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
    for (const registry of ['dadata', 'vies', 'companies-house']) {
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
});
