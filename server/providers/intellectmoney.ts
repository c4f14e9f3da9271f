/**
 * IntellectMoney Personal API (seed 003): `user/registerOrganization`.
 *
 * From the seed: POST form fields UserToken, RequestId, FirstName, ContactPhone, Email, LeadSource,
 * Inn (required) and InviteCode, UTMParams, LeadComment, LeadAttractor (optional); headers
 * `Authorization: Bearer` and `Sign`; the answer's `OperationState.Code` 0 = processed and its
 * `Result` with the generated `Password` and `UserToken`.
 * From the public docs (PROVIDERS.md): form bodies in UTF-8; JSON answers when `Accept` asks;
 * `user/getUserToken` (Login, Password -> Result.UserToken); Sign = SHA-256 hex of the values in a
 * fixed order joined by `::`, secret last, empty values keeping their segment.
 * Assumed, and settings so they can be corrected without touching code: the Sign order of both
 * methods (`signOrder`, `userTokenSignOrder`); what the non-zero states mean (`stateRules`,
 * matched on `OperationState.Code` and `Desc`); UTMParams as a JSON object string; RequestId = our
 * registration id, so "RequestId already exists" on a retry means our earlier attempt succeeded.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderError } from '../errors.ts';
import { credentialCache } from '../http/credential-cache.ts';
import { plainOrEnv, secret } from '../config/secret.ts';
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

const OUTCOMES = [
  'queued',
  'duplicate_request',
  'already_registered',
  'rejected',
  'misconfigured',
  'user_token_expired',
] as const;

const stateRule = z.strictObject({
  code: z.int().optional(),
  /** A case-insensitive regular expression tested against `OperationState.Desc`. */
  desc: z.string().optional(),
  outcome: z.enum(OUTCOMES),
  field: z.string().optional(),
});
type StateRule = z.infer<typeof stateRule>;

/**
 * The unpublished meaning of non-zero states [assumed]: 1 = accepted for later processing,
 * 2 = not processed, told apart by `Desc` (the simulator answers these same texts). The flow's
 * `stateRules` are tried first.
 */
export const DEFAULT_STATE_RULES: StateRule[] = [
  { code: 1, outcome: 'queued' },
  { desc: 'RequestId.*(уже|already|exists)', outcome: 'duplicate_request' },
  { desc: '(ИНН|INN).*(уже|already)', outcome: 'already_registered', field: 'inn' },
  { desc: '(e-?mail|почт).*(уже|already)', outcome: 'already_registered', field: 'email' },
  {
    desc: '(недействител|invalid|expired|истек).*UserToken|UserToken.*(недействител|invalid|expired|истек)',
    outcome: 'user_token_expired',
  },
  { desc: '(подпис|sign|token|токен|доступ|access)', outcome: 'misconfigured' },
  { desc: '(ИНН|INN)', outcome: 'rejected', field: 'inn' },
  { desc: '(телефон|phone)', outcome: 'rejected', field: 'phone' },
  { desc: '(e-?mail|почт)', outcome: 'rejected', field: 'email' },
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
  })
  .refine((s) => s.userToken || s.account, {
    message: 'set either userToken or account { login, password } for user/getUserToken',
  });

const answerSchema = z.looseObject({
  OperationState: z.looseObject({ Code: z.int(), Desc: z.string().nullish() }),
  OperationId: z.string().nullish(),
  Result: z.looseObject({}).nullish(),
});

export const intellectmoney = defineProvider({
  id: 'intellectmoney',
  fields: [
    { name: 'email', required: true },
    { name: 'name', required: true },
    { name: 'phone', required: true },
    { name: 'inn', required: true },
    { name: 'inviteCode', required: false },
  ],
  hostValues: ['leadComment', 'leadAttractor'],
  settings,
  defaultBaseUrl: 'https://api.intellectmoney.ru/personal/',
  create(config, { baseUrl, http }) {
    const rules = [...config.stateRules, ...DEFAULT_STATE_RULES];

    /** The rule for a non-zero state; undefined for 0 (processed) or a state no rule knows. */
    function classify(state: { Code: number; Desc?: string | null }): StateRule | undefined {
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
          `IntellectMoney refused ${method} with ${res.status}: check bearerToken and signSecretKey`,
        );
      }
      const answer = answerSchema.safeParse(res.json());
      if (!answer.success) {
        throw new ProviderError(
          'bad_response',
          `IntellectMoney ${method}: no OperationState in the answer`,
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
      throw new ProviderError(
        'misconfigured',
        `IntellectMoney getUserToken failed (state ${answer.OperationState.Code}): check account.login / account.password`,
      );
    }

    // getUserToken announces no lifetime: the token is kept until a call is refused [assumed].
    const userToken = credentialCache(async () => ({ value: await fetchUserToken() }));

    async function registerOnce(input: RegistrationInput, token: string) {
      const f = input.fields;
      const values: Record<RegisterParam, string> = {
        UserToken: token,
        RequestId: input.registrationId,
        FirstName: f.name ?? '',
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
      const rule = classify(answer.OperationState);
      const state = `state ${answer.OperationState.Code}${answer.OperationState.Desc ? ` (${answer.OperationState.Desc})` : ''}`;
      if (answer.OperationState.Code === 0) {
        const password = answer.Result?.['Password'];
        return {
          next: null,
          providerRef: answer.OperationId ?? input.registrationId,
          ...(config.revealGeneratedPassword && typeof password === 'string' && password
            ? { reveal: { password } }
            : {}),
        };
      }
      switch (rule?.outcome) {
        case 'queued':
        case 'duplicate_request':
          // Accepted for later, or our own earlier attempt already went through.
          return { next: null, providerRef: answer.OperationId ?? input.registrationId };
        case 'already_registered':
          throw new ProviderError('already_registered', `IntellectMoney: ${state}`, {
            field: rule.field,
          });
        case 'rejected':
          throw new ProviderError('rejected', `IntellectMoney: ${state}`, { field: rule.field });
        case 'misconfigured':
        case 'user_token_expired':
          throw new ProviderError(
            'misconfigured',
            `IntellectMoney refused our credentials: ${state}`,
          );
        default:
          throw new ProviderError('rejected', `IntellectMoney: unrecognised ${state}`);
      }
    }

    return { register };
  },
});
