/**
 * Abuse resistance (issue 5), each attack beside the legitimate case: rate limits per client and
 * flow (shared by two instances through Redis, keyed on the real client behind a proxy), bots
 * (honeypot, minimum fill time), and the server-side captcha against a stand-in verify endpoint.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  connect,
  createServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormTokens, formTokenKey } from '../registration/guards/bot-protection.ts';
import { parseConfig } from '../config/load.ts';
import {
  nitroFields,
  ORIGIN,
  startBff,
  WITH_SANDBOX,
  type Bff,
  type ConfigDocument,
  type FlowDocument,
  type HttpAnswer,
} from './harness.ts';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TOKEN = 'abuse-test-admin-token-00000001';
const run = randomBytes(3).toString('hex');

const nitroFlow = (id: string, extra: Partial<FlowDocument> = {}): FlowDocument => ({
  id,
  provider: 'nitro',
  sandbox: true,
  allowedOrigins: ['http://localhost:*'],
  phoneCountry: 'GB',
  botProtection: { minFillSeconds: 0 },
  ...extra,
});

const limited = (flows: FlowDocument[], extra: Partial<ConfigDocument> = {}): ConfigDocument => ({
  sandbox: { enabled: true },
  rateLimits: {
    enabled: true,
    registration: { windowSeconds: 600, max: 3 },
    verify: { windowSeconds: 600, max: 3 },
    resend: { windowSeconds: 600, max: 2 },
  },
  flows,
  ...extra,
});

const registersAt = async (bff: Bff, email: string) =>
  (await bff.sandboxRequests('nitro')).filter(
    (r) => r.path.endsWith('/users/register') && r.body['email'] === email,
  ).length;

describe('rate limits', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({ config: limited([nitroFlow(`a-${run}`), nitroFlow(`b-${run}`)]) });
  });
  afterAll(() => bff.close());

  it('refuses the 4th registration from one client on a flow with 429 and Retry-After; other flows are untouched', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await bff.register(`a-${run}`, { fields: nitroFields() })).status).toBe(201);
    }
    const over = await bff.register(`a-${run}`, { fields: nitroFields() });
    expect(over.status).toBe(429);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(over.body).toMatchObject({ status: 429, code: 'rate_limited' });
    const wait = Number(over.headers['retry-after']);
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(600);
    // Another flow has its own allowance.
    expect((await bff.register(`b-${run}`, { fields: nitroFields() })).status).toBe(201);
  });

  it('does not believe X-Forwarded-For unless trustProxy says so', async () => {
    // Flow b has 2 left: a spoofed header must not buy a fresh allowance.
    for (let i = 0; i < 2; i += 1) {
      const res = await bff.register(
        `b-${run}`,
        { fields: nitroFields() },
        { headers: { 'x-forwarded-for': `203.0.113.${i}` } },
      );
      expect(res.status).toBe(201);
    }
    const spoofed = await bff.register(
      `b-${run}`,
      { fields: nitroFields() },
      { headers: { 'x-forwarded-for': '203.0.113.99' } },
    );
    expect(spoofed.status).toBe(429);
  });
});

describe('behind a proxy (trustProxy 1)', () => {
  it('keys on the client the proxy names', async () => {
    const bff = await startBff({ config: limited([nitroFlow(`p-${run}`)], { trustProxy: 1 }) });
    try {
      const from = (ip: string) =>
        bff.register(`p-${run}`, { fields: nitroFields() }, { headers: { 'x-forwarded-for': ip } });
      for (let i = 0; i < 3; i += 1) expect((await from('198.51.100.7')).status).toBe(201);
      expect((await from('198.51.100.7')).status).toBe(429);
      expect((await from('198.51.100.8')).status).toBe(201);
    } finally {
      await bff.close();
    }
  });
});

describe('two instances sharing Redis', () => {
  it('share one allowance: a client cannot multiply it by the number of instances', async () => {
    const config = () => limited([nitroFlow(`shared-${run}`)]);
    const a = await startBff({ config: config(), redisUrl: REDIS_URL });
    const b = await startBff({ config: config(), redisUrl: REDIS_URL });
    try {
      // Until its Redis connection is up, an instance counts alone (and says it is not ready).
      for (const bff of [a, b]) expect((await readyzBecomes(bff, 200)).status).toBe(200);
      const statuses = [];
      for (const bff of [a, b, a, b]) {
        statuses.push((await bff.register(`shared-${run}`, { fields: nitroFields() })).status);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      // Without the shared store each instance would have allowed 3.
      const alone = await startBff({ config: limited([nitroFlow(`alone-${run}`)]) });
      try {
        for (let i = 0; i < 3; i += 1) {
          expect((await alone.register(`alone-${run}`, { fields: nitroFields() })).status).toBe(
            201,
          );
        }
      } finally {
        await alone.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/** A TCP proxy to Redis that a test can stop (Redis unreachable) and start again. */
