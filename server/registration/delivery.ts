/**
 * One attempt to register with the provider, shared by the request handler and the outbox
 * worker: through the flow's circuit breaker, with "already exists" after an attempt of unknown
 * outcome reconciled as our own success, and every failure sorted into retry-later or final.
 */
import type { Logger } from 'pino';
import { ProviderError } from '../errors.ts';
import { attemptMsFor, providerCallsMsFor, type Flow } from './flows.ts';
import { withAttemptDeadline } from '../providers/kit/attempt-deadline.ts';
import type { RegistrationInput, RegistrationResult } from '../providers/types.ts';

export type AttemptResult =
  | { kind: 'done'; result: RegistrationResult; reconciled: boolean }
  /** Worth trying again later: down, timing out, unreadable, refusing our credentials. */
  | { kind: 'retry'; error: ProviderError }
  /** The provider's answer stands: duplicate, refused value. */
  | { kind: 'final'; error: ProviderError };

const RETRYABLE = new Set(['unavailable', 'bad_response', 'misconfigured']);

const sorted = (error: ProviderError): AttemptResult =>
  RETRYABLE.has(error.kind) ? { kind: 'retry', error } : { kind: 'final', error };

/**
 * A final refusal that is the user's answer (already registered, a value the provider refused
 * and named), journaled as `rejected`; any other failure needs an operator (`failed`).
 */
export const isUsersAnswer = (error: ProviderError): boolean =>
  error.kind === 'already_registered' || (error.kind === 'rejected' && error.field !== undefined);

/**
 * The operator's log line for a provider failure, written in this one place: an error where the
 * operator must act (credentials, an answer we cannot read), a warning otherwise; the provider's
 * words in it scrubbed of every secret and of the submitted values.
 */
export function logFailure(
  log: Logger,
  flow: Flow,
  error: ProviderError,
  bindings: Record<string, unknown>,
  submitted?: Iterable<string>,
): void {
  const level = error.kind === 'misconfigured' || error.kind === 'bad_response' ? 'error' : 'warn';
  log[level](
    {
      ...bindings,
      flow: flow.id,
      provider: flow.provider,
      kind: error.kind,
      ...(error.field ? { field: error.field } : {}),
      outcomeUnknown: error.outcomeUnknown,
    },
    flow.redact(error.message, submitted),
  );
}

export async function attempt(
  flow: Flow,
  input: RegistrationInput,
  outcomeUnknown: boolean,
): Promise<AttemptResult> {
  // Every call of the attempt, reconciling included, ends before the lease does.
  return withAttemptDeadline(providerCallsMsFor(flow.config.timeouts), async () => {
    try {
      return { kind: 'done', result: await flow.register(input), reconciled: false };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      // The provider may have acted on an earlier attempt whose answer we lost: its
      // "already exists" is that attempt's success, not someone else's registration.
      if (err.kind === 'already_registered' && outcomeUnknown) return reconcile(flow, input);
      return sorted(err);
    }
  });
}

async function reconcile(flow: Flow, input: RegistrationInput): Promise<AttemptResult> {
  try {
    const result = flow.adapter.reconcile ? await flow.adapter.reconcile(input) : { next: null };
    return { kind: 'done', result, reconciled: true };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    // Looking it up failed: still ours, still unknown where it stands; try again later.
    return { kind: 'retry', error: err };
  }
}

/**
 * The delay before attempt `attempts + 1`: exponential from `baseDelayMs`, capped at
 * `maxDelayMs`, half of it random ("equal jitter") so many queued registrations spread out
 * after an outage instead of arriving together.
 */
export function backoffMs(
  attempts: number,
  retry: Flow['config']['retry'],
  random = Math.random,
): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How long a caller may hold a registration before another may take over (a crash). */
export function leaseMsFor(flow: Pick<Flow, 'config'>): number {
  return attemptMsFor(flow.config.timeouts);
}
