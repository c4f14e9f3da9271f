/**
 * Nitro Commerce simulator, written from the provider's documentation (seed 000): the platform
 * login, user registration with its auto-created organisation, and webhook integrations, with the
 * documented bodies and codes (2001 OK, 2011 Created, 4011 bad login, 4009 e-mail exists, 40010
 * organisation exists).
 *
 * Where the documentation is silent, the reading least kind to a lax client:
 * - register and integration calls need a live bearer token from the login; tokens expire (the
 *   lifetime is not published: `tokenTtlSeconds`), and a missing, unknown or expired one is
 *   answered 4011 "Invalid login credentials." as a bad login is;
 * - all five register fields are required (a missing or empty one: 4000 "Invalid data");
 * - e-mails are compared case-insensitively; an organisation "exists" when its domain or its name
 *   (case-insensitive) is taken; 4009 is checked before 40010, the order the documentation lists;
 * - an integration's `org_id` must be an organisation this platform created, `type` "WEBHOOK",
 *   `data.endpoint` a URL and `data.httpTimeout` a string of seconds, as the sample sends it; the
 *   integration calls answer at both the documented path and the sample's path without the
 *   platform segment, since the documentation writes both.
 *
 * Readings (`POST _readings`), defaults first:
 * - `codedStatus`: `http` (a coded answer travels with the HTTP status its code starts with: 2011
 *   as 201, 4009 and 40010 as 400, 4011 as 401) | `200` (every coded answer is HTTP 200 and only
 *   the body's `code` tells a refusal from a success).
 * - `tokenTtlSeconds`: 3600.
 *
 * `_state`: `{ accounts: [{ email, id, name, phone, organisation: { id, name, domain },
 * integrations }] }`, the latest 10,000 users (the duplicate checks remember every one).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { Secret } from '../config/secret.ts';
import { Readings, type ProviderAccount, type SimulatorApi } from './simulator.ts';

export const NITRO_SANDBOX = {
  platformName: 'sandbox',
  email: 'platform@nitro.sandbox',
  password: 'nitro-sandbox-password',
  tokenTtlMs: 60 * 60 * 1000,
} as const;

const readingsSchema = z.strictObject({
  codedStatus: z.enum(['http', '200']).default('http'),
  tokenTtlSeconds: z
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(NITRO_SANDBOX.tokenTtlMs / 1000),
});

const REGISTER_FIELDS = ['email', 'name', 'phone', 'domain', 'organisation_name'] as const;
type RegisterBody = Record<(typeof REGISTER_FIELDS)[number], string>;

/** `_state` lists this many users at most (a benchmark registers hundreds of thousands). */
const MAX_LISTED = 10_000;

/** The HTTP status a documented code travels with: its leading three digits. */
const httpOf = (code: number) => Number(String(code).slice(0, 3));

const userJson = (id: number, u: { name: string; email: string; phone: string }) => ({
  id,
  name: u.name,
  email: u.email,
  username: u.email,
  is_active: true,
  phone: u.phone,
  is_email_verified: false,
  is_phone_verified: false,
  is_superuser: false,
});

const isoPlusZero = () => new Date().toISOString().replace('Z', '+00:00');

interface Listed extends ProviderAccount {
  integrations: number[];
}

