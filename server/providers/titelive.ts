/**
 * TiteLive e-commerce web services (seed 004): create a customer, and send the e-mail that
 * confirms its address again.
 *
 * From the seed: `POST {WS_URL}/api/{returnType}/{domainCode}/customer`, form-encoded, with login,
 * password, email (required) and title, firstname, lastname, prefix, birthdate (yyyy-MM-dd),
 * company, language (int, default 1), newsletter (int, default 0), extra1..3, favoriteShop (int),
 * confirmationRequired (boolean; false = no e-mail, the customer is logged in at once); the
 * `token` header, String(26), naming the client session; "a customer can't register a new account
 * if he's already connected via the login webservice"; the success answer
 * `{ response: { success, message, object: { customer: { id, role, email, login, b2b, newsletter,
 * waitingEmailValidation } } } }`; the codes 0 ok, 1 domaincode malformed, 2 connexion error,
 * 3 token is empty, 4 no token with that key, 5 invalid token, 10 user not connected, 99 uncaught
 * exception; `GET {WS_URL}/{returnType}/{domainCode}/customer/resend` with the token and the
 * e-mail in the query.
 * From the public docs (docs/providers/titelive.md): `returnType` json, `domainCode` five digits, codes
 * 9 "{param} is not {type}" and 11 wrong password; the password "has to be encrypted and salted",
 * the algorithm being given to TiteLive's customers only.
 * Assumed, each a setting of the schema below with its default, so it can be corrected without
 * touching code:
 * - `passwordHash`: SHA-1, lower-case hex, of salt + password (the 40-character password field and
 *   the 40-hex example suggest SHA-1); MD5 is the other choice that fits 40 characters.
 * - `token`: a fixed session token from the flow's settings (how TiteLive hands out the first
 *   token is not published), sent on every call, create and resend alike.
 * - `codeRules`: duplicate login and e-mail are not among the published codes: recognised by their
 *   message (the sandbox answers 12 "login already exists", 13 "email already exists" and, on
 *   resend, 14 "no customer waiting for email validation with that email").
 * - `resendPath` and `resendEmailParam`: the seed's resend URL has no `/api/` segment where
 *   every other call has one, and lost the query parameter's name: the literal URL is the
 *   default (after a route miss the `api/` form is tried once, and the one that answers kept and
 *   logged), `email` the parameter. A route miss on both is the operator's to fix, never shown to
 *   the user as "nothing to resend".
 * - An answer no rule knows is an error for the operator (502), never a success or a guess.
 * - Refusals may come with any HTTP status below 500: the answer's `response.code` decides.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldName } from '../../shared/fields.ts';
import { ProviderError, type ProviderErrorKind } from '../errors.ts';
import { safeJson, type ProviderRequest } from './kit/provider-http.ts';
import { regExpSetting, relativePathSetting } from './kit/settings.ts';
import { secret } from '../config/secret.ts';
import { probe, skipped } from './kit/doctor.ts';
import { defineProvider, type FollowUpInput, type RegistrationResult } from './types.ts';

/** The seed's literal resend URL, below `{WS_URL}/`. */
const DEFAULT_RESEND_PATH = '{returnType}/{domainCode}/customer/resend';

const PASSWORD_HASH_ALGORITHMS = ['sha1', 'md5'] as const;
const PASSWORD_HASH_ORDERS = ['salt+password', 'password+salt'] as const;

export interface PasswordHashOptions {
  algorithm: (typeof PASSWORD_HASH_ALGORITHMS)[number];
  salt: string;
  order: (typeof PASSWORD_HASH_ORDERS)[number];
}

/**
 * The password as it leaves the BFF ("encrypted and salted"): lower-case hex of
 * `algorithm(salt + password)` or `algorithm(password + salt)`, UTF-8.
 */
export function titelivePasswordHash(password: string, options: PasswordHashOptions): string {
  const text =
    options.order === 'salt+password' ? options.salt + password : password + options.salt;
  return createHash(options.algorithm).update(text, 'utf8').digest('hex');
}

/** TiteLive's form parameters that come from the user's canonical fields. */
const PARAM_FIELDS: Readonly<Record<string, FieldName>> = {
  login: 'login',
  email: 'email',
  password: 'password',
  firstname: 'firstName',
  lastname: 'lastName',
  company: 'organisationName',
};

