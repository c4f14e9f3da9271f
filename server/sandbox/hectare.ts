/**
 * Hectare Agritech Customer API simulator (seed 001): Login, Create organisation (the owner is
 * created as an unconfirmed Cognito user and e-mailed a six-digit code), Confirm Signup, a resend
 * of the code, and User Request Full Account, with the seed's JSON bodies and its `{ message,
 * status }` error answers (400, 401, 403, 409).
 *
 * Assumed where the seed is silent (PROVIDERS.md), and matched by the adapter's defaults: the
 * paths (under `/customers/`: `auth/login`, `auth/confirm-signup`, `auth/resend-confirmation-code`,
 * `users/request-full-account`, `organisations`); `status` carries Cognito's exception name for
 * Cognito's refusals (NotAuthorizedException, UsernameExistsException, CodeMismatchException,
 * ExpiredCodeException, UserNotFoundException, LimitExceededException, InvalidPasswordException)
 * and `BadRequest` / `Unauthorized` / `Forbidden` / `Conflict` otherwise; 200 for every success.
 * - Login: three platform accounts (`HECTARE_SANDBOX`): one that may create organisations, a
 *   read-only one (Create organisation answers 403), one that must set a new password first
 *   (NEW_PASSWORD_REQUIRED challenge; a Login with a `newPassword` meeting Cognito's default policy
 *   sets it). Tokens live `tokenTtlSeconds` (3600) and are forgotten by `DELETE _state`.
 * - Create organisation: Bearer token required; `location`, `name`, `countryISO` (GB, US, ZA, FR),
 *   `ownerContact` (givenName, familyName, e-mail, E.164 phone), `billing` (object or null) and
 *   `modules` (array) required; a GB `company.number` must look like a Companies House number (8
 *   characters); 409 when the owner's e-mail is a user already, or the company number or the name
 *   (case-insensitive) is taken. The answer is the seed's organisation with `ownerContact
 *   .authPlatformId`, the username Confirm Signup takes.
 * - Confirm Signup: the latest code within 24 h confirms; a wrong or replaced code is
 *   CodeMismatchException, an old one ExpiredCodeException; a confirmed user answers Cognito's
 *   NotAuthorizedException "User cannot be confirmed. Current status is CONFIRMED" (the adapter
 *   reads it as done).
 * - Resend: a new code replaces the old one; "User is already confirmed." for a confirmed user;
 *   at most 5 an hour per user (LimitExceededException).
 * - Request Full Account: all seven properties required (`companyNumber` and `phone` may be null);
 *   409 when the e-mail is a user already or has a request pending, so a second request with the
 *   same e-mail is refused as the team would not set up two accounts.
 * Control routes besides the shared ones: `POST _pool { autoConfirm?, tokenTtlSeconds? }` (the
 * pool confirms new owners itself, as Hectare says it currently does; a short token lifetime) and
 * `POST _clock { advanceSeconds }` (moves the simulator's clock on: codes and tokens expire).
 * Both are undone by `DELETE _state` and, like every call, recorded in `_requests`. Codes go to
 * `_outbox` as `{ to, kind: 'signup-code', code, at }`.
 */
import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { Secret } from '../config/secret.ts';
import type { OutboxMessage, SimulatorApi } from './simulator.ts';

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
  /** Cognito's confirmation codes are valid 24 h (PROVIDERS.md). */
  codeTtlSeconds: 24 * 3600,
  resendsPerHour: 5,
} as const;

export const HECTARE_SANDBOX_COUNTRIES = ['GB', 'US', 'ZA', 'FR'] as const;

const HOUR_MS = 3_600_000;

interface PlatformAccount {
  password: string;
  role: 'admin' | 'read-only';
  mustSetPassword: boolean;
  authPlatformId: string;
}

interface Token {
  username: string;
  role: PlatformAccount['role'];
  expiresAt: number;
}

interface CustomerUser {
  id: string;
  authPlatformId: string;
  email: string;
  givenName: string;
  familyName: string;
  phone: string;
  organisationId: string;
  status: 'UNCONFIRMED' | 'CONFIRMED';
  code?: { value: string; expiresAt: number };
  resends: number[];
}

interface Organisation {
  id: string;
  name: string;
  companyNumber: string | null;
  json: Record<string, unknown>;
}

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

const isEmail = (v: unknown): v is string =>
  typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCountry = (v: unknown): v is string =>
  typeof v === 'string' && (HECTARE_SANDBOX_COUNTRIES as readonly string[]).includes(v);

