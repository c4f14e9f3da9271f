/**
 * Locale negotiation and placeholders, without any string table: the widget imports this alone
 * and receives its strings with the flow descriptor, so five locales cost it nothing.
 */

/**
 * The first of `available` matching the requested BCP 47 tags, by full tag then language
 * (`ru-RU` -> `ru`); `fallback` when none matches.
 */
export function negotiate<T extends string>(
  requested: readonly (string | null | undefined)[],
  available: readonly T[],
  fallback: T,
): T {
  for (const tag of requested) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    const lang = lower.split('-')[0] ?? '';
    for (const candidate of [lower, lang]) {
      const found = available.find((id) => id === candidate);
      if (found) return found;
    }
  }
  return fallback;
}

/**
 * Replaces `{name}` placeholders with `params`' own properties of that name: any object, so that
 * a field descriptor fills its hint's and its errors' placeholders (`{example}`, `{minLength}`).
 */
export function format(template: string, params: object = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    Object.hasOwn(params, key) ? String((params as Record<string, unknown>)[key]) : match,
  );
}
