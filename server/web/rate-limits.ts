/**
 * Rate limits per client IP, per flow and per route (express-rate-limit), counted in Redis when
 * REDIS_URL is set so several instances share one allowance, in memory otherwise. While a
 * configured Redis is unreachable, each instance counts in memory (redis-fallback.ts) and
 * `ready()` is false (/readyz). Limited clients get a 429 problem with `Retry-After`. `req.ip`
 * follows the `trustProxy` setting.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { LoadedConfig } from '../config/load.ts';
import { RATE_LIMITED_ROUTES, type RateLimitedRoute } from '../config/schema.ts';
import { HttpProblem } from '../errors.ts';
import { FallbackStore, RedisLink } from './redis-fallback.ts';

export interface RateLimits {
  /** The limiter of `route` for `flowId` (a no-op when limits are off). */
  for(flowId: string, route: RateLimitedRoute): RequestHandler;
  /** Rejections so far, by route (for /metrics). */
  rejected: Record<RateLimitedRoute, number>;
  /** False while a configured Redis is unreachable (limits then hold per instance only). */
  ready(): boolean;
  close(): Promise<void>;
}

const pass: RequestHandler = (_req, _res, next) => next();
/** How long a Redis command may take before that request is counted in memory instead. */
const COMMAND_TIMEOUT_MS = 500;

export function createRateLimits(
  config: LoadedConfig,
  options: { redisUrl?: string | undefined; log: Logger },
): RateLimits {
  const rejected = Object.fromEntries(RATE_LIMITED_ROUTES.map((r) => [r, 0])) as Record<
    RateLimitedRoute,
    number
  >;
  if (!config.rateLimits.enabled) {
    return { for: () => pass, rejected, ready: () => true, close: async () => {} };
  }
  // Fail fast: a request never waits for Redis. While it is away a command fails at once (no
  // offline queue, no retries); one on a connection gone silent fails after COMMAND_TIMEOUT_MS,
  // and the silent socket is dropped, so the status leaves `ready` for the next requests.
  const link = options.redisUrl
    ? new RedisLink(
        new Redis(options.redisUrl, {
          lazyConnect: false,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: COMMAND_TIMEOUT_MS,
          socketTimeout: 2 * COMMAND_TIMEOUT_MS,
          connectTimeout: 2_000,
          // Back within two seconds of Redis.
          retryStrategy: (times: number) => Math.min(times * 200, 2_000),
        }),
        options.log,
      )
    : undefined;

  const stores: FallbackStore[] = [];
  const storeFor = (prefix: string): FallbackStore | undefined =>
    link
      ? new FallbackStore(
          new RedisStore({
            prefix: `org-signup:rl:${prefix}:`,
            sendCommand: (command: string, ...args: string[]) =>
              link.redis.call(command, ...args) as Promise<RedisReply>,
          }),
          link,
        )
      : undefined; // express-rate-limit's own MemoryStore

  const limiters = new Map<string, RequestHandler>();
  for (const flow of config.flows) {
    for (const route of RATE_LIMITED_ROUTES) {
      const rule = flow.rateLimits?.[route] ?? config.rateLimits[route];
      const store = storeFor(`${flow.id}:${route}`);
      if (store) stores.push(store);
      limiters.set(
        `${flow.id}:${route}`,
        rateLimit({
          windowMs: rule.windowSeconds * 1000,
          limit: rule.max,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          identifier: `${flow.id}-${route}`,
          ...(store ? { store } : {}),
          // Never let requests through unlimited: the fallback store counts in memory instead.
          passOnStoreError: false,
          handler: (req, _res, next, opts) => {
            rejected[route] += 1;
            const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
            const seconds = reset
              ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000))
              : Math.ceil(opts.windowMs / 1000);
            req.log?.warn({ flow: flow.id, route }, 'rate limited');
            next(
              new HttpProblem(429, 'rate_limited', 'Too many requests; try again later.', {
                headers: { 'retry-after': String(seconds) },
              }),
            );
          },
        }),
      );
    }
  }
  return {
    for: (flowId, route) => limiters.get(`${flowId}:${route}`) ?? pass,
    rejected,
    ready: () => link?.usable ?? true,
    async close() {
      for (const store of stores) store.shutdown();
      await link?.close();
    },
  };
}
