/**
 * The `registrations` row both stores read, and its mapping to `StoredRegistration`: one place,
 * so SQLite and Postgres cannot drift apart. SQLite returns times as numbers; pg returns BIGINT
 * as text (it may not fit a JS number; ms-epoch times do), hence `Number()` on every time.
 */
import type { StoredRegistration } from './types.ts';

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
    response: parseJson(row.response, null),
    attempts: row.attempts,
    nextAttemptAt: next === null ? null : new Date(next),
    lastDetail: row.last_detail ?? null,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
