import { en, type StringKey, type Strings } from './en.ts';
import { nl } from './nl.ts';
import { ru } from './ru.ts';

export type { StringKey, Strings };

export const LOCALES = { en, ru, nl } satisfies Record<string, Strings>;
export type Locale = keyof typeof LOCALES;
export const LOCALE_IDS = Object.keys(LOCALES) as Locale[];

/**
 * The first supported locale among the requested BCP 47 tags, by full tag then language
 * (`ru-RU` -> `ru`); `en` when none matches.
 */
export function pickLocale(requested: readonly (string | null | undefined)[]): Locale {
  for (const tag of requested) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    const lang = lower.split('-')[0] ?? '';
    for (const candidate of [lower, lang]) {
      if (Object.hasOwn(LOCALES, candidate)) return candidate as Locale;
    }
  }
  return 'en';
}

/** Replaces `{name}` placeholders. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    Object.hasOwn(params, key) ? String(params[key]) : match,
  );
}
