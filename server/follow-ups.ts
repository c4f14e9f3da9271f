/**
 * The steps after a registration: checking a confirmation code and sending the code or e-mail
 * again. Both are limited per registration, in the journal, so that the limits hold across
 * restarts and instances: guessing a six-digit code stays hopeless (5 wrong codes per code sent)
 * and nobody can make a provider mail a user over and over (one resend a minute, 5 an hour).
 */
import type { Logger } from 'pino';
import {
  verifyRequestSchema,
  type RegistrationResponse,
  type ResendResponse,
} from '../shared/api.ts';
import { HttpProblem, ProviderError } from './errors.ts';
import type { Flow } from './flows.ts';
import { problemFor, type Answer } from './registrations.ts';
import type { FollowUpInput } from './providers/types.ts';
import type { Store, StoredRegistration } from './store/types.ts';

export const FOLLOW_UP_LIMITS = {
  /** Wrong codes accepted per code sent (the first one, or the latest resend). */
  verifyAttempts: 5,
  /** Seconds between two resends. */
  resendCooldownSeconds: 60,
  /** Resends per registration in any hour. */
  resendsPerHour: 5,
} as const;

const HOUR = 3_600_000;

const invalidCode = () =>
  new HttpProblem(400, 'invalid_code', 'The code is not right.', {
    errors: { code: 'invalid_code' },
  });

const tooMany = (retryAfterSeconds: number, detail: string) =>
  new HttpProblem(429, 'too_many_attempts', detail, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });

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
  async function lastResendAt(id: string): Promise<number> {
    return (await store.history(id, 'resend', 0)).last ?? 0;
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
      const since = await lastResendAt(registration.id);
      const failures = await store.history(registration.id, 'verify_failed', since);
      if (failures.count >= FOLLOW_UP_LIMITS.verifyAttempts) {
        throw tooMany(
          FOLLOW_UP_LIMITS.resendCooldownSeconds,
          'Too many wrong codes: ask for a new code.',
        );
      }
      // A malformed code never reaches the provider and does not count as an attempt.
      const parsed = verifyRequestSchema.safeParse(body);
      if (!parsed.success) throw invalidCode();
      try {
        await adapter.verify(followUp(registration), parsed.data.code);
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'invalid_code') {
          await store.note(registration.id, { detail: 'verify_failed' });
          throw invalidCode();
        }
        if (err instanceof ProviderError) {
          log.warn({ registrationId: registration.id, kind: err.kind }, err.message);
          throw problemFor(err);
        }
        throw err;
      }
      await store.note(registration.id, { detail: 'verified', status: 'completed' });
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
      const now = Date.now();
      const recent = await store.history(registration.id, 'resend', now - HOUR);
      if (recent.count >= FOLLOW_UP_LIMITS.resendsPerHour && recent.first !== null) {
        throw tooMany((recent.first + HOUR - now) / 1000, 'Too many resends this hour.');
      }
      const wait = FOLLOW_UP_LIMITS.resendCooldownSeconds * 1000 - (now - (recent.last ?? 0));
      if (wait > 0) throw tooMany(wait / 1000, 'Please wait before asking again.');
      try {
        await adapter.resend(followUp(registration));
      } catch (err) {
        // The provider has nothing waiting any more: usually the user already confirmed.
        if (err instanceof ProviderError && err.kind === 'not_found') {
          throw new HttpProblem(409, 'step_not_available', 'There is nothing to send again.');
        }
        if (err instanceof ProviderError) {
          log.warn({ registrationId: registration.id, kind: err.kind }, err.message);
          throw problemFor(err);
        }
        throw err;
      }
      await store.note(registration.id, { detail: 'resend' });
      const body: ResendResponse = {
        id: registration.id,
        status: 'sent',
        retryAfter: FOLLOW_UP_LIMITS.resendCooldownSeconds,
      };
      return { status: 202, body };
    },
  };
}
