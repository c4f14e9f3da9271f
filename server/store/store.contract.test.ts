/**
 * The store contract (types.ts is its specification), run against every implementation: SQLite in
 * memory and on a file, and PostgreSQL. Each test gets a new, empty database (a file, or a schema
 * under this run's prefix), so the counting tests (claimDue, outboxStats, list) see only their own
 * rows and parallel test files never meet.
 *
 * PostgreSQL is not optional here: when it cannot be reached its tests fail, saying so (CI starts
 * it first; locally set TEST_POSTGRES_URL or start one).
 *
 * `Date` is frozen (and moved by hand) so leases, deadlines and history times are exact numbers.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from './index.ts';
import { MIGRATIONS as POSTGRES_MIGRATIONS, openPostgresStore } from './postgres.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS, openSqliteStore } from './sqlite.ts';
import type {
  BeginResult,
  NewRegistration,
  NewWebhookDelivery,
  Retry,
  StepKind,
  StepLimits,
  StepReservation,
  Store,
  StoredWebhook,
  WebhookEventType,
} from './types.ts';

const POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database location no store has opened yet. */
interface Blank {
  /** Opens a store on it, as a starting instance would (migrating it the first time). */
  open(): Promise<Store>;
  /** The versions recorded in its schema_migrations. */
  migrations(): Promise<number[]>;
}

interface Backend {
  name: string;
  /** Whether a second open reaches the same data (not so for `:memory:`). */
  shared: boolean;
  /** Every migration version, as recorded once all are applied. */
  versions: number[];
  /** The last migration version of the release before each feature (for `older`). */
  before: { formTokens: number; webhooks: number };
  setup(): Promise<void>;
  teardown(): Promise<void>;
  blank(): Blank;
  /**
   * A database as an older release left it: migrated to `version` only, then `seed` run (SQL
   * naming tables `$S.registrations`, valid in both dialects). Only where `shared`.
   */
  older?(version: number, seed: string): Promise<Blank>;
}

/** Stores opened by the current test, closed after it. */
const opened: Store[] = [];
const track = (store: Store): Store => {
  opened.push(store);
  return store;
};

function sqliteMemory(): Backend {
  return {
    name: 'sqlite :memory:',
    shared: false,
    versions: [1, 2, 3, 4, 5, 6, 7],
    before: { formTokens: 3, webhooks: 4 },
    setup: async () => {},
    teardown: async () => {},
    blank: () => ({
      open: async () => track(openSqliteStore(':memory:')),
      migrations: () => Promise.reject(new Error('a :memory: database cannot be reopened')),
    }),
  };
}

function sqliteFile(): Backend {
  let dir = '';
  const at = (path: string): Blank => ({
    open: async () => track(openSqliteStore(path)),
    migrations: async () => {
      const db = new Database(path, { readonly: true });
      try {
        return db
          .prepare('SELECT version FROM schema_migrations ORDER BY version')
          .pluck()
          .all() as number[];
      } finally {
        db.close();
      }
    },
  });
  return {
    name: 'sqlite file',
    shared: true,
    versions: [1, 2, 3, 4, 5, 6, 7],
    before: { formTokens: 3, webhooks: 4 },
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
    },
    teardown: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    blank: () => at(join(dir, `${randomUUID()}.db`)),
    older: async (version, seed) => {
      const path = join(dir, `${randomUUID()}.db`);
      const db = new Database(path);
      try {
        db.exec(
          'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
        );
        SQLITE_MIGRATIONS.slice(0, version).forEach((sql, i) => {
          db.exec(sql);
          db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
            i + 1,
            T0,
          );
        });
        db.exec(seed.replaceAll('$S.', ''));
      } finally {
        db.close();
      }
      return at(path);
    },
  };
}

