/**
 * The widget checks values with `checkValue` (no zod, to stay small); the server with the zod
 * schemas compiled from the same rules. On generated input, both must agree: the same
 * normalised value (invisible characters stripped alike), or the same error code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_SCHEMAS, validateFields } from './field-schemas.ts';
import {
  FIELD_NAMES,
  boundedRule,
  checkValue,
  checkValues,
  type FieldName,
  type FieldRule,
} from './fields.ts';

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
        expect(checkValue(name, input, boundedRule({ name, required: true }))).toEqual(
          zodVerdict(name, input),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('agrees on values that are not strings', () => {
    for (const input of [undefined, null, 1, true, {}, []]) {
      const ours = checkValue('email', input, boundedRule({ name: 'email', required: true }));
      const theirs = FIELD_SCHEMAS.email.safeParse(input);
      expect(ours.ok).toBe(false);
      expect(ours.ok ? '' : ours.error).toBe(theirs.error?.issues[0]?.message);
    }
  });
});

describe('checkValues agrees with validateFields on a flow’s own checks', () => {
  // A phone plan, a password policy and options: what a descriptor carries (FlowCheck).
  const rules: FieldRule[] = [
    {
      name: 'phone',
      required: true,
      plan: { callingCode: '7', nationalPrefix: '8', lengths: [10, 14] },
    },
    { name: 'password', required: false, minLength: 10, common: ['password123', '1234567890'] },
    { name: 'country', required: false, options: ['RU', 'NL'] },
  ];
  const values = fc.record(
    {
      phone: fc.oneof(value, fc.stringMatching(/^(\+7|8|\+44|00)?[0-9 ()-]{6,16}$/)),
      password: fc.oneof(value, fc.constantFrom('password123', 'PASSWORD123', '1234567890')),
      country: fc.constantFrom('RU', 'ru', 'NL', 'DE', ' nl '),
    },
    { requiredKeys: [] },
  );

  it('the same values, or the same error per field', () => {
    fc.assert(
      fc.property(values, (input) => {
        expect(checkValues(rules.map(boundedRule), input)).toEqual(validateFields(rules, input));
      }),
      { numRuns: 1_000 },
    );
  });
});
