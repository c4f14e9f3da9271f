/**
 * WAL checkpoints on a worker thread: the database file takes the WAL's pages while the writer
 * (the event loop) never reaches its own checkpoint threshold; if the worker cannot run, the
 * writer checkpoints as SQLite does by default.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkpointInBackground, SAFETY_NET_PAGES } from './sqlite-checkpoints.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function walDatabase() {
  const path = join(mkdtempSync(join(tmpdir(), 'org-signup-ckpt-')), 'c.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)');
  cleanups.push(() => {
    if (db.open) db.close();
  });
  return { path, db };
}

const MB = 1024 * 1024;
/** 8 MB (7.6 MiB) in 2,000 commits: some 2,000 pages, twice SQLite's default threshold. */
function write8Mb(db: Database.Database) {
  const insert = db.prepare('INSERT INTO t (blob) VALUES (?)');
  for (let i = 0; i < 2_000; i += 1) insert.run(Buffer.alloc(4_000, i % 251));
}

describe('checkpointInBackground', () => {
  it('copies the WAL into the database file from the worker, the writer never checkpointing', async () => {
    const { path, db } = walDatabase();
    const checkpoints = checkpointInBackground(db, path, 20);
    cleanups.push(() => checkpoints.stop());
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);

    write8Mb(db);
    // Far below the writer's own threshold (40 MB), so only the worker can have done this.
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(7 * MB), {
      timeout: 5_000,
    });

    await checkpoints.stop();
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(2_000);
    reopened.close();
  });

  it('without the worker, the data stays in the WAL until the writer checkpoints itself', () => {
    // The control for the test above: same writes, threshold raised, no worker.
    const { path, db } = walDatabase();
    db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    write8Mb(db);
    expect(statSync(path).size).toBeLessThan(MB);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(7 * MB);
  });

  it('closing a SQLite store lets a process with nothing else to do finish closing it', () => {
    // The worker does not keep a process alive; while the store closes, it must.
    const path = join(mkdtempSync(join(tmpdir(), 'org-signup-ckpt-')), 'j.db');
    const store = fileURLToPath(new URL('./sqlite.ts', import.meta.url));
    const script = `import { openSqliteStore } from ${JSON.stringify(store)};
      const store = openSqliteStore(${JSON.stringify(path)});
      await store.close();
      console.log('closed');`;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('closed');
    // The last connection closed: SQLite checkpointed and removed the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it("falls back to SQLite's own checkpoints, with a warning, when the worker cannot run", async () => {
    const { db } = walDatabase();
    const warned = new Promise<Error>((resolve) => {
      const ours = (warning: Error & { code?: string }) => {
        if (warning.code !== 'ORG_SIGNUP_CHECKPOINTS') return;
        process.off('warning', ours);
        resolve(warning);
      };
      process.on('warning', ours);
    });
    const checkpoints = checkpointInBackground(db, join(tmpdir(), 'no-such-dir', 'x.db'));
    cleanups.push(() => checkpoints.stop());

    const warning = await warned;
    expect(warning.message).toMatch(/^SQLite checkpoints are back on the event loop: /);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  });
});
