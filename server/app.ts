/**
 * The Express app factory: helmet, request logging, the widget file, the demo page, the API,
 * the sandbox simulators, health checks, and one problem-details error handler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { bearerMatches } from './admin/auth.ts';
import { adminRouter } from './admin/router.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { openApiDocument } from './web/openapi.ts';
import { createFormTokens, formTokenKey } from './registration/guards/bot-protection.ts';
import type { LoadedConfig } from './config/load.ts';
import type { Secret } from './config/secret.ts';
import { HttpProblem } from './errors.ts';
import { renderDemoPage } from './web/demo-page.ts';
import { buildFlows, type Flow } from './registration/flows.ts';
import { notFound, problemHandler } from './web/problem.ts';
import { createRateLimits, type RateLimits } from './web/rate-limits.ts';
import { requestLog } from './web/request-log.ts';
import { createFollowUpService } from './registration/follow-ups.ts';
import { createRegistrationService } from './registration/register.ts';
import { apiRouter } from './web/routes.ts';
import { sandboxRouter } from './sandbox/index.ts';
import type { Store } from './store/types.ts';

export const WIDGET_DIR = fileURLToPath(new URL('../dist/widget/', import.meta.url));
const PUBLIC_DIR = fileURLToPath(new URL('./web/public/', import.meta.url));
/** Past its deadline, an outbox entry is failed; one still waiting an hour later is stuck. */
const OUTBOX_STUCK_MS = 3_600_000;
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export interface AppDeps {
  store: Store;
  log: Logger;
  /** This server's own URL, which `sandbox: true` flows call (set by `startServer`). */
  sandboxUrl?: string;
  /** Where the built widget is (default: dist/widget). */
  widgetDir?: string;
  /** Turns the admin API on (`/admin/…`), behind this bearer token. */
  adminToken?: Secret;
  /** Where rate limits are counted when several instances share them (REDIS_URL). */
  redisUrl?: string;
  /** ORG_SIGNUP_FORM_KEY: signs the form tokens; several instances need the same. */
  formKey?: string;
  /** ORG_SIGNUP_METRICS_TOKEN: where set, /metrics wants it as a bearer token. */
  metricsToken?: Secret;
}

export type App = Express & {
  /** The configured flows with their adapters (admin tools and tests reach adapters here). */
  flows: Map<string, Flow>;
  limits: RateLimits;
  metrics: Metrics;
  close(): Promise<void>;
};

/** A strict CSP for the pages this server renders itself (the demo page). */
const pageCsp = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

export function createApp(config: LoadedConfig, deps: AppDeps): App {
  const limits = createRateLimits(config, { redisUrl: deps.redisUrl, log: deps.log });
  const metrics = createMetrics({ store: deps.store, flows: () => flows, limits: () => limits });
  const flows = buildFlows(config, { sandboxUrl: deps.sandboxUrl, log: deps.log, metrics });
  const tokens = createFormTokens(formTokenKey(config, deps.formKey));
  const registrations = createRegistrationService(deps.store, tokens, metrics);
  const widgetDir = deps.widgetDir ?? WIDGET_DIR;
  const app = express() as App;
  app.disable('x-powered-by');
  // Answers are per request (ids, tokens): an ETag would only cost a hash of every body.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(deps.log));
  app.use(helmet({ contentSecurityPolicy: false }));

  // The widget file: loadable by any page (it is public code), cached for a day and revalidated.
  app.use(
    '/widget',
    express.static(widgetDir, {
      fallthrough: true,
      maxAge: '1d',
      setHeaders(res) {
        res.setHeader('access-control-allow-origin', '*');
        res.setHeader('cross-origin-resource-policy', 'cross-origin');
        res.setHeader('cache-control', 'public, max-age=86400, stale-while-revalidate=604800');
      },
    }),
  );
  // Reached only when the file was not served: missing (not built), or asked under another
  // spelling (`/widget/ORG-SIGNUP.JS`, a trailing slash), which is simply not found.
  app.get('/widget/org-signup.js', (_req, _res, next) => {
    if (existsSync(`${widgetDir}/org-signup.js`)) return next();
    next(new HttpProblem(503, 'internal_error', 'The widget is not built: run `npm run build`.'));
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = {
      config: flows.size > 0,
      store: true,
      // Stuck: work has waited longer than OUTBOX_STUCK_MS although every instance polls for it.
      outbox: true,
      widget: existsSync(`${widgetDir}/org-signup.js`),
      // A configured Redis unreachable: limits hold per instance only (multiplied by instances).
      rateLimits: limits.ready(),
    };
    try {
      await deps.store.ping();
      const { oldestCreatedAt } = await deps.store.outboxStats(Date.now());
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
  const openApi = openApiDocument(PACKAGE_VERSION);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  if (deps.adminToken) {
    app.use('/admin', adminRouter({ flows, store: deps.store, token: deps.adminToken }));
  }
  app.use(
    '/v1',
    apiRouter({
      flows,
      registrations,
      followUps: createFollowUpService(deps.store),
      limits,
      tokens,
    }),
  );
  if (config.sandbox.enabled) app.use('/sandbox', sandboxRouter());
  const demoPage = renderDemoPage(config);
  app.get('/', pageCsp, (_req, res) => {
    res.type('html').send(demoPage);
  });
  app.use('/', pageCsp, express.static(PUBLIC_DIR, { index: false }));

  app.use(notFound);
  app.use(problemHandler);

  app.flows = flows;
  app.limits = limits;
  app.metrics = metrics;
  app.close = async () => {
    await limits.close();
    for (const flow of flows.values()) flow.breaker.shutdown();
    await Promise.all([...flows.values()].map((flow) => flow.http.close()));
  };
  return app;
}
