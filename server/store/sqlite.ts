/**
 * The embedded default store: SQLite through better-sqlite3, WAL mode, versioned migrations run
 * at open. Synchronous underneath, so check-then-insert in one transaction is race-free within a
 * process; the UNIQUE constraint covers several processes on one file.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  BeginResult,
  HistoryCount,
  NewRegistration,
  Outcome,
  Store,
  StoredRegistration,
} from './types.ts';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE registrations (
     id TEXT PRIMARY KEY,
     flow_id TEXT NOT NULL,
     idempotency_key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     status TEXT NOT NULL,
     submission TEXT NOT NULL,
     http_status INTEGER,
     response TEXT,
     provider_ref TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     UNIQUE (flow_id, idempotency_key)
   );
   CREATE TABLE registration_events (
     registration_id TEXT NOT NULL REFERENCES registrations(id),
     at INTEGER NOT NULL,
     status TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX registration_events_by_registration ON registration_events (registration_id, at);`,
  `ALTER TABLE registrations ADD COLUMN provider_state TEXT;
   CREATE INDEX registrations_by_provider_ref ON registrations (flow_id, provider_ref);`,
];

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        version,
        Date.now(),
      );
    }).immediate();
  });
}

/** The store interface is async (a network database is); errors here become rejections too. */
const settle = <T>(work: () => T): Promise<T> => new Promise((resolve) => resolve(work()));

interface Row {
  id: string;
  flow_id: string;
  request_hash: string;
  status: string;
  http_status: number | null;
  response: string | null;
  provider_ref: string | null;
  provider_state: string | null;
  created_at: number;
  updated_at: number;
}

function toStored(row: Row | undefined): StoredRegistration | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    flowId: row.flow_id,
    status: row.status as StoredRegistration['status'],
    providerRef: row.provider_ref,
    providerState: JSON.parse(row.provider_state ?? '{}') as Record<string, string>,
    response: JSON.parse(row.response ?? 'null') as unknown,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const byKey = db.prepare<[string, string], Row>(
    'SELECT * FROM registrations WHERE flow_id = ? AND idempotency_key = ?',
  );
  const byId = db.prepare<[string], Row>('SELECT * FROM registrations WHERE id = ?');
  const byProviderRef = db.prepare<[string, string], Row>(
    'SELECT * FROM registrations WHERE flow_id = ? AND provider_ref = ? ORDER BY created_at DESC LIMIT 1',
  );
  const setStatus = db.prepare('UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?');
  // A history entry keeps the status the registration has after it.
  const noteEvent = db.prepare(
    `INSERT INTO registration_events (registration_id, at, status, detail)
     SELECT id, ?, status, ? FROM registrations WHERE id = ?`,
  );
  const eventsSince = db.prepare<[string, string, number], HistoryCount>(
    `SELECT COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last FROM registration_events
     WHERE registration_id = ? AND detail = ? AND at >= ?`,
  );
  const insert = db.prepare(
    `INSERT INTO registrations (id, flow_id, idempotency_key, request_hash, status, submission, created_at, updated_at)
     VALUES (@id, @flowId, @idempotencyKey, @requestHash, 'pending', @submission, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE registrations SET status = @status, http_status = @httpStatus, response = @response,
       provider_ref = COALESCE(@providerRef, provider_ref),
       provider_state = COALESCE(@providerState, provider_state), updated_at = @now WHERE id = @id`,
  );
  const event = db.prepare(
    'INSERT INTO registration_events (registration_id, at, status, detail) VALUES (?, ?, ?, ?)',
  );

  const reclaim = db.prepare(
    `UPDATE registrations SET status = 'pending', http_status = NULL, response = NULL, updated_at = ?
     WHERE id = ? AND status = 'failed' AND http_status >= 500`,
  );

  const fromExisting = (row: Row, requestHash: string): BeginResult => {
    if (row.request_hash !== requestHash) return { kind: 'key_reused' };
    if (row.http_status === null) return { kind: 'in_progress', id: row.id };
    // The provider was down or unreadable: the same request may try again, under the same id
    // (so a provider that did act sees the same request id and can tell us so).
    if (row.status === 'failed' && row.http_status >= 500) {
      const now = Date.now();
      if (reclaim.run(now, row.id).changes === 1) {
        event.run(row.id, now, 'pending', 'retry');
        return { kind: 'created', id: row.id };
      }
    }
    return {
      kind: 'replay',
      id: row.id,
      httpStatus: row.http_status,
      response: JSON.parse(row.response ?? 'null') as unknown,
    };
  };

  const begin = db.transaction((entry: NewRegistration): BeginResult => {
    const existing = byKey.get(entry.flowId, entry.idempotencyKey);
    if (existing) return fromExisting(existing, entry.requestHash);
    const now = Date.now();
    insert.run({ ...entry, submission: JSON.stringify(entry.submission), now });
    event.run(entry.id, now, 'pending', null);
    return { kind: 'created', id: entry.id };
  });

  const finish = db.transaction((id: string, outcome: Outcome) => {
    const now = Date.now();
    update.run({
      id,
      status: outcome.status,
      httpStatus: outcome.httpStatus,
      response: JSON.stringify(outcome.response),
      providerRef: outcome.providerRef ?? null,
      providerState: outcome.providerState ? JSON.stringify(outcome.providerState) : null,
      now,
    });
    event.run(id, now, outcome.status, outcome.detail ?? null);
  });

  return {
    begin: (entry) =>
      settle(() => {
        try {
          return begin.immediate(entry);
        } catch (err) {
          // Another process inserted the same key between our check and insert.
          if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
          const row = byKey.get(entry.flowId, entry.idempotencyKey);
          if (!row) throw err;
          return fromExisting(row, entry.requestHash);
        }
      }),
    finish: (id, outcome) => settle(() => finish.immediate(id, outcome)),
    get: (id) => settle(() => toStored(byId.get(id))),
    findByProviderRef: (flowId, ref) => settle(() => toStored(byProviderRef.get(flowId, ref))),
    note: (id, entry) =>
      settle(() =>
        db
          .transaction(() => {
            const now = Date.now();
            if (entry.status) setStatus.run(entry.status, now, id);
            noteEvent.run(now, entry.detail, id);
          })
          .immediate(),
      ),
    history: (id, detail, since) => settle(() => eventsSince.get(id, detail, since)!),
    ping: () => settle(() => void db.prepare('SELECT 1').get()),
    close: () => settle(() => void db.close()),
  };
}
