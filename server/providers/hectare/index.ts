/**
 * Hectare Agritech's Customer API (seed 001): a new customer organisation with its owner, whose
 * e-mail is confirmed with a six-digit code; or, in the other mode, a request for a full account
 * that Hectare's customer success team sets up by hand.
 *
 * From the seed: the operations and their JSON bodies. "Login" `{ username, password }` ->
 * `{ tokens: { id, access, refresh, expiresIn } }` or a `challenge` `{ challengeName, session,
 * challengeParameters }`; "Create organisation" (needs a token) with the required `location`,
 * `name`, `countryISO` (enum GB, US, ZA, FR), `ownerContact { givenName, familyName, email,
 * phone }`, `billing`, `modules`, and the optional `company { number }`; its answer's `id` and
 * `ownerContact.authPlatformId`; "Confirm Signup" (public) `{ username: <authPlatformId>,
 * confirmationCode }`; "User Request Full Account" (public) `{ requestType: account |
 * tradingBuyerAccount, firstName, lastName, businessName, companyNumber (string or null),
 * emailAddress, phone }`; "Get Users" with a free-text `query` (users with `email`,
 * `authPlatformId`, `organisationId`); error answers `{ message, status }` (a plain string) with
 * 400, 401, 403, 409, 500.
 * From the public docs (PROVIDERS.md): users live in an AWS Cognito pool, so codes are six digits
 * valid 24 h, Cognito's exception names may show through, Login may answer NEW_PASSWORD_REQUIRED,
 * and Hectare currently auto-confirms users (setting `ownerConfirmation`).
 * Assumed, each a setting with a default below (`settings`), so it can be corrected without
 * touching code: the URL paths (`routes`, the seed lost them; base URL ending in `/customers/`);
 * the resend operation (`routes.resendConfirmationCode` with `{ username }`: the seed has none,
 * Cognito has ResendConfirmationCode); which of Login's tokens is the Bearer (`tokenKind`:
 * `access`, or `id` as API Gateway's Cognito authorizers want), kept until `expiresIn` minus
 * `tokenRefreshMarginSeconds`, with one new login on a 401; which field a 409 or 400 message is
 * about (`duplicateRules`, `invalidFieldRules`, regular expressions on `message`); how Confirm
 * Signup / resend refusals read (`confirmationRules`, on `message` and `status`; a Confirm Signup
 * 400 nothing else explains is a wrong code); `line1` of the address (`addressLine1`); `billing`
 * null and no `modules` for a new organisation. No password is ever sent for the new user, so
 * Cognito's policy does not apply.
 */
import { z } from 'zod';
import type { FieldName, FieldRule } from '../../../shared/fields.ts';
import { plainOrEnv, secret } from '../../config/secret.ts';
import { ProviderError } from '../../errors.ts';
import { credentialCache, type FetchedCredential } from '../kit/credential-cache.ts';
import { safeJson, type ProviderResponse } from '../kit/provider-http.ts';
import { regExpSetting, relativePathSetting } from '../kit/settings.ts';
import { probe, skipped } from '../kit/doctor.ts';
import {
  defineProvider,
  type FollowUpInput,
  type RegistrationInput,
  type RegistrationResult,
} from '../types.ts';

/** The seed's `countryISO` enum (Create organisation, Create user). */
export const HECTARE_COUNTRIES = ['GB', 'US', 'ZA', 'FR'] as const;

/**
 * Both modes send email, firstName, lastName, phone and organisationName, so those are required;
 * the company number is "string or null" in the seed (sole traders and farms have none), so it
 * is optional; country is required by Create organisation (a request-account flow asks it too
 * and does not send it); the address is optional (a flow narrows it with `optionalFields`).
 */
