/**
 * The shared store: PostgreSQL through a `pg` pool, for several instances working one journal
 * and outbox. Same observable behaviour as the SQLite store (store.contract.test.ts runs both):
 * the same columns, ms-epoch times and JSON text, so answers replay byte for byte.
 *
 * Where SQLite relies on one writer at a time, this store relies on row locks: every write is one
 * statement (a data-modifying CTE writes the history entry with the change it belongs to) or one
 * short transaction holding the row `FOR UPDATE`, and the outbox is claimed with
 * `FOR UPDATE SKIP LOCKED`, so concurrent instances never take the same registration (nor the
 * same webhook delivery).
 * Needs PostgreSQL 13 or later (gen_random_uuid() for the outbox's lease tokens).
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PoolClient } from 'pg';
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
  OutboxStats,
  StepReservation,
  Store,
  Verification,
} from './types.ts';

export interface PostgresStoreOptions {
  /** The schema holding the tables (created when missing); default `public`. */
  schema?: string;
}

/**
 * Postgres started with this store, so version 1 is SQLite's schema after its first three
 * migrations; later ones mirror SQLite's. JSON stays TEXT as in SQLite: JSONB would reorder an
 * answer's keys on replay and refuses the `\u0000` escape a submitted string may hold. `seq` orders
 * history entries sharing a millisecond (SQLite's rowid). `$S` is the quoted schema name. Append
 * only (exported for the migration tests).
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE $S.registrations (
     id TEXT PRIMARY KEY,
     flow_id TEXT NOT NULL,
     idempotency_key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     status TEXT NOT NULL,
     submission TEXT NOT NULL,
     http_status INTEGER,
     response TEXT,
     provider_ref TEXT,
     provider_state TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at BIGINT,
     deadline_at BIGINT,
     lease_until BIGINT,
     lease_token TEXT,
     outcome_unknown BOOLEAN NOT NULL DEFAULT FALSE,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     CONSTRAINT registrations_idempotency_key UNIQUE (flow_id, idempotency_key)
   );
   CREATE TABLE $S.registration_events (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     registration_id TEXT NOT NULL REFERENCES $S.registrations (id),
     at BIGINT NOT NULL,
     status TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX registration_events_by_registration ON $S.registration_events (registration_id, at);
   CREATE INDEX registrations_by_provider_ref ON $S.registrations (flow_id, provider_ref);
   CREATE INDEX registrations_due ON $S.registrations (status, next_attempt_at);
   CREATE INDEX registrations_by_status_created ON $S.registrations (status, created_at);`,
  // A form token admits one registration per flow; rows without one (older ones) never collide.
  `ALTER TABLE $S.registrations ADD COLUMN form_token_hash TEXT;
   CREATE UNIQUE INDEX registrations_form_token ON $S.registrations (flow_id, form_token_hash)
     WHERE form_token_hash IS NOT NULL;`,
  // Partners' webhooks, as SQLite's migration 5. `seq` orders ties (one event's endpoints,
  // written in one millisecond) as SQLite's rowid does.
  `CREATE TABLE $S.webhook_deliveries (
     id TEXT NOT NULL,
     endpoint_id TEXT NOT NULL,
     type TEXT NOT NULL,
     registration_id TEXT NOT NULL REFERENCES $S.registrations (id),
     payload TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at BIGINT,
     lease_until BIGINT,
     lease_token TEXT,
     last_http_status INTEGER,
     last_detail TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     seq BIGINT GENERATED ALWAYS AS IDENTITY,
     PRIMARY KEY (id, endpoint_id)
   );
   CREATE INDEX webhook_deliveries_due ON $S.webhook_deliveries (status, next_attempt_at);
   CREATE INDEX webhook_deliveries_by_status_created
     ON $S.webhook_deliveries (status, created_at);
   CREATE INDEX webhook_deliveries_by_registration
     ON $S.webhook_deliveries (registration_id, created_at);`,
  // A replay opens a new delivery window (the deadline counts from it): NULL is created_at.
  `ALTER TABLE $S.webhook_deliveries ADD COLUMN window_start BIGINT;`,
  // The registry checks made at submit (issue 19): JSON, the evidence kept with the registration.
  `ALTER TABLE $S.registrations ADD COLUMN verification TEXT;`,
];

/** The index behind `token_used` (its name is what a unique violation reports). */
const FORM_TOKEN_INDEX = 'registrations_form_token';

