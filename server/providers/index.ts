/** The adapter registry: one definition per provider id, checked complete by the compiler. */
import type { ProviderId } from '../../shared/providers.ts';
import { cloudsuite } from './cloudsuite/index.ts';
import { hectare } from './hectare/index.ts';
import { intellectmoney } from './intellectmoney.ts';
import { nitro } from './nitro.ts';
import { titelive } from './titelive.ts';
import type { ProviderDefinition } from './types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own settings type
export const PROVIDERS: Record<ProviderId, ProviderDefinition<any>> = {
  nitro,
  hectare,
  cloudsuite,
  intellectmoney,
  titelive,
};
