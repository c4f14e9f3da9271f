/**
 * The embedded default store: SQLite through better-sqlite3, WAL mode, versioned migrations run
 * at open. Synchronous underneath, so each operation runs in an immediate transaction (begin and
 * finish share theirs with the others of the same tick: `groupCommit`): race-free within a
 * process, and the database's write lock makes it so across processes on one file.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkpointInBackground } from './sqlite-checkpoints.ts';
import {
  checkDeliveries,
  checkWebhookOutcome,
  listLimit,
  msOrNull,
  parseJson,
  toClaimedWebhook,
  toStored,
  toStoredWebhook,
  toWebhookStats,
  type RegistrationRow,
  type WebhookCountRow,
  type WebhookRow,
} from './rows.ts';
import { HOUR_MS, RELEASED, STEP_DETAIL, stepRefusal, TICKET } from './steps.ts';
import type {
  BeginResult,
  ClaimedWork,
  HistoryCount,
  ListQuery,
  NewRegistration,
  NewWebhookDelivery,
  OutboxStats,
  Outcome,
  StepKind,
  StepLimits,
  StepReservation,
  Store,
  Verification,
} from './types.ts';

/** Applied in order at open, each once; append only (exported for the migration tests). */
export const MIGRATIONS: readonly string[] = [
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
  `ALTER TABLE registrations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE registrations ADD COLUMN next_attempt_at INTEGER;
   ALTER TABLE registrations ADD COLUMN deadline_at INTEGER;
   ALTER TABLE registrations ADD COLUMN lease_until INTEGER;
   ALTER TABLE registrations ADD COLUMN lease_token TEXT;
   ALTER TABLE registrations ADD COLUMN outcome_unknown INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX registrations_due ON registrations (status, next_attempt_at);
   CREATE INDEX registrations_by_status_created ON registrations (status, created_at);`,
  // A form token admits one registration per flow; rows without one (older ones) never collide.
  `ALTER TABLE registrations ADD COLUMN form_token_hash TEXT;
   CREATE UNIQUE INDEX registrations_form_token ON registrations (flow_id, form_token_hash)
     WHERE form_token_hash IS NOT NULL;`,
  // Partners' webhooks, one row per event and endpoint. Listing ties (one event's endpoints,
  // written in one millisecond) are ordered by rowid.
  `CREATE TABLE webhook_deliveries (
     id TEXT NOT NULL,
     endpoint_id TEXT NOT NULL,
     type TEXT NOT NULL,
     registration_id TEXT NOT NULL REFERENCES registrations(id),
     payload TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER,
     lease_until INTEGER,
     lease_token TEXT,
     last_http_status INTEGER,
     last_detail TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (id, endpoint_id)
   );
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
   CREATE INDEX webhook_deliveries_by_status_created ON webhook_deliveries (status, created_at);
   CREATE INDEX webhook_deliveries_by_registration
     ON webhook_deliveries (registration_id, created_at);`,
  // A replay opens a new delivery window (the deadline counts from it): NULL is created_at.
  `ALTER TABLE webhook_deliveries ADD COLUMN window_start INTEGER;`,
  // The registry checks made at submit (issue 19): JSON, the evidence kept with the registration.
  `ALTER TABLE registrations ADD COLUMN verification TEXT;`,
];

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  db.transaction(() => {
    const applied = new Set(
      db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
    );
    MIGRATIONS.forEach((sql, i) => {
      const version = i + 1;
      if (applied.has(version)) return;
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        version,
        Date.now(),
      );
    });
  }).immediate();
}

/** The store interface is async (a network database is); errors here become rejections too. */
const settle = <T>(work: () => T): Promise<T> => new Promise((resolve) => resolve(work()));

/**
 * Group commit for the hot path (a registration's begin and finish): the writes asked for in
 * one turn of the event loop share one transaction, each in its own savepoint so one failing
 * write undoes only itself. Each caller still learns its result only after the COMMIT, so an
 * answer never gets ahead of the journal. Why by hand: better-sqlite3 has no batching, and one
 * commit per write is most of the journal's cost (WAL frames and checkpoints written again for
 * every registration); `npm run bench` measures the difference.
 */