async function redisProxy(target = new URL(REDIS_URL)) {
  const sockets = new Set<Socket>();
  let server: NetServer | undefined;
  let port = 0;
  const proxy = {
    url: '',
    async start() {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      proxy.url = `redis://127.0.0.1:${port}`;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server?.close(resolve));
    },
  };
  await proxy.start();
  return proxy;
}

/** A local port with nothing listening. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls /readyz until it answers `status` (the client reconnects within about 2 s). */
async function readyzBecomes(bff: Bff, status: number): Promise<HttpAnswer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await bff.fetch('GET', '/readyz');
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const logLines = (bff: Bff, msg: RegExp) =>
  bff.logs
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => msg.test(entry.msg));

describe('Redis unreachable', () => {
  it('from the start: limits still hold per instance, /readyz says not ready, one error logged', async () => {
    const bff = await startBff({
      config: limited([nitroFlow(`down-${run}`)]),
      redisUrl: `redis://127.0.0.1:${await deadPort()}`,
    });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        const started = Date.now();
        statuses.push((await bff.register(`down-${run}`, { fields: nitroFields() })).status);
        // Nothing waits for Redis (a registration through the sandbox takes a few ms).
        expect(Date.now() - started).toBeLessThan(2_000);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      const ready = await bff.fetch('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', checks: { rateLimits: false } });
      // Several reconnection attempts by now, still one line.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const errors = logLines(bff, /Redis unreachable/);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.level).toBe(50);
      expect(logLines(bff, /express-rate-limit|Redis error/)).toEqual([]);
    } finally {
      await bff.close();
    }
  });

  it('lost and back: counts in memory meanwhile, then in Redis again; /readyz follows', async () => {
    const proxy = await redisProxy();
    const flow = `lost-${run}`;
    const bff = await startBff({ config: limited([nitroFlow(flow)]), redisUrl: proxy.url });
    const redis = new Redis(REDIS_URL);
    const redisCount = async () => {
      const keys = await redis.keys(`org-signup:rl:${flow}:registration:*`);
      expect(keys).toHaveLength(1);
      return Number(await redis.get(keys[0]!));
    };
    const register = async () => (await bff.register(flow, { fields: nitroFields() })).status;
    try {
      expect((await readyzBecomes(bff, 200)).status).toBe(200);
      expect(await register()).toBe(201);
      expect(await redisCount()).toBe(1);

      await proxy.stop();
      const down = await readyzBecomes(bff, 503);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'not ready', checks: { rateLimits: false } });
      // This instance's own allowance, counted in memory: still a limit.
      expect([await register(), await register(), await register(), await register()]).toEqual([
        201, 201, 201, 429,
      ]);
      expect(await redisCount()).toBe(1);

      await proxy.start();
      expect((await readyzBecomes(bff, 200)).body).toMatchObject({
        status: 'ready',
        checks: { rateLimits: true },
      });
      // Counted in Redis again, from where it was.
      expect(await register()).toBe(201);
      expect(await redisCount()).toBe(2);
      expect([await register(), await register()]).toEqual([201, 429]);

      expect(logLines(bff, /Redis unreachable/)).toHaveLength(1);
      expect(logLines(bff, /Redis reachable again/)).toHaveLength(1);
    } finally {
      await bff.close();
      await proxy.stop();
      redis.disconnect();
    }
  });
});

describe('RATE_LIMITS=off', () => {
  it('turns every limit off', async () => {
    const bff = await startBff({
      config: limited([nitroFlow(`off-${run}`)]),
      env: { RATE_LIMITS: 'off' },
    });
    try {
      for (let i = 0; i < 5; i += 1) {
        expect((await bff.register(`off-${run}`, { fields: nitroFields() })).status).toBe(201);
      }
    } finally {
      await bff.close();
    }
  });
});

