/**
 * A circuit breaker per flow (opossum): when a provider keeps timing out or failing, calls fail
 * at once for a while (the flow then queues or answers 503) instead of each request waiting the
 * full timeout. Only outages count: a duplicate or a refused value is the provider working.
 */
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { ProviderError } from '../../errors.ts';
import type { LoadedFlow } from '../../config/load.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface Breaker {
  /** Runs `work` unless the circuit is open; open -> ProviderError `unavailable`, nothing sent. */
  run<T>(work: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  shutdown(): void;
}

export function createBreaker(flow: LoadedFlow, log: Logger): Breaker {
  const options = flow.circuitBreaker;
  const breaker = new CircuitBreaker((work: () => Promise<unknown>) => work(), {
    timeout: false, // the provider client has its own connect and request timeouts
    errorThresholdPercentage: options.failureThresholdPercent,
    volumeThreshold: options.minimumCalls,
    rollingCountTimeout: options.windowSeconds * 1000,
    resetTimeout: options.openSeconds * 1000,
    // Returning true keeps an error out of the failure count.
    errorFilter: (err: unknown) => !(err instanceof ProviderError && err.kind === 'unavailable'),
  });
  breaker.on('open', () => log.warn({ flow: flow.id }, 'circuit open: provider calls paused'));
  breaker.on('halfOpen', () => log.info({ flow: flow.id }, 'circuit half-open: one trial call'));
  breaker.on('close', () => log.info({ flow: flow.id }, 'circuit closed: provider calls resume'));

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(work)) as T;
      } catch (err) {
        if ((err as { code?: string }).code === 'EOPENBREAKER') {
          throw new ProviderError(
            'unavailable',
            `${flow.provider}: circuit open after repeated failures; not calling for now`,
            { outcomeUnknown: false },
          );
        }
        throw err;
      }
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}