const FIELDS = [
  { name: 'email', required: true },
  { name: 'firstName', required: true },
  { name: 'lastName', required: true },
  { name: 'phone', required: true },
  { name: 'organisationName', required: true },
  { name: 'companyNumber', required: false },
  { name: 'country', required: true, options: HECTARE_COUNTRIES },
  { name: 'street', required: false },
  { name: 'houseNumber', required: false },
  { name: 'zip', required: false },
  { name: 'city', required: false },
] as const satisfies readonly FieldRule[];
type HectareField = (typeof FIELDS)[number]['name'] & FieldName;
const FIELD_NAMES = FIELDS.map((f) => f.name) as [HectareField, ...HectareField[]];

/** Where each operation is, relative to the flow's base URL [assumed: the seed lost its paths]. */
export const DEFAULT_ROUTES = {
  login: 'auth/login',
  confirmSignup: 'auth/confirm-signup',
  /** Not in the seed: Cognito's ResendConfirmationCode behind Hectare's API [assumed]. */
  resendConfirmationCode: 'auth/resend-confirmation-code',
  requestFullAccount: 'users/request-full-account',
  createOrganisation: 'organisations',
  /** Get Users, searched by e-mail to find an owner whose creation's answer was lost. */
  users: 'users',
} as const;
type RouteName = keyof typeof DEFAULT_ROUTES;

const regex = () =>
  regExpSetting('a regular expression (JavaScript syntax, matched case-insensitively)');

const fieldRule = z.strictObject({
  /** Tested, case-insensitively, against the answer's `message`. */
  match: regex(),
  field: z.enum(FIELD_NAMES),
});
type FieldMessageRule = z.infer<typeof fieldRule>;

/** Which field a 409 is about; the simulator answers these texts [assumed]. */
export const DEFAULT_DUPLICATE_RULES: FieldMessageRule[] = [
  { match: 'company ?number|company\\.number', field: 'companyNumber' },
  { match: 'e-?mail|user ?name', field: 'email' },
  { match: 'organi[sz]ation|business', field: 'organisationName' },
];

/** Which field a 400 is about, from the property names the message uses [assumed]. */
export const DEFAULT_INVALID_FIELD_RULES: FieldMessageRule[] = [
  { match: 'e-?mail', field: 'email' },
  { match: 'given ?name|first ?name', field: 'firstName' },
  { match: 'family ?name|last ?name', field: 'lastName' },
  { match: 'phone', field: 'phone' },
  { match: 'company ?number|company\\.number', field: 'companyNumber' },
  { match: 'country', field: 'country' },
  { match: 'line1|street', field: 'street' },
  { match: 'post ?code', field: 'zip' },
  { match: 'city', field: 'city' },
  { match: 'business ?name|\\bname\\b', field: 'organisationName' },
];

const CONFIRMATION_OUTCOMES = [
  /** The code was wrong, expired or replaced: the user may try again or ask for a new one. */
  'invalid_code',
  /** Hectare does not know the user (any more). */
  'not_found',
  /** Confirmed already (twice, or by Hectare's auto-confirmation): nothing left to do. */
  'already_confirmed',
  /** Cognito's throttling: worth trying later. */
  'try_later',
] as const;

const confirmationRule = z
  .strictObject({
    /** Equal to the answer's `status` (Cognito's exception name). */
    status: z.string().optional(),
    /** Tested, case-insensitively, against the answer's `message`. */
    match: regex().optional(),
    outcome: z.enum(CONFIRMATION_OUTCOMES),
  })
  .refine((r) => r.status !== undefined || r.match !== undefined, {
    message: 'a rule needs a status, a match, or both',
  });
type ConfirmationRule = z.infer<typeof confirmationRule>;

/**
 * How Confirm Signup and resend refusals read. The seed shows only `{ message, status }` with
 * `status` a plain string, so the words of the message come first; Cognito's exception names
 * [public] where Hectare passes them through. A Confirm Signup 400 none of these explains is a
 * wrong code (see `codeCall`).
 */
