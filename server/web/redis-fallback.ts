/**
 * Rate-limit counting that survives Redis going away. While the Redis client is not `ready`,
 * each limiter counts in express-rate-limit's own MemoryStore, so limits still hold per instance
 * instead of not at all; once Redis is back, counting goes back to it. The client's status is
 * read on each request (nothing waits for Redis), and its state changes are logged once each.
 *
 * Hand-written: rate-limit-redis has no fallback, and express-rate-limit offers only
 * `passOnStoreError`, which lets every request through. rate-limiter-flexible's insurance
 * limiter does this, but for its own middleware, not as an express-rate-limit `Store`.
 */
import {
  MemoryStore,
  type ClientRateLimitInfo,
  type Options,
  type Store,
} from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisStore } from 'rate-limit-redis';

/** Whether Redis can count now: the client's own status, with each change logged once. */
export class RedisLink {
  #state: 'starting' | 'up' | 'down' = 'starting';
  #closing = false;
  #lastError: string | undefined;
  readonly #onReady: (() => void)[] = [];

  constructor(
    readonly redis: Redis,
    log: Logger,
  ) {
    // One per connection attempt while Redis is away: kept for the one "unreachable" line.
    redis.on('error', (err: Error) => (this.#lastError = err.message));
    redis.on('ready', () => {
      if (this.#state === 'down') {
        log.info('rate limits: Redis reachable again; counting in Redis again');
      }
      this.#state = 'up';
      this.#lastError = undefined;
      for (const listener of this.#onReady) listener();
    });
    redis.on('close', () => {
      if (this.#closing || this.#state === 'down') return;
      this.#state = 'down';
      log.error(
        { err: this.#lastError },
        'rate limits: Redis unreachable; counting per instance in memory until it is back',
      );
    });
  }

  get usable(): boolean {
    return this.redis.status === 'ready';
  }

  /** Called on every (re)connection: scripts are loaded again (a restarted Redis lost them). */
  onReady(listener: () => void): void {
    this.#onReady.push(listener);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One limiter's store: `redis` while the link is usable, a MemoryStore otherwise. */
export class FallbackStore implements Store {
  /** Counts are shared through Redis (memory is only the stand-in). */
  readonly localKeys = false;
  readonly prefix: string;
  readonly #memory = new MemoryStore();
  #options: Options | undefined;

  constructor(
    readonly redis: RedisStore,
    readonly link: RedisLink,
  ) {
    this.prefix = redis.prefix;
    link.onReady(() => this.#initRedis());
  }

  init(options: Options): void {
    this.#options = options;
    this.#memory.init(options);
    if (this.link.usable) this.#initRedis();
  }

  #initRedis(): void {
    // A failure here shows again as a failed command, which falls back to memory.
    if (this.#options) this.redis.init(this.#options).catch(() => undefined);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    if (this.link.usable) {
      try {
        return await this.redis.increment(key);
      } catch {
        // Lost mid-command or timed out (the client's socket timeout then drops the
        // connection, so the next request does not wait): this one is counted here.
      }
    }
    return this.#memory.increment(key);
  }

  async decrement(key: string): Promise<void> {
    if (this.link.usable) await this.redis.decrement(key).catch(() => undefined);
    else await this.#memory.decrement(key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    if (this.link.usable) {
      try {
        return await this.redis.get(key);
      } catch {
        // as in increment
      }
    }
    return this.#memory.get(key);
  }

  /** Both: a client let off is let off wherever it was counted. */
  async resetKey(key: string): Promise<void> {
    if (this.link.usable) await this.redis.resetKey(key).catch(() => undefined);
    await this.#memory.resetKey(key);
  }

  shutdown(): void {
    this.#memory.shutdown();
  }
}
