/**
 * TiteLive e-commerce web services simulator (seed 004): create a customer, get the session's
 * customer, resend the confirmation e-mail, with the seed's paths, form bodies, `token` header,
 * `{ response: { success, code, message, object } }` answers and numeric codes.
 *
 * Checks, in the order the seed's code table lists them: `domainCode` five digits (1 domaincode
 * malformed), the `token` header (3 token is empty; 5 invalid token = not 26 letters or digits;
 * 4 no token with that key = no such session for this domain code: sessions are keyed by domain
 * code and token), a session logged in as a customer (10), the form's types (9 "{param} is not
 * {type}", the password "sha1" = 40 hex digits).
 * Assumed, where the seed is silent (the adapter's defaults read the same):
 * - every API answer is HTTP 200, the envelope telling success from refusal;
 * - 12 "login already exists", 13 "email already exists" (case-insensitive), and on resend
 *   14 "no customer waiting for email validation with that email";
 * - resend answers at both `/api/{returnType}/{domainCode}/customer/resend` and the seed's literal
 *   `/{returnType}/{domainCode}/customer/resend`, the e-mail in the `email` query parameter;
 * - `confirmationRequired` false logs the calling session in as the new customer (the seed: "he's
 *   automatically logged in"), so that session's next create answers 10;
 * - the confirmation link (in `_outbox`) points at `…/customer/validation?key=…` (sandbox only).
 * `TITELIVE_SANDBOX.loggedInToken` is a second session, logged in as a sandbox customer, to try 10.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { Secret } from '../config/secret.ts';
import type { OutboxMessage, SimulatorApi } from './simulator.ts';

export const TITELIVE_SANDBOX = {
  domainCode: '10042',
  /** A session that is not logged in: registrations go through it. */
  token: 'tlsbx0session0token0abcdef',
  /** A session logged in as `customer` through the login webservice: create answers 10. */
  loggedInToken: 'tlsbx0loggedin0token0abcde',
  salt: 'titelive-sandbox-salt',
  /** The customer `loggedInToken` is logged in as (its login and e-mail are taken). */
  customer: { id: 1000, login: 'sandbox-customer', email: 'customer@titelive.sandbox' },
} as const;

/** The seed's codes and messages, and the sandbox's assumed ones (12-14). */
export const TITELIVE_CODES = {
  domainCodeMalformed: 1,
  tokenEmpty: 3,
  noTokenWithThatKey: 4,
  invalidToken: 5,
  notType: 9,
  loggedIn: 10,
  uncaught: 99,
  loginExists: 12,
  emailExists: 13,
  noCustomerWaiting: 14,
} as const;

interface Customer {
  id: number;
  role: number;
  email: string;
  login: string;
  b2b: boolean;
  newsletter: boolean;
  waitingEmailValidation: boolean;
  validationKey: string | null;
}

const customerJson = (c: Customer) => ({
  id: c.id,
  role: c.role,
  email: c.email,
  login: c.login,
  b2b: c.b2b,
  newsletter: c.newsletter,
  waitingEmailValidation: c.waitingEmailValidation,
});

const ok = (res: Response, message: string, object?: unknown) =>
  res.json({ response: { success: true, message, ...(object ? { object } : {}) } });

const refuse = (res: Response, code: number, message: string) =>
  res.json({ response: { success: false, code, message } });

const TYPES: Record<string, { type: string; test: (v: string) => boolean }> = {
  language: { type: 'integer', test: (v) => /^-?\d+$/.test(v) },
  newsletter: { type: 'integer', test: (v) => /^[01]$/.test(v) },
  favoriteShop: { type: 'integer', test: (v) => /^-?\d+$/.test(v) },
  birthdate: { type: 'date', test: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(Date.parse(v)) },
  confirmationRequired: { type: 'boolean', test: (v) => /^(true|false|1|0)$/i.test(v) },
};

const TEXT_PARAMS = [
  'title',
  'firstname',
  'lastname',
  'prefix',
  'company',
  'extra1',
  'extra2',
  'extra3',
];

