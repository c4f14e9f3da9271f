/**
 * The admin API (`/admin/approvals`) and its CLI over real HTTP against the CloudSuite
 * simulator: the bearer gate, the pending list, approve and reject, and the registration's
 * public status following the staff's decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApprovals, run } from '../admin/cli.ts';
import { CLOUDSUITE_SANDBOX } from '../sandbox/cloudsuite.ts';
import { cloudsuiteFields } from './contract/cloudsuite.ts';
import { demoConfig, startBff, type Bff } from './harness.ts';

const TOKEN = 'admin-test-token-5a1f0e9c2b7d4863';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Pending {
  flow: string;
  key: string;
  email: string;
  registrationId: string | null;
  organisationName: string;
}

let bff: Bff;
beforeAll(async () => {
  bff = await startBff({ adminToken: TOKEN });
});
afterAll(() => bff.close());

async function register() {
  const fields = cloudsuiteFields();
  const res = await bff.register('cloudsuite', { fields });
  expect(res.status).toBe(201);
  return { id: String(res.body['id']), fields };
}

async function pending(): Promise<Pending[]> {
  const res = await bff.fetch<{ approvals: Pending[] }>('GET', '/admin/approvals', {
    headers: auth,
  });
  expect(res.status).toBe(200);
  return res.body.approvals;
}

const statusOf = async (id: string) =>
  (await bff.fetch('GET', `/v1/registrations/${id}`)).body['status'];

describe('the gate', () => {
  it('refuses a missing or wrong token with 401', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await bff.fetch('GET', '/admin/approvals', { headers });
      expect(res.status).toBe(401);
      expect(res.body['code']).toBe('unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('is off (404) when no admin token is configured', async () => {
    const plain = await startBff();
    try {
      const res = await plain.fetch('GET', '/admin/approvals', { headers: auth });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('approvals', () => {
  it('lists a new registration with its registration id and profile', async () => {
    const { id, fields } = await register();
    const item = (await pending()).find((p) => p.email === fields.email);
    expect(item).toMatchObject({
      flow: 'cloudsuite',
      registrationId: id,
      organisationName: fields.organisationName,
    });
    expect(await statusOf(id)).toBe('awaiting-approval');
  });

  it('approves with an existing customer: activation e-mail sent, status completed', async () => {
    const { id, fields } = await register();
    const key = (await pending()).find((p) => p.email === fields.email)!.key;
    const res = await bff.fetch('POST', `/admin/approvals/${key}/approve`, {
      headers: auth,
      json: { customer: CLOUDSUITE_SANDBOX.customer.key },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      flow: 'cloudsuite',
      key,
      customer: CLOUDSUITE_SANDBOX.customer.key,
      registrationId: id,
      status: 'completed',
    });
    expect(await statusOf(id)).toBe('completed');
    expect((await pending()).some((p) => p.key === key)).toBe(false);
    const outbox = (
      await bff.fetch<{ to: string; kind: string }[]>('GET', '/sandbox/cloudsuite/_outbox')
    ).body;
    expect(outbox.some((m) => m.to === fields.email && m.kind === 'activation')).toBe(true);
  });

  it('approves with a customer created from the profile', async () => {
    const { id, fields } = await register();
    const key = (await pending()).find((p) => p.email === fields.email)!.key;
    const res = await bff.fetch('POST', `/admin/approvals/${key}/approve`, {
      headers: auth,
      json: { createCustomer: true },
    });
    expect(res.status).toBe(200);
    expect(res.body['customer']).not.toBe(CLOUDSUITE_SANDBOX.customer.key);
    expect(await statusOf(id)).toBe('completed');
  });

  it('rejects: the user leaves the list and the registration is rejected (the answer, not a failure)', async () => {
    const { id, fields } = await register();
    const key = (await pending()).find((p) => p.email === fields.email)!.key;
    const res = await bff.fetch('POST', `/admin/approvals/${key}/reject`, {
      headers: auth,
      json: {},
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ registrationId: id, status: 'rejected' });
    expect(await statusOf(id)).toBe('rejected');
    expect((await pending()).some((p) => p.key === key)).toBe(false);
    // Not an operator's task: not listed as failed, and not retried.
    const failed = await bff.fetch<{ registrations: { id: string }[] }>(
      'GET',
      '/admin/registrations?status=failed',
      { headers: auth },
    );
    expect(failed.body.registrations.some((r) => r.id === id)).toBe(false);
    const retry = await bff.fetch('POST', `/admin/registrations/${id}/retry`, {
      headers: auth,
      json: {},
    });
    expect(retry.status).toBe(409);
  });

  it('answers 404 for an unknown key and 400 for an ambiguous approve', async () => {
    const unknown = await bff.fetch('POST', `/admin/approvals/${crypto.randomUUID()}/approve`, {
      headers: auth,
      json: { customer: CLOUDSUITE_SANDBOX.customer.key },
    });
    expect(unknown.status).toBe(404);
    const { fields } = await register();
    const key = (await pending()).find((p) => p.email === fields.email)!.key;
    for (const json of [{}, { customer: 'x', createCustomer: true }, { customer: 'x', extra: 1 }]) {
      const res = await bff.fetch('POST', `/admin/approvals/${key}/approve`, {
        headers: auth,
        json,
      });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
  });
});

describe('the CLI', () => {
  it('lists, approves and reports in words', async () => {
    const { id, fields } = await register();
    process.env['ORG_SIGNUP_URL'] = bff.url;
    process.env['ORG_SIGNUP_ADMIN_TOKEN'] = TOKEN;
    try {
      const list = await run(['approvals', 'list']);
      expect(list).toContain(fields.organisationName);
      expect(list).toContain(`(registration ${id})`);
      const key = (JSON.parse(await run(['approvals', 'list', '--json'])) as Pending[]).find(
        (p) => p.email === fields.email,
      )!.key;
      const out = await run([
        'approvals',
        'approve',
        key,
        '--customer',
        CLOUDSUITE_SANDBOX.customer.key,
      ]);
      expect(out).toBe(
        `Approved ${key}: linked to customer ${CLOUDSUITE_SANDBOX.customer.key}, activation e-mail triggered. Registration ${id} is now completed.`,
      );
      await expect(run(['approvals', 'approve', key])).rejects.toThrow('--customer');
      process.env['ORG_SIGNUP_ADMIN_TOKEN'] = 'wrong-token-value-000';
      await expect(run(['approvals', 'list'])).rejects.toThrow(/401 unauthorized/);
    } finally {
      delete process.env['ORG_SIGNUP_URL'];
      delete process.env['ORG_SIGNUP_ADMIN_TOKEN'];
    }
  });

  it('says so when nothing is waiting, and prints usage for anything else', async () => {
    expect(formatApprovals([])).toBe('No registrations are waiting for approval.');
    expect(await run(['what'])).toMatch(/^Usage: npm run admin/);
  });
});

describe('one approval provider down', () => {
  it('still lists the other flows and names the one that could not be listed', async () => {
    const { cloudsuiteFlow } = await import('./contract/cloudsuite.ts');
    const config = demoConfig();
    config.flows.push(cloudsuiteFlow('cloudsuite-refused', { clientSecret: { env: 'CS_WRONG' } }));
    const both = await startBff({
      config,
      adminToken: TOKEN,
      env: { CS_WRONG: 'wrong-secret-0000' },
    });
    try {
      const fields = cloudsuiteFields();
      expect((await both.register('cloudsuite', { fields })).status).toBe(201);
      const res = await both.fetch<{
        approvals: Pending[];
        unavailable: { flow: string; code: string }[];
      }>('GET', '/admin/approvals', { headers: auth });
      expect(res.status).toBe(200);
      expect(res.body.approvals.some((a) => a.email === fields.email)).toBe(true);
      expect(res.body.unavailable).toEqual([
        { flow: 'cloudsuite-refused', code: 'provider_unavailable' },
      ]);
    } finally {
      await both.close();
    }
  });
});