/** Interpolated into SQL (identifiers cannot be parameters), so nothing but identifier chars. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    // A connection whose rollback failed is in an unknown state: drop it rather than reuse it.
    const broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw err;
  }
}

/**
 * Applies the missing migrations. Instances starting at once queue on an advisory lock (one per
 * schema) and the later ones find the work done. DDL runs only when something is missing, so a
 * role without CREATE rights can open a database that is up to date.
 */
async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const S = `"${schema}"`;
  const lockKey = createHash('sha256')
    .update(`org-signup store ${schema}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey]);
    const found = await client.query<{ has_schema: boolean; has_table: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS has_schema,
         EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'schema_migrations')
           AS has_table`,
      [schema],
    );
    const { has_schema: hasSchema, has_table: hasTable } = found.rows[0]!;
    if (!hasSchema) await client.query(`CREATE SCHEMA ${S}`);
    if (!hasTable) {
      await client.query(
        `CREATE TABLE ${S}.schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
      );
    }
    const applied = new Set(
      (
        await client.query<{ version: number }>(`SELECT version FROM ${S}.schema_migrations`)
      ).rows.map((row) => row.version),
    );
    for (const [i, sql] of MIGRATIONS.entries()) {
      const version = i + 1;
      if (applied.has(version)) continue;
      await client.query(sql.replaceAll('$S', S));
      await client.query(
        `INSERT INTO ${S}.schema_migrations (version, applied_at) VALUES ($1, $2)`,
        [version, Date.now()],
      );
    }
  });
}

/** pg hands BIGINT back as a string (it may not fit a JS number); ms-epoch times and counts do. */
type BigintText = string;

/** Where the store is, for an error message: never the credentials. */
function describeTarget(url: string): string {
  try {
    const { host, pathname } = new URL(url);
    return host ? `${host}${pathname}` : 'the configured database';
  } catch {
    return 'the configured database';
  }
}

/** AggregateError (every address of a host refused) carries its reasons in `errors` only. */
function reason(err: unknown): string {
  if (err instanceof AggregateError && !err.message) {
    return err.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<Store> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Postgres schema "${schema}" must be letters, digits and _ (at most 63)`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'org-signup',
  });
  // An idle connection dropped by the server would otherwise crash the process as an unhandled
  // 'error' event; the pool discards it, and the next query (or ping) reports the outage.
  pool.on('error', () => {});
  try {
    await migrate(pool, schema);
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`cannot open the PostgreSQL store at ${describeTarget(url)}: ${reason(err)}`, {
      cause: err,
    });
  }

  const R = `"${schema}".registrations`;
  const E = `"${schema}".registration_events`;
  const W = `"${schema}".webhook_deliveries`;
  /**
   * A CTE writing the deliveries (`$n`: their JSON array) of the change `source` made (its rows
   * have the registration's `id`; none when the change did not apply), in the statement making
   * it. The same event for the same endpoint written again stays the one written first.
   */
  const webhooksFrom = (source: string, n: number, at: string) => `hooks AS (
      INSERT INTO ${W} (id, endpoint_id, type, registration_id, payload, status,
        next_attempt_at, created_at, updated_at)
      SELECT d.value->>'id', d.value->>'endpointId', d.value->>'type', s.id, d.value->>'payload',
        'pending', ${at}, ${at}, ${at}
      FROM ${source} s, json_array_elements($${n}::json) WITH ORDINALITY AS d(value, n)
      ORDER BY d.n
      ON CONFLICT (id, endpoint_id) DO NOTHING
    )`;
  const WITH_LAST_DETAIL = `SELECT r.*, (SELECT e.detail FROM ${E} e
    WHERE e.registration_id = r.id ORDER BY e.at DESC, e.seq DESC LIMIT 1) AS last_detail
    FROM ${R} r`;

  // A new key: the row and its first history entry in one statement. A concurrent begin with the
  // same key waits for ours to commit and then inserts nothing. A form token already used raises
  // a unique violation instead (only the key's conflict is DO NOTHING): see begin.
  const insertSql = `WITH created AS (
      INSERT INTO ${R} (id, flow_id, idempotency_key, request_hash, status, submission,
        lease_until, lease_token, form_token_hash, verification, created_at, updated_at)
      VALUES ($1, $2, $3, $4, 'pending', $5, $6::bigint, $7, $9, $10, $8::bigint, $8::bigint)
      ON CONFLICT ON CONSTRAINT registrations_idempotency_key DO NOTHING
      RETURNING id
    )
    INSERT INTO ${E} (registration_id, at, status, detail)
    SELECT id, $8::bigint, 'pending', NULL FROM created`;
  // The history entry is written only when the update matched: its row count is the answer.
  const finishSql = `WITH done AS (
      UPDATE ${R} SET status = $3::text,
        http_status = COALESCE($4::integer, http_status), response = COALESCE($5::text, response),
        provider_ref = COALESCE($6::text, provider_ref),
        provider_state = COALESCE($7::text, provider_state),
        outcome_unknown = outcome_unknown OR $10::boolean,
        lease_until = NULL, lease_token = NULL, next_attempt_at = NULL, updated_at = $8::bigint
      WHERE id = $1 AND lease_token = $2
      RETURNING id
    ), ${webhooksFrom('done', 11, '$8::bigint')}
    INSERT INTO ${E} (registration_id, at, status, detail)
    SELECT id, $8::bigint, $3::text, $9::text FROM done`;
  const rescheduleSql = `WITH queued AS (
      UPDATE ${R} SET status = 'queued', next_attempt_at = $3::bigint,
        deadline_at = COALESCE(deadline_at, $4::bigint),
        outcome_unknown = outcome_unknown OR $5::boolean,
        http_status = COALESCE(http_status, $6::integer), response = COALESCE(response, $7::text),
        lease_until = NULL, lease_token = NULL, updated_at = $8::bigint
      WHERE id = $1 AND lease_token = $2
      RETURNING id
    ), ${webhooksFrom('queued', 10, '$8::bigint')}
    INSERT INTO ${E} (registration_id, at, status, detail)
    SELECT id, $8::bigint, 'queued', $9::text FROM queued`;
  // Rows another instance is claiming right now are skipped, not waited for; one it claimed a
  // moment ago no longer matches once locked (Postgres re-checks the WHERE on the new version).
  const claimSql = `WITH due AS (
      SELECT id,
        -- A lease still set means its holder died mid-call: that attempt may have reached
        -- the provider.
        outcome_unknown OR lease_until IS NOT NULL AS unknown
      FROM ${R}
      WHERE (status = 'queued' AND next_attempt_at <= $1::bigint
          AND (lease_until IS NULL OR lease_until < $1::bigint))
        OR (status = 'pending' AND lease_until < $1::bigint)
      ORDER BY COALESCE(next_attempt_at, created_at), id
      LIMIT $2::bigint
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE ${R} r SET lease_until = $1::bigint + $3::bigint,
        lease_token = gen_random_uuid()::text, attempts = r.attempts + 1,
        outcome_unknown = due.unknown, updated_at = $1::bigint
      FROM due WHERE r.id = due.id
      RETURNING r.*
    ), journal AS (
      INSERT INTO ${E} (registration_id, at, status, detail)
      SELECT id, $1::bigint, status, 'attempt ' || attempts FROM claimed
    )
    SELECT * FROM claimed ORDER BY COALESCE(next_attempt_at, created_at), id`;
  const requeueSql = `WITH queued AS (
      UPDATE ${R} SET status = 'queued', next_attempt_at = $3::bigint, deadline_at = $2::bigint,
        http_status = $4::int, response = $5::text,
        lease_until = NULL, lease_token = NULL, updated_at = $3::bigint
      WHERE id = $1 AND status = 'failed'
      RETURNING id
    ), ${webhooksFrom('queued', 6, '$3::bigint')}
    INSERT INTO ${E} (registration_id, at, status, detail)
    SELECT id, $3::bigint, 'queued', 'operator retry' FROM queued`;
  // A history entry keeps the status the registration has after it. The CTE's update is not
  // visible to the statement's own SELECT, hence the status taken from the entry first. An
  // unknown registration gets no entry, and no webhook.
  const noteSql = `WITH changed AS (
      UPDATE ${R} SET status = $2::text, updated_at = $3::bigint
      WHERE id = $1 AND $2::text IS NOT NULL
    ), known AS (
      SELECT id FROM ${R} WHERE id = $1
    ), ${webhooksFrom('known', 5, '$3::bigint')}
    INSERT INTO ${E} (registration_id, at, status, detail)
    SELECT id, $3::bigint, COALESCE($2::text, status), $4::text FROM ${R} WHERE id = $1`;
  // As claimSql: locked rows are skipped, and one claimed meanwhile no longer matches once locked.
  const claimWebhooksSql = `WITH due AS (
      SELECT id, endpoint_id FROM ${W}
      WHERE status = 'pending' AND next_attempt_at <= $1::bigint
        AND (lease_until IS NULL OR lease_until < $1::bigint)
      ORDER BY next_attempt_at, created_at, seq
      LIMIT $2::bigint
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE ${W} w SET lease_until = $1::bigint + $3::bigint,
        lease_token = gen_random_uuid()::text, attempts = w.attempts + 1, updated_at = $1::bigint
      FROM due WHERE w.id = due.id AND w.endpoint_id = due.endpoint_id
      RETURNING w.*
    )
    SELECT * FROM claimed ORDER BY next_attempt_at, created_at, seq`;
  // A lease token is cleared whenever a delivery leaves `pending`: holding it means pending.
  const finishWebhookSql = `UPDATE ${W} SET status = $4::text, last_http_status = $5::integer,
      last_detail = $6::text, next_attempt_at = NULL, lease_until = NULL, lease_token = NULL,
      updated_at = $7::bigint
    WHERE id = $1 AND endpoint_id = $2 AND lease_token = $3`;
  const rescheduleWebhookSql = `UPDATE ${W} SET next_attempt_at = $4::bigint,
      last_http_status = $5::integer, last_detail = $6::text,
      lease_until = NULL, lease_token = NULL, updated_at = $7::bigint
    WHERE id = $1 AND endpoint_id = $2 AND lease_token = $3`;
  // Read under the registration's row lock (reserveStep). "Since the latest resend" in the order
  // entries were written (seq), whatever the writers' clocks.
  const stepFactsSql = `SELECT
      (SELECT COUNT(*) FROM ${E}
       WHERE registration_id = $1 AND detail = '${STEP_DETAIL.verify}'
         AND seq > COALESCE((SELECT MAX(seq) FROM ${E}
           WHERE registration_id = $1 AND detail = '${STEP_DETAIL.resend}'), 0)
      ) AS verify_attempts,
      (SELECT MAX(at) FROM ${E}
       WHERE registration_id = $1 AND detail = '${STEP_DETAIL.resend}') AS last_resend_at,
      ARRAY(SELECT at FROM ${E}
        WHERE registration_id = $1 AND detail = '${STEP_DETAIL.resend}' AND at > $2::bigint
        ORDER BY at) AS resends_in_hour`;

  /**
   * An existing key, its row locked until we commit: whatever we answer still holds then.
   * `missing`: the answer when the key is not there (the insert was refused for its form token).
   */
  const fromExisting = (entry: NewRegistration, missing?: BeginResult): Promise<BeginResult> =>
    inTransaction(pool, async (client) => {
      const row = (
        await client.query<RegistrationRow>(
          `SELECT * FROM ${R} WHERE flow_id = $1 AND idempotency_key = $2 FOR UPDATE`,
          [entry.flowId, entry.idempotencyKey],
        )
      ).rows[0];
      if (!row && missing) return missing;
      // Registrations are never deleted, and the insert that found this key waited for its commit.
      if (!row) throw new Error(`idempotency key of ${entry.flowId} vanished while beginning`);
      if (row.request_hash !== entry.requestHash) return { kind: 'key_reused' };
      if (row.status === 'failed' && row.http_status !== null && row.http_status >= 500) {
        // A retryable failure (5xx): the same key may try again now, under the same id. The lock
        // makes this atomic: a concurrent retry waits, then finds it pending (in progress).
        // outcome_unknown stays: whether an earlier attempt reached the provider is still unknown.
        const now = Date.now();
        const leaseToken = randomUUID();
        await client.query(
          `UPDATE ${R} SET status = 'pending', http_status = NULL, response = NULL,
             attempts = 0, next_attempt_at = NULL, deadline_at = NULL,
             lease_until = $2::bigint, lease_token = $3, updated_at = $4::bigint
           WHERE id = $1`,
          [row.id, now + entry.leaseMs, leaseToken, now],
        );
        await client.query(
          `INSERT INTO ${E} (registration_id, at, status, detail) VALUES ($1, $2, 'pending', 'retry')`,
          [row.id, now],
        );
        return {
          kind: 'created',
          id: row.id,
          leaseToken,
          outcomeUnknown: row.outcome_unknown === true,
        };
      }
      if (row.http_status === null) return { kind: 'in_progress', id: row.id };
      return {
        kind: 'replay',
        id: row.id,
        httpStatus: row.http_status,
        response: parseJson(row.response, null),
      };
    });

  const one = async (sql: string, params: unknown[]): Promise<RegistrationRow | undefined> =>
    (await pool.query<RegistrationRow>(sql, params)).rows[0];
  const changed = async (sql: string, params: unknown[]): Promise<boolean> =>
    (await pool.query(sql, params)).rowCount === 1;

  let closing: Promise<void> | undefined;

  return {
    begin: async (entry) => {
      const now = Date.now();
      const leaseToken = randomUUID();
      let created: boolean;
      try {
        created = await changed(insertSql, [
          entry.id,
          entry.flowId,
          entry.idempotencyKey,
          entry.requestHash,
          JSON.stringify(entry.submission),
          now + entry.leaseMs,
          leaseToken,
          now,
          entry.formTokenHash ?? null,
          entry.verification?.length ? JSON.stringify(entry.verification) : null,
        ]);
      } catch (err) {
        const tokenTaken =
          err instanceof pg.DatabaseError &&
          err.code === '23505' &&
          err.constraint === FORM_TOKEN_INDEX;
        if (!tokenTaken) throw err;
        // The same key with its own token is a retry (it may hit the token's index first).
        return fromExisting(entry, { kind: 'token_used' });
      }
      if (created) return { kind: 'created', id: entry.id, leaseToken, outcomeUnknown: false };
      return fromExisting(entry);
    },
    finish: async (id, leaseToken, outcome) =>
      changed(finishSql, [
        id,
        leaseToken,
        outcome.status,
        outcome.httpStatus ?? null,
        outcome.response === undefined ? null : JSON.stringify(outcome.response),
        outcome.providerRef ?? null,
        outcome.providerState ? JSON.stringify(outcome.providerState) : null,
        Date.now(),
        outcome.detail ?? null,
        outcome.outcomeUnknown ?? false,
        JSON.stringify(checkDeliveries(id, outcome.webhooks)),
      ]),
    reschedule: async (id, leaseToken, retry) =>
      changed(rescheduleSql, [
        id,
        leaseToken,
        retry.nextAttemptAt,
        retry.deadlineAt,
        retry.outcomeUnknown,
        retry.httpStatus ?? null,
        retry.response === undefined ? null : JSON.stringify(retry.response),
        Date.now(),
        retry.detail,
        JSON.stringify(checkDeliveries(id, retry.webhooks)),
      ]),
    claimDue: async (now, limit, leaseMs): Promise<ClaimedWork[]> =>
      // A negative limit is no limit, as in SQLite (Postgres would refuse it; LIMIT NULL is none).
      (
        await pool.query<RegistrationRow>(claimSql, [now, limit < 0 ? null : limit, leaseMs])
      ).rows.map((row) => ({
        id: row.id,
        flowId: row.flow_id,
        status: row.status as 'pending' | 'queued',
        submission: parseJson(row.submission, {}) as Record<string, unknown>,
        verification: parseJson(row.verification ?? null, []) as Verification[],
        attempts: row.attempts,
        outcomeUnknown: row.outcome_unknown === true,
        deadlineAt: msOrNull(row.deadline_at),
        leaseToken: row.lease_token!,
        createdAt: new Date(Number(row.created_at)),
      })),
    requeue: async (id, deadlineAt, answer, webhooks) =>
      changed(requeueSql, [
        id,
        deadlineAt,
        Date.now(),
        answer.httpStatus,
        JSON.stringify(answer.response),
        JSON.stringify(checkDeliveries(id, webhooks)),
      ]),
    get: async (id) => toStored(await one(`${WITH_LAST_DETAIL} WHERE r.id = $1`, [id])),
    hasKey: async (flowId, key) =>
      (
        await pool.query(`SELECT 1 FROM ${R} WHERE flow_id = $1 AND idempotency_key = $2`, [
          flowId,
          key,
        ])
      ).rowCount === 1,
    list: async (query: ListQuery) => {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (query.status) {
        params.push(query.status);
        where.push(`r.status = $${params.length}`);
      }
      if (query.flowId) {
        params.push(query.flowId);
        where.push(`r.flow_id = $${params.length}`);
      }
      params.push(listLimit(query.limit));
      const sql = `${WITH_LAST_DETAIL} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.created_at DESC LIMIT $${params.length}`;
      return (await pool.query<RegistrationRow>(sql, params)).rows.map((row) => toStored(row)!);
    },
    outboxStats: async (now): Promise<OutboxStats> => {
      const { depth, oldest } = (
        await pool.query<{ depth: BigintText; oldest: BigintText | null }>(
          `SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM ${R}
           WHERE status = 'queued' OR (status = 'pending' AND lease_until < $1::bigint)`,
          [now],
        )
      ).rows[0]!;
      return { depth: Number(depth), oldestCreatedAt: msOrNull(oldest) };
    },
    findByProviderRef: async (flowId, ref) =>
      toStored(
        await one(
          `${WITH_LAST_DETAIL} WHERE r.flow_id = $1 AND r.provider_ref = $2
           ORDER BY r.created_at DESC LIMIT 1`,
          [flowId, ref],
        ),
      ),
    note: async (id, entry) => {
      await pool.query(noteSql, [
        id,
        entry.status ?? null,
        Date.now(),
        entry.detail,
        JSON.stringify(checkDeliveries(id, entry.webhooks)),
      ]);
    },
    history: async (id, detail, since): Promise<HistoryCount> => {
      const { count, first, last } = (
        await pool.query<{ count: BigintText; first: BigintText | null; last: BigintText | null }>(
          `SELECT COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last FROM ${E}
           WHERE registration_id = $1 AND detail = $2 AND at >= $3::bigint`,
          [id, detail, since],
        )
      ).rows[0]!;
      return { count: Number(count), first: msOrNull(first), last: msOrNull(last) };
    },
    // The row lock first: a second reservation for the registration (this instance or another)
    // waits for ours to commit, and its count (a new snapshot per statement) then sees our entry.
    reserveStep: (id, kind, now, limits) =>
      inTransaction(pool, async (client): Promise<StepReservation> => {
        const registration = (
          await client.query<{ status: string }>(
            `SELECT status FROM ${R} WHERE id = $1 FOR UPDATE`,
            [id],
          )
        ).rows[0];
        if (!registration) throw new Error(`no registration ${id} to count a step of`);
        const facts = (
          await client.query<{
            verify_attempts: BigintText;
            last_resend_at: BigintText | null;
            resends_in_hour: BigintText[];
          }>(stepFactsSql, [id, now - HOUR_MS])
        ).rows[0]!;
        const refused = stepRefusal(kind, now, limits, {
          verifyAttempts: Number(facts.verify_attempts),
          lastResendAt: msOrNull(facts.last_resend_at),
          resendsInHour: facts.resends_in_hour.map(Number),
        });
        if (refused) return refused;
        const { seq } = (
          await client.query<{ seq: BigintText }>(
            `INSERT INTO ${E} (registration_id, at, status, detail) VALUES ($1, $2, $3, $4)
             RETURNING seq`,
            [id, now, registration.status, STEP_DETAIL[kind]],
          )
        ).rows[0]!;
        return { ok: true, ticket: String(seq) };
      }),
    releaseStep: async (id, ticket) => {
      if (!TICKET.test(ticket)) return;
      await pool.query(
        `UPDATE ${E} SET detail = detail || $3
         WHERE registration_id = $1 AND seq = $2::bigint AND detail IN ($4, $5)`,
        [id, ticket, RELEASED, STEP_DETAIL.verify, STEP_DETAIL.resend],
      );
    },
    claimWebhooks: async (now, limit, leaseMs) =>
      // A negative limit is no limit, as in SQLite (see claimDue).
      (
        await pool.query<WebhookRow>(claimWebhooksSql, [now, limit < 0 ? null : limit, leaseMs])
      ).rows.map(toClaimedWebhook),
    finishWebhook: async (key, leaseToken, outcome) => {
      checkWebhookOutcome(outcome);
      return changed(finishWebhookSql, [
        key.id,
        key.endpointId,
        leaseToken,
        outcome.status,
        outcome.httpStatus ?? null,
        outcome.detail,
        Date.now(),
      ]);
    },
    rescheduleWebhook: (key, leaseToken, retry) =>
      changed(rescheduleWebhookSql, [
        key.id,
        key.endpointId,
        leaseToken,
        retry.nextAttemptAt,
        retry.httpStatus ?? null,
        retry.detail,
        Date.now(),
      ]),
    replayWebhook: async (id, endpointId) =>
      (
        await pool.query(
          `UPDATE ${W} SET status = 'pending', next_attempt_at = $3::bigint, updated_at = $3::bigint,
             window_start = $3::bigint
           WHERE id = $1 AND ($2::text IS NULL OR endpoint_id = $2) AND status <> 'pending'`,
          [id, endpointId ?? null, Date.now()],
        )
      ).rowCount ?? 0,
    listWebhooks: async (query) => {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (query.status) {
        params.push(query.status);
        where.push(`status = $${params.length}`);
      }
      if (query.registrationId) {
        params.push(query.registrationId);
        where.push(`registration_id = $${params.length}`);
      }
      params.push(listLimit(query.limit));
      const sql = `SELECT * FROM ${W} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, seq DESC LIMIT $${params.length}`;
      return (await pool.query<WebhookRow>(sql, params)).rows.map(toStoredWebhook);
    },
    webhookStats: async () =>
      toWebhookStats(
        (
          await pool.query<WebhookCountRow>(
            `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM ${W} GROUP BY status`,
          )
        ).rows,
      ),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    // Idempotent like SQLite's close (pg's pool refuses a second end).
    close: () => (closing ??= pool.end()),
  };
}