describe('verify and resend limits per client', () => {
  it('refuse code guessing and resend floods from one client across registrations', async () => {
    const bff = await startBff({
      config: limited(
        [
          {
            id: `h-${run}`,
            provider: 'hectare',
            sandbox: true,
            allowedOrigins: ['http://localhost:*'],
            phoneCountry: 'GB',
            botProtection: { minFillSeconds: 0 },
          },
        ],
        {
          rateLimits: {
            enabled: true,
            registration: { windowSeconds: 600, max: 50 },
            verify: { windowSeconds: 600, max: 3 },
            resend: { windowSeconds: 600, max: 1 },
          },
        },
      ),
    });
    try {
      const { hectareFields } = await import('./contract/hectare.ts');
      const ids: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const res = await bff.register(`h-${run}`, { fields: hectareFields() });
        ids.push(String(res.body['id']));
      }
      const verify = (id: string) =>
        bff.fetch('POST', `/v1/registrations/${id}/verify`, {
          headers: { origin: ORIGIN },
          json: { code: '000000' },
        });
      expect((await verify(ids[0]!)).status).toBe(400);
      expect((await verify(ids[0]!)).status).toBe(400);
      expect((await verify(ids[1]!)).status).toBe(400);
      expect((await verify(ids[1]!)).status).toBe(429);
      const resend = (id: string) =>
        bff.fetch('POST', `/v1/registrations/${id}/resend`, { headers: { origin: ORIGIN } });
      expect((await resend(ids[0]!)).status).toBe(202);
      expect((await resend(ids[1]!)).status).toBe(429);
    } finally {
      await bff.close();
    }
  });
});

describe('bots', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [nitroFlow('guarded', { botProtection: { honeypot: true, minFillSeconds: 1 } })],
      },
      adminToken: TOKEN,
    });
  });
  afterAll(() => bff.close());

  const descriptorToken = async () =>
    (
      (await bff.fetch('GET', '/v1/flows/guarded', { headers: { origin: ORIGIN } })).body[
        'bot'
      ] as { formToken: string }
    ).formToken;

  async function journalDetail(id: string) {
    const res = await bff.fetch<{
      registrations: { id: string; status: string; lastDetail: string }[];
    }>('GET', '/admin/registrations?status=discarded', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return res.body.registrations.find((r) => r.id === id);
  }

  async function expectDiscarded(res: HttpAnswer, email: string, reason: RegExp) {
    // The bot sees what a person would see…
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: 'completed', next: null });
    const status = await bff.fetch('GET', `/v1/registrations/${String(res.body['id'])}`);
    expect(status.body['status']).toBe('completed');
    // …but nothing reached the provider, and the journal says why.
    expect(await registersAt(bff, email)).toBe(0);
    expect((await journalDetail(String(res.body['id'])))?.lastDetail).toMatch(reason);
  }

  it('a filled honeypot gets a fake success; an empty one a real registration', async () => {
    const formToken = await descriptorToken();
    await new Promise((r) => setTimeout(r, 1_100));
    const bot = nitroFields();
    await expectDiscarded(
      await bff.register('guarded', { fields: bot, formToken, hp: 'http://spam.example' }),
      bot.email,
      /honeypot/,
    );
    // Each form token admits one registration: the person's form has its own.
    const personsToken = await descriptorToken();
    await new Promise((r) => setTimeout(r, 1_100));
    const person = nitroFields();
    expect(
      (await bff.register('guarded', { fields: person, formToken: personsToken, hp: '' })).status,
    ).toBe(201);
    expect(await registersAt(bff, person.email)).toBe(1);
  });

  it('one form token admits one registration; the same one sent again is answered again', async () => {
    const formToken = await descriptorToken();
    await new Promise((r) => setTimeout(r, 1_100));
    const first = nitroFields();
    const key = crypto.randomUUID();
    const sent = await bff.register('guarded', { fields: first, formToken }, { key });
    expect(sent.status).toBe(201);
    // The same request again (a retry with its key) is the same registration.
    const again = await bff.register('guarded', { fields: first, formToken }, { key });
    expect([again.status, again.body['id']]).toEqual([201, sent.body['id']]);
    // Another registration with that token: asked for a fresh form, nothing sent.
    const second = nitroFields();
    const reused = await bff.register('guarded', { fields: second, formToken });
    expect(reused.status).toBe(400);
    expect(reused.body['code']).toBe('form_expired');
    expect(await registersAt(bff, second.email)).toBe(0);
    // A bot posting one token many times at once gets one registration through, at most.
    const token = await descriptorToken();
    await new Promise((r) => setTimeout(r, 1_100));
    const burst = await Promise.all(
      Array.from({ length: 10 }, () =>
        bff.register('guarded', { fields: nitroFields(), formToken: token }),
      ),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(burst.filter((r) => r.body['code'] === 'form_expired')).toHaveLength(9);
  });

  it('a form sent faster than the minimum fill time, or without a token, is a bot', async () => {
    const quick = nitroFields();
    await expectDiscarded(
      await bff.register('guarded', { fields: quick, formToken: await descriptorToken() }),
      quick.email,
      /ms after the form was served/,
    );
    const tokenless = nitroFields();
    await expectDiscarded(
      await bff.register('guarded', { fields: tokenless }),
      tokenless.email,
      /no form token/,
    );
    const formToken = await descriptorToken();
    await new Promise((r) => setTimeout(r, 1_100));
    const person = nitroFields();
    expect((await bff.register('guarded', { fields: person, formToken })).status).toBe(201);
    expect(await registersAt(bff, person.email)).toBe(1);
  });

  it('a forged or day-old token asks for a fresh form (a person gets through on the retry)', async () => {
    const forged = `${Date.now() - 60_000}.${'A'.repeat(43)}`;
    const res = await bff.register('guarded', { fields: nitroFields(), formToken: forged });
    expect(res.status).toBe(400);
    expect(res.body['code']).toBe('form_expired');
    // A token signed with the right key but a day old.
    const config = parseConfig(
      { sandbox: { enabled: true }, flows: [nitroFlow('guarded')] },
      {},
      undefined,
      WITH_SANDBOX,
    );
    const other = createFormTokens(formTokenKey(config, undefined)).issue(
      'guarded',
      Date.now() - 25 * 3_600_000,
    );
    expect(
      (await bff.register('guarded', { fields: nitroFields(), formToken: other })).body['code'],
    ).toBe('form_expired');
  });
});

