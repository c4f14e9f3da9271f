/**
 * The "nothing lost, nothing twice" scenario, shared by the reliability tests and
 * `npm run bench:reliability`: submit registrations (each twice at once, same key), let the
 * outbox drain, then compare the journal with what the provider's simulator actually did.
 */
import { nitroFields } from '../harness.ts';
import { ADMIN_TOKEN } from './cluster.ts';

export interface Submission {
  email: string;
  key: string;
  answers: (number | 'error')[];
}

/** Sends `count` registrations, each twice concurrently with the same key, `concurrency` at a time. */
export async function submit(
  urls: () => string[],
  count: number,
  options: { concurrency?: number; onProgress?: (done: number) => void | Promise<void> } = {},
): Promise<Submission[]> {
  const submissions: Submission[] = [];
  let next = 0;
  const post = async (url: string, key: string, fields: Record<string, string>) => {
    try {
      const res = await fetch(`${url}/v1/flows/nitro/registrations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          origin: 'http://localhost:3000',
        },
        body: JSON.stringify({ fields }),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 'error' as const;
    }
  };
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const fields = nitroFields();
      const key = crypto.randomUUID();
      const targets = urls();
      const answers = await Promise.all([
        post(targets[i % targets.length]!, key, fields),
        post(targets[(i + 1) % targets.length]!, key, fields),
      ]);
      submissions.push({ email: fields.email, key, answers });
      await options.onProgress?.(submissions.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 25 }, lane));
  return submissions;
}

async function admin<T>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface JournalRow {
  id: string;
  status: string;
  attempts: number;
}

/** Waits until nothing is queued or pending; resolves with how long that took. */
export async function drain(url: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { depth } = await admin<{ depth: number }>(url, '/admin/outbox');
    const pending = await admin<{ registrations: JournalRow[] }>(
      url,
      '/admin/registrations?status=pending&limit=1',
    );
    if (depth === 0 && pending.registrations.length === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`the outbox did not drain (${depth} left)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Verdict {
  /** Registrations in the journal (accepted). */
  accepted: number;
  completed: number;
  notCompleted: string[];
  /** Distinct e-mails the provider created a user for. */
  createdAtProvider: number;
  /** E-mails the provider created more than once. */
  createdTwice: string[];
  /** Accepted e-mails the provider never created. */
  missing: string[];
  /**
   * E-mails the provider answered "already exists" without an earlier attempt for them having
   * been processed and its answer lost: a registration sent twice.
   */
  sentTwice: string[];
  /** Register calls the provider received, and how many were faulted. */
  providerCalls: number;
  faulted: number;
  /** Attempts the outbox made (each after the request's own attempt failed), over all registrations. */
  retries: number;
}

interface Recorded {
  path: string;
  body: Record<string, unknown>;
  status?: number;
  fault?: string;
  faultPhase?: string;
}

/**
 * `instanceKilled`: an instance died mid-call, so a plain 201 may also have lost its answer
 * (the caller was gone); without it, only an injected `after` fault explains a later refusal.
 */
export async function verify(
  url: string,
  sandboxUrl: string,
  submissions: Submission[],
  options: { instanceKilled?: boolean } = {},
): Promise<Verdict> {
  const journal = await admin<{ registrations: JournalRow[] }>(
    url,
    '/admin/registrations?limit=500',
  );
  if (journal.registrations.length >= 500 && submissions.length > 500) {
    throw new Error('the scenario is larger than one page of the journal list');
  }
  const requests = (await (
    await fetch(`${sandboxUrl}/sandbox/nitro/_requests`)
  ).json()) as Recorded[];
  const registers = requests.filter((r) => r.path.endsWith('/users/register'));
  const byEmail = new Map<string, Recorded[]>();
  for (const r of registers) {
    const email = String(r.body['email']);
    byEmail.set(email, [...(byEmail.get(email) ?? []), r]);
  }
  const accepted = new Set<string>();
  // A submission is accepted when either of its two requests was answered (201 or 202).
  for (const s of submissions)
    if (s.answers.some((a) => a === 201 || a === 202)) accepted.add(s.email);
  // Requests that died with the killed instance may have been journaled too: the provider's
  // record says which e-mails reached it.
  for (const s of submissions) if (byEmail.has(s.email)) accepted.add(s.email);

  const createdTwice: string[] = [];
  const missing: string[] = [];
  const sentTwice: string[] = [];
  let created = 0;
  for (const email of accepted) {
    const calls = byEmail.get(email) ?? [];
    const creations = calls.filter((c) => c.status === 201).length;
    if (creations > 1) createdTwice.push(email);
    if (creations === 0) missing.push(email);
    if (creations >= 1) created += 1;
    let lostAnswer = false;
    for (const call of calls) {
      if (call.status === 400 && !lostAnswer) {
        sentTwice.push(email);
        break;
      }
      if (call.status === 201 && call.faultPhase === 'after') lostAnswer = true;
      if (call.status === 201 && call.fault === undefined && options.instanceKilled)
        lostAnswer = true;
    }
  }
  const rows = journal.registrations;
  return {
    accepted: rows.length,
    completed: rows.filter((r) => r.status === 'completed').length,
    notCompleted: rows.filter((r) => r.status !== 'completed').map((r) => `${r.id}: ${r.status}`),
    createdAtProvider: created,
    createdTwice,
    missing,
    sentTwice,
    providerCalls: registers.length,
    faulted: registers.filter((r) => r.fault).length,
    retries: rows.reduce((sum, r) => sum + r.attempts, 0),
  };
}
