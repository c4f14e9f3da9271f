/**
 * Nothing lost, nothing twice (docs/reliability.md), in one process against the Nitro simulator: the
 * outbox queues outages and delivers later, reconciles "already exists" after a lost answer,
 * gives up at the deadline for an operator to retry, and the circuit breaker stops hammering a
 * provider that is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../admin/cli.ts';
import { demoConfig, nitroFields, startBff, type Bff, type FlowDocument } from './harness.ts';

const TOKEN = 'outbox-test-admin-token-0001';
const auth = { authorization: `Bearer ${TOKEN}` };

const queueing = (id: string, extra: Partial<FlowDocument> = {}): FlowDocument => ({
  id,
  provider: 'nitro',
  sandbox: true,
  allowedOrigins: ['http://localhost:*'],
  phoneCountry: 'GB',
  queueOnOutage: true,
  retry: { baseDelayMs: 40, maxDelayMs: 200, deadlineSeconds: 60 },
  circuitBreaker: { minimumCalls: 1000 },
  timeouts: { connectMs: 500, requestMs: 400 },
  ...extra,
});

let bff: Bff;
beforeAll(async () => {
  const config = demoConfig();
  config.outbox = { pollIntervalMs: 25, batchSize: 20, concurrency: 4 };
  config.flows = [
    queueing('queued'),
    queueing('short-deadline', { retry: { baseDelayMs: 40, maxDelayMs: 100, deadlineSeconds: 1 } }),
    queueing('fragile', {
      queueOnOutage: false,
      circuitBreaker: { minimumCalls: 3, failureThresholdPercent: 50, openSeconds: 60 },
    }),
    { ...queueing('plain'), queueOnOutage: false },
  ];
  bff = await startBff({ config, adminToken: TOKEN });
});
afterAll(() => bff.close());

const statusOf = async (id: string) =>
  (await bff.fetch('GET', `/v1/registrations/${id}`)).body['status'] as string;

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function createdAtProvider(email: string): Promise<number> {
  const users = (await bff.sandboxRequests('nitro')).filter(
    (r) => r.path.endsWith('/users/register') && r.body['email'] === email,
  );
  // Each creation is a request the simulator answered; the simulator refuses a second one.
  return users.length;
}

describe('queueOnOutage', () => {
  it('answers 202 queued during an outage, then delivers from the outbox', async () => {
    const fields = nitroFields();
    const key = crypto.randomUUID();
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    const res = await bff.register('queued', { fields }, { key });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
    const id = String(res.body['id']);
    expect(await statusOf(id)).toBe('queued');
    await new Promise((r) => setTimeout(r, 150));
    expect(await statusOf(id)).toBe('queued');
    await bff.faults('nitro', { failRate: 0 });
    await until(async () => (await statusOf(id)) === 'completed', 'delivery');
    // The same key still gets the first answer.
    const again = await bff.register('queued', { fields }, { key });
    expect(again.status).toBe(202);
    expect(again.body['id']).toBe(id);
  });

  it('reconciles "already exists" after an attempt whose answer was lost', async () => {
    const fields = nitroFields();
    // The simulator creates the user, then the connection drops before the answer.
    await bff.faults('nitro', { failRate: 1, mode: 'reset', phase: 'after' });
    const res = await bff.register('queued', { fields });
    await bff.faults('nitro', { failRate: 0 });
    expect(res.status).toBe(202);
    const id = String(res.body['id']);
    await until(async () => (await statusOf(id)) === 'completed', 'reconciliation');
    const journal = await bff.fetch<{ registrations: { id: string; lastDetail: string }[] }>(
      'GET',
      '/admin/registrations?status=completed&limit=20',
      { headers: auth },
    );
    expect(journal.body.registrations.find((r) => r.id === id)?.lastDetail).toMatch(/reconciled/);
    const calls = (await bff.sandboxRequests('nitro')).filter(
      (r) => r.path.endsWith('/users/register') && r.body['email'] === fields.email,
    );
    expect(calls).toHaveLength(2);
  });

  it('answers 503 where the flow does not queue', async () => {
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    const res = await bff.register('plain', { fields: nitroFields() });
    await bff.faults('nitro', { failRate: 0 });
    expect(res.status).toBe(503);
  });

  it('gives up at the deadline; an operator retry delivers it', async () => {
    const fields = nitroFields();
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    const res = await bff.register('short-deadline', { fields });
    const id = String(res.body['id']);
    try {
      await until(async () => (await statusOf(id)) === 'failed', 'the deadline', 5_000);
    } finally {
      await bff.faults('nitro', { failRate: 0 });
    }
    const failed = await bff.fetch<{
      registrations: { id: string; lastDetail: string; attempts: number }[];
    }>('GET', '/admin/registrations?status=failed', { headers: auth });
    const row = failed.body.registrations.find((r) => r.id === id);
    expect(row?.lastDetail).toMatch(/deadline passed/);
    expect(row?.attempts).toBeGreaterThan(1);

    process.env['ORG_SIGNUP_URL'] = bff.url;
    process.env['ORG_SIGNUP_ADMIN_TOKEN'] = TOKEN;
    try {
      expect(await run(['registrations', 'list', '--status', 'failed'])).toContain(id);
      expect(await run(['registrations', 'retry', id])).toBe(
        `Queued ${id} again: the outbox sends it now.`,
      );
    } finally {
      delete process.env['ORG_SIGNUP_URL'];
      delete process.env['ORG_SIGNUP_ADMIN_TOKEN'];
    }
    await until(async () => (await statusOf(id)) === 'completed', 'the operator retry');
    expect(await createdAtProvider(fields.email)).toBeGreaterThanOrEqual(1);
    const retryAgain = await bff.fetch('POST', `/admin/registrations/${id}/retry`, {
      headers: auth,
    });
    expect(retryAgain.status).toBe(409);
  });

  it('waits for a concurrent request with the same key instead of calling twice', async () => {
    const fields = nitroFields();
    const key = crypto.randomUUID();
    await bff.faults('nitro', { latencyMs: 300 });
    const [a, b] = await Promise.all([
      bff.register('queued', { fields }, { key }),
      bff.register('queued', { fields }, { key }),
    ]);
    await bff.faults('nitro', { latencyMs: 0 });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(await createdAtProvider(fields.email)).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('stops calling a provider that keeps failing, and says so at once', async () => {
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    try {
      for (let i = 0; i < 3; i += 1) {
        expect((await bff.register('fragile', { fields: nitroFields() })).status).toBe(503);
      }
      const before = (await bff.sandboxRequests('nitro')).length;
      const started = Date.now();
      const res = await bff.register('fragile', { fields: nitroFields() });
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(200);
      expect((await bff.sandboxRequests('nitro')).length).toBe(before);
      expect(bff.logs.some((l) => l.includes('circuit open'))).toBe(true);
    } finally {
      await bff.faults('nitro', { failRate: 0 });
    }
  });
});
