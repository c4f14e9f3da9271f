/**
 * Hectare Agritech Customer API simulator, written from the provider's OpenAPI documentation (seed
 * 001): Login, Create organisation, Confirm Signup, User Request Full Account, Get Users and Get
 * Red Tractor Certificates, with the documented JSON bodies, and `{ message, status }` answers
 * where the documentation shows them.
 *
 * The documentation lost its URL paths; these are the project's assumed ones, under `/customers/`:
 * `POST auth/login`, `POST organisations`, `POST auth/confirm-signup`, `POST
 * users/request-full-account`, `GET users`, `GET red-tractor/certificates`. Login, Confirm Signup
 * and Request Full Account are public (the documentation lists no authorisation for them); the
 * others need `Authorization: Bearer <token from Login>`.
 *
 * Where the documentation is silent, the reading least kind to a lax client:
 * - refusals are `{ message, status }` with `status` a plain lower-case string ("bad-request",
 *   "unauthorized", "forbidden", "not-found", "conflict"; the documentation's own samples use such
 *   strings: "ok", "success", "not-found"), with HTTP 400 invalid input (a wrong, expired or used
 *   confirmation code included), 401 a bad login or a missing, wrong or expired token, 403 not
 *   allowed, 409 a duplicate; successes are 200 (`status` "success");
 * - bodies must be JSON objects with the documented properties and no others; every "required"
 *   property must be present, `null` only where the documentation says "or null"; the owner's
 *   four contact fields are all required (a Cognito user needs them), the phone in E.164; a GB
 *   organisation's company number must look like a Companies House number;
 * - 409 when the owner's e-mail is a user already, or the company number or the name
 *   (case-insensitive) is taken; a second full-account request with an e-mail that has one
 *   pending, or that is a user already, is refused too (`fullAccountRepeat`);
 * - tokens expire after `expiresIn` seconds; confirmation codes are six digits, valid 24 hours,
 *   and a new code replaces the old one; passwords follow Cognito's default policy.
 *
 * Readings (`POST _readings`), defaults first:
 * - `errorStatus`: `plain` | `cognito` (`status` carries Cognito's exception name, e.g.
 *   CodeMismatchException, where Cognito refused).
 * - `bearer`: `access` (the API takes `tokens.access`, as the project assumed) | `id` (it takes
 *   `tokens.id`, as API Gateway's Cognito authorisers do without OAuth scopes).
 * - `resendCode`: `true` | `false`. The documentation has no way to send a new confirmation code;
 *   Cognito has one, so the sandbox offers it at `POST /customers/auth/resend-confirmation-code`
 *   `{ username }` (at most 5 an hour per user). `false` removes the route (404), as the documented
 *   API would answer.
 * - `fullAccountRepeat`: `refuse` (409) | `accept` (a second request is sent to the team too).
 *
 * Other control routes: `POST _pool { autoConfirm?, tokenTtlSeconds? }` (the pool confirms new
 * owners itself, as Hectare says it currently does; a shorter token lifetime) and `POST _clock {
 * advanceSeconds }` (codes and tokens expire). `DELETE _state` undoes both. Codes go to `_outbox`
 * as `{ to, kind: 'signup-code', code, at }`. `_state`: `{ accounts: [{ kind: 'organisation', id,
 * email (the owner's), name, companyNumber, owner: { authPlatformId, status: 'UNCONFIRMED' |
 * 'CONFIRMED' } | null }, { kind: 'full-account-request', id, email, requestType, businessName,
 * companyNumber, receivedAtUTC }] }`.
 */
import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { Secret } from '../config/secret.ts';
import {
  Readings,
  type OutboxMessage,
  type ProviderAccount,
  type SimulatorApi,
} from './simulator.ts';
import { certificateRecords, certificatesFor } from './hectare-certificates.ts';

