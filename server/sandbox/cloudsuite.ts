/**
 * CloudSuite simulator, written from the provider's documentation (seed 002 and its public pages):
 * the OpenID Connect token endpoint (client credentials), the origin's users (UUID keys, integer
 * ids) with their user profiles, the paged user list with the documented filters
 * (`create_date__gte`, `registration`, `inactive`), `GET /api/userprofile/{id}`, PATCH user (link
 * to customers, the activation trigger `registration: "new"`, `active: false`: the activation
 * e-mail lands in `_outbox`), customers, DELETE user, and Bearer checks on every API call.
 *
 * Where the documentation is silent, the reading least kind to a lax client:
 * - the token endpoint answers as Keycloak does (`401 invalid_client`, tokens that expire after
 *   `expires_in`); the API answers as Django REST framework does: `{ detail }` for 401/404,
 *   `{ field: [messages] }` for 400, nested `user_profiles: [{ field: [messages] }]`, page-number
 *   pagination with absolute `next` / `previous` links (2 users a page, so clients must follow
 *   them); unknown URLs are Django's HTML 404;
 * - a user is created by `POST /api/origin/{origin}/user/` with its profile nested in
 *   `user_profiles`, inactive (the documentation's "new user registration without activation");
 *   an e-mail already used (case-insensitive) is refused (`duplicateEmail`);
 * - URL paths are case-sensitive, as Django's are, and take an optional trailing slash (the
 *   documentation writes both forms);
 * - the activation e-mail goes out when the trigger is set on a user linked to a customer.
 *
 * Readings (`POST _readings`), defaults first:
 * - `apiCase`: `lower` (every call under `/api/`; the documentation's `/API/` in the PATCH paths
 *   read as a typo) | `upper` (PATCH only under `/API/`, as written; other calls under `/api/`) |
 *   `either` (both spellings everywhere).
 * - `duplicateEmail`: `drf-400` (400 `{ "email": ["user with this email already exists."] }`,
 *   what a Django REST framework serializer answers) | `409` (`{ detail }`).
 *
 * Control route: `POST _tokens/expire` expires every token handed out, so the next API call
 * answers 401 as the real one does once `expires_in` has passed. `_state`: `{ accounts: [{
 * email, id, key, active, registration, customers (the linked customer keys), userProfiles }] }`,
 * the users that exist from the start included (an ERP buyer and an approved user).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { isCountryCode } from '../../shared/countries.ts';
import { Secret } from '../config/secret.ts';
import { z } from 'zod';
import { Readings, type OutboxMessage, type SimulatorApi } from './simulator.ts';

export const CLOUDSUITE_SANDBOX = {
  originCode: 'SANDBOX',
  realm: 'CloudSuite',
  clientId: 'org-signup-sandbox',
  clientSecret: 'cloudsuite-sandbox-client-secret',
  tokenTtlSeconds: 300,
  /** Users per list page: small, so every list test follows `next`. */
  pageSize: 2,
  /** A customer that exists from the start, to approve users with `{ existing }`. */
  customer: { key: '5b0f3c1e-7d2a-4e8b-9c61-0a4d2f6e8b17', name: 'Sandbox Wholesale BV' },
} as const;

const readingsSchema = z.strictObject({
  apiCase: z.enum(['lower', 'upper', 'either']).default('lower'),
  duplicateEmail: z.enum(['drf-400', '409']).default('drf-400'),
});

/** Django's answer to a URL no route matches (DEBUG off). */
const DJANGO_404 =
  '<!doctype html><html lang="en"><head><title>Not Found</title></head><body><h1>Not Found</h1><p>The requested resource was not found on this server.</p></body></html>';

interface Profile {
  id: number;
  user: number;
  name: string;
  attention: string;
  street1: string;
  house_number: string;
  addition: string;
  street2: string;
  zip: string;
  city: string;
  country: string;
  subdivision: null;
  company_telephone_number: string;
  delivery: boolean;
  delivery_name: string;
  delivery_attention: string;
  delivery_street1: string;
  delivery_house_number: string;
  delivery_addition: string;
  delivery_street2: string;
  delivery_zip: string;
  delivery_city: string;
  delivery_country: string;
  delivery_subdivision: null;
  delivery_telephone_number: string;
  department: string;
  vat: string;
  coc: string;
  web: string;
  account_code: string;
  industry: null;
  create_date: string;
  modified_date: string | null;
}

