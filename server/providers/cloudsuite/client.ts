/**
 * CloudSuite's API as both halves of the adapter (registration, approvals) call it: URLs from
 * the flow's path templates, the OAuth2 Bearer token, the answers' shapes and refusals.
 */
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import { credentialCache } from '../kit/credential-cache.ts';
import {
  safeJson,
  type ProviderHttp,
  type ProviderRequest,
  type ProviderResponse,
} from '../kit/provider-http.ts';
import type { Settings } from './settings.ts';

/** A page loop longer than this is a provider bug, not a backlog. */
const MAX_PAGES = 1000;

/** `1a` -> `{ house_number: '1', addition: 'a' }`; without leading digits, nothing is split. */
export function splitHouseNumber(value: string): { house_number: string; addition: string } {
  const match = /^(\d+)\s*[-/]?\s*(\S.*)?$/.exec(value.trim());
  if (!match) return { house_number: value.trim(), addition: '' };
  return { house_number: match[1]!, addition: (match[2] ?? '').trim() };
}

/** The reverse, for display: `1` + `a` -> `1a`, `12` + `3` -> `12-3`. */
export function joinHouseNumber(houseNumber: string, addition: string): string {
  if (!addition) return houseNumber;
  return `${houseNumber}${/^\d/.test(addition) ? '-' : ''}${addition}`;
}

const id = z.union([z.number(), z.string()]);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

const tokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  token_type: z.string().optional(),
});
const oauthError = z.looseObject({ error: z.string() });

export const userSchema = z.looseObject({
  key: z.string().min(1),
  id: id.optional(),
  email: text,
  first_name: text,
  last_name: text,
  active: z.boolean().nullish(),
  registration: z.string().nullish(),
  authorised_customers: z.array(id).nullish(),
  user_profiles: z.array(id).nullish(),
  create_date: text,
});
export type User = z.infer<typeof userSchema>;

const pageSchema = z.looseObject({
  next: z.string().nullish(),
  results: z.array(z.unknown()),
});

export const profileSchema = z.looseObject({
  id: id.optional(),
  name: text,
  attention: text,
  street1: text,
  house_number: text,
  addition: text,
  street2: text,
  zip: text,
  city: text,
  country: text,
  company_telephone_number: text,
  delivery: z.boolean().nullish(),
  vat: text,
  coc: text,
  web: text,
  create_date: text,
});
export type Profile = z.infer<typeof profileSchema>;

export const customerAnswer = z.looseObject({ key: z.string().min(1) });

/** CloudSuite's field names -> ours, for refusals the user can correct. */
const USER_FIELDS: Record<string, string> = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
};
const PROFILE_FIELDS: Record<string, string> = {
  name: 'organisationName',
  street1: 'street',
  house_number: 'houseNumber',
  addition: 'houseNumber',
  zip: 'zip',
  city: 'city',
  country: 'country',
  vat: 'vat',
  company_telephone_number: 'phone',
};

interface FieldRefusal {
  /** CloudSuite's name, with `user_profiles.` (the profileField) in front for the profile's. */
  path: string;
  messages: string[];
}

/** Django REST framework's `{ field: [messages], user_profiles: [{ field: [messages] }] }`. */
export function refusalsOf(body: unknown, prefix = ''): FieldRefusal[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const out: FieldRefusal[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') out.push({ path, messages: [value] });
    else if (Array.isArray(value)) {
      const messages = value.filter((v): v is string => typeof v === 'string');
      if (messages.length) out.push({ path, messages });
      for (const item of value) {
        if (item && typeof item === 'object') out.push(...refusalsOf(item, `${path}.`));
      }
    } else if (value && typeof value === 'object') out.push(...refusalsOf(value, `${path}.`));
  }
  return out;
}

export function canonicalField(path: string, profileField: string): string | undefined {
  const prefix = `${profileField}.`;
  return path.startsWith(prefix) ? PROFILE_FIELDS[path.slice(prefix.length)] : USER_FIELDS[path];
}

export const describeRefusals = (refusals: FieldRefusal[]) =>
  refusals.map((r) => `${r.path}: ${r.messages.join(' ')}`).join('; ') || 'no details';

export type CloudsuiteClient = ReturnType<typeof cloudsuiteClient>;

