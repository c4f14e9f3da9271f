/**
 * The provider ids. The server's adapter registry is a `Record<ProviderId, …>`, so adding an id
 * here without writing its adapter (and its simulator) fails to compile.
 */
export const PROVIDER_IDS = [
  'nitro',
  'hectare',
  'cloudsuite',
  'intellectmoney',
  'titelive',
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];
