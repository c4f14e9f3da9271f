/**
 * A provider credential (a bearer token, a user token) fetched once and shared by every
 * concurrent call: kept until shortly before it expires, forgotten when fetching fails, and
 * fetched again, once for all callers, when the provider refuses it. Every adapter that logs in
 * uses this, so the "one login for many registrations" behaviour is written once.
 */

export interface FetchedCredential<T> {
  value: T;
  /** The lifetime the provider announced; without one the credential is kept until refused. */
  expiresInSeconds?: number | undefined;
}

export interface CredentialCache<T> {
  /** The current credential; fetched (once for all callers) when there is none or it expired. */
  get(): Promise<T>;
  /**
   * Calls `call` with the credential. When `refused(result)` says the provider did not accept it,
   * fetches a new one (shared with whoever else found it refused) and calls once more; the
   * second result is returned whatever it is.
   */
  use<R>(call: (credential: T) => Promise<R>, refused: (result: R) => boolean): Promise<R>;
}

interface Entry<T> {
  value: Promise<T>;
  /** ms epoch; Infinity while fetching or when no lifetime was announced. */
  expiresAt: number;
}

export function credentialCache<T>(
  fetch: () => Promise<FetchedCredential<T>>,
  options: {
    /** Renew this long before the announced expiry (never more than half the lifetime). */
    marginSeconds?: number;
  } = {},
): CredentialCache<T> {
  const margin = options.marginSeconds ?? 30;
  let current: Entry<T> | undefined;

  /** Replaces `stale` with a new fetch, unless another caller already has. */
  function renew(stale: Entry<T> | undefined): Entry<T> {
    if (current && current !== stale) return current;
    const entry: Entry<T> = { value: Promise.resolve(undefined as T), expiresAt: Infinity };
    entry.value = fetch().then(
      ({ value, expiresInSeconds }) => {
        if (expiresInSeconds !== undefined && expiresInSeconds > 0) {
          const keep = Math.max(expiresInSeconds - margin, expiresInSeconds / 2);
          entry.expiresAt = Date.now() + keep * 1000;
        }
        return value;
      },
      (err: unknown) => {
        if (current === entry) current = undefined;
        throw err;
      },
    );
    current = entry;
    return entry;
  }

  const fresh = (): Entry<T> =>
    current && Date.now() < current.expiresAt ? current : renew(current);

  return {
    get: () => fresh().value,
    async use(call, refused) {
      const first = fresh();
      const result = await call(await first.value);
      if (!refused(result)) return result;
      return call(await renew(first).value);
    },
  };
}