export const HECTARE_SANDBOX = {
  /** The platform account a sandbox flow logs in with: it may create organisations. */
  username: 'platform@hectare.sandbox',
  password: 'Hectare-Sandbox-Pa55!',
  /** Logs in, but Create organisation answers it 403. */
  readOnly: { username: 'readonly@hectare.sandbox', password: 'Hectare-ReadOnly-Pa55!' },
  /** Login answers the NEW_PASSWORD_REQUIRED challenge until a `newPassword` is set. */
  newPasswordRequired: {
    username: 'new-platform@hectare.sandbox',
    password: 'Hectare-Temporary-Pa55!',
  },
  tokenTtlSeconds: 3600,
  /** Cognito's confirmation codes are valid 24 h. */
  codeTtlSeconds: 24 * 3600,
  resendsPerHour: 5,
} as const;

/** The documentation's `countryISO` enum. */
const HECTARE_SANDBOX_COUNTRIES = ['GB', 'US', 'ZA', 'FR'] as const;

const HOUR_MS = 3_600_000;
const PLAIN_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
};

const readingsSchema = z.strictObject({
  errorStatus: z.enum(['plain', 'cognito']).default('plain'),
  bearer: z.enum(['access', 'id']).default('access'),
  resendCode: z.boolean().default(true),
  fullAccountRepeat: z.enum(['refuse', 'accept']).default('refuse'),
});

const poolSchema = z.strictObject({
  autoConfirm: z.boolean().optional(),
  tokenTtlSeconds: z.int().min(1).max(86_400).optional(),
});
const clockSchema = z.strictObject({
  advanceSeconds: z
    .number()
    .min(0)
    .max(365 * 86_400),
});

// ---- Request bodies, as the documentation lists them ----------------------------------------

const text = z.string().trim().min(1);
const e164 = z
  .string()
  .refine(
    (p) => p.startsWith('+') && !!parsePhoneNumberFromString(p)?.isValid(),
    'must be a phone number in international format (E.164)',
  );
const country = z.enum(HECTARE_SANDBOX_COUNTRIES);
const COMPANIES_HOUSE = /^(?:[A-Z]{2}\d{6}|\d{8})$/;

const contactSchema = z.strictObject({
  phone: e164,
  email: z.email(),
  familyName: text,
  givenName: text,
});
const locationSchema = z.strictObject({
  what3words: z.string().optional(),
  address: z
    .strictObject({
      name: z.string().optional(),
      line1: z.string().optional(),
      line2: z.string().optional(),
      line3: z.string().optional(),
      city: z.string().optional(),
      region: z.string().optional(),
      regionISO: z.string().optional(),
      postcode: z.string().optional(),
      countryName: z.string().optional(),
      countryISO: country.optional(),
    })
    .nullable()
    .optional(),
  coordinates: z.strictObject({ lat: z.number(), lon: z.number() }).nullable().optional(),
});
const companySchema = z.strictObject({
  assurances: z
    .array(z.strictObject({ id: z.string().optional(), type: z.string(), body: z.string() }))
    .optional(),
  id: z.string().optional(),
  bio: z.string().optional(),
  website: z.string().optional(),
  holdingNumber: z.string().optional(),
  sqc: z.strictObject({ number: z.string(), isAssured: z.boolean() }).optional(),
  assuranceScheme: z.string().optional(),
  number: z.string().nullable().optional(),
  salesTaxId: z.string().optional(),
  logo: z.strictObject({ id: z.string(), url: z.string() }).optional(),
});
const money = z.strictObject({ amount: z.number(), currency: text });
const organisationSchema = z
  .strictObject({
    location: locationSchema.nullable(),
    company: companySchema.nullable().optional(),
    name: z.string().nullable(),
    countryISO: country,
    ownerContact: contactSchema.nullable(),
    contacts: z.array(contactSchema).nullable().optional(),
    organisers: z.array(z.string()).optional(),
    billing: z.strictObject({ amount: z.number(), currency: text, period: text }).nullable(),
    modules: z.array(
      z.strictObject({ id: text, name: z.string().optional(), price: money.optional() }),
    ),
  })
  .refine(
    (o) =>
      o.countryISO !== 'GB' ||
      !o.company?.number ||
      COMPANIES_HOUSE.test(companyKey(o.company.number)),
    {
      path: ['company', 'number'],
      message: 'must be a Companies House number of 8 characters for GB',
    },
  );
