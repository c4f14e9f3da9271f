/**
 * The `registrations` and `webhook_deliveries` rows both stores read, and their mappings to the
 * interface's types: one place, so SQLite and Postgres cannot drift apart. SQLite returns times
 * as numbers; pg returns BIGINT as text (it may not fit a JS number; ms-epoch times do), hence
 * `Number()` on every time.
 */
import {
  WEBHOOK_EVENT_TYPES,
  type ClaimedWebhook,
  type NewWebhookDelivery,
  type StoredRegistration,
  type StoredWebhook,
  type WebhookOutcome,
  type WebhookStats,
} from './types.ts';

type Time = number | string;

export interface RegistrationRow {
  id: string;
  flow_id: string;
  request_hash: string;
  status: string;
  submission: string;
  http_status: number | null;
  response: string | null;
  provider_ref: string | null;
  provider_state: string | null;
  /** JSON: the registry checks made at submit (null before migration 7 / none made). */
  verification?: string | null;
  attempts: number;
  next_attempt_at: Time | null;
  deadline_at: Time | null;
  lease_until: Time | null;
  lease_token: string | null;
  /** 0/1 in SQLite, a boolean in Postgres. */
  outcome_unknown: number | boolean;
  created_at: Time;
  updated_at: Time;
  /** The latest history entry's detail, where the query joins it. */
  last_detail?: string | null;
}

export const parseJson = (text: string | null, fallback: unknown): unknown =>
  text === null ? fallback : (JSON.parse(text) as unknown);

export const msOrNull = (value: Time | null): number | null =>
  value === null ? null : Number(value);

export function toStored(row: RegistrationRow | undefined): StoredRegistration | undefined {
  if (!row) return undefined;
  const next = msOrNull(row.next_attempt_at);
  return {
    id: row.id,
    flowId: row.flow_id,
    status: row.status as StoredRegistration['status'],
    providerRef: row.provider_ref,
    providerState: parseJson(row.provider_state, {}) as Record<string, string>,
    submission: parseJson(row.submission, {}) as Record<string, unknown>,
    response: parseJson(row.response, null),
    verification: parseJson(row.verification ?? null, []) as StoredRegistration['verification'],
    attempts: row.attempts,
    nextAttemptAt: next === null ? null : new Date(next),
    lastDetail: row.last_detail ?? null,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export interface WebhookRow {
  id: string;
  endpoint_id: string;
  type: string;
  registration_id: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: Time | null;
  lease_until: Time | null;
  lease_token: string | null;
  last_http_status: number | null;
  last_detail: string | null;
  /** Set by a replay; NULL: the window opened with the delivery (`created_at`). */
  window_start?: Time | null;
  created_at: Time;
  updated_at: Time;
}

const delivery = (row: WebhookRow): NewWebhookDelivery => ({
  id: row.id,
  endpointId: row.endpoint_id,
  type: row.type as NewWebhookDelivery['type'],
  registrationId: row.registration_id,
  payload: row.payload,
});

export const toClaimedWebhook = (row: WebhookRow): ClaimedWebhook => ({
  ...delivery(row),
  attempts: row.attempts,
  createdAt: new Date(Number(row.created_at)),
  windowStart: new Date(Number(row.window_start ?? row.created_at)),
  leaseToken: row.lease_token!,
});

export function toStoredWebhook(row: WebhookRow): StoredWebhook {
  const next = msOrNull(row.next_attempt_at);
  return {
    ...delivery(row),
    status: row.status as StoredWebhook['status'],
    attempts: row.attempts,
    lastHttpStatus: row.last_http_status,
    lastDetail: row.last_detail,
    nextAttemptAt: next === null ? null : new Date(next),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/** One status's count (a number in SQLite, BIGINT text from pg) and its oldest `created_at`. */
export interface WebhookCountRow {
  status: string;
  n: number | string;
  oldest: Time | null;
}

export function toWebhookStats(rows: readonly WebhookCountRow[]): WebhookStats {
  const stats: WebhookStats = { delivered: 0, failed: 0, pending: 0, oldestPendingCreatedAt: null };
  for (const { status, n, oldest } of rows) {
    if (status === 'delivered' || status === 'failed') stats[status] = Number(n);
    if (status === 'pending') {
      stats.pending = Number(n);
      stats.oldestPendingCreatedAt = msOrNull(oldest);
    }
  }
  return stats;
}

/** `list` and `listWebhooks`: default 50, at least 1, at most 500. */
export const listLimit = (limit: number | undefined): number =>
  Math.min(Math.max(limit ?? 50, 1), 500);

const EVENT_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/**
 * Refuses (throws) deliveries that cannot belong to the change of registration `id`, before
 * anything is written: a delivery is only ever written with the change that caused it.
 */
export function checkDeliveries(
  id: string,
  webhooks: readonly NewWebhookDelivery[] | undefined,
): readonly NewWebhookDelivery[] {
  for (const hook of webhooks ?? []) {
    if (hook.registrationId !== id) {
      throw new Error(`webhook ${hook.id} is for registration ${hook.registrationId}, not ${id}`);
    }
    if (!EVENT_TYPES.has(hook.type)) throw new Error(`webhook ${hook.id} has no known type`);
  }
  return webhooks ?? [];
}

/** A final status other than these would leave a delivery pending and never due. */
export function checkWebhookOutcome(outcome: WebhookOutcome): void {
  if (outcome.status !== 'delivered' && outcome.status !== 'failed') {
    throw new Error(`a webhook cannot be finished as ${String(outcome.status)}`);
  }
}
