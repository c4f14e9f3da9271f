/**
 * The admin API's gate: `Authorization: Bearer <token>`, compared in constant time (digests of
 * equal length, so neither the content nor the length of the token leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Secret } from '../config/secret.ts';
import { HttpProblem } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireBearer(token: Secret): RequestHandler {
  const expected = digest(token.reveal());
  return (req, _res, next) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (given && timingSafeEqual(digest(given), expected)) return next();
    next(
      new HttpProblem(401, 'unauthorized', 'Send the admin token as "Authorization: Bearer …".', {
        headers: { 'www-authenticate': 'Bearer realm="org-signup admin"' },
      }),
    );
  };
}