/** Cognito's default password policy: 8+ characters with upper, lower, digit and symbol. */
const meetsPolicy = (p: string) =>
  p.length >= 8 && /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p);

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The seed's phone object: `{ callingCode, number }`. */
function phoneJson(e164: string) {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed
    ? { callingCode: `+${parsed.countryCallingCode}`, number: String(parsed.nationalNumber) }
    : { callingCode: '', number: e164 };
}

const companyKey = (n: string) => n.replace(/\s+/g, '').toUpperCase();
const nameKey = (n: string) => n.trim().replace(/\s+/g, ' ').toLowerCase();

export function createHectareSimulator(): SimulatorApi {
  const freshAccounts = () =>
    new Map<string, PlatformAccount>([
      [
        HECTARE_SANDBOX.username,
        {
          password: HECTARE_SANDBOX.password,
          role: 'admin',
          mustSetPassword: false,
          authPlatformId: randomUUID(),
        },
      ],
      [
        HECTARE_SANDBOX.readOnly.username,
        {
          password: HECTARE_SANDBOX.readOnly.password,
          role: 'read-only',
          mustSetPassword: false,
          authPlatformId: randomUUID(),
        },
      ],
      [
        HECTARE_SANDBOX.newPasswordRequired.username,
        {
          password: HECTARE_SANDBOX.newPasswordRequired.password,
          role: 'admin',
          mustSetPassword: true,
          authPlatformId: randomUUID(),
        },
      ],
    ]);

  let accounts = freshAccounts();
  let tokens = new Map<string, Token>();
  let users = new Map<string, CustomerUser>(); // by lower-case e-mail
  let byAuthId = new Map<string, CustomerUser>();
  let organisations: Organisation[] = [];
  let accountRequests = new Map<string, Record<string, unknown>>(); // by lower-case e-mail
  let outbox: OutboxMessage[] = [];
  let pool = { autoConfirm: false, tokenTtlSeconds: HECTARE_SANDBOX.tokenTtlSeconds as number };
  let clockOffsetMs = 0;

  const now = () => Date.now() + clockOffsetMs;
  const router = express.Router();
  const refuse = (res: Response, http: number, status: string, message: string) =>
    res.status(http).json({ message, status });
  const invalid = (res: Response, message: string) => refuse(res, 400, 'BadRequest', message);
  const ok = (res: Response, message: string) =>
    res.status(200).json({ message, status: 'SUCCESS' });

  /** The seed's bodies are JSON; anything else is refused before it is read. */
  function jsonBody(req: Request, res: Response): Record<string, unknown> | undefined {
    if (!req.is('application/json') || !isObject(req.body)) {
      invalid(res, 'The request body must be a JSON object (Content-Type: application/json)');
      return undefined;
    }
    return req.body;
  }

  function sendCode(user: CustomerUser): void {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    user.code = { value: code, expiresAt: now() + HECTARE_SANDBOX.codeTtlSeconds * 1000 };
    outbox.push({ to: user.email, kind: 'signup-code', code, at: new Date(now()).toISOString() });
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
    const body = jsonBody(req, res);
    if (!body) return;
    const { username, password, newPassword } = body;
    if (!isText(username) || !isText(password)) {
      return refuse(res, 400, 'InvalidParameterException', 'username and password are required');
    }
    const account = accounts.get(username.toLowerCase());
    if (!account || !sameText(password, account.password)) {
      return refuse(res, 401, 'NotAuthorizedException', 'Incorrect username or password.');
    }
    if (account.mustSetPassword) {
      if (newPassword === undefined) {
        return res.status(200).json({
          challenge: {
            session: randomBytes(48).toString('base64url'),
            challengeParameters: { missingAttributes: [], authPlatformId: account.authPlatformId },
            challengeName: 'NEW_PASSWORD_REQUIRED',
          },
        });
      }
      if (typeof newPassword !== 'string' || !meetsPolicy(newPassword)) {
        return refuse(
          res,
          400,
          'InvalidPasswordException',
          'Password does not conform to policy: 8 characters or more with upper and lower case letters, a number and a symbol',
        );
      }
      account.password = newPassword;
      account.mustSetPassword = false;
    }
    const access = randomBytes(32).toString('base64url');
    tokens.set(access, {
      username: username.toLowerCase(),
      role: account.role,
      expiresAt: now() + pool.tokenTtlSeconds * 1000,
    });
    res.status(200).json({
      tokens: {
        id: randomBytes(32).toString('base64url'),
        access,
        refresh: randomBytes(48).toString('base64url'),
        expiresIn: pool.tokenTtlSeconds,
      },
    });
  });

  // ---- Create organisation (Bearer) -------------------------------------------------------

  function authorised(req: Request, res: Response): Token | undefined {
    const access = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const token = access ? tokens.get(access) : undefined;
    if (!token || token.expiresAt <= now()) {
      refuse(res, 401, 'Unauthorized', 'The access token is missing, invalid or expired');
      return undefined;
    }
    return token;
  }

  /** The first problem with a Create organisation body, as the API words it. */
  function organisationProblem(body: Record<string, unknown>): string | undefined {
    const { location, company, name, countryISO, ownerContact, billing, modules } = body;
    if (!isText(name)) return 'name is required';
    if (!isCountry(countryISO)) {
      return `countryISO must be one of ${HECTARE_SANDBOX_COUNTRIES.join(', ')}`;
    }
    if (!isObject(ownerContact)) return 'ownerContact is required';
    if (!isText(ownerContact['givenName'])) return 'ownerContact.givenName is required';
    if (!isText(ownerContact['familyName'])) return 'ownerContact.familyName is required';
    if (!isEmail(ownerContact['email'])) return 'ownerContact.email must be an email address';
    const phone = ownerContact['phone'];
    if (
      typeof phone !== 'string' ||
      !phone.startsWith('+') ||
      !parsePhoneNumberFromString(phone)?.isValid()
    ) {
      return 'ownerContact.phone must be a phone number in international format (E.164)';
    }
    if (!('location' in body) || (location !== null && !isObject(location))) {
      return 'location is required (an object or null)';
    }
    if (isObject(location) && location['address'] !== undefined && location['address'] !== null) {
      const address = location['address'];
      if (!isObject(address)) return 'location.address must be an object';
      for (const key of ['line1', 'city', 'postcode'] as const) {
        if (address[key] !== undefined && !isText(address[key])) {
          return `location.address.${key} must be a non-empty string`;
        }
      }
      if (address['countryISO'] !== undefined && !isCountry(address['countryISO'])) {
        return `location.address.countryISO must be one of ${HECTARE_SANDBOX_COUNTRIES.join(', ')}`;
      }
    }
    if (company !== undefined && company !== null) {
      if (!isObject(company)) return 'company must be an object';
      const number = company['number'];
      if (number !== undefined && number !== null && typeof number !== 'string') {
        return 'company.number must be a string';
      }
      if (
        countryISO === 'GB' &&
        isText(number) &&
        !/^(?:[A-Z]{2}\d{6}|\d{8})$/.test(companyKey(number))
      ) {
        return 'company.number must be a Companies House number of 8 characters (e.g. 01234567 or SC123456) for GB organisations';
      }
    }
    if (!('billing' in body) || (billing !== null && !isObject(billing))) {
      return 'billing is required (an object or null)';
    }
    if (!Array.isArray(modules)) return 'modules is required (an array)';
    return undefined;
  }

  router.post('/customers/organisations', (req, res) => {
    const token = authorised(req, res);
    if (!token) return;
    if (token.role !== 'admin') {
      return refuse(res, 403, 'Forbidden', 'You are not allowed to create organisations');
    }
    const body = jsonBody(req, res);
    if (!body) return;
    const problem = organisationProblem(body);
    if (problem) return invalid(res, problem);
    const owner = body['ownerContact'] as Record<string, string>;
    const name = body['name'] as string;
    const company = isObject(body['company']) ? body['company'] : undefined;
    const number = isText(company?.['number']) ? company['number'] : null;

    if (users.has(owner['email']!.toLowerCase())) {
      return refuse(
        res,
        409,
        'UsernameExistsException',
        'An account with the given email already exists.',
      );
    }
    if (number && organisations.some((o) => o.companyNumber === companyKey(number))) {
      return refuse(
        res,
        409,
        'Conflict',
        'An organisation with this company number already exists.',
      );
    }
    if (organisations.some((o) => nameKey(o.name) === nameKey(name))) {
      return refuse(res, 409, 'Conflict', 'An organisation with this name already exists.');
    }

    const organisationId = randomUUID();
    const user: CustomerUser = {
      id: randomUUID(),
      authPlatformId: randomUUID(),
      email: owner['email']!,
      givenName: owner['givenName']!,
      familyName: owner['familyName']!,
      phone: owner['phone']!,
      organisationId,
      status: pool.autoConfirm ? 'CONFIRMED' : 'UNCONFIRMED',
      resends: [],
    };
    const json = {
      id: organisationId,
      location: body['location'],
      company: company ? { ...company, id: randomUUID() } : null,
      companyNumber: number,
      countryISO: body['countryISO'],
      name,
      ownerContact: {
        id: user.id,
        email: user.email,
        phone: phoneJson(user.phone),
        familyName: user.familyName,
        givenName: user.givenName,
        authPlatformId: user.authPlatformId,
      },
      settlementContacts: [],
      status: 'active',
      statusMessage: '',
      businessUnits: [],
      businessConnections: [],
      billing: body['billing'],
      modules: body['modules'],
      vetted: false,
      isMerchant: false,
      createdAtUTC: new Date(now()).toISOString(),
    };
    users.set(user.email.toLowerCase(), user);
    byAuthId.set(user.authPlatformId, user);
    organisations.push({
      id: organisationId,
      name,
      companyNumber: number ? companyKey(number) : null,
      json,
    });
    if (!pool.autoConfirm) sendCode(user);
    res.status(200).json(json);
  });

  // ---- Confirm Signup and resend (public) -------------------------------------------------

  router.post('/customers/auth/confirm-signup', (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const { username, confirmationCode } = body;
    if (!isText(username) || !isText(confirmationCode)) {
      return refuse(
        res,
        400,
        'InvalidParameterException',
        'username and confirmationCode are required',
      );
    }
    const user = byAuthId.get(username);
    if (!user) {
      return refuse(res, 400, 'UserNotFoundException', 'Username/client id combination not found.');
    }
    if (user.status === 'CONFIRMED') {
      return refuse(
        res,
        400,
        'NotAuthorizedException',
        'User cannot be confirmed. Current status is CONFIRMED',
      );
    }
    if (!user.code || !sameText(confirmationCode, user.code.value)) {
      return refuse(
        res,
        400,
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      );
    }
    if (user.code.expiresAt <= now()) {
      return refuse(
        res,
        400,
        'ExpiredCodeException',
        'Invalid code provided, please request a code again.',
      );
    }
    user.status = 'CONFIRMED';
    delete user.code;
    ok(res, 'User confirmed');
  });

  router.post('/customers/auth/resend-confirmation-code', (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const { username } = body;
    if (!isText(username)) {
      return refuse(res, 400, 'InvalidParameterException', 'username is required');
    }
    const user = byAuthId.get(username);
    if (!user) {
      return refuse(res, 400, 'UserNotFoundException', 'Username/client id combination not found.');
    }
    if (user.status === 'CONFIRMED') {
      return refuse(res, 400, 'InvalidParameterException', 'User is already confirmed.');
    }
    user.resends = user.resends.filter((at) => at > now() - HOUR_MS);
    if (user.resends.length >= HECTARE_SANDBOX.resendsPerHour) {
      return refuse(
        res,
        400,
        'LimitExceededException',
        'Attempt limit exceeded, please try after some time.',
      );
    }
    user.resends.push(now());
    sendCode(user);
    ok(res, 'Confirmation code sent');
  });

  // ---- User Request Full Account (public) -------------------------------------------------

  router.post('/customers/users/request-full-account', (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const { requestType, firstName, lastName, businessName, companyNumber, emailAddress, phone } =
      body;
    if (requestType !== 'account' && requestType !== 'tradingBuyerAccount') {
      return invalid(res, 'requestType must be one of account, tradingBuyerAccount');
    }
    if (!isText(firstName)) return invalid(res, 'firstName is required');
    if (!isText(lastName)) return invalid(res, 'lastName is required');
    if (!isText(businessName)) return invalid(res, 'businessName is required');
    if (
      !('companyNumber' in body) ||
      (companyNumber !== null && typeof companyNumber !== 'string')
    ) {
      return invalid(res, 'companyNumber is required (a string or null)');
    }
    if (!isEmail(emailAddress)) return invalid(res, 'emailAddress must be an email address');
    if (
      !('phone' in body) ||
      (phone !== null &&
        (typeof phone !== 'string' || !parsePhoneNumberFromString(phone)?.isValid()))
    ) {
      return invalid(res, 'phone must be a phone number in international format, or null');
    }
    const key = emailAddress.toLowerCase();
    if (users.has(key)) {
      return refuse(
        res,
        409,
        'UsernameExistsException',
        'An account with the given email already exists.',
      );
    }
    if (accountRequests.has(key)) {
      return refuse(
        res,
        409,
        'Conflict',
        'A full account request for this email address is already pending.',
      );
    }
    accountRequests.set(key, { ...body, receivedAtUTC: new Date(now()).toISOString() });
    ok(res, 'Your request has been sent to our customer success team');
  });

  router.use((req, res) => {
    refuse(res, 404, 'NotFound', `Cannot ${req.method} ${req.path}`);
  });

  return {
    router,
    reset() {
      accounts = freshAccounts();
      tokens = new Map();
      users = new Map();
      byAuthId = new Map();
      organisations = [];
      accountRequests = new Map();
      outbox = [];
      pool = { autoConfirm: false, tokenTtlSeconds: HECTARE_SANDBOX.tokenTtlSeconds };
      clockOffsetMs = 0;
    },
    outbox: () => outbox.map((m) => ({ ...m })),
  };
}

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
