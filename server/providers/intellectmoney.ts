/**
 * IntellectMoney Personal API (seed 003): `user/registerOrganization`.
 *
 * From the seed: POST form fields UserToken, RequestId, FirstName, ContactPhone, Email, LeadSource,
 * Inn (required) and InviteCode, UTMParams, LeadComment, LeadAttractor (optional); headers
 * `Authorization: Bearer` and `Sign`; the answer's `OperationState.Code` 0 = processed and its
 * `Result` with the generated `Password` and `UserToken`.
 * From the public docs (docs/providers/intellectmoney.md): form bodies in UTF-8; JSON answers when `Accept` asks;
 * `user/getUserToken` (Login, Password -> Result.UserToken); Sign = SHA-256 hex of the values in a
 * fixed order joined by `::`, secret last, empty values keeping their segment.
 * Assumed, and settings so they can be corrected without touching code: the Sign order of both
 * methods (`signOrder`, `userTokenSignOrder`); how refusals read (`stateRules`, matched on
 * `OperationState.Code` and `Desc`: only state 0 is documented, so any other state is a refusal,
 * mapped to a field where its `Desc` names one and otherwise an error for the operator, never a
 * success unless a flow's own rule says `completed`); UTMParams as a JSON object string;
 * RequestId = our registration id, so "RequestId already exists" after a lost answer is our own
 * earlier attempt (reconciled as success by the delivery step, as any "already exists" is then).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderError } from '../errors.ts';
import { credentialCache } from './kit/credential-cache.ts';
import { plainOrEnv, secret } from '../config/secret.ts';
import type { FieldRule } from '../../shared/fields.ts';
import { probe, skipped } from './kit/doctor.ts';
import { safeJson } from './kit/provider-http.ts';
import { defineProvider, type RegistrationInput, type RegistrationResult } from './types.ts';

export const REGISTER_PARAMS = [
  'UserToken',
  'RequestId',
  'FirstName',
  'ContactPhone',
  'Email',
  'LeadSource',
  'Inn',
  'InviteCode',
  'UTMParams',
  'LeadComment',
  'LeadAttractor',
] as const;
type RegisterParam = (typeof REGISTER_PARAMS)[number];

/** IntellectMoney's request signature: SHA-256 hex of `v1::v2::…::secret`. */
export function intellectMoneySign(values: readonly string[], signSecretKey: string): string {
  return createHash('sha256')
    .update([...values, signSecretKey].join('::'), 'utf8')
    .digest('hex');
}

/**
 * What a non-zero `OperationState` means. Only state 0 is documented (processed); every other
 * state is a refusal. `completed` (the provider took it) exists for a flow's own `stateRules`
 * only: no default rule ever reads a state as success.
 */
const OUTCOMES = [
  'already_registered',
  'rejected',
  'misconfigured',
  'user_token_expired',
  'completed',
] as const;

/** Fields a refusal can name; `owner` is the flow's owner-name field (`name` or `firstName`). */
const RULE_FIELDS = ['email', 'phone', 'inn', 'inviteCode', 'owner'] as const;

const stateRule = z.strictObject({
  code: z.int().optional(),
  /** A case-insensitive regular expression tested against `OperationState.Desc`. */
  desc: z.string().optional(),
  outcome: z.enum(OUTCOMES),
  field: z.enum(RULE_FIELDS).optional(),
});
type StateRule = z.infer<typeof stateRule>;

/**
 * How refusals read [assumed: no state but 0 is published], from the parameter names and words
 * a `Desc` uses; the flow's `stateRules` are tried first. A state no rule knows is an error the
 * operator sees (502), never a success.
 */
export const DEFAULT_STATE_RULES: StateRule[] = [
  // RequestId is our registration id: "it exists" follows an attempt whose answer was lost.
  { desc: 'RequestId.*(уже|already|exists|существ)', outcome: 'already_registered' },
  { desc: '(ИНН|INN).*(уже|already|exists|существ)', outcome: 'already_registered', field: 'inn' },
  {
    desc: '(e-?mail|почт).*(уже|already|exists|существ)',
    outcome: 'already_registered',
    field: 'email',
  },
  {
    desc: '(недействител|invalid|expired|ист[её]к).*UserToken|UserToken.*(недействител|invalid|expired|ист[её]к)',
    outcome: 'user_token_expired',
  },
  {
    desc: '(подпис|\\bsign\\b|bearer|authori[sz]|авториз|токен|token|доступ|access|LeadSource|источник|UTMParams)',
    outcome: 'misconfigured',
  },
  { desc: '(ИНН|\\bINN\\b)', outcome: 'rejected', field: 'inn' },
  { desc: '(телефон|phone)', outcome: 'rejected', field: 'phone' },
  { desc: '(e-?mail|почт)', outcome: 'rejected', field: 'email' },
  { desc: '(InviteCode|промо)', outcome: 'rejected', field: 'inviteCode' },
  { desc: '(FirstName|\\bимя\\b|имени)', outcome: 'rejected', field: 'owner' },
];

