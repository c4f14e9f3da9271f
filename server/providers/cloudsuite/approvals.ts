/**
 * CloudSuite's approval queue (the admin API's): the pending users with their profiles; approving
 * links a user to an existing or a new customer and sets the activation e-mail's trigger;
 * rejecting deletes (or marks) the user. See the adapter's header comment in index.ts.
 */
import pMap from 'p-map';
import { ProviderError } from '../../errors.ts';
import { safeJson, type ProviderResponse } from '../kit/provider-http.ts';
import type { ApprovalsApi, PendingApproval } from '../types.ts';
import {
  customerAnswer,
  describeRefusals,
  joinHouseNumber,
  profileSchema,
  refusalsOf,
  userSchema,
  type CloudsuiteClient,
  type Profile,
  type User,
} from './client.ts';
import type { Settings } from './settings.ts';

/** The seed's activation e-mail trigger. */
const ACTIVATION_TRIGGER = { registration: 'new', active: false };
/** Profile reads in flight at once while listing. */
const PROFILE_CONCURRENCY = 4;

export function cloudsuiteApprovals(config: Settings, client: CloudsuiteClient): ApprovalsApi {
  const { api, url, readJson, pendingUsers } = client;

  /** A 404 that is no REST framework answer (an HTML page): the path is wrong, not the key. */
  function routeMiss(res: ProviderResponse, what: string, setting: string): ProviderError {
    return new ProviderError(
      'misconfigured',
      `CloudSuite answered ${what} with a 404 page (${res.contentType || 'no content type'}), not an API answer: check the flow's ${setting}`,
    );
  }
  const isRouteMiss = (res: ProviderResponse) =>
    res.status === 404 && !/json/i.test(res.contentType);
  const updatePath = config.paths.userUpdate ?? config.paths.user;
  const updateSetting = config.paths.userUpdate
    ? 'paths.userUpdate'
    : 'paths.userUpdate (or paths.user)';

  async function getProfile(profileId: string | number): Promise<Profile | undefined> {
    const res = await api(
      { method: 'GET', url: url(config.paths.userProfile, { id: String(profileId) }) },
      'GET userprofile',
    );
    if (res.status === 404) return undefined;
    if (res.status !== 200) {
      throw new ProviderError(
        'bad_response',
        `CloudSuite answered GET userprofile with ${res.status}`,
      );
    }
    return readJson(res, profileSchema, 'GET userprofile');
  }

  async function getUser(key: string): Promise<User> {
    const res = await api({ method: 'GET', url: url(config.paths.user, { key }) }, 'GET user');
    if (isRouteMiss(res)) throw routeMiss(res, 'GET user', 'paths.user');
    if (res.status === 404) throw notFound(key);
    if (res.status !== 200) {
      throw new ProviderError('bad_response', `CloudSuite answered GET user with ${res.status}`);
    }
    return readJson(res, userSchema, 'GET user');
  }

  const notFound = (key: string) =>
    new ProviderError(
      'not_found',
      `CloudSuite does not know user ${key} (answered 404; if no user is found, check originCode and paths.user)`,
    );

  function toPending(user: User, profiles: Profile[]): PendingApproval {
    const [main, ...others] = profiles;
    const details: Record<string, string> = {};
    const put = (key: string, value: string | undefined) => {
      if (value) details[key] = value;
    };
    put('userId', user.id === undefined ? undefined : String(user.id));
    if (main) {
      put('userProfileId', main.id === undefined ? undefined : String(main.id));
      put('attention', main.attention);
      put('street', [main.street1, main.street2].filter(Boolean).join(', '));
      put('houseNumber', joinHouseNumber(main.house_number, main.addition));
      put('zip', main.zip);
      put('city', main.city);
      put('country', main.country);
      put('vat', main.vat);
      put('coc', main.coc);
      put('phone', main.company_telephone_number);
      put('web', main.web);
    }
    others.forEach((p, i) => {
      put(
        `profile${i + 2}`,
        [
          p.name,
          `${p.street1} ${joinHouseNumber(p.house_number, p.addition)}`.trim(),
          p.zip,
          p.city,
          p.country,
        ]
          .filter(Boolean)
          .join(', '),
      );
    });
    return {
      key: user.key,
      email: user.email,
      name: `${user.first_name} ${user.last_name}`.trim(),
      organisationName: main?.name ?? '',
      createdAt: user.create_date || main?.create_date || '',
      details,
    };
  }

  async function list(): Promise<PendingApproval[]> {
    // Users already linked to a customer were approved and wait for the user to activate.
    const users = (await pendingUsers()).filter(
      (u) => !config.skipLinkedUsers || !u.authorised_customers?.length,
    );
    return pMap(
      users,
      async (user) => {
        const profiles: Profile[] = [];
        for (const profileId of user.user_profiles ?? []) {
          const profile = await getProfile(profileId);
          if (profile) profiles.push(profile);
        }
        return toPending(user, profiles);
      },
      { concurrency: PROFILE_CONCURRENCY },
    );
  }

  async function patchUser(key: string, body: Record<string, unknown>, what: string) {
    const res = await api({ method: 'PATCH', url: url(updatePath, { key }), json: body }, what);
    if (res.status === 200 || res.status === 204) return;
    if (isRouteMiss(res)) throw routeMiss(res, what, updateSetting);
    if (res.status === 404) throw notFound(key);
    if (res.status === 400) {
      const refusals = refusalsOf(safeJson(res));
      const detail = `CloudSuite refused ${what} for user ${key}: ${describeRefusals(refusals)}`;
      throw new ProviderError(
        'rejected',
        detail,
        refusals.some((r) => r.path === 'authorised_customers') ? { field: 'customer' } : {},
      );
    }
    throw new ProviderError('bad_response', `CloudSuite answered ${what} with ${res.status}`);
  }

  async function createCustomer(user: User): Promise<string> {
    const profileId = user.user_profiles?.[0];
    const profile = profileId === undefined ? undefined : await getProfile(profileId);
    if (!profile) {
      throw new ProviderError(
        'rejected',
        `CloudSuite user ${user.key} has no profile to create a customer from: link an existing customer`,
      );
    }
    const res = await api(
      {
        method: 'POST',
        url: url(config.paths.customers),
        json: {
          ...config.customerDefaults,
          name: profile.name,
          email: user.email,
          telephone_number: profile.company_telephone_number,
          vat: profile.vat,
          coc: profile.coc,
          addresses: [
            {
              name: profile.name,
              attention: profile.attention || `${user.first_name} ${user.last_name}`.trim(),
              street1: profile.street1,
              house_number: profile.house_number,
              addition: profile.addition,
              street2: profile.street2,
              zip: profile.zip,
              city: profile.city,
              country: profile.country,
              delivery: profile.delivery ?? config.delivery,
            },
          ],
        },
      },
      'POST customer',
    );
    if (res.status === 200 || res.status === 201) {
      return readJson(res, customerAnswer, 'POST customer').key;
    }
    if (res.status === 404) {
      throw new ProviderError(
        'misconfigured',
        `CloudSuite answered 404 to POST ${url(config.paths.customers).pathname}: check the flow's paths.customers`,
      );
    }
    const refusals = refusalsOf(safeJson(res));
    throw new ProviderError(
      res.status === 400 ? 'rejected' : 'bad_response',
      `CloudSuite answered POST customer with ${res.status}: ${describeRefusals(refusals)}`,
    );
  }

  return {
    list,
    async approve(key, customer) {
      let customerKey: string;
      if ('existing' in customer) {
        if (!customer.existing.trim()) {
          throw new ProviderError('rejected', 'approve: an empty customer key', {
            field: 'customer',
          });
        }
        customerKey = customer.existing.trim();
      } else {
        customerKey = await createCustomer(await getUser(key));
      }
      const link = { authorised_customers: [customerKey] };
      if (config.approveInOneCall) {
        await patchUser(key, { ...link, ...ACTIVATION_TRIGGER }, 'PATCH user (link and activate)');
      } else {
        await patchUser(key, link, 'PATCH user (link to customer)');
        await patchUser(key, ACTIVATION_TRIGGER, 'PATCH user (activation trigger)');
      }
      return { customer: customerKey };
    },
    async reject(key) {
      const target = url(updatePath, { key });
      const res = await api(
        config.reject.method === 'DELETE'
          ? { method: 'DELETE', url: target }
          : { method: 'PATCH', url: target, json: config.reject.body },
        `${config.reject.method} user (reject)`,
      );
      if (isRouteMiss(res)) throw routeMiss(res, 'the rejection', updateSetting);
      if (res.status === 404) throw notFound(key);
      if (res.status >= 300) {
        throw new ProviderError(
          res.status === 400 || res.status === 405 ? 'misconfigured' : 'bad_response',
          `CloudSuite answered ${config.reject.method} user (reject) with ${res.status}: check the flow's reject setting`,
        );
      }
    },
  };
}
