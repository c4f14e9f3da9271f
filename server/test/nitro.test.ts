/**
 * The nitro adapter against the Nitro simulator over real HTTP: the seed's request shapes, every
 * documented code, token reuse and refresh, the webhook integration, and provider failures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { sandboxRouter } from '../sandbox/index.ts';
import { NITRO_SANDBOX } from '../sandbox/nitro.ts';
import { demoConfig, nitroFields, startBff, type Bff, type FlowDocument } from './harness.ts';

const nitroFlow = (overrides: Partial<FlowDocument>): FlowDocument => ({
  id: 'nitro',
  provider: 'nitro',
  sandbox: true,
  allowedOrigins: ['http://localhost:*'],
  phoneCountry: 'GB',
  ...overrides,
});

describe('nitro: registration', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    config.flows.push(
      nitroFlow({
        id: 'nitro-webhook',
        settings: {
          webhook: {
            endpoint: 'https://hooks.partner.example/nitro',
            authToken: { env: 'HOOK_TOKEN' },
          },
        },
      }),
    );
    bff = await startBff({ config, env: { HOOK_TOKEN: 'hook-token-value-1234' } });
  });
  afterAll(() => bff.close());

  const registers = async () =>
    (await bff.sandboxRequests('nitro')).filter(
      (r) => r.path === '/v1/rest/sandbox/users/register',
    );
  const logins = async () =>
    (await bff.sandboxRequests('nitro')).filter((r) => r.path === '/v1/rest/sandbox/users/login');

  it('registers the user and organisation with the seed fields, phone in E.164', async () => {
    const fields = nitroFields({
      phone: '020 7946 0958',
      domain: `https://WWW.${nitroFields().domain}/`,
    });
    const res = await bff.register('nitro', { fields });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      next: null,
      organisation: { id: expect.any(String), name: fields.organisationName },
    });
    const sent = (await registers()).at(-1);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['authorization']).toMatch(/^Bearer [0-9a-f]{48}$/);
    expect(sent?.body).toEqual({
      email: fields.email,
      name: fields.name,
      phone: '+442079460958',
      domain: (res.body['organisation'] as { domain: string }).domain,
      organisation_name: fields.organisationName,
    });
    expect(sent?.body['domain']).toMatch(/^www\.u.*\.example\.com$/);
  });

  it('sends an IDN domain in its ASCII form', async () => {
    const res = await bff.register('nitro', {
      fields: nitroFields({ domain: `магазин${Date.now()}.рф` }),
    });
    expect(res.status).toBe(201);
    expect((await registers()).at(-1)?.body['domain']).toMatch(/^xn--.*\.xn--p1ai$/);
  });

  it('logs in once for many registrations', async () => {
    const before = (await logins()).length;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => bff.register('nitro', { fields: nitroFields() })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect((await logins()).length - before).toBeLessThanOrEqual(1);
  });

  it('logs in again when the token is refused (401 / 4011), once', async () => {
    expect((await bff.register('nitro', { fields: nitroFields() })).status).toBe(201);
    // Forget every token the simulator issued: the cached one now answers 401 / 4011.
    await bff.fetch('DELETE', '/sandbox/nitro/_state');
    const res = await bff.register('nitro', { fields: nitroFields() });
    expect(res.status).toBe(201);
    const requests = await bff.sandboxRequests('nitro');
    expect(requests.map((r) => r.path.split('/').pop())).toEqual(['register', 'login', 'register']);
  });

  it('maps 4009 (e-mail exists) to 409 on email', async () => {
    const fields = nitroFields();
    expect((await bff.register('nitro', { fields })).status).toBe(201);
    const res = await bff.register('nitro', {
      fields: nitroFields({ email: fields.email.toUpperCase() }),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'already_registered',
      errors: { email: 'already_registered' },
    });
    expect(res.text).not.toContain('Email Already exists');
  });

  it('maps 40010 (organisation exists) to 409 on organisationName', async () => {
    const fields = nitroFields();
    expect((await bff.register('nitro', { fields })).status).toBe(201);
    const res = await bff.register('nitro', { fields: nitroFields({ domain: fields.domain }) });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errors: { organisationName: 'already_registered' } });
  });

  it('adds the webhook integration for the new organisation, httpTimeout as a string', async () => {
    const res = await bff.register('nitro-webhook', { fields: nitroFields() });
    expect(res.status).toBe(201);
    const hook = (await bff.sandboxRequests('nitro')).find(
      (r) => r.path === '/v1/rest/sandbox/integration' && r.method === 'POST',
    );
    expect(hook?.body).toEqual({
      org_id: Number((res.body['organisation'] as { id: string }).id),
      active: true,
      type: 'WEBHOOK',
      data: {
        endpoint: 'https://hooks.partner.example/nitro',
        authToken: 'hook-token-value-1234',
        httpTimeout: '3',
        do_events: true,
        do_contacts: true,
      },
    });
  });

  it('answers 503 provider_unavailable on a provider 500; the details can be sent again', async () => {
    const fields = nitroFields();
    await bff.faults('nitro', { failRate: 1, mode: '500' });
    const res = await bff.register('nitro', { fields });
    await bff.faults('nitro', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect((await bff.register('nitro', { fields })).status).toBe(201);
  });

  it('answers 503 on a connection reset', async () => {
    await bff.faults('nitro', { failRate: 1, mode: 'reset' });
    const res = await bff.register('nitro', { fields: nitroFields() });
    await bff.faults('nitro', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
  });
});

describe('nitro: misconfiguration and unreadable answers', () => {
  let bff: Bff;
  let garbage: Server;
  beforeAll(async () => {
    garbage = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const port = (garbage.address() as AddressInfo).port;
    const config = demoConfig();
    config.flows = [
      nitroFlow({
        id: 'wrong-password',
        settings: {
          credentials: { email: NITRO_SANDBOX.email, password: { env: 'NITRO_PASSWORD' } },
        },
      }),
      {
        id: 'html',
        provider: 'nitro',
        baseUrl: `http://127.0.0.1:${port}/v1/rest/acme/`,
        allowedOrigins: ['http://localhost:*'],
        settings: { credentials: { email: 'p@example.com', password: { env: 'NITRO_PASSWORD' } } },
      },
      nitroFlow({ id: 'slow', timeouts: { connectMs: 1000, requestMs: 300 } }),
    ];
    bff = await startBff({ config, env: { NITRO_PASSWORD: 'definitely-wrong-password' } });
  });
  afterAll(async () => {
    await bff.close();
    garbage.close();
  });

  it('4011 on login: 502 for the user, the reason for the operator, no secret anywhere', async () => {
    const res = await bff.register('wrong-password', { fields: nitroFields() });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(res.text).not.toMatch(/credential|4011|password/i);
    const operator = bff.logs.find((l) => l.includes('check the flow credentials'));
    expect(operator).toBeDefined();
    expect(JSON.parse(operator!)).toMatchObject({
      level: 50,
      flow: 'wrong-password',
      kind: 'misconfigured',
    });
    expect(bff.logs.join('\n')).not.toContain('definitely-wrong-password');
  });

  it('an answer that is not JSON is a 502, not a crash', async () => {
    const res = await bff.register('html', { fields: nitroFields() });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    expect(bff.logs.some((l) => l.includes('not JSON'))).toBe(true);
  });

  it('a provider that does not answer in time is a 503 after the configured timeout', async () => {
    await bff.faults('nitro', { failRate: 1, mode: 'timeout' });
    const started = Date.now();
    const res = await bff.register('slow', { fields: nitroFields() });
    await bff.faults('nitro', { failRate: 0 });
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(bff.logs.some((l) => l.includes('timed out'))).toBe(true);
  });
});

describe('nitro: simulators running elsewhere (npm run sandbox)', () => {
  it('reaches them through sandbox.url', async () => {
    const app = express().use('/sandbox', sandboxRouter());
    const remote = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const config = demoConfig();
    config.sandbox = {
      enabled: false,
      url: `http://127.0.0.1:${(remote.address() as AddressInfo).port}`,
    };
    const bff = await startBff({ config });
    try {
      const res = await bff.register('nitro', { fields: nitroFields() });
      expect(res.status).toBe(201);
      expect((await bff.fetch('GET', '/sandbox/nitro/_requests')).status).toBe(404);
    } finally {
      await bff.close();
      remote.close();
    }
  });
});
