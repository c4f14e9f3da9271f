import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.ts';
import { createProviderHttp } from './provider-http.ts';

/** A provider over real HTTP whose body comes a byte at a time and never ends. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    // Each byte well inside undici's body timeout, the whole far beyond the call's deadline.
    const drip = setInterval(() => res.write(' '), 50);
    res.on('close', () => clearInterval(drip));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  createProviderHttp({
    provider: 'test',
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 300,
    log: pino({ level: 'silent' }),
  });

describe('provider calls', () => {
  it('end at the deadline even while the body keeps coming: unavailable, outcome unknown', async () => {
    const http = client();
    const started = performance.now();
    const err = await http
      .request({ method: 'GET', url: new URL('/trickle', base) })
      .catch((e: unknown) => e);
    const took = performance.now() - started;
    await http.close();
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'unavailable', outcomeUnknown: true });
    expect((err as Error).message).toContain('timed out');
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_500);
  });
});
