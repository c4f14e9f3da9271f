/**
 * One attempt to register with the provider, shared by the request handler and the outbox
 * worker: through the flow's circuit breaker, with "already exists" after an attempt of unknown
 * outcome reconciled as our own success, and every failure sorted into retry-later or final.
 */
import type { NextStep } from '../shared/api.ts';
import { ProviderError } from './errors.ts';
import type { Flow } from './flows.ts';
import type { RegistrationInput, RegistrationResult } from './providers/types.ts';

export type AttemptResult =
  | { kind: 'done'; result: RegistrationResult; reconciled: boolean }
  /** Worth trying again later: down, timing out, unreadable, refusing our credentials. */
  | { kind: 'retry'; error: ProviderError }
  /** The provider's answer stands: duplicate, refused value. */
  | { kind: 'final'; error: ProviderError };

const RETRYABLE = new Set(['unavailable', 'bad_response', 'misconfigured']);

/** What a reconciled registration leads to: the step the provider's successes lead to. */
function reconciledNext(flow: Flow): NextStep {
  return flow.adapter.reconciledNext ?? null;
}

export async function attempt(
  flow: Flow,
  input: RegistrationInput,
  outcomeUnknown: boolean,
): Promise<AttemptResult> {
  try {
    return { kind: 'done', result: await flow.register(input), reconciled: false };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    // The provider may have acted on an earlier attempt whose answer we lost: its
    // "already exists" is that attempt's success, not someone else's registration.
    if (err.kind === 'already_registered' && outcomeUnknown) {
      return { kind: 'done', result: { next: reconciledNext(flow) }, reconciled: true };
    }
    return RETRYABLE.has(err.kind) ? { kind: 'retry', error: err } : { kind: 'final', error: err };
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
export function leaseMsFor(flow: Flow): number {
  const { connectMs, requestMs } = flow.config.timeouts;
  // An adapter makes at most three calls per registration (login, register, a follow-up);
  // the rest is headroom for a busy event loop.
  return 3 * (connectMs + requestMs) + 2_000;
}
