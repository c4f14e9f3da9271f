import { afterEach, describe, expect, it, vi } from 'vitest';
import { credentialCache } from './credential-cache.ts';

afterEach(() => vi.useRealTimers());

describe('credentialCache', () => {
  it('fetches once for many concurrent callers', async () => {
    let fetches = 0;
    const cache = credentialCache(async () => ({ value: `t${++fetches}` }));
    const values = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    expect(values).toEqual(Array(10).fill('t1'));
    expect(fetches).toBe(1);
  });

  it('renews shortly before the announced expiry, never later than half the lifetime', async () => {
    vi.useFakeTimers();
    let fetches = 0;
    const cache = credentialCache(async () => ({ value: ++fetches, expiresInSeconds: 100 }), {
      marginSeconds: 30,
    });
    expect(await cache.get()).toBe(1);
    vi.advanceTimersByTime(69_000);
    expect(await cache.get()).toBe(1);
    vi.advanceTimersByTime(2_000);
    expect(await cache.get()).toBe(2);

    const short = credentialCache(async () => ({ value: ++fetches, expiresInSeconds: 20 }), {
      marginSeconds: 30,
    });
    const first = await short.get();
    vi.advanceTimersByTime(9_000);
    expect(await short.get()).toBe(first);
    vi.advanceTimersByTime(2_000);
    expect(await short.get()).toBe(first + 1);
  });

  it('forgets a failed fetch so the next call tries again', async () => {
    let fetches = 0;
    const cache = credentialCache(async () => {
      fetches += 1;
      if (fetches === 1) throw new Error('login down');
      return { value: 'ok' };
    });
    await expect(cache.get()).rejects.toThrow('login down');
    expect(await cache.get()).toBe('ok');
  });

  it('renews once when the provider refuses, shared by everyone who saw the refusal', async () => {
    let fetches = 0;
    const cache = credentialCache(async () => ({ value: `t${++fetches}` }));
    await cache.get();
    const accepted = new Set(['t2']);
    const calls: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 3 }, () =>
        cache.use(
          async (token) => {
            calls.push(token);
            return accepted.has(token);
          },
          (ok) => !ok,
        ),
      ),
    );
    expect(results).toEqual([true, true, true]);
    expect(fetches).toBe(2);
    expect(calls.filter((t) => t === 't1')).toHaveLength(3);
  });

  it('returns the second refusal as it is, without a third fetch', async () => {
    let fetches = 0;
    const cache = credentialCache(async () => ({ value: ++fetches }));
    const result = await cache.use(
      async () => 'refused',
      () => true,
    );
    expect(result).toBe('refused');
    expect(fetches).toBe(2);
  });
});