interface User {
  id: number;
  key: string;
  email: string;
  first_name: string;
  last_name: string;
  active: boolean;
  registration: string | null;
  authorised_customers: string[];
  user_profiles: number[];
  create_date: string;
  modified_date: string | null;
}

interface Customer {
  id: number;
  key: string;
  name: string;
  [field: string]: unknown;
}

type Errors = Record<string, unknown>;

/** Django's naive timestamp with microseconds, as in the seed: `2023-01-18T09:23:02.507764`. */
const timestamp = () => `${new Date().toISOString().slice(0, -1)}000`;

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const PROFILE_TEXT = [
  'name',
  'attention',
  'street1',
  'house_number',
  'addition',
  'street2',
  'zip',
  'city',
  'country',
  'company_telephone_number',
  'department',
  'vat',
  'coc',
  'web',
  'account_code',
] as const;
const PROFILE_REQUIRED = ['name', 'street1', 'house_number', 'zip', 'city', 'country'] as const;
const VAT = /^[A-Z]{2}[0-9A-Z+*]{2,12}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const REQUIRED = 'This field is required.';

/** Validates one nested profile the way a DRF serializer would; errors by field. */
function profileErrors(input: unknown): Errors {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] };
  }
  const p = input as Record<string, unknown>;
  const errors: Errors = {};
  for (const key of PROFILE_TEXT) {
    if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'string') {
      errors[key] = ['Not a valid string.'];
    }
  }
  for (const key of PROFILE_REQUIRED) {
    if (typeof p[key] !== 'string' || p[key].trim() === '') errors[key] ??= [REQUIRED];
  }
  const country = p['country'];
  if (!errors['country'] && typeof country === 'string' && !isCountryCode(country)) {
    errors['country'] = [`"${country}" is not a valid choice.`];
  }
  const vat = p['vat'];
  if (!errors['vat'] && typeof vat === 'string' && vat !== '' && !VAT.test(vat)) {
    errors['vat'] = ['Enter a valid VAT number.'];
  }
  if (p['delivery'] !== undefined && typeof p['delivery'] !== 'boolean') {
    errors['delivery'] = ['Must be a valid boolean.'];
  }
  return errors;
}

/** A DRF boolean filter value; undefined when it is not one. */
function booleanParam(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  if (['true', 'True', '1'].includes(value)) return true;
  if (['false', 'False', '0'].includes(value)) return false;
  return undefined;
}

