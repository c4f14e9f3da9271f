/**
 * The admin API's gate: `Authorization: Bearer <token>`, compared in constant time (digests of
 * equal length, so neither the content nor the length of the token leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Secret } from '../config/secret.ts';
import { HttpProblem } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether an `Authorization` header carries `token` as a bearer token (constant time). */
export function bearerMatches(header: string | undefined, token: Secret): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  return given !== '' && timingSafeEqual(digest(given), digest(token.reveal()));
}

export function requireBearer(token: Secret): RequestHandler {
  return (req, _res, next) => {
    if (bearerMatches(req.get('authorization'), token)) return next();
    next(
      new HttpProblem(401, 'unauthorized', 'Send the admin token as "Authorization: Bearer …".', {
        headers: { 'www-authenticate': 'Bearer realm="org-signup admin"' },
      }),
    );
  };
}
