/**
 * Stable error codes. The BFF answers them, the widget translates them; raw provider text never
 * reaches a user. Adding a code means adding its string to every locale (a test checks).
 */
export const FIELD_ERROR_CODES = [
  'required',
  'too_long',
  'invalid',
  'invalid_characters',
  'invalid_email',
  'invalid_phone',
  'invalid_domain',
  'invalid_inn',
  'unknown_field',
  'already_registered',
  'invalid_code',
  'too_short',
  'common_password',
  'invalid_vat',
  'invalid_company_number',
  'company_liquidated',
  'company_dissolved',
  'invalid_holding_number',
  'certificate_required',
  'disposable_email',
  'free_mail_domain',
  'email_domain_mismatch',
  'email_domain_no_mail',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export const PROBLEM_CODES = [
  'invalid_fields',
  'bad_request',
  'malformed_json',
  'invalid_idempotency_key',
  'idempotency_key_reused',
  'in_progress',
  'already_registered',
  'origin_not_allowed',
  'flow_not_found',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'provider_unavailable',
  'provider_rejected',
  'invalid_code',
  'form_expired',
  'captcha_unavailable',
  'step_not_available',
  'too_many_attempts',
  'unauthorized',
  'internal_error',
  'lookup_unavailable',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Field name -> first error code: the shape of `errors` in a problem and in the widget. */
export type FieldErrors = Record<string, FieldErrorCode>;
