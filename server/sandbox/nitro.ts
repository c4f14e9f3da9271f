/**
 * Nitro Commerce simulator (seed 000): the platform login, user registration with its
 * auto-created organisation, and webhook integrations, with the seed's bodies and codes.
 * Assumed where the seed is silent (PROVIDERS.md): 4009/40010 travel as HTTP 400, 4011 as 401;
 * an organisation "exists" when its domain or name (case-insensitive) is taken; bearer tokens
 * live an hour; a missing or empty register field answers 400 code 4000.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { Secret } from '../config/secret.ts';
import type { SimulatorApi } from './simulator.ts';

export const NITRO_SANDBOX = {
  platformName: 'sandbox',
  email: 'platform@nitro.sandbox',
  password: 'nitro-sandbox-password',
  tokenTtlMs: 60 * 60 * 1000,
} as const;

const REGISTER_FIELDS = ['email', 'name', 'phone', 'domain', 'organisation_name'] as const;

interface User {
  id: number;
  name: string;
  email: string;
  phone: string;
}

const userJson = (u: User) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  username: u.email,
  is_active: true,
  phone: u.phone,
  is_email_verified: false,
  is_phone_verified: false,
  is_superuser: false,
});

export function createNitroSimulator(): SimulatorApi {
  // Only what a later call checks: e-mails, organisation ids, and the names and domains taken
  // (lower case). One `npm run bench` registers several hundred thousand: whole user and
  // organisation objects made the simulator's heap (and its collector's pauses, felt by both
  // sides of the bench) grow several times faster.
  let emails = new Set<string>();
  let organisations = new Set<number>();
  let takenOrgKeys = new Set<string>();
  let tokens = new Map<string, number>();
  let integrations = new Map<number, Record<string, unknown>>();
  let nextId = 1;

  const platformUser: User = {
    id: 3,
    name: 'Sandbox Platform',
    email: NITRO_SANDBOX.email,
    phone: '+441632960000',
  };

  const router = express.Router();
  const answer = (res: Response, status: number, code: number, message: string, extra = {}) =>
    res.status(status).json({ ...extra, code, message });

  /** The seed's register and integration calls need the platform user's bearer token. */
  function authorised(req: Request, res: Response): boolean {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const expires = token ? tokens.get(token) : undefined;
    if (expires !== undefined && expires > Date.now()) return true;
    answer(res, 401, 4011, 'Invalid login credentials.');
    return false;
  }

  const platform = express.Router({ mergeParams: true });
  router.use('/v1/rest/:platform', (req, res, next) => {
    if (req.params['platform'] === NITRO_SANDBOX.platformName) return platform(req, res, next);
    // The seed's integration curl has no platform segment: /v1/rest/integration.
    if (req.params['platform'] === 'integration') return next();
    answer(res, 404, 4004, 'Platform not found.');
  });

  platform.post('/users/login', (req, res) => {
    const { email, password } = (req.body ?? {}) as Record<string, unknown>;
    if (email !== NITRO_SANDBOX.email || password !== NITRO_SANDBOX.password) {
      return answer(res, 401, 4011, 'Invalid login credentials.');
    }
    const token = randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + NITRO_SANDBOX.tokenTtlMs);
    answer(res, 200, 2001, 'OK', { bearer_token: token, user: userJson(platformUser) });
  });

  platform.post('/users/register', (req, res) => {
    if (!authorised(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const key of REGISTER_FIELDS) {
      const value = body[key];
      if (typeof value !== 'string' || value.trim() === '') {
        return answer(res, 400, 4000, `Invalid data: ${key} is required.`);
      }
    }
    const { email, name, phone, domain, organisation_name } = body as Record<
      (typeof REGISTER_FIELDS)[number],
      string
    >;
    if (emails.has(email.toLowerCase())) return answer(res, 400, 4009, 'Email Already exists');
    const domainKey = `domain:${domain.toLowerCase()}`;
    const nameKey = `name:${organisation_name.toLowerCase()}`;
    if (takenOrgKeys.has(domainKey) || takenOrgKeys.has(nameKey)) {
      return answer(res, 400, 40010, 'Organisation Exists. Cannot assign existing Organisations.');
    }
    const user: User = { id: nextId++, name, email, phone };
    const orgId = nextId++;
    const now = new Date().toISOString().replace('Z', '+00:00');
    emails.add(email.toLowerCase());
    organisations.add(orgId);
    takenOrgKeys.add(domainKey).add(nameKey);
    answer(res, 201, 2011, 'Created', {
      user: userJson(user),
      organisation: {
        id: orgId,
        // 32 hex digits as randomBytes(16) gives, from randomUUID's pooled entropy instead of a
        // system call per registration.
        token: randomUUID().replaceAll('-', ''),
        name: '', // as in the seed's sample answer
        domain,
        currency: '',
        country_code: '',
        is_active: true,
        logo: '',
        wid: null,
        created_at: now,
        modified_at: now,
        referer: null,
        features_enabled: '',
      },
    });
  });

  const integration = (req: Request, res: Response) => {
    if (!authorised(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const data = (body['data'] ?? {}) as Record<string, unknown>;
    const orgId = body['org_id'];
    if (typeof orgId !== 'number' || !organisations.has(orgId)) {
      return answer(res, 400, 4000, 'Invalid data: org_id does not exist.');
    }
    if (body['type'] !== 'WEBHOOK' || typeof data['endpoint'] !== 'string') {
      return answer(res, 400, 4000, 'Invalid data: type WEBHOOK with data.endpoint is required.');
    }
    if (typeof data['httpTimeout'] !== 'string' || !/^\d+$/.test(data['httpTimeout'])) {
      return answer(res, 400, 4000, 'Invalid data: data.httpTimeout must be a string of seconds.');
    }
    if (req.method === 'PUT') {
      const id = Number(body['id']);
      if (!integrations.has(id)) return answer(res, 400, 4000, 'Invalid data: unknown id.');
      integrations.set(id, { ...body, id });
      return answer(res, 200, 2001, 'OK', { integration: integrations.get(id) });
    }
    const id = nextId++;
    integrations.set(id, { ...body, id });
    answer(res, 201, 2011, 'Created', { integration: integrations.get(id) });
  };
  platform.post('/integration', integration);
  platform.put('/integration', integration);
  router.post('/v1/rest/integration', integration);
  router.put('/v1/rest/integration', integration);

  return {
    router,
    reset() {
      emails = new Set();
      organisations = new Set();
      takenOrgKeys = new Set();
      tokens = new Map();
      integrations = new Map();
      nextId = 1;
    },
  };
}

/** The flow settings a `sandbox: true` nitro flow gets underneath its own. */
export const nitroSandboxFlow = {
  basePath: `/v1/rest/${NITRO_SANDBOX.platformName}/`,
  flowSettings: () => ({
    credentials: { email: NITRO_SANDBOX.email, password: new Secret(NITRO_SANDBOX.password) },
  }),
};
