/**
 * The adapter contract every provider passes, over real HTTP against its simulator: success,
 * duplicate, refused credentials, provider 5xx, reset, timeout, an unreadable answer. Whatever
 * the provider does, the BFF answers with problem details and never crashes or leaks a secret.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../shared/providers.ts';
import type { ContractFixture } from './contract/fixture.ts';
import { cloudsuiteContract } from './contract/cloudsuite.ts';
import { hectareContract } from './contract/hectare.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import { nitroContract } from './contract/nitro.ts';
import { titeliveContract } from './contract/titelive.ts';
import { startBff, type Bff } from './harness.ts';

const FIXTURES: ContractFixture[] = [
  nitroContract,
  hectareContract,
  cloudsuiteContract,
  intellectmoneyContract,
  titeliveContract,
];

it('covers every provider', () => {
  expect(FIXTURES.map((f) => f.provider).sort()).toEqual([...PROVIDER_IDS].sort());
});

describe.each(FIXTURES)('$provider adapter contract', (fixture) => {
  let bff: Bff;
  let garbage: Server;
  const provider = fixture.provider;

  beforeAll(async () => {
    garbage = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html>Service temporarily moved</html>');
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/api/`;
    const real = fixture.realFlow('garbage', garbageUrl);
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [
          fixture.flow('ok'),
          fixture.flow('slow', {}),
          { ...fixture.flow('bad-credentials', fixture.badCredentials.settings) },
          real.flow,
        ].map((flow) =>
          flow.id === 'slow' ? { ...flow, timeouts: { connectMs: 1000, requestMs: 400 } } : flow,
        ),
      },
      env: { ...fixture.badCredentials.env, ...real.env },
    });
    if (fixture.readings) {
      const res = await bff.fetch('POST', `/sandbox/${provider}/_readings`, {
        json: fixture.readings,
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await bff.close();
    garbage.close();
  });

  const secrets = () => [...Object.values(fixture.badCredentials.env)];
  const expectProblem = (
    res: { status: number; headers: Record<string, string>; text: string },
    status: number,
    code: string,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status, code });
  };

  it('registers', async () => {
    const res = await bff.register('ok', { fields: fixture.fields() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...fixture.success,
    });
    const status = await bff.fetch('GET', `/v1/registrations/${String(res.body['id'])}`);
    expect(status.body['status']).toBe(fixture.success.status);
  });

  it('answers a duplicate with 409 on the right field', async () => {
    const taken = fixture.fields();
    expect((await bff.register('ok', { fields: taken })).status).toBe(201);
    const { fields, field } = fixture.duplicate(taken);
    const res = await bff.register('ok', { fields });
    expectProblem(res, 409, 'already_registered');
    expect(res.body['errors']).toEqual({ [field]: 'already_registered' });
  });

  it('answers refused credentials with 502, tells the operator, leaks nothing', async () => {
    const res = await bff.register('bad-credentials', { fields: fixture.fields() });
    expectProblem(res, 502, 'provider_unavailable');
    expect(
      bff.logs.some(
        (l) => l.includes('"flow":"bad-credentials"') && l.includes('"kind":"misconfigured"'),
      ),
    ).toBe(true);
    const everything = `${res.text}\n${bff.logs.join('\n')}`;
    for (const secret of secrets()) expect(everything).not.toContain(secret);
  });

  it.each(['500', 'reset'])('answers a provider fault (%s) with 503', async (mode) => {
    await bff.faults(provider, { failRate: 1, mode });
    try {
      const res = await bff.register('ok', { fields: fixture.fields() });
      expectProblem(res, 503, 'provider_unavailable');
    } finally {
      await bff.faults(provider, { failRate: 0 });
    }
  });

  it('answers a provider that does not answer in time with 503', async () => {
    await bff.faults(provider, { failRate: 1, mode: 'timeout' });
    try {
      const res = await bff.register('slow', { fields: fixture.fields() });
      expectProblem(res, 503, 'provider_unavailable');
    } finally {
      await bff.faults(provider, { failRate: 0 });
    }
  });

  it('answers an unreadable provider answer with 502', async () => {
    const res = await bff.register('garbage', { fields: fixture.fields() });
    expectProblem(res, 502, 'provider_unavailable');
    expect(res.text).not.toContain('Service temporarily moved');
  });

  it('keeps serving after all of that', async () => {
    const res = await bff.register('ok', { fields: fixture.fields() });
    expect(res.status).toBe(201);
    expect((await bff.fetch('GET', '/healthz')).status).toBe(200);
  });
});
