import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChild, requestLog } from './request-log.ts';

/** An app with the request log at `level`, its lines parsed. */
async function withApp(
  level: string,
  run: (url: string, lines: Record<string, unknown>[]) => Promise<void>,
) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const app = express()
    .use(requestLog(log))
    .get('/ok', (req, res) => {
      req.log.info({ step: 'handler' }, 'handled');
      res.json({ ok: true });
    })
    .get('/boom', (_req, res) => void res.status(500).end())
    .get('/hang', () => {});
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('the request log', () => {
  it('binds every line of a request to its id, method and path (no query string)', async () => {
    await withApp('info', async (url, lines) => {
      const res = await fetch(`${url}/ok?email=someone@example.com`, {
        headers: { 'x-request-id': 'trace-7' },
      });
      expect(res.headers.get('x-request-id')).toBe('trace-7');
      await settle();
      const req = { id: 'trace-7', method: 'GET', path: '/ok' };
      expect(lines).toEqual([
        expect.objectContaining({ req, step: 'handler', msg: 'handled' }),
        expect.objectContaining({
          req,
          res: { status: 200 },
          responseTime: expect.any(Number),
          level: 30,
          msg: 'request completed',
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('someone@example.com');
    });
  });

  it('makes its own id for a missing or malformed X-Request-Id', async () => {
    await withApp('info', async (url) => {
      const made = (await fetch(`${url}/ok`)).headers.get('x-request-id');
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
      const bad = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'a b<script>' } });
      expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('logs a 5xx at error even when info is off, and nothing for a success', async () => {
    await withApp('warn', async (url, lines) => {
      await fetch(`${url}/ok`);
      await fetch(`${url}/boom`);
      await settle();
      expect(lines).toEqual([
        expect.objectContaining({ level: 50, res: { status: 500 }, msg: 'request completed' }),
      ]);
    });
  });

  it('tells a request the client gave up on', async () => {
    await withApp('info', async (url, lines) => {
      await fetch(`${url}/hang`, { signal: AbortSignal.timeout(100) }).catch(() => undefined);
      await settle();
      expect(lines).toEqual([
        expect.objectContaining({
          req: expect.objectContaining({ path: '/hang' }),
          msg: 'request aborted',
        }),
      ]);
    });
  });

  it('makes the request logger only for a line the level lets through, and once', () => {
    const lines: Record<string, unknown>[] = [];
    const parent = pino(
      { level: 'warn' },
      { write: (l: string) => void lines.push(JSON.parse(l)) },
    );
    let made = 0;
    const log = lazyChild(parent, () => {
      made += 1;
      return { req: { id: 'r-1' } };
    });
    log.info({ step: 1 }, 'below the level');
    log.debug('below the level');
    expect(made).toBe(0);
    log.warn({ step: 2 }, 'first');
    log.error('second');
    expect(made).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ req: { id: 'r-1' }, step: 2, msg: 'first' }),
      expect.objectContaining({ req: { id: 'r-1' }, msg: 'second' }),
    ]);
    expect(log.isLevelEnabled('info')).toBe(false);
  });
});
