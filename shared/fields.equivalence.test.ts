/**
 * The widget checks values with `checkValue` (no zod, to stay small); the server with the zod
 * schemas compiled from the same rules. On generated input, both must agree: the same
 * normalised value (invisible characters stripped alike), or the same error code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_SCHEMAS } from './field-schemas.ts';
import { FIELD_NAMES, checkValue, type FieldName } from './fields.ts';

const tricky = fc.constantFrom(
  '',
  ' ',
  '\t',
  '\u0000',
  '\u0085',
  '\u200b',
  // Bidi controls, joiners, other format characters, and what joiners join (scripts, emoji).
  '\u202e',
  '\u2066',
  '\u200e',
  '\u200c',
  '\u200d',
  '\ufeff',
  '\u00ad',
  'م',
  'क',
  '\u094d',
  '👩',
  '\u{1f3fd}',
  '\ufe0f',
  '💻',
  'e\u0301',
  'é',
  '@',
  '.',
  '-',
  '+',
  'xn--',
  'https://',
  '/',
  'пример',
  '7707083893',
  '500100732259',
  'GB',
  'nl',
);
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.array(tricky, { maxLength: 6 }).map((parts) => parts.join('')),
  fc.emailAddress(),
  fc.domain(),
  fc.stringMatching(/^[0-9 -]{8,16}$/),
  fc.stringMatching(/^\+?[0-9 ()-]{5,20}$/),
  fc.string({ minLength: 250, maxLength: 300 }),
);

function zodVerdict(name: FieldName, input: string) {
  const result = FIELD_SCHEMAS[name].safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: result.error.issues[0]?.message };
}

describe('checkValue agrees with the zod schemas', () => {
  it.each(FIELD_NAMES)('%s', (name) => {
    fc.assert(
      fc.property(value, (input) => {
        expect(checkValue(name, input)).toEqual(zodVerdict(name, input));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees on values that are not strings', () => {
    for (const input of [undefined, null, 1, true, {}, []]) {
      const ours = checkValue('email', input);
      const theirs = FIELD_SCHEMAS.email.safeParse(input);
      expect(ours.ok).toBe(false);
      expect(ours.ok ? '' : ours.error).toBe(theirs.error?.issues[0]?.message);
    }
  });
});
