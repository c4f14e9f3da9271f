/**
 * Rate limits per client IP, per flow and per route (express-rate-limit), counted in Redis when
 * REDIS_URL is set so several instances share one allowance, in memory otherwise. Limited
 * clients get a 429 problem with `Retry-After`. `req.ip` follows the `trustProxy` setting.
 */
import type { RequestHandler } from 'express';
import { rateLimit, type Store as LimiterStore } from 'express-rate-limit';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { LoadedConfig } from '../config/load.ts';
import { RATE_LIMITED_ROUTES, type RateLimitedRoute } from '../config/schema.ts';
import { HttpProblem } from '../errors.ts';

export interface RateLimits {
  /** The limiter of `route` for `flowId` (a no-op when limits are off). */
  for(flowId: string, route: RateLimitedRoute): RequestHandler;
  /** Rejections so far, by route (for /metrics). */
  rejected: Record<RateLimitedRoute, number>;
  close(): Promise<void>;
}

const pass: RequestHandler = (_req, _res, next) => next();

export function createRateLimits(
  config: LoadedConfig,
  options: { redisUrl?: string | undefined; log: Logger },
): RateLimits {
  const rejected = Object.fromEntries(RATE_LIMITED_ROUTES.map((r) => [r, 0])) as Record<
    RateLimitedRoute,
    number
  >;
  if (!config.rateLimits.enabled) {
    return { for: () => pass, rejected, close: async () => {} };
  }
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, {
        lazyConnect: false,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
      })
    : undefined;
  redis?.on('error', (err: Error) =>
    options.log.error({ err: err.message }, 'rate-limit store: Redis error'),
  );

  const storeFor = (prefix: string): LimiterStore | undefined =>
    redis
      ? new RedisStore({
          prefix: `org-signup:rl:${prefix}:`,
          sendCommand: (command: string, ...args: string[]) =>
            redis.call(command, ...args) as Promise<RedisReply>,
        })
      : undefined; // express-rate-limit's own MemoryStore

  const limiters = new Map<string, RequestHandler>();
  for (const flow of config.flows) {
    for (const route of RATE_LIMITED_ROUTES) {
      const rule = flow.rateLimits?.[route] ?? config.rateLimits[route];
      const store = storeFor(`${flow.id}:${route}`);
      limiters.set(
        `${flow.id}:${route}`,
        rateLimit({
          windowMs: rule.windowSeconds * 1000,
          limit: rule.max,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          identifier: `${flow.id}-${route}`,
          ...(store ? { store } : {}),
          // Redis down: let requests through (and log) rather than stop every registration.
          passOnStoreError: true,
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
    async close() {
      await redis?.quit().catch(() => undefined);
    },
  };
}
