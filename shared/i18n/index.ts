import { de } from './de.ts';
import { en, type StringKey, type Strings } from './en.ts';
import { format, negotiate } from './negotiate.ts';
import { fr } from './fr.ts';
import { nl } from './nl.ts';
import { ru } from './ru.ts';

export type { StringKey, Strings };

export const LOCALES = { en, ru, nl, de, fr } satisfies Record<string, Strings>;
export type Locale = keyof typeof LOCALES;
export const LOCALE_IDS = Object.keys(LOCALES) as Locale[];

/** The first supported locale among the requested BCP 47 tags (`ru-RU` -> `ru`); else `en`. */
export function pickLocale(requested: readonly (string | null | undefined)[]): Locale {
  return negotiate(requested, LOCALE_IDS, 'en');
}

export { format };
