/**
 * Names both sides share, in a module without zod so the widget can import them for free.
 */

/** Values the host page (not the user) supplies, accepted where the flow allows them. */
export const HOST_VALUE_NAMES = ['leadComment', 'leadAttractor'] as const;
export type HostValueName = (typeof HOST_VALUE_NAMES)[number];

export const UTM_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;
export type UtmKey = (typeof UTM_KEYS)[number];
