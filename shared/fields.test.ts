import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { FIELD_ERROR_CODES } from './errors.ts';
import { FIELD_SCHEMAS, fieldErrorsOf, fieldsSchema, validateFields } from './field-schemas.ts';
import {
  FIELD_NAMES,
  FIELD_SPECS,
  boundedRule,
  checkValues,
  compactValues,
  flowError,
  type FieldName,
  type FieldRule,
} from './fields.ts';

const required = (...names: FieldName[]): FieldRule[] =>
  names.map((name) => ({ name, required: true }));
const optional = (...names: FieldName[]): FieldRule[] =>
  names.map((name) => ({ name, required: false }));

/** A valid value for every canonical field, as a user would type it. */
const VALID: Record<FieldName, string> = {
  email: 'user@example.com',
  name: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  phone: '+44 20 7946 0958',
  organisationName: 'Analytical Engines Ltd',
  domain: 'example.com',
  inn: '7707083893',
  companyNumber: '01234567',
  holdingNumber: '11/111/1111',
  country: 'GB',
  vat: 'GB123456789',
  street: 'Baker Street',
  houseNumber: '221b',
  zip: 'NW1 6XE',
  city: 'London',
  login: 'ada',
  password: 'correct horse battery staple',
  inviteCode: 'WELCOME-2024',
};

