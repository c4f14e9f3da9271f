/**
 * Wires everything: the config's flows with their adapters, the registration and follow-up
 * services, the Express handler (helmet, request logging, the widget file, health checks, the
 * demo page, the API, the admin API, the sandbox plugin where the config uses it) and one
 * problem-details error handler.
 */
import { existsSync } from 'node:fs';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { adminRouter } from './admin/router.ts';
import { parseConfig, readConfigFile, usesSandbox, type LoadedConfig } from './config/load.ts';
import type { Secret } from './config/secret.ts';
import { HttpProblem } from './errors.ts';
import { PACKAGE_VERSION, PUBLIC_DIR, WIDGET_DIR } from './paths.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { buildFlows, type Flow } from './registration/flows.ts';
import { resolveWebhooks } from './webhooks/endpoints.ts';
import type { WebhookEndpoint } from './webhooks/events.ts';
import { createFollowUpService } from './registration/follow-ups.ts';
import { createFormTokens, formTokenKey } from './registration/guards/bot-protection.ts';
import { createRegistrationService } from './registration/register.ts';
import type { SandboxPlugin } from './sandbox/index.ts';
import type { Store } from './store/types.ts';
import { renderDemoPage } from './web/demo-page.ts';
import { healthRoutes } from './web/health.ts';
import { openApiDocument } from './web/openapi.ts';
import { notFound, problemHandler } from './web/problem.ts';
import { createRateLimits } from './web/rate-limits.ts';
import { requestLog } from './web/request-log.ts';
import { apiRouter } from './web/routes.ts';

export type { SandboxPlugin };

export interface AppDeps {
  store: Store;
  log: Logger;
  /** This server's own URL, which `sandbox: true` flows call (set by `startServer`). */
  sandboxUrl?: string;
  /** Turns the admin API on (`/admin/…`), behind this bearer token. */
  adminToken?: Secret;
  /** Where rate limits are counted when several instances share them (REDIS_URL). */
  redisUrl?: string;
  /** ORG_SIGNUP_FORM_KEY: signs the form tokens; several instances need the same. */
  formKey?: string;
  /** ORG_SIGNUP_METRICS_TOKEN: where set, /metrics wants it as a bearer token. */
  metricsToken?: Secret;
  /** The sandbox plugin (`loadSandbox`): needed exactly when the config uses the sandbox. */
  sandbox?: SandboxPlugin;
}

export interface App {
  /** The Express app: what the HTTP server calls with each request. */
  handler: Express;
  /** The configured flows with their adapters (the outbox worker delivers through them). */
  flows: Map<string, Flow>;
  /** Every webhook endpoint by id (the webhook sender delivers to them). */
  webhooks: ReadonlyMap<string, WebhookEndpoint>;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * The sandbox plugin, imported only for a config document that uses it (`usesSandbox`): a
 * production config never loads simulator code. Its `demoSettings` go to `parseConfig`.
 */
export async function loadSandbox(
  document: unknown,
  env: NodeJS.ProcessEnv,
): Promise<SandboxPlugin | undefined> {
  if (!usesSandbox(document, env)) return undefined;
  return (await import('./sandbox/index.ts')).sandbox;
}

/**
 * Reads `ORG_SIGNUP_CONFIG` (default: the bundled demo config, every flow on the sandbox), with
 * the sandbox plugin where the file uses it.
 */
export async function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ config: LoadedConfig; sandbox: SandboxPlugin | undefined }> {
  const { document, source } = readConfigFile(env);
  const sandbox = await loadSandbox(document, env);
  const config = parseConfig(document, env, source, { demoSettings: sandbox?.demoSettings });
  return { config, sandbox };
}

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
  const metrics = createMetrics({
    store: deps.store,
    breakers: () =>
      [...flows.values()].map((f) => ({
        flow: f.id,
        provider: f.provider,
        state: f.breaker.state(),
      })),
    rateLimited: () => limits.rejected,
  });
  const sandboxUrl = config.sandbox.url ?? deps.sandboxUrl;
  const webhooks = resolveWebhooks(
    config,
    deps.sandbox && sandboxUrl ? deps.sandbox.webhookReceiver(sandboxUrl) : undefined,
  );
  const flows = buildFlows(config, {
    sandboxUrl: deps.sandboxUrl,
    sandboxBaseUrl: deps.sandbox?.baseUrlFor,
    ...(deps.sandbox ? { sandboxRegistry: deps.sandbox.registry } : {}),
    log: deps.log,
    metrics,
    webhooks: webhooks.byFlow,
  });
  const tokens = createFormTokens(formTokenKey(config, deps.formKey));
  const registrations = createRegistrationService(deps.store, tokens, metrics);
  const app = express();
  app.disable('x-powered-by');
  // Answers are per request (ids, tokens): an ETag would only cost a hash of every body.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(deps.log));
  app.use(helmet({ contentSecurityPolicy: false }));

  // The widget file: loadable by any page (it is public code), cached for a day and revalidated.
  app.use(
    '/widget',
    express.static(WIDGET_DIR, {
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
    if (existsSync(`${WIDGET_DIR}/org-signup.js`)) return next();
    next(new HttpProblem(503, 'internal_error', 'The widget is not built: run `npm run build`.'));
  });

  healthRoutes(app, {
    config,
    store: deps.store,
    metrics,
    flowCount: () => flows.size,
    rateLimitsReady: () => limits.ready(),
    widgetDir: WIDGET_DIR,
    metricsToken: deps.metricsToken,
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
  if (config.sandbox.enabled) {
    if (!deps.sandbox) throw new Error('sandbox.enabled needs the sandbox plugin (loadSandbox)');
    app.use('/sandbox', deps.sandbox.router());
  }
  // Rendered for the address it was asked at, so its hints name this server's real one.
  let demoPage = { origin: '', html: '' };
  app.get('/', pageCsp, (req, res) => {
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    if (demoPage.origin !== origin) demoPage = { origin, html: renderDemoPage(config, origin) };
    res.type('html').send(demoPage.html);
  });
  // Browsers ask every site for one; the demo page names an empty one.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/', pageCsp, express.static(PUBLIC_DIR, { index: false }));

  app.use(notFound);
  app.use(problemHandler);

  return {
    handler: app,
    flows,
    webhooks: webhooks.all,
    metrics,
    async close() {
      await limits.close();
      for (const flow of flows.values()) flow.breaker.shutdown();
      await Promise.all([...flows.values()].map((flow) => flow.http.close()));
      await Promise.all([...flows.values()].map((flow) => flow.lookups.close()));
    },
  };
}
