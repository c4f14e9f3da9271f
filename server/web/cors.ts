/**
 * CORS and the Origin check for one flow's routes. A browser's request from an origin outside
 * the flow's `allowedOrigins` is refused with 403 before anything else runs; a state-changing
 * request that a browser sent without `Origin` is refused too. Calls without any browser headers
 * (a partner's own server) pass: they are not what CORS protects against.
 */
import type { NextFunction, Request, Response } from 'express';
import { HttpProblem } from '../errors.ts';

const ALLOWED_HEADERS = 'Content-Type, Idempotency-Key, X-Request-Id';
const EXPOSED_HEADERS = 'Retry-After, X-Request-Id, Idempotent-Replayed';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginPolicy {
  flowId: string;
  isAllowedOrigin: (origin: string) => boolean;
}

/**
 * Lets the page that sent a GET read the refusal that follows (an origin not allowed, a flow
 * that does not exist), so the widget says why instead of "cannot reach". Only GET: a preflight
 * still fails (no Allow-Methods), so the browser never sends a state-changing request.
 */
export function readableRefusal(req: Request, res: Response): void {
  const origin = req.get('origin');
  res.vary('Origin');
  if (origin !== undefined && req.method === 'GET') {
    res.setHeader('access-control-allow-origin', origin);
  }
}

/**
 * For a registration id that names nothing: any page may send the request and read the 404,
 * since there is no flow whose origins to check and nothing to read or change. The widget can
 * then say the registration is gone instead of "cannot reach", which no retry would mend. The
 * preflight is not cached, so it says nothing of the id once a registration has it.
 */
export function readableNotFound(req: Request, res: Response, next: NextFunction): void {
  const origin = req.get('origin');
  res.vary('Origin');
  if (origin !== undefined && allowOrigin(req, res, origin)) return;
  next(new HttpProblem(404, 'not_found', 'There is no such registration.'));
}

/**
 * Lets `origin` read the answer and send what the API takes. A preflight is answered here
 * (true), its answer cached `maxAgeSeconds` where given; the caller goes on otherwise (false).
 */
function allowOrigin(req: Request, res: Response, origin: string, maxAgeSeconds?: number): boolean {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  if (req.method !== 'OPTIONS') return false;
  res.setHeader('access-control-allow-methods', 'GET, POST');
  res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
  if (maxAgeSeconds) res.setHeader('access-control-max-age', String(maxAgeSeconds));
  res.status(204).end();
  return true;
}

/** Applies `policy`: answers preflights and refusals itself, otherwise calls `next()`. */
export function applyCors(
  req: Request,
  res: Response,
  next: NextFunction,
  policy: OriginPolicy,
): void {
  const origin = req.get('origin');
  res.vary('Origin');
  if (origin === undefined) {
    const fromBrowser = req.get('sec-fetch-mode') !== undefined;
    if (fromBrowser && !SAFE_METHODS.has(req.method)) {
      return next(new HttpProblem(403, 'origin_not_allowed', 'This request has no Origin header.'));
    }
    return next();
  }
  if (!policy.isAllowedOrigin(origin)) {
    // So the widget can tell the site owner what to configure.
    readableRefusal(req, res);
    return next(
      new HttpProblem(
        403,
        'origin_not_allowed',
        `Origin ${origin} is not in the allowedOrigins of flow "${policy.flowId}".`,
      ),
    );
  }
  if (!allowOrigin(req, res, origin, 600)) next();
}
