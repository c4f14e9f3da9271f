/**
 * The journal, idempotency store and outbox (docs/reliability.md), behind one interface with two
 * implementations: SQLite (embedded default) and PostgreSQL (several instances sharing work).
 *
 * Every accepted submission is written here before its provider is called. Whoever calls the
 * provider holds a *lease* on the registration (the request handler first, the outbox worker
 * for retries): a lease that runs out means its holder died, and the work is taken over, with
 * the previous attempt's outcome marked unknown so an "already exists" answer is reconciled.
 *
 * It also counts the follow-up steps (a code checked, a code sent again) before they reach the
 * provider, so their limits hold under concurrency and across instances (`reserveStep`).
 *
 * And it is the partners' webhook outbox: a delivery (one event for one endpoint) is written in
 * the same transaction as the status change it reports (`webhooks` of `finish`, `reschedule`,
 * `note`, `requeue`), so a crash in between loses nothing, and is then leased to one sender at a
 * time (`claimWebhooks`) like the registrations are.
 */

/**
 * `pending`: accepted, first provider call not finished. `queued`: waiting in the outbox for a
 * retry. The rest are final:
 * - `completed`, `awaiting-approval`: the provider took it (approval still to come for the latter).
 * - `rejected`: the provider's answer to the user (already registered, a refused value); nothing
 *   for an operator to do, so never retried.
 * - `failed`: needs an operator (outage past the deadline, misconfiguration); the only status an
 *   operator's retry (`requeue`) takes.
 * - `discarded`: a bot's submission (honeypot, too fast); answered as a success, never sent.
 */
export type StoredStatus =
  'pending' | 'queued' | 'completed' | 'failed' | 'rejected' | 'awaiting-approval' | 'discarded';
export type FinalStatus = Exclude<StoredStatus, 'pending' | 'queued'>;

/**
 * What a registry said of a number at submit (docs/registries.md): the evidence kept with the
 * registration. `unverified`: the registry could not be asked (down); `not_found`: it does not
 * know the number (a hint to the user, not a refusal).
 */
export interface Verification {
  field: string;
  value: string;
  result: 'verified' | 'not_found' | 'unverified';
  /** The registry id. */
  source: string;
  /** The company's standing, when found: active, liquidating… */
  status?: string;
  /** ISO 8601; absent when unverified. */
  checkedAt?: string;
  /** Hex SHA-256 of the registry's answer as received. */
  sha256?: string;
  /** VIES's consultation number. */
  requestIdentifier?: string;
}

export interface NewRegistration {
  id: string;
  flowId: string;
  idempotencyKey: string;
  /** SHA-256 of the normalised request: tells "same request again" from "key reused". */
  requestHash: string;
  /** What the user submitted, minus secret fields (passwords are never stored). */
  submission: Record<string, unknown>;
  /** How long the request handler may take before the outbox worker may take over (ms). */
  leaseMs: number;
  /**
   * Hex SHA-256 of the form token the submission came with (the caller hashes): a form token
   * admits one registration per flow, whatever idempotency key comes with it.
   */
  formTokenHash?: string;
  /** The registry checks made before it was journaled (none when the flow looks nothing up). */
  verification?: Verification[];
}

export type BeginResult =
  /**
   * Go ahead, holding `leaseToken`: a new entry, or one whose last attempt failed with a 5xx.
   * `outcomeUnknown`: an earlier attempt may have reached the provider (always false for a new
   * entry), so an "already exists" answer may be our own success; it stays set for later attempts.
   */
  | { kind: 'created'; id: string; leaseToken: string; outcomeUnknown: boolean }
  | { kind: 'replay'; id: string; httpStatus: number; response: unknown }
  | { kind: 'in_progress'; id: string }
  | { kind: 'key_reused' }
  /** The form token already admitted a registration under another key: nothing written. */
  | { kind: 'token_used' };

export interface Outcome {
  status: FinalStatus;
  /**
   * The answer for an idempotent replay. Given with `httpStatus`; when both are left out, the
   * answer already given (a 202 `queued`) stays the one replayed.
   */
  httpStatus?: number;
  response?: unknown;
  providerRef?: string;
  /** Non-secret facts for follow-up steps (see RegistrationResult.state). */
  providerState?: Record<string, string>;
  /** A short non-personal note for the status history (error code, provider state…). */
  detail?: string;
  /**
   * The attempt may have reached the provider (a timeout, a reset after sending, an unreadable
   * answer): kept (never cleared) so the same key's next attempt reconciles.
   */
  outcomeUnknown?: boolean;
  /** Deliveries of the events this outcome causes: written with it, and only when it applies. */
  webhooks?: NewWebhookDelivery[];
}

export interface Retry {
  /** ms epoch of the next attempt. */
  nextAttemptAt: number;
  /** ms epoch after which no more attempts are made; kept from the first time it is set. */
  deadlineAt: number;
  /** The provider may have acted on an attempt: a later "already exists" is our own success. */
  outcomeUnknown: boolean;
  /** The answer given to the client now (202 `queued`), where none was given yet. */
  httpStatus?: number;
  response?: unknown;
  detail: string;
  /** Deliveries of the events it causes (`registration.queued`): written only when it applies. */
  webhooks?: NewWebhookDelivery[];
}

