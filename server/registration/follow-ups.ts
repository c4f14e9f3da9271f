/**
 * The steps after a registration: checking a confirmation code and sending the code or e-mail
 * again. Both are limited per registration, counted in the journal before the provider is called
 * (atomically, so parallel requests and several instances cannot get past the count): guessing a
 * six-digit code stays hopeless (5 codes reach the provider per code sent) and nobody can make a
 * provider mail a user over and over (one resend a minute, 5 an hour).
 */
import { webhooksForStored } from '../webhooks/events.ts';
import type { Logger } from 'pino';
import {
  verifyRequestSchema,
  type RegistrationResponse,
  type ResendResponse,
} from '../../shared/api.ts';
import { HttpProblem, ProviderError } from '../errors.ts';
import type { Flow } from './flows.ts';
import { failureProblem, type Answer } from './outcomes.ts';
import type { FollowUpInput } from '../providers/types.ts';
import type {
  StepKind,
  StepLimits,
  StepReservation,
  Store,
  StoredRegistration,
} from '../store/types.ts';

export const FOLLOW_UP_LIMITS = {
  /** Codes sent to the provider per code sent to the user (the first one, or the latest resend). */
  verifyAttempts: 5,
  /** Seconds between two resends. */
  resendCooldownSeconds: 60,
  /** Resends per registration in any hour. */
  resendsPerHour: 5,
} as const;

const STEP_LIMITS: StepLimits = {
  verifyAttempts: FOLLOW_UP_LIMITS.verifyAttempts,
  resendCooldownMs: FOLLOW_UP_LIMITS.resendCooldownSeconds * 1000,
  resendsPerHour: FOLLOW_UP_LIMITS.resendsPerHour,
};

const invalidCode = () =>
  new HttpProblem(400, 'invalid_code', 'The code is not right.', {
    errors: { code: 'invalid_code' },
  });

const tooMany = (retryAfterMs: number, detail: string) =>
  new HttpProblem(429, 'too_many_attempts', detail, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });

const REFUSALS: Record<Exclude<StepReservation, { ok: true }>['reason'], string> = {
  verify_attempts: 'Too many wrong codes: ask for a new code.',
  resend_cooldown: 'Please wait before asking again.',
  resend_hourly: 'Too many resends this hour.',
};

/**
 * Whether a failed step certainly never reached the provider's check (nothing sent, or refused
 * before the code or e-mail was looked at): then it does not count against the user's limits.
 */
const neverReached = (err: ProviderError) =>
  (err.kind === 'unavailable' && !err.outcomeUnknown) || err.kind === 'misconfigured';

function nextOf(registration: StoredRegistration): RegistrationResponse['next'] {
  return (registration.response as RegistrationResponse | null)?.next ?? null;
}

const followUp = (r: StoredRegistration): FollowUpInput => ({
  registrationId: r.id,
  providerRef: r.providerRef,
  state: r.providerState,
});

export interface FollowUpService {
  verify(flow: Flow, registration: StoredRegistration, body: unknown, log: Logger): Promise<Answer>;
  resend(flow: Flow, registration: StoredRegistration, log: Logger): Promise<Answer>;
}

export function createFollowUpService(store: Store): FollowUpService {
  /**
   * Counts the step in the journal before the provider hears of it, atomically across instances:
   * however many requests arrive at once, no more than the limit reach the provider.
   */
  async function reserve(id: string, kind: StepKind): Promise<string> {
    const reservation = await store.reserveStep(id, kind, Date.now(), STEP_LIMITS);
    if (!reservation.ok) throw tooMany(reservation.retryAfterMs, REFUSALS[reservation.reason]);
    return reservation.ticket;
  }

  /** A provider failure as the user sees it; the step uncounted where it never got there. */
  async function failed(
    flow: Flow,
    registration: StoredRegistration,
    ticket: string,
    err: unknown,
    log: Logger,
    submitted: string[] = [],
  ): Promise<never> {
    if (!(err instanceof ProviderError)) throw err;
    if (neverReached(err) || err.kind === 'not_found') {
      await store.releaseStep(registration.id, ticket);
    }
    throw failureProblem(log, flow, err, { registrationId: registration.id }, [
      ...submitted,
      ...Object.values(registration.providerState),
    ]);
  }

  return {
    async verify(flow, registration, body, log) {
      const { adapter } = flow;
      if (nextOf(registration)?.type !== 'verify-code' || !adapter.verify) {
        throw new HttpProblem(
          409,
          'step_not_available',
          'This registration has no code to confirm.',
        );
      }
      const done: RegistrationResponse = { id: registration.id, status: 'completed', next: null };
      if ((await store.history(registration.id, 'verified', 0)).count > 0) {
        return { status: 200, body: done };
      }
      // A malformed code never reaches the provider and does not count as an attempt.
      const parsed = verifyRequestSchema.safeParse(body);
      if (!parsed.success) throw invalidCode();
      const ticket = await reserve(registration.id, 'verify');
      try {
        await adapter.verify(followUp(registration), parsed.data.code);
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'invalid_code') {
          await store.note(registration.id, { detail: 'verify_failed' });
          throw invalidCode();
        }
        return failed(flow, registration, ticket, err, log, [parsed.data.code]);
      }
      await store.note(registration.id, {
        detail: 'verified',
        status: 'completed',
        webhooks: webhooksForStored(
          flow.webhooks,
          'registration.verified',
          registration,
          flow.provider,
          'completed',
        ),
      });
      log.info({ registrationId: registration.id, flow: flow.id }, 'registration verified');
      return { status: 200, body: done };
    },

    async resend(flow, registration, log) {
      const next = nextOf(registration);
      const { adapter } = flow;
      const canResend =
        next?.type === 'verify-code' || (next?.type === 'confirm-email' && next.canResend);
      if (!canResend || !adapter.resend) {
        throw new HttpProblem(409, 'step_not_available', 'There is nothing to send again.');
      }
      const ticket = await reserve(registration.id, 'resend');
      try {
        await adapter.resend(followUp(registration));
      } catch (err) {
        // The provider has nothing waiting any more: usually the user already confirmed.
        if (err instanceof ProviderError && err.kind === 'not_found') {
          await store.releaseStep(registration.id, ticket);
          throw new HttpProblem(409, 'step_not_available', 'There is nothing to send again.');
        }
        return failed(flow, registration, ticket, err, log);
      }
      const body: ResendResponse = {
        id: registration.id,
        status: 'sent',
        retryAfter: FOLLOW_UP_LIMITS.resendCooldownSeconds,
      };
      return { status: 202, body };
    },
  };
}