const settings = z
  .strictObject({
    /** The API's `Authorization: Bearer` token. */
    bearerToken: secret(),
    signSecretKey: secret(),
    /** A fixed UserToken; otherwise `account` is used with `user/getUserToken`. */
    userToken: secret().optional(),
    account: z.strictObject({ login: plainOrEnv(), password: secret() }).optional(),
    /** The `LeadSource` id IntellectMoney gave this partner. */
    leadSource: z.string().min(1),
    signOrder: z
      .array(z.enum(REGISTER_PARAMS))
      .min(1)
      .default([...REGISTER_PARAMS]),
    userTokenSignOrder: z
      .array(z.enum(['Login', 'Password']))
      .min(1)
      .default(['Login', 'Password']),
    stateRules: z.array(stateRule).default([]),
    /** Show the generated password to the user once, on the success screen. */
    revealGeneratedPassword: z.boolean().default(false),
    /**
     * What the form asks for `FirstName` ("the owner's first name"): `firstName`, or `name` (a
     * full name, as the documentation's own sample "Test Registration" reads).
     */
    ownerName: z.enum(['name', 'firstName']).default('name'),
  })
  .refine((s) => s.userToken || s.account, {
    message: 'set either userToken or account { login, password } for user/getUserToken',
  });

const operationState = z.looseObject({ Code: z.int(), Desc: z.string().nullish() });
type OperationState = z.infer<typeof operationState>;

const answerSchema = z.looseObject({
  OperationState: operationState,
  OperationId: z.string().nullish(),
  Result: z.looseObject({}).nullish(),
});

const fieldsWith = (owner: 'name' | 'firstName') =>
  [
    { name: 'email', required: true },
    { name: owner, required: true },
    { name: 'phone', required: true },
    { name: 'inn', required: true },
    { name: 'inviteCode', required: false },
  ] as const satisfies readonly FieldRule[];

const describeState = (state: OperationState) =>
  `OperationState ${state.Code}${state.Desc ? ` "${state.Desc.slice(0, 200)}"` : ''}`;