describe('captcha', () => {
  let verifier: Server;
  const seen: Record<string, string>[] = [];
  let mode: 'ok' | 'down' = 'ok';
  let bff: Bff;

  beforeAll(async () => {
    // A stand-in for Cloudflare's siteverify: same form fields, same answers.
    const app = express().use(express.urlencoded({ extended: false }));
    app.post('/siteverify', (req, res) => {
      const body = req.body as Record<string, string>;
      seen.push(body);
      if (mode === 'down') return void res.status(500).end();
      const valid =
        body['secret'] === 'turnstile-secret-for-tests' && body['response'] === 'token-good';
      res.json(
        valid ? { success: true } : { success: false, 'error-codes': ['invalid-input-response'] },
      );
    });
    verifier = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [
          nitroFlow('captcha', {
            captcha: {
              provider: 'turnstile',
              siteKey: '0x4AAAAAAAtest',
              secret: { env: 'TURNSTILE_SECRET' },
              verifyUrl: `http://127.0.0.1:${(verifier.address() as AddressInfo).port}/siteverify`,
            },
          }),
        ],
      },
      env: { TURNSTILE_SECRET: 'turnstile-secret-for-tests' },
    });
  });
  afterAll(async () => {
    await bff.close();
    verifier.close();
  });

  it('tells the widget which captcha to show, never the secret', async () => {
    const res = await bff.fetch('GET', '/v1/flows/captcha');
    expect(res.body['captcha']).toEqual({ provider: 'turnstile', siteKey: '0x4AAAAAAAtest' });
    expect(res.text).not.toContain('turnstile-secret-for-tests');
  });

  it('refuses a missing or failed captcha before anything is journaled; passes a good one', async () => {
    const missing = await bff.register('captcha', { fields: nitroFields() });
    expect(missing.status).toBe(400);
    expect(missing.body['errors']).toEqual({ captcha: 'required' });
    const bad = nitroFields();
    const refused = await bff.register('captcha', { fields: bad, captchaToken: 'token-forged' });
    expect(refused.status).toBe(400);
    expect(refused.body['errors']).toEqual({ captcha: 'invalid' });
    expect(await registersAt(bff, bad.email)).toBe(0);

    const good = nitroFields();
    const key = crypto.randomUUID();
    const ok = await bff.register('captcha', { fields: good, captchaToken: 'token-good' }, { key });
    expect(ok.status).toBe(201);
    expect(seen.at(-1)).toMatchObject({
      secret: 'turnstile-secret-for-tests',
      response: 'token-good',
      remoteip: '127.0.0.1',
    });
    // A replay of the same request is answered from the journal: the single-use token is not re-checked.
    const checks = seen.length;
    const again = await bff.register(
      'captcha',
      { fields: good, captchaToken: 'token-good' },
      { key },
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(ok.body);
    expect(seen.length).toBe(checks);
  });

  it('answers 503 captcha_unavailable when the verify endpoint fails (fails closed)', async () => {
    mode = 'down';
    try {
      const res = await bff.register('captcha', {
        fields: nitroFields(),
        captchaToken: 'token-good',
      });
      expect(res.status).toBe(503);
      expect(res.body['code']).toBe('captcha_unavailable');
    } finally {
      mode = 'ok';
    }
  });
});
