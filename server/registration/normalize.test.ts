/**
 * The phone plan the descriptor carries, read from libphonenumber-js's metadata, and the shared
 * rule run on it (`phoneInPlan`) against libphonenumber itself: the same verdict as its
 * `isPossible()` and the same E.164, on the numbers people type; and what the server makes of
 * a number of another country.
 */
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { isPlausiblePhone, phoneInPlan } from '../../shared/validators.ts';
import { normalizeForProvider, phoneExampleFor, phonePlanFor } from './normalize.ts';

describe('phonePlanFor', () => {
  it.each([
    [
      'GB',
      {
        callingCode: '44',
        nationalPrefix: '0',
        lengths: [7, 9, 10],
        // The Isle of Man shares +44; its numbers, told apart by their leading digits, have 10.
        regions: { '74576|(?:16|7[56])24': [10] },
      },
    ],
    ['NL', { callingCode: '31', nationalPrefix: '0', lengths: [5, 6, 7, 8, 9, 10, 11] }],
    ['RU', { callingCode: '7', nationalPrefix: '8', lengths: [10, 14] }],
    ['US', { callingCode: '1', nationalPrefix: '1', lengths: [10] }],
    // The Vatican shares +39 with the same lengths: nothing to tell apart.
    ['IT', { callingCode: '39', lengths: [6, 7, 8, 9, 10, 11, 12] }],
    ['SH', { callingCode: '290', lengths: [4, 5], regions: { '8': [4] } }],
  ])('%s', (country, plan) => {
    expect(phonePlanFor(country)).toEqual(plan);
  });
});

describe('phoneExampleFor', () => {
  it.each([
    ['GB', '+44 7400 123456'],
    ['NL', '+31 6 12345678'],
    ['RU', '+7 912 345 67 89'],
    ['FR', '+33 6 12 34 56 78'],
  ])('%s: %s, which its own plan accepts', (country, example) => {
    expect(phoneExampleFor(country)).toBe(example);
    expect(phoneInPlan(example, phonePlanFor(country))).toMatch(/^\+\d+$/);
  });
});

describe('phoneInPlan agrees with libphonenumber’s isPossible() and E.164', () => {
  // Countries whose plan the rule reads fully (one national prefix, no carrier codes); what
  // people type: national digits, with the national prefix, the country code, `+` or `00`.
  // Numbers of a region that shares the code (the Isle of Man's in +44) are judged by that
  // region's lengths, as libphonenumber judges them. Left out: national digits that begin with
  // the country code (`49800000` in Germany), which the rule reads as national where they can
  // be, and libphonenumber, by its patterns, may not.
  for (const country of ['GB', 'FR', 'DE', 'IT', 'ZA'] as const) {
    const plan = phonePlanFor(country);
    const typed = fc
      .tuple(
        fc.constantFrom(
          '',
          plan.nationalPrefix ?? '',
          `+${plan.callingCode}`,
          `00${plan.callingCode}`,
        ),
        fc.oneof(
          fc.stringMatching(/^[1-9]\d{5,12}$/),
          // Where another region sharing the code begins (the Isle of Man's 1624, 7624…).
          ...Object.keys(plan.regions ?? {}).map((lead) =>
            fc.stringMatching(new RegExp(`^(?:${lead})\\d{0,8}$`)),
          ),
        ),
        fc.constantFrom('', ' ', '-'),
      )
      .filter(([start, digits]) => start !== '' || !digits.startsWith(plan.callingCode))
      .map(([start, digits, gap]) => `${start}${gap}${digits.slice(0, 3)}${gap}${digits.slice(3)}`)
      .filter(isPlausiblePhone);

    it(country, () => {
      fc.assert(
        fc.property(typed, (value) => {
          const parsed = parsePhoneNumberFromString(value, country);
          const theirs = parsed?.isPossible() ? parsed.number : '';
          expect(phoneInPlan(value, plan) || '').toBe(theirs);
        }),
        { numRuns: 2_000 },
      );
    });
  }
});

describe('normalizeForProvider: phones', () => {
  const gb = { phoneCountry: 'GB', phonePlan: phonePlanFor('GB') };

  it.each([
    ['07700 900123', '+447700900123'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
  ])('a number of the flow’s country, by the plan: %j is %s', (phone, e164) => {
    expect(normalizeForProvider({ phone }, gb)).toEqual({ ok: true, values: { phone: e164 } });
  });

  it('another country’s number is checked against its numbering plan (isValid)', () => {
    expect(normalizeForProvider({ phone: '+33 6 12 34 56 78' }, gb)).toEqual({
      ok: true,
      values: { phone: '+33612345678' },
    });
    // Of a possible length in France, but in no range France uses.
    expect(normalizeForProvider({ phone: '+33 0 12 34 56 78' }, gb)).toEqual({
      ok: false,
      errors: { phone: 'invalid_phone' },
    });
  });

  it('refuses a number of the flow’s country that its plan refuses', () => {
    expect(normalizeForProvider({ phone: '07700 9001234' }, gb)).toEqual({
      ok: false,
      errors: { phone: 'invalid_phone' },
    });
  });

  it('without a plan (no phoneCountry), libphonenumber in the chosen country, as before', () => {
    expect(normalizeForProvider({ phone: '06 12 34 56 78', country: 'FR' }, {})).toEqual({
      ok: true,
      values: { phone: '+33612345678', country: 'FR' },
    });
    expect(normalizeForProvider({ phone: '07700 900123' }, { phoneCountry: 'GB' })).toEqual({
      ok: false,
      errors: { phone: 'invalid_phone' },
    });
  });
});