export const intellectmoney = defineProvider({
  id: 'intellectmoney',
  fields: fieldsWith('name'),
  fieldsFor: (settings) => fieldsWith(settings.ownerName),
  hostValues: ['leadComment', 'leadAttractor'],
  settings,
  defaultBaseUrl: 'https://api.intellectmoney.ru/personal/',
  create(config, { baseUrl, http }) {
    const rules = [...config.stateRules, ...DEFAULT_STATE_RULES];
    const ownerField = config.ownerName;

    /** The rule for a non-zero state; undefined for 0 (processed) or a state no rule knows. */
    function classify(state: OperationState): StateRule | undefined {
      if (state.Code === 0) return undefined;
      const desc = state.Desc ?? '';
      return rules.find(
        (r) =>
          (r.code === undefined || r.code === state.Code) &&
          (!r.desc || new RegExp(r.desc, 'i').test(desc)),
      );
    }

    async function call(method: string, form: Record<string, string>, signValues: string[]) {
      const res = await http.request({
        method: 'POST',
        url: new URL(`user/${method}`, baseUrl),
        headers: {
          authorization: `Bearer ${config.bearerToken.reveal()}`,
          sign: intellectMoneySign(signValues, config.signSecretKey.reveal()),
        },
        form,
      });
      if (res.status === 401 || res.status === 403) {
        throw new ProviderError(
          'misconfigured',
          `IntellectMoney refused ${method} with HTTP ${res.status}: check the flow's bearerToken, signSecretKey and ${method === 'getUserToken' ? 'userTokenSignOrder' : 'signOrder'}`,
        );
      }
      const body = safeJson(res);
      if (body === undefined) {
        throw new ProviderError(
          'bad_response',
          `IntellectMoney answered ${method} with HTTP ${res.status} and a body that is not JSON (${res.contentType || 'no content type'}): check the flow's baseUrl (it ends in /personal/)`,
        );
      }
      const answer = answerSchema.safeParse(body);
      if (!answer.success) {
        throw new ProviderError(
          'bad_response',
          `IntellectMoney answered ${method} with HTTP ${res.status} and no OperationState: check the flow's baseUrl (it ends in /personal/)`,
        );
      }
      return answer.data;
    }

    async function fetchUserToken(): Promise<string> {
      if (config.userToken) return config.userToken.reveal();
      const account = config.account!;
      const values = { Login: account.login, Password: account.password.reveal() };
      const answer = await call(
        'getUserToken',
        values,
        config.userTokenSignOrder.map((k) => values[k]),
      );
      const token = answer.Result?.['UserToken'];
      if (answer.OperationState.Code === 0 && typeof token === 'string' && token) return token;
      const signing = classify(answer.OperationState)?.outcome === 'misconfigured';
      throw new ProviderError(
        'misconfigured',
        `IntellectMoney getUserToken answered ${describeState(answer.OperationState)}${answer.OperationState.Code === 0 ? ' without a UserToken' : ''}: check the flow's ${signing ? 'bearerToken, signSecretKey and userTokenSignOrder' : 'account.login and account.password'}`,
      );
    }

    // getUserToken announces no lifetime: the token is kept until a call is refused [assumed].
    const userToken = credentialCache(async () => ({ value: await fetchUserToken() }));

    async function registerOnce(input: RegistrationInput, token: string) {
      const f = input.fields;
      const values: Record<RegisterParam, string> = {
        UserToken: token,
        RequestId: input.registrationId,
        FirstName: f[ownerField] ?? '',
        ContactPhone: f.phone ?? '',
        Email: f.email ?? '',
        LeadSource: config.leadSource,
        Inn: f.inn ?? '',
        InviteCode: f.inviteCode ?? '',
        UTMParams: Object.keys(input.utm).length ? JSON.stringify(input.utm) : '',
        LeadComment: input.hostValues.leadComment ?? '',
        LeadAttractor: input.hostValues.leadAttractor ?? '',
      };
      // Empty optional parameters are left out of the body, as in the seed's examples, but keep
      // their (empty) segment in the signature.
      const form = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      return call(
        'registerOrganization',
        form,
        config.signOrder.map((k) => values[k]),
      );
    }

    async function register(input: RegistrationInput): Promise<RegistrationResult> {
      // A fixed UserToken from the config cannot be renewed: its refusal is the operator's.
      const answer = await userToken.use(
        (token) => registerOnce(input, token),
        (a) => !config.userToken && classify(a.OperationState)?.outcome === 'user_token_expired',
      );
      const state = describeState(answer.OperationState);
      const rule = classify(answer.OperationState);
      if (answer.OperationState.Code === 0 || rule?.outcome === 'completed') {
        const password = answer.Result?.['Password'];
        return {
          next: null,
          providerRef: answer.OperationId ?? input.registrationId,
          ...(config.revealGeneratedPassword && typeof password === 'string' && password
            ? { reveal: { password } }
            : {}),
        };
      }
      const field = rule?.field === 'owner' ? ownerField : rule?.field;
      switch (rule?.outcome) {
        case 'already_registered':
          throw new ProviderError('already_registered', `IntellectMoney answered ${state}`, {
            field,
          });
        case 'rejected':
          throw new ProviderError('rejected', `IntellectMoney answered ${state}`, { field });
        case 'misconfigured':
        case 'user_token_expired':
          throw new ProviderError(
            'misconfigured',
            `IntellectMoney refused our settings: ${state}: check the flow's bearerToken, signSecretKey, signOrder, leadSource and ${config.userToken ? 'userToken' : 'account'}`,
          );
        default:
          // Never a success: the registration may or may not exist there, so it stays unknown.
          throw new ProviderError(
            'bad_response',
            `IntellectMoney answered registerOrganization with ${state}, which is not documented as success and no rule explains: if it means success or names a field, add it to the flow's settings.stateRules`,
          );
      }
    }

    return {
      register,
      async doctor() {
        return [
          config.userToken
            ? skipped(
                'UserToken (settings.userToken)',
                'a fixed UserToken is only tried by registerOrganization, which registers',
              )
            : await probe('getUserToken (Bearer, Sign, account)', async () => {
                await userToken.get();
                return `IntellectMoney accepted the Bearer token, the Sign of getUserToken and the account ${config.account!.login}`;
              }),
          skipped(
            'registerOrganization (signOrder, leadSource)',
            'its Sign order and LeadSource are only tried by registering',
          ),
        ];
      },
    };
  },
});
