/**
 * The SQLite journal's checkpointer thread: the database file itself catches up with the WAL
 * within milliseconds, without the writer checkpointing, and close() leaves one file behind.
 */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteOptions } from './sqlite.ts';
import type { Store } from './types.ts';

function journal(options: SqliteOptions) {
  const path = join(mkdtempSync(join(tmpdir(), 'org-signup-checkpointer-')), 'journal.db');
  return { path, store: openSqliteStore(path, options) };
}

async function register(store: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const id = crypto.randomUUID();
    const begun = await store.begin({
      id,
      flowId: 'nitro',
      idempotencyKey: crypto.randomUUID(),
      requestHash: 'h'.repeat(64),
      submission: { fields: { email: `c${i}@example.com` } },
      leaseMs: 30_000,
    });
    if (begun.kind !== 'created') throw new Error(begun.kind);
    await store.finish(id, begun.leaseToken, { status: 'completed', httpStatus: 201 });
  }
}

/** Registrations in the database file alone, as a copy without its WAL would be opened. */
function inDatabaseFile(path: string): number {
  const copy = `${path}.copy`;
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const table = db
      .prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'registrations'")
      .pluck()
      .get();
    return table ? (db.prepare('SELECT COUNT(*) FROM registrations').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

describe('SQLite checkpointer thread', () => {
  it('copies committed registrations into the database file in the background', async () => {
    const { path, store } = journal({ checkpointIntervalMs: 10 });
    await register(store, 20);
    expect(await waitFor(() => inDatabaseFile(path) === 20, 2_000)).toBe(true);
    await store.close();
  });

  it('without it, they stay in the WAL until the writer checkpoints (1,000 frames)', async () => {
    const { path, store } = journal({ checkpointIntervalMs: 0 });
    await register(store, 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(inDatabaseFile(path)).toBe(0);
    await store.close();
  });

  it('close() stops the thread: the last connection out removes the WAL', async () => {
    const { path, store } = journal({ checkpointIntervalMs: 10 });
    await register(store, 5);
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(inDatabaseFile(path)).toBe(5);
  });

  it('keeps answering while it works: many registrations in a row, none lost', async () => {
    const { path, store } = journal({ checkpointIntervalMs: 1 });
    await Promise.all(Array.from({ length: 10 }, () => register(store, 50)));
    await store.close();
    expect(inDatabaseFile(path)).toBe(500);
  });
});
