// First: its requests go out before the rest of the script (Lit included) is evaluated.
import { earlyFor } from './early-load.ts';
import { LitElement, type PropertyValues, type TemplateResult } from 'lit';
import type { FlowDescriptor } from '../shared/api.ts';
import type { Strings } from '../shared/i18n/en.ts';
import type { OrgSignupEventMap } from './events.ts';
import { FlowLoader } from './flow-loader.ts';
import { FollowUpSteps } from './follow-up-steps.ts';
import type { OrgSignupHost } from './host.ts';
import { SignupForm } from './signup-form.ts';
import { styles } from './styles.ts';

export type * from './events.ts';

/**
 * `<org-signup flow="…">`: a B2B registration form for one flow configured on the BFF.
 *
 * @fires org-signup-ready - the flow is loaded and the form rendered
 * @fires org-signup-submit - about to send; cancelable (`preventDefault()` vetoes the submission)
 * @fires org-signup-success - registered: `{ registrationId, status, next }`
 * @fires org-signup-error - refused or failed: `{ code, errors }`
 *
 * @csspart form - the form
 * @csspart field - one label + input + error group
 * @csspart label - a field's label
 * @csspart input - a field's input
 * @csspart error - a field's error text
 * @csspart submit - the submit button
 * @csspart message - error summary, outage and success messages
 *
 * @cssprop --org-signup-font - font shorthand (default: inherited from the page)
 * @cssprop --org-signup-color-text - text colour
 * @cssprop --org-signup-color-background - background colour
 * @cssprop --org-signup-color-muted - hints and notes
 * @cssprop --org-signup-color-border - input borders
 * @cssprop --org-signup-color-field - input background
 * @cssprop --org-signup-color-accent - button and links
 * @cssprop --org-signup-color-accent-text - text on the button
 * @cssprop --org-signup-color-error - errors
 * @cssprop --org-signup-color-success - the success mark
 * @cssprop --org-signup-color-focus - focus ring
 * @cssprop --org-signup-radius - corner radius
 * @cssprop --org-signup-spacing - gap between fields
 * @cssprop --org-signup-padding - padding around the form (default 1rem; 0 to sit flush)
 * @cssprop --org-signup-max-width - maximum width
 */
export class OrgSignup extends LitElement implements OrgSignupHost {
  static override styles = styles;

  // Lit's own `properties` table, not decorators: no decorator helpers in the bundle. The fields
  // below are then plain assignments (tsconfig: useDefineForClassFields false) that go through
  // the accessors Lit makes from this table.
  static override properties = {
    flow: {},
    endpoint: {},
    locale: {},
    theme: { reflect: true },
    fields: {},
    termsUrl: { attribute: 'terms-url' },
    privacyUrl: { attribute: 'privacy-url' },
    redirectUrl: { attribute: 'redirect-url' },
    loginUrl: { attribute: 'login-url' },
    inviteCode: { attribute: 'invite-code' },
    leadComment: { attribute: 'lead-comment' },
    leadAttractor: { attribute: 'lead-attractor' },
    values: { attribute: false },
    strings: { attribute: false },
    captchaToken: { attribute: false },
  };

  /** Id of a flow configured on the BFF. */
  flow = '';
  /** BFF base URL; default: the origin this script was loaded from. */
  endpoint?: string;
  /** BCP 47 tag; default from `navigator.languages`; falls back to English. */
  locale?: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: 'light' | 'dark' | 'auto' = 'light';
  /** Comma-separated optional fields to show besides the flow's required ones. */
  fields?: string;
  /** Terms of service: when set (or with `privacy-url`), a required consent checkbox links to it. */
  termsUrl?: string;
  /** Privacy policy for the consent checkbox. */
  privacyUrl?: string;
  /** http(s) URL to go to after a successful registration. */
  redirectUrl?: string;
  /** http(s) URL of the sign-in page: "already registered" then offers "Sign in instead". */
  loginUrl?: string;
  /** Invite / promo code passed by the host page, where the flow takes one. */
  inviteCode?: string;
  /** Host-page comment passed through, where the flow accepts it. */
  leadComment?: string;
  /** Host-page "attracted by" (manager) value passed through, where the flow accepts it. */
  leadAttractor?: string;
  /** Prefilled field values by canonical name. */
  values: Record<string, string> = {};
  /** Overrides of the current locale's texts, by key. */
  strings: Partial<Strings> = {};
  /**
   * For flows with a captcha: the token of the captcha the host page renders in the `captcha`
   * slot (set it from the captcha's callback).
   */
  captchaToken?: string;

