/**
 * Request logging: an id per request (the caller's `X-Request-Id` when well formed, else a new
 * UUID; echoed in the answer), `req.log` bound to it, and one line per request when it ends.
 *
 * By hand rather than pino-http, which builds a child logger for every request: with the
 * logger's redaction paths each child costs about 9 µs plus its garbage (0.8 µs without them),
 * paid even when no line is written (a registration below `info` writes none). Taking pino-http
 * out cut the BFF's CPU per registration by about a tenth at full load (bench/RESULTS.md). Here
 * the child is made for the first line the level lets through.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

declare module 'http' {
  interface IncomingMessage {
    /** This request's id (`X-Request-Id`). */
    id: string;
    /** The logger bound to this request (its id, method and path). */
    log: Logger;
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    req.id = id;
    res.setHeader('x-request-id', id);
    // Paths only: query strings may carry personal data.
    req.log = lazyChild(logger, () => ({
      req: { id, method: req.method, path: req.originalUrl.split('?')[0] },
    }));
    const started = performance.now();
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      req.log[level](
        {
          res: { status: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        // Closed before the answer was sent: the client went away.
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}

/**
 * `parent.child(bindings())`, made when a line at an enabled level is first written through it;
 * until then, lines below the level go to the parent's no-ops.
 */
export function lazyChild(parent: Logger, bindings: () => Record<string, unknown>): Logger {
  let child: Logger | undefined;
  return new Proxy(parent, {
    get(target, key): unknown {
      if (typeof key === 'string' && key in target.levels.values && !target.isLevelEnabled(key)) {
        return Reflect.get(target, key) as unknown;
      }
      child ??= target.child(bindings());
      const value = Reflect.get(child, key) as unknown;
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(child)
        : value;
    },
  });
}
