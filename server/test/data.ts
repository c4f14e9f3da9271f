/** Test data shared by the integration and browser tests: values unique within a run. */

let sequence = 0;
/** A value unique within the test run. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence}`;
}

/**
 * A valid 10-digit INN, different on every call (the simulator refuses an INN twice). Computed
 * here with the published weights, independently of shared/validators.ts.
 */
export function freshInn(): string {
  const weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const nine = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  const sum = weights.reduce((acc, w, i) => acc + w * Number(nine[i]), 0);
  return `${nine}${(sum % 11) % 10}`;
}