export function createTiteliveSimulator(): SimulatorApi {
  let customers: Customer[] = [];
  let sessions = new Map<string, number | null>();
  let outbox: OutboxMessage[] = [];
  let nextId = 1001;

  const sandboxCustomer = (): Customer => ({
    ...TITELIVE_SANDBOX.customer,
    role: 1,
    b2b: false,
    newsletter: false,
    waitingEmailValidation: false,
    validationKey: null,
  });

  function reset(): void {
    customers = [sandboxCustomer()];
    sessions = new Map([
      [`${TITELIVE_SANDBOX.domainCode}:${TITELIVE_SANDBOX.token}`, null],
      [
        `${TITELIVE_SANDBOX.domainCode}:${TITELIVE_SANDBOX.loggedInToken}`,
        TITELIVE_SANDBOX.customer.id,
      ],
    ]);
    outbox = [];
    nextId = 1001;
  }
  reset();

  const byEmail = (email: string) =>
    customers.find((c) => c.email.toLowerCase() === email.toLowerCase());

  /** returnType, domainCode and token as the real API checks them; the session's key, or null. */
  function session(req: Request, res: Response): string | null {
    const { returnType, domainCode } = req.params as Record<string, string>;
    if (returnType !== 'json') {
      res.status(404).type('text/plain').send(`No such return type: ${returnType}`);
      return null;
    }
    if (!/^\d{5}$/.test(domainCode ?? '')) {
      refuse(res, TITELIVE_CODES.domainCodeMalformed, 'domaincode malformed');
      return null;
    }
    const token = req.get('token') ?? '';
    if (!token) {
      refuse(res, TITELIVE_CODES.tokenEmpty, 'token is empty');
      return null;
    }
    if (!/^[A-Za-z0-9]{26}$/.test(token)) {
      refuse(res, TITELIVE_CODES.invalidToken, 'invalid token');
      return null;
    }
    const key = `${domainCode}:${token}`;
    if (!sessions.has(key)) {
      refuse(res, TITELIVE_CODES.noTokenWithThatKey, 'no token with that key');
      return null;
    }
    return key;
  }

  function sendConfirmation(req: Request, customer: Customer): void {
    customer.validationKey = randomBytes(16).toString('hex');
    const base = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
    const { returnType, domainCode } = req.params as Record<string, string>;
    outbox.push({
      to: customer.email,
      kind: 'confirm-email',
      link: `${base}/api/${returnType}/${domainCode}/customer/validation?key=${customer.validationKey}`,
      at: new Date().toISOString(),
    });
  }

  const router = express.Router();

  router.post('/api/:returnType/:domainCode/customer', (req, res) => {
    const key = session(req, res);
    if (!key) return;
    if (sessions.get(key) !== null) {
      return refuse(res, TITELIVE_CODES.loggedIn, 'already logged in');
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      return refuse(res, TITELIVE_CODES.notType, 'body is not application/x-www-form-urlencoded');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
    const login = text('login')?.trim();
    const email = text('email')?.trim();
    const password = text('password');
    if (!login) return refuse(res, TITELIVE_CODES.notType, 'login is not string');
    if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      return refuse(res, TITELIVE_CODES.notType, 'email is not email');
    }
    if (!password || !/^[0-9a-f]{40}$/i.test(password)) {
      return refuse(res, TITELIVE_CODES.notType, 'password is not sha1');
    }
    for (const name of TEXT_PARAMS) {
      if (body[name] !== undefined && typeof body[name] !== 'string') {
        return refuse(res, TITELIVE_CODES.notType, `${name} is not string`);
      }
    }
    for (const [name, { type, test }] of Object.entries(TYPES)) {
      const value = body[name];
      if (value !== undefined && (typeof value !== 'string' || !test(value))) {
        return refuse(res, TITELIVE_CODES.notType, `${name} is not ${type}`);
      }
    }
    if (customers.some((c) => c.login.toLowerCase() === login.toLowerCase())) {
      return refuse(res, TITELIVE_CODES.loginExists, 'login already exists');
    }
    if (byEmail(email)) return refuse(res, TITELIVE_CODES.emailExists, 'email already exists');

    const confirmation = text('confirmationRequired');
    const waiting = confirmation === undefined || /^(true|1)$/i.test(confirmation);
    const customer: Customer = {
      id: nextId++,
      role: 1,
      email,
      login,
      b2b: false,
      newsletter: text('newsletter') === '1',
      waitingEmailValidation: waiting,
      validationKey: null,
    };
    customers.push(customer);
    if (waiting) sendConfirmation(req, customer);
    // "the customer won't receive an email … Then, he's automatically logged in."
    else sessions.set(key, customer.id);
    ok(res, 'user created', { customer: customerJson(customer) });
  });

  router.get('/api/:returnType/:domainCode/customer', (req, res) => {
    const key = session(req, res);
    if (!key) return;
    const customer = customers.find((c) => c.id === sessions.get(key));
    if (!customer) return refuse(res, TITELIVE_CODES.loggedIn, 'user not connected');
    ok(res, 'get user info', { customer: customerJson(customer) });
  });

  const resend = (req: Request, res: Response) => {
    if (!session(req, res)) return;
    const email = typeof req.query['email'] === 'string' ? req.query['email'].trim() : '';
    if (!email) return refuse(res, TITELIVE_CODES.notType, 'email is not string');
    const customer = byEmail(email);
    if (!customer?.waitingEmailValidation) {
      return refuse(
        res,
        TITELIVE_CODES.noCustomerWaiting,
        'no customer waiting for email validation with that email',
      );
    }
    sendConfirmation(req, customer);
    ok(res, 'email sent');
  };
  router.get('/api/:returnType/:domainCode/customer/resend', resend);
  router.get('/:returnType/:domainCode/customer/resend', resend);

  /** The link in the confirmation e-mail (sandbox only: the seed's validation service is elided). */
  router.get('/api/:returnType/:domainCode/customer/validation', (req, res) => {
    const key = typeof req.query['key'] === 'string' ? req.query['key'] : '';
    const customer = key ? customers.find((c) => c.validationKey === key) : undefined;
    if (!customer) return refuse(res, TITELIVE_CODES.notType, 'key is not valid');
    customer.waitingEmailValidation = false;
    customer.validationKey = null;
    ok(res, 'email validated', { customer: customerJson(customer) });
  });

  return { router, reset, outbox: () => [...outbox] };
}

export const titeliveSandboxFlow = {
  basePath: '/',
  flowSettings: () => ({
    domainCode: TITELIVE_SANDBOX.domainCode,
    token: new Secret(TITELIVE_SANDBOX.token),
    passwordHash: { salt: new Secret(TITELIVE_SANDBOX.salt) },
  }),
};
