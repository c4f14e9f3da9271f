import { describe, expect, it } from 'vitest';
import { FIELD_ERROR_CODES } from '../errors.ts';
import { FIELD_NAMES } from '../fields.ts';
import { LOCALES, LOCALE_IDS, format, pickLocale } from './index.ts';

const localeEntries = Object.entries(LOCALES);
const enKeys = Object.keys(LOCALES.en).sort();

describe('LOCALES', () => {
  it('has en, ru, nl, de and fr, and LOCALE_IDS lists exactly them', () => {
    expect([...LOCALE_IDS].sort()).toEqual(['de', 'en', 'fr', 'nl', 'ru']);
    expect(Object.keys(LOCALES).sort()).toEqual([...LOCALE_IDS].sort());
  });

  it.each(localeEntries)('%s has exactly the keys of en', (_id, strings) => {
    expect(Object.keys(strings).sort()).toEqual(enKeys);
  });

  it.each(localeEntries)('%s has no empty or whitespace-only string', (_id, strings) => {
    const blank = Object.entries(strings).filter(
      ([, text]) => typeof text !== 'string' || text.trim() === '',
    );
    expect(blank).toEqual([]);
  });

  it.each(localeEntries)('%s keeps the placeholders en uses', (_id, strings) => {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, text] of Object.entries(LOCALES.en)) {
      expect(placeholders(strings[key as keyof typeof LOCALES.en]), key).toEqual(
        placeholders(text),
      );
    }
  });

  it.each(FIELD_ERROR_CODES)('en has a string for the field error code %s', (code) => {
    expect(Object.keys(LOCALES.en)).toContain(`error.${code}`);
  });

  it.each(FIELD_NAMES)('en has a label for the field %s', (name) => {
    expect(Object.keys(LOCALES.en)).toContain(`field.${name}`);
  });
});

describe('pickLocale', () => {
  it.each<[(string | null | undefined)[], string]>([
    [['ru-RU'], 'ru'],
    [['ru'], 'ru'],
    [['RU'], 'ru'],
    [['en-GB'], 'en'],
    [['it', 'ru'], 'ru'],
    [['it-IT', 'es-ES', 'ru-RU', 'en'], 'ru'],
    [['en-US', 'ru'], 'en'],
    [[], 'en'],
    [['it', 'es'], 'en'],
    [[undefined, 'RU'], 'ru'],
    [[null, '', 'ru'], 'ru'],
    [['russian'], 'en'],
  ])('%j -> %s', (requested, expected) => {
    expect(pickLocale(requested)).toBe(expected);
  });

  // Tags named like Object.prototype members are not locales.
  it.each(['constructor', '__proto__', 'constructor-RU'])(
    'falls back to en for the tag %j, which names an Object.prototype member',
    (tag) => {
      expect(pickLocale([tag])).toBe('en');
    },
  );
});

describe('format', () => {
  it.each<[string, Record<string, string | number>, string]>([
    [
      'I agree to the {terms} and the {privacy}.',
      { terms: 'T', privacy: 'P' },
      'I agree to the T and the P.',
    ],
    ['{a}{a}', { a: 'x' }, 'xx'],
    ['{n} items', { n: 3 }, '3 items'],
    ['{n} items', { n: 0 }, '0 items'],
    ['Hello {name}, {missing}', { name: 'Ann' }, 'Hello Ann, {missing}'],
    ['No placeholders', { a: 'x' }, 'No placeholders'],
    ['{ a } {a-b}', { a: 'x', 'a-b': 'y' }, '{ a } {a-b}'],
    ['{a}', { a: '{b}', b: 'no' }, '{b}'],
    ['{a}', { a: '$&$1' }, '$&$1'],
  ])('%j with %j -> %j', (template, params, expected) => {
    expect(format(template, params)).toBe(expected);
  });

  it('leaves every placeholder without params', () => {
    expect(format('{terms} and {privacy}')).toBe('{terms} and {privacy}');
  });

  it('leaves a placeholder named like an Object.prototype member', () => {
    expect(format('{toString}', {})).toBe('{toString}');
  });
});
