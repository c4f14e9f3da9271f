/**
 * Nitro Commerce (seed 000): platform login -> bearer token; register a user, which creates its
 * organisation; optionally add a webhook integration for the new organisation.
 *
 * From the seed: paths `users/login`, `users/register`, `integration` under
 * `https://svc.nitrocommerce.ai/v1/rest/<platform_name>/` (the flow's `baseUrl`), JSON bodies, the
 * answers and codes 2001, 2011, 4009 (e-mail exists), 40010 (organisation exists), 4011 (bad login);
 * `organisation.name` may come back empty; `httpTimeout` is a string of seconds.
 * Assumed (docs/providers/nitro.md): the token has no published lifetime, so it is kept until a register call
 * answers 401 / 4011, then one new login is made; the seed's integration curl omits the platform
 * name, so the integration path is a setting, resolved against `baseUrl` (`../integration` gives
 * the seed's literal URL).
 */
import { z } from 'zod';
import { ProviderError } from '../errors.ts';
import { credentialCache } from './kit/credential-cache.ts';
import { safeJson, type ProviderResponse } from './kit/provider-http.ts';
import { plainOrEnv, secret } from '../config/secret.ts';
import { probe, skipped } from './kit/doctor.ts';
import { defineProvider, type RegistrationResult } from './types.ts';

const settings = z.strictObject({
  credentials: z.strictObject({ email: plainOrEnv(), password: secret() }),
  /** Adds a webhook integration for each new organisation (seed: POST integration). */
  webhook: z.optional(
    z.strictObject({
      endpoint: z.url({ protocol: /^https?$/ }),
      authToken: secret(),
      httpTimeoutSeconds: z.int().min(1).max(60).default(3),
      doEvents: z.boolean().default(true),
      doContacts: z.boolean().default(true),
      path: z.string().default('integration'),
    }),
  ),
  /**
   * The field 40010 "Organisation Exists" is shown on: the seed does not say whether Nitro
   * matches organisations by name or by domain [assumed: name].
   */
  organisationExistsField: z.enum(['organisationName', 'domain']).default('organisationName'),
});

/** Nitro's codes: HTTP status followed by a sub-code (docs/providers/nitro.md). */
const CODE = {
  ok: 2001,
  created: 2011,
  badLogin: 4011,
  emailExists: 4009,
  organisationExists: 40010,
} as const;

const answerSchema = z.looseObject({ code: z.number(), message: z.string().optional() });
const loginAnswer = z.looseObject({ code: z.literal(CODE.ok), bearer_token: z.string().min(1) });
const registerAnswer = z.looseObject({
  code: z.literal(CODE.created),
  user: z.looseObject({ id: z.union([z.number(), z.string()]) }),
  organisation: z.looseObject({
    id: z.union([z.number(), z.string()]),
    name: z.string().nullish(),
    domain: z.string().nullish(),
  }),
});

/** The answer's code and message, for an operator's log line. */
function describeAnswer(res: ProviderResponse): string {
  const parsed = answerSchema.safeParse(safeJson(res));
  if (!parsed.success) return `no Nitro code (${res.contentType || 'no content type'})`;
  const { code, message } = parsed.data;
  return `code ${code}${message ? ` "${message.slice(0, 200)}"` : ''}`;
}

function codeOf(res: ProviderResponse): number | undefined {
  const parsed = answerSchema.safeParse(safeJson(res));
  return parsed.success ? parsed.data.code : undefined;
}

const isAuthFailure = (res: ProviderResponse) =>
  res.status === 401 || codeOf(res) === CODE.badLogin;