/** Work the outbox worker has claimed: it holds the lease until it finishes or reschedules. */
export interface ClaimedWork {
  id: string;
  flowId: string;
  status: 'pending' | 'queued';
  submission: Record<string, unknown>;
  /** The registry checks made at submit, for the events it announces. */
  verification: Verification[];
  /** Attempts made so far, this one included. */
  attempts: number;
  outcomeUnknown: boolean;
  deadlineAt: number | null;
  leaseToken: string;
  createdAt: Date;
}

export interface HistoryCount {
  count: number;
  /** ms epoch of the earliest and latest matching entries; null when there are none. */
  first: number | null;
  last: number | null;
}

export interface HistoryEntry {
  /** What happened: `verified`, `verify_failed`, `resend`, `approved`, `rejected`… */
  detail: string;
  /** The registration's new status, when the event changes it. */
  status?: FinalStatus;
  /** Deliveries of the events it causes: written with the entry (none for an unknown id). */
  webhooks?: NewWebhookDelivery[];
}

export interface StoredRegistration {
  id: string;
  flowId: string;
  status: StoredStatus;
  providerRef: string | null;
  providerState: Record<string, string>;
  /** What was submitted, minus secret fields (for the events a later step announces). */
  submission: Record<string, unknown>;
  /** The answer given to the client (what `next` step it was sent to); null before there is one. */
  response: unknown;
  /** The registry checks made at submit: the evidence (empty when none were made). */
  verification: Verification[];
  attempts: number;
  nextAttemptAt: Date | null;
  /** The latest history entry's detail (why it failed, where it stands). */
  lastDetail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ListQuery {
  status?: StoredStatus;
  flowId?: string;
  /** Newest first; at most this many (default 50, at most 500). */
  limit?: number;
}

export interface OutboxStats {
  /** Registrations waiting for a (re)try: `queued`, and `pending` ones whose lease ran out. */
  depth: number;
  /** ms epoch of the oldest of them; null when there are none. */
  oldestCreatedAt: number | null;
}

export type StepKind = 'verify' | 'resend';

export interface StepLimits {
  /** Attempts at a code per code sent (the first one, or the latest resend). */
  verifyAttempts: number;
  /** ms between two resends. */
  resendCooldownMs: number;
  /** Resends in any rolling hour. */
  resendsPerHour: number;
}

export type StepReservation =
  /** `ticket` names the history entry, for `releaseStep`. */
  | { ok: true; ticket: string }
  | {
      ok: false;
      reason: 'verify_attempts' | 'resend_cooldown' | 'resend_hourly';
      /** ms until the step would be admitted (for `verify_attempts`: until a resend is). */
      retryAfterMs: number;
    };

/** What partners are told about (the Standard Webhooks `type`). */
export const WEBHOOK_EVENT_TYPES = [
  'registration.completed',
  'registration.awaiting_approval',
  'registration.queued',
  'registration.failed',
  'registration.rejected',
  'registration.verified',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * One event for one endpoint, written with the change that caused it. Its `registrationId` must be
 * the registration being changed (anything else is refused: the write throws, nothing is written).
 * Written twice (the same `id` and `endpointId`), it stays one delivery, the first one written.
 */
export interface NewWebhookDelivery {
  /**
   * `msg_…`: the event's id, the `webhook-id` header of every attempt (the same for every endpoint
   * of one event is fine: the pair (id, endpointId) is unique).
   */
  id: string;
  /** Which configured endpoint (the caller's stable key for it). */
  endpointId: string;
  type: WebhookEventType;
  registrationId: string;
  /** The JSON body as it will be sent, byte for byte (signed per attempt by the caller). */
  payload: string;
}

/**
 * `pending`: to be sent, at `nextAttemptAt` (or being sent, under a lease). The rest are final:
 * `delivered` (a 2xx), `failed` (another 4xx, or no 2xx before the caller's deadline).
 */
export type WebhookStatus = 'pending' | 'delivered' | 'failed';

/** One delivery: an event for one endpoint. */
export interface WebhookKey {
  id: string;
  endpointId: string;
}

/** A delivery a sender has claimed: it holds the lease until it finishes or reschedules it. */
export interface ClaimedWebhook extends NewWebhookDelivery {
  /** When its delivery window opened: written, or last replayed. Deadlines count from here. */
  windowStart: Date;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** When the event was written. */
  createdAt: Date;
  leaseToken: string;
}

export interface WebhookOutcome {
  status: 'delivered' | 'failed';
  /** The endpoint's answer; left out when there was none. */
  httpStatus?: number;
  /** A short note for operators (`ok`, `http_410`, `deadline_passed`…). */
  detail: string;
}

export interface WebhookRetry {
  /** ms epoch of the next attempt (from the backoff, or a 429's Retry-After). */
  nextAttemptAt: number;
  /** The endpoint's answer (5xx, 429); left out for a timeout or a network error. */
  httpStatus?: number;
  detail: string;
}

export interface StoredWebhook extends NewWebhookDelivery {
  status: WebhookStatus;
  attempts: number;
  /** The latest attempt's answer, as given to `finishWebhook` / `rescheduleWebhook`. */
  lastHttpStatus: number | null;
  lastDetail: string | null;
  /** When it is due; null once final. */
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookListQuery {
  status?: WebhookStatus;
  registrationId?: string;
  /** Newest first; at most this many (default 50, at most 500). */
  limit?: number;
}

export interface WebhookStats {
  delivered: number;
  failed: number;
  /** Not delivered yet, whether due, waiting for a retry or being sent. */
  pending: number;
  /** ms epoch of the oldest pending delivery's event; null when there is none. */
  oldestPendingCreatedAt: number | null;
}

export interface Store {
  /**
   * Journals a submission under its idempotency key and leases it to the caller, or says why it
   * must not be sent now: the first answer to replay, still in progress, the key reused, or its
   * form token used by another key.
   */
  begin(entry: NewRegistration): Promise<BeginResult>;
  /** Records a final outcome; false (and nothing written) when `leaseToken` no longer holds. */
  finish(id: string, leaseToken: string, outcome: Outcome): Promise<boolean>;
  /** Puts a registration in the outbox for a later attempt, releasing the lease. */
  reschedule(id: string, leaseToken: string, retry: Retry): Promise<boolean>;
  /**
   * Leases up to `limit` registrations due for an attempt: `queued` ones whose time has come and
   * `pending` ones whose holder's lease ran out. Safe with several instances (no double claims).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedWork[]>;
  /**
   * An operator's retry of a `failed` registration: queued again, due now, with a new deadline;
   * `answer` (a 202 `queued`) replaces the failure as what the same key is answered. `webhooks`
   * are written with it, and only when it applies.
   */
  requeue(
    id: string,
    deadlineAt: number,
    answer: { httpStatus: number; response: unknown },
    webhooks?: NewWebhookDelivery[],
  ): Promise<boolean>;
  get(id: string): Promise<StoredRegistration | undefined>;
  /** Whether this idempotency key of this flow was seen before. */
  hasKey(flowId: string, idempotencyKey: string): Promise<boolean>;
  list(query: ListQuery): Promise<StoredRegistration[]>;
  outboxStats(now: number): Promise<OutboxStats>;
  /** The registration a provider key belongs to (approvals are made by the provider's key). */
  findByProviderRef(flowId: string, providerRef: string): Promise<StoredRegistration | undefined>;
  /** Appends to a registration's history, changing its status where the entry says so. */
  note(id: string, entry: HistoryEntry): Promise<void>;
  /** How often `detail` happened to a registration since `since` (ms epoch), and when last. */
  history(id: string, detail: string, since: number): Promise<HistoryCount>;
  /**
   * Counts one attempt of `kind` before it is sent, atomically (across processes and instances):
   * over the limit, nothing is written. Admitted, it is a history entry at `now` (`verify_attempt`
   * or `resend`, keeping the registration's status). Verify attempts count since the latest
   * resend; resends count in the hour before `now`. Rejects for an unknown registration.
   */
  reserveStep(
    id: string,
    kind: StepKind,
    now: number,
    limits: StepLimits,
  ): Promise<StepReservation>;
  /**
   * The attempt never reached the provider: it no longer counts (kept in the history, marked
   * `…_released`). Releasing twice, or an unknown ticket, is a no-op.
   */
  releaseStep(id: string, ticket: string): Promise<void>;
  /**
   * Leases up to `limit` deliveries due at `now` (pending, next attempt due, no live lease; a
   * lease that ran out means its sender died), those due longest first. Safe with several
   * instances: no delivery is claimed twice while its lease holds.
   */
  claimWebhooks(now: number, limit: number, leaseMs: number): Promise<ClaimedWebhook[]>;
  /** Makes a claimed delivery final; false (and nothing written) when the lease no longer holds. */
  finishWebhook(key: WebhookKey, leaseToken: string, outcome: WebhookOutcome): Promise<boolean>;
  /** Another attempt later, releasing the lease; false (nothing written) when it does not hold. */
  rescheduleWebhook(key: WebhookKey, leaseToken: string, retry: WebhookRetry): Promise<boolean>;
  /**
   * An operator's replay of a final delivery (of the event's every endpoint, without
   * `endpointId`): pending again, due now, its attempts, last answer and `createdAt` kept. A
   * pending one is left as it is. Answers how many were put back (0 for an unknown one).
   */
  replayWebhook(id: string, endpointId?: string): Promise<number>;
  /** For operators: newest first, one event's endpoints the last written first. */
  listWebhooks(query: WebhookListQuery): Promise<StoredWebhook[]>;
  /**
   * Counts by status. `now` is the caller's clock, as for `outboxStats`; the counts do not depend
   * on it (the oldest pending one's age is `now - oldestPendingCreatedAt`).
   */
  webhookStats(now: number): Promise<WebhookStats>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