/** The flow's connection to CloudSuite: one token shared by its calls. */
export function cloudsuiteClient(
  config: Settings,
  { baseUrl, http }: { baseUrl: URL; http: ProviderHttp },
) {
  const tokenUrl = new URL(config.tokenUrl, baseUrl);

  const url = (template: string, values: Record<string, string> = {}) => {
    let path = template.replaceAll('{origin}', encodeURIComponent(config.originCode));
    for (const [name, value] of Object.entries(values)) {
      path = path.replaceAll(`{${name}}`, encodeURIComponent(value));
    }
    return new URL(path, baseUrl);
  };

  // ---- OAuth2 client credentials, one token shared, kept until shortly before it expires.

  async function fetchToken(): Promise<{ token: string; expiresIn?: number }> {
    const res = await http.request({
      method: 'POST',
      url: tokenUrl,
      form: {
        grant_type: 'client_credentials',
        client_id: config.clientId,
        client_secret: config.clientSecret.reveal(),
        scope: config.scope,
      },
    });
    if (res.status === 200) {
      const ok = tokenAnswer.safeParse(res.json());
      if (ok.success && (!ok.data.token_type || /^bearer$/i.test(ok.data.token_type))) {
        return { token: ok.data.access_token, expiresIn: ok.data.expires_in };
      }
      throw new ProviderError(
        'bad_response',
        `CloudSuite's token endpoint (${tokenUrl.pathname}) answered 200 without a Bearer access_token`,
      );
    }
    const error = oauthError.safeParse(safeJson(res)).data?.error;
    if (res.status === 400 || res.status === 401) {
      throw new ProviderError(
        'misconfigured',
        error === 'invalid_scope'
          ? `CloudSuite refused the token request (invalid_scope): check the flow's scope ("${config.scope}")`
          : `CloudSuite refused the client credentials (${res.status} ${error ?? 'no error code'}): check the flow's clientId and clientSecret`,
      );
    }
    throw new ProviderError(
      'misconfigured',
      `CloudSuite's token endpoint ${tokenUrl.href} answered ${res.status}: check the flow's tokenUrl`,
    );
  }

  const bearer = credentialCache(
    async () => {
      const { token, expiresIn } = await fetchToken();
      return { value: token, expiresInSeconds: expiresIn };
    },
    { marginSeconds: config.tokenExpiryMarginSeconds },
  );

  /** A call with the Bearer token; on a 401, one new token and one more try. */
  async function api(
    req: Omit<ProviderRequest, 'headers'>,
    what: string,
  ): Promise<ProviderResponse> {
    const res = await bearer.use(
      (token) => http.request({ ...req, headers: { authorization: `Bearer ${token}` } }),
      (r) => r.status === 401,
    );
    if (res.status === 401) {
      throw new ProviderError(
        'misconfigured',
        `CloudSuite refused a fresh access token on ${what} (401): check that the client ${config.clientId} may use the API, and the tokenUrl's realm`,
      );
    }
    if (res.status === 403) {
      throw new ProviderError(
        'misconfigured',
        `CloudSuite refused ${what} (403): give the client ${config.clientId} access to origin ${config.originCode}`,
      );
    }
    return res;
  }

  function readJson<T>(res: ProviderResponse, schema: z.ZodType<T>, what: string): T {
    const parsed = schema.safeParse(res.json());
    if (!parsed.success) {
      throw new ProviderError('bad_response', `CloudSuite ${what}: unexpected answer shape`);
    }
    return parsed.data;
  }

  /** Every user of the pending query, following `next` on the configured host only. */
  async function pendingUsers(): Promise<User[]> {
    const first = url(config.paths.users);
    for (const [name, value] of Object.entries(config.pendingQuery)) {
      first.searchParams.set(name, value);
    }
    const users: User[] = [];
    const seen = new Set<string>();
    let page: URL | undefined = first;
    while (page) {
      if (seen.has(page.href) || seen.size >= MAX_PAGES) {
        throw new ProviderError(
          'bad_response',
          `CloudSuite's user list pages loop at ${page.pathname}${page.search}`,
        );
      }
      seen.add(page.href);
      const res = await api({ method: 'GET', url: page }, 'GET users');
      if (res.status === 404 && page === first) {
        throw new ProviderError(
          'misconfigured',
          `CloudSuite answered 404 to GET ${first.pathname}: check the flow's originCode and paths.users`,
        );
      }
      if (res.status !== 200) {
        throw new ProviderError('bad_response', `CloudSuite answered GET users with ${res.status}`);
      }
      const body = readJson(res, pageSchema, 'GET users');
      for (const item of body.results) {
        const user = userSchema.safeParse(item);
        if (!user.success) {
          throw new ProviderError('bad_response', 'CloudSuite GET users: a result without a key');
        }
        users.push(user.data);
      }
      // `next` is an absolute URL: only its path and query are used, on the configured host,
      // so the token never goes elsewhere (and a proxy's http:// links still work).
      if (body.next) {
        const next: URL = new URL(body.next, page);
        page = new URL(`${next.pathname}${next.search}`, first);
      } else {
        page = undefined;
      }
    }
    return users;
  }

  return { tokenUrl, url, bearer, api, readJson, pendingUsers };
}