function postgres(): Backend {
  const prefix = `store_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const schemas: string[] = [];
  let admin: pg.Client | undefined;
  let unreachable: Error | undefined;
  const where = POSTGRES_URL.replace(/\/\/.*@/s, '//***@');
  const at = (schema: string): Blank => ({
    open: async () => {
      if (unreachable) throw unreachable;
      return track(await openPostgresStore(POSTGRES_URL, { schema }));
    },
    migrations: async () =>
      (
        await admin!.query<{ version: number }>(
          `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
        )
      ).rows.map((row) => row.version),
  });
  const newSchema = (): string => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    return schema;
  };
  return {
    name: 'postgres',
    shared: true,
    versions: [1, 2, 3, 4, 5],
    before: { formTokens: 1, webhooks: 2 },
    setup: async () => {
      const client = new pg.Client({
        connectionString: POSTGRES_URL,
        connectionTimeoutMillis: 5_000,
      });
      try {
        await client.connect();
        await client.query('SELECT 1');
        admin = client;
      } catch (err) {
        await client.end().catch(() => {});
        const why =
          err instanceof AggregateError
            ? err.errors.map(String).join('; ')
            : err instanceof Error
              ? err.message
              : String(err);
        // Not thrown here: a failing beforeAll would report the tests as skipped. Each one fails.
        unreachable = new Error(
          `PostgreSQL is not reachable at ${where} (${why}). The store contract runs against it: ` +
            'start PostgreSQL (CI does) or set TEST_POSTGRES_URL.',
        );
      }
    },
    teardown: async () => {
      if (!admin) return;
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
    blank: () => at(newSchema()),
    older: async (version, seed) => {
      if (unreachable) throw unreachable;
      const schema = newSchema();
      const S = `"${schema}"`;
      await admin!.query(
        `CREATE SCHEMA ${S};
         CREATE TABLE ${S}.schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
      );
      for (const [i, sql] of POSTGRES_MIGRATIONS.slice(0, version).entries()) {
        await admin!.query(sql.replaceAll('$S', S));
        await admin!.query(
          `INSERT INTO ${S}.schema_migrations (version, applied_at) VALUES ($1, $2)`,
          [i + 1, T0],
        );
      }
      await admin!.query(seed.replaceAll('$S', S));
      return at(schema);
    },
  };
}

const T0 = 1_800_000_000_000;
const LEASE = 30_000;
const now = (): number => Date.now();
/** Moves the frozen clock. */
const tick = (ms = 1): void => void vi.setSystemTime(Date.now() + ms);

const entry = (overrides: Partial<NewRegistration> = {}): NewRegistration => ({
  id: randomUUID(),
  flowId: 'acme',
  idempotencyKey: randomUUID(),
  requestHash: 'hash-1',
  submission: { email: 'jane@example.com', company: 'ACME' },
  leaseMs: LEASE,
  ...overrides,
});

/** The same request again (a client retrying with its key), as a new submission would come. */
const again = (first: NewRegistration): NewRegistration => ({
  ...entry(),
  flowId: first.flowId,
  idempotencyKey: first.idempotencyKey,
  requestHash: first.requestHash,
  submission: first.submission,
});

const retry = (overrides: Partial<Retry> = {}): Retry => ({
  nextAttemptAt: now(),
  deadlineAt: now() + 86_400_000,
  outcomeUnknown: false,
  detail: 'provider_unavailable',
  ...overrides,
});

const QUEUED_ANSWER = { status: 'queued', id: 'r1', message: 'We will finish this shortly' };

const LIMITS_FOR_MIGRATION: StepLimits = {
  verifyAttempts: 5,
  resendCooldownMs: 60_000,
  resendsPerHour: 5,
};

describe.each([sqliteMemory(), sqliteFile(), postgres()])('store contract: $name', (backend) => {
  let blank: Blank;
  let store: Store;
  /** Another instance on the same database (the same store for `:memory:`). */
  const peer = async (): Promise<Store> => (backend.shared ? blank.open() : store);

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    blank = backend.blank();
    store = await blank.open();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  async function begun(overrides: Partial<NewRegistration> = {}) {
    const e = entry(overrides);
    const result = await store.begin(e);
    if (result.kind !== 'created') throw new Error(`expected created, got ${result.kind}`);
    return { ...e, leaseToken: result.leaseToken };
  }

  /** A registration waiting in the outbox, due at `at`, no longer leased. */
  async function queued(at: number, overrides: Partial<Retry> = {}) {
    const reg = await begun();
    expect(
      await store.reschedule(reg.id, reg.leaseToken, retry({ nextAttemptAt: at, ...overrides })),
    ).toBe(true);
    return reg;
  }

  async function claimOne(at: number, leaseMs = LEASE) {
    const claimed = await store.claimDue(at, 10, leaseMs);
    expect(claimed).toHaveLength(1);
    return claimed[0]!;
  }

  describe('begin', () => {
    it('journals a new submission as pending, leased to the caller', async () => {
      const e = entry();
      const result = await store.begin(e);
      expect(result).toEqual({
        kind: 'created',
        id: e.id,
        leaseToken: expect.any(String),
        outcomeUnknown: false,
      });
      expect(await store.get(e.id)).toEqual({
        id: e.id,
        flowId: 'acme',
        status: 'pending',
        providerRef: null,
        providerState: {},
        submission: e.submission,
        response: null,
        verification: [],
        attempts: 0,
        nextAttemptAt: null,
        lastDetail: null,
        createdAt: new Date(T0),
        updatedAt: new Date(T0),
      });
      // Its holder is alive until the lease runs out: nothing for the outbox before then.
      expect(await store.claimDue(T0 + LEASE, 10, LEASE)).toEqual([]);
    });

    it('keeps the registry evidence journaled with the submission', async () => {
      const verification = [
        {
          field: 'vat',
          value: 'NL822898044B01',
          result: 'verified' as const,
          source: 'vies',
          status: 'active',
          checkedAt: new Date(T0).toISOString(),
          sha256: 'a'.repeat(64),
          requestIdentifier: 'WAPIAAAAZ0000001',
        },
      ];
      const e = { ...entry(), verification };
      await store.begin(e);
      expect((await store.get(e.id))?.verification).toEqual(verification);
    });

    it('answers in_progress to the same request while the first is still pending', async () => {
      const first = await begun();
      expect(await store.begin(again(first))).toEqual({
        kind: 'in_progress',
        id: first.id,
      });
      // Still the caller's: the first lease holds.
      expect(await store.finish(first.id, first.leaseToken, { status: 'completed' })).toBe(true);
    });

    it('replays the stored status and answer once finished', async () => {
      const first = await begun();
      const answer = { status: 'completed', id: first.id, next: 'sign-in' };
      await store.finish(first.id, first.leaseToken, {
        status: 'completed',
        httpStatus: 201,
        response: answer,
      });
      expect(await store.begin(again(first))).toEqual({
        kind: 'replay',
        id: first.id,
        httpStatus: 201,
        response: answer,
      });
    });

    it('replays a client error (4xx) failure rather than retrying it', async () => {
      const first = await begun();
      const problem = { code: 'provider_rejected' };
      await store.finish(first.id, first.leaseToken, {
        status: 'failed',
        httpStatus: 422,
        response: problem,
      });
      expect(await store.begin(again(first))).toEqual({
        kind: 'replay',
        id: first.id,
        httpStatus: 422,
        response: problem,
      });
    });

    it('answers key_reused to the same key with another request, whatever its state', async () => {
      const pending = await begun();
      expect(await store.begin({ ...again(pending), requestHash: 'hash-2' })).toEqual({
        kind: 'key_reused',
      });
      await store.finish(pending.id, pending.leaseToken, {
        status: 'failed',
        httpStatus: 503,
        response: { code: 'provider_unavailable' },
      });
      // Not even a retryable failure is taken over by another request.
      expect(await store.begin({ ...again(pending), requestHash: 'hash-2' })).toEqual({
        kind: 'key_reused',
      });
      expect((await store.get(pending.id))?.status).toBe('failed');
    });

    it('keeps idempotency keys apart per flow', async () => {
      const acme = await begun();
      const other = await store.begin({ ...again(acme), flowId: 'other' });
      expect(other).toMatchObject({ kind: 'created' });
      expect(other).not.toMatchObject({ id: acme.id });
    });

    it('lets the same request retry a 5xx failure under the same id, with a new lease', async () => {
      const first = await begun();
      await store.finish(first.id, first.leaseToken, {
        status: 'failed',
        httpStatus: 503,
        response: { code: 'provider_unavailable' },
        detail: 'provider_unavailable',
      });
      tick(1_000);
      const retried = await store.begin(again(first));
      expect(retried).toEqual({
        kind: 'created',
        id: first.id,
        leaseToken: expect.any(String),
        outcomeUnknown: false,
      });
      const { leaseToken } = retried as Extract<BeginResult, { kind: 'created' }>;
      expect(leaseToken).not.toBe(first.leaseToken);
      expect(await store.get(first.id)).toMatchObject({
        status: 'pending',
        response: null,
        lastDetail: 'retry',
        updatedAt: new Date(T0 + 1_000),
      });
      expect(await store.begin(again(first))).toEqual({
        kind: 'in_progress',
        id: first.id,
      });
      expect(await store.finish(first.id, first.leaseToken, { status: 'completed' })).toBe(false);
      expect(
        await store.finish(first.id, leaseToken, {
          status: 'completed',
          httpStatus: 201,
          response: { ok: true },
        }),
      ).toBe(true);
      expect(await store.begin(again(first))).toMatchObject({
        kind: 'replay',
        httpStatus: 201,
      });
    });

    it('starts a reclaimed 5xx failure from a clean slate: no attempts, no old deadline', async () => {
      const first = await begun();
      await store.reschedule(
        first.id,
        first.leaseToken,
        retry({ nextAttemptAt: T0, deadlineAt: T0 + 10 }),
      );
      const work = await claimOne(T0);
      await store.finish(first.id, work.leaseToken, {
        status: 'failed',
        httpStatus: 503,
        response: {},
      });
      expect(await store.get(first.id)).toMatchObject({ attempts: 1 });
      const retried = (await store.begin(again(first))) as Extract<
        BeginResult,
        { kind: 'created' }
      >;
      expect(retried.kind).toBe('created');
      expect(await store.get(first.id)).toMatchObject({ attempts: 0, nextAttemptAt: null });
      tick(60_000);
      await store.reschedule(
        first.id,
        retried.leaseToken,
        retry({ nextAttemptAt: T0, deadlineAt: T0 + 99_999 }),
      );
      expect(await claimOne(T0 + 60_000)).toMatchObject({ deadlineAt: T0 + 99_999, attempts: 1 });
    });

    it('gives a 5xx failure to only one of two concurrent retries', async () => {
      const other = await peer();
      for (let round = 0; round < 5; round++) {
        const first = await begun();
        await store.finish(first.id, first.leaseToken, {
          status: 'failed',
          httpStatus: 502,
          response: { code: 'provider_unavailable' },
        });
        const results = await Promise.all([store.begin(again(first)), other.begin(again(first))]);
        expect(results.map((r) => r.kind).sort()).toEqual(['created', 'in_progress']);
        for (const result of results) expect(result).toMatchObject({ id: first.id });
        expect(await store.history(first.id, 'retry', 0)).toMatchObject({ count: 1 });
      }
    });

    it('gives a new key to only one of several concurrent begins', async () => {
      const stores = [store, await peer(), await peer(), store];
      const e = entry();
      const results = await Promise.all(stores.map((s) => s.begin(again(e))));
      const winners = results.filter((r) => r.kind === 'created');
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      expect(results.filter((r) => r.kind === 'in_progress')).toEqual([
        { kind: 'in_progress', id: winner.id },
        { kind: 'in_progress', id: winner.id },
        { kind: 'in_progress', id: winner.id },
      ]);
      expect(await store.list({})).toHaveLength(1);
    });

    it('keeps submissions and answers exactly as given (key order, unicode, \\u0000)', async () => {
      const submission = {
        z: 'last first',
        a: ['ü', '日本', '\u0000', 1.5, null],
        nested: { b: 2, a: 1 },
      };
      const first = await begun({ submission });
      const answer = { status: 'completed', zeta: 1, alpha: { y: true, x: 'Zoë \u0000' } };
      await store.reschedule(first.id, first.leaseToken, retry({ nextAttemptAt: T0 }));
      const work = await claimOne(T0);
      expect(JSON.stringify(work.submission)).toBe(JSON.stringify(submission));
      await store.finish(first.id, work.leaseToken, {
        status: 'completed',
        httpStatus: 201,
        response: answer,
        providerState: { z: '1', a: '2' },
      });
      const replay = await store.begin(again(first));
      expect(replay.kind === 'replay' && JSON.stringify(replay.response)).toBe(
        JSON.stringify(answer),
      );
      expect(JSON.stringify((await store.get(first.id))?.providerState)).toBe('{"z":"1","a":"2"}');
    });

    const reclaimed = async (first: NewRegistration) => {
      const result = await store.begin(again(first));
      if (result.kind !== 'created') throw new Error(`expected created, got ${result.kind}`);
      expect(result.id).toBe(first.id);
      return result;
    };

    it('tells a reclaimed 5xx failure its outcome is unknown, and keeps it so', async () => {
      const first = await begun();
      await store.finish(first.id, first.leaseToken, {
        status: 'failed',
        httpStatus: 504,
        response: { code: 'provider_unavailable' },
        outcomeUnknown: true,
      });
      const second = await reclaimed(first);
      expect(second.outcomeUnknown).toBe(true);
      // A later failure whose answer was clear does not clear it: the first may have gone through.
      await store.finish(first.id, second.leaseToken, {
        status: 'failed',
        httpStatus: 503,
        outcomeUnknown: false,
      });
      const third = await reclaimed(first);
      expect(third.outcomeUnknown).toBe(true);
      // Nor does the outbox: it still reconciles.
      await store.reschedule(first.id, third.leaseToken, retry({ nextAttemptAt: T0 }));
      expect(await claimOne(T0)).toMatchObject({ id: first.id, outcomeUnknown: true });
    });

    it('keeps outcomeUnknown from a lease taken over through a later 5xx reclaim', async () => {
      const first = await begun({ leaseMs: 1_000 });
      const work = await claimOne(T0 + 1_001);
      expect(work.outcomeUnknown).toBe(true);
      await store.finish(first.id, work.leaseToken, { status: 'failed', httpStatus: 503 });
      expect((await reclaimed(first)).outcomeUnknown).toBe(true);
    });

    it('reclaims a 5xx failure whose answer was clear with outcomeUnknown false', async () => {
      const first = await begun();
      await store.finish(first.id, first.leaseToken, { status: 'failed', httpStatus: 503 });
      expect((await reclaimed(first)).outcomeUnknown).toBe(false);
    });

    const TOKEN = 'a'.repeat(64);

    it('admits one registration per form token: another key with it writes nothing', async () => {
      const first = await begun({ formTokenHash: TOKEN });
      tick();
      const second = entry({ formTokenHash: TOKEN });
      expect(await store.begin(second)).toEqual({ kind: 'token_used' });
      expect(await store.get(second.id)).toBeUndefined();
      expect(await store.hasKey('acme', second.idempotencyKey)).toBe(false);
      expect((await store.list({})).map((r) => r.id)).toEqual([first.id]);
      // Even after the first one is finished.
      await store.finish(first.id, first.leaseToken, { status: 'completed', httpStatus: 201 });
      expect(await store.begin(entry({ formTokenHash: TOKEN }))).toEqual({ kind: 'token_used' });
      // Per flow; and registrations without a token never collide.
      expect(await store.begin(entry({ flowId: 'other', formTokenHash: TOKEN }))).toMatchObject({
        kind: 'created',
      });
      expect(await store.begin(entry())).toMatchObject({ kind: 'created' });
      expect(await store.begin(entry())).toMatchObject({ kind: 'created' });
      expect(await store.begin(entry({ formTokenHash: 'b'.repeat(64) }))).toMatchObject({
        kind: 'created',
      });
    });

    it('answers the same key with its form token as without one', async () => {
      const first = await begun({ formTokenHash: TOKEN });
      const same = (): NewRegistration => ({ ...again(first), formTokenHash: TOKEN });
      expect(await store.begin(same())).toEqual({ kind: 'in_progress', id: first.id });
      expect(await store.begin({ ...same(), requestHash: 'hash-2' })).toEqual({
        kind: 'key_reused',
      });
      await store.finish(first.id, first.leaseToken, { status: 'failed', httpStatus: 503 });
      const retried = await store.begin(same());
      expect(retried).toMatchObject({ kind: 'created', id: first.id, outcomeUnknown: false });
      const { leaseToken } = retried as Extract<BeginResult, { kind: 'created' }>;
      await store.finish(first.id, leaseToken, {
        status: 'completed',
        httpStatus: 201,
        response: { ok: true },
      });
      expect(await store.begin(same())).toEqual({
        kind: 'replay',
        id: first.id,
        httpStatus: 201,
        response: { ok: true },
      });
      // A retry that came with a newer form token is still the same key's.
      expect(await store.begin({ ...same(), formTokenHash: 'c'.repeat(64) })).toMatchObject({
        kind: 'replay',
      });
    });

    it('refuses a used form token without undoing the writes it was batched with', async () => {
      const [a, b, c] = [
        entry({ formTokenHash: TOKEN }),
        entry({ formTokenHash: TOKEN }),
        entry({ formTokenHash: 'd'.repeat(64) }),
      ];
      // One tick: SQLite commits these three in one transaction.
      const results = await Promise.all([a, b, c].map((e) => store.begin(e)));
      expect(results.map((r) => r.kind)).toEqual(['created', 'token_used', 'created']);
      expect(await store.get(a.id)).toMatchObject({ status: 'pending' });
      expect(await store.get(b.id)).toBeUndefined();
      expect(await store.get(c.id)).toMatchObject({ status: 'pending' });
      expect(await (await peer()).get(c.id)).toMatchObject({ status: 'pending' });
    });

    it('gives a form token to only one of two concurrent begins with other keys', async () => {
      const other = await peer();
      for (let round = 0; round < 5; round++) {
        const token = randomUUID();
        const [a, b] = [entry({ formTokenHash: token }), entry({ formTokenHash: token })];
        const results = await Promise.all([store.begin(a), other.begin(b)]);
        expect(results.map((r) => r.kind).sort()).toEqual(['created', 'token_used']);
        const winner = results[0].kind === 'created' ? a : b;
        expect(await store.list({})).toHaveLength(round + 1);
        expect(await store.get(winner.id)).toMatchObject({ status: 'pending' });
      }
    });
  });

  describe('finish', () => {
    it('records the outcome and releases the lease', async () => {
      const reg = await begun();
      tick(250);
      expect(
        await store.finish(reg.id, reg.leaseToken, {
          status: 'awaiting-approval',
          httpStatus: 202,
          response: { status: 'awaiting-approval' },
          providerRef: 'P-1',
          providerState: { email: 'jane@example.com' },
          detail: 'awaiting_approval',
        }),
      ).toBe(true);
      expect(await store.get(reg.id)).toMatchObject({
        status: 'awaiting-approval',
        providerRef: 'P-1',
        providerState: { email: 'jane@example.com' },
        response: { status: 'awaiting-approval' },
        nextAttemptAt: null,
        lastDetail: 'awaiting_approval',
        updatedAt: new Date(T0 + 250),
      });
      // The lease is gone with it: the same token cannot write twice.
      expect(await store.finish(reg.id, reg.leaseToken, { status: 'failed' })).toBe(false);
      expect(await store.reschedule(reg.id, reg.leaseToken, retry())).toBe(false);
      expect((await store.get(reg.id))?.status).toBe('awaiting-approval');
    });

    it('refuses a lease token that does not hold and changes nothing', async () => {
      const reg = await begun();
      const before = await store.get(reg.id);
      tick();
      expect(await store.finish(reg.id, randomUUID(), { status: 'completed', detail: 'x' })).toBe(
        false,
      );
      expect(await store.finish(randomUUID(), reg.leaseToken, { status: 'completed' })).toBe(false);
      expect(await store.get(reg.id)).toEqual(before);
      expect(await store.history(reg.id, 'x', 0)).toEqual({ count: 0, first: null, last: null });
    });

    it('refuses the token of a holder whose work was taken over', async () => {
      const reg = await begun({ leaseMs: 1_000 });
      const work = await claimOne(T0 + 1_001);
      const before = await store.get(reg.id);
      tick(5_000);
      expect(
        await store.finish(reg.id, reg.leaseToken, { status: 'completed', httpStatus: 201 }),
      ).toBe(false);
      expect(await store.reschedule(reg.id, reg.leaseToken, retry())).toBe(false);
      expect(await store.get(reg.id)).toEqual(before);
      expect(await store.finish(reg.id, work.leaseToken, { status: 'completed' })).toBe(true);
    });

    it('keeps the answer already given (202 queued) when finishing without one', async () => {
      const reg = await begun();
      await store.reschedule(
        reg.id,
        reg.leaseToken,
        retry({ nextAttemptAt: T0, httpStatus: 202, response: QUEUED_ANSWER }),
      );
      const work = await claimOne(T0);
      expect(
        await store.finish(reg.id, work.leaseToken, {
          status: 'completed',
          providerRef: 'P-9',
          detail: 'completed',
        }),
      ).toBe(true);
      expect(await store.get(reg.id)).toMatchObject({
        status: 'completed',
        providerRef: 'P-9',
        response: QUEUED_ANSWER,
        lastDetail: 'completed',
      });
      expect(await store.begin(again(reg))).toEqual({
        kind: 'replay',
        id: reg.id,
        httpStatus: 202,
        response: QUEUED_ANSWER,
      });
    });

    it('keeps the provider ref and state already recorded when given none', async () => {
      const reg = await begun();
      await store.reschedule(reg.id, reg.leaseToken, retry({ nextAttemptAt: T0 }));
      const work = await claimOne(T0);
      await store.finish(reg.id, work.leaseToken, {
        status: 'awaiting-approval',
        httpStatus: 202,
        response: {},
        providerRef: 'P-2',
        providerState: { step: 'approval' },
      });
      await store.note(reg.id, { detail: 'approved', status: 'completed' });
      expect(await store.get(reg.id)).toMatchObject({
        status: 'completed',
        providerRef: 'P-2',
        providerState: { step: 'approval' },
        lastDetail: 'approved',
      });
    });
  });

  describe('rejected', () => {
    it('is final: replayed, never claimed or requeued, listed, not in the outbox', async () => {
      const reg = await begun();
      const problem = { code: 'already_registered' };
      expect(
        await store.finish(reg.id, reg.leaseToken, {
          status: 'rejected',
          httpStatus: 409,
          response: problem,
          detail: 'already_registered:email',
        }),
      ).toBe(true);
      const failed = await begun();
      await store.finish(failed.id, failed.leaseToken, { status: 'failed', httpStatus: 502 });
      expect(await store.get(reg.id)).toMatchObject({
        status: 'rejected',
        response: problem,
        lastDetail: 'already_registered:email',
      });
      expect(await store.begin(again(reg))).toEqual({
        kind: 'replay',
        id: reg.id,
        httpStatus: 409,
        response: problem,
      });
      expect(await store.claimDue(T0 + 86_400_000, 10, LEASE)).toEqual([]);
      const before = await store.get(reg.id);
      expect(await store.requeue(reg.id, T0 + 1, QUEUED(reg.id))).toBe(false);
      expect(await store.get(reg.id)).toEqual(before);
      expect((await store.list({ status: 'rejected' })).map((r) => r.id)).toEqual([reg.id]);
      expect((await store.list({ status: 'failed' })).map((r) => r.id)).toEqual([failed.id]);
      expect(await store.outboxStats(T0 + 86_400_000)).toEqual({
        depth: 0,
        oldestCreatedAt: null,
      });
    });

    it('is never reclaimed by the same key, even with a 5xx answer', async () => {
      const reg = await begun();
      await store.finish(reg.id, reg.leaseToken, { status: 'rejected', httpStatus: 503 });
      expect(await store.begin(again(reg))).toMatchObject({ kind: 'replay', httpStatus: 503 });
    });
  });

  describe('reschedule', () => {
    it('queues for a later attempt and releases the lease', async () => {
      const reg = await begun();
      tick(10);
      expect(
        await store.reschedule(reg.id, reg.leaseToken, retry({ nextAttemptAt: T0 + 60_000 })),
      ).toBe(true);
      expect(await store.get(reg.id)).toMatchObject({
        status: 'queued',
        nextAttemptAt: new Date(T0 + 60_000),
        attempts: 0,
        lastDetail: 'provider_unavailable',
        updatedAt: new Date(T0 + 10),
      });
      expect(await store.finish(reg.id, reg.leaseToken, { status: 'completed' })).toBe(false);
      expect(await store.reschedule(reg.id, reg.leaseToken, retry())).toBe(false);
    });

    it('refuses a stale lease token and changes nothing', async () => {
      const reg = await begun();
      const before = await store.get(reg.id);
      tick();
      expect(await store.reschedule(reg.id, randomUUID(), retry({ detail: 'stale' }))).toBe(false);
      expect(await store.get(reg.id)).toEqual(before);
      expect((await store.history(reg.id, 'stale', 0)).count).toBe(0);
    });

    it('keeps the first deadline', async () => {
      const reg = await begun();
      await store.reschedule(
        reg.id,
        reg.leaseToken,
        retry({ nextAttemptAt: T0, deadlineAt: T0 + 1_000 }),
      );
      const first = await claimOne(T0);
      expect(first.deadlineAt).toBe(T0 + 1_000);
      await store.reschedule(
        reg.id,
        first.leaseToken,
        retry({ nextAttemptAt: T0, deadlineAt: T0 + 9_999 }),
      );
      expect((await claimOne(T0)).deadlineAt).toBe(T0 + 1_000);
    });

    it('gives the first answer (202) where none was given, and keeps it afterwards', async () => {
      const reg = await begun();
      await store.reschedule(reg.id, reg.leaseToken, retry({ nextAttemptAt: T0 }));
      expect(await store.begin(again(reg))).toEqual({
        kind: 'in_progress',
        id: reg.id,
      });
      const first = await claimOne(T0);
      await store.reschedule(
        reg.id,
        first.leaseToken,
        retry({ nextAttemptAt: T0, httpStatus: 202, response: QUEUED_ANSWER }),
      );
      const second = await claimOne(T0);
      await store.reschedule(
        reg.id,
        second.leaseToken,
        retry({ nextAttemptAt: T0, httpStatus: 202, response: { status: 'queued', other: 1 } }),
      );
      expect(await store.begin(again(reg))).toEqual({
        kind: 'replay',
        id: reg.id,
        httpStatus: 202,
        response: QUEUED_ANSWER,
      });
      expect((await store.get(reg.id))?.response).toEqual(QUEUED_ANSWER);
    });

    it('ORs outcomeUnknown: once unknown, it stays unknown', async () => {
      const reg = await begun();
      await store.reschedule(reg.id, reg.leaseToken, retry({ nextAttemptAt: T0 }));
      const first = await claimOne(T0);
      expect(first.outcomeUnknown).toBe(false);
      await store.reschedule(
        reg.id,
        first.leaseToken,
        retry({ nextAttemptAt: T0, outcomeUnknown: true }),
      );
      const second = await claimOne(T0);
      expect(second.outcomeUnknown).toBe(true);
      await store.reschedule(
        reg.id,
        second.leaseToken,
        retry({ nextAttemptAt: T0, outcomeUnknown: false }),
      );
      expect((await claimOne(T0)).outcomeUnknown).toBe(true);
    });
  });

  describe('claimDue', () => {
    it('takes queued registrations whose time has come, not future ones', async () => {
      const soon = await queued(T0 + 10, { deadlineAt: T0 + 5_000 });
      const later = await queued(T0 + 20);
      expect(await store.claimDue(T0 + 9, 10, LEASE)).toEqual([]);
      const [work, ...rest] = await store.claimDue(T0 + 10, 10, LEASE);
      expect(rest).toEqual([]);
      expect(work).toEqual({
        id: soon.id,
        flowId: 'acme',
        status: 'queued',
        submission: soon.submission,
        attempts: 1,
        outcomeUnknown: false,
        deadlineAt: T0 + 5_000,
        leaseToken: expect.any(String),
        createdAt: new Date(T0),
        // No registry was asked for this one: no evidence for its webhooks to carry.
        verification: [],
      });
      expect(work!.leaseToken).not.toBe(soon.leaseToken);
      expect((await store.claimDue(T0 + 20, 10, LEASE)).map((w) => w.id)).toEqual([later.id]);
      expect(await store.get(soon.id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        lastDetail: 'attempt 1',
        updatedAt: new Date(T0 + 10),
      });
    });

    it('takes pending registrations whose lease ran out, their outcome unknown', async () => {
      const reg = await begun({ leaseMs: 1_000 });
      expect(await store.claimDue(T0 + 1_000, 10, LEASE)).toEqual([]);
      const work = await claimOne(T0 + 1_001);
      expect(work).toMatchObject({
        id: reg.id,
        status: 'pending',
        attempts: 1,
        outcomeUnknown: true,
        deadlineAt: null,
      });
      expect(await store.get(reg.id)).toMatchObject({ status: 'pending', attempts: 1 });
      // Taken over: the request handler's lease is gone, the worker's holds.
      expect(await store.claimDue(T0 + 1_002, 10, LEASE)).toEqual([]);
      expect(await store.finish(reg.id, reg.leaseToken, { status: 'completed' })).toBe(false);
    });

    it('leaves registrations still leased, and takes them back when the claimer dies', async () => {
      const reg = await queued(T0);
      const first = await claimOne(T0, 5_000);
      expect(await store.claimDue(T0 + 5_000, 10, LEASE)).toEqual([]);
      const second = await claimOne(T0 + 5_001);
      expect(second).toMatchObject({
        id: reg.id,
        status: 'queued',
        attempts: 2,
        outcomeUnknown: true,
      });
      expect(await store.reschedule(reg.id, first.leaseToken, retry())).toBe(false);
      expect(await store.finish(reg.id, second.leaseToken, { status: 'completed' })).toBe(true);
    });

    it('never takes final registrations', async () => {
      for (const status of ['completed', 'failed', 'rejected', 'awaiting-approval'] as const) {
        const reg = await begun({ leaseMs: 1 });
        await store.finish(reg.id, reg.leaseToken, { status, httpStatus: 200, response: {} });
      }
      expect(await store.claimDue(T0 + 86_400_000, 10, LEASE)).toEqual([]);
    });

    it('counts and journals every attempt at the time it is given', async () => {
      const reg = await queued(T0);
      const at = T0 + 3_600_000; // a worker's clock, not the store's
      await claimOne(at);
      expect(await store.history(reg.id, 'attempt 1', 0)).toEqual({
        count: 1,
        first: at,
        last: at,
      });
      expect(await store.history(reg.id, 'attempt 1', at + 1)).toEqual({
        count: 0,
        first: null,
        last: null,
      });
    });

    it('takes at most `limit`, those due longest first', async () => {
      const expired = await begun({ leaseMs: 1 }); // due since its creation (T0)
      tick();
      const regs: { due: number; id: string }[] = [];
      for (const n of [5, 1, 4, 2, 3])
        regs.push({ due: T0 + 100 * n, id: (await queued(T0 + 100 * n)).id });
      const [first, second, third, fourth, fifth] = regs
        .sort((a, b) => a.due - b.due)
        .map((r) => r.id);
      const claim = async () => (await store.claimDue(T0 + 1_000, 2, LEASE)).map((w) => w.id);
      expect(await claim()).toEqual([expired.id, first]);
      expect(await claim()).toEqual([second, third]);
      expect(await claim()).toEqual([fourth, fifth]);
      expect(await claim()).toEqual([]);
    });

    it('never hands the same registration to two concurrent claims', async () => {
      const claimers = [store, store, await peer(), await peer()];
      // Leases outlasting every run: a registration claimed once is never due again here.
      const lease = 1_000_000_000;
      for (let run = 0; run < 3; run++) {
        const at = T0 + 1_000_000 * (run + 1);
        const ids = new Set<string>();
        for (let i = 0; i < 50; i++) ids.add((await queued(at - 1)).id);
        const claimed: string[] = [];
        for (let round = 0; round < 3; round++) {
          const batches = await Promise.all(claimers.map((c) => c.claimDue(at, 5, lease)));
          for (const batch of batches) claimed.push(...batch.map((w) => w.id));
        }
        // Rows skipped while another claim held them are still there for the next one.
        for (let batch = await store.claimDue(at, 7, lease); batch.length;) {
          claimed.push(...batch.map((w) => w.id));
          batch = await store.claimDue(at, 7, lease);
        }
        expect(claimed).toHaveLength(50);
        expect(new Set(claimed)).toEqual(ids);
      }
    });
  });

  const QUEUED = (id: string) => ({ httpStatus: 202, response: { id, status: 'queued' } });

  describe('requeue', () => {
    it('queues a failed registration again, due now, with the new deadline', async () => {
      const reg = await begun();
      await store.reschedule(
        reg.id,
        reg.leaseToken,
        retry({ nextAttemptAt: T0, deadlineAt: T0 + 10 }),
      );
      const work = await claimOne(T0);
      await store.finish(reg.id, work.leaseToken, { status: 'failed', detail: 'deadline_passed' });
      tick(60_000);
      expect(await store.requeue(reg.id, T0 + 999_999, QUEUED(reg.id))).toBe(true);
      expect(await store.get(reg.id)).toMatchObject({
        status: 'queued',
        nextAttemptAt: new Date(T0 + 60_000),
        lastDetail: 'operator retry',
        updatedAt: new Date(T0 + 60_000),
      });
      expect(await claimOne(T0 + 60_000)).toMatchObject({
        id: reg.id,
        attempts: 2,
        deadlineAt: T0 + 999_999,
      });
      // The same key is now answered "queued", not the failure.
      expect(await store.get(reg.id)).toMatchObject({ response: QUEUED(reg.id).response });
    });

    it('refuses anything but a failed registration', async () => {
      const pending = await begun();
      const waiting = await queued(T0 + 50);
      const done = await begun();
      await store.finish(done.id, done.leaseToken, { status: 'completed', httpStatus: 201 });
      const approval = await begun();
      await store.finish(approval.id, approval.leaseToken, { status: 'awaiting-approval' });
      const refused = await begun();
      await store.finish(refused.id, refused.leaseToken, { status: 'rejected', httpStatus: 409 });
      for (const reg of [pending, waiting, done, approval, refused]) {
        const before = await store.get(reg.id);
        expect(await store.requeue(reg.id, T0 + 1, QUEUED(reg.id))).toBe(false);
        expect(await store.get(reg.id)).toEqual(before);
      }
      expect(await store.requeue(randomUUID(), T0 + 1, QUEUED('x'))).toBe(false);
    });
  });

  describe('get and list', () => {
    it('answers undefined for an unknown id', async () => {
      expect(await store.get(randomUUID())).toBeUndefined();
    });

    it('filters by status and flow, newest first, with the latest detail', async () => {
      const a = await begun({ flowId: 'acme' });
      tick();
      const b = await begun({ flowId: 'other' });
      await store.finish(b.id, b.leaseToken, {
        status: 'failed',
        httpStatus: 422,
        detail: 'rejected',
      });
      tick();
      const c = await begun({ flowId: 'acme' });
      await store.reschedule(c.id, c.leaseToken, retry({ detail: 'timeout' }));
      tick();
      const d = await begun({ flowId: 'acme' });
      await store.finish(d.id, d.leaseToken, { status: 'failed', httpStatus: 503, detail: 'down' });

      const ids = async (query: Parameters<Store['list']>[0]) =>
        (await store.list(query)).map((r) => r.id);
      expect(await ids({})).toEqual([d.id, c.id, b.id, a.id]);
      expect(await ids({ status: 'failed' })).toEqual([d.id, b.id]);
      expect(await ids({ flowId: 'acme' })).toEqual([d.id, c.id, a.id]);
      expect(await ids({ flowId: 'acme', status: 'failed' })).toEqual([d.id]);
      expect(await ids({ status: 'completed' })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual([d.id, c.id]);
      expect(await ids({ limit: 0 })).toEqual([d.id]);
      expect((await store.list({})).map((r) => [r.status, r.lastDetail])).toEqual([
        ['failed', 'down'],
        ['queued', 'timeout'],
        ['failed', 'rejected'],
        ['pending', null],
      ]);
      expect((await store.list({ flowId: 'other' }))[0]).toEqual(await store.get(b.id));
    });

    it('lists 50 by default and never more than 500', async () => {
      for (let i = 0; i < 501; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, 501 - i) }, () => store.begin(entry())),
        );
      }
      expect(await store.list({})).toHaveLength(50);
      expect(await store.list({ limit: 10_000 })).toHaveLength(500);
    });

    it('orders the history of one millisecond by insertion', async () => {
      const reg = await begun();
      for (const detail of ['b', 'a', 'c', 'resend', 'verified']) {
        await store.note(reg.id, { detail });
      }
      expect((await store.get(reg.id))?.lastDetail).toBe('verified');
      expect((await store.list({}))[0]?.lastDetail).toBe('verified');
    });
  });

  describe('outboxStats', () => {
    it('counts queued registrations and pending ones whose lease ran out', async () => {
      expect(await store.outboxStats(T0)).toEqual({ depth: 0, oldestCreatedAt: null });
      const stale = await begun({ leaseMs: 1_000 }); // created at T0
      tick(10);
      await begun(); // alive: not waiting
      tick(10);
      await queued(T0 + 3_600_000); // waiting, even if not due yet
      tick(10);
      const done = await begun();
      await store.finish(done.id, done.leaseToken, { status: 'failed', httpStatus: 503 });
      tick(10);
      const claimed = await queued(T0);
      await claimOne(T0 + 40); // queued and leased to a worker: still counted

      expect(await store.outboxStats(T0 + 1_000)).toEqual({ depth: 2, oldestCreatedAt: T0 + 20 });
      expect(await store.outboxStats(T0 + 1_001)).toEqual({ depth: 3, oldestCreatedAt: T0 });
      expect((await store.get(stale.id))?.createdAt).toEqual(new Date(T0));
      expect((await store.get(claimed.id))?.createdAt).toEqual(new Date(T0 + 40));
    });
  });

  describe('findByProviderRef', () => {
    it('finds the newest registration of a flow with that provider key', async () => {
      const older = await begun();
      await store.finish(older.id, older.leaseToken, { status: 'completed', providerRef: 'K-1' });
      tick();
      const newer = await begun();
      await store.finish(newer.id, newer.leaseToken, {
        status: 'awaiting-approval',
        providerRef: 'K-1',
        detail: 'awaiting',
      });
      const found = await store.findByProviderRef('acme', 'K-1');
      expect(found).toEqual(await store.get(newer.id));
      expect(found).toMatchObject({ providerRef: 'K-1', lastDetail: 'awaiting' });
      expect(await store.findByProviderRef('other', 'K-1')).toBeUndefined();
      expect(await store.findByProviderRef('acme', 'K-2')).toBeUndefined();
    });
  });

  describe('note and history', () => {
    it('changes the status when the entry says so, and only then', async () => {
      const reg = await begun();
      await store.finish(reg.id, reg.leaseToken, {
        status: 'awaiting-approval',
        httpStatus: 202,
        response: {},
      });
      tick(5);
      await store.note(reg.id, { detail: 'resend' });
      expect(await store.get(reg.id)).toMatchObject({
        status: 'awaiting-approval',
        lastDetail: 'resend',
        updatedAt: new Date(T0),
      });
      tick(5);
      await store.note(reg.id, { detail: 'rejected', status: 'failed' });
      expect(await store.get(reg.id)).toMatchObject({
        status: 'failed',
        lastDetail: 'rejected',
        updatedAt: new Date(T0 + 10),
      });
    });

    it('counts entries since a time, with the first and last', async () => {
      const reg = await begun();
      const other = await begun();
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        tick(1_000);
        times.push(now());
        await store.note(reg.id, { detail: 'verify_failed' });
        await store.note(other.id, { detail: 'verify_failed' });
      }
      await store.note(reg.id, { detail: 'resend' });
      expect(await store.history(reg.id, 'verify_failed', 0)).toEqual({
        count: 3,
        first: times[0],
        last: times[2],
      });
      expect(await store.history(reg.id, 'verify_failed', times[1]!)).toEqual({
        count: 2,
        first: times[1],
        last: times[2],
      });
      expect(await store.history(reg.id, 'verify_failed', times[2]! + 1)).toEqual({
        count: 0,
        first: null,
        last: null,
      });
      expect(await store.history(reg.id, 'verified', 0)).toEqual({
        count: 0,
        first: null,
        last: null,
      });
      expect(await store.history(randomUUID(), 'verify_failed', 0)).toMatchObject({ count: 0 });
    });

    it('ignores a note for an unknown registration', async () => {
      const id = randomUUID();
      await expect(
        store.note(id, { detail: 'approved', status: 'completed' }),
      ).resolves.toBeUndefined();
      expect(await store.get(id)).toBeUndefined();
      expect(await store.history(id, 'approved', 0)).toMatchObject({ count: 0 });
    });
  });

  describe('reserveStep and releaseStep', () => {
    const LIMITS: StepLimits = { verifyAttempts: 5, resendCooldownMs: 60_000, resendsPerHour: 5 };
    const HOUR = 3_600_000;
    /** A registration waiting for its code: answered, so the steps keep `awaiting-approval`. */
    async function waiting() {
      const reg = await begun();
      await store.finish(reg.id, reg.leaseToken, {
        status: 'awaiting-approval',
        httpStatus: 201,
        response: { next: { type: 'verify-code' } },
      });
      return reg.id;
    }
    const reserve = (id: string, kind: StepKind, at: number, on: Store = store) =>
      on.reserveStep(id, kind, at, LIMITS);
    async function admitted(id: string, kind: StepKind, at: number): Promise<string> {
      const result = await reserve(id, kind, at);
      if (!result.ok) throw new Error(`${kind} at ${at - T0} refused: ${result.reason}`);
      return result.ticket;
    }
    const count = async (id: string, detail: string) => (await store.history(id, detail, 0)).count;

    it('admits verifyAttempts attempts per code, then nothing until a resend', async () => {
      const id = await waiting();
      const tickets: string[] = [];
      for (let i = 0; i < 5; i++) tickets.push(await admitted(id, 'verify', T0 + i));
      expect(new Set(tickets).size).toBe(5);
      for (const ticket of tickets) expect(ticket).toMatch(/^[0-9]+$/);
      // Never resent: a resend is allowed now, yet the answer never says "now".
      expect(await reserve(id, 'verify', T0 + 10)).toEqual({
        ok: false,
        reason: 'verify_attempts',
        retryAfterMs: 1_000,
      });
      expect(await reserve(id, 'verify', T0 + HOUR * 24)).toMatchObject({ ok: false });
      // Refusals write nothing; the entries keep the status and show in the history.
      expect(await store.history(id, 'verify_attempt', 0)).toEqual({
        count: 5,
        first: T0,
        last: T0 + 4,
      });
      expect(await store.get(id)).toMatchObject({
        status: 'awaiting-approval',
        lastDetail: 'verify_attempt',
        updatedAt: new Date(T0),
      });
    });

    it('counts verify attempts afresh after each resend; refused, waits for the next', async () => {
      const id = await waiting();
      for (let i = 0; i < 5; i++) await admitted(id, 'verify', T0 + i);
      await admitted(id, 'resend', T0 + 10_000);
      for (let i = 0; i < 5; i++) await admitted(id, 'verify', T0 + 20_000 + i);
      // The cool-down after the resend at +10 s ends at +70 s.
      expect(await reserve(id, 'verify', T0 + 30_000)).toEqual({
        ok: false,
        reason: 'verify_attempts',
        retryAfterMs: 40_000,
      });
      expect(await reserve(id, 'verify', T0 + 69_500)).toMatchObject({ retryAfterMs: 1_000 });
      await admitted(id, 'resend', T0 + 70_000);
      await admitted(id, 'verify', T0 + 70_001);
      expect(await count(id, 'verify_attempt')).toBe(11);
    });

    it('refuses a resend within the cool-down, with the rest of it', async () => {
      const id = await waiting();
      await admitted(id, 'resend', T0);
      expect(await reserve(id, 'resend', T0 + 1)).toEqual({
        ok: false,
        reason: 'resend_cooldown',
        retryAfterMs: 59_999,
      });
      expect(await reserve(id, 'resend', T0 + 59_999)).toEqual({
        ok: false,
        reason: 'resend_cooldown',
        retryAfterMs: 1,
      });
      await admitted(id, 'resend', T0 + 60_000);
      expect(await count(id, 'resend')).toBe(2);
    });

    it('refuses more than resendsPerHour in a rolling hour, until the earliest is an hour old', async () => {
      const id = await waiting();
      for (let i = 0; i < 5; i++) await admitted(id, 'resend', T0 + i * 60_000);
      // Both limits bite just after the fifth: the hourly one is the answer.
      expect(await reserve(id, 'resend', T0 + 240_001)).toEqual({
        ok: false,
        reason: 'resend_hourly',
        retryAfterMs: HOUR - 240_001,
      });
      expect(await reserve(id, 'resend', T0 + HOUR - 1)).toEqual({
        ok: false,
        reason: 'resend_hourly',
        retryAfterMs: 1,
      });
      // A verify refusal waits for that too: the time until a resend is admitted.
      for (let i = 0; i < 5; i++) await admitted(id, 'verify', T0 + 300_000 + i);
      expect(await reserve(id, 'verify', T0 + 300_000)).toEqual({
        ok: false,
        reason: 'verify_attempts',
        retryAfterMs: HOUR - 300_000,
      });
      // At +1 h the first (at T0) is an hour old and no longer counts.
      await admitted(id, 'resend', T0 + HOUR);
      // Now +60 s … +240 s and +1 h: full again until the one at +60 s is an hour old.
      expect(await reserve(id, 'resend', T0 + HOUR + 50_000)).toEqual({
        ok: false,
        reason: 'resend_hourly',
        retryAfterMs: 10_000,
      });
      await admitted(id, 'resend', T0 + HOUR + 60_000);
      expect(await count(id, 'resend')).toBe(7);
    });

    it('counts the resends older code wrote through note', async () => {
      const id = await waiting();
      for (let i = 0; i < 5; i++) await admitted(id, 'verify', T0 + i);
      await store.note(id, { detail: 'resend' }); // at Date.now(): T0
      await admitted(id, 'verify', T0 + 5);
      expect(await reserve(id, 'resend', T0 + 30_000)).toEqual({
        ok: false,
        reason: 'resend_cooldown',
        retryAfterMs: 30_000,
      });
      for (let i = 1; i < 5; i++) {
        tick(60_000);
        await store.note(id, { detail: 'resend' });
      }
      expect(await reserve(id, 'resend', T0 + 300_000)).toEqual({
        ok: false,
        reason: 'resend_hourly',
        retryAfterMs: HOUR - 300_000,
      });
      // Over the limit (older code did not stop at it): admitted once enough are an hour old,
      // here the second earliest, not the earliest.
      tick(60_000);
      await store.note(id, { detail: 'resend' });
      expect(await reserve(id, 'resend', T0 + 300_000)).toEqual({
        ok: false,
        reason: 'resend_hourly',
        retryAfterMs: HOUR - 240_000,
      });
    });

    it('stops counting a released attempt, keeping it in the history marked', async () => {
      const id = await waiting();
      const tickets: string[] = [];
      for (let i = 0; i < 5; i++) tickets.push(await admitted(id, 'verify', T0 + i));
      await store.releaseStep(id, tickets[2]!);
      await admitted(id, 'verify', T0 + 10);
      expect(await reserve(id, 'verify', T0 + 11)).toMatchObject({ ok: false });
      // Twice, or a ticket that names no step of this registration: nothing happens.
      const other = await waiting();
      const foreign = await admitted(other, 'verify', T0);
      for (const ticket of [tickets[2]!, foreign, '999999999', 'abc', '', '-1', '1'.repeat(40)]) {
        await expect(store.releaseStep(id, ticket)).resolves.toBeUndefined();
      }
      await expect(store.releaseStep(randomUUID(), tickets[0]!)).resolves.toBeUndefined();
      expect(await reserve(id, 'verify', T0 + 12)).toMatchObject({ ok: false });
      expect(await count(id, 'verify_attempt')).toBe(5);
      expect(await count(id, 'verify_attempt_released')).toBe(1);
      expect(await count(other, 'verify_attempt')).toBe(1);
    });

    it('forgets a released resend: its cool-down, and the new count it started', async () => {
      const id = await waiting();
      for (let i = 0; i < 5; i++) await admitted(id, 'verify', T0 + i);
      const resend = await admitted(id, 'resend', T0 + 10);
      await admitted(id, 'verify', T0 + 11);
      await store.releaseStep(id, resend);
      expect(await count(id, 'resend_released')).toBe(1);
      // Six attempts at the first code now.
      expect(await reserve(id, 'verify', T0 + 12)).toMatchObject({ reason: 'verify_attempts' });
      await admitted(id, 'resend', T0 + 13);
      expect(await count(id, 'resend')).toBe(1);
    });

    it('rejects a step of an unknown registration, writing nothing', async () => {
      const id = randomUUID();
      await expect(reserve(id, 'verify', T0)).rejects.toThrow();
      await expect(reserve(id, 'resend', T0)).rejects.toThrow();
      expect(await store.history(id, 'verify_attempt', 0)).toMatchObject({ count: 0 });
    });

    const concurrently = async (kind: StepKind, instances: Store[]) => {
      const id = await waiting();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          reserve(id, kind, T0, instances[i % instances.length]),
        ),
      );
      const admittedOnes = results.filter((r): r is Extract<StepReservation, { ok: true }> => r.ok);
      expect(new Set(admittedOnes.map((r) => r.ticket)).size).toBe(admittedOnes.length);
      return { id, admittedOnes, refused: results.filter((r) => !r.ok) };
    };

    it.each([
      ['one instance', false],
      ['two instances', true],
    ])('admits exactly verifyAttempts of 30 concurrent verify attempts (%s)', async (_, two) => {
      const instances = two ? [store, await peer()] : [store];
      for (let round = 0; round < 3; round++) {
        const { id, admittedOnes, refused } = await concurrently('verify', instances);
        expect(admittedOnes).toHaveLength(5);
        expect(refused).toEqual(
          Array.from({ length: 25 }, () => ({
            ok: false,
            reason: 'verify_attempts',
            retryAfterMs: 1_000,
          })),
        );
        expect(await count(id, 'verify_attempt')).toBe(5);
      }
    });

    it.each([
      ['one instance', false],
      ['two instances', true],
    ])('admits exactly one of 30 concurrent resends (%s)', async (_, two) => {
      const instances = two ? [store, await peer()] : [store];
      for (let round = 0; round < 3; round++) {
        const { id, admittedOnes, refused } = await concurrently('resend', instances);
        expect(admittedOnes).toHaveLength(1);
        expect(refused).toHaveLength(29);
        for (const r of refused) {
          expect(r).toEqual({ ok: false, reason: 'resend_cooldown', retryAfterMs: 60_000 });
        }
        expect(await count(id, 'resend')).toBe(1);
      }
    });
  });

  describe('webhooks', () => {
    /** One event (one id) for each of `endpoints`. */
    const event = (
      registrationId: string,
      type: WebhookEventType = 'registration.completed',
      endpoints = ['ep-a', 'ep-b'],
      payload = JSON.stringify({ type, data: { id: registrationId } }),
    ): NewWebhookDelivery[] => {
      const id = `msg_${randomUUID().replaceAll('-', '')}`;
      return endpoints.map((endpointId) => ({ id, endpointId, type, registrationId, payload }));
    };
    const all = () => store.listWebhooks({ limit: 500 });
    const claimHooks = (at: number, limit = 10, leaseMs = LEASE, on: Store = store) =>
      on.claimWebhooks(at, limit, leaseMs);
    const keys = (hooks: { id: string; endpointId: string }[]) =>
      hooks.map((h) => `${h.id}/${h.endpointId}`);
    /** One delivery, written by a note now and claimed at `at`. */
    async function claimedHook(at = now()) {
      const reg = await begun();
      const [hook] = event(reg.id, 'registration.completed', ['ep-a']);
      await store.note(reg.id, { detail: 'x', webhooks: [hook!] });
      const claimed = await claimHooks(at);
      expect(keys(claimed)).toEqual(keys([hook!]));
      return claimed[0]!;
    }
    const stored = async (key: { id: string; endpointId: string }) =>
      (await all()).find((h) => h.id === key.id && h.endpointId === key.endpointId);

    it('writes them with finish: pending, due now, their payload byte for byte', async () => {
      const reg = await begun();
      tick(250);
      const payload = JSON.stringify({
        z: 'last first',
        type: 'registration.completed',
        data: { name: 'Zoë 日本 \u0000', nested: { b: 2, a: 1 } },
      });
      const hooks = event(reg.id, 'registration.completed', ['ep-a', 'ep-b'], payload);
      expect(
        await store.finish(reg.id, reg.leaseToken, {
          status: 'completed',
          httpStatus: 201,
          response: {},
          webhooks: hooks,
        }),
      ).toBe(true);
      const pending = (endpointId: string): StoredWebhook => ({
        id: hooks[0]!.id,
        endpointId,
        type: 'registration.completed',
        registrationId: reg.id,
        payload,
        status: 'pending',
        attempts: 0,
        lastHttpStatus: null,
        lastDetail: null,
        nextAttemptAt: new Date(T0 + 250),
        createdAt: new Date(T0 + 250),
        updatedAt: new Date(T0 + 250),
      });
      // Newest first; one event's endpoints, written in one millisecond, the last written first.
      expect(await store.listWebhooks({})).toEqual([pending('ep-b'), pending('ep-a')]);
      expect(await claimHooks(T0 + 249)).toEqual([]);
      tick(10);
      const claimed = await claimHooks(T0 + 260);
      expect(claimed).toEqual(
        ['ep-a', 'ep-b'].map((endpointId) => ({
          id: hooks[0]!.id,
          endpointId,
          type: 'registration.completed',
          registrationId: reg.id,
          payload,
          attempts: 1,
          createdAt: new Date(T0 + 250),
          windowStart: new Date(T0 + 250),
          leaseToken: expect.any(String),
        })),
      );
      expect(claimed[0]!.payload).toBe(payload);
      expect(claimed[0]!.leaseToken).not.toBe(claimed[1]!.leaseToken);
      expect(await store.listWebhooks({})).toMatchObject([
        { endpointId: 'ep-b', status: 'pending', attempts: 1, updatedAt: new Date(T0 + 260) },
        { endpointId: 'ep-a', status: 'pending', attempts: 1, updatedAt: new Date(T0 + 260) },
      ]);
    });

    it('writes them with reschedule, note and requeue, each with its change', async () => {
      const reg = await begun();
      const queuedHooks = event(reg.id, 'registration.queued');
      await store.reschedule(reg.id, reg.leaseToken, retry({ webhooks: queuedHooks }));
      const work = await claimOne(T0);
      const failedHooks = event(reg.id, 'registration.failed', ['ep-a']);
      await store.finish(reg.id, work.leaseToken, {
        status: 'failed',
        httpStatus: 503,
        webhooks: failedHooks,
      });
      tick();
      const requeuedHooks = event(reg.id, 'registration.queued', ['ep-b']);
      expect(await store.requeue(reg.id, T0 + 999_999, QUEUED(reg.id), requeuedHooks)).toBe(true);
      const done = await claimOne(T0 + 1);
      await store.finish(reg.id, done.leaseToken, {
        status: 'awaiting-approval',
        httpStatus: 202,
        response: {},
      });
      tick();
      const verifiedHooks = event(reg.id, 'registration.verified', ['ep-a']);
      await store.note(reg.id, { detail: 'verified', webhooks: verifiedHooks });
      const completedHooks = event(reg.id, 'registration.completed', ['ep-c']);
      await store.note(reg.id, {
        detail: 'approved',
        status: 'completed',
        webhooks: completedHooks,
      });
      expect((await store.get(reg.id))?.status).toBe('completed');
      expect(keys(await store.listWebhooks({ registrationId: reg.id }))).toEqual(
        keys(
          [
            ...queuedHooks,
            ...failedHooks,
            ...requeuedHooks,
            ...verifiedHooks,
            ...completedHooks,
          ].reverse(),
        ),
      );
      expect((await all()).map((h) => [h.type, h.createdAt.getTime()])).toEqual([
        ['registration.completed', T0 + 2],
        ['registration.verified', T0 + 2],
        ['registration.queued', T0 + 1],
        ['registration.failed', T0],
        ['registration.queued', T0],
        ['registration.queued', T0],
      ]);
      expect(await claimHooks(T0 + 2, 100)).toHaveLength(6);
    });

    it('writes none when the change does not apply', async () => {
      const reg = await begun({ leaseMs: 1_000 });
      // A finish or reschedule whose lease no longer holds: taken over by the outbox.
      const work = await claimOne(T0 + 1_001);
      expect(
        await store.finish(reg.id, reg.leaseToken, {
          status: 'completed',
          webhooks: event(reg.id),
        }),
      ).toBe(false);
      expect(
        await store.reschedule(
          reg.id,
          reg.leaseToken,
          retry({ webhooks: event(reg.id, 'registration.queued') }),
        ),
      ).toBe(false);
      // A requeue of a registration that has not failed; a note of an unknown one.
      expect(
        await store.requeue(reg.id, T0 + 1, QUEUED(reg.id), event(reg.id, 'registration.queued')),
      ).toBe(false);
      const unknown = randomUUID();
      await store.note(unknown, { detail: 'verified', webhooks: event(unknown) });
      expect(await all()).toEqual([]);
      expect(await store.webhookStats(T0)).toEqual({
        delivered: 0,
        failed: 0,
        pending: 0,
        oldestPendingCreatedAt: null,
      });
      // The holder whose lease does hold writes them.
      expect(
        await store.finish(reg.id, work.leaseToken, {
          status: 'completed',
          webhooks: event(reg.id),
        }),
      ).toBe(true);
      expect(await all()).toHaveLength(2);
    });

    it('refuses a delivery of another registration or type, writing nothing with it', async () => {
      const a = await begun();
      const b = await begun();
      const foreign = event(a.id);
      const unknownType = event(b.id).map((h) => ({ ...h, type: 'registration.x' }) as never);
      // One tick: SQLite commits these in one transaction; the refused one undoes only itself.
      const results = await Promise.allSettled([
        store.finish(b.id, b.leaseToken, { status: 'completed', webhooks: foreign }),
        store.finish(a.id, a.leaseToken, { status: 'completed', webhooks: event(a.id) }),
        store.note(b.id, { detail: 'odd', webhooks: unknownType }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
      expect(await store.get(b.id)).toMatchObject({ status: 'pending', lastDetail: null });
      expect((await all()).map((h) => h.registrationId)).toEqual([a.id, a.id]);
      // b's lease still holds.
      expect(await store.finish(b.id, b.leaseToken, { status: 'completed' })).toBe(true);
      await expect(
        store.reschedule(a.id, a.leaseToken, retry({ webhooks: event(b.id) })),
      ).rejects.toThrow(/registration/);
      await expect(
        store.requeue(a.id, T0 + 1, QUEUED(a.id), event(b.id, 'registration.queued')),
      ).rejects.toThrow(/registration/);
      expect(await all()).toHaveLength(2);
    });

    it('keeps the first of one event written twice for one endpoint', async () => {
      const reg = await begun();
      const [first] = event(reg.id, 'registration.verified', ['ep-a'], '{"n":1}');
      const twice = { ...first!, payload: '{"n":2}' };
      await store.note(reg.id, { detail: 'verified', webhooks: [first!, twice] });
      await store.note(reg.id, {
        detail: 'verified',
        webhooks: [{ ...first!, payload: '{"n":3}' }],
      });
      expect((await all()).map((h) => h.payload)).toEqual(['{"n":1}']);
      // The history entries are written all the same.
      expect((await store.history(reg.id, 'verified', 0)).count).toBe(2);
    });

    it('claims due deliveries only, those due longest first, at most `limit`', async () => {
      const order: string[] = [];
      for (const n of [3, 1, 2]) {
        const hook = await claimedHook(T0);
        expect(
          await store.rescheduleWebhook(hook, hook.leaseToken, {
            nextAttemptAt: T0 + 100 * n,
            detail: 'timeout',
          }),
        ).toBe(true);
        order[n] = `${hook.id}/${hook.endpointId}`;
      }
      tick();
      const fresh = await begun();
      const later = event(fresh.id); // due at T0 + 1, written after the others
      await store.note(fresh.id, { detail: 'x', webhooks: later });
      expect(await claimHooks(T0)).toEqual([]);
      expect(keys(await claimHooks(T0 + 1_000, 2))).toEqual(keys(later));
      expect(keys(await claimHooks(T0 + 1_000, 2))).toEqual([order[1], order[2]]);
      expect(keys(await claimHooks(T0 + 1_000, 2))).toEqual([order[3]]);
      expect(await claimHooks(T0 + 1_000)).toEqual([]);
    });

    it('leaves a leased delivery alone, and takes it back when its sender dies', async () => {
      const first = await claimedHook(T0);
      expect(await claimHooks(T0 + LEASE)).toEqual([]);
      const second = (await claimHooks(T0 + LEASE + 1))[0]!;
      expect(second).toMatchObject({ id: first.id, endpointId: first.endpointId, attempts: 2 });
      expect(second.leaseToken).not.toBe(first.leaseToken);
      const outcome = { status: 'delivered', httpStatus: 200, detail: 'ok' } as const;
      expect(await store.finishWebhook(first, first.leaseToken, outcome)).toBe(false);
      expect(
        await store.rescheduleWebhook(first, first.leaseToken, { nextAttemptAt: T0, detail: 'x' }),
      ).toBe(false);
      expect(await stored(first)).toMatchObject({ status: 'pending', attempts: 2 });
      expect(await store.finishWebhook(second, second.leaseToken, outcome)).toBe(true);
    });

    it('finishes a claimed delivery for good; a stale lease changes nothing', async () => {
      const hook = await claimedHook(T0);
      const before = await stored(hook);
      tick(40);
      const key = { id: hook.id, endpointId: hook.endpointId };
      for (const [k, token] of [
        [key, randomUUID()],
        [{ ...key, endpointId: 'ep-z' }, hook.leaseToken],
        [{ ...key, id: 'msg_unknown' }, hook.leaseToken],
      ] as const) {
        expect(
          await store.finishWebhook(k, token, { status: 'failed', httpStatus: 410, detail: 'x' }),
        ).toBe(false);
        expect(
          await store.rescheduleWebhook(k, token, { nextAttemptAt: T0 + 1, detail: 'x' }),
        ).toBe(false);
      }
      expect(await stored(hook)).toEqual(before);
      expect(
        await store.finishWebhook(key, hook.leaseToken, {
          status: 'delivered',
          httpStatus: 204,
          detail: 'ok',
        }),
      ).toBe(true);
      expect(await stored(hook)).toEqual({
        ...before,
        status: 'delivered',
        attempts: 1,
        lastHttpStatus: 204,
        lastDetail: 'ok',
        nextAttemptAt: null,
        updatedAt: new Date(T0 + 40),
      });
      // Final: the token is spent, and it is never due again.
      expect(
        await store.finishWebhook(key, hook.leaseToken, { status: 'failed', detail: 'again' }),
      ).toBe(false);
      expect(
        await store.rescheduleWebhook(key, hook.leaseToken, { nextAttemptAt: T0, detail: 'x' }),
      ).toBe(false);
      expect(await claimHooks(T0 + 86_400_000 * 4)).toEqual([]);

      const refused = await claimedHook();
      expect(
        await store.finishWebhook(refused, refused.leaseToken, {
          status: 'failed',
          httpStatus: 410,
          detail: 'gone',
        }),
      ).toBe(true);
      expect(await stored(refused)).toMatchObject({
        status: 'failed',
        lastHttpStatus: 410,
        lastDetail: 'gone',
        nextAttemptAt: null,
      });
      // Past its deadline, with no answer at all.
      const late = await claimedHook();
      await store.finishWebhook(late, late.leaseToken, { status: 'failed', detail: 'deadline' });
      expect(await stored(late)).toMatchObject({ status: 'failed', lastHttpStatus: null });
      await expect(
        store.finishWebhook(late, late.leaseToken, { status: 'pending' as never, detail: 'x' }),
      ).rejects.toThrow();
    });

    it('reschedules: the lease released, due again then, the latest answer kept', async () => {
      const hook = await claimedHook(T0);
      tick(5);
      expect(
        await store.rescheduleWebhook(hook, hook.leaseToken, {
          nextAttemptAt: T0 + 60_000,
          httpStatus: 429,
          detail: 'http_429',
        }),
      ).toBe(true);
      expect(await stored(hook)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastHttpStatus: 429,
        lastDetail: 'http_429',
        nextAttemptAt: new Date(T0 + 60_000),
        updatedAt: new Date(T0 + 5),
      });
      // The lease is released: the same token cannot write again.
      expect(
        await store.finishWebhook(hook, hook.leaseToken, { status: 'delivered', detail: 'ok' }),
      ).toBe(false);
      expect(await claimHooks(T0 + 59_999)).toEqual([]);
      const again = (await claimHooks(T0 + 60_000))[0]!;
      expect(again).toMatchObject({ id: hook.id, attempts: 2 });
      // A timeout has no answer: none is shown, not the one before.
      await store.rescheduleWebhook(again, again.leaseToken, {
        nextAttemptAt: T0 + 120_000,
        detail: 'timeout',
      });
      expect(await stored(hook)).toMatchObject({ lastHttpStatus: null, lastDetail: 'timeout' });
    });

    it('never hands the same delivery to two concurrent claims', async () => {
      const claimers = [store, store, await peer(), await peer()];
      const lease = 1_000_000_000;
      for (let run = 0; run < 3; run++) {
        const at = T0 + 1_000_000 * (run + 1);
        const reg = await begun();
        const hooks = Array.from({ length: 50 }, () => event(reg.id)[0]!);
        await store.note(reg.id, { detail: 'x', webhooks: hooks });
        const claimed: string[] = [];
        for (let round = 0; round < 3; round++) {
          const batches = await Promise.all(claimers.map((c) => claimHooks(at, 5, lease, c)));
          for (const batch of batches) claimed.push(...keys(batch));
        }
        for (let batch = await claimHooks(at, 7, lease); batch.length;) {
          claimed.push(...keys(batch));
          batch = await claimHooks(at, 7, lease);
        }
        expect(claimed).toHaveLength(50);
        expect(new Set(claimed)).toEqual(new Set(keys(hooks)));
      }
    });

    it('replays final deliveries: pending, due now, attempts kept; pending ones left', async () => {
      const reg = await begun();
      const hooks = event(reg.id);
      await store.note(reg.id, { detail: 'x', webhooks: hooks });
      const [a, b] = await claimHooks(T0);
      await store.finishWebhook(a!, a!.leaseToken, { status: 'delivered', detail: 'ok' });
      await store.finishWebhook(b!, b!.leaseToken, {
        status: 'failed',
        httpStatus: 404,
        detail: 'http_404',
      });
      tick(1_000);
      expect(await store.replayWebhook(a!.id, 'ep-a')).toBe(1);
      expect(await stored(a!)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastDetail: 'ok',
        nextAttemptAt: new Date(T0 + 1_000),
        updatedAt: new Date(T0 + 1_000),
      });
      // Without an endpoint, every final one of the event; the pending one stays as it is.
      const before = await stored(a!);
      tick();
      expect(await store.replayWebhook(a!.id)).toBe(1);
      expect(await stored(a!)).toEqual(before);
      expect(await stored(b!)).toMatchObject({
        status: 'pending',
        lastHttpStatus: 404,
        nextAttemptAt: new Date(T0 + 1_001),
      });
      expect(await store.replayWebhook(a!.id)).toBe(0);
      expect(await store.replayWebhook('msg_unknown')).toBe(0);
      expect(await store.replayWebhook(a!.id, 'ep-z')).toBe(0);
      const again = await claimHooks(T0 + 1_001);
      expect(again.map((h) => [h.endpointId, h.attempts])).toEqual([
        ['ep-a', 2],
        ['ep-b', 2],
      ]);
      // A replay opens a new window for the sender's deadline; the event keeps its creation time.
      expect(again.map((h) => h.windowStart.getTime())).toEqual([T0 + 1_000, T0 + 1_001]);
      expect(again[0]!.createdAt.getTime()).toBe(a!.createdAt.getTime());
      expect(a!.windowStart.getTime()).toBe(a!.createdAt.getTime());
      // Leased, it is pending: a replay leaves the sender's lease alone.
      expect(await store.replayWebhook(a!.id)).toBe(0);
      expect(
        await store.finishWebhook(again[0]!, again[0]!.leaseToken, {
          status: 'delivered',
          detail: 'ok',
        }),
      ).toBe(true);
    });

    it('lists newest first, by status and registration, 50 by default, 500 at most', async () => {
      const a = await begun();
      const b = await begun();
      const first = event(a.id, 'registration.queued', ['ep-a']);
      await store.note(a.id, { detail: 'x', webhooks: first });
      tick();
      const second = event(b.id, 'registration.completed', ['ep-a', 'ep-b']);
      await store.note(b.id, { detail: 'x', webhooks: second });
      tick();
      const third = event(a.id, 'registration.completed', ['ep-a']);
      await store.note(a.id, { detail: 'x', webhooks: third });
      const [delivered] = await claimHooks(T0 + 2, 1);
      expect(keys([delivered!])).toEqual(keys(first));
      await store.finishWebhook(delivered!, delivered!.leaseToken, {
        status: 'delivered',
        detail: 'ok',
      });
      const ids = async (query: Parameters<Store['listWebhooks']>[0]) =>
        keys(await store.listWebhooks(query));
      // One event's endpoints share a millisecond: the last written first.
      const secondNewestFirst = [...second].reverse();
      expect(await ids({})).toEqual(keys([...third, ...secondNewestFirst, ...first]));
      expect(await ids({ status: 'pending' })).toEqual(keys([...third, ...secondNewestFirst]));
      expect(await ids({ status: 'delivered' })).toEqual(keys(first));
      expect(await ids({ status: 'failed' })).toEqual([]);
      expect(await ids({ registrationId: a.id })).toEqual(keys([...third, ...first]));
      expect(await ids({ registrationId: a.id, status: 'pending' })).toEqual(keys(third));
      expect(await ids({ registrationId: randomUUID() })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual(keys([...third, secondNewestFirst[0]!]));
      expect(await ids({ limit: 0 })).toEqual(keys(third));

      const many = event(
        a.id,
        'registration.verified',
        Array.from({ length: 600 }, (_, i) => `e${i}`),
      );
      await store.note(a.id, { detail: 'x', webhooks: many });
      expect(await store.listWebhooks({})).toHaveLength(50);
      expect(await store.listWebhooks({ limit: 10_000 })).toHaveLength(500);
    });

    it('counts deliveries by status, with the oldest pending one', async () => {
      const stats = () => store.webhookStats(T0 + 86_400_000);
      expect(await stats()).toEqual({
        delivered: 0,
        failed: 0,
        pending: 0,
        oldestPendingCreatedAt: null,
      });
      const reg = await begun();
      await store.note(reg.id, { detail: 'x', webhooks: event(reg.id) }); // at T0
      tick(10);
      await store.note(reg.id, { detail: 'x', webhooks: event(reg.id, 'registration.verified') });
      tick(10);
      await store.note(reg.id, { detail: 'x', webhooks: event(reg.id, 'registration.queued') });
      const [oldA, oldB, mid] = await claimHooks(T0 + 20, 3);
      await store.finishWebhook(oldA!, oldA!.leaseToken, { status: 'delivered', detail: 'ok' });
      await store.finishWebhook(oldB!, oldB!.leaseToken, { status: 'failed', detail: 'gone' });
      // Leased or waiting, still pending.
      expect(mid).toMatchObject({ createdAt: new Date(T0 + 10) });
      expect(await stats()).toEqual({
        delivered: 1,
        failed: 1,
        pending: 4,
        oldestPendingCreatedAt: T0 + 10,
      });
      expect(await store.replayWebhook(oldB!.id, oldB!.endpointId)).toBe(1);
      expect(await stats()).toEqual({
        delivered: 1,
        failed: 0,
        pending: 5,
        oldestPendingCreatedAt: T0,
      });
    });
  });

  describe('ping and close', () => {
    it('pings while open, fails once closed, and closes twice quietly', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });

  if (backend.shared) {
    describe('migrations', () => {
      it('are applied once: a second open finds the data and adds nothing', async () => {
        const reg = await begun();
        await store.close();
        const again = await blank.open();
        expect(await again.get(reg.id)).toMatchObject({ id: reg.id, status: 'pending' });
        expect(await blank.migrations()).toEqual(backend.versions);
      });

      it('bring a journal an older release left up to date, keeping its rows', async () => {
        // What the release before form tokens wrote: a completed registration whose user asked
        // for five codes through `note`, and a 5xx failure whose outcome is unknown.
        const older = await backend.older!(
          backend.before.formTokens,
          `INSERT INTO $S.registrations (id, flow_id, idempotency_key, request_hash, status,
             submission, http_status, response, outcome_unknown, created_at, updated_at)
           VALUES
             ('old-done', 'acme', 'key-done', 'hash-1', 'awaiting-approval', '{}', 201,
              '{"id":"old-done"}', 1 = 0, ${T0 - 600_000}, ${T0 - 600_000}),
             ('old-failed', 'acme', 'key-failed', 'hash-1', 'failed', '{}', 504,
              '{"code":"provider_unavailable"}', 1 = 1, ${T0 - 600_000}, ${T0 - 600_000});
           INSERT INTO $S.registration_events (registration_id, at, status, detail)
           VALUES ('old-done', ${T0 - 600_000}, 'pending', NULL),
             ('old-done', ${T0 - 600_000}, 'awaiting-approval', NULL),
             ${[5, 4, 3, 2, 1]
               .map((m) => `('old-done', ${T0 - m * 60_000}, 'awaiting-approval', 'resend')`)
               .join(', ')},
             ('old-failed', ${T0 - 600_000}, 'pending', NULL),
             ('old-failed', ${T0 - 600_000}, 'failed', 'unavailable (outcome unknown)');`,
        );
        const upgraded = await older.open();
        expect(await older.migrations()).toEqual(backend.versions);
        const old = (id: string, key: string): NewRegistration => ({
          ...entry({ idempotencyKey: key }),
          id,
        });
        expect(await upgraded.begin(old('x', 'key-done'))).toEqual({
          kind: 'replay',
          id: 'old-done',
          httpStatus: 201,
          response: { id: 'old-done' },
        });
        expect(await upgraded.reserveStep('old-done', 'resend', T0, LIMITS_FOR_MIGRATION)).toEqual({
          ok: false,
          reason: 'resend_hourly',
          retryAfterMs: 3_600_000 - 300_000,
        });
        expect(
          await upgraded.reserveStep('old-done', 'verify', T0, LIMITS_FOR_MIGRATION),
        ).toMatchObject({ ok: true });
        expect(await upgraded.begin(old('y', 'key-failed'))).toMatchObject({
          kind: 'created',
          id: 'old-failed',
          outcomeUnknown: true,
        });
        // Form tokens work from now on; the old rows, without one, never collide.
        const token = 'e'.repeat(64);
        expect(await upgraded.begin(entry({ formTokenHash: token }))).toMatchObject({
          kind: 'created',
        });
        expect(await upgraded.begin(entry({ formTokenHash: token }))).toEqual({
          kind: 'token_used',
        });
      });

      it('bring a journal from before webhooks up to date, sending them from then on', async () => {
        // What the release before webhooks wrote: a registration still leased to its handler,
        // and one queued in the outbox.
        const older = await backend.older!(
          backend.before.webhooks,
          `INSERT INTO $S.registrations (id, flow_id, idempotency_key, request_hash, status,
             submission, lease_until, lease_token, next_attempt_at, outcome_unknown, created_at,
             updated_at)
           VALUES
             ('old-pending', 'acme', 'key-pending', 'hash-1', 'pending', '{}', ${T0 + LEASE},
              'old-token', NULL, 1 = 0, ${T0 - 1_000}, ${T0 - 1_000}),
             ('old-queued', 'acme', 'key-queued', 'hash-1', 'queued', '{}', NULL, NULL,
              ${T0}, 1 = 0, ${T0 - 600_000}, ${T0 - 600_000});
           INSERT INTO $S.registration_events (registration_id, at, status, detail)
           VALUES ('old-pending', ${T0 - 1_000}, 'pending', NULL),
             ('old-queued', ${T0 - 600_000}, 'pending', NULL),
             ('old-queued', ${T0 - 600_000}, 'queued', 'provider_unavailable');`,
        );
        const upgraded = await older.open();
        expect(await older.migrations()).toEqual(backend.versions);
        expect(await upgraded.webhookStats(T0)).toEqual({
          delivered: 0,
          failed: 0,
          pending: 0,
          oldestPendingCreatedAt: null,
        });
        const hook = (registrationId: string): NewWebhookDelivery => ({
          id: `msg_${registrationId}`,
          endpointId: 'ep-a',
          type: 'registration.completed',
          registrationId,
          payload: '{}',
        });
        expect(
          await upgraded.finish('old-pending', 'old-token', {
            status: 'completed',
            httpStatus: 201,
            response: {},
            webhooks: [hook('old-pending')],
          }),
        ).toBe(true);
        const [work] = await upgraded.claimDue(T0, 10, LEASE);
        expect(work).toMatchObject({ id: 'old-queued', attempts: 1 });
        await upgraded.finish('old-queued', work!.leaseToken, {
          status: 'completed',
          webhooks: [hook('old-queued')],
        });
        const claimed = await upgraded.claimWebhooks(T0, 10, LEASE);
        expect(claimed.map((h) => h.registrationId)).toEqual(['old-pending', 'old-queued']);
        expect(
          await upgraded.finishWebhook(claimed[0]!, claimed[0]!.leaseToken, {
            status: 'delivered',
            httpStatus: 200,
            detail: 'ok',
          }),
        ).toBe(true);
        expect(await upgraded.webhookStats(T0)).toEqual({
          delivered: 1,
          failed: 0,
          pending: 1,
          oldestPendingCreatedAt: T0,
        });
      });

      it('are applied once when instances open a new database at the same time', async () => {
        const fresh = backend.blank();
        const [first, , third] = await Promise.all([fresh.open(), fresh.open(), fresh.open()]);
        expect(await fresh.migrations()).toEqual(backend.versions);
        const e = entry();
        expect(await first.begin(e)).toMatchObject({ kind: 'created' });
        expect(await third.get(e.id)).toMatchObject({ id: e.id });
      });
    });
  }
});

describe('SQLite step limits across processes', () => {
  /** A process with its own store on `path`: says `ready`, waits for a line, then reserves. */
  function reserver(path: string, id: string, attempts: number, limits: StepLimits) {
    const module = fileURLToPath(new URL('./sqlite.ts', import.meta.url));
    const script = `import { createInterface } from 'node:readline';
      import { openSqliteStore } from ${JSON.stringify(module)};
      const store = openSqliteStore(${JSON.stringify(path)});
      console.log('ready');
      await new Promise((go) => createInterface({ input: process.stdin }).once('line', go));
      let admitted = 0;
      const errors = [];
      for (let i = 0; i < ${attempts}; i += 1) {
        try {
          const r = await store.reserveStep(${JSON.stringify(id)}, 'verify', ${T0}, ${JSON.stringify(limits)});
          if (r.ok) admitted += 1;
        } catch (err) {
          errors.push(String(err));
        }
      }
      await store.close();
      console.log(JSON.stringify({ admitted, errors }));
      process.exit(0);`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) => lines.once('line', () => resolve()));
    const result = new Promise<{ admitted: number; errors: string[] }>((resolve, reject) => {
      lines.on('line', (line) => {
        if (line.startsWith('{'))
          resolve(JSON.parse(line) as { admitted: number; errors: string[] });
      });
      child.once('exit', (code) => reject(new Error(`reserver exited with ${code}`)));
    });
    return { ready, go: () => child.stdin.end('go\n'), result };
  }

  it('admits exactly the limit when two processes reserve on one file at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-steps-'));
    try {
      const path = join(dir, 'journal.db');
      const store = openSqliteStore(path);
      const reg = entry();
      await store.begin(reg);
      // Enough attempts that both processes are still being admitted when they meet.
      const limits: StepLimits = { verifyAttempts: 300, resendCooldownMs: 0, resendsPerHour: 1 };
      const processes = [1, 2].map(() => reserver(path, reg.id, 400, limits));
      await Promise.all(processes.map((p) => p.ready));
      processes.forEach((p) => p.go());
      const results = await Promise.all(processes.map((p) => p.result));
      expect(results.flatMap((r) => r.errors)).toEqual([]);
      expect(results.reduce((sum, r) => sum + r.admitted, 0)).toBe(300);
      expect((await store.history(reg.id, 'verify_attempt', 0)).count).toBe(300);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('openStore', () => {
  it('opens SQLite for sqlite: URLs, in memory when no path is given', async () => {
    const store = await openStore('sqlite::memory:');
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    const bare = await openStore('sqlite:');
    await expect(bare.ping()).resolves.toBeUndefined();
    await bare.close();
  });

  it('opens PostgreSQL for postgres:// and postgresql:// URLs', async () => {
    for (const scheme of ['postgres', 'postgresql']) {
      // Nothing listens on port 1: the error shows Postgres was tried, without the password.
      const err = await openStore(`${scheme}://app:s3cret@127.0.0.1:1/db`).then(
        () => new Error('opened'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(/^cannot open the PostgreSQL store at 127\.0\.0\.1:1\/db: /);
      expect(err.message).not.toContain('s3cret');
    }
  });

  it('uses the Postgres schema named by ?schema=, keeping the other parameters', async () => {
    const schema = `store_test_url_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const joiner = POSTGRES_URL.includes('?') ? '&' : '?';
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const store = await openStore(
        `${POSTGRES_URL}${joiner}application_name=contract&schema=${schema}`,
      );
      const e = entry();
      expect(await store.begin(e)).toMatchObject({ kind: 'created' });
      await store.close();
      const rows = await admin.query<{ id: string }>(`SELECT id FROM "${schema}".registrations`);
      expect(rows.rows).toEqual([{ id: e.id }]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('refuses other schemes without showing a password', async () => {
    for (const url of [
      'mysql://app:s3cret@db.internal/app',
      'mysql://app:s3c@ret@db.internal/app',
      'redis://db.internal/0?password=s3cret',
    ]) {
      const err = await openStore(url).then(
        () => new Error('opened'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(/is not supported: use sqlite:<path>/);
      expect(err.message).not.toContain('s3c');
    }
  });
});

describe('openPostgresStore', () => {
  it('refuses a schema name that is not a plain identifier, before connecting', async () => {
    for (const schema of [
      '',
      'store-test',
      'x"; DROP SCHEMA public CASCADE; --',
      '1abc',
      'a'.repeat(64),
    ]) {
      await expect(openPostgresStore('postgres://127.0.0.1:1/none', { schema })).rejects.toThrow(
        /schema ".*" must be letters, digits and _/,
      );
    }
  });
});
