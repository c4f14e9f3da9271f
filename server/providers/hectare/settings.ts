/**
 * Hectare's fields and flow settings: every assumed protocol detail a setting with its default
 * (the adapter's header comment in index.ts says where each comes from).
 */
import { z } from 'zod';
import type { FieldName, FieldRule } from '../../../shared/fields.ts';
import { plainOrEnv, secret } from '../../config/secret.ts';
import { regExpSetting, relativePathSetting } from '../kit/settings.ts';

/** The seed's `countryISO` enum (Create organisation, Create user). */
const HECTARE_COUNTRIES = ['GB', 'US', 'ZA', 'FR'] as const;

/**
 * Both modes send email, firstName, lastName, phone and organisationName, so those are required;
 * the company number is "string or null" in the seed (sole traders and farms have none), so it
 * is optional; country is required by Create organisation (a request-account flow asks it too
 * and does not send it); the address is optional (a flow narrows it with `optionalFields`).
 */
export const FIELDS = [
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
const DEFAULT_ROUTES = {
  login: 'auth/login',
  confirmSignup: 'auth/confirm-signup',
  /** Not in the seed: Cognito's ResendConfirmationCode behind Hectare's API [assumed]. */
  resendConfirmationCode: 'auth/resend-confirmation-code',
  requestFullAccount: 'users/request-full-account',
  createOrganisation: 'organisations',
  /** Get Users, searched by e-mail to find an owner whose creation's answer was lost. */
  users: 'users',
} as const;
export type RouteName = keyof typeof DEFAULT_ROUTES;

const regex = () =>
  regExpSetting('a regular expression (JavaScript syntax, matched case-insensitively)');

const fieldRule = z.strictObject({
  /** Tested, case-insensitively, against the answer's `message`. */
  match: regex(),
  field: z.enum(FIELD_NAMES),
});
export type FieldMessageRule = z.infer<typeof fieldRule>;

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

export const settings = z
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