  // Each part is a reactive controller that calls requestUpdate() when what it renders changes.
  // Their own members are #private: really private, and the minifier shortens those names (a
  // TypeScript `private` name ships in full).
  /** Loading the flow descriptor, and its texts. */
  readonly #loader = new FlowLoader(this, (flow) => this.#form.loaded(flow));
  /** The form, until a registration succeeds. */
  readonly #form = new SignupForm(this, this.#loader, (response) => this.#steps.show(response));
  /** What follows a successful registration. */
  readonly #steps = new FollowUpSteps(this, this.#loader);
  /** The form has rendered once: its height is recorded, any reservation lifted. */
  #measured = false;
  /** The min-height reserved from the last load, until the form renders. */
  #reserved?: string;
  /** The id of the server-rendered control that had the focus when this element took over. */
  #focused?: string;

  /**
   * The first render waits a moment for a descriptor already on its way (widget/early-load.ts),
   * so that the form is the first thing shown: no "Loading…" flashed (and announced) for a few
   * milliseconds, no frame painted between the answer and the form. A slow answer shows
   * "Loading…" after that moment, as before.
   */
  protected override async scheduleUpdate(): Promise<unknown> {
    if (!this.hasUpdated && !this.#loader.descriptor) await earlyFor(this)?.settled;
    return super.scheduleUpdate();
  }

  /**
   * The embed snippet's form, server-rendered as a declarative shadow root: its descriptor and
   * what was typed into it before this script ran are taken, then its markup is cleared, so the
   * first render (in this task, before any paint) is the same form with the same values. A fresh
   * descriptor, with its form token, loads behind it.
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = this.shadowRoot;
    const data = root?.querySelector('script');
    if (data) {
      this.#loader.descriptor = JSON.parse(data.text) as FlowDescriptor;
      this.#form.prefill(
        Object.fromEntries(new FormData(root!.querySelector('form')!)) as Record<string, string>,
      );
      // The control being typed in gets the focus back once rendered again (see `updated`).
      this.#focused = root!.activeElement?.id;
      // Lit reuses an existing shadow root and would render before its markup, not instead.
      root!.replaceChildren();
    } else {
      // The plain tag: the height this flow's form had last time, reserved until it renders
      // (not over a height the page set on the element itself).
      try {
        const height = localStorage[`org-signup:${this.flow}`] as string | undefined;
        if (height && !this.style.minHeight) this.style.minHeight = this.#reserved = height;
      } catch {
        // No storage (a sandboxed frame, blocked cookies): nothing reserved.
      }
    }
    return super.createRenderRoot();
  }

  override updated(): void {
    // The form's first render: its height for the next load; the reservation is no longer needed.
    if (this.#loader.descriptor && !this.#measured) {
      this.#measured = true;
      if (this.#reserved) this.style.minHeight = '';
      if (this.#focused) this.renderRoot.querySelector<HTMLElement>(`#${this.#focused}`)?.focus();
      try {
        localStorage[`org-signup:${this.flow}`] = `${this.offsetHeight}px`;
      } catch {
        // As above.
      }
    }
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // The descriptor first: one already here fills the invite code, which `values` overrides.
    this.#loader.loadIfChanged();
    if (changed.has('values')) this.#form.prefill(this.values);
  }

  override render(): TemplateResult {
    const flow = this.#loader.descriptor;
    if (!flow) return this.#loader.render();
    const result = this.#steps.result;
    return result
      ? this.#steps.render(result, this.#form.values['email'] ?? '')
      : this.#form.render(flow);
  }
}

/** The element's public properties (docs/design.md §1): what a framework binds. */
export type OrgSignupProperties = Pick<
  OrgSignup,
  | 'flow'
  | 'endpoint'
  | 'locale'
  | 'theme'
  | 'fields'
  | 'termsUrl'
  | 'privacyUrl'
  | 'redirectUrl'
  | 'inviteCode'
  | 'leadComment'
  | 'leadAttractor'
  | 'values'
  | 'strings'
  | 'captchaToken'
>;

// A page may load this script twice (two embeds, a tag manager): define once, never throw.
// Only in a browser: server rendering (Next.js, Nuxt, Astro) imports this module in Node, where
// Lit's shim of customElements would take the definition; the element upgrades in the browser.
// The CDN file, which only a browser loads, leaves the test out (__BROWSER_ONLY__, widget/env.d.ts).
if ((__BROWSER_ONLY__ || typeof document !== 'undefined') && !customElements.get('org-signup')) {
  customElements.define('org-signup', OrgSignup);
}

declare global {
  interface HTMLElementTagNameMap {
    'org-signup': OrgSignup;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends OrgSignupEventMap {}
}
