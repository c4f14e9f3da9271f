/**
 * Exactly once, told truthfully, proved from the outside: every provider × fault mode (500,
 * timeout, reset) × phase (before the provider processed the call, or after it, the answer lost)
 * × path (the widget retrying with the same Idempotency-Key; the outbox delivering a queued one).
 * Each case compares what the user was told, what the operator sees in the journal (admin API),
 * and what the provider holds (the simulator's `GET _state`). The third path, an instance killed
 * with SIGKILL mid-call, runs real processes: reliability/kill-matrix.test.ts.
 *
 * Only the call that creates the account fails (`_faults.path`): logins and tokens go through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.ts';
import { titeliveContract } from './contract/titelive.ts';
import { CREATE_PATH, FIXTURES, READINGS } from './fault-cases.ts';
import { startBff, WITH_SANDBOX, type Bff, type FlowDocument } from './harness.ts';

const MODES = ['500', 'timeout', 'reset'] as const;
const PHASES = ['before', 'after'] as const;
const CASES = PROVIDER_IDS.flatMap((provider) =>
  MODES.flatMap((mode) => PHASES.map((phase) => ({ provider, mode, phase }))),
);
/** Passwords are never stored, so TiteLive's registrations cannot wait in the outbox. */
const QUEUEING = CASES.filter((c) => c.provider !== 'titelive');

const ADMIN_TOKEN = 'fault-matrix-admin-token-5e1f';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

let bff: Bff;

beforeAll(async () => {
  const flows: FlowDocument[] = PROVIDER_IDS.flatMap((provider) => {
    const base = {
      timeouts: { connectMs: 500, requestMs: 500 },
      circuitBreaker: { minimumCalls: 1_000_000 },
    };
    const now = { ...FIXTURES[provider].flow(`${provider}-now`), ...base };
    if (provider === 'titelive') return [now];
    return [
      now,
      {
        ...FIXTURES[provider].flow(`${provider}-queue`),
        ...base,
        queueOnOutage: true,
        retry: { baseDelayMs: 50, maxDelayMs: 200, deadlineSeconds: 60 },
      },
    ];
  });
  bff = await startBff({
    config: {
      sandbox: { enabled: true },
      outbox: { pollIntervalMs: 50, batchSize: 20, concurrency: 4 },
      flows,
    },
    adminToken: ADMIN_TOKEN,
  });
  for (const [provider, readings] of Object.entries(READINGS)) {
    const res = await bff.fetch('POST', `/sandbox/${provider}/_readings`, { json: readings });
    expect(res.status).toBe(200);
  }
});
afterAll(() => bff.close());

/** The accounts the provider holds for this e-mail. */
async function held(provider: ProviderId, email: string): Promise<unknown[]> {
  const res = await bff.fetch<{ accounts: { email: string }[] }>(
    'GET',
    `/sandbox/${provider}/_state`,
  );
  return res.body.accounts.filter((a) => a.email.toLowerCase() === email.toLowerCase());
}

/** The registration as the operator sees it in the journal. */
async function journal(id: string): Promise<{ status: string; lastDetail: string | null }> {
  const res = await bff.fetch<{
    registrations: { id: string; status: string; lastDetail: string }[];
  }>('GET', '/admin/registrations?limit=500', { headers: admin });
  const found = res.body.registrations.find((r) => r.id === id);
  expect(found, `registration ${id} in the journal`).toBeDefined();
  return found!;
}

/** What the journal says once a successful registration settled, per provider. */
const settled = (provider: ProviderId) =>
  FIXTURES[provider].success.status === 'awaiting-approval' ? 'awaiting-approval' : 'completed';

async function lose(provider: ProviderId, mode: string, phase: string): Promise<void> {
  await bff.faults(provider, { failRate: 1, mode, phase, path: CREATE_PATH[provider] });
}

