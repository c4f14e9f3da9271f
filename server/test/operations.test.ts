/**
 * What operators rely on (issue 7): Prometheus metrics, an OpenAPI document covering every
 * route and matching real answers, readiness that notices a stuck outbox, logs an operator can
 * follow without personal data, and a clean stop on SIGTERM.
 */
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  flowDescriptorSchema,
  problemSchema,
  registrationResponseSchema,
  registrationStatusSchema,
  resendResponseSchema,
} from '../web/openapi.ts';
import { titeliveFields } from './contract/titelive.ts';
import { ORIGIN, WITH_SANDBOX, demoConfig, nitroFields, startBff, type Bff } from './harness.ts';
import { startInstance, startSandbox, writeConfig } from './reliability/cluster.ts';

const TOKEN = 'operations-admin-token-000001';
let bff: Bff;
beforeAll(async () => {
  bff = await startBff({ adminToken: TOKEN });
});
afterAll(() => bff.close());

const metricsText = async () => (await bff.fetch('GET', '/metrics')).text;
const sample = (text: string, name: string, labels: string) =>
  Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('/metrics', () => {
  it('counts registrations by flow and outcome and times provider calls', async () => {
    const before = sample(
      await metricsText(),
      'org_signup_registrations_total',
      'flow="nitro",outcome="completed"',
    );
    expect((await bff.register('nitro', { fields: nitroFields() })).status).toBe(201);
    const taken = nitroFields();
    await bff.register('nitro', { fields: taken });
    expect(
      (await bff.register('nitro', { fields: nitroFields({ email: taken.email }) })).status,
    ).toBe(409);
    const text = await metricsText();
    expect(
      sample(text, 'org_signup_registrations_total', 'flow="nitro",outcome="completed"') -
        (Number.isNaN(before) ? 0 : before),
    ).toBe(2);
    expect(
      sample(text, 'org_signup_registrations_total', 'flow="nitro",outcome="rejected"'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        'org_signup_provider_request_duration_seconds_count',
        'provider="nitro",flow="nitro",outcome="201"',
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'org_signup_circuit_state', 'flow="nitro",provider="nitro"')).toBe(0);
    expect(text).toMatch(/^org_signup_outbox_depth \d+$/m);
    expect(text).toMatch(/^org_signup_outbox_oldest_age_seconds \d/m);
    expect(text).toMatch(/^org_signup_rate_limited_total\{route="registration"\} \d+$/m);
    expect(text).toMatch(/^org_signup_process_resident_memory_bytes \d+/m);
  });

  it('can be kept for the scraper alone', async () => {
    const { Secret } = await import('../config/secret.ts');
    const { startServer } = await import('../main.ts');
    const { parseConfig } = await import('../config/load.ts');
    const { openStore } = await import('../store/index.ts');
    const { createLogger } = await import('../logger.ts');
    const server = await startServer({
      config: parseConfig(demoConfig(), {}, undefined, WITH_SANDBOX),
      store: await openStore('sqlite::memory:'),
      log: createLogger({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
      sandbox: WITH_SANDBOX.sandbox,
      metricsToken: new Secret('metrics-token-123456'),
    });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${server.url}/metrics`, {
        headers: { authorization: 'Bearer metrics-token-123456' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** Every (method, path) the app routes, in OpenAPI's `{param}` spelling. */
function appRoutes(): [string, string][] {
  const app = bff.server.app.handler as unknown as { router: { stack: Layer[] } };
  interface Layer {
    name: string;
    route?: { path: string; methods: Record<string, boolean> };
    handle: Router & { stack?: Layer[] };
    matchers: ((path: string) => unknown)[];
  }
  const routes: [string, string][] = [];
  const add = (prefix: string, layer: Layer) => {
    for (const method of Object.keys(layer.route!.methods)) {
      if (method === '_all' || method === 'all') continue;
      routes.push([method, `${prefix}${layer.route!.path}`.replace(/:(\w+)/g, '{$1}') || '/']);
    }
  };
  for (const layer of app.router.stack) {
    if (layer.route) add('', layer);
    else if (layer.name === 'router' && layer.handle.stack) {
      const prefix = ['/v1', '/admin', '/sandbox'].find(
        (p) => layer.matchers[0]?.(`${p}/x`) && !layer.matchers[0]?.('/nowhere/x'),
      );
      if (!prefix) throw new Error('a router is mounted where this test does not look');
      if (prefix === '/sandbox') continue; // the simulators play the providers: not our API
      for (const inner of layer.handle.stack) if (inner.route) add(prefix, inner);
    }
  }
  return routes;
}

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every route the app serves', async () => {
    const doc = (
      await bff.fetch<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
        'GET',
        '/openapi.json',
      )
    ).body;
    expect(doc.openapi).toBe('3.1.0');
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes.filter(([method, path]) => !doc.paths[path]?.[method]);
    expect(missing).toEqual([]);
    // The registration body is the schema the server validates with.
    const post = doc.paths['/v1/flows/{flow}/registrations']?.['post'] as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    };
    expect(Object.keys(post.requestBody.content['application/json']!.schema.properties)).toEqual(
      expect.arrayContaining([
        'fields',
        'hostValues',
        'utm',
        'consent',
        'formToken',
        'captchaToken',
      ]),
    );
  });

  it('describes the answers the server really gives', async () => {
    const descriptor = await bff.fetch('GET', '/v1/flows/titelive?locale=fr', {
      headers: { origin: ORIGIN },
    });
    expect(flowDescriptorSchema.safeParse(descriptor.body).error).toBeUndefined();
    const created = await bff.register('titelive', { fields: titeliveFields() });
    expect(registrationResponseSchema.safeParse(created.body).error).toBeUndefined();
    const id = String(created.body['id']);
    const status = await bff.fetch('GET', `/v1/registrations/${id}`);
    expect(registrationStatusSchema.safeParse(status.body).error).toBeUndefined();
    const resent = await bff.fetch('POST', `/v1/registrations/${id}/resend`, {
      headers: { origin: ORIGIN },
    });
    expect(resendResponseSchema.safeParse(resent.body).error).toBeUndefined();
    const problem = await bff.register('titelive', { fields: {} });
    expect(problemSchema.safeParse(problem.body).error).toBeUndefined();
  });
});

describe('/readyz', () => {
  afterAll(() => vi.useRealTimers());

  it('says not ready when the outbox holds work long past any deadline', async () => {
    const config = demoConfig();
    config.flows = [
      {
        ...config.flows[0]!,
        queueOnOutage: true,
        retry: { deadlineSeconds: 60, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      },
    ];
    const stuck = await startBff({ config });
    try {
      await stuck.faults('nitro', { failRate: 1 });
      expect((await stuck.register('nitro', { fields: nitroFields() })).status).toBe(202);
      expect((await stuck.fetch('GET', '/readyz')).status).toBe(200);
      // Two hours on: the entry should long have been delivered or failed.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3_600_000 });
      const res = await stuck.fetch('GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ checks: { outbox: false, store: true } });
    } finally {
      vi.useRealTimers();
      await stuck.close();
    }
  });
});

describe('logs', () => {
  it('follow a request by its id, with flow, provider, outcome and provider latency, and no e-mail', async () => {
    const fields = nitroFields();
    const res = await bff.register(
      'nitro',
      { fields },
      { headers: { 'x-request-id': 'trace-ops-1' } },
    );
    expect(res.headers['x-request-id']).toBe('trace-ops-1');
    const lines = bff.logs
      .filter((l) => l.includes('"trace-ops-1"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = lines.find((l) => l['msg'] === 'registration completed');
    expect(done).toMatchObject({
      flow: 'nitro',
      provider: 'nitro',
      outcome: 'completed',
      providerMs: expect.any(Number),
    });
    expect(lines.find((l) => l['msg'] === 'request completed')).toMatchObject({
      req: { method: 'POST' },
      res: { status: 201 },
    });
    expect(bff.logs.join('\n')).not.toContain(fields.email);
  });
});

describe('SIGTERM', () => {
  it('finishes the request in flight, stops accepting, exits 0', async () => {
    const sandbox = await startSandbox();
    const instance = await startInstance({
      configPath: writeConfig(sandbox.url),
      storeUrl: 'sqlite::memory:',
    });
    try {
      await fetch(`${sandbox.url}/sandbox/nitro/_faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: 450 }), // under the flow's 600 ms request timeout
      });
      const slow = fetch(`${instance.url}/v1/flows/nitro/registrations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
          origin: ORIGIN,
        },
        body: JSON.stringify({ fields: nitroFields() }),
      });
      await new Promise((r) => setTimeout(r, 200));
      const exited = new Promise<number | null>((resolve) =>
        instance.process.once('exit', resolve),
      );
      instance.process.kill('SIGTERM');
      expect((await slow).status).toBe(201);
      expect(await exited).toBe(0);
      await expect(fetch(`${instance.url}/healthz`)).rejects.toThrow();
    } finally {
      await instance.kill();
      await sandbox.close();
    }
  });
});
