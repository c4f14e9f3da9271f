/**
 * The SQLite store's group commit: writes of one tick share a transaction, yet each caller's
 * write stands or falls alone, and is committed (visible to another connection) when its
 * promise settles.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { groupCommit } from './sqlite.ts';

const open: Database.Database[] = [];
afterEach(() => open.splice(0).forEach((db) => db.close()));

function connections() {
  const path = join(mkdtempSync(join(tmpdir(), 'org-signup-group-')), 'g.db');
  const writer = new Database(path);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE t (k TEXT PRIMARY KEY, note TEXT)');
  const reader = new Database(path, { readonly: true });
  open.push(writer, reader);
  const insert = writer.prepare('INSERT INTO t (k, note) VALUES (?, ?)');
  const keys = () => reader.prepare('SELECT k FROM t ORDER BY k').pluck().all();
  return { writer, insert, keys };
}

describe('groupCommit', () => {
  it('shares one transaction per tick; a failing write undoes only itself', async () => {
    const { writer, insert, keys } = connections();
    const commit = groupCommit(writer);
    let readerSawDuringBatch: unknown[] = ['(not run)'];
    const results = await Promise.allSettled([
      commit(() => insert.run('a', 'first')),
      commit(() => {
        insert.run('b', 'written, then undone');
        insert.run('a', 'duplicate key: throws');
      }),
      commit(() => {
        // One transaction: a's write is not committed yet when c's runs.
        readerSawDuringBatch = keys();
        return insert.run('c', 'third');
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(keys(), 'b was rolled back with its savepoint, a and c kept').toEqual(['a', 'c']);
    expect(readerSawDuringBatch, 'nothing committed between the writes of a tick').toEqual([]);
    // A later tick is a transaction of its own, unaffected by the earlier failure.
    await commit(() => insert.run('d', 'next tick'));
    expect(keys()).toEqual(['a', 'c', 'd']);
  });

  it('settles each caller only once its write is committed', async () => {
    const { writer, insert, keys } = connections();
    const commit = groupCommit(writer);
    const seenAtResolve: unknown[][] = [];
    await Promise.all(
      ['x', 'y', 'z'].map((k) =>
        commit(() => insert.run(k, null)).then(() => seenAtResolve.push(keys())),
      ),
    );
    // Another connection reads only committed data: each caller already saw all three.
    expect(seenAtResolve).toEqual([
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
    ]);
  });

  it('rejects every caller of a batch whose COMMIT cannot happen, and writes nothing', async () => {
    const { writer, insert, keys } = connections();
    const commit = groupCommit(writer);
    // Another connection holds the write lock, and there is no busy timeout to wait it out.
    const path = writer.name;
    const blocker = new Database(path);
    open.push(blocker);
    blocker.pragma('busy_timeout = 0');
    writer.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([
      commit(() => insert.run('p', null)),
      commit(() => insert.run('q', null)),
    ]);
    blocker.exec('ROLLBACK');
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    expect(keys()).toEqual([]);
  });
});
