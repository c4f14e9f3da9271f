/**
 * One deadline for all the provider calls of one attempt to register, however many the adapter
 * makes (a token, a retry after a 401, a lookup to reconcile…). The attempt holds its
 * registration for a lease; past the lease another request or instance may take it over, so
 * no call of this attempt may still be under way then. The deadline travels with the attempt's
 * async context (Node's AsyncLocalStorage) rather than through every adapter's signature.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Attempt {
  /** `performance.now()` at which its calls must have ended. */
  endsAt: number;
  /** Whether a call of this attempt was sent: the provider may have acted. */
  sent: boolean;
}

const current = new AsyncLocalStorage<Attempt>();

/** Runs `fn` (one attempt) with its provider calls bounded to `ms` in all. */
export function withAttemptDeadline<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return current.run({ endsAt: performance.now() + ms, sent: false }, fn);
}

/** The attempt this call belongs to, if it runs in one. */
export const currentAttempt = (): Attempt | undefined => current.getStore();
