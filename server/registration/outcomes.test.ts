import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorKind } from '../errors.ts';
import { problemFor } from './outcomes.ts';

describe('problemFor: provider failures as the user sees them', () => {
  it.each<
    [ProviderErrorKind, string | undefined, number, string, Record<string, string> | undefined]
  >([
    ['already_registered', 'inn', 409, 'already_registered', { inn: 'already_registered' }],
    ['already_registered', undefined, 409, 'already_registered', { email: 'already_registered' }],
    ['rejected', 'phone', 400, 'invalid_fields', { phone: 'invalid' }],
    ['rejected', undefined, 422, 'provider_rejected', undefined],
    ['unavailable', undefined, 503, 'provider_unavailable', undefined],
    ['misconfigured', undefined, 502, 'provider_unavailable', undefined],
    ['bad_response', undefined, 502, 'provider_unavailable', undefined],
  ])('%s (%s) -> %i %s', (kind, field, status, code, errors) => {
    const problem = problemFor(
      new ProviderError(kind, 'operator detail: secret-ish text', field ? { field } : {}),
    );
    expect(problem.status).toBe(status);
    expect(problem.code).toBe(code);
    expect(problem.errors).toEqual(errors);
    expect(problem.message).not.toContain('operator detail');
  });

  it('tells the client when to retry an outage', () => {
    expect(problemFor(new ProviderError('unavailable', 'x')).headers['retry-after']).toBe('30');
  });
});
