/**
 * Requests that once broke the BFF, found by the fuzzer (fuzz.test.ts): each was answered 500 (or
 * a false 503) until fixed in problem.ts and app.ts. Kept here as the exact requests, every one
 * of them sent each run, and checked against the whole contract (attack.ts `checkAnswer`).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attacker,
  checkAnswer,
  describeExchange,
  type AttackRequest,
  type Attacker,
} from './attack.ts';
import { ORIGIN, startBff, type Bff } from './harness.ts';

/** Fresh for each run, never a literal in the repository. */
const ADMIN_TOKEN = randomBytes(24).toString('hex');

let bff: Bff;
let attack: Attacker;
/** The demo page as rendered for a plain request: static, so any difference is a reflection. */
let demoPage: string;
beforeAll(async () => {
  bff = await startBff({ adminToken: ADMIN_TOKEN });
  attack = attacker(bff.url, { connections: 4 });
  demoPage = (await attack.send({ method: 'GET', path: '/' })).text;
});
afterAll(async () => {
  await attack?.close();
  await bff?.close();
});

/** Sends the request; its answer keeps the contract and has a status in [min, max]. */
async function expectAnswer(request: AttackRequest, min: number, max: number): Promise<void> {
  const ex = await attack.send(request);
  const { violations } = checkAnswer(ex, { staticPages: new Set([demoPage]) });
  expect(violations, describeExchange(ex)).toEqual([]);
  expect(ex.status, describeExchange(ex)).toBeGreaterThanOrEqual(min);
  expect(ex.status, describeExchange(ex)).toBeLessThanOrEqual(max);
}

describe('inputs that once broke the BFF', () => {
  /** Percent-escapes that do not decode as UTF-8. */
  const MALFORMED_ESCAPES = [
    '%',
    '%%',
    '%ZZ',
    '%E0%A4%A',
    '%C0%AE',
    '%ED%A0%80',
    '%FF',
    'nitro%',
    '%u0041',
  ];
  const ROUTES: ((s: string) => AttackRequest)[] = [
    (s) => ({ method: 'GET', path: `/v1/flows/${s}` }),
    (s) => ({ method: 'OPTIONS', path: `/v1/flows/${s}/registrations` }),
    (s) => ({ method: 'GET', path: `/v1/registrations/${s}` }),
    (s) => ({ method: 'POST', path: `/v1/registrations/${s}/resend` }),
    (s) => ({
      method: 'POST',
      path: `/admin/approvals/${s}/reject`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }),
  ];

  it.each(MALFORMED_ESCAPES)(
    'a malformed percent-escape (%s) in a route parameter is a 4xx problem, not a 500',
    async (segment) => {
      // Express 5's router throws a URIError with `status: 400` ("Failed to decode param") for
      // :flow, :id and :key: problem.ts maps client errors that carry a status.
      for (const route of ROUTES) await expectAnswer(route(segment), 400, 499);
    },
  );

  it.each([
    '/widget/org-signup.js/',
    '/widget/ORG-SIGNUP.JS',
    '/widget/Org-Signup.js',
    '/widget/org-signup.JS',
  ])('a widget path the static files miss (%s) is a 404, not "not built"', async (path) => {
    // Express routes match a trailing slash and any letter case, the file system does not:
    // app.ts answers 503 "not built" only when the file really is missing.
    for (const method of ['GET', 'HEAD']) await expectAnswer({ method, path }, 404, 404);
  });

  it.each(['gzip', 'deflate', 'br'])(
    'a body that is not what its Content-Encoding (%s) says is a 4xx problem, not a 500',
    async (how) => {
      // body-parser wraps zlib's error as a 400 http-error without a `type`
      // ("incorrect header check"): problem.ts maps client errors that carry a status.
      const bodies: (string | Buffer)[] = [
        'not compressed',
        '',
        Buffer.from([0x00]),
        Buffer.from([0x1f, 0x8b]),
        Buffer.from([0x78, 0x9c, 0xff, 0x00]),
        Buffer.from('{"fields":{}}'),
        Buffer.alloc(64, 0xff),
      ];
      for (const body of bodies) {
        await expectAnswer(
          {
            method: 'POST',
            path: '/v1/flows/nitro/registrations',
            headers: {
              'content-type': 'application/json',
              'content-encoding': how,
              'idempotency-key': 'fuzz-bad-encoding',
              origin: ORIGIN,
            },
            body,
          },
          400,
          499,
        );
      }
    },
  );
});