describe('the widget retries with the same Idempotency-Key', () => {
  it.each(CASES)('$provider × $mode × $phase', async ({ provider, mode, phase }) => {
    const fields = FIXTURES[provider].fields();
    const key = crypto.randomUUID();
    await lose(provider, mode, phase);
    const first = await bff.register(`${provider}-now`, { fields }, { key });
    await bff.faults(provider, {});
    // Told: unavailable, try again. Not a conflict, not a success.
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 'provider_unavailable' });

    const again = await bff.register(`${provider}-now`, { fields }, { key });
    // Told: registered, with the step that follows, whether this attempt created the account or
    // found the one the lost answer was about.
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject(FIXTURES[provider].success);
    const id = String(again.body['id']);
    expect((await journal(id)).status).toBe(settled(provider));
    expect(await held(provider, fields.email!)).toHaveLength(1);
    // The same key keeps its answer.
    const replay = await bff.register(`${provider}-now`, { fields }, { key });
    expect([replay.status, replay.body['id']]).toEqual([201, id]);
    if (phase === 'after') {
      const log = bff.logs.find((l) => l.includes(id) && l.includes('"reconciled":true'));
      expect(log, 'the success was reconciled, and the log says so').toBeDefined();
    }
  });
});

describe('the outbox delivers what was queued', () => {
  it.each(QUEUEING)('$provider × $mode × $phase', async ({ provider, mode, phase }) => {
    const fields = FIXTURES[provider].fields();
    const key = crypto.randomUUID();
    await lose(provider, mode, phase);
    const first = await bff.register(`${provider}-queue`, { fields }, { key });
    await bff.faults(provider, {});
    // Told: received, it will be finished shortly.
    expect(first.status).toBe(202);
    const id = String(first.body['id']);
    expect(first.body).toEqual({ id, status: 'queued' });

    let status = 'queued';
    for (let waited = 0; status === 'queued' && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = String((await bff.fetch('GET', `/v1/registrations/${id}`)).body['status']);
    }
    expect(status).toBe(settled(provider));
    expect((await journal(id)).lastDetail).toBe(
      phase === 'after' ? 'delivered (reconciled: it already existed)' : 'delivered',
    );
    expect(await held(provider, fields.email!)).toHaveLength(1);
  });

  it('titelive cannot queue: its passwords are never stored (the config refuses it)', async () => {
    const { parseConfig } = await import('../config/load.ts');
    expect(() =>
      parseConfig(
        {
          sandbox: { enabled: true },
          flows: [{ ...titeliveContract.flow('t'), queueOnOutage: true }],
        },
        {},
        'test',
        WITH_SANDBOX,
      ),
    ).toThrow(/queueOnOutage: titelive needs the user's password/);
  });
});

describe('CloudSuite: a registration whose answer was lost', () => {
  it('waits for approval, linked in the queue, and the approver moves it', async () => {
    const fields = FIXTURES.cloudsuite.fields();
    const key = crypto.randomUUID();
    await lose('cloudsuite', 'reset', 'after');
    expect((await bff.register('cloudsuite-now', { fields }, { key })).status).toBe(503);
    await bff.faults('cloudsuite', {});
    const again = await bff.register('cloudsuite-now', { fields }, { key });
    expect(again.body).toMatchObject({ status: 'awaiting-approval' });
    const id = String(again.body['id']);
    const queue = await bff.fetch<{
      approvals: { email: string; key: string; registrationId: string }[];
    }>('GET', '/admin/approvals?flow=cloudsuite-now', { headers: admin });
    const pending = queue.body.approvals.find((a) => a.email === fields.email)!;
    expect(pending.registrationId).toBe(id);
    const rejected = await bff.fetch('POST', `/admin/approvals/${pending.key}/reject`, {
      headers: admin,
      json: { flow: 'cloudsuite-now' },
    });
    expect(rejected.status).toBe(200);
    expect((await bff.fetch('GET', `/v1/registrations/${id}`)).body['status']).toBe('rejected');
  });
});