const toError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export function groupCommit(db: Database.Database): <T>(work: () => T) => Promise<T> {
  interface Waiting {
    work: () => unknown;
    settle: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => void;
  }
  let waiting: Waiting[] = [];
  // Nested in the batch's transaction, better-sqlite3 makes this a savepoint.
  const savepoint = db.transaction((work: () => unknown) => work());
  const batchTx = db.transaction((batch: Waiting[]) =>
    batch.map(({ work }) => {
      try {
        return { ok: true as const, value: savepoint(work) };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );
  const flush = () => {
    const batch = waiting;
    waiting = [];
    let outcomes: Parameters<Waiting['settle']>[0][];
    try {
      outcomes = batchTx.immediate(batch);
    } catch (error) {
      // BEGIN or COMMIT failed (busy past busy_timeout, disk full): nothing was written.
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    batch.forEach((item, i) => item.settle(outcomes[i]!));
  };
  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({
        work,
        settle: (outcome) =>
          outcome.ok ? resolve(outcome.value as T) : reject(toError(outcome.error)),
      });
      if (waiting.length === 1) setImmediate(flush);
    });
}

const WITH_LAST_DETAIL = `SELECT r.*, (SELECT e.detail FROM registration_events e
  WHERE e.registration_id = r.id ORDER BY e.at DESC, e.rowid DESC LIMIT 1) AS last_detail
  FROM registrations r`;

export function openSqliteStore(path: string): Store {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const checkpoints = inMemory ? undefined : checkpointInBackground(db, path);

  const byKey = db.prepare<[string, string], RegistrationRow>(
    'SELECT * FROM registrations WHERE flow_id = ? AND idempotency_key = ?',
  );
  const byId = db.prepare<[string], RegistrationRow>(`${WITH_LAST_DETAIL} WHERE r.id = ?`);
  const byProviderRef = db.prepare<[string, string], RegistrationRow>(
    `${WITH_LAST_DETAIL} WHERE r.flow_id = ? AND r.provider_ref = ? ORDER BY r.created_at DESC LIMIT 1`,
  );
  const byToken = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM registrations WHERE flow_id = ? AND form_token_hash = ?',
  );
  // A form token already used raises (only the key's conflict is DO NOTHING): see begin.
  const insert = db.prepare(
    `INSERT INTO registrations (id, flow_id, idempotency_key, request_hash, status, submission,
       lease_until, lease_token, form_token_hash, verification, created_at, updated_at)
     VALUES (@id, @flowId, @idempotencyKey, @requestHash, 'pending', @submission,
       @leaseUntil, @leaseToken, @formTokenHash, @verification, @now, @now)
     ON CONFLICT (flow_id, idempotency_key) DO NOTHING`,
  );
  // A retryable failure (5xx): the same key may try again now, from a clean slate, except for
  // outcome_unknown: whether an earlier attempt reached the provider is still not known.
  const reclaim = db.prepare(
    `UPDATE registrations SET status = 'pending', http_status = NULL, response = NULL,
       attempts = 0, next_attempt_at = NULL, deadline_at = NULL,
       lease_until = ?, lease_token = ?, updated_at = ?
     WHERE id = ? AND status = 'failed' AND http_status >= 500`,
  );
  const event = db.prepare(
    'INSERT INTO registration_events (registration_id, at, status, detail) VALUES (?, ?, ?, ?)',
  );
  // A history entry keeps the status the registration has after it.
  const noteEvent = db.prepare(
    `INSERT INTO registration_events (registration_id, at, status, detail)
     SELECT id, ?, status, ? FROM registrations WHERE id = ?`,
  );
  const finishRow = db.prepare(
    `UPDATE registrations SET status = @status,
       http_status = COALESCE(@httpStatus, http_status), response = COALESCE(@response, response),
       provider_ref = COALESCE(@providerRef, provider_ref),
       provider_state = COALESCE(@providerState, provider_state),
       outcome_unknown = MAX(outcome_unknown, @outcomeUnknown),
       lease_until = NULL, lease_token = NULL, next_attempt_at = NULL, updated_at = @now
     WHERE id = @id AND lease_token = @leaseToken`,
  );
  const rescheduleRow = db.prepare(
    `UPDATE registrations SET status = 'queued', next_attempt_at = @nextAttemptAt,
       deadline_at = COALESCE(deadline_at, @deadlineAt),
       outcome_unknown = MAX(outcome_unknown, @outcomeUnknown),
       http_status = COALESCE(http_status, @httpStatus), response = COALESCE(response, @response),
       lease_until = NULL, lease_token = NULL, updated_at = @now
     WHERE id = @id AND lease_token = @leaseToken`,
  );
  const due = db.prepare<[number, number, number, number], RegistrationRow>(
    `SELECT * FROM registrations
     WHERE (status = 'queued' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?))
        OR (status = 'pending' AND lease_until < ?)
     ORDER BY COALESCE(next_attempt_at, created_at) LIMIT ?`,
  );
  const lease = db.prepare(
    `UPDATE registrations SET lease_until = @leaseUntil, lease_token = @leaseToken,
       attempts = attempts + 1, outcome_unknown = @outcomeUnknown, updated_at = @now
     WHERE id = @id`,
  );
  const requeueRow = db.prepare(
    `UPDATE registrations SET status = 'queued', next_attempt_at = ?, deadline_at = ?,
       http_status = ?, response = ?, lease_until = NULL, lease_token = NULL, updated_at = ?
     WHERE id = ? AND status = 'failed'`,
  );
  const stats = db.prepare<[number], { depth: number; oldest: number | null }>(
    `SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM registrations
     WHERE status = 'queued' OR (status = 'pending' AND lease_until < ?)`,
  );
  const setStatus = db.prepare('UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?');
  const eventsSince = db.prepare<[string, string, number], HistoryCount>(
    `SELECT COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last FROM registration_events
     WHERE registration_id = ? AND detail = ? AND at >= ?`,
  );
  const statusOf = db
    .prepare<[string], string>('SELECT status FROM registrations WHERE id = ?')
    .pluck();
  // "Since the latest resend" in the order entries were written (rowid), whatever their clocks.
  const stepCounts = db.prepare<
    { id: string },
    { verifyAttempts: number; lastResendAt: number | null }
  >(
    `SELECT
       (SELECT COUNT(*) FROM registration_events
        WHERE registration_id = @id AND detail = '${STEP_DETAIL.verify}'
          AND rowid > COALESCE((SELECT MAX(rowid) FROM registration_events
            WHERE registration_id = @id AND detail = '${STEP_DETAIL.resend}'), 0)
       ) AS verifyAttempts,
       (SELECT MAX(at) FROM registration_events
        WHERE registration_id = @id AND detail = '${STEP_DETAIL.resend}') AS lastResendAt`,
  );
  const resendsAfter = db
    .prepare<[string, number], number>(
      `SELECT at FROM registration_events
       WHERE registration_id = ? AND detail = '${STEP_DETAIL.resend}' AND at > ? ORDER BY at`,
    )
    .pluck();
  // The same event for the same endpoint written again stays the one delivery written first.
  const insertWebhook = db.prepare(
    `INSERT INTO webhook_deliveries (id, endpoint_id, type, registration_id, payload, status,
       next_attempt_at, created_at, updated_at)
     VALUES (@id, @endpointId, @type, @registrationId, @payload, 'pending', @now, @now, @now)
     ON CONFLICT (id, endpoint_id) DO NOTHING`,
  );
  const dueWebhooks = db.prepare<[number, number, number], WebhookRow>(
    `SELECT * FROM webhook_deliveries
     WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
     ORDER BY next_attempt_at, created_at, rowid LIMIT ?`,
  );
  const leaseWebhook = db.prepare<{
    id: string;
    endpointId: string;
    leaseUntil: number;
    leaseToken: string;
    now: number;
  }>(
    `UPDATE webhook_deliveries SET lease_until = @leaseUntil, lease_token = @leaseToken,
       attempts = attempts + 1, updated_at = @now
     WHERE id = @id AND endpoint_id = @endpointId`,
  );
  // A lease token is cleared whenever a delivery leaves `pending`: holding it means pending.
  const finishWebhookRow = db.prepare(
    `UPDATE webhook_deliveries SET status = @status, last_http_status = @httpStatus,
       last_detail = @detail, next_attempt_at = NULL, lease_until = NULL, lease_token = NULL,
       updated_at = @now
     WHERE id = @id AND endpoint_id = @endpointId AND lease_token = @leaseToken`,
  );
  const rescheduleWebhookRow = db.prepare(
    `UPDATE webhook_deliveries SET next_attempt_at = @nextAttemptAt,
       last_http_status = @httpStatus, last_detail = @detail,
       lease_until = NULL, lease_token = NULL, updated_at = @now
     WHERE id = @id AND endpoint_id = @endpointId AND lease_token = @leaseToken`,
  );
  const replayWebhookRows = db.prepare(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now,
       window_start = @now
     WHERE id = @id AND (@endpointId IS NULL OR endpoint_id = @endpointId)
       AND status <> 'pending'`,
  );
  const webhookCounts = db.prepare<[], WebhookCountRow>(
    `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM webhook_deliveries
     GROUP BY status`,
  );
  const releaseEvent = db.prepare<[string, string, bigint, string, string]>(
    `UPDATE registration_events SET detail = detail || ?
     WHERE registration_id = ? AND rowid = ? AND detail IN (?, ?)`,
  );

  // Inside the transaction (or savepoint) of the change that caused them, once it applied.
  const writeWebhooks = (webhooks: readonly NewWebhookDelivery[], now: number): void => {
    for (const { id, endpointId, type, registrationId, payload } of webhooks) {
      insertWebhook.run({ id, endpointId, type, registrationId, payload, now });
    }
  };

  const fromExisting = (row: RegistrationRow, entry: NewRegistration): BeginResult => {
    if (row.request_hash !== entry.requestHash) return { kind: 'key_reused' };
    if (row.status === 'failed' && row.http_status !== null && row.http_status >= 500) {
      const now = Date.now();
      const leaseToken = randomUUID();
      if (reclaim.run(now + entry.leaseMs, leaseToken, now, row.id).changes === 1) {
        event.run(row.id, now, 'pending', 'retry');
        return {
          kind: 'created',
          id: row.id,
          leaseToken,
          outcomeUnknown: row.outcome_unknown === 1,
        };
      }
    }
    if (row.http_status === null) return { kind: 'in_progress', id: row.id };
    return {
      kind: 'replay',
      id: row.id,
      httpStatus: row.http_status,
      response: parseJson(row.response, null),
    };
  };

  // Runs in its own savepoint (groupCommit). Inserts first: a new key, by far the common case,
  // costs no lookup; a key already there (a retry, a double click) is read after.
  const begin = (entry: NewRegistration): BeginResult => {
    const now = Date.now();
    const leaseToken = randomUUID();
    let inserted: number;
    try {
      inserted = insert.run({
        ...entry,
        submission: JSON.stringify(entry.submission),
        leaseUntil: now + entry.leaseMs,
        leaseToken,
        formTokenHash: entry.formTokenHash ?? null,
        verification: entry.verification?.length ? JSON.stringify(entry.verification) : null,
        now,
      }).changes;
    } catch (err) {
      // The form token's index refused it. A failing statement undoes only itself (the batch's
      // transaction and this savepoint go on). The same key with its own token is a retry.
      const tokenTaken =
        err instanceof Database.SqliteError &&
        err.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
        entry.formTokenHash !== undefined &&
        byToken.get(entry.flowId, entry.formTokenHash) !== undefined;
      if (!tokenTaken) throw err;
      const existing = byKey.get(entry.flowId, entry.idempotencyKey);
      return existing ? fromExisting(existing, entry) : { kind: 'token_used' };
    }
    if (inserted === 0) {
      return fromExisting(byKey.get(entry.flowId, entry.idempotencyKey)!, entry);
    }
    event.run(entry.id, now, 'pending', null);
    return { kind: 'created', id: entry.id, leaseToken, outcomeUnknown: false };
  };

  const claim = db.transaction((now: number, limit: number, leaseMs: number): ClaimedWork[] =>
    due.all(now, now, now, limit).map((row) => {
      const leaseToken = randomUUID();
      // A lease still set means its holder died mid-call: that attempt may have reached the provider.
      const outcomeUnknown = row.outcome_unknown === 1 || row.lease_until !== null;
      lease.run({
        id: row.id,
        leaseUntil: now + leaseMs,
        leaseToken,
        outcomeUnknown: outcomeUnknown ? 1 : 0,
        now,
      });
      event.run(row.id, now, row.status, `attempt ${row.attempts + 1}`);
      return {
        id: row.id,
        flowId: row.flow_id,
        status: row.status as 'pending' | 'queued',
        submission: parseJson(row.submission, {}) as Record<string, unknown>,
        verification: parseJson(row.verification ?? null, []) as Verification[],
        attempts: row.attempts + 1,
        outcomeUnknown,
        deadlineAt: msOrNull(row.deadline_at),
        leaseToken,
        createdAt: new Date(row.created_at),
      };
    }),
  );

  // Runs in its own savepoint (groupCommit): its webhooks stand or fall with it.
  const finishRegistration = (id: string, leaseToken: string, outcome: Outcome): boolean => {
    const webhooks = checkDeliveries(id, outcome.webhooks);
    const now = Date.now();
    const changed = finishRow.run({
      id,
      leaseToken,
      status: outcome.status,
      httpStatus: outcome.httpStatus ?? null,
      response: outcome.response === undefined ? null : JSON.stringify(outcome.response),
      providerRef: outcome.providerRef ?? null,
      providerState: outcome.providerState ? JSON.stringify(outcome.providerState) : null,
      outcomeUnknown: outcome.outcomeUnknown ? 1 : 0,
      now,
    }).changes;
    if (changed) {
      event.run(id, now, outcome.status, outcome.detail ?? null);
      writeWebhooks(webhooks, now);
    }
    return changed === 1;
  };

  const claimWebhooks = db.transaction((now: number, limit: number, leaseMs: number) =>
    dueWebhooks.all(now, now, limit).map((row) => {
      const leaseToken = randomUUID();
      leaseWebhook.run({
        id: row.id,
        endpointId: row.endpoint_id,
        leaseUntil: now + leaseMs,
        leaseToken,
        now,
      });
      return toClaimedWebhook({ ...row, attempts: row.attempts + 1, lease_token: leaseToken });
    }),
  );

  const reserve = db.transaction(
    (id: string, kind: StepKind, now: number, limits: StepLimits): StepReservation => {
      const status = statusOf.get(id);
      if (status === undefined) throw new Error(`no registration ${id} to count a step of`);
      const refused = stepRefusal(kind, now, limits, {
        ...stepCounts.get({ id })!,
        resendsInHour: resendsAfter.all(id, now - HOUR_MS),
      });
      if (refused) return refused;
      const { lastInsertRowid } = event.run(id, now, status, STEP_DETAIL[kind]);
      return { ok: true, ticket: String(lastInsertRowid) };
    },
  );

  const commit = groupCommit(db);

  return {
    begin: (entry) => commit(() => begin(entry)),
    finish: (id, leaseToken, outcome) => commit(() => finishRegistration(id, leaseToken, outcome)),
    reschedule: (id, leaseToken, retry) =>
      settle(() =>
        db
          .transaction(() => {
            const webhooks = checkDeliveries(id, retry.webhooks);
            const now = Date.now();
            const changed = rescheduleRow.run({
              id,
              leaseToken,
              nextAttemptAt: retry.nextAttemptAt,
              deadlineAt: retry.deadlineAt,
              outcomeUnknown: retry.outcomeUnknown ? 1 : 0,
              httpStatus: retry.httpStatus ?? null,
              response: retry.response === undefined ? null : JSON.stringify(retry.response),
              now,
            }).changes;
            if (changed) {
              event.run(id, now, 'queued', retry.detail);
              writeWebhooks(webhooks, now);
            }
            return changed === 1;
          })
          .immediate(),
      ),
    claimDue: (now, limit, leaseMs) => settle(() => claim.immediate(now, limit, leaseMs)),
    requeue: (id, deadlineAt, answer, hooks) =>
      settle(() =>
        db
          .transaction(() => {
            const webhooks = checkDeliveries(id, hooks);
            const now = Date.now();
            const response = JSON.stringify(answer.response);
            const changed = requeueRow.run(
              now,
              deadlineAt,
              answer.httpStatus,
              response,
              now,
              id,
            ).changes;
            if (changed) {
              event.run(id, now, 'queued', 'operator retry');
              writeWebhooks(webhooks, now);
            }
            return changed === 1;
          })
          .immediate(),
      ),
    get: (id) => settle(() => toStored(byId.get(id))),
    hasKey: (flowId, key) => settle(() => byKey.get(flowId, key) !== undefined),
    list: (query: ListQuery) =>
      settle(() => {
        const where: string[] = [];
        const params: (string | number)[] = [];
        if (query.status) {
          where.push('r.status = ?');
          params.push(query.status);
        }
        if (query.flowId) {
          where.push('r.flow_id = ?');
          params.push(query.flowId);
        }
        const limit = listLimit(query.limit);
        const sql = `${WITH_LAST_DETAIL} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY r.created_at DESC LIMIT ${limit}`;
        return (db.prepare(sql).all(...params) as RegistrationRow[]).map((row) => toStored(row)!);
      }),
    outboxStats: (now): Promise<OutboxStats> =>
      settle(() => {
        const { depth, oldest } = stats.get(now)!;
        return { depth, oldestCreatedAt: oldest };
      }),
    findByProviderRef: (flowId, ref) => settle(() => toStored(byProviderRef.get(flowId, ref))),
    note: (id, entry) =>
      settle(() =>
        db
          .transaction(() => {
            const webhooks = checkDeliveries(id, entry.webhooks);
            const now = Date.now();
            if (entry.status) setStatus.run(entry.status, now, id);
            // No entry is written for an unknown registration, and so no webhook either.
            if (noteEvent.run(now, entry.detail, id).changes) writeWebhooks(webhooks, now);
          })
          .immediate(),
      ),
    history: (id, detail, since) => settle(() => eventsSince.get(id, detail, since)!),
    // IMMEDIATE: the write lock is taken before counting, so no other process counts meanwhile.
    reserveStep: (id, kind, now, limits) => settle(() => reserve.immediate(id, kind, now, limits)),
    releaseStep: (id, ticket) =>
      settle(() => {
        if (!TICKET.test(ticket)) return;
        releaseEvent.run(RELEASED, id, BigInt(ticket), STEP_DETAIL.verify, STEP_DETAIL.resend);
      }),
    // IMMEDIATE: the write lock is taken before reading what is due, so no other process (nor
    // another call of this one) leases the same deliveries.
    claimWebhooks: (now, limit, leaseMs) =>
      settle(() => claimWebhooks.immediate(now, limit, leaseMs)),
    finishWebhook: (key, leaseToken, outcome) =>
      commit(() => {
        checkWebhookOutcome(outcome);
        return (
          finishWebhookRow.run({
            id: key.id,
            endpointId: key.endpointId,
            leaseToken,
            status: outcome.status,
            httpStatus: outcome.httpStatus ?? null,
            detail: outcome.detail,
            now: Date.now(),
          }).changes === 1
        );
      }),
    rescheduleWebhook: (key, leaseToken, retry) =>
      commit(
        () =>
          rescheduleWebhookRow.run({
            id: key.id,
            endpointId: key.endpointId,
            leaseToken,
            nextAttemptAt: retry.nextAttemptAt,
            httpStatus: retry.httpStatus ?? null,
            detail: retry.detail,
            now: Date.now(),
          }).changes === 1,
      ),
    replayWebhook: (id, endpointId) =>
      settle(
        () =>
          replayWebhookRows.run({ id, endpointId: endpointId ?? null, now: Date.now() }).changes,
      ),
    listWebhooks: (query) =>
      settle(() => {
        const where: string[] = [];
        const params: string[] = [];
        if (query.status) {
          where.push('status = ?');
          params.push(query.status);
        }
        if (query.registrationId) {
          where.push('registration_id = ?');
          params.push(query.registrationId);
        }
        const sql = `SELECT * FROM webhook_deliveries
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, rowid DESC LIMIT ${listLimit(query.limit)}`;
        return (db.prepare(sql).all(...params) as WebhookRow[]).map(toStoredWebhook);
      }),
    webhookStats: () => settle(() => toWebhookStats(webhookCounts.all())),
    ping: () => settle(() => void db.prepare('SELECT 1').get()),
    close: async () => {
      await checkpoints?.stop();
      return settle(() => void db.close());
    },
  };
}