export const DEFAULT_CONFIRMATION_RULES: ConfirmationRule[] = [
  { match: 'already confirmed|current status is CONFIRMED', outcome: 'already_confirmed' },
  { match: 'attempt limit|too many|limit exceeded|throttl|\\brate\\b', outcome: 'try_later' },
  {
    match: 'user (does not exist|not found)|no (such )?user|username.*(not exist|not found)',
    outcome: 'not_found',
  },
  { status: 'CodeMismatchException', outcome: 'invalid_code' },
  { status: 'ExpiredCodeException', outcome: 'invalid_code' },
  { status: 'TooManyFailedAttemptsException', outcome: 'invalid_code' },
  { status: 'UserNotFoundException', outcome: 'not_found' },
  { status: 'LimitExceededException', outcome: 'try_later' },
  { status: 'TooManyRequestsException', outcome: 'try_later' },
];

const route = relativePathSetting("a path relative to the flow's baseUrl, without a leading /").min(
  1,
);

const settings = z
  .strictObject({
    /**
     * `create-organisation`: log in with the platform account and create the organisation and its
     * owner. `request-account`: ask Hectare's team to set the account up (public, no login).
     */
    mode: z.enum(['create-organisation', 'request-account']).default('create-organisation'),
    /** The platform account (Login's `username`: e-mail, phone or username). */
    credentials: z.strictObject({ username: plainOrEnv(), password: secret() }).optional(),
    /** Request Full Account's `requestType`. */
    requestType: z.enum(['account', 'tradingBuyerAccount']).default('account'),
    /**
     * `code`: the owner confirms the six-digit code Hectare e-mails (next step `verify-code`).
     * `auto`: Hectare's pool confirms users itself, registration is done.
     */
    ownerConfirmation: z.enum(['code', 'auto']).default('code'),
    routes: z
      .strictObject({
        login: route.default(DEFAULT_ROUTES.login),
        confirmSignup: route.default(DEFAULT_ROUTES.confirmSignup),
        resendConfirmationCode: route.default(DEFAULT_ROUTES.resendConfirmationCode),
        requestFullAccount: route.default(DEFAULT_ROUTES.requestFullAccount),
        createOrganisation: route.default(DEFAULT_ROUTES.createOrganisation),
        users: route.default(DEFAULT_ROUTES.users),
      })
      .prefault({}),
    /**
     * Which of Login's tokens goes in `Authorization: Bearer`: `access`, or `id` (API Gateway's
     * Cognito authorizers take the ID token) [assumed: access].
     */
    tokenKind: z.enum(['access', 'id']).default('access'),
    /** A token is renewed this long before `expiresIn` runs out (at most half its lifetime). */
    tokenRefreshMarginSeconds: z.int().min(0).max(3600).default(60),
    /** `location.address.line1` from the address fields; missing parts are left out. */
    addressLine1: z.string().min(1).default('{houseNumber} {street}'),
    /** Create organisation's required `billing` (null: none) and `modules` for a new customer. */
    billing: z
      .strictObject({
        amount: z.number(),
        currency: z.string().min(1),
        period: z.string().min(1),
      })
      .nullable()
      .default(null),
    modules: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          name: z.string().min(1),
          price: z.strictObject({ amount: z.number(), currency: z.string().min(1) }).optional(),
        }),
      )
      .default([]),
    /** Tried before the defaults (`DEFAULT_DUPLICATE_RULES` and the others above). */
    duplicateRules: z.array(fieldRule).default([]),
    invalidFieldRules: z.array(fieldRule).default([]),
    confirmationRules: z.array(confirmationRule).default([]),
  })
  .refine((s) => s.mode !== 'create-organisation' || s.credentials, {
    message:
      'mode create-organisation logs in: set credentials { "username": …, "password": { "env": … } }',
    path: ['credentials'],
  });

