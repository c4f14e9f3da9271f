/**
 * CloudSuite's flow settings: every assumed protocol detail a setting, its default in `ASSUMED`
 * (the adapter's header comment in index.ts says where each comes from).
 */
import { z } from 'zod';
import { plainOrEnv, secret } from '../../config/secret.ts';
import { regExpSetting, relativePathSetting } from '../kit/settings.ts';

/** Every assumed protocol detail's default, in one place (see the settings below). */
const ASSUMED = {
  /** Resolved against the flow's base URL; an absolute URL where the realm lives elsewhere. */
  tokenUrl: 'auth/realms/CloudSuite/protocol/openid-connect/token',
  /** Seconds before `expires_in` runs out at which a cached token is no longer used. */
  tokenExpiryMarginSeconds: 30,
  /** Templates relative to the base URL: `{origin}`, `{key}` (user), `{id}` (profile). */
  paths: {
    users: 'api/origin/{origin}/user/',
    user: 'api/origin/{origin}/user/{key}',
    userProfile: 'api/userprofile/{id}',
    customers: 'api/origin/{origin}/customer/',
  },
  /** The key under which the profile is nested in the POSTed user (read back as ids). */
  profileField: 'user_profiles',
  /** `1a` -> house_number `1`, addition `a`. */
  splitHouseNumber: true,
  /** The profile's `delivery`: goods are delivered to the registered address. */
  delivery: true,
  /** Users of the pending query already linked to a customer (approved) are left out. */
  skipLinkedUsers: true,
  /** One PATCH with the customer link and the activation trigger instead of two. */
  approveInOneCall: false,
  reject: { method: 'DELETE' as 'DELETE' | 'PATCH', body: { registration: 'rejected' } },
  /** Tested (case-insensitively) against error messages: the object exists already. */
  duplicatePattern:
    'already exists|already registered|already in use|bestaat al|al in gebruik|existiert bereits',
} as const;

/** The seed's query for users waiting for approval (the seed allows other criteria). */
const PENDING_QUERY = { registration: 'new', inactive: 'true' };

const relativePath = relativePathSetting(
  'a path relative to the flow baseUrl: drop the leading /',
).min(1);

export const settings = z.strictObject({
  /** The origin (webshop) code in every user path: `/api/origin/{originCode}/…` [seed]. */
  originCode: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . or -'),
  /** The OAuth2 client of the integration (client credentials grant). */
  clientId: plainOrEnv(),
  clientSecret: secret(),
  /** The OpenID Connect token endpoint [assumed location]. */
  tokenUrl: z.string().min(1).default(ASSUMED.tokenUrl),
  scope: z.string().min(1).default('openid'),
  tokenExpiryMarginSeconds: z.int().min(0).max(86_400).default(ASSUMED.tokenExpiryMarginSeconds),
  paths: z
    .strictObject({
      users: relativePath.default(ASSUMED.paths.users),
      user: relativePath.default(ASSUMED.paths.user),
      /**
       * Where a user is changed (PATCH, and DELETE to reject), where it differs from `user`: the
       * seed writes `/API/` in its PATCH paths, `/api/` everywhere else [assumed: the same].
       */
      userUpdate: relativePath.optional(),
      userProfile: relativePath.default(ASSUMED.paths.userProfile),
      customers: relativePath.default(ASSUMED.paths.customers),
    })
    .prefault({}),
  profileField: z.string().min(1).default(ASSUMED.profileField),
  splitHouseNumber: z.boolean().default(ASSUMED.splitHouseNumber),
  delivery: z.boolean().default(ASSUMED.delivery),
  /** Fixed values added to every registered user, profile, created customer (ours win). */
  userDefaults: z.record(z.string(), z.unknown()).default({}),
  profileDefaults: z.record(z.string(), z.unknown()).default({}),
  customerDefaults: z.record(z.string(), z.unknown()).default({}),
  /** The list query of pending users [seed], e.g. with `create_date__gte` added. */
  pendingQuery: z.record(z.string(), z.string()).default({ ...PENDING_QUERY }),
  skipLinkedUsers: z.boolean().default(ASSUMED.skipLinkedUsers),
  approveInOneCall: z.boolean().default(ASSUMED.approveInOneCall),
  reject: z
    .strictObject({
      method: z.enum(['DELETE', 'PATCH']).default(ASSUMED.reject.method),
      /** Sent with `PATCH`: what marks the user as refused. */
      body: z.record(z.string(), z.unknown()).default({ ...ASSUMED.reject.body }),
    })
    .prefault({}),
  duplicatePattern: regExpSetting('a regular expression').default(ASSUMED.duplicatePattern),
});
export type Settings = z.infer<typeof settings>;
