/** The element's events (docs/design.md §1): bubbling, composed `CustomEvent`s with typed details. */
import type { NextStep, RegistrationStatus } from '../shared/api.ts';
import type { FieldErrors } from '../shared/errors.ts';

export interface OrgSignupReadyDetail {
  flow: string;
  provider: string;
}
export interface OrgSignupSubmitDetail {
  flow: string;
  /** What is about to be sent, passwords left out. */
  fields: Record<string, string>;
}
export interface OrgSignupSuccessDetail {
  registrationId: string;
  status: RegistrationStatus;
  next: NextStep;
}
export interface OrgSignupErrorDetail {
  /** A stable code: `invalid_fields`, `already_registered`, `provider_unavailable`, `network`… */
  code: string;
  errors: FieldErrors;
}

export interface OrgSignupEventMap {
  'org-signup-ready': CustomEvent<OrgSignupReadyDetail>;
  /** Cancelable: `preventDefault()` stops the submission. */
  'org-signup-submit': CustomEvent<OrgSignupSubmitDetail>;
  'org-signup-success': CustomEvent<OrgSignupSuccessDetail>;
  'org-signup-error': CustomEvent<OrgSignupErrorDetail>;
}