/** TiteLive's form parameters that come from the flow's settings: refusing one is ours to fix. */
const SETTING_PARAMS = [
  'title',
  'language',
  'newsletter',
  'favoriteShop',
  'extra1',
  'extra2',
  'extra3',
  'confirmationRequired',
] as const;

const OUTCOMES = [
  'already_registered',
  'rejected',
  'misconfigured',
  'unavailable',
  'not_found',
] as const satisfies readonly ProviderErrorKind[];

const codeRule = z
  .strictObject({
    /** TiteLive's `response.code`. */
    code: z.int().optional(),
    /** A case-insensitive regular expression tested against `response.message`. */
    message: regExpSetting('a valid regular expression').min(1).optional(),
    outcome: z.enum(OUTCOMES),
    /** The canonical field a 409 / 400 names (for `rejected` on code 9: read from the message). */
    field: z.enum(Object.values(PARAM_FIELDS) as [FieldName, ...FieldName[]]).optional(),
  })
  .refine((r) => r.code !== undefined || r.message !== undefined, {
    message: 'a rule needs a code, a message pattern, or both',
  });
export type CodeRule = z.infer<typeof codeRule>;

/**
 * What the codes mean. The published ones first, so that their messages are never read as a
 * duplicate; then the unpublished duplicates, recognised by their message [assumed]. A flow's
 * own `codeRules` are tried before these.
 */
export const DEFAULT_CODE_RULES: CodeRule[] = [
  { code: 1, outcome: 'misconfigured' },
  { code: 2, outcome: 'unavailable' },
  { code: 3, outcome: 'misconfigured' },
  { code: 4, outcome: 'misconfigured' },
  { code: 5, outcome: 'misconfigured' },
  // We only ever send a salted hash: a refused password is our hashing, not what the user typed.
  { code: 9, message: '^\\s*password\\b', outcome: 'misconfigured' },
  { code: 9, outcome: 'rejected' },
  { code: 10, outcome: 'misconfigured' },
  { code: 11, outcome: 'misconfigured' },
  { code: 99, outcome: 'unavailable' },
  {
    message: '\\blogin\\b.*\\b(already|exists?|taken|used|déjà)',
    outcome: 'already_registered',
    field: 'login',
  },
  {
    message: '\\be-?mail\\b.*\\b(already|exists?|taken|used|déjà)',
    outcome: 'already_registered',
    field: 'email',
  },
  // Only inside TiteLive's envelope: a bare "Not Found" page is a wrong route, not a customer.
  {
    message: '\\b(no|unknown) (customer|user)\\b|\\b(customer|user) not found',
    outcome: 'not_found',
  },
];

/** The first rule for a code and message; undefined when none knows them. */
export function classifyCode(
  rules: readonly CodeRule[],
  code: number | undefined,
  message: string,
): CodeRule | undefined {
  return rules.find(
    (r) =>
      (r.code === undefined || r.code === code) &&
      (r.message === undefined || new RegExp(r.message, 'i').test(message)),
  );
}

/** What the operator should do about each published code. */
const CODE_HINTS: Record<number, string> = {
  1: 'check settings.domainCode (the five digits TiteLive gave the shop)',
  2: "TiteLive could not reach its own back end; it's worth retrying later",
  3: 'set settings.token (the 26-character session token)',
  4: 'TiteLive knows no session with settings.token for settings.domainCode: check both',
  5: 'check settings.token (TiteLive expects 26 characters)',
  10:
    'the session of settings.token is logged in as a customer (login webservice), and a ' +
    'logged-in session cannot register new accounts: configure a session token that is not ' +
    'logged in (with confirmationRequired false, TiteLive logs the session in as each new customer)',
  11: 'check settings.passwordHash (algorithm, salt, order)',
  99: 'an uncaught exception at TiteLive: the customer may or may not have been created',
};