const fullAccountSchema = z.strictObject({
  requestType: z.enum(['account', 'tradingBuyerAccount']),
  firstName: text,
  lastName: text,
  businessName: text,
  companyNumber: z.string().nullable(),
  emailAddress: z.email(),
  phone: e164.nullable(),
});
const loginSchema = z.strictObject({
  username: text,
  password: text,
  newPassword: z.string().optional(),
});
const confirmSchema = z.strictObject({
  username: text,
  confirmationCode: text,
});
const resendSchema = z.strictObject({ username: text });

// ---- State -----------------------------------------------------------------------------------

interface PlatformAccount {
  password: string;
  role: 'admin' | 'read-only';
  mustSetPassword: boolean;
  authPlatformId: string;
}

interface Token {
  kind: 'access' | 'id';
  role: PlatformAccount['role'];
  expiresAt: number;
}

interface Owner {
  id: string;
  authPlatformId: string;
  email: string;
  givenName: string;
  familyName: string;
  phone: string;
  organisationId: string;
  organisationName: string | null;
  status: 'UNCONFIRMED' | 'CONFIRMED';
  code?: { value: string; expiresAt: number };
  resends: number[];
}

interface Organisation {
  id: string;
  name: string | null;
  companyNumber: string | null;
  owner: Owner | null;
}

interface FullAccountRequest {
  id: string;
  body: z.infer<typeof fullAccountSchema>;
  receivedAtUTC: string;
}

/** Cognito's default password policy: 8+ characters with upper, lower, digit and symbol. */
const meetsPolicy = (p: string) =>
  p.length >= 8 && /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p);

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The documentation's phone object: `{ callingCode, number }`. */
function phoneJson(e164: string) {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed
    ? { callingCode: `+${parsed.countryCallingCode}`, number: String(parsed.nationalNumber) }
    : { callingCode: '', number: e164 };
}

function companyKey(n: string): string {
  return n.replace(/\s+/g, '').toUpperCase();
}
const nameKey = (n: string) => n.trim().replace(/\s+/g, ' ').toLowerCase();
const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid request';
};

function freshPlatformAccounts(): Map<string, PlatformAccount> {
  const account = (password: string, role: PlatformAccount['role'], mustSetPassword = false) => ({
    password,
    role,
    mustSetPassword,
    authPlatformId: randomUUID(),
  });
  return new Map([
    [HECTARE_SANDBOX.username, account(HECTARE_SANDBOX.password, 'admin')],
    [HECTARE_SANDBOX.readOnly.username, account(HECTARE_SANDBOX.readOnly.password, 'read-only')],
    [
      HECTARE_SANDBOX.newPasswordRequired.username,
      account(HECTARE_SANDBOX.newPasswordRequired.password, 'admin', true),
    ],
  ]);
}

