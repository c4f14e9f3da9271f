/**
 * Typed errors with stable codes. Route code throws them; one error handler turns them into
 * RFC 9457 problem details (web/problem.ts). Provider adapters throw `ProviderError`, whose
 * `operatorMessage` goes to the log and never to the user.
 */
import type { FieldErrors, ProblemCode } from '../shared/errors.ts';

export class HttpProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly errors: FieldErrors | undefined;
  readonly headers: Record<string, string>;
  /** For the page's visitor, in their locale (`Problem.text`); set where the widget shows it. */
  text: string | undefined;

  constructor(
    status: number,
    code: ProblemCode,
    detail: string,
    options: { errors?: FieldErrors; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const invalidFields = (errors: FieldErrors) =>
  new HttpProblem(400, 'invalid_fields', 'Some fields are missing or not valid.', { errors });

export type ProviderErrorKind =
  /** The provider already has this e-mail / organisation / …: `field` says which. */
  | 'already_registered'
  /** The provider refused a value: `field` says which when it can be told. */
  | 'rejected'
  /** Down, timing out, resetting, 5xx: worth retrying later. */
  | 'unavailable'
  /** Our credentials or signature were refused: an operator must fix the configuration. */
  | 'misconfigured'
  /**
   * An answer we cannot read or do not recognise: unexpected status, shape, content type or
   * state. Never taken for a success; the operator's log line names the setting to check.
   */
  | 'bad_response'
  /** A confirmation code the provider refused (wrong or expired). */
  | 'invalid_code'
  /** The provider does not know the pending user or registration (any more). */
  | 'not_found';

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly field: string | undefined;
  /**
   * Whether the provider may have acted on the request (a timeout or a reset after sending, an
   * answer we cannot read), so that a retry's "already exists" must be reconciled, not reported.
   * An unreadable answer is unknown unless the adapter says otherwise.
   */
  readonly outcomeUnknown: boolean;

  constructor(
    kind: ProviderErrorKind,
    operatorMessage: string,
    options: { field?: string; outcomeUnknown?: boolean; cause?: unknown } = {},
  ) {
    super(operatorMessage, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.field = options.field;
    this.outcomeUnknown = options.outcomeUnknown ?? kind === 'bad_response';
  }
}
