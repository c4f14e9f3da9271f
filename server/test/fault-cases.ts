/**
 * What the fault matrix (fault-matrix.test.ts, reliability/kill-matrix.test.ts) needs of each
 * provider: its contract fixture, the call that creates an account, and the reading of its
 * documents under which a duplicate can be told from other refusals.
 */
import type { ProviderId } from '../../shared/providers.ts';
import type { ContractFixture } from './contract/fixture.ts';
import { cloudsuiteContract } from './contract/cloudsuite.ts';
import { hectareContract } from './contract/hectare.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import { nitroContract } from './contract/nitro.ts';
import { titeliveContract } from './contract/titelive.ts';

export const FIXTURES: Record<ProviderId, ContractFixture> = {
  nitro: nitroContract,
  hectare: hectareContract,
  cloudsuite: cloudsuiteContract,
  intellectmoney: intellectmoneyContract,
  titelive: titeliveContract,
};

/** The path of the call that creates the account, per simulator. */
export const CREATE_PATH: Record<ProviderId, string> = {
  nitro: '/users/register$',
  hectare: '/organisations$',
  cloudsuite: '/user/$',
  intellectmoney: '/registerOrganization$',
  titelive: '/customer$',
};

/**
 * Readings of the documents under which a duplicate is recognisable as one. TiteLive's seed
 * publishes no code for "login exists": under the default reading (99, an uncaught exception)
 * a retry after a lost answer stays a 503 with its outcome unknown (titelive.test.ts).
 */
export const READINGS: Partial<Record<ProviderId, Record<string, unknown>>> = Object.fromEntries(
  Object.values(FIXTURES).flatMap((f) => (f.readings ? [[f.provider, f.readings]] : [])),
);