export function createHectareSimulator(): SimulatorApi {
  const readings = new Readings(readingsSchema);
  let platformAccounts = freshPlatformAccounts();
  let tokens = new Map<string, Token>();
  let owners = new Map<string, Owner>(); // by lower-case e-mail
  let byAuthId = new Map<string, Owner>();
  let organisations: Organisation[] = [];
  let fullAccountRequests: FullAccountRequest[] = [];
  let outbox: OutboxMessage[] = [];
  let pool = { autoConfirm: false, tokenTtlSeconds: HECTARE_SANDBOX.tokenTtlSeconds as number };
  let clockOffsetMs = 0;

  const now = () => Date.now() + clockOffsetMs;
  const router = express.Router();

  /** A refusal; `cognito` names Cognito's exception where Cognito is the one refusing. */
  const refuse = (res: Response, http: number, message: string, cognito?: string) => {
    const status =
      readings.current.errorStatus === 'cognito' && cognito ? cognito : PLAIN_STATUS[http];
    res.status(http).json({ message, status });
  };
  const ok = (res: Response, message: string) => res.json({ message, status: 'success' });

  /** The body parsed by `schema`, or undefined once a 400 has been answered. */
  function parse<T>(req: Request, res: Response, schema: z.ZodType<T>, cognito?: string) {
    if (!req.is('application/json')) {
      refuse(res, 400, 'The request body must be JSON (Content-Type: application/json)');
      return undefined;
    }
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      refuse(res, 400, firstIssue(parsed.error), cognito);
      return undefined;
    }
    return parsed.data;
  }

  function authorised(req: Request, res: Response): Token | undefined {
    const value = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const token = value ? tokens.get(value) : undefined;
    if (!token || token.kind !== readings.current.bearer || token.expiresAt <= now()) {
      refuse(res, 401, 'Unauthorized');
      return undefined;
    }
    return token;
  }

  function sendCode(owner: Owner): void {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    owner.code = { value: code, expiresAt: now() + HECTARE_SANDBOX.codeTtlSeconds * 1000 };
    outbox.push({ to: owner.email, kind: 'signup-code', code, at: new Date(now()).toISOString() });
  }

  // ---- Controls specific to this simulator (the shared ones are in simulator.ts) ----------

  router.post('/_pool', (req, res) => {
    const parsed = poolSchema.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: z.prettifyError(parsed.error) });
    pool = { ...pool, ...parsed.data };
    res.json(pool);
  });

  router.post('/_clock', (req, res) => {
    const parsed = clockSchema.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: z.prettifyError(parsed.error) });
    clockOffsetMs += parsed.data.advanceSeconds * 1000;
    res.json({ now: new Date(now()).toISOString() });
  });

  // ---- Login (public) -----------------------------------------------------------------------

  router.post('/customers/auth/login', (req, res) => {
    const body = parse(req, res, loginSchema, 'InvalidParameterException');
    if (!body) return;
    const account = platformAccounts.get(body.username.toLowerCase());
    if (!account || !sameText(body.password, account.password)) {
      return refuse(res, 401, 'Incorrect username or password.', 'NotAuthorizedException');
    }
    if (account.mustSetPassword) {
      if (body.newPassword === undefined) {
        return res.json({
          challenge: {
            session: randomBytes(48).toString('base64url'),
            challengeParameters: { missingAttributes: [], authPlatformId: account.authPlatformId },
            challengeName: 'NEW_PASSWORD_REQUIRED',
          },
        });
      }
      if (!meetsPolicy(body.newPassword)) {
        return refuse(
          res,
          400,
          'Password does not conform to policy: 8 characters or more with upper and lower case letters, a number and a symbol',
          'InvalidPasswordException',
        );
      }
      account.password = body.newPassword;
      account.mustSetPassword = false;
    }
    const issue = (kind: Token['kind']) => {
      const value = randomBytes(32).toString('base64url');
      const expiresAt = now() + pool.tokenTtlSeconds * 1000;
      tokens.set(value, { kind, role: account.role, expiresAt });
      return value;
    };
    res.json({
      tokens: {
        id: issue('id'),
        access: issue('access'),
        refresh: randomBytes(48).toString('base64url'),
        expiresIn: pool.tokenTtlSeconds,
      },
    });
  });

  // ---- Create organisation (Bearer) -------------------------------------------------------

  router.post('/customers/organisations', (req, res) => {
    const token = authorised(req, res);
    if (!token) return;
    if (token.role !== 'admin') {
      return refuse(res, 403, 'You are not allowed to create organisations');
    }
    const body = parse(req, res, organisationSchema);
    if (!body) return;
    const contact = body.ownerContact;
    const number = body.company?.number?.trim() ? companyKey(body.company.number) : null;
    if (contact && owners.has(contact.email.toLowerCase())) {
      return refuse(
        res,
        409,
        'An account with the given email already exists.',
        'UsernameExistsException',
      );
    }
    if (number && organisations.some((o) => o.companyNumber === number)) {
      return refuse(res, 409, 'An organisation with this company number already exists.');
    }
    const name = body.name;
    if (name && organisations.some((o) => o.name && nameKey(o.name) === nameKey(name))) {
      return refuse(res, 409, 'An organisation with this name already exists.');
    }

    const organisationId = randomUUID();
    const owner: Owner | null = contact && {
      ...contact,
      id: randomUUID(),
      authPlatformId: randomUUID(),
      organisationId,
      organisationName: name,
      status: pool.autoConfirm ? 'CONFIRMED' : 'UNCONFIRMED',
      resends: [],
    };
    if (owner) {
      owners.set(owner.email.toLowerCase(), owner);
      byAuthId.set(owner.authPlatformId, owner);
      if (!pool.autoConfirm) sendCode(owner);
    }
    organisations.push({ id: organisationId, name, companyNumber: number, owner });
    res.json({
      id: organisationId,
      location: body.location,
      company: body.company ? { ...body.company, id: randomUUID() } : null,
      companyNumber: number,
      countryISO: body.countryISO,
      name,
      ownerContact: owner && {
        id: owner.id,
        email: owner.email,
        phone: phoneJson(owner.phone),
        familyName: owner.familyName,
        givenName: owner.givenName,
        authPlatformId: owner.authPlatformId,
      },
      settlementContacts: [],
      status: 'active',
      statusMessage: '',
      businessUnits: [],
      businessConnections: [],
      billing: body.billing,
      modules: body.modules,
      vetted: false,
      isMerchant: false,
      createdAtUTC: new Date(now()).toISOString(),
    });
  });

  // ---- Confirm Signup (public) and the sandbox's resend -----------------------------------

  router.post('/customers/auth/confirm-signup', (req, res) => {
    const body = parse(req, res, confirmSchema, 'InvalidParameterException');
    if (!body) return;
    const owner = byAuthId.get(body.username);
    if (!owner) {
      return refuse(res, 400, 'Username/client id combination not found.', 'UserNotFoundException');
    }
    if (owner.status === 'CONFIRMED') {
      return refuse(
        res,
        400,
        'User cannot be confirmed. Current status is CONFIRMED',
        'NotAuthorizedException',
      );
    }
    if (!owner.code || !sameText(body.confirmationCode, owner.code.value)) {
      return refuse(
        res,
        400,
        'Invalid verification code provided, please try again.',
        'CodeMismatchException',
      );
    }
    if (owner.code.expiresAt <= now()) {
      return refuse(
        res,
        400,
        'Invalid code provided, please request a code again.',
        'ExpiredCodeException',
      );
    }
    owner.status = 'CONFIRMED';
    delete owner.code;
    ok(res, 'User confirmed');
  });

  router.post('/customers/auth/resend-confirmation-code', (req, res, next) => {
    if (!readings.current.resendCode) return next();
    const body = parse(req, res, resendSchema, 'InvalidParameterException');
    if (!body) return;
    const owner = byAuthId.get(body.username);
    if (!owner) {
      return refuse(res, 400, 'Username/client id combination not found.', 'UserNotFoundException');
    }
    if (owner.status === 'CONFIRMED') {
      return refuse(res, 400, 'User is already confirmed.', 'InvalidParameterException');
    }
    owner.resends = owner.resends.filter((at) => at > now() - HOUR_MS);
    if (owner.resends.length >= HECTARE_SANDBOX.resendsPerHour) {
      return refuse(
        res,
        400,
        'Attempt limit exceeded, please try after some time.',
        'LimitExceededException',
      );
    }
    owner.resends.push(now());
    sendCode(owner);
    ok(res, 'Confirmation code sent');
  });

  // ---- User Request Full Account (public) -------------------------------------------------

  router.post('/customers/users/request-full-account', (req, res) => {
    const body = parse(req, res, fullAccountSchema);
    if (!body) return;
    const key = body.emailAddress.toLowerCase();
    if (readings.current.fullAccountRepeat === 'refuse') {
      if (owners.has(key)) {
        return refuse(
          res,
          409,
          'An account with the given email already exists.',
          'UsernameExistsException',
        );
      }
      if (fullAccountRequests.some((r) => r.body.emailAddress.toLowerCase() === key)) {
        return refuse(res, 409, 'A full account request for this email address is pending.');
      }
    }
    fullAccountRequests.push({
      id: randomUUID(),
      body,
      receivedAtUTC: new Date(now()).toISOString(),
    });
    ok(res, 'Your request has been sent to our customer success team');
  });

  // ---- Get Users, Get Red Tractor Certificates (Bearer) -----------------------------------

  router.get('/customers/users', (req, res) => {
    if (!authorised(req, res)) return;
    const q = req.query;
    const textParam = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
    const query = textParam('query')?.toLowerCase();
    const organisationId = textParam('organisationId');
    const status = textParam('status');
    const found = [...owners.values()].filter(
      (o) =>
        (!organisationId || o.organisationId === organisationId) &&
        (!status || userStatus(o) === status) &&
        (!query || `${o.email} ${o.givenName} ${o.familyName}`.toLowerCase().includes(query)),
    );
    if (q['count'] === 'true') return res.json({ count: found.length });
    const offset = Math.max(0, Number(textParam('offset') ?? 0) || 0);
    const limit = Math.max(1, Number(textParam('limit') ?? 50) || 50);
    res.json(found.slice(offset, offset + limit).map(userJson));
  });

  router.get('/_records', (_req, res) => {
    res.json(certificateRecords());
  });

  router.get('/customers/red-tractor/certificates', (req, res) => {
    if (!authorised(req, res)) return;
    const { country, postcode, holdingNumber } = req.query;
    if (typeof country !== 'string' || !/^[A-Z]{3}$/.test(country)) {
      return refuse(res, 400, 'country: must be an ISO3 country code of 3 characters');
    }
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
    res.json(certificatesFor(country, text(postcode), text(holdingNumber)));
  });

  router.use('/customers', (req, res) => {
    refuse(res, 404, `Cannot ${req.method} ${req.baseUrl}${req.path}`);
  });

  return {
    router,
    readings,
    reset() {
      platformAccounts = freshPlatformAccounts();
      tokens = new Map();
      owners = new Map();
      byAuthId = new Map();
      organisations = [];
      fullAccountRequests = [];
      outbox = [];
      pool = { autoConfirm: false, tokenTtlSeconds: HECTARE_SANDBOX.tokenTtlSeconds };
      clockOffsetMs = 0;
    },
    outbox: () => outbox.map((m) => ({ ...m })),
    accounts: (): ProviderAccount[] => [
      ...organisations.map((o) => ({
        kind: 'organisation',
        id: o.id,
        email: o.owner?.email ?? '',
        name: o.name,
        companyNumber: o.companyNumber,
        owner: o.owner && { authPlatformId: o.owner.authPlatformId, status: o.owner.status },
      })),
      ...fullAccountRequests.map((r) => ({
        kind: 'full-account-request',
        id: r.id,
        email: r.body.emailAddress,
        requestType: r.body.requestType,
        businessName: r.body.businessName,
        companyNumber: r.body.companyNumber,
        receivedAtUTC: r.receivedAtUTC,
      })),
    ],
  };
}

const userStatus = (o: Owner) => (o.status === 'CONFIRMED' ? 'active' : 'unconfirmed');

/** A user as Get Users shows one (the documented sample's fields this simulator knows). */
const userJson = (o: Owner) => ({
  id: o.id,
  givenName: o.givenName,
  familyName: o.familyName,
  name: `${o.givenName} ${o.familyName}`,
  email: o.email,
  phone: phoneJson(o.phone),
  organisationId: o.organisationId,
  organisationName: o.organisationName,
  authPlatformId: o.authPlatformId,
  status: userStatus(o),
});

/** Where a `sandbox: true` hectare flow's base URL is, and the settings it gets underneath. */
export const hectareSandboxFlow = {
  basePath: '/customers/',
  flowSettings: () => ({
    credentials: {
      username: HECTARE_SANDBOX.username,
      password: new Secret(HECTARE_SANDBOX.password),
    },
  }),
};