const settings = z.strictObject({
  /** The shop's five-digit domain code [public]. */
  domainCode: z.string().regex(/^\d{5}$/, 'the five-digit domain code TiteLive gave the shop'),
  /** The 26-character session token sent as the `token` header on every call [seed, assumed]. */
  token: secret(),
  /** `{returnType}` of the paths; the adapter reads JSON answers only [public]. */
  returnType: z
    .enum(['json'], { error: 'only "json": the adapter reads JSON answers' })
    .default('json'),
  /** How the password is "encrypted and salted" [assumed]. */
  passwordHash: z.strictObject({
    /** sha1 (default; 40 hex, the field's length) or md5 (32 hex); sha256's 64 would not fit. */
    algorithm: z.enum(PASSWORD_HASH_ALGORITHMS).default('sha1'),
    salt: secret(),
    order: z.enum(PASSWORD_HASH_ORDERS).default('salt+password'),
  }),
  /** Sent as `confirmationRequired`: true = TiteLive mails a confirmation link (default). */
  confirmationRequired: z.boolean().default(true),
  /** Fixed values sent with every customer where set (not sent otherwise: TiteLive's defaults). */
  title: z.string().min(1).optional(),
  /** TiteLive's language id (its own default: 1). */
  language: z.int().min(0).optional(),
  /** 1 = subscribe to the newsletter (TiteLive's own default: 0). */
  newsletter: z.int().min(0).max(1).optional(),
  favoriteShop: z.int().optional(),
  extra1: z.string().min(1).optional(),
  extra2: z.string().min(1).optional(),
  extra3: z.string().min(1).optional(),
  /**
   * The resend call's path relative to `baseUrl`; `{returnType}`, `{domainCode}`. The seed's URL
   * has no `/api/` segment where every other call has one: its literal form is the default, and
   * a route miss there is tried once with `api/` in front (the one that answers is kept, logged).
   */
  resendPath: relativePathSetting('a path relative to baseUrl, without a leading "/"').default(
    DEFAULT_RESEND_PATH,
  ),
  /** The resend call's query parameter carrying the e-mail [assumed]. */
  resendEmailParam: z.string().min(1).default('email'),
  /** Tried before DEFAULT_CODE_RULES: `{ code?, message?, outcome, field? }`. */
  codeRules: z.array(codeRule).default([]),
});
type Settings = z.infer<typeof settings>;

