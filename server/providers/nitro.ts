/**
 * Nitro Commerce (seed 000): platform login -> bearer token; register a user, which creates its
 * organisation; optionally add a webhook integration for the new organisation.
 *
 * From the seed: paths `users/login`, `users/register`, `integration` under
 * `https://svc.nitrocommerce.ai/v1/rest/<platform_name>/` (the flow's `baseUrl`), JSON bodies, the
 * answers and codes 2001, 2011, 4009 (e-mail exists), 40010 (organisation exists), 4011 (bad login);
 * `organisation.name` may come back empty; `httpTimeout` is a string of seconds.
 * Assumed (PROVIDERS.md): the token has no published lifetime, so it is kept until a register call
 * answers 401 / 4011, then one new login is made; the seed's integration curl omits the platform
 * name, so the integration path is a setting, resolved against `baseUrl` (`../integration` gives
 * the seed's literal URL).
 */
import { z } from 'zod';
import { ProviderError } from '../errors.ts';
import { credentialCache } from '../http/credential-cache.ts';
import type { ProviderResponse } from '../http/provider-http.ts';
import { plainOrEnv, secret } from '../config/secret.ts';
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
});

/** Nitro's codes: HTTP status followed by a sub-code (PROVIDERS.md). */
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

function codeOf(res: ProviderResponse): number | undefined {
  const parsed = answerSchema.safeParse(res.json());
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
      throw new ProviderError('bad_response', `Nitro login answered ${res.status} without a token`);
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
              field: 'organisationName',
            });
          default: {
            const what = `Nitro register answered ${res.status} with code ${codeOf(res) ?? 'none'}`;
            // Another 4xx is Nitro refusing our data; anything else we cannot read.
            throw new ProviderError(
              res.status >= 400 && res.status < 500 ? 'rejected' : 'bad_response',
              what,
            );
          }
        }
      },
    };
  },
});