function errorsOf(rules: readonly FieldRule[], values: Record<string, unknown>) {
  const result = validateFields(rules, values);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.values)}`);
  return result.errors;
}

function valuesOf(rules: readonly FieldRule[], values: Record<string, unknown>) {
  const result = validateFields(rules, values);
  if (!result.ok) throw new Error(`expected values, got ${JSON.stringify(result.errors)}`);
  return result.values;
}

describe('validateFields', () => {
  it('accepts a valid value for every field', () => {
    const rules = required(...FIELD_NAMES);
    expect(valuesOf(rules, VALID)).toEqual(VALID);
  });

  it('gives exactly one error code per field, the first failing check', () => {
    // `a\tb` has a control character *and* is not an e-mail: only the first check is reported.
    const errors = errorsOf(required('email', 'name', 'phone'), {
      email: 'a\tb',
      name: 'x'.repeat(201),
      phone: 'nope',
    });
    expect(errors).toEqual({
      email: 'invalid_characters',
      name: 'too_long',
      phone: 'invalid_phone',
    });
  });

  it('reports every missing required field as required', () => {
    expect(errorsOf(required('email', 'name', 'password'), {})).toEqual({
      email: 'required',
      name: 'required',
      password: 'required',
    });
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['tab and newline', '\t\n'],
    ['no-break spaces', '\u00a0\u00a0'],
    ['null', null],
    ['undefined', undefined],
  ])('treats a required field left blank (%s) as required', (_what, value) => {
    expect(errorsOf(required('name'), { name: value })).toEqual({ name: 'required' });
  });

  it('treats a password of spaces only as blank, hence required', () => {
    expect(errorsOf(required('password'), { password: '   ' })).toEqual({
      password: 'required',
    });
  });

  it('drops a blank optional field from the output', () => {
    const values = valuesOf([...required('email'), ...optional('phone', 'inviteCode')], {
      email: 'user@example.com',
      phone: '   ',
      inviteCode: '',
    });
    expect(values).toEqual({ email: 'user@example.com' });
    expect(Object.keys(values)).toEqual(['email']);
  });

  it('validates an optional field when it is filled in', () => {
    expect(errorsOf(optional('phone'), { phone: '12' })).toEqual({ phone: 'invalid_phone' });
    expect(valuesOf(optional('phone'), { phone: ' +7 912 345-67-89 ' })).toEqual({
      phone: '+7 912 345-67-89',
    });
  });

  it('refuses keys the flow does not have as unknown_field', () => {
    expect(
      errorsOf(required('email'), { email: 'user@example.com', inn: '7707083893', foo: 'x' }),
    ).toEqual({ inn: 'unknown_field', foo: 'unknown_field' });
  });

  it('ignores a blank unknown key (blank means not sent)', () => {
    expect(valuesOf(required('email'), { email: 'user@example.com', foo: ' ' })).toEqual({
      email: 'user@example.com',
    });
  });

  // Keys named like Object.prototype members must still be reported by name.
  it.each(['toString', 'constructor', 'hasOwnProperty'])(
    'names an unknown key %j that is also an Object.prototype member',
    (key) => {
      expect(errorsOf(required('email'), { email: 'user@example.com', [key]: 'x' })).toEqual({
        [key]: 'unknown_field',
      });
    },
  );

  it.each([
    ['a number', 42],
    ['a boolean', true],
    ['an array', ['Ada']],
    ['an object', { first: 'Ada' }],
  ])('refuses %s as invalid', (_what, value) => {
    expect(errorsOf(required('name'), { name: value })).toEqual({ name: 'invalid' });
    expect(errorsOf(required('password'), { password: value })).toEqual({ password: 'invalid' });
  });

  it.each(FIELD_NAMES.filter((name) => name !== 'password'))(
    'refuses a control character in %s as invalid_characters',
    (name) => {
      // Shorter than every bound, so only the control character can fail it.
      const value = name === 'country' ? 'G\u0000' : `${VALID[name].slice(0, 6)}\u0085x`;
      expect(errorsOf(required(name), { [name]: value })).toEqual({
        [name]: 'invalid_characters',
      });
    },
  );

  const IDENTIFIERS = [
    'email',
    'phone',
    'domain',
    'inn',
    'companyNumber',
    'holdingNumber',
    'vat',
    'zip',
    'country',
    'login',
    'inviteCode',
    'houseNumber',
  ] as const satisfies readonly FieldName[];
  const FREE_TEXT = [
    'name',
    'firstName',
    'lastName',
    'organisationName',
    'street',
    'city',
  ] as const satisfies readonly FieldName[];
  /** Bidi controls and zero-width characters: the ones the rules name. */
  const INVISIBLE = [
    ...['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e'],
    ...['\u2066', '\u2067', '\u2068', '\u2069'],
    ...['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e'],
  ];

  it('sorts every field but the password into identifiers or free text', () => {
    expect([...IDENTIFIERS, ...FREE_TEXT, 'password'].sort()).toEqual([...FIELD_NAMES].sort());
  });

  it.each(IDENTIFIERS)(
    'refuses a bidi or zero-width character in %s as invalid_characters',
    (name) => {
      for (const c of INVISIBLE) {
        // Inside a valid value, between two letters or digits (where a joiner would join
        // text). A country code has room for one more character only, at the end, where
        // U+FEFF is trimmed as white space (as everywhere in JavaScript).
        if (name === 'country' && c === '\ufeff') continue;
        const valid = name === 'country' ? 'G' : VALID[name];
        const value = `${valid.slice(0, 1)}${c}${valid.slice(1)}`;
        expect(
          errorsOf(required(name), { [name]: value }),
          `U+${c.codePointAt(0)!.toString(16)}`,
        ).toEqual({
          [name]: 'invalid_characters',
        });
      }
    },
  );

  it.each(FREE_TEXT)('strips bidi and zero-width characters from %s', (name) => {
    for (const c of INVISIBLE) {
      const value = `${c}${VALID[name].replace(' ', ` ${c}`)}${c}`;
      expect(
        valuesOf(required(name), { [name]: value }),
        `U+${c.codePointAt(0)!.toString(16)}`,
      ).toEqual({
        [name]: VALID[name],
      });
    }
  });

  it.each(FREE_TEXT)('keeps the joiners of a script or an emoji sequence in %s', (name) => {
    for (const text of ['می\u200cخواهم', 'क्\u200dष', '👩🏽\u200d💻']) {
      expect(valuesOf(required(name), { [name]: text })).toEqual({ [name]: text });
    }
  });

  it('strips before NFC, so what an invisible character kept apart is composed', () => {
    expect(valuesOf(required('city'), { city: 'Zu\u200b\u0308rich' })).toEqual({ city: 'Zürich' });
  });

  it('still refuses C0/C1 controls in free text, and a value that was only invisible is blank', () => {
    expect(errorsOf(required('name'), { name: '\u202eAnn\u0000' })).toEqual({
      name: 'invalid_characters',
    });
    expect(errorsOf(required('name'), { name: '\u200b\u202e' })).toEqual({ name: 'required' });
  });

  it('takes a password as typed, invisible characters and all', () => {
    const password = '\u202ecorrect\u200bhorse\u200d battery ';
    expect(valuesOf(required('password'), { password })).toEqual({ password });
  });

  it.each(FIELD_NAMES)('bounds %s to its FIELD_SPECS.maxLength', (name) => {
    const max = FIELD_SPECS[name].maxLength;
    expect(errorsOf(required(name), { [name]: 'x'.repeat(max + 1) })).toEqual({
      [name]: 'too_long',
    });
  });

  it('measures the length after trimming', () => {
    expect(valuesOf(required('name'), { name: `  ${'a'.repeat(200)}  ` })).toEqual({
      name: 'a'.repeat(200),
    });
  });

  it('NFC-normalises and trims text values', () => {
    const decomposed = '  Rene\u0301e Dupre\u0301  ';
    const values = valuesOf(required('name', 'city'), { name: decomposed, city: ' Zu\u0308rich ' });
    expect(values.name).toBe('Ren\u00e9e Dupr\u00e9');
    expect(values.name).toHaveLength(11);
    expect(values.city).toBe('Z\u00fcrich');
  });

  it('does not trim or normalise the password', () => {
    const password = '  Rene\u0301e pass  ';
    expect(valuesOf(required('password'), { password })).toEqual({ password });
  });

  it('allows any characters in the password (it is never shown or logged)', () => {
    expect(valuesOf(required('password'), { password: 'tab\there' })).toEqual({
      password: 'tab\there',
    });
  });

  it('bounds the untrimmed password', () => {
    expect(valuesOf(required('password'), { password: 'x'.repeat(128) })).toEqual({
      password: 'x'.repeat(128),
    });
    expect(errorsOf(required('password'), { password: ` ${'x'.repeat(127)} ` })).toEqual({
      password: 'too_long',
    });
  });

  it.each([
    ['https://Example.COM/', 'example.com'],
    ['  http://www.example.com  ', 'www.example.com'],
    ['SHOP.Example.co.uk.', 'shop.example.co.uk'],
    ['https://Пример.РФ/', 'пример.рф'],
  ])('normalises the domain %j to %j', (domain, expected) => {
    expect(valuesOf(required('domain'), { domain })).toEqual({ domain: expected });
  });

  it.each(['example.com/path', 'localhost', 'example.com:8080', 'user@example.com', '1.2.3.4'])(
    'refuses the domain %j as invalid_domain',
    (domain) => {
      expect(errorsOf(required('domain'), { domain })).toEqual({ domain: 'invalid_domain' });
    },
  );

  it.each([
    ['7707083893', '7707083893'],
    ['7707 083 893', '7707083893'],
    ['7707-083-893', '7707083893'],
    [' 7707 08-3893 ', '7707083893'],
  ])('normalises the INN %j to digits', (inn, expected) => {
    expect(valuesOf(required('inn'), { inn })).toEqual({ inn: expected });
  });

  // Separators are removed before the length check: a 12-digit INN may be typed with spaces.
  it.each([
    ['5001 0073 2259', '500100732259'],
    ['500-100-732-259', '500100732259'],
    ['770 708 389 3', '7707083893'],
  ])('normalises the separated INN %j to digits', (inn, expected) => {
    expect(valuesOf(required('inn'), { inn })).toEqual({ inn: expected });
  });

  it.each(['7707083894', '500100732258', '77070838931', '77070838a3'])(
    'refuses the INN %j as invalid_inn',
    (inn) => {
      expect(errorsOf(required('inn'), { inn })).toEqual({ inn: 'invalid_inn' });
    },
  );

  it.each([
    ['gb', 'GB'],
    [' ru ', 'RU'],
    ['De', 'DE'],
  ])('upper-cases the country %j', (country, expected) => {
    expect(valuesOf(required('country'), { country })).toEqual({ country: expected });
  });

  it.each([
    ['G1', 'invalid'],
    ['G', 'invalid'],
    ['GBR', 'too_long'],
  ])('refuses the country %j as %s', (country, code) => {
    expect(errorsOf(required('country'), { country })).toEqual({ country: code });
  });

  it.each([
    ['11/111/1111', '11/111/1111'],
    [' 11 111 1111 ', '11/111/1111'],
    ['111111111', '11/111/1111'],
    ['11-111-1111', '11/111/1111'],
  ])('writes the holding number %j as Red Tractor lists it', (holdingNumber, expected) => {
    expect(valuesOf(required('holdingNumber'), { holdingNumber })).toEqual({
      holdingNumber: expected,
    });
  });

  it.each(['11/111/111', '1111111111', '11/111/111A', 'AB/123/4567'])(
    'refuses the holding number %j as invalid_holding_number',
    (holdingNumber) => {
      expect(errorsOf(required('holdingNumber'), { holdingNumber })).toEqual({
        holdingNumber: 'invalid_holding_number',
      });
    },
  );

  it('keeps the case of the e-mail, only trimming it', () => {
    expect(valuesOf(required('email'), { email: ' User@Example.COM ' })).toEqual({
      email: 'User@Example.COM',
    });
  });

  it('refuses an invalid e-mail as invalid_email', () => {
    expect(errorsOf(required('email'), { email: 'a@b' })).toEqual({ email: 'invalid_email' });
  });
});

describe('FIELD_SCHEMAS', () => {
  it('has a schema for every field name and nothing else', () => {
    expect(Object.keys(FIELD_SCHEMAS).sort()).toEqual([...FIELD_NAMES].sort());
  });

  it('can be used on its own by the widget', () => {
    expect(FIELD_SCHEMAS.domain.safeParse('https://Example.COM/')).toEqual({
      success: true,
      data: 'example.com',
    });
    expect(FIELD_SCHEMAS.inn.safeParse('7707083894').success).toBe(false);
    expect(FIELD_SCHEMAS.email.safeParse(undefined).error?.issues[0]?.message).toBe('required');
    expect(FIELD_SCHEMAS.email.safeParse(1).error?.issues[0]?.message).toBe('invalid');
  });

  it.each(FIELD_NAMES)('%s reports only known error codes', (name) => {
    const codes: readonly string[] = FIELD_ERROR_CODES;
    for (const input of [undefined, 1, '', 'x'.repeat(300), 'a\u0000', 'zz', 'ok value']) {
      for (const issue of FIELD_SCHEMAS[name].safeParse(input).error?.issues ?? []) {
        expect(codes).toContain(issue.message);
      }
    }
  });
});

describe('fieldsSchema', () => {
  it('is strict and makes optional fields optional', () => {
    const schema = fieldsSchema([...required('email'), ...optional('phone')]);
    expect(schema.safeParse({ email: 'user@example.com' }).success).toBe(true);
    expect(schema.safeParse({ phone: '+44 20 7946 0958' }).success).toBe(false);
    expect(schema.safeParse({ email: 'user@example.com', extra: 'x' }).success).toBe(false);
  });
});

describe('fieldErrorsOf', () => {
  it('strips a path prefix so errors are keyed by field name', () => {
    const envelope = z.object({ fields: fieldsSchema(required('email', 'name')) });
    const result = envelope.safeParse({ fields: { email: 'nope', extra: 'x' } });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!, ['fields'])).toEqual({
      email: 'invalid_email',
      name: 'required',
      extra: 'unknown_field',
    });
  });

  it('keeps the first issue of a path', () => {
    const result = fieldsSchema(required('email')).safeParse({ email: 'a\u0000' });
    expect(result.error?.issues.length).toBeGreaterThanOrEqual(1);
    expect(fieldErrorsOf(result.error!)).toEqual({ email: 'invalid_characters' });
  });
});

describe('compactValues', () => {
  it('drops blank strings, null and undefined and keeps everything else untouched', () => {
    expect(
      compactValues({
        empty: '',
        spaces: '  \t',
        nul: null,
        undef: undefined,
        zero: 0,
        no: false,
        padded: ' x ',
        list: [],
      }),
    ).toEqual({ zero: 0, no: false, padded: ' x ', list: [] });
  });

  it('does not modify its argument', () => {
    const input = { a: '', b: 'x' };
    compactValues(input);
    expect(input).toEqual({ a: '', b: 'x' });
  });
});

describe('a flow’s own checks (FlowCheck), the same in the browser and on the server', () => {
  const GB = { callingCode: '44', nationalPrefix: '0', lengths: [7, 9, 10] };
  const rules: FieldRule[] = [
    { name: 'phone', required: true, plan: GB },
    { name: 'password', required: true, minLength: 10, common: ['password123'] },
    { name: 'country', required: false, options: ['GB', 'FR'] },
  ];
  const both = (values: Record<string, unknown>) => [
    checkValues(rules.map(boundedRule), values),
    validateFields(rules, values),
  ];

  it.each<[Record<string, string>, Record<string, string>]>([
    [{ phone: '07700 9001234', password: 'long enough' }, { phone: 'invalid_phone' }],
    [{ phone: '07700 900123', password: 'short' }, { password: 'too_short' }],
    [{ phone: '07700 900123', password: 'Password123' }, { password: 'common_password' }],
    [{ phone: '123', password: 'long enough' }, { phone: 'invalid_phone' }],
    [{ phone: '07700 900123', password: 'long enough', country: 'DE' }, { country: 'invalid' }],
  ])('%j: %j', (values, errors) => {
    for (const result of both(values)) expect(result).toEqual({ ok: false, errors });
  });

  it('accepts a national number of the plan, another country’s by the light check', () => {
    for (const phone of ['07700 900123', '+33 6 12 34 56 78']) {
      for (const result of both({ phone, password: 'long enough' })) {
        expect(result).toEqual({ ok: true, values: { phone, password: 'long enough' } });
      }
    }
  });

  it('flowError is the check both use', () => {
    expect(flowError('07700 9001234', { plan: GB })).toBe('invalid_phone');
    expect(flowError('+33 6 12 34 56 78', { plan: GB })).toBeUndefined();
    expect(flowError('short', { minLength: 10 })).toBe('too_short');
    expect(flowError('anything at all', {})).toBeUndefined();
  });
});