const numeric = z.union([
  z.int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const envelopeSchema = z.looseObject({
  response: z.looseObject({
    success: z.boolean(),
    code: numeric.nullish(),
    message: z.string().nullish(),
    object: z.unknown().optional(),
  }),
});
type Envelope = z.infer<typeof envelopeSchema>['response'];

const customerSchema = z.looseObject({
  customer: z.looseObject({
    id: z.union([z.int(), z.string().min(1)]),
    email: z.string().nullish(),
    waitingEmailValidation: z.boolean().nullish(),
  }),
});

const fill = (template: string, config: Settings) =>
  template
    .replaceAll('{returnType}', config.returnType)
    .replaceAll('{domainCode}', config.domainCode);

export const titelive = defineProvider({
  id: 'titelive',
  fields: [
    { name: 'email', required: true },
    { name: 'login', required: true },
    { name: 'password', required: true },
    { name: 'firstName', required: false },
    { name: 'lastName', required: false },
    { name: 'organisationName', required: false },
  ],
  hostValues: [],
  settings,
  create(config, { baseUrl, http, log }) {
    const rules = [...config.codeRules, ...DEFAULT_CODE_RULES];
    const customerUrl = new URL(fill('api/{returnType}/{domainCode}/customer', config), baseUrl);

    /** The answer's HTTP status and envelope; undefined when the body is not TiteLive's. */
    async function send(request: ProviderRequest) {
      const res = await http.request(request);
      const parsed = envelopeSchema.safeParse(safeJson(res));
      return { status: res.status, answer: parsed.success ? parsed.data.response : undefined };
    }

    /** The envelope; what an operator must know when there is none. */
    async function call(what: string, request: ProviderRequest): Promise<Envelope> {
      const { status, answer } = await send(request);
      if (answer) return answer;
      if (status === 401 || status === 403) {
        throw new ProviderError(
          'misconfigured',
          `TiteLive refused ${what} with HTTP ${status}: check settings.token and settings.domainCode`,
        );
      }
      throw new ProviderError(
        'bad_response',
        `TiteLive answered ${what} with HTTP ${status} and no { response: { success } } envelope: check the flow's baseUrl ({WS_URL}/)`,
      );
    }

    /** The ProviderError for a refusal; `scrub` = values never to repeat in a log line. */
    function refusal(
      what: 'create customer' | 'resend',
      answer: Envelope,
      scrub: readonly string[],
    ): ProviderError {
      const code = answer.code ?? undefined;
      let message = answer.message ?? '';
      for (const value of scrub) if (value) message = message.replaceAll(value, '[redacted]');
      const said = `TiteLive answered ${what} with code ${code ?? 'none'}${message ? ` "${message.slice(0, 200)}"` : ''}`;
      const hint = code === undefined ? undefined : CODE_HINTS[code];
      const rule = classifyCode(rules, code, message);
      const param = /^\s*([A-Za-z][A-Za-z0-9_]*) is not\b/.exec(message)?.[1];

      if (what === 'resend') {
        switch (rule?.outcome) {
          case 'unavailable':
            return new ProviderError('unavailable', `${said}${hint ? `: ${hint}` : ''}`);
          case 'not_found':
            return new ProviderError(
              'not_found',
              `${said}: TiteLive has no customer waiting to confirm this e-mail (already confirmed, or unknown)`,
            );
          case 'misconfigured':
            return new ProviderError('misconfigured', `${said}: ${hint ?? 'check the settings'}`);
          default:
            // The call carries only our settings and the journaled e-mail: ours to fix.
            return new ProviderError(
              'misconfigured',
              `${said}: check settings.resendPath, settings.resendEmailParam and settings.codeRules`,
            );
        }
      }

      switch (rule?.outcome) {
        case 'already_registered':
          return new ProviderError('already_registered', said, { field: rule.field ?? 'email' });
        case 'rejected': {
          const field = rule.field ?? (param ? PARAM_FIELDS[param] : undefined);
          if (field) return new ProviderError('rejected', said, { field });
          return new ProviderError(
            'misconfigured',
            (SETTING_PARAMS as readonly string[]).includes(param ?? '')
              ? `${said}: check settings.${param} of this flow`
              : `${said}: a parameter the adapter sends was refused; check the flow's settings and settings.codeRules`,
          );
        }
        case 'misconfigured':
          return new ProviderError(
            'misconfigured',
            `${said}: ${hint ?? (param === 'password' ? CODE_HINTS[11] : 'check the flow settings')}`,
          );
        case 'unavailable':
          return new ProviderError('unavailable', `${said}${hint ? `: ${hint}` : ''}`, {
            // A connexion error happened before anything was done; anything else may have acted.
            outcomeUnknown: code !== 2,
          });
        default:
          // Never a success, never a guess: the customer may or may not exist there.
          return new ProviderError(
            'bad_response',
            `${said}: no codeRules entry knows this answer; if it means "login / e-mail already exists" or names a field, add it to the flow's settings.codeRules`,
          );
      }
    }

    // ---- Resend: the seed's literal URL, or the `api/` form where only that one answers.

    const alternatePath = (path: string) =>
      path.startsWith('api/') ? path.slice('api/'.length) : `api/${path}`;
    /** The path that answered last; starts as configured. */
    let resendPath = config.resendPath;

    function resendRequest(path: string, email: string): ProviderRequest {
      const url = new URL(fill(path, config), baseUrl);
      url.searchParams.set(config.resendEmailParam, email);
      return { method: 'GET', url, headers: { token: config.token.reveal() } };
    }

    /** The resend answer's envelope, trying the other URL form once after a route miss. */
    async function resendCall(email: string): Promise<Envelope> {
      const first = await send(resendRequest(resendPath, email));
      if (first.answer) return first.answer;
      if (first.status === 404) {
        const other = alternatePath(resendPath);
        const second = await send(resendRequest(other, email));
        if (second.answer) {
          log.warn(
            { provider: 'titelive', configured: config.resendPath, answering: other },
            `TiteLive's resend answered at "${other}", not at "${resendPath}": using it from now on; set the flow's settings.resendPath to "${other}"`,
          );
          resendPath = other;
          return second.answer;
        }
        throw new ProviderError(
          'misconfigured',
          `TiteLive answered the resend with HTTP 404 and no envelope at both "${resendPath}" and "${other}": check the flow's settings.resendPath and baseUrl`,
        );
      }
      if (first.status === 401 || first.status === 403) {
        throw new ProviderError(
          'misconfigured',
          `TiteLive refused the resend with HTTP ${first.status}: check settings.token and settings.domainCode`,
        );
      }
      throw new ProviderError(
        'bad_response',
        `TiteLive answered the resend with HTTP ${first.status} and no { response: { success } } envelope: check the flow's settings.resendPath`,
      );
    }

    /** What the registration step leads to (also for one reconciled after a lost answer). */
    const nextFor = (waiting: boolean): RegistrationResult['next'] =>
      waiting ? { type: 'confirm-email', canResend: true } : null;

    return {
      async register(input): Promise<RegistrationResult> {
        const f = input.fields;
        const email = f.email ?? '';
        const password = titelivePasswordHash(f.password ?? '', {
          algorithm: config.passwordHash.algorithm,
          salt: config.passwordHash.salt.reveal(),
          order: config.passwordHash.order,
        });
        const token = config.token.reveal();
        const optional: Record<string, string | number | undefined> = {
          title: config.title,
          firstname: f.firstName,
          lastname: f.lastName,
          company: f.organisationName,
          language: config.language,
          newsletter: config.newsletter,
          extra1: config.extra1,
          extra2: config.extra2,
          extra3: config.extra3,
          favoriteShop: config.favoriteShop,
        };
        const form: Record<string, string> = { login: f.login ?? '', password, email };
        for (const [key, value] of Object.entries(optional)) {
          if (value !== undefined) form[key] = String(value);
        }
        form['confirmationRequired'] = String(config.confirmationRequired);

        const answer = await call('create customer', {
          method: 'POST',
          url: customerUrl,
          headers: { token },
          form,
        });
        if (!answer.success) {
          throw refusal('create customer', answer, [token, password, f.password ?? '']);
        }
        const created = customerSchema.safeParse(answer.object);
        if (!created.success) {
          throw new ProviderError(
            'bad_response',
            'TiteLive answered create customer with success but no object.customer.id',
          );
        }
        const customer = created.data.customer;
        return {
          next: nextFor(customer.waitingEmailValidation ?? config.confirmationRequired),
          providerRef: String(customer.id),
          state: { email: customer.email || email },
        };
      },

      // The customer exists; TiteLive has no documented way to read it without its session.
      reconcile: (input) =>
        Promise.resolve({
          next: nextFor(config.confirmationRequired),
          state: { email: input.fields.email ?? '' },
        }),

      async resend(input: FollowUpInput): Promise<void> {
        const email = input.state['email'];
        if (!email) {
          throw new ProviderError(
            'not_found',
            `titelive registration ${input.registrationId} has no e-mail in its state to resend to`,
          );
        }
        const answer = await resendCall(email);
        if (!answer.success) throw refusal('resend', answer, [config.token.reveal()]);
      },

      async doctor() {
        return [
          await probe('session token (GET customer)', async () => {
            const answer = await call('get customer', {
              method: 'GET',
              url: customerUrl,
              headers: { token: config.token.reveal() },
            });
            if (answer.success) {
              return {
                verdict: 'fail',
                detail: `the session of settings.token is logged in as a customer, so it cannot register new accounts (code 10): ${CODE_HINTS[10]}`,
              };
            }
            const code = answer.code ?? undefined;
            if (code === 10) {
              return `TiteLive knows the session of settings.token for domain ${config.domainCode}, and it is not logged in as a customer`;
            }
            return {
              verdict: 'fail',
              detail: `TiteLive answered code ${code ?? 'none'}${answer.message ? ` "${answer.message.slice(0, 200)}"` : ''}: ${(code !== undefined && CODE_HINTS[code]) || 'check settings.token and settings.domainCode'}`,
            };
          }),
          // Nobody waits to confirm this address, so nothing is sent.
          await probe(`resend route (${config.resendPath})`, async () => {
            await resendCall('org-signup-doctor@example.invalid');
            return resendPath === config.resendPath
              ? `TiteLive answers at settings.resendPath ("${resendPath}")`
              : {
                  verdict: 'warn',
                  detail: `TiteLive answers the resend at "${resendPath}", not at settings.resendPath: set it to that`,
                };
          }),
          skipped(
            'password hashing (settings.passwordHash)',
            'TiteLive only tells a wrong hash when a customer is created or logs in',
          ),
        ];
      },
    };
  },
});