/** Hectare's error answers: `{ message, status }` (seed). */
const problemSchema = z.looseObject({
  message: z.union([z.string(), z.array(z.string())]).optional(),
  status: z.union([z.string(), z.number()]).optional(),
});

const loginAnswer = z.looseObject({
  tokens: z
    .looseObject({
      access: z.string().nullish(),
      id: z.string().nullish(),
      expiresIn: z.number().nullish(),
    })
    .nullish(),
  challenge: z.looseObject({ challengeName: z.string().nullish() }).nullish(),
});

const organisationAnswer = z.looseObject({
  id: z.union([z.string().min(1), z.number()]),
  name: z.string().nullish(),
  ownerContact: z.looseObject({ authPlatformId: z.string().nullish() }).nullish(),
});

interface Problem {
  message: string;
  status: string;
}

/** The `{ message, status }` of an error answer; empty strings where it has none or is not JSON. */
function problemOf(res: ProviderResponse): Problem {
  const parsed = problemSchema.safeParse(safeJson(res));
  if (!parsed.success) return { message: '', status: '' };
  const { message, status } = parsed.data;
  return {
    message: Array.isArray(message) ? message.join('; ') : (message ?? ''),
    status: status === undefined ? '' : String(status),
  };
}

/** For the operator's log: the status and a bounded message. */
const describe = (res: ProviderResponse, p: Problem) =>
  `${res.status}${p.status ? ` ${p.status}` : ''}${p.message ? ` "${p.message.slice(0, 200)}"` : ''}`;

const fieldFor = (rules: FieldMessageRule[], message: string) =>
  rules.find((r) => new RegExp(r.match, 'i').test(message))?.field;

