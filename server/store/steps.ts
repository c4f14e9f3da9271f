/**
 * The follow-up step limits (`Store.reserveStep`), decided here from the facts each store reads
 * inside its transaction: one place, so SQLite and Postgres cannot drift apart.
 */
import type { StepKind, StepLimits, StepReservation } from './types.ts';

export const HOUR_MS = 3_600_000;

/** The history entry of an admitted step; `resend` is also what older code wrote through `note`. */
export const STEP_DETAIL: Record<StepKind, string> = {
  verify: 'verify_attempt',
  resend: 'resend',
};
/** Appended to a released entry's detail, so no count matches it any more. */
export const RELEASED = '_released';

/** A ticket is an entry's id (rowid / seq); anything else names no entry. 18 digits fit int64. */
export const TICKET = /^[0-9]{1,18}$/;

/** What the limits are decided on: not-released entries of one registration. */
export interface StepFacts {
  /** `verify_attempt` entries written after the latest `resend` (or since the start). */
  verifyAttempts: number;
  /** `at` of the latest `resend`; null when there is none. */
  lastResendAt: number | null;
  /** `at` of the `resend` entries later than `now - 1h`, ascending. */
  resendsInHour: number[];
}

type Refusal = Extract<StepReservation, { ok: false }>;

function resendRefusal(now: number, limits: StepLimits, facts: StepFacts): Refusal | undefined {
  const times = facts.resendsInHour;
  if (times.length >= limits.resendsPerHour) {
    // Admitted once enough of them are an hour old: the earliest, when at the limit exactly.
    const leaving = times[times.length - limits.resendsPerHour];
    return {
      ok: false,
      reason: 'resend_hourly',
      retryAfterMs: leaving === undefined ? HOUR_MS : leaving + HOUR_MS - now,
    };
  }
  const cooldownLeft =
    facts.lastResendAt === null ? 0 : facts.lastResendAt + limits.resendCooldownMs - now;
  if (cooldownLeft > 0) return { ok: false, reason: 'resend_cooldown', retryAfterMs: cooldownLeft };
  return undefined;
}

/** Why this step is not admitted now, or undefined when it is. */
export function stepRefusal(
  kind: StepKind,
  now: number,
  limits: StepLimits,
  facts: StepFacts,
): Refusal | undefined {
  if (kind === 'resend') return resendRefusal(now, limits, facts);
  if (facts.verifyAttempts < limits.verifyAttempts) return undefined;
  // Only a new code helps: the wait is until a resend is admitted, and never "now".
  const resend = resendRefusal(now, limits, facts);
  return {
    ok: false,
    reason: 'verify_attempts',
    retryAfterMs: Math.max(1_000, resend?.retryAfterMs ?? 0),
  };
}
