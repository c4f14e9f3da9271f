/**
 * `npm run bench:reliability`: the "nothing lost, nothing twice" scenario as a measurement, not a
 * test. One BFF process per store (SQLite file, and Postgres when it answers), 30% injected
 * provider faults (500, timeout, reset; before and after processing), N registrations each sent
 * twice at once; prints what reached the provider and how long the outbox took to drain.
 *
 *   npm run bench:reliability -- [--count 500] [--fail-rate 0.3]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startInstance, startSandbox, writeConfig } from '../server/test/reliability/cluster.ts';
import { drain, submit, verify } from '../server/test/reliability/scenario.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '500' },
    'fail-rate': { type: 'string', default: '0.3' },
  },
});
const count = Number(values.count);
const failRate = Number(values['fail-rate']);
const postgresUrl = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const schema = `bench_${Date.now().toString(36)}`;
const stores: [string, string][] = [
  ['SQLite', `sqlite:${join(mkdtempSync(join(tmpdir(), 'org-signup-bench-')), 'journal.db')}`],
];
if (await postgresReachable()) stores.push(['Postgres', `${postgresUrl}?schema=${schema}`]);
else console.log(`(Postgres at ${postgresUrl} does not answer: SQLite only)`);

const sandbox = await startSandbox();
const rows: string[][] = [];
try {
  for (const [name, storeUrl] of stores) {
    await fetch(`${sandbox.url}/sandbox/nitro/_state`, { method: 'DELETE' });
    const bff = await startInstance({ configPath: writeConfig(sandbox.url), storeUrl });
    try {
      await fetch(`${sandbox.url}/sandbox/nitro/_faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          failRate,
          mode: ['500', 'timeout', 'reset'],
          phase: ['before', 'after'],
          seed: 1,
        }),
      });
      const started = Date.now();
      const submissions = await submit(() => [bff.url], count, { concurrency: 25 });
      const submitMs = Date.now() - started;
      await fetch(`${sandbox.url}/sandbox/nitro/_faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ failRate: 0 }),
      });
      const drainMs = await drain(bff.url);
      const v = await verify(bff.url, sandbox.url, submissions);
      rows.push([
        name,
        String(count),
        String(count * 2),
        String(v.accepted),
        String(v.providerCalls),
        String(v.faulted),
        String(v.retries),
        String(v.createdAtProvider),
        String(v.createdTwice.length + v.sentTwice.length),
        String(v.missing.length + v.notCompleted.length),
        String(submitMs),
        String(drainMs),
      ]);
    } finally {
      await bff.kill('SIGTERM');
    }
  }
} finally {
  await sandbox.close();
  if (stores.length > 1) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

const header = [
  'store',
  'registrations',
  'requests',
  'journaled',
  'provider calls',
  'faulted',
  'outbox retries',
  'created at provider',
  'twice',
  'lost',
  'submit ms',
  'drain ms',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  `\nfail rate ${failRate * 100}% (500/timeout/reset, before/after processing), each registration sent twice at once\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