export function createCloudsuiteSimulator(): SimulatorApi {
  const readings = new Readings(readingsSchema);
  let tokens = new Map<string, number>();
  let users: User[] = [];
  let profiles = new Map<number, Profile>();
  let customers = new Map<string, Customer>();
  let activations = new Map<string, string>();
  let outbox: OutboxMessage[] = [];
  let nextUserId = 15_001;
  let nextProfileId = 2_101;
  let nextCustomerId = 501;

  function makeProfile(userId: number, fields: Record<string, unknown>): Profile {
    const value = (key: string) => (typeof fields[key] === 'string' ? fields[key] : '');
    const profile: Profile = {
      id: nextProfileId++,
      user: userId,
      name: value('name'),
      attention: value('attention'),
      street1: value('street1'),
      house_number: value('house_number'),
      addition: value('addition'),
      street2: value('street2'),
      zip: value('zip'),
      city: value('city'),
      country: value('country'),
      subdivision: null,
      company_telephone_number: value('company_telephone_number'),
      delivery: typeof fields['delivery'] === 'boolean' ? fields['delivery'] : true,
      delivery_name: '',
      delivery_attention: '',
      delivery_street1: '',
      delivery_house_number: '',
      delivery_addition: '',
      delivery_street2: '',
      delivery_zip: '',
      delivery_city: '',
      delivery_country: value('country'),
      delivery_subdivision: null,
      delivery_telephone_number: '',
      department: value('department'),
      vat: value('vat'),
      coc: value('coc'),
      web: value('web'),
      account_code: value('account_code'),
      industry: null,
      create_date: timestamp(),
      modified_date: null,
    };
    profiles.set(profile.id, profile);
    return profile;
  }

  function makeUser(
    fields: Omit<User, 'id' | 'key' | 'user_profiles' | 'create_date' | 'modified_date'>,
  ) {
    const user: User = {
      ...fields,
      id: nextUserId++,
      key: randomUUID(),
      user_profiles: [],
      create_date: timestamp(),
      modified_date: null,
    };
    users.push(user);
    return user;
  }

  /** What exists before anyone registers: a customer, an ERP user, an approved user. */
  function seed(): void {
    const { key, name } = CLOUDSUITE_SANDBOX.customer;
    customers.set(key, { id: nextCustomerId++, key, name, vat: 'NL001234567B01' });
    const erp = makeUser({
      email: 'buyer@wholesale.sandbox.example',
      first_name: 'Erik',
      last_name: 'Janssen',
      active: true,
      registration: null,
      authorised_customers: [key],
    });
    // The seed's own sample address.
    const address = {
      name,
      street1: 'Elzenkade',
      house_number: '1',
      addition: 'a',
      zip: '3992AD',
      city: 'Houten',
      country: 'NL',
    };
    erp.user_profiles.push(makeProfile(erp.id, address).id);
    const approved = makeUser({
      email: 'approved@wholesale.sandbox.example',
      first_name: 'Sanne',
      last_name: 'Bakker',
      active: false,
      registration: 'new',
      authorised_customers: [key],
    });
    approved.user_profiles.push(makeProfile(approved.id, address).id);
  }
  seed();

  const router = express.Router({ caseSensitive: true });
  const nested = () => express.Router({ mergeParams: true, caseSensitive: true });
  const notFound = (res: Response) => res.status(404).type('text/html').send(DJANGO_404);
  const detail = (res: Response, status: number, text: string) =>
    res.status(status).json({ detail: text });

  // ---- The OpenID Connect token endpoint (Keycloak's paths and answers).

  const oauthError = (res: Response, status: number, error: string, description: string) =>
    res.status(status).json({ error, error_description: description });

  router.post('/auth/realms/:realm/protocol/openid-connect/token', (req, res) => {
    if (req.params['realm'] !== CLOUDSUITE_SANDBOX.realm) {
      return res.status(404).json({ error: 'Realm does not exist' });
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'Content type must be form encoded');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    let clientId = typeof body['client_id'] === 'string' ? body['client_id'] : '';
    let clientSecret = typeof body['client_secret'] === 'string' ? body['client_secret'] : '';
    const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (basic) {
      const [id = '', pass = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id);
      clientSecret = decodeURIComponent(pass);
    }
    if (
      clientId !== CLOUDSUITE_SANDBOX.clientId ||
      !sameText(clientSecret, CLOUDSUITE_SANDBOX.clientSecret)
    ) {
      return oauthError(res, 401, 'invalid_client', 'Invalid client or Invalid client credentials');
    }
    if (body['grant_type'] !== 'client_credentials') {
      return oauthError(res, 400, 'unsupported_grant_type', 'Unsupported grant_type');
    }
    const scopes = typeof body['scope'] === 'string' ? body['scope'].split(' ') : [];
    if (scopes.some((s) => s && !['openid', 'profile', 'email'].includes(s))) {
      return oauthError(res, 400, 'invalid_scope', 'Invalid scopes: ' + String(body['scope']));
    }
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, Date.now() + CLOUDSUITE_SANDBOX.tokenTtlSeconds * 1000);
    res.set('cache-control', 'no-store').json({
      access_token: token,
      expires_in: CLOUDSUITE_SANDBOX.tokenTtlSeconds,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'openid profile email',
    });
  });

  /** Sandbox control: every token handed out has now expired. */
  router.post('/_tokens/expire', (_req, res) => {
    for (const token of tokens.keys()) tokens.set(token, 0);
    res.status(204).end();
  });

  // ---- The REST API: Bearer on every call.

  /** Whether this spelling of the `/api/` prefix serves this method, by the `apiCase` reading. */
  function spelled(prefix: string, method: string): boolean {
    const reading = readings.current.apiCase;
    if (reading === 'either') return prefix === '/api' || prefix === '/API';
    if (reading === 'upper' && method === 'PATCH') return prefix === '/API';
    return prefix === '/api';
  }

  const api = nested();
  router.use(['/api', '/API'], (req, res, next) => {
    const prefix = req.baseUrl.slice(req.baseUrl.lastIndexOf('/'));
    if (!spelled(prefix, req.method)) return notFound(res);
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    res.set('www-authenticate', 'Bearer realm="api"');
    if (!token) return detail(res, 401, 'Authentication credentials were not provided.');
    const expires = tokens.get(token);
    if (expires === undefined || expires <= Date.now()) {
      res.set('www-authenticate', 'Bearer realm="api", error="invalid_token"');
      return detail(res, 401, 'Invalid or expired token.');
    }
    res.removeHeader('www-authenticate');
    api(req, res, next);
  });

  const origin = nested();
  api.use('/origin/:origin', (req, res, next) => {
    if (req.params['origin'] !== CLOUDSUITE_SANDBOX.originCode)
      return detail(res, 404, 'Not found.');
    origin(req, res, next);
  });

  const findUser = (req: Request) => users.find((u) => u.key === req.params['key']);

  origin.get('/user', (req, res) => {
    const q = req.query;
    let found = users;
    if (typeof q['registration'] === 'string') {
      found = found.filter((u) => u.registration === q['registration']);
    }
    const inactive = booleanParam(q['inactive']);
    if (q['inactive'] !== undefined && inactive === undefined) {
      return res.status(400).json({ inactive: ['Enter a valid boolean.'] });
    }
    if (inactive !== undefined) found = found.filter((u) => u.active !== inactive);
    if (q['create_date__gte'] !== undefined) {
      const since =
        typeof q['create_date__gte'] === 'string' ? Date.parse(q['create_date__gte']) : NaN;
      if (Number.isNaN(since)) {
        return res.status(400).json({ create_date__gte: ['Enter a valid date/time.'] });
      }
      found = found.filter((u) => Date.parse(u.create_date) >= since);
    }
    const size = CLOUDSUITE_SANDBOX.pageSize;
    const pages = Math.max(1, Math.ceil(found.length / size));
    const page = q['page'] === undefined ? 1 : Number(q['page']);
    if (!Number.isInteger(page) || page < 1 || page > pages)
      return detail(res, 404, 'Invalid page.');
    const link = (n: number) => {
      const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host')}`);
      if (n === 1) url.searchParams.delete('page');
      else url.searchParams.set('page', String(n));
      return url.href;
    };
    res.json({
      count: found.length,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: found.slice((page - 1) * size, page * size),
    });
  });

  origin.post('/user', (req, res) => {
    if (!req.is('application/json')) {
      return detail(
        res,
        415,
        `Unsupported media type "${req.get('content-type') ?? ''}" in request.`,
      );
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: Errors = {};
    const email = body['email'];
    if (typeof email !== 'string' || email.trim() === '') errors['email'] = [REQUIRED];
    else if (!EMAIL.test(email)) errors['email'] = ['Enter a valid email address.'];
    else if (users.some((u) => u.email.toLowerCase() === email.toLowerCase())) {
      if (readings.current.duplicateEmail === '409') {
        return detail(res, 409, 'user with this email already exists.');
      }
      errors['email'] = ['user with this email already exists.'];
    }
    for (const key of ['first_name', 'last_name'] as const) {
      const value = body[key];
      if (value !== undefined && typeof value !== 'string') errors[key] = ['Not a valid string.'];
      else if (typeof value === 'string' && value.length > 150) {
        errors[key] = ['Ensure this field has no more than 150 characters.'];
      }
    }
    if (body['active'] !== undefined && typeof body['active'] !== 'boolean') {
      errors['active'] = ['Must be a valid boolean.'];
    }
    const nested = body['user_profiles'] ?? [];
    if (!Array.isArray(nested)) {
      errors['user_profiles'] = ['Expected a list of items but got type "dict".'];
    } else {
      const each = nested.map(profileErrors);
      if (each.some((e) => Object.keys(e).length)) errors['user_profiles'] = each;
    }
    if (Object.keys(errors).length) return res.status(400).json(errors);
    const user = makeUser({
      email: email as string,
      first_name: typeof body['first_name'] === 'string' ? body['first_name'] : '',
      last_name: typeof body['last_name'] === 'string' ? body['last_name'] : '',
      active: typeof body['active'] === 'boolean' ? body['active'] : false,
      registration: typeof body['registration'] === 'string' ? body['registration'] : null,
      authorised_customers: [],
    });
    for (const p of nested as Record<string, unknown>[]) {
      user.user_profiles.push(makeProfile(user.id, p).id);
    }
    res.status(201).json(user);
  });

  origin.get('/user/:key', (req, res) => {
    const user = findUser(req);
    if (!user) return detail(res, 404, 'Not found.');
    res.json(user);
  });

  origin.patch('/user/:key', (req, res) => {
    const user = findUser(req);
    if (!user) return detail(res, 404, 'Not found.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: Errors = {};
    const linked = body['authorised_customers'];
    if (linked !== undefined) {
      if (!Array.isArray(linked)) {
        errors['authorised_customers'] = [
          `Expected a list of items but got type "${typeof linked}".`,
        ];
      } else {
        const unknown: unknown = (linked as unknown[]).find(
          (k) => typeof k !== 'string' || !customers.has(k),
        );
        if (unknown !== undefined) {
          errors['authorised_customers'] = [
            `Object with key=${typeof unknown === 'string' ? unknown : JSON.stringify(unknown)} does not exist.`,
          ];
        }
      }
    }
    if (body['active'] !== undefined && typeof body['active'] !== 'boolean') {
      errors['active'] = ['Must be a valid boolean.'];
    }
    if (
      body['registration'] !== undefined &&
      body['registration'] !== null &&
      typeof body['registration'] !== 'string'
    ) {
      errors['registration'] = ['Not a valid string.'];
    }
    if (Object.keys(errors).length) return res.status(400).json(errors);
    if (Array.isArray(linked)) user.authorised_customers = [...(linked as string[])];
    if (typeof body['active'] === 'boolean') user.active = body['active'];
    if (body['registration'] !== undefined)
      user.registration = body['registration'] as string | null;
    for (const key of ['first_name', 'last_name'] as const) {
      if (typeof body[key] === 'string') user[key] = body[key];
    }
    user.modified_date = timestamp();
    // The seed's trigger: registration "new" and active false, on a user linked to a customer.
    const trigger = body['registration'] === 'new' && body['active'] === false;
    if (trigger && user.authorised_customers.length > 0) {
      const token = randomBytes(16).toString('hex');
      activations.set(token, user.key);
      outbox.push({
        to: user.email,
        kind: 'activation',
        link: `${req.protocol}://${req.get('host')}${req.baseUrl.replace(/\/api\/origin\/.*$/i, '')}/activate/${token}`,
        at: new Date().toISOString(),
      });
    }
    res.json(user);
  });

  origin.delete('/user/:key', (req, res) => {
    const user = findUser(req);
    if (!user) return detail(res, 404, 'Not found.');
    users = users.filter((u) => u !== user);
    for (const id of user.user_profiles) profiles.delete(id);
    res.status(204).end();
  });

  origin.post('/customer', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body['name'] !== 'string' || body['name'].trim() === '') {
      return res.status(400).json({ name: [REQUIRED] });
    }
    const customer: Customer = {
      ...body,
      id: nextCustomerId++,
      key: randomUUID(),
      name: body['name'],
      create_date: timestamp(),
    };
    customers.set(customer.key, customer);
    res.status(201).json(customer);
  });

  origin.get('/customer/:key', (req, res) => {
    const customer = customers.get(req.params['key'] ?? '');
    if (!customer) return detail(res, 404, 'Not found.');
    res.json(customer);
  });

  api.get('/userprofile/:id', (req, res) => {
    const profile = profiles.get(Number(req.params['id']));
    if (!profile) return detail(res, 404, 'Not found.');
    res.json(profile);
  });

  // ---- What the user's activation link opens (the webshop's page, simulated).

  router.get('/activate/:token', (req, res) => {
    const key = activations.get(req.params['token'] ?? '');
    const user = users.find((u) => u.key === key);
    if (!user) return res.status(404).type('text/plain').send('This activation link is not valid.');
    activations.delete(req.params['token'] ?? '');
    user.active = true;
    user.modified_date = timestamp();
    res.type('text/plain').send('Your account is active. You can now log in.');
  });

  api.use((_req, res) => notFound(res));
  router.use((_req, res) => notFound(res));

  return {
    router,
    readings,
    reset() {
      tokens = new Map();
      users = [];
      profiles = new Map();
      customers = new Map();
      activations = new Map();
      outbox = [];
      nextUserId = 15_001;
      nextProfileId = 2_101;
      nextCustomerId = 501;
      seed();
    },
    outbox: () => [...outbox],
    accounts: () =>
      users.map((u) => ({
        email: u.email,
        id: u.id,
        key: u.key,
        active: u.active,
        registration: u.registration,
        customers: [...u.authorised_customers],
        userProfiles: [...u.user_profiles],
      })),
  };
}

/** Where a sandbox cloudsuite flow points, and the simulator's credentials underneath its settings. */
export const cloudsuiteSandboxFlow = {
  basePath: '/',
  flowSettings: () => ({
    originCode: CLOUDSUITE_SANDBOX.originCode,
    clientId: CLOUDSUITE_SANDBOX.clientId,
    clientSecret: new Secret(CLOUDSUITE_SANDBOX.clientSecret),
  }),
};
