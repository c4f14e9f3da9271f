/**
 * The third path of the fault matrix (../fault-matrix.test.ts has the other two): a BFF process
 * killed with SIGKILL while every provider holds one registration of each fault mode and phase
 * (the provider fails it without processing it, or processes it and its answer is lost). A new
 * process on the same journal finishes the work; each user, whose connection died, sends again
 * with the same Idempotency-Key, as the widget does. Then what each user is told, what the
 * journal says and what each provider holds are compared: one account per registration.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/providers.ts';
import { CREATE_PATH, FIXTURES, READINGS } from '../fault-cases.ts';
import {
  ADMIN_TOKEN,
  startInstance,
  startSandbox,
  writeConfigFile,
  type Instance,
} from './cluster.ts';

const MODES = ['500', 'timeout', 'reset'] as const;
const PHASES = ['before', 'after'] as const;
const COMBOS = MODES.flatMap((mode) => PHASES.map((phase) => ({ mode, phase })));
/** Every call waits this long at the provider: long enough to kill the BFF in the middle. */
const HOLD_MS = 1_500;
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

async function control(provider: ProviderId, route: string, body: unknown) {
  const res = await fetch(`${sandbox.url}/sandbox/${provider}/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

async function sandboxGet<T>(provider: ProviderId, route: string): Promise<T> {
  return (await (await fetch(`${sandbox.url}/sandbox/${provider}/${route}`)).json()) as T;
}

function writeConfig(): string {
  const flows = PROVIDER_IDS.map((provider) => ({
    ...FIXTURES[provider].flow(provider),
    queueOnOutage: provider !== 'titelive',
    timeouts: { connectMs: 300, requestMs: 2_500 },
    retry: { baseDelayMs: 50, maxDelayMs: 200, deadlineSeconds: 300 },
    circuitBreaker: { minimumCalls: 1_000_000 },
    botProtection: { minFillSeconds: 0 },
  }));
  return writeConfigFile(
    {
      sandbox: { enabled: false, url: sandbox.url },
      outbox: { pollIntervalMs: 50, batchSize: 50, concurrency: 8 },
      flows,
    },
    'org-signup-kill-',
  );
}

interface Sent {
  provider: ProviderId;
  key: string;
  fields: Record<string, string>;
  answer: Promise<number | 'error'>;
}

function send(url: string, sent: Omit<Sent, 'answer'>): Promise<number | 'error'> {
  return fetch(`${url}/v1/flows/${sent.provider}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': sent.key, origin: ORIGIN },
    body: JSON.stringify({ fields: sent.fields }),
  }).then(
    (res) => res.status,
    () => 'error' as const,
  );
}

it('kill -9 mid-call, every provider × mode × phase: one account each, and each user told so', async () => {
  const storeUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'org-signup-kill-')), 'journal.db')}`;
  const configPath = writeConfig();
  for (const provider of PROVIDER_IDS) {
    await fetch(`${sandbox.url}/sandbox/${provider}/_state`, { method: 'DELETE' });
    if (READINGS[provider]) await control(provider, '_readings', READINGS[provider]);
  }
  const first = await startInstance({ configPath, storeUrl });
  instances.push(first);
  // One registration each first, so the logins and tokens are done before calls are held.
  for (const provider of PROVIDER_IDS) {
    const fields = FIXTURES[provider].fields();
    expect(await send(first.url, { provider, key: crypto.randomUUID(), fields })).toBe(201);
    await control(provider, '_faults', {
      latencyMs: HOLD_MS,
      path: CREATE_PATH[provider],
      sequence: COMBOS,
    });
  }

  const sent: Sent[] = PROVIDER_IDS.flatMap((provider) =>
    COMBOS.map(() => {
      const entry = { provider, key: crypto.randomUUID(), fields: FIXTURES[provider].fields() };
      return { ...entry, answer: send(first.url, entry) };
    }),
  );
  // Killed once every provider holds all of its registrations' calls, unanswered.
  const creates = async (provider: ProviderId) =>
    (
      await sandboxGet<{ path: string; fault?: string; faultPhase?: string }[]>(
        provider,
        '_requests',
      )
    ).filter((r) => new RegExp(CREATE_PATH[provider]).test(r.path) && r.fault);
  for (let i = 0; i < 300; i += 1) {
    const counts = await Promise.all(PROVIDER_IDS.map(async (p) => (await creates(p)).length));
    if (counts.every((n) => n === COMBOS.length)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await first.kill('SIGKILL');
  for (const provider of PROVIDER_IDS) {
    // Every mode and phase was in flight once at each provider when the process died.
    const faults = await creates(provider);
    expect(faults.map((f) => `${f.fault}/${f.faultPhase}`).sort()).toEqual(
      COMBOS.map((c) => `${c.mode}/${c.phase}`).sort(),
    );
    await control(provider, '_faults', {});
  }
  // What each user saw: the connection died with the process.
  expect(await Promise.all(sent.map((s) => s.answer))).toEqual(sent.map(() => 'error'));
  // The providers finish (or fail) what they held before the new process starts.
  await new Promise((r) => setTimeout(r, HOLD_MS + 200));

  const second = await startInstance({ configPath, storeUrl });
  instances.push(second);
  // The outbox takes the registrations over once the dead process's leases run out.
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  for (let waited = 0; waited < 30_000; waited += 200) {
    const { registrations } = (await (
      await fetch(`${second.url}/admin/registrations?limit=500`, { headers: auth })
    ).json()) as { registrations: { status: string }[] };
    if (registrations.every((r) => r.status !== 'pending' && r.status !== 'queued')) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  for (const s of sent) {
    // The user sends again with the same key, as the widget does after a network error.
    const res = await fetch(`${second.url}/v1/flows/${s.provider}/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': s.key, origin: ORIGIN },
      body: JSON.stringify({ fields: s.fields }),
    });
    const body = (await res.json()) as { id: string; status: string };
    const success = FIXTURES[s.provider].success;
    expect([s.provider, res.status, body.status]).toEqual([s.provider, 201, success.status]);
    const { registrations } = (await (
      await fetch(`${second.url}/admin/registrations?limit=500`, { headers: auth })
    ).json()) as { registrations: { id: string; status: string }[] };
    const row = registrations.find((r) => r.id === body.id);
    expect([s.provider, row?.status]).toEqual([
      s.provider,
      success.status === 'awaiting-approval' ? 'awaiting-approval' : 'completed',
    ]);
    const { accounts } = await sandboxGet<{ accounts: { email: string }[] }>(s.provider, '_state');
    const mine = accounts.filter((a) => a.email.toLowerCase() === s.fields.email!.toLowerCase());
    expect([s.provider, s.fields.email, mine.length]).toEqual([s.provider, s.fields.email, 1]);
  }
  await second.kill('SIGTERM');
}, 90_000);
