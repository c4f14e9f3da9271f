/**
 * The element as its controllers (flow-loader.ts, signup-form.ts, follow-up-steps.ts) see it:
 * its attributes and properties, declared here so that they need not import org-signup.ts,
 * which imports them.
 */
import type { ReactiveElement } from 'lit';
import type { Strings } from '../shared/i18n/en.ts';

export interface OrgSignupHost extends ReactiveElement {
  flow: string;
  endpoint?: string;
  locale?: string;
  fields?: string;
  termsUrl?: string;
  privacyUrl?: string;
  redirectUrl?: string;
  loginUrl?: string;
  inviteCode?: string;
  leadComment?: string;
  leadAttractor?: string;
  values: Record<string, string>;
  strings: Partial<Strings>;
  captchaToken?: string;
}
