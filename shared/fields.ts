/**
 * The canonical fields (docs/design.md §1): one name per concept, whatever the provider calls it.
 * Each has its value rule (checked by the widget and, compiled to zod, by the server) and what
 * the widget needs to render it.
 */
import type { FieldErrorCode, FieldErrors } from './errors.ts';
import {
  compactHoldingNumber,
  hasControlCharacters,
  isPlausibleHoldingNumber,
  isPlausiblePhone,
  isValidDomain,
  isValidEmail,
  isValidInn,
  normalizeDomain,
  passwordError,
  phoneInPlan,
  stripInvisible,
  type PasswordPolicy,
  type PhonePlan,
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
  'holdingNumber',
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
  /** Never written to the journal or a log (docs/reliability.md). */
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
  holdingNumber: text('off', 16),
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

/** A step of a field's check: a normalisation, or a test with the error code it fails with. */
export type Step =
  ((value: string) => string) | readonly [(value: string) => boolean, FieldErrorCode];

/**
 * What a field's value must be, beyond what every field must be (a string, NFC-normalised,
 * trimmed, not empty, at most `maxLength`, no control characters, and no invisible characters
 * unless `text`: validators.ts says which field does what). Plain data and functions, so the
 * widget runs it with `checkValue` (no zod in the browser, to keep the widget small) and the
 * server compiles the same rules into zod schemas (field-schemas.ts); a property test keeps the
 * two in step.
 */
export interface ValueRule {
  /** Taken as typed: no normalising, trimming or control-character check (passwords). */
  raw?: boolean;
  /** Free text a person types: invisible (format) characters stripped, not refused. */
  text?: boolean;
  /** Runs before the length check (an INN typed with spaces is 12 digits, not 15). */
  prepare?: (value: string) => string;
  steps?: readonly Step[];
}

// White space but U+FEFF (JavaScript's \s has it), which is refused inside identifiers.
const digitsOnly = (v: string) => v.replace(/(?!\ufeff)[\s-]/g, '');
const freeText: ValueRule = { text: true };

export const VALUE_RULES: Record<FieldName, ValueRule> = {
  email: { steps: [[isValidEmail, 'invalid_email']] },
  name: freeText,
  firstName: freeText,
  lastName: freeText,
  phone: { steps: [[isPlausiblePhone, 'invalid_phone']] },
  organisationName: freeText,
  domain: { steps: [normalizeDomain, [isValidDomain, 'invalid_domain']] },
  inn: { prepare: digitsOnly, steps: [[isValidInn, 'invalid_inn']] },
  companyNumber: {},
  // Only ever looked up (no provider takes it): its one format, whatever the separators.
  holdingNumber: {
    prepare: compactHoldingNumber,
    steps: [[isPlausibleHoldingNumber, 'invalid_holding_number']],
  },
  // Which codes exist is the flow's `options` (every ISO 3166 code unless the provider has a
  // list), so the widget need not carry the list.
  country: { steps: [(v) => v.toUpperCase(), [(v) => /^[A-Z]{2}$/.test(v), 'invalid']] },
  vat: {},
  street: freeText,
  houseNumber: {},
  zip: {},
  city: freeText,
  login: {},
  password: { raw: true },
  inviteCode: {},
};

export type ValueCheck = { ok: true; value: string } | { ok: false; error: FieldErrorCode };

/**
 * A field as the widget checks it: the flow's data and the length bound, both from the flow
 * descriptor (the widget then carries no FIELD_SPECS: the bound is `FIELD_SPECS`' on the server).
 */
export type BoundedCheck = FlowCheck & { maxLength: number };

/** A rule with its field's length bound, as the descriptor gives it to the widget. */
export function boundedRule<R extends FieldRule>(rule: R): R & BoundedCheck {
  return { ...rule, maxLength: FIELD_SPECS[rule.name].maxLength };
}

/**
 * Checks and normalises one value by its field's rule, then by the flow's own data for the field
 * (`flowError`): the first failure's code wins.
 */
export function checkValue(name: FieldName, input: unknown, flow: BoundedCheck): ValueCheck {
  if (input === undefined) return { ok: false, error: 'required' };
  if (typeof input !== 'string') return { ok: false, error: 'invalid' };
  const rule = VALUE_RULES[name];
  let value = input;
  if (!rule.raw) {
    // Stripped before NFC, which may then compose what the stripped character kept apart.
    value = (rule.text ? stripInvisible(value) : value).normalize('NFC').trim();
    if (rule.prepare) value = rule.prepare(value);
  }
  if (value.length === 0) return { ok: false, error: 'required' };
  // Counted in code points, as zod does (an emoji is one character, not two).
  const max = flow.maxLength;
  if (value.length > max && [...value].length > max) return { ok: false, error: 'too_long' };
  if (!rule.raw && hasControlCharacters(value, !rule.text))
    return { ok: false, error: 'invalid_characters' };
  for (const step of rule.steps ?? []) {
    if (typeof step === 'function') value = step(value);
    else if (!step[0](value)) return { ok: false, error: step[1] };
  }
  const error = flowError(value, flow);
  return error ? { ok: false, error } : { ok: true, value };
}

export function isFieldName(name: string): name is FieldName {
  return Object.hasOwn(FIELD_SPECS, name);
}

/**
 * A flow's own data for a field's check, beyond the field's rule: the server sets it from the
 * flow's configuration and the flow descriptor carries it, so the widget checks with the same.
 */
export interface FlowCheck extends Partial<PasswordPolicy> {
  /** The only values the provider accepts (e.g. its country codes): rendered as a select. */
  options?: readonly string[];
  /** `phone`: the numbering plan of the flow's `phoneCountry`. */
  plan?: PhonePlan;
}

/**
 * The flow's check of a value its field's rule accepted: one of the `options`, a possible number
 * of the `plan`'s country, a password the policy (`minLength`, `common`) allows.
 */
export function flowError(value: string, flow: FlowCheck): FieldErrorCode | undefined {
  const { options, plan, minLength, common } = flow;
  if (options && !options.includes(value)) return 'invalid';
  if (plan && phoneInPlan(value, plan) === '') return 'invalid_phone';
  return minLength ? passwordError(value, { minLength, common }) : undefined;
}

/** A field as a flow uses it: which canonical field, whether the flow needs it, its own data. */
export interface FieldRule extends FlowCheck {
  name: FieldName;
  required: boolean;
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

export type FieldValues = Partial<Record<FieldName, string>>;

/**
 * A flow's values checked by their rules (the widget's check; the server uses the same rules
 * through zod, see `validateFields` in field-schemas.ts): normalised values, or one error code
 * per field, unknown keys included.
 */
export function checkValues(
  rules: readonly (FieldRule & BoundedCheck)[],
  values: Record<string, unknown>,
): { ok: true; values: FieldValues } | { ok: false; errors: FieldErrors } {
  const given = compactValues(values);
  const out: FieldValues = {};
  const errors: FieldErrors = {};
  for (const key of Object.keys(given)) {
    if (!rules.some((rule) => rule.name === key)) errors[key] = 'unknown_field';
  }
  for (const rule of rules) {
    if (given[rule.name] === undefined && !rule.required) continue;
    const checked = checkValue(rule.name, given[rule.name], rule);
    if (checked.ok) out[rule.name] = checked.value;
    else errors[rule.name] = checked.error;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values: out };
}