export const hectare = defineProvider({
  id: 'hectare',
  fields: FIELDS,
  hostValues: [],
  settings,
  create(config, { baseUrl, http }) {
    const duplicateRules = [...config.duplicateRules, ...DEFAULT_DUPLICATE_RULES];
    const invalidFieldRules = [...config.invalidFieldRules, ...DEFAULT_INVALID_FIELD_RULES];
    const confirmationRules = [...config.confirmationRules, ...DEFAULT_CONFIRMATION_RULES];
    const url = (name: RouteName) => new URL(config.routes[name], baseUrl);

    /** An answer no rule explains: a wrong route is the operator's to fix, the rest unreadable. */
    function unexpected(res: ProviderResponse, operation: string, name: RouteName) {
      const what = `Hectare ${operation} answered ${describe(res, problemOf(res))}`;
      if (res.status === 404 || res.status === 405) {
        return new ProviderError(
          'misconfigured',
          `${what}: check the flow's baseUrl (ending in /customers/) and routes.${name} ("${config.routes[name]}")`,
        );
      }
      return new ProviderError('bad_response', `${what}, which the adapter cannot read`);
    }

    /** A 2xx must carry JSON (or nothing): an HTML page with 200 is not Hectare. */
    function expectJson(res: ProviderResponse): unknown {
      return res.text.trim() === '' ? {} : res.json();
    }

    /** 400 / 403 / 409 of Create organisation and Request Full Account, as the user sees them. */
    function refusal(res: ProviderResponse, operation: string, name: RouteName): ProviderError {
      const problem = problemOf(res);
      const what = `Hectare ${operation} answered ${describe(res, problem)}`;
      switch (res.status) {
        case 409: {
          const field = fieldFor(duplicateRules, problem.message);
          return new ProviderError(
            'already_registered',
            field ? what : `${what}; no duplicateRules entry names the field, so e-mail is assumed`,
            { field: field ?? 'email' },
          );
        }
        case 400: {
          const field = fieldFor(invalidFieldRules, problem.message);
          if (field) return new ProviderError('rejected', what, { field });
          // Refused, so nothing was created; but which field is not said: never a guess.
          return new ProviderError(
            'bad_response',
            `${what}; no invalidFieldRules entry names a field of the form: add one to the flow's settings.invalidFieldRules, or check routes.${name} ("${config.routes[name]}")`,
            { outcomeUnknown: false },
          );
        }
        case 401:
        case 403:
          return new ProviderError(
            'misconfigured',
            name === 'requestFullAccount'
              ? `${what}: Request Full Account is public in the seed; check baseUrl and routes.${name}`
              : `${what}: the platform account (credentials.username) is not allowed to call routes.${name}; ask Hectare to grant it`,
          );
        default:
          return unexpected(res, operation, name);
      }
    }

    // ---- Login and the access token --------------------------------------------------------

    async function login(): Promise<FetchedCredential<string>> {
      const credentials = config.credentials!;
      const res = await http.request({
        method: 'POST',
        url: url('login'),
        json: { username: credentials.username, password: credentials.password.reveal() },
      });
      if (res.status === 200 || res.status === 201) {
        const answer = loginAnswer.safeParse(res.json());
        const tokens = answer.success ? answer.data.tokens : undefined;
        const token = tokens?.[config.tokenKind];
        if (tokens && token) {
          // No (or no positive) lifetime: kept until Hectare answers 401.
          return { value: token, expiresInSeconds: tokens.expiresIn ?? undefined };
        }
        if (tokens) {
          throw new ProviderError(
            'misconfigured',
            `Hectare's login answered tokens without tokens.${config.tokenKind}: check the flow's tokenKind ("access" or "id")`,
          );
        }
        if (answer.success && answer.data.challenge) {
          const name = answer.data.challenge.challengeName ?? 'an unnamed';
          throw new ProviderError(
            'misconfigured',
            name === 'NEW_PASSWORD_REQUIRED'
              ? 'Hectare answered the platform login with the NEW_PASSWORD_REQUIRED challenge: the platform account must set a new password (log in once with newPassword), then put the new one in credentials.password'
              : `Hectare answered the platform login with the ${name} challenge instead of tokens: complete it for the platform account (credentials.username), then try again`,
          );
        }
        throw new ProviderError(
          'bad_response',
          `Hectare login answered ${res.status} without tokens.access or a challenge`,
        );
      }
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        throw new ProviderError(
          'misconfigured',
          `Hectare refused the platform login (${describe(res, { ...problemOf(res), message: '' })}): check the flow's credentials.username and credentials.password`,
        );
      }
      throw unexpected(res, 'login', 'login');
    }

    const accessToken = credentialCache(login, { marginSeconds: config.tokenRefreshMarginSeconds });

    // ---- The two registration modes ----------------------------------------------------------

    function address(f: RegistrationInput['fields']) {
      if (!f.street && !f.houseNumber && !f.zip && !f.city) return null;
      const line1 = config.addressLine1
        .replace(/\{(street|houseNumber)\}/g, (_, name: 'street' | 'houseNumber') => f[name] ?? '')
        .replace(/\s+/g, ' ')
        .trim();
      return {
        address: {
          ...(line1 ? { line1 } : {}),
          ...(f.city ? { city: f.city } : {}),
          ...(f.zip ? { postcode: f.zip } : {}),
          countryISO: f.country,
        },
      };
    }

    async function createOrganisation(input: RegistrationInput): Promise<RegistrationResult> {
      const f = input.fields;
      const body = {
        location: address(f),
        ...(f.companyNumber ? { company: { number: f.companyNumber } } : {}),
        name: f.organisationName,
        countryISO: f.country,
        ownerContact: {
          givenName: f.firstName,
          familyName: f.lastName,
          email: f.email,
          phone: f.phone,
        },
        billing: config.billing,
        modules: config.modules,
      };
      // Expired early or revoked (401): one new login, one more try.
      const res = await accessToken.use(
        (token) =>
          http.request({
            method: 'POST',
            url: url('createOrganisation'),
            headers: { authorization: `Bearer ${token}` },
            json: body,
          }),
        (r) => r.status === 401,
      );
      if (res.status === 401) {
        throw new ProviderError(
          'misconfigured',
          `Hectare refused a fresh ${config.tokenKind} token on Create organisation (${describe(res, problemOf(res))}): check the flow's tokenKind ("access" or "id": which of Login's tokens the API takes) and that the platform account (credentials.username) may use the Customer API`,
        );
      }
      if (res.status < 200 || res.status >= 300) {
        throw refusal(res, 'Create organisation', 'createOrganisation');
      }
      const created = organisationAnswer.safeParse(expectJson(res));
      if (!created.success) {
        throw new ProviderError(
          'bad_response',
          `Hectare Create organisation answered ${res.status} without the organisation's id`,
        );
      }
      const id = String(created.data.id);
      const username = created.data.ownerContact?.authPlatformId;
      if (config.ownerConfirmation === 'code' && !username) {
        throw new ProviderError(
          'bad_response',
          `Hectare created organisation ${id} but its answer has no ownerContact.authPlatformId, which Confirm Signup needs; if the pool confirms users itself, set ownerConfirmation "auto"`,
        );
      }
      return {
        next: config.ownerConfirmation === 'code' ? { type: 'verify-code' } : null,
        providerRef: id,
        organisation: { id, name: created.data.name || f.organisationName },
        ...(username ? { state: { username } } : {}),
      };
    }

    async function requestAccount(input: RegistrationInput): Promise<RegistrationResult> {
      const f = input.fields;
      const res = await http.request({
        method: 'POST',
        url: url('requestFullAccount'),
        json: {
          requestType: config.requestType,
          firstName: f.firstName,
          lastName: f.lastName,
          businessName: f.organisationName,
          companyNumber: f.companyNumber ?? null,
          emailAddress: f.email,
          phone: f.phone ?? null,
        },
      });
      if (res.status < 200 || res.status >= 300) {
        throw refusal(res, 'Request Full Account', 'requestFullAccount');
      }
      expectJson(res);
      return { next: null, notice: 'account-requested' };
    }

    // ---- Follow-up: the owner's confirmation code --------------------------------------------

    function usernameOf(input: FollowUpInput, operation: string): string {
      const username = input.state['username'];
      if (!username) {
        throw new ProviderError(
          'not_found',
          `Hectare ${operation}: registration ${input.registrationId} has no owner username (authPlatformId) to confirm`,
        );
      }
      return username;
    }

    /** Confirm Signup and resend: returns when done (or confirmed already), throws otherwise. */
    async function codeCall(
      name: 'confirmSignup' | 'resendConfirmationCode',
      operation: string,
      json: Record<string, string>,
    ): Promise<void> {
      const res = await http.request({ method: 'POST', url: url(name), json });
      if (res.status >= 200 && res.status < 300) {
        expectJson(res);
        return;
      }
      const problem = problemOf(res);
      const what = `Hectare ${operation} answered ${describe(res, problem)}`;
      // A 404 without Hectare's `{ message, status }` is a route that is not there.
      const hectares = problem.message !== '' || problem.status !== '';
      if (res.status === 400 || res.status === 409 || (res.status === 404 && hectares)) {
        const rule = confirmationRules.find(
          (r) =>
            (r.status === undefined || r.status === problem.status) &&
            (r.match === undefined || new RegExp(r.match, 'i').test(problem.message)),
        );
        switch (rule?.outcome) {
          case 'already_confirmed':
            return;
          case 'invalid_code':
            throw new ProviderError('invalid_code', what);
          case 'not_found':
            throw new ProviderError('not_found', what);
          case 'try_later':
            throw new ProviderError('unavailable', what);
          default:
            // The seed documents Confirm Signup's 400 without saying more: a code that is not
            // right is what it is there for. A resend we cannot read is for the operator.
            if (name === 'confirmSignup' && res.status === 400) {
              throw new ProviderError('invalid_code', what);
            }
            if (res.status !== 404) {
              throw new ProviderError(
                'misconfigured',
                `${what}; no confirmationRules entry explains it: add one to the flow's settings.confirmationRules`,
              );
            }
        }
      }
      if (res.status === 401 || res.status === 403) {
        throw new ProviderError(
          'misconfigured',
          `${what}: ${operation} is public in the seed; check baseUrl and routes.${name}`,
        );
      }
      throw unexpected(res, operation, name);
    }

    // ---- Reconciliation: the owner created by an attempt whose answer was lost ---------------

    const userSchema = z.looseObject({
      email: z.string().nullish(),
      authPlatformId: z.string().nullish(),
      organisationId: z.string().nullish(),
    });

    /** Get Users searched by e-mail (the seed's free-text `query`): the owner, if Hectare has it. */
    async function findUser(email: string) {
      const target = url('users');
      target.searchParams.set('query', email);
      const res = await accessToken.use(
        (token) =>
          http.request({
            method: 'GET',
            url: target,
            headers: { authorization: `Bearer ${token}` },
          }),
        (r) => r.status === 401,
      );
      if (res.status !== 200) throw refusal(res, 'Get Users', 'users');
      const users = z.array(z.unknown()).safeParse(expectJson(res));
      if (!users.success) {
        throw new ProviderError(
          'bad_response',
          `Hectare Get Users answered 200 without a list: check the flow's routes.users ("${config.routes.users}")`,
        );
      }
      const wanted = email.toLowerCase();
      return users.data
        .map((u) => userSchema.safeParse(u).data)
        .find((u) => u?.email?.toLowerCase() === wanted);
    }

    async function reconcile(input: RegistrationInput): Promise<RegistrationResult> {
      if (config.mode === 'request-account') return { next: null, notice: 'account-requested' };
      const user = await findUser(input.fields.email ?? '');
      if (!user?.authPlatformId) {
        // Its "exists" was not about this e-mail, or the search cannot see it: not ours to guess.
        throw new ProviderError(
          'bad_response',
          `Hectare answered Create organisation with 409 after an attempt whose answer was lost, but Get Users finds no owner with the submitted e-mail: check the flow's routes.users ("${config.routes.users}"), or whether another organisation holds this name or company number`,
        );
      }
      return {
        next: config.ownerConfirmation === 'code' ? { type: 'verify-code' } : null,
        ...(user.organisationId ? { providerRef: user.organisationId } : {}),
        state: { username: user.authPlatformId },
      };
    }

    return {
      register: (input) =>
        config.mode === 'request-account' ? requestAccount(input) : createOrganisation(input),

      reconcile,

      async doctor() {
        if (config.mode === 'request-account') {
          return [
            skipped(
              `Request Full Account (${config.routes.requestFullAccount})`,
              "a public call that sends a request to Hectare's team: it cannot be tried without sending one",
            ),
          ];
        }
        return [
          await probe(`platform login (${config.routes.login})`, async () => {
            await accessToken.get();
            return `Hectare accepted the platform login of ${config.credentials!.username} and answered tokens.${config.tokenKind}`;
          }),
          await probe(`owner search (${config.routes.users})`, async () => {
            await findUser('org-signup-doctor@example.invalid');
            return `Get Users answers at routes.users with the ${config.tokenKind} token (needed to reconcile an organisation whose answer was lost)`;
          }),
          skipped(
            `Create organisation (${config.routes.createOrganisation})`,
            'it cannot be tried without creating an organisation',
          ),
        ];
      },

      async verify(input, code) {
        const username = usernameOf(input, 'Confirm Signup');
        await codeCall('confirmSignup', 'Confirm Signup', { username, confirmationCode: code });
      },

      async resend(input) {
        const username = usernameOf(input, 'resend confirmation code');
        await codeCall('resendConfirmationCode', 'resend confirmation code', { username });
      },
    };
  },
});
