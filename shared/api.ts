/**
 * The BFF's HTTP payloads (docs/design.md §2), shared so the widget and the server agree by type.
 */
import * as z from 'zod/mini';
import type { FieldErrors, ProblemCode } from './errors.ts';
import type { FieldRule, FieldSpec } from './fields.ts';
import type { StringKey } from './i18n/en.ts';
import type { ProviderId } from './providers.ts';

import { HOST_VALUE_NAMES, UTM_KEYS, type HostValueName } from './names.ts';
import { cleanHostText } from './validators.ts';

export { HOST_VALUE_NAMES, UTM_KEYS };
export type { HostValueName, UtmKey } from './names.ts';

/**
 * A value the host page or its URL sets (host values, UTM): controls and invisible characters
 * are cleaned out rather than refused, since the user could not see or fix them.
 */
const hostText = (max: number) =>
  z
    .string()
    .check(
      z.overwrite(cleanHostText),
      z.normalize('NFC'),
      z.trim(),
      z.maxLength(max, { error: 'too_long' }),
    );

/**
 * The registration request's envelope. `fields` is checked afterwards against the flow's own
 * field rules (see `validateFields`), so its errors are keyed by the field's name.
 */
export const registrationRequestSchema = z.strictObject({
  fields: z.record(z.string(), z.unknown()),
  hostValues: z.optional(z.partialRecord(z.enum(HOST_VALUE_NAMES), hostText(500))),
  utm: z.optional(z.partialRecord(z.enum(UTM_KEYS), hostText(200))),
  consent: z.optional(z.boolean()),
  /** From the flow descriptor: proves when the form was served (minimum fill time). */
  formToken: z.optional(z.string().check(z.maxLength(200))),
  /** The honeypot field's value: empty from a person. */
  hp: z.optional(z.string().check(z.maxLength(500))),
  /** The host page's captcha widget's token, where the flow asks for one. */
  captchaToken: z.optional(z.string().check(z.maxLength(4096))),
  locale: z.optional(
    z.string().check(z.maxLength(35), z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/)),
  ),
});
export type RegistrationRequest = z.infer<typeof registrationRequestSchema>;

/**
 * A field as the widget renders and checks it: its spec, and the flow's rule for it (`options`,
 * the phone `plan`, the password's `minLength` and `common` list: see `FlowCheck`).
 */
export interface FieldDescriptor extends FieldSpec, FieldRule {
  /** `phone`: an example number of the flow's country, international format (the hint's). */
  example?: string;
}

/** `GET /v1/flows/:flow`: everything the widget needs, nothing secret. */
export interface FlowDescriptor {
  id: string;
  provider: ProviderId;
  fields: FieldDescriptor[];
  consent: { required: boolean };
  locales: string[];
  hostValues: HostValueName[];
  /**
   * The most the BFF takes to answer a registration (ms): past it, the widget stops waiting and
   * offers to send again (with the same Idempotency-Key).
   */
  budgetMs: number;
  /** Bot checks the widget takes part in: the honeypot, and the token it waits out. */
  bot: { honeypot: boolean; minFillSeconds: number; formToken: string };
  /** Where set, the host page renders this captcha and hands its token to the widget. */
  captcha?: { provider: 'turnstile' | 'hcaptcha'; siteKey: string };
  /**
   * The fields the BFF looks up in a registry (`GET /v1/flows/:flow/lookup`), absent when none:
   * e.g. `["inn"]`. `holdingNumber` is looked up with the `zip` field's value as the postcode.
   */
  lookup?: LookupFieldName[];
  /** The locale chosen from the request's `?locale=` preferences, and all its texts. */
  locale: string;
  strings: Record<StringKey, string>;
}

/** The fields a registry can be asked about. */
export const LOOKUP_FIELD_NAMES = ['inn', 'vat', 'companyNumber', 'holdingNumber'] as const;
export type LookupFieldName = (typeof LOOKUP_FIELD_NAMES)[number];

/** A company's standing in its registry. */
export const REGISTRY_STATUSES = [
  'active',
  'liquidating',
  'liquidated',
  'dissolved',
  'unknown',
] as const;
export type RegistryStatus = (typeof REGISTRY_STATUSES)[number];

/** The form fields a registry answer fills in (a type, so that it is a plain record of strings). */
export type RegistryFields = {
  organisationName: string;
  street?: string;
  houseNumber?: string;
  zip?: string;
  city?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
};

/** `GET /v1/flows/:flow/lookup?field=…&value=…[&zip=…]`: 200 (docs/registries.md). */
export interface LookupResponse {
  field: LookupFieldName;
  /** The number as the registry was asked (compacted: no spaces, upper case). */
  value: string;
  status: RegistryStatus;
  /** What to fill in: only what the registry gave. */
  fields: RegistryFields;
  /** The registry id: `dadata`, `vies`, `companies-house`, `hectare`. */
  source: string;
  /** `holdingNumber` only: the Red Tractor certificate (`Valid` or `Grace`, ISO 8601 expiry). */
  certificate?: { status: 'Valid' | 'Grace'; expires: string };
}

/** What the widget shows after a successful submission (docs/design.md §1). */
export type NextStep =
  | { type: 'verify-code' }
  | { type: 'confirm-email'; canResend: boolean }
  | { type: 'await-approval' }
  | null;

export type RegistrationStatus =
  'completed' | 'queued' | 'failed' | 'rejected' | 'awaiting-approval';

/** A success the widget words differently from "registered". */
export type RegistrationNotice = 'account-requested';

export interface RegistrationResponse {
  id: string;
  status: RegistrationStatus;
  next?: NextStep;
  organisation?: { id?: string; name?: string; domain?: string };
  notice?: RegistrationNotice;
  /** Only where the flow sets `revealGeneratedPassword` and only in the first answer. */
  account?: { password: string };
}

/** `POST /v1/registrations/:id/verify`: the six-digit code, spaces and dashes allowed. */
export const verifyRequestSchema = z.strictObject({
  code: z.string({ error: 'invalid_code' }).check(
    z.overwrite((v) => v.replace(/[\s-]/g, '')),
    z.regex(/^\d{6}$/, { error: 'invalid_code' }),
  ),
});

/** `POST /v1/registrations/:id/resend`: 202 with when the next resend is allowed. */
export interface ResendResponse {
  id: string;
  status: 'sent';
  /** Seconds before another resend is accepted. */
  retryAfter: number;
}

/** RFC 9457 problem details with our stable code. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  errors?: FieldErrors;
  /**
   * For the page's visitor, in the locale negotiated from `?locale=`: only on the refusals of
   * `GET /v1/flows/:flow` that the site owner must fix (`flow_not_found`, `origin_not_allowed`).
   */
  text?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
