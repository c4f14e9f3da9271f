/**
 * What a registration's outcome looks like to each side, shared by the request handler, the
 * outbox, the follow-ups and the admin API: the user's answer or problem, the journal's status,
 * and the operator's short note.
 */
import type { Logger } from 'pino';
import type { RegistrationResponse, RegistrationStatus } from '../../shared/api.ts';
import { HttpProblem, invalidFields, type ProviderError } from '../errors.ts';
import type { RegistrationResult } from '../providers/types.ts';
import type { Outcome, StoredStatus } from '../store/types.ts';
import { logFailure } from './delivery.ts';
import type { Flow } from './flows.ts';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Public status: `pending` is "accepted, not done yet"; a bot's discarded one looks done. */
export const publicStatus = (status: StoredStatus): RegistrationStatus =>
  status === 'pending' ? 'queued' : status === 'discarded' ? 'completed' : status;

export function answerFor(id: string, result: RegistrationResult): RegistrationResponse {
  return {
    id,
    status: result.next?.type === 'await-approval' ? 'awaiting-approval' : 'completed',
    next: result.next,
    ...(result.organisation ? { organisation: result.organisation } : {}),
    ...(result.notice ? { notice: result.notice } : {}),
  };
}

/** 202: accepted, the outbox will deliver it (poll `GET /v1/registrations/:id`). */
export const queuedAnswer = (id: string): Answer => ({
  status: 202,
  body: { id, status: 'queued' } satisfies RegistrationResponse,
});

/** The journal's final status and provider facts for a successful registration. */
export function outcomeOf(
  response: RegistrationResponse,
  result: RegistrationResult,
): Pick<Outcome, 'status' | 'providerRef' | 'providerState'> {
  return {
    status: response.status === 'awaiting-approval' ? 'awaiting-approval' : 'completed',
    ...(result.providerRef ? { providerRef: result.providerRef } : {}),
    ...(result.state ? { providerState: result.state } : {}),
  };
}

/** A short, non-personal history note for a provider failure. */
export const describeError = (err: ProviderError) =>
  `${err.kind}${err.field ? `:${err.field}` : ''}${err.outcomeUnknown ? ' (outcome unknown)' : ''}`;

/** How each kind of provider failure reaches the user. */
export function problemFor(err: ProviderError): HttpProblem {
  switch (err.kind) {
    case 'already_registered':
      return new HttpProblem(
        409,
        'already_registered',
        'This is already registered with the provider.',
        {
          errors: { [err.field ?? 'email']: 'already_registered' },
        },
      );
    case 'rejected':
      return err.field
        ? invalidFields({ [err.field]: 'invalid' })
        : new HttpProblem(
            422,
            'provider_rejected',
            'The provider did not accept this registration.',
          );
    case 'unavailable':
      return new HttpProblem(
        503,
        'provider_unavailable',
        'The provider is unavailable; please try again.',
        {
          headers: { 'retry-after': '30' },
        },
      );
    default:
      // misconfigured / bad_response: the operator reads the log; the user only learns it is down.
      return new HttpProblem(
        502,
        'provider_unavailable',
        'The provider is unavailable; please try again later.',
      );
  }
}

/**
 * A provider failure the caller gives up on: the operator's log line (`logFailure`: the level,
 * the provider's words scrubbed) and the problem the user gets (`problemFor`).
 */
export function failureProblem(
  log: Logger,
  flow: Flow,
  err: ProviderError,
  bindings: Record<string, unknown>,
  submitted?: Iterable<string>,
): HttpProblem {
  logFailure(log, flow, err, bindings, submitted);
  return problemFor(err);
}
