/**
 * Partners hear about every registration: signed webhooks from the journal. A registration
 * through each provider, and each later step, produces its events; the reference library
 * (standardwebhooks) verifies every one the sandbox's receiver got, and refuses a tampered body
 * or another secret. Bodies carry the registration's facts and never a password, a code or a
 * token; the event's `webhook-id` stays the same on every retry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOKS_SANDBOX } from '../sandbox/webhooks.ts';
import { cloudsuiteContract } from './contract/cloudsuite.ts';
import { hectareContract } from './contract/hectare.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import { nitroContract } from './contract/nitro.ts';
import { titeliveContract } from './contract/titelive.ts';
import { startBff, type Bff } from './harness.ts';

const ADMIN = 'webhooks-admin-token-8d1e5a';
const auth = { authorization: `Bearer ${ADMIN}` };

interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}
interface Event {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { id: string; status: string };
}

let bff: Bff;
let refusing: Server;
beforeAll(async () => {
  // A partner endpoint that refuses everything with 400: nothing to retry.
  refusing = createServer((_req, res) => res.writeHead(400).end('no'));
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/hooks`;
  bff = await startBff({
    config: {
      sandbox: { enabled: true },
      webhooks: [{ sandbox: true }],
      webhookDelivery: { pollIntervalMs: 20, baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 500 },
      flows: [
        nitroContract.flow('nitro'),
        hectareContract.flow('hectare'),
        cloudsuiteContract.flow('cloudsuite'),
        { ...cloudsuiteContract.flow('cloudsuite-queue'), queueOnOutage: true },
        intellectmoneyContract.flow('intellectmoney'),
        titeliveContract.flow('titelive'),
        {
          ...nitroContract.flow('nitro-refused'),
          webhooks: [{ id: 'refusing', url: refusingUrl, secret: { env: 'REFUSING_SECRET' } }],
        },
      ].map((flow) => ({
        ...flow,
        retry: { baseDelayMs: 50, maxDelayMs: 200, deadlineSeconds: 60 },
        timeouts: { connectMs: 500, requestMs: 500 },
        circuitBreaker: { minimumCalls: 1_000_000 },
      })),
    },
    adminToken: ADMIN,
    env: { REFUSING_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}` },
  });
});
afterAll(async () => {
  await bff.close();
  refusing.close();
});

const received = async () =>
  (await bff.fetch<Received[]>('GET', '/sandbox/webhooks/_requests')).body;

/** Waits until the receiver holds `count` events of registration `id`, and returns them. */
async function eventsOf(id: string, count: number): Promise<{ event: Event; raw: Received }[]> {
  let found: { event: Event; raw: Received }[] = [];
  for (let i = 0; i < 200; i += 1) {
    found = (await received())
      .map((raw) => ({ raw, event: JSON.parse(raw.body) as Event }))
      .filter(({ event }) => event.data.id === id);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`registration ${id}: ${found.length} of ${count} events arrived`);
}

const verifier = new Webhook(WEBHOOKS_SANDBOX.secret);
const verify = (raw: Received, body = raw.body, with_ = verifier) =>
  with_.verify(body, {
    'webhook-id': raw.headers['webhook-id']!,
    'webhook-timestamp': raw.headers['webhook-timestamp']!,
    'webhook-signature': raw.headers['webhook-signature']!,
  });

async function code(email: string): Promise<string> {
  const mail = await bff.fetch<{ to: string; code: string }[]>('GET', '/sandbox/hectare/_outbox');
  return mail.body.findLast((m) => m.to === email)!.code;
}

