/**
 * Starts the BFF: config -> store -> app -> listen, and shuts down cleanly on SIGTERM / SIGINT.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, loadConfig, type App, type SandboxPlugin } from './app.ts';
import { ConfigError, type LoadedConfig } from './config/load.ts';
import { Secret } from './config/secret.ts';
import { createLogger } from './logger.ts';
import { createOutboxWorker, type OutboxWorker } from './registration/outbox.ts';
import { openStore } from './store/index.ts';
import { createWebhookSender, type WebhookSender } from './webhooks/sender.ts';
import type { Store } from './store/types.ts';

export interface RunningServer {
  url: string;
  server: Server;
  app: App;
  outbox: OutboxWorker;
  webhooks: WebhookSender;
  close(): Promise<void>;
}

/**
 * Listens first, then builds the app, so sandbox flows know the server's own URL even on an
 * ephemeral port (tests use port 0).
 */
export async function startServer(options: {
  config: LoadedConfig;
  store: Store;
  log: Logger;
  port?: number;
  host?: string;
  adminToken?: Secret;
  redisUrl?: string;
  formKey?: string;
  metricsToken?: Secret;
  /** The sandbox plugin (app.ts `loadSandbox`), for a config that uses the sandbox. */
  sandbox?: SandboxPlugin;
}): Promise<RunningServer> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const app = createApp(options.config, {
    store: options.store,
    log: options.log,
    sandboxUrl: url,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...(options.formKey ? { formKey: options.formKey } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
  });
  server.on('request', app.handler);
  const outbox = createOutboxWorker({
    store: options.store,
    flows: app.flows,
    log: options.log,
    options: options.config.outbox,
    metrics: app.metrics,
  });
  outbox.start();
  const webhooks = createWebhookSender({
    store: options.store,
    endpoints: app.webhooks,
    log: options.log,
    metrics: app.metrics,
    options: options.config.webhookDelivery,
  });
  webhooks.start();
  return {
    url,
    server,
    app,
    outbox,
    webhooks,
    /** Stops accepting, lets requests in flight finish, stops the outbox; queued work stays. */
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await outbox.stop();
      await webhooks.stop();
      await app.close();
    },
  };
}

async function main(): Promise<void> {
  const log = createLogger();
  let config: LoadedConfig;
  let sandbox: SandboxPlugin | undefined;
  try {
    ({ config, sandbox } = await loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const store = await openStore(process.env['STORE_URL'] || undefined);
  const port = Number(process.env['PORT'] || 8080);
  const adminToken = process.env['ORG_SIGNUP_ADMIN_TOKEN'];
  if (adminToken !== undefined && adminToken.length < 16) {
    console.error(
      'ORG_SIGNUP_ADMIN_TOKEN must be at least 16 characters (e.g. `openssl rand -hex 32`)',
    );
    process.exit(78);
  }
  const running = await startServer({
    config,
    store,
    log,
    port,
    ...(sandbox ? { sandbox } : {}),
    ...(adminToken ? { adminToken: new Secret(adminToken) } : {}),
    ...(process.env['REDIS_URL'] ? { redisUrl: process.env['REDIS_URL'] } : {}),
    ...(process.env['ORG_SIGNUP_FORM_KEY'] ? { formKey: process.env['ORG_SIGNUP_FORM_KEY'] } : {}),
    ...(process.env['ORG_SIGNUP_METRICS_TOKEN']
      ? { metricsToken: new Secret(process.env['ORG_SIGNUP_METRICS_TOKEN']) }
      : {}),
  });
  for (const warning of config.warnings) {
    console.error(`\n*** ${warning} ***\n`);
    log.warn(warning);
  }
  if (!config.rateLimits.enabled) {
    const warning =
      'RATE LIMITS ARE OFF (RATE_LIMITS=off or rateLimits.enabled false): for load tests only, never in production';
    console.error(`\n*** ${warning} ***\n`);
    log.warn(warning);
  } else if (!process.env['REDIS_URL']) {
    log.info(
      'rate limits counted in memory: set REDIS_URL when several instances share the traffic',
    );
  }
  log.info(
    adminToken
      ? 'admin API on at /admin'
      : 'admin API off (set ORG_SIGNUP_ADMIN_TOKEN to turn it on)',
  );
  if (!process.env['ORG_SIGNUP_METRICS_TOKEN']) {
    log.warn(
      '/metrics answers anyone who reaches this server: set ORG_SIGNUP_METRICS_TOKEN to ask for it as a bearer token',
    );
  }
  log.info(
    {
      url: `http://localhost:${port}`,
      config: config.source,
      flows: config.flows.map((f) => f.id),
    },
    'org-signup listening',
  );
  if (process.env['LOG_FORMAT'] === 'pretty')
    console.log(`\n  org-signup: http://localhost:${port}/\n`);
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await running.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
