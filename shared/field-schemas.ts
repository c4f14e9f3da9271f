/**
 * The field rules of fields.ts compiled into zod/mini schemas: what the server validates with.
 * The widget runs the same rules without zod (`checkValue`); fields.equivalence.test.ts checks
 * on generated input that both give the same value or the same error code.
 */
import * as z from 'zod/mini';
import { FIELD_ERROR_CODES, type FieldErrorCode, type FieldErrors } from './errors.ts';
import {
  FIELD_NAMES,
  FIELD_SPECS,
  VALUE_RULES,
  compactValues,
  flowError,
  type FieldName,
  type FieldRule,
  type FieldValues,
} from './fields.ts';
import { hasControlCharacters, stripInvisible } from './validators.ts';

const fail = (error: FieldErrorCode) => ({ error, abort: true });

function compile(name: FieldName): z.ZodMiniType<string, string> {
  const rule = VALUE_RULES[name];
  const checks: z.core.$ZodCheck<string>[] = [];
  if (!rule.raw) {
    if (rule.text) checks.push(z.overwrite(stripInvisible));
    checks.push(z.normalize('NFC'), z.trim());
    if (rule.prepare) checks.push(z.overwrite(rule.prepare));
  }
  checks.push(
    z.minLength(1, fail('required')),
    z.maxLength(FIELD_SPECS[name].maxLength, fail('too_long')),
  );
  if (!rule.raw) {
    const invisible = !rule.text;
    checks.push(
      z.refine((v: string) => !hasControlCharacters(v, invisible), fail('invalid_characters')),
    );
  }
  for (const step of rule.steps ?? []) {
    checks.push(typeof step === 'function' ? z.overwrite(step) : z.refine(step[0], fail(step[1])));
  }
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid') })
    .check(...checks);
}

export const FIELD_SCHEMAS = Object.fromEntries(
  FIELD_NAMES.map((name) => [name, compile(name)]),
) as Record<FieldName, z.ZodMiniType<string, string>>;

/** Compiled once per rules array: building a zod object costs more than parsing with it. */
const compiledFlows = new WeakMap<readonly FieldRule[], z.ZodMiniObject>();

/** The strict object schema of a flow's fields: unknown keys are refused. */
export function fieldsSchema(rules: readonly FieldRule[]): z.ZodMiniObject {
  let schema = compiledFlows.get(rules);
  if (!schema) compiledFlows.set(rules, (schema = compileFlow(rules)));
  return schema;
}

function compileFlow(rules: readonly FieldRule[]): z.ZodMiniObject {
  const shape: Record<string, z.ZodMiniType<unknown, unknown>> = {};
  for (const rule of rules) {
    // The flow's own check (options, phone plan, password policy): the function the widget runs.
    const schema = FIELD_SCHEMAS[rule.name].check(
      z.superRefine((value, ctx) => {
        const error = flowError(value, rule);
        if (error) ctx.addIssue({ code: 'custom', message: error, input: value, continue: false });
      }),
    );
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

/** Validates a flow's values: either the normalised values or one error code per field. */
export function validateFields(
  rules: readonly FieldRule[],
  values: Record<string, unknown>,
): { ok: true; values: FieldValues } | { ok: false; errors: FieldErrors } {
  const result = fieldsSchema(rules).safeParse(compactValues(values));
  if (result.success) return { ok: true, values: result.data };
  return { ok: false, errors: fieldErrorsOf(result.error) };
}
