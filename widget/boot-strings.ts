/**
 * The only texts the widget carries: those it shows before the flow descriptor (which brings
 * every other text of the negotiated locale) has arrived, or when it cannot arrive.
 */
import type { StringKey } from '../shared/i18n/en.ts';

type BootKey = Extract<StringKey, 'form.loading' | 'problem.load' | 'form.retry'>;

export const BOOT_STRINGS: Record<string, Record<BootKey, string>> = {
  en: {
    'form.loading': 'Loading…',
    'problem.load': 'The registration form could not be loaded.',
    'form.retry': 'Try again',
  },
  ru: {
    'form.loading': 'Загрузка…',
    'problem.load': 'Не удалось загрузить форму регистрации.',
    'form.retry': 'Повторить',
  },
  nl: {
    'form.loading': 'Laden…',
    'problem.load': 'Het registratieformulier kon niet worden geladen.',
    'form.retry': 'Opnieuw proberen',
  },
  de: {
    'form.loading': 'Wird geladen…',
    'problem.load': 'Das Registrierungsformular konnte nicht geladen werden.',
    'form.retry': 'Erneut versuchen',
  },
  fr: {
    'form.loading': 'Chargement…',
    'problem.load': 'Le formulaire d’inscription n’a pas pu être chargé.',
    'form.retry': 'Réessayer',
  },
};

export const BOOT_LOCALES = Object.keys(BOOT_STRINGS);