export const nitro = defineProvider({
  id: 'nitro',
  fields: [
    { name: 'email', required: true },
    { name: 'name', required: true },
    { name: 'phone', required: true },
    { name: 'organisationName', required: true },
    { name: 'domain', required: true },
  ],
  hostValues: [],
  settings,
  create(config, { baseUrl, http, log }) {
    async function login(): Promise<string> {
      const res = await http.request({
        method: 'POST',
        url: new URL('users/login', baseUrl),
        json: { email: config.credentials.email, password: config.credentials.password.reveal() },
      });
      const ok = loginAnswer.safeParse(res.json());
      if (ok.success) return ok.data.bearer_token;
      if (isAuthFailure(res)) {
        throw new ProviderError(
          'misconfigured',
          'Nitro refused the platform login (4011): check the flow credentials.email and credentials.password',
        );
      }
      throw new ProviderError(
        'bad_response',
        `Nitro login answered HTTP ${res.status} with ${describeAnswer(res)} and no bearer_token: check the flow's baseUrl (…/v1/rest/<platform_name>/)`,
      );
    }

    // Nitro publishes no token lifetime: kept until a call is refused [assumed].
    const bearer = credentialCache(async () => ({ value: await login() }));

    async function addWebhook(orgId: string | number): Promise<void> {
      const hook = config.webhook;
      if (!hook) return;
      try {
        const res = await http.request({
          method: 'POST',
          url: new URL(hook.path, baseUrl),
          headers: { authorization: `Bearer ${await bearer.get()}` },
          json: {
            org_id: orgId,
            active: true,
            type: 'WEBHOOK',
            data: {
              endpoint: hook.endpoint,
              authToken: hook.authToken.reveal(),
              httpTimeout: String(hook.httpTimeoutSeconds),
              do_events: hook.doEvents,
              do_contacts: hook.doContacts,
            },
          },
        });
        if (res.status >= 300) throw new Error(`answered ${res.status} (code ${codeOf(res)})`);
      } catch (err) {
        // The user and organisation exist: a missing webhook is an operator's task, not the user's.
        log.error(
          { provider: 'nitro', orgId, err: (err as Error).message },
          'webhook integration failed',
        );
      }
    }

    return {
      reconcile(): Promise<RegistrationResult> {
        // The lost answer carried the organisation's id; the seed offers no way to look it up.
        if (config.webhook) {
          log.error(
            { provider: 'nitro' },
            'webhook integration not added: the organisation was created by an attempt whose answer was lost, so its id is unknown; add the integration in the Nitro dashboard',
          );
        }
        return Promise.resolve({ next: null });
      },

      async doctor() {
        return [
          await probe('platform login (users/login)', async () => {
            await login();
            return `Nitro accepted the platform login of ${config.credentials.email}`;
          }),
          config.webhook
            ? skipped(
                `webhook integration (${config.webhook.path})`,
                'added for each new organisation; it cannot be tried without one',
              )
            : skipped('webhook integration', 'not configured (settings.webhook)'),
        ];
      },

      async register(input): Promise<RegistrationResult> {
        const f = input.fields;
        const body = {
          email: f.email,
          name: f.name,
          phone: f.phone,
          domain: f.domain,
          organisation_name: f.organisationName,
        };
        const res = await bearer.use(
          (token) =>
            http.request({
              method: 'POST',
              url: new URL('users/register', baseUrl),
              headers: { authorization: `Bearer ${token}` },
              json: body,
            }),
          isAuthFailure,
        );
        if (isAuthFailure(res)) {
          throw new ProviderError(
            'misconfigured',
            'Nitro refused a fresh bearer token on register',
          );
        }
        const created = registerAnswer.safeParse(res.json());
        if (created.success) {
          const org = created.data.organisation;
          await addWebhook(org.id);
          return {
            next: null,
            providerRef: String(org.id),
            organisation: {
              id: String(org.id),
              // The seed's answer has an empty name: show what the user registered.
              name: org.name || f.organisationName,
              domain: org.domain || f.domain,
            },
          };
        }
        switch (codeOf(res)) {
          case CODE.emailExists:
            throw new ProviderError('already_registered', 'Nitro: e-mail exists (4009)', {
              field: 'email',
            });
          case CODE.organisationExists:
            throw new ProviderError('already_registered', 'Nitro: organisation exists (40010)', {
              field: config.organisationExistsField,
            });
          default:
            // Not one of the seed's codes: never a success, never a guess at which field.
            throw new ProviderError(
              'bad_response',
              `Nitro register answered HTTP ${res.status} with ${describeAnswer(res)}, which is none of the documented codes (2011 created, 4009, 40010, 4011): check the flow's baseUrl (…/v1/rest/<platform_name>/)`,
            );
        }
      },
    };
  },
});
