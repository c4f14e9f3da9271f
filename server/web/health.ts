/**
 * What operators and their tools ask of a running instance: `/healthz` (the process answers),
 * `/readyz` (it can take traffic: config, store, outbox, rate limits) and `/metrics`
 * (Prometheus, behind ORG_SIGNUP_METRICS_TOKEN where set).
 */
import { existsSync } from 'node:fs';
import type { Express } from 'express';
import { bearerMatches } from '../admin/auth.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Secret } from '../config/secret.ts';
import { HttpProblem } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/types.ts';

/** Past its deadline, an outbox entry is failed; one still waiting an hour later is stuck. */
const OUTBOX_STUCK_MS = 3_600_000;

export interface HealthDeps {
  config: LoadedConfig;
  store: Store;
  metrics: Metrics;
  /** How many flows are configured (0: the config is not usable). */
  flowCount: () => number;
  /** Whether the rate limits are counted where they should be (a configured Redis reachable). */
  rateLimitsReady: () => boolean;
  widgetDir: string;
  metricsToken: Secret | undefined;
}

/** Adds the routes to `app` itself (not a router: they answer before any API middleware). */
export function healthRoutes(app: Express, deps: HealthDeps): void {
  const { config, store, metrics, widgetDir } = deps;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = {
      config: deps.flowCount() > 0,
      store: true,
      // Stuck: work has waited longer than OUTBOX_STUCK_MS although every instance polls for it.
      outbox: true,
      widget: existsSync(`${widgetDir}/org-signup.js`),
      // A configured Redis unreachable: limits hold per instance only (multiplied by instances).
      rateLimits: deps.rateLimitsReady(),
    };
    try {
      await store.ping();
      const { oldestCreatedAt } = await store.outboxStats(Date.now());
      const longestDeadline = Math.max(...config.flows.map((f) => f.retry.deadlineSeconds)) * 1000;
      checks.outbox =
        oldestCreatedAt === null ||
        Date.now() - oldestCreatedAt < longestDeadline + OUTBOX_STUCK_MS;
    } catch {
      checks.store = false;
    }
    const ready = checks.config && checks.store && checks.outbox && checks.rateLimits;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (req, res, next) => {
    if (deps.metricsToken && !bearerMatches(req.get('authorization'), deps.metricsToken)) {
      return next(
        new HttpProblem(401, 'unauthorized', 'Send the metrics token as a bearer token.'),
      );
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
