import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.ts';
import { withAttemptDeadline } from './attempt-deadline.ts';
import { createProviderHttp } from './provider-http.ts';

/**
 * A provider over real HTTP: `/slow/<ms>` answers `{}` after that long; anything else sends
 * its body a byte at a time and never ends. `received` counts the calls that reached it.
 */
let server: Server;
let base: string;
let received = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    received += 1;
    const slow = /^\/slow\/(\d+)$/.exec(req.url ?? '');
    if (slow) {
      const answer = setTimeout(() => res.end('{}'), Number(slow[1]));
      res.on('close', () => clearTimeout(answer));
      return;
    }
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

  it('within an attempt, share its time: a call gets only what is left, one past it is not sent', async () => {
    const http = client();
    const call = (path: string) =>
      http.request({ method: 'GET', url: new URL(path, base) }).catch((e: unknown) => e);
    const before = received;
    const started = performance.now();
    const [first, second, third] = await withAttemptDeadline(400, async () => [
      await call('/slow/250'),
      // 150 ms left of the attempt, though the call itself may take 300.
      await call('/slow/280'),
      await call('/slow/10'),
    ]);
    const took = performance.now() - started;
    await http.close();
    expect(first).toMatchObject({ status: 200 });
    expect(second).toMatchObject({ kind: 'unavailable', outcomeUnknown: true });
    expect((second as Error).message).toContain('timed out');
    // Not sent at all; the provider may have acted on the calls before it.
    expect(third).toMatchObject({ kind: 'unavailable', outcomeUnknown: true });
    expect((third as Error).message).toContain('timeouts.requestMs');
    expect(received - before).toBe(2);
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(1_000);
  });

  it('an attempt whose time is spent before its first call: not sent, outcome known', async () => {
    const http = client();
    const before = received;
    const err = await withAttemptDeadline(0, () =>
      http.request({ method: 'GET', url: new URL('/slow/10', base) }),
    ).catch((e: unknown) => e);
    await http.close();
    expect(err).toMatchObject({ kind: 'unavailable', outcomeUnknown: false });
    expect(received).toBe(before);
  });
});
