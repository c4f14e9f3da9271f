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
 * From the public docs (docs/providers/hectare.md): users live in an AWS Cognito pool, so codes are six digits
 * valid 24 h, Cognito's exception names may show through, Login may answer NEW_PASSWORD_REQUIRED,
 * and Hectare currently auto-confirms users (setting `ownerConfirmation`).
 * Assumed, each a setting with a default in settings.ts, so it can be corrected without touching
 * code: the URL paths (`routes`, the seed lost them; base URL ending in `/customers/`);
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
import { ProviderError } from '../../errors.ts';
import { credentialCache, type FetchedCredential } from '../kit/credential-cache.ts';
import { safeJson, type ProviderResponse } from '../kit/provider-http.ts';
import { probe, skipped } from '../kit/doctor.ts';
import {
  defineProvider,
  type FollowUpInput,
  type RegistrationInput,
  type RegistrationResult,
} from '../types.ts';
import {
  DEFAULT_CONFIRMATION_RULES,
  DEFAULT_DUPLICATE_RULES,
  DEFAULT_INVALID_FIELD_RULES,
  FIELDS,
  settings,
  type FieldMessageRule,
  type RouteName,
} from './settings.ts';

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