export function createNitroSimulator(): SimulatorApi {
  const readings = new Readings(readingsSchema);
  // Only what a later call checks is kept for every registration (e-mails, organisation ids,
  // names and domains taken): whole objects made a benchmark's heap grow several times faster.
  let emails = new Set<string>();
  let organisations = new Set<number>();
  let takenOrgKeys = new Set<string>();
  let listed = new Map<number, Listed>(); // by organisation id, insertion order
  let tokens = new Map<string, number>();
  let integrations = new Map<number, Record<string, unknown>>();
  let nextId = 1;

  const router = express.Router();
  const answer = (res: Response, code: number, message: string, extra = {}) =>
    res
      .status(readings.current.codedStatus === 'http' ? httpOf(code) : 200)
      .json({ ...extra, code, message });
  const invalid = (res: Response, detail: string) => answer(res, 4000, `Invalid data: ${detail}`);

  function authorised(req: Request, res: Response): boolean {
    const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const expires = token ? tokens.get(token) : undefined;
    if (expires !== undefined && expires > Date.now()) return true;
    answer(res, 4011, 'Invalid login credentials.');
    return false;
  }

  const platform = express.Router({ mergeParams: true });
  router.use('/v1/rest/:platform', (req, res, next) => {
    if (req.params['platform'] === NITRO_SANDBOX.platformName) return platform(req, res, next);
    if (req.params['platform'] === 'integration') return next();
    // No documented code covers an unknown platform: a plain 404, no code to key on.
    res.status(404).type('text/plain').send('Not Found');
  });

  platform.post('/users/login', (req, res) => {
    const { email, password } = (req.body ?? {}) as Record<string, unknown>;
    if (email !== NITRO_SANDBOX.email || password !== NITRO_SANDBOX.password) {
      return answer(res, 4011, 'Invalid login credentials.');
    }
    const token = randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + readings.current.tokenTtlSeconds * 1000);
    answer(res, 2001, 'OK', {
      bearer_token: token,
      user: userJson(3, { name: 'Sandbox Platform', email, phone: '+441632960000' }),
    });
  });

  platform.post('/users/register', (req, res) => {
    if (!authorised(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const missing = REGISTER_FIELDS.find((k) => typeof body[k] !== 'string' || !body[k].trim());
    if (missing) return invalid(res, `${missing} is required.`);
    const { email, name, phone, domain, organisation_name } = body as RegisterBody;
    if (emails.has(email.toLowerCase())) return answer(res, 4009, 'Email Already exists');
    const domainKey = `domain:${domain.toLowerCase()}`;
    const nameKey = `name:${organisation_name.toLowerCase()}`;
    if (takenOrgKeys.has(domainKey) || takenOrgKeys.has(nameKey)) {
      return answer(res, 40010, 'Organisation Exists. Cannot assign existing Organisations.');
    }
    const userId = nextId++;
    const orgId = nextId++;
    emails.add(email.toLowerCase());
    organisations.add(orgId);
    takenOrgKeys.add(domainKey).add(nameKey);
    listed.set(orgId, {
      email,
      id: userId,
      name,
      phone,
      organisation: { id: orgId, name: organisation_name, domain },
      integrations: [],
    });
    if (listed.size > MAX_LISTED) listed.delete(listed.keys().next().value!);
    const now = isoPlusZero();
    answer(res, 2011, 'Created', {
      user: userJson(userId, { name, email, phone }),
      organisation: {
        id: orgId,
        // 32 hex digits, from randomUUID's pooled entropy rather than a system call each time.
        token: randomUUID().replaceAll('-', ''),
        name: '', // as in the documented answer: the name sent is not echoed
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
      return invalid(res, 'org_id does not exist.');
    }
    if (body['type'] !== 'WEBHOOK' || typeof data['endpoint'] !== 'string') {
      return invalid(res, 'type WEBHOOK with data.endpoint is required.');
    }
    if (!URL.canParse(data['endpoint'])) return invalid(res, 'data.endpoint must be a URL.');
    if (typeof data['httpTimeout'] !== 'string' || !/^\d+$/.test(data['httpTimeout'])) {
      return invalid(res, 'data.httpTimeout must be a string of seconds.');
    }
    if (typeof body['active'] !== 'boolean') return invalid(res, 'active must be a boolean.');
    let id: number;
    if (req.method === 'PUT') {
      id = Number(body['id']);
      const old = integrations.get(id);
      if (!old || old['org_id'] !== orgId) return invalid(res, 'id does not exist.');
    } else {
      id = nextId++;
      listed.get(orgId)?.integrations.push(id);
    }
    integrations.set(id, { ...body, id });
    const [code, message] = req.method === 'PUT' ? [2001, 'OK'] : [2011, 'Created'];
    answer(res, code, message, { integration: integrations.get(id) });
  };
  platform.post('/integration', integration);
  platform.put('/integration', integration);
  router.post('/v1/rest/integration', integration);
  router.put('/v1/rest/integration', integration);

  return {
    router,
    readings,
    reset() {
      emails = new Set();
      organisations = new Set();
      takenOrgKeys = new Set();
      listed = new Map();
      tokens = new Map();
      integrations = new Map();
      nextId = 1;
    },
    accounts: () => [...listed.values()].map((a) => ({ ...a, integrations: [...a.integrations] })),
  };
}

/** The flow settings a `sandbox: true` nitro flow gets underneath its own. */
export const nitroSandboxFlow = {
  basePath: `/v1/rest/${NITRO_SANDBOX.platformName}/`,
  flowSettings: () => ({
    credentials: { email: NITRO_SANDBOX.email, password: new Secret(NITRO_SANDBOX.password) },
  }),
};
