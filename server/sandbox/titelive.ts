/**
 * TiteLive e-commerce web services simulator, written from the provider's documentation (seed
 * 004): create a customer (`POST {WS_URL}/api/{returnType}/{domainCode}/customer`), get and update
 * the session's customer (`GET` / `PUT` on the same URL) and resend the confirmation e-mail
 * (`GET {WS_URL}/{returnType}/{domainCode}/customer/resend`: the documentation writes this one
 * URL without `/api/`), with form bodies, the 26-character `token` header, `{ response: { success,
 * code, message, object } }` answers and the documented codes (0 ok, 1 domaincode malformed, 3
 * token is empty, 4 no token with that key, 5 invalid token, 9 "{param} is not {type}", 10 already
 * logged in / user not connected, 99 uncatched exception).
 *
 * Checks, in the order of the documented code table: `domainCode` five digits (1), the `token`
 * header (3 empty; 5 not 26 letters or digits; 4 no session with that token for this domain
 * code), the session (10: a session logged in as a customer cannot create one, an anonymous one
 * has no customer to get or update), the form's types (9; the password "encrypted and salted" =
 * 40 hex digits). The token is required on create too: the documentation's warning (a customer
 * connected through the login webservice cannot register) needs the session to be known.
 *
 * Where the documentation is silent, the reading least kind to a lax client:
 * - every answer is HTTP 200 and only the envelope's `success` and `code` tell a refusal;
 * - a request to a URL the documentation does not write is a plain 404 (no envelope);
 * - `confirmationRequired` false logs the calling session in as the new customer ("he's
 *   automatically logged in"), so that session's next create answers 10;
 * - the confirmation link (in `_outbox`) points at a sandbox-only `…/customer/validation?key=…`.
 *
 * Readings (`POST _readings`), defaults first:
 * - `resendPath`: `literal` (only the documented URL, without `/api/`) | `both` (also under
 *   `/api/`).
 * - `resendParam`: `email`, the query parameter carrying the e-mail (the documentation lost its
 *   name).
 * - `unpublishedRefusals`: `uncaught` (a login or e-mail already taken, and a resend for no
 *   customer waiting for validation, answer 99 "uncatched exception": no published code covers
 *   them) | `coded` (the sandbox's own codes 12 login exists, 13 e-mail exists, 14 no customer
 *   waiting; `TITELIVE_CODES`).
 *
 * `TITELIVE_SANDBOX.loggedInToken` is a second session, logged in as a sandbox customer, to try
 * 10. `_state`: `{ accounts: [{ email, id, login, waitingEmailValidation }] }`, the sandbox's
 * logged-in customer included.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { Secret } from '../config/secret.ts';
import { Readings, type OutboxMessage, type SimulatorApi } from './simulator.ts';

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

/** The documented codes, and the sandbox's own ones (12-14) for the `coded` reading. */
const TITELIVE_CODES = {
  domainCodeMalformed: 1,
  connexionError: 2,
  tokenEmpty: 3,
  noTokenWithThatKey: 4,
  invalidToken: 5,
  notType: 9,
  loggedIn: 10,
  wrongPassword: 11,
  uncaught: 99,
  loginExists: 12,
  emailExists: 13,
  noCustomerWaiting: 14,
} as const;

const readingsSchema = z.strictObject({
  resendPath: z.enum(['literal', 'both']).default('literal'),
  resendParam: z
    .string()
    .regex(/^[A-Za-z_][\w.-]{0,63}$/)
    .default('email'),
  unpublishedRefusals: z.enum(['uncaught', 'coded']).default('uncaught'),
});

