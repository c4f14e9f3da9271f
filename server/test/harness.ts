/**
 * Integration-test harness: a real BFF on an ephemeral port (sandbox mounted, in-memory SQLite),
 * its log lines captured, and small HTTP helpers. Providers are reached over real HTTP through
 * the same undici code path as production; nothing here mocks the adapters' HTTP.
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { loadSandbox } from '../app.ts';
import { DEMO_CONFIG_PATH, parseConfig } from '../config/load.ts';
import { Secret } from '../config/secret.ts';
import { createLogger } from '../logger.ts';
import { startServer, type RunningServer } from '../main.ts';
import { sandbox } from '../sandbox/index.ts';
import { openStore } from '../store/index.ts';
import { freshInn, unique } from './data.ts';

export { freshInn, unique };

export const ORIGIN = 'http://localhost:5173';

/** What main.ts gives parseConfig and startServer for a sandbox config: the sandbox plugin. */
export const WITH_SANDBOX = { demoSettings: sandbox.demoSettings, sandbox } as const;

export interface FlowDocument {
  id: string;
  provider: string;
  [key: string]: unknown;
}

export interface ConfigDocument {
  sandbox?: Record<string, unknown>;
  flows: FlowDocument[];
  [key: string]: unknown;
}

/**
 * Tests send many registrations from one address, at machine speed: rate limits and the
 * minimum fill time are off unless a test's config sets them (the abuse tests do).
 */
function forTests(config: ConfigDocument): ConfigDocument {
  return {
    rateLimits: { enabled: false },
    ...config,
    flows: config.flows.map((flow) => ({ botProtection: { minFillSeconds: 0 }, ...flow })),
  };
}

export function demoConfig(): ConfigDocument {
  return JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as ConfigDocument;
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export interface Bff {
  url: string;
  logs: string[];
  server: RunningServer;
  fetch<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string | Buffer; json?: unknown },
  ): Promise<HttpAnswer<T>>;
  /** POST a registration from an allowed origin with a fresh Idempotency-Key unless given. */
  register<T = Record<string, unknown>>(
    flow: string,
    body: unknown,
    options?: { key?: string; origin?: string | null; headers?: Record<string, string> },
  ): Promise<HttpAnswer<T>>;
  sandboxRequests(provider: string): Promise<
    {
      method: string;
      path: string;
      query: Record<string, unknown>;
      headers: Record<string, string>;
      body: Record<string, unknown>;
    }[]
  >;
  faults(provider: string, faults: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startBff(
  options: {
    config?: ConfigDocument;
    env?: Record<string, string>;
    adminToken?: string;
    /** Count rate limits in this Redis (instances given the same one share allowances). */
    redisUrl?: string;
    /** The journal (default: a fresh in-memory SQLite); instances given the same one share it. */
    storeUrl?: string;
  } = {},
): Promise<Bff> {
  const logs: string[] = [];
  const log = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const document = forTests(options.config ?? demoConfig());
  const env = { ...options.env };
  // As main.ts does: the sandbox plugin for a config that uses it, its demo settings to parse.
  const sandbox = await loadSandbox(document, env);
  const config = parseConfig(document, env, 'test config', { demoSettings: sandbox?.demoSettings });
  const store = await openStore(options.storeUrl ?? 'sqlite::memory:');
  const server = await startServer({
    config,
    store,
    log,
    port: 0,
    host: '127.0.0.1',
    ...(options.adminToken ? { adminToken: new Secret(options.adminToken) } : {}),
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...(sandbox ? { sandbox } : {}),
  });

  async function fetchJson<T>(
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: string | Buffer; json?: unknown } = {},
  ): Promise<HttpAnswer<T>> {
    const headers = { ...opts.headers };
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await request(`${server.url}${path}`, { method: method as 'GET', headers, body });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const flat = Object.fromEntries(
      Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
    );
    return { status: res.statusCode, headers: flat, body: parsed as T, text };
  }

  return {
    url: server.url,
    logs,
    server,
    fetch: fetchJson,
    register(flow, body, opts = {}) {
      const headers: Record<string, string> = {
        'idempotency-key': opts.key ?? crypto.randomUUID(),
        ...opts.headers,
      };
      if (opts.origin !== null) headers['origin'] = opts.origin ?? ORIGIN;
      return fetchJson('POST', `/v1/flows/${flow}/registrations`, { headers, json: body });
    },
    async sandboxRequests(provider) {
      const res = await fetchJson<Awaited<ReturnType<Bff['sandboxRequests']>>>(
        'GET',
        `/sandbox/${provider}/_requests`,
      );
      return res.body;
    },
    async faults(provider, faults) {
      const res = await fetchJson('POST', `/sandbox/${provider}/_faults`, { json: faults });
      if (res.status !== 200) throw new Error(`faults: ${res.status} ${res.text}`);
    },
    async close() {
      await server.close();
      await store.close();
    },
  };
}

export function nitroFields(overrides: Record<string, string> = {}) {
  const id = unique('u');
  return {
    email: `${id}@example.com`,
    name: 'Ann Example',
    phone: '+44 20 7946 0958',
    organisationName: `Acme ${id}`,
    domain: `${id}.example.com`,
    ...overrides,
  };
}

export function intellectMoneyFields(overrides: Record<string, string> = {}) {
  const id = unique('b');
  return {
    email: `${id}@example.ru`,
    name: 'Борис Тестов',
    phone: '+7 920 123-44-55',
    inn: freshInn(),
    ...overrides,
  };
}
