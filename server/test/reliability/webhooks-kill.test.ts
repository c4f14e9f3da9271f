/**
 * A BFF killed with SIGKILL between a registration's status change and its webhook's delivery
 * loses no event: the event was written with the change, so the next process sends it. Two
 * moments: the receiver down (the events wait in the journal), and the receiver slow (a delivery
 * in flight when the process dies: it arrives, and may arrive twice, under one webhook-id).
 */
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nitroContract } from '../contract/nitro.ts';
import { startInstance, startSandbox, writeConfigFile, type Instance } from './cluster.ts';

const ORIGIN = 'http://localhost:5173';
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const instances: Instance[] = [];
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.kill()));
  await sandbox.close();
});

interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}

async function faults(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandbox.url}/sandbox/webhooks/_faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}
const received = async () =>
  (await (await fetch(`${sandbox.url}/sandbox/webhooks/_requests`)).json()) as Received[];
const idOf = (r: Received) => (JSON.parse(r.body) as { data: { id: string } }).data.id;

async function register(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/flows/nitro/registrations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': crypto.randomUUID(),
      origin: ORIGIN,
    },
    body: JSON.stringify({ fields: nitroContract.fields() }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

it('kill -9 before delivery, and during it: every event arrives, retries under one id', async () => {
  const configPath = writeConfigFile(
    {
      sandbox: { enabled: false, url: sandbox.url },
      webhooks: [{ sandbox: true }],
      // A lease runs out 2 × 300 ms + 5 s after the dead process took the delivery.
      webhookDelivery: { pollIntervalMs: 20, baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 300 },
      flows: [{ ...nitroContract.flow('nitro'), botProtection: { minFillSeconds: 0 } }],
    },
    'org-signup-hooks-kill-',
  );
  const storeUrl = `sqlite:${join(dirname(configPath), 'journal.db')}`;
  const first = await startInstance({ configPath, storeUrl });
  instances.push(first);

  // The receiver down: the events wait in the journal, retried.
  await faults({ failRate: 1, mode: '500' });
  const waiting = [await register(first.url), await register(first.url), await register(first.url)];
  // The receiver slow: these are being delivered when the process dies.
  await faults({ latencyMs: 1_500 });
  const inFlight = [await register(first.url), await register(first.url)];
  for (let i = 0; i < 100; i += 1) {
    const seen = new Set((await received()).map(idOf));
    if (inFlight.every((id) => seen.has(id))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await first.kill('SIGKILL');
  await faults({});

  const second = await startInstance({ configPath, storeUrl });
  instances.push(second);
  const all = [...waiting, ...inFlight];
  let arrived = new Set<string>();
  for (let i = 0; i < 600 && arrived.size < all.length; i += 1) {
    arrived = new Set((await received()).filter((r) => r.status === 204).map(idOf));
    await new Promise((r) => setTimeout(r, 25));
  }
  expect([...arrived].sort()).toEqual([...all].sort());
  for (const id of all) {
    const attempts = (await received()).filter((r) => idOf(r) === id);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size, id).toBe(1);
  }
  await second.kill('SIGTERM');
}, 60_000);