interface Customer {
  id: number;
  role: number;
  email: string;
  login: string;
  b2b: boolean;
  newsletter: boolean;
  waitingEmailValidation: boolean;
  validationKey: string | null;
  profile: Record<string, string>;
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

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SALTED = /^[0-9a-f]{40}$/i;
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
const INTEGER = (v: string) => /^-?\d+$/.test(v);
const BOOLEAN = (v: string) => /^(true|false|1|0)$/i.test(v);
const DATE = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(Date.parse(v));

/** The typed form parameters of create (POST) and update (PUT), as each table lists them. */
const TYPED = {
  create: {
    birthdate: ['date', DATE],
    language: ['integer', INTEGER],
    newsletter: ['integer', INTEGER],
    favoriteShop: ['integer', INTEGER],
    confirmationRequired: ['boolean', BOOLEAN],
  },
  update: {
    birthdate: ['date', DATE],
    language: ['integer', INTEGER],
    newsletter: ['boolean', BOOLEAN],
    favoriteShop: ['integer', INTEGER],
  },
} as const satisfies Record<string, Record<string, readonly [string, (v: string) => boolean]>>;

/** The first parameter that is not of its type, as code 9's message names it; or undefined. */
function typeProblem(body: Record<string, unknown>, typed: keyof typeof TYPED) {
  for (const name of TEXT_PARAMS) {
    if (body[name] !== undefined && typeof body[name] !== 'string') return `${name} is not string`;
  }
  for (const [name, [type, test]] of Object.entries(TYPED[typed])) {
    const value = body[name];
    if (value !== undefined && (typeof value !== 'string' || !test(value))) {
      return `${name} is not ${type}`;
    }
  }
  return undefined;
}

export function createTiteliveSimulator(): SimulatorApi {
  const readings = new Readings(readingsSchema);
  let customers: Customer[] = [];
  let sessions = new Map<string, number | null>();
  let outbox: OutboxMessage[] = [];
  let nextId = 1001;

  function reset(): void {
    customers = [
      {
        ...TITELIVE_SANDBOX.customer,
        role: 1,
        b2b: false,
        newsletter: false,
        waitingEmailValidation: false,
        validationKey: null,
        profile: {},
      },
    ];
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
  const byLogin = (login: string) =>
    customers.find((c) => c.login.toLowerCase() === login.toLowerCase());

  /** A refusal no published code covers: 99, or the sandbox's own code. */
  const unpublished = (res: Response, code: number, message: string) =>
    readings.current.unpublishedRefusals === 'coded'
      ? refuse(res, code, message)
      : refuse(res, TITELIVE_CODES.uncaught, 'uncatched exception');

  /** returnType, domainCode and token as the documentation checks them; the session's key. */
  function session(req: Request, res: Response): string | null {
    const { returnType, domainCode } = req.params as Record<string, string>;
    if (returnType !== 'json') {
      res.status(404).type('text/plain').send('Not Found');
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

  const isForm = (req: Request) => !!req.is('application/x-www-form-urlencoded');

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
    if (sessions.get(key) !== null)
      return refuse(res, TITELIVE_CODES.loggedIn, 'already logged in');
    if (!isForm(req)) return refuse(res, TITELIVE_CODES.notType, 'body is not form');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
    const login = text('login')?.trim();
    const email = text('email')?.trim();
    const password = text('password');
    if (!login) return refuse(res, TITELIVE_CODES.notType, 'login is not string');
    if (!password || !SALTED.test(password)) {
      return refuse(res, TITELIVE_CODES.notType, 'password is not sha1');
    }
    if (!email || !EMAIL.test(email))
      return refuse(res, TITELIVE_CODES.notType, 'email is not email');
    const problem = typeProblem(body, 'create');
    if (problem) return refuse(res, TITELIVE_CODES.notType, problem);
    if (byLogin(login)) return unpublished(res, TITELIVE_CODES.loginExists, 'login already exists');
    if (byEmail(email)) return unpublished(res, TITELIVE_CODES.emailExists, 'email already exists');

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
      profile: Object.fromEntries(TEXT_PARAMS.flatMap((k) => (text(k) ? [[k, text(k)!]] : []))),
    };
    customers.push(customer);
    if (waiting) sendConfirmation(req, customer);
    // "the customer won't receive an email … Then, he's automatically logged in."
    else sessions.set(key, customer.id);
    ok(res, 'user created', { customer: customerJson(customer) });
  });

  /** The session's customer, or undefined once 10 "user not connected" has been answered. */
  function connected(req: Request, res: Response): Customer | undefined {
    const key = session(req, res);
    if (!key) return undefined;
    const customer = customers.find((c) => c.id === sessions.get(key));
    if (!customer) refuse(res, TITELIVE_CODES.loggedIn, 'user not connected');
    return customer;
  }

  router.get('/api/:returnType/:domainCode/customer', (req, res) => {
    const customer = connected(req, res);
    if (customer) ok(res, 'get user info', { customer: customerJson(customer) });
  });

  router.put('/api/:returnType/:domainCode/customer', (req, res) => {
    const customer = connected(req, res);
    if (!customer) return;
    if (!isForm(req)) return refuse(res, TITELIVE_CODES.notType, 'body is not form');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { email, password } = body;
    if (password !== undefined && (typeof password !== 'string' || !SALTED.test(password))) {
      return refuse(res, TITELIVE_CODES.notType, 'password is not sha1');
    }
    if (email !== undefined && (typeof email !== 'string' || !EMAIL.test(email.trim()))) {
      return refuse(res, TITELIVE_CODES.notType, 'email is not email');
    }
    const problem = typeProblem(body, 'update');
    if (problem) return refuse(res, TITELIVE_CODES.notType, problem);
    if (typeof email === 'string' && byEmail(email.trim()) && byEmail(email.trim()) !== customer) {
      return unpublished(res, TITELIVE_CODES.emailExists, 'email already exists');
    }
    if (typeof email === 'string') customer.email = email.trim();
    if (typeof body['newsletter'] === 'string') {
      customer.newsletter = /^(true|1)$/i.test(body['newsletter']);
    }
    for (const k of TEXT_PARAMS) if (typeof body[k] === 'string') customer.profile[k] = body[k];
    ok(res, 'user updated', { customer: customerJson(customer) });
  });

  const resend = (req: Request, res: Response) => {
    if (!session(req, res)) return;
    const param = readings.current.resendParam;
    const email = typeof req.query[param] === 'string' ? req.query[param].trim() : '';
    if (!email) return refuse(res, TITELIVE_CODES.notType, `${param} is not string`);
    const customer = byEmail(email);
    if (!customer?.waitingEmailValidation) {
      return unpublished(
        res,
        TITELIVE_CODES.noCustomerWaiting,
        'no customer waiting for email validation with that email',
      );
    }
    sendConfirmation(req, customer);
    ok(res, 'email sent');
  };
  router.get('/:returnType/:domainCode/customer/resend', (req, res, next) =>
    // `/api/json/…/customer/resend` would match here with returnType "api": not this route.
    req.params['returnType'] === 'api' ? next() : resend(req, res),
  );
  router.get('/api/:returnType/:domainCode/customer/resend', (req, res, next) =>
    readings.current.resendPath === 'both' ? resend(req, res) : next(),
  );

  /** The link in the confirmation e-mail (sandbox only: the validation service is not documented). */
  router.get('/api/:returnType/:domainCode/customer/validation', (req, res) => {
    const key = typeof req.query['key'] === 'string' ? req.query['key'] : '';
    const customer = key ? customers.find((c) => c.validationKey === key) : undefined;
    if (!customer) return refuse(res, TITELIVE_CODES.notType, 'key is not valid');
    customer.waitingEmailValidation = false;
    customer.validationKey = null;
    ok(res, 'email validated', { customer: customerJson(customer) });
  });

  router.use((_req, res) => {
    res.status(404).type('text/plain').send('Not Found');
  });

  return {
    router,
    readings,
    reset,
    outbox: () => [...outbox],
    accounts: () =>
      customers.map((c) => ({
        email: c.email,
        id: c.id,
        login: c.login,
        waitingEmailValidation: c.waitingEmailValidation,
      })),
  };
}

export const titeliveSandboxFlow = {
  basePath: '/',
  flowSettings: () => ({
    domainCode: TITELIVE_SANDBOX.domainCode,
    token: new Secret(TITELIVE_SANDBOX.token),
    passwordHash: { salt: new Secret(TITELIVE_SANDBOX.salt) },
  }),
};
