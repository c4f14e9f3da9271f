/**
 * The canonical fields (DESIGN.md §2): one name per concept, whatever the provider calls it.
 * Each has a zod/mini schema (shared by widget and server) and what the widget needs to render it.
 */
import * as z from 'zod/mini';
import { isCountryCode } from './countries.ts';
import { FIELD_ERROR_CODES, type FieldErrorCode, type FieldErrors } from './errors.ts';
import {
  hasControlCharacters,
  isPlausiblePhone,
  isValidDomain,
  isValidEmail,
  isValidInn,
  normalizeDomain,
} from './validators.ts';

export const FIELD_NAMES = [
  'email',
  'name',
  'firstName',
  'lastName',
  'phone',
  'organisationName',
  'domain',
  'inn',
  'companyNumber',
  'country',
  'vat',
  'street',
  'houseNumber',
  'zip',
  'city',
  'login',
  'password',
  'inviteCode',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** How the widget renders a field: input type, autofill token, length bound, keyboard. */
export interface FieldSpec {
  /** `select`: one of the field's `options` (or, for `country`, every ISO 3166 country). */
  type: 'text' | 'email' | 'tel' | 'password' | 'select';
  autocomplete: string;
  maxLength: number;
  inputMode?: 'text' | 'email' | 'tel' | 'numeric' | 'url';
  /** Never written to the journal or a log (DESIGN.md §6). */
  secret?: boolean;
}

const text = (autocomplete: string, maxLength = 200): FieldSpec => ({
  type: 'text',
  autocomplete,
  maxLength,
});

export const FIELD_SPECS: Record<FieldName, FieldSpec> = {
  email: { type: 'email', autocomplete: 'email', maxLength: 254, inputMode: 'email' },
  name: text('name'),
  firstName: text('given-name', 100),
  lastName: text('family-name', 100),
  phone: { type: 'tel', autocomplete: 'tel', maxLength: 32, inputMode: 'tel' },
  organisationName: text('organization'),
  domain: { ...text('url', 253), inputMode: 'url' },
  // Room for the spaces or dashes people type; the schema checks 10 or 12 digits.
  inn: { ...text('off', 16), inputMode: 'numeric' },
  companyNumber: text('off', 32),
  country: { type: 'select', autocomplete: 'country', maxLength: 2 },
  vat: text('off', 32),
  street: text('address-line1'),
  houseNumber: text('off', 16),
  zip: text('postal-code', 16),
  city: text('address-level2', 100),
  login: text('username', 100),
  password: { type: 'password', autocomplete: 'new-password', maxLength: 128, secret: true },
  inviteCode: text('off', 64),
};

const fail = (error: FieldErrorCode) => ({ error, abort: true });

/**
 * Every field: a string, NFC-normalised, trimmed, not empty, bounded, no control characters.
 * `prepare` normalises before the length check (an INN typed with spaces is 12 digits, not 15).
 */
function base(name: FieldName, prepare?: z.core.$ZodCheck<string>) {
  return z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid') }).check(
    z.normalize('NFC'),
    z.trim(),
    ...(prepare ? [prepare] : []),
    z.minLength(1, fail('required')),
    z.maxLength(FIELD_SPECS[name].maxLength, fail('too_long')),
    z.refine((v) => !hasControlCharacters(v), fail('invalid_characters')),
  );
}

const digitsOnly = z.overwrite((v: string) => v.replace(/[\s-]/g, ''));

export const FIELD_SCHEMAS = {
  email: base('email').check(z.refine(isValidEmail, { error: 'invalid_email' })),
  name: base('name'),
  firstName: base('firstName'),
  lastName: base('lastName'),
  phone: base('phone').check(z.refine(isPlausiblePhone, { error: 'invalid_phone' })),
  organisationName: base('organisationName'),
  domain: base('domain').check(
    z.overwrite(normalizeDomain),
    z.refine(isValidDomain, { error: 'invalid_domain' }),
  ),
  inn: base('inn', digitsOnly).check(z.refine(isValidInn, { error: 'invalid_inn' })),
  companyNumber: base('companyNumber'),
  country: base('country').check(z.toUpperCase(), z.refine(isCountryCode, { error: 'invalid' })),
  vat: base('vat'),
  street: base('street'),
  houseNumber: base('houseNumber'),
  zip: base('zip'),
  city: base('city'),
  login: base('login'),
  password: z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid') })
    .check(
      z.minLength(1, fail('required')),
      z.maxLength(FIELD_SPECS.password.maxLength, fail('too_long')),
    ),
  inviteCode: base('inviteCode'),
} satisfies Record<FieldName, z.ZodMiniType<string, string>>;

export function isFieldName(name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

/** A field as a flow uses it: which canonical field, and whether the flow needs it. */
export interface FieldRule {
  name: FieldName;
  required: boolean;
  /** The only values the provider accepts (e.g. its country codes): rendered as a select. */
  options?: readonly string[];
}

/**
 * Drops empty and whitespace-only values so "left blank" and "not sent" mean the same thing:
 * a blank required field then reads `required`, a blank optional one is simply absent.
 */
export function compactValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' && value.trim() === '') continue;
    if (value === undefined || value === null) continue;
    out[key] = value;
  }
  return out;
}

/** The strict object schema of a flow's fields: unknown keys are refused. */
export function fieldsSchema(rules: readonly FieldRule[]) {
  const shape: Record<string, z.ZodMiniType<unknown, unknown>> = {};
  for (const rule of rules) {
    const { options } = rule;
    const schema = options
      ? FIELD_SCHEMAS[rule.name].check(z.refine((v) => options.includes(v), { error: 'invalid' }))
      : FIELD_SCHEMAS[rule.name];
    shape[rule.name] = rule.required ? schema : z.optional(schema);
  }
  return z.strictObject(shape);
}

/** One error code per field from a zod error: the first issue on each path wins. */
export function fieldErrorsOf(error: z.core.$ZodError, prefix: PropertyKey[] = []): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.slice(prefix.length);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) if (!Object.hasOwn(errors, key)) errors[key] = 'unknown_field';
      continue;
    }
    const key = String(path[0] ?? '');
    // Our checks put a code in the message; zod's own (type, enum…) messages become `invalid`.
    const known = (FIELD_ERROR_CODES as readonly string[]).includes(issue.message);
    if (!Object.hasOwn(errors, key))
      errors[key] = known ? (issue.message as FieldErrorCode) : 'invalid';
  }
  return errors;
}

export type FieldValues = Partial<Record<FieldName, string>>;

/** Validates a flow's values: either the normalised values or one error code per field. */
export function validateFields(
  rules: readonly FieldRule[],
  values: Record<string, unknown>,
): { ok: true; values: FieldValues } | { ok: false; errors: FieldErrors } {
  const result = fieldsSchema(rules).safeParse(compactValues(values));
  if (result.success) return { ok: true, values: result.data };
  return { ok: false, errors: fieldErrorsOf(result.error) };
}