describe('events of each provider, verified with the reference library', () => {
  it.each([
    ['nitro', 'registration.completed', nitroContract],
    ['hectare', 'registration.completed', hectareContract],
    ['cloudsuite', 'registration.awaiting_approval', cloudsuiteContract],
    ['intellectmoney', 'registration.completed', intellectmoneyContract],
    ['titelive', 'registration.completed', titeliveContract],
  ] as const)('%s: a registration is announced as %s', async (flow, type, contract) => {
    const fields = contract.fields();
    const res = await bff.register(flow, { fields, utm: { utm_source: 'webhook-test' } });
    expect(res.status).toBe(201);
    const id = String(res.body['id']);
    const { event, raw } = (await eventsOf(id, 1))[0]!;
    expect(raw.status).toBe(204); // the receiver verified it too
    expect(verify(raw)).toEqual(event);
    expect(event).toMatchObject({
      type,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { id, flow, provider: flow, utm: { utm_source: 'webhook-test' } },
    });
    expect((event.data['user'] as Record<string, string>)['email']).toBe(fields.email);
    expect(raw.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    // What never leaves: the password (titelive) is in no body.
    if (fields['password']) expect(raw.body).not.toContain(fields['password']);
  });

  it('a tampered body, another secret or an old timestamp fails verification', async () => {
    const res = await bff.register('nitro', { fields: nitroContract.fields() });
    const { raw } = (await eventsOf(String(res.body['id']), 1))[0]!;
    expect(() => verify(raw, raw.body.replace('"completed"', '"failed"'))).toThrow();
    const other = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    expect(() => verify(raw, raw.body, other)).toThrow();
    const stale = { ...raw, headers: { ...raw.headers, 'webhook-timestamp': '1600000000' } };
    expect(() => verify(stale)).toThrow();
  });

  it('hectare: the code confirmed is announced as verified, without the code', async () => {
    const fields = hectareContract.fields();
    const res = await bff.register('hectare', { fields });
    const id = String(res.body['id']);
    const typed = await code(fields.email!);
    const done = await bff.fetch('POST', `/v1/registrations/${id}/verify`, {
      headers: { origin: 'http://localhost:5173' },
      json: { code: typed },
    });
    expect(done.status).toBe(200);
    const events = await eventsOf(id, 2);
    expect(events.map((e) => e.event.type)).toEqual([
      'registration.completed',
      'registration.verified',
    ]);
    for (const { raw } of events) {
      verify(raw);
      expect(raw.body).not.toContain(typed);
    }
  });

  it('cloudsuite: awaiting approval, then approved (completed) or rejected', async () => {
    const queue = async () =>
      (
        await bff.fetch<{ approvals: { email: string; key: string }[] }>(
          'GET',
          '/admin/approvals',
          { headers: auth },
        )
      ).body.approvals;
    const approved = cloudsuiteContract.fields();
    const refused = cloudsuiteContract.fields();
    const a = String((await bff.register('cloudsuite', { fields: approved })).body['id']);
    const b = String((await bff.register('cloudsuite', { fields: refused })).body['id']);
    const keyOf = async (email: string) => (await queue()).find((p) => p.email === email)!.key;
    await bff.fetch('POST', `/admin/approvals/${await keyOf(approved.email!)}/approve`, {
      headers: auth,
      json: { flow: 'cloudsuite', createCustomer: true },
    });
    await bff.fetch('POST', `/admin/approvals/${await keyOf(refused.email!)}/reject`, {
      headers: auth,
      json: { flow: 'cloudsuite' },
    });
    expect((await eventsOf(a, 2)).map((e) => [e.event.type, e.event.data.status])).toEqual([
      ['registration.awaiting_approval', 'awaiting-approval'],
      ['registration.completed', 'completed'],
    ]);
    expect((await eventsOf(b, 2)).map((e) => e.event.type)).toEqual([
      'registration.awaiting_approval',
      'registration.rejected',
    ]);
  });

  it('queued while the provider is down, then completed by the outbox', async () => {
    await bff.faults('cloudsuite', { failRate: 1, mode: '500', path: '/user/$' });
    const res = await bff.register('cloudsuite-queue', { fields: cloudsuiteContract.fields() });
    await bff.faults('cloudsuite', {});
    expect(res.status).toBe(202);
    const events = await eventsOf(String(res.body['id']), 2);
    expect(events.map((e) => e.event.type)).toEqual([
      'registration.queued',
      'registration.awaiting_approval',
    ]);
  });

  it('failed (an outage, not queued) and rejected (already registered) are announced', async () => {
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    const failed = await bff.register('nitro', { fields: nitroContract.fields() });
    await bff.faults('nitro', {});
    expect(failed.status).toBe(503);
    const fields = nitroContract.fields();
    await bff.register('nitro', { fields });
    const dup = await bff.register('nitro', { fields });
    expect(dup.status).toBe(409);
    const journal = await bff.fetch<{ registrations: { id: string; status: string }[] }>(
      'GET',
      '/admin/registrations?flow=nitro&limit=5',
      { headers: auth },
    );
    const byStatus = (s: string) => journal.body.registrations.find((r) => r.status === s)!.id;
    expect((await eventsOf(byStatus('failed'), 1))[0]!.event.type).toBe('registration.failed');
    expect((await eventsOf(byStatus('rejected'), 1))[0]!.event.type).toBe('registration.rejected');
  });
});

describe('retries keep the event', () => {
  it('a receiver that fails for a while gets the event afterwards, under the same webhook-id', async () => {
    await bff.faults('webhooks', { failRate: 1, mode: ['500', 'reset'] });
    const res = await bff.register('nitro', { fields: nitroContract.fields() });
    const id = String(res.body['id']);
    for (
      let i = 0;
      i < 100 && (await received()).filter((r) => r.body.includes(id)).length < 3;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await bff.faults('webhooks', {});
    const attempts = (await received()).filter((r) => r.body.includes(id));
    const delivered = await eventsOf(id, attempts.length + 1);
    const ids = new Set(delivered.map((e) => e.raw.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(delivered.at(-1)!.raw.status).toBe(204);
    // The operator sees it delivered after its attempts, and can send it once more.
    const listed = await bff.fetch<{
      webhooks: { id: string; status: string; attempts: number }[];
    }>('GET', `/admin/webhooks?registration=${id}`, { headers: auth });
    expect(listed.body.webhooks).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: delivered.length }),
    ]);
    const replay = await bff.fetch('POST', `/admin/webhooks/${[...ids][0]!}/replay`, {
      headers: auth,
      json: {},
    });
    expect(replay.status).toBe(200);
    const again = await eventsOf(id, delivered.length + 1);
    expect(new Set(again.map((e) => e.raw.headers['webhook-id'])).size).toBe(1);
  });

  it('an endpoint answering 4xx fails the delivery at once, for an operator; /metrics counts', async () => {
    const res = await bff.register('nitro-refused', { fields: nitroContract.fields() });
    const id = String(res.body['id']);
    await eventsOf(id, 1); // the top-level endpoint (the sandbox's receiver) got it
    let rows: { endpoint: string; status: string; attempts: number; lastHttpStatus: number }[] = [];
    for (let i = 0; i < 100; i += 1) {
      rows = (
        await bff.fetch<{ webhooks: typeof rows }>('GET', `/admin/webhooks?registration=${id}`, {
          headers: auth,
        })
      ).body.webhooks;
      if (rows.every((r) => r.status !== 'pending')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(rows.map((r) => [r.endpoint, r.status, r.attempts, r.lastHttpStatus]).sort()).toEqual([
      ['refusing', 'failed', 1, 400],
      ['sandbox', 'delivered', 1, 204],
    ]);
    const failed = await bff.fetch<{ webhooks: { id: string }[] }>(
      'GET',
      '/admin/webhooks?status=failed',
      { headers: auth },
    );
    expect(failed.body.webhooks.length).toBeGreaterThan(0);
    const metrics = await bff.fetch('GET', '/metrics');
    expect(metrics.text).toMatch(/^org_signup_webhooks\{status="failed"\} [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^org_signup_webhook_attempts_total\{outcome="failed"\} [1-9]/m);
    expect(metrics.text).toMatch(/^org_signup_webhooks_oldest_pending_age_seconds \d/m);
  });
});
