/**
 * WAL checkpoints on a worker thread: the database file takes the WAL's pages while the writer
 * (the event loop) never reaches its own checkpoint threshold; if the worker cannot run, the
 * writer checkpoints as SQLite does by default.
 */
import { spawnSync } from 'node:child_process';
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

  it('checkpoints in a process evaluating modules, and stopping lets it finish closing', () => {
    // Node evaluates the worker's source as a module here; and once the writes are done nothing
    // else keeps the process alive while the worker stops.
    const path = join(mkdtempSync(join(tmpdir(), 'org-signup-ckpt-')), 'c.db');
    const module = fileURLToPath(new URL('./sqlite-checkpoints.ts', import.meta.url));
    const script = `import { statSync } from 'node:fs';
      import Database from 'better-sqlite3';
      import { checkpointInBackground } from ${JSON.stringify(module)};
      const db = new Database(${JSON.stringify(path)});
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (blob BLOB NOT NULL)');
      const checkpoints = checkpointInBackground(db, ${JSON.stringify(path)}, 20);
      const insert = db.prepare('INSERT INTO t (blob) VALUES (?)');
      for (let i = 0; i < 500; i += 1) insert.run(Buffer.alloc(4000, i % 251));
      for (let i = 0; i < 100 && statSync(${JSON.stringify(path)}).size < 1e6; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      console.log(statSync(${JSON.stringify(path)}).size > 1e6 ? 'checkpointed' : 'not checkpointed');
      await checkpoints.stop();
      db.close();
      console.log('closed');`;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    expect(run.stderr).not.toContain('ORG_SIGNUP_CHECKPOINTS');
    expect(run.stdout.trim().split('\n')).toEqual(['checkpointed', 'closed']);
    expect(run.status).toBe(0);
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
