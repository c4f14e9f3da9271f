/**
 * `npm run bench:webhooks`: partner webhooks under a failing receiver, as figures. One BFF
 * process (SQLite file) registers N organisations through the nitro sandbox while the sandbox's
 * webhook receiver fails a share of the deliveries, all along (500, timeout, reset; before it
 * processed one, or after, the answer lost). Prints how many events were
 * delivered, duplicated (processed more than once: always under the same webhook-id) and lost,
 * and how long the sender took to drain after the last registration.
 *
 *   npm run bench:webhooks -- [--count 1000] [--fail-rate 0.3]
 */
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import {
  startInstance,
  startSandbox,
  writeConfigFile,
} from '../server/test/reliability/cluster.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    'fail-rate': { type: 'string', default: '0.3' },
  },
});
const count = Number(values.count);
const failRate = Number(values['fail-rate']);

interface Received {
  headers: Record<string, string>;
  body: string;
  status?: number;
}

const sandbox = await startSandbox();
const configPath = writeConfigFile(
  {
    sandbox: { enabled: false, url: sandbox.url },
    webhooks: [{ sandbox: true }],
    // The defaults but a shorter backoff and timeout, so the run takes seconds, not hours.
    webhookDelivery: { pollIntervalMs: 50, baseDelayMs: 200, maxDelayMs: 2_000, timeoutMs: 1_000 },
    flows: [
      {
        id: 'nitro',
        provider: 'nitro',
        sandbox: true,
        allowedOrigins: ['http://localhost:*'],
        phoneCountry: 'GB',
        botProtection: { minFillSeconds: 0 },
        circuitBreaker: { minimumCalls: 1_000_000 },
      },
    ],
  },
  'org-signup-bench-hooks-',
);
const bff = await startInstance({
  configPath,
  storeUrl: `sqlite:${join(dirname(configPath), 'journal.db')}`,
});
const post = (path: string, body: unknown) =>
  fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
try {
  await post('/sandbox/webhooks/_faults', {
    failRate,
    mode: ['500', 'timeout', 'reset'],
    phase: ['before', 'after'],
    seed: 1,
  });
  const ids: string[] = [];
  const started = Date.now();
  await pMap(
    Array.from({ length: count }, (_, i) => i),
    async (i) => {
      const tag = `${started.toString(36)}-${i}`;
      const res = await fetch(`${bff.url}/v1/flows/nitro/registrations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
          origin: 'http://localhost:5173',
        },
        body: JSON.stringify({
          fields: {
            email: `hook-${tag}@example.com`,
            name: 'Hook Bench',
            phone: '+442079460958',
            organisationName: `Hook Bench ${tag}`,
            domain: `hook-${tag}.example.com`,
          },
        }),
      });
      if (res.status !== 201) throw new Error(`registration answered ${res.status}`);
      ids.push(((await res.json()) as { id: string }).id);
    },
    { concurrency: 20 },
  );
  const registered = Date.now();
  // The receiver keeps failing at the same rate until every event got through.
  const received = async () =>
    (await (await fetch(`${sandbox.url}/sandbox/webhooks/_requests`)).json()) as Received[];
  const idOf = (r: Received) => (JSON.parse(r.body) as { data: { id: string } }).data.id;
  let processed = new Map<string, Set<string>>();
  let drained = registered;
  for (let waited = 0; waited < 600_000; waited += 100) {
    processed = new Map();
    for (const r of await received()) {
      // `status` is what the receiver answered, or would have before its answer was lost.
      if (r.status !== 204) continue;
      const id = idOf(r);
      if (!processed.has(id)) processed.set(id, new Set());
      processed.get(id)!.add(r.headers['webhook-id']!);
    }
    drained = Date.now();
    if (ids.every((id) => processed.has(id))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const all = await received();
  const perEvent = new Map<string, number>();
  for (const r of all)
    if (r.status === 204) perEvent.set(idOf(r), (perEvent.get(idOf(r)) ?? 0) + 1);
  const duplicated = [...perEvent.values()].filter((n) => n > 1).length;
  const lost = ids.filter((id) => !processed.has(id)).length;
  const idsPerEvent = Math.max(...[...processed.values()].map((s) => s.size));
  const rows = [
    ['registrations (events)', String(count)],
    ['receiver failure rate', String(failRate)],
    ['attempts the receiver failed', String(all.filter((r) => 'fault' in r).length)],
    ['deliveries attempted', String(all.length)],
    ['events delivered', String(processed.size)],
    ['events processed more than once (duplicated)', String(duplicated)],
    ['webhook-ids per event, at most', String(idsPerEvent)],
    ['events lost', String(lost)],
    ['registering took ms', String(registered - started)],
    ['drain after the last registration ms', String(drained - registered)],
  ];
  console.log(
    `| measure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}`,
  );
} finally {
  await bff.kill('SIGTERM');
  await sandbox.close();
}
