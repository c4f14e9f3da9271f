/**
 * The pieces of an adapter's `doctor()`: each probe makes one call that creates nothing and says,
 * in words, what the provider answered; a failure reads as the same operator message the adapter
 * would log, which names the setting to check.
 */
import { ProviderError } from '../../errors.ts';
import type { DoctorCheck } from '../types.ts';

/** Runs one probe: its resolved text is an `ok` line; a ProviderError, a `fail` line. */
export async function probe(
  name: string,
  work: () => Promise<string | { verdict: DoctorCheck['verdict']; detail: string }>,
): Promise<DoctorCheck> {
  try {
    const outcome = await work();
    return typeof outcome === 'string'
      ? { name, verdict: 'ok', detail: outcome }
      : { name, ...outcome };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return { name, verdict: 'fail', detail: err.message };
  }
}

/** A check that cannot be made without creating something at the provider. */
export const skipped = (name: string, detail: string): DoctorCheck => ({
  name,
  verdict: 'skip',
  detail,
});
