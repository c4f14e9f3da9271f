// First: its requests go out before the rest of the script (Lit included) is evaluated.
import { earlyFor, endpointOf, requestOf, takeEarly, wantedLocales } from './early-load.ts';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { UTM_KEYS } from '../shared/names.ts';
import type {
  FieldDescriptor,
  FlowDescriptor,
  RegistrationRequest,
  RegistrationResponse,
} from '../shared/api.ts';
import type { FieldErrorCode, FieldErrors } from '../shared/errors.ts';
import { FIELD_SPECS, checkValue, checkValues, isFieldName } from '../shared/fields.ts';
import type { StringKey, Strings } from '../shared/i18n/en.ts';
import { format, negotiate } from '../shared/i18n/negotiate.ts';
import { BOOT_LOCALES, BOOT_STRINGS } from './boot-strings.ts';
import {
  loadFlow,
  newIdempotencyKey,
  resendStep,
  submitRegistration,
  verifyCode,
  FlowLoadError,
  type SubmitOutcome,
} from './api.ts';
import type { OrgSignupEventMap } from './events.ts';
import { styles } from './styles.ts';

export type * from './events.ts';

/** `href` resolved against the page when it is an http(s) URL (never `javascript:`), else undefined. */
function httpUrl(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

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
export class OrgSignup extends LitElement {
  static override styles = styles;

  /** Id of a flow configured on the BFF. */
  @property() flow = '';
  /** BFF base URL; default: the origin this script was loaded from. */
  @property() endpoint?: string;
  /** BCP 47 tag; default from `navigator.languages`; falls back to English. */
  @property() locale?: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'light';
  /** Comma-separated optional fields to show besides the flow's required ones. */
  @property() fields?: string;
  /** Terms of service: when set (or with `privacy-url`), a required consent checkbox links to it. */
  @property({ attribute: 'terms-url' }) termsUrl?: string;
  /** Privacy policy for the consent checkbox. */
  @property({ attribute: 'privacy-url' }) privacyUrl?: string;
  /** http(s) URL to go to after a successful registration. */
  @property({ attribute: 'redirect-url' }) redirectUrl?: string;
  /** Invite / promo code passed by the host page, where the flow takes one. */
  @property({ attribute: 'invite-code' }) inviteCode?: string;
  /** Host-page comment passed through, where the flow accepts it. */
  @property({ attribute: 'lead-comment' }) leadComment?: string;
  /** Host-page "attracted by" (manager) value passed through, where the flow accepts it. */
  @property({ attribute: 'lead-attractor' }) leadAttractor?: string;
  /** Prefilled field values by canonical name. */
  @property({ attribute: false }) values: Record<string, string> = {};
  /** Overrides of the current locale's texts, by key. */
  @property({ attribute: false }) strings: Partial<Strings> = {};
  /**
   * For flows with a captcha: the token of the captcha the host page renders in the `captcha`
   * slot (set it from the captcha's callback).
   */
  @property({ attribute: false }) captchaToken?: string;

  @state() private _values: Record<string, string> = {};
  @state() private _errors: FieldErrors = {};
  @state() private _consent = false;
  @state() private _showSummary = false;
  @state() private _problem?: string;
  @state() private _result?: RegistrationResponse;
  /** Follow-up steps: the code typed, its error, a call in flight, messages, resend cool-down. */
  @state() private _code = '';
  @state() private _codeError?: FieldErrorCode;
  @state() private _stepBusy = false;
  @state() private _stepProblem?: string;
  @state() private _stepNote?: string;
  @state() private _cooldownUntil = 0;
  private _cooldownTimer?: ReturnType<typeof setInterval>;
  private _stepAbort?: AbortController;

  private _touched = new Set<string>();
  /** When the flow (and its form token) arrived: the widget never sends before the minimum fill time. */
  private _loadedAt = 0;
  /** The last payload sent and its key: an identical resubmission reuses the key. */
  private _lastAttempt?: { payload: string; key: string };

  // Loading and sending are a few lines of our own rather than @lit/task: its 0.6 KB gzipped
  // is 4% of the widget's 15 KB budget, for two tasks this small.
  @state() private _flow?: FlowDescriptor;
  @state() private _loadFailed = false;
  @state() private _busy = false;
  /** What the loaded descriptor was asked for: flow, endpoint, locales. */
  private _loadedFor = '';
  private _loadAbort?: AbortController;
  private _sendAbort?: AbortController;

  /**
   * The first render waits a moment for a descriptor already on its way (widget/early-load.ts),
   * so that the form is the first thing shown: no "Loading…" flashed (and announced) for a few
   * milliseconds, no frame painted between the answer and the form. A slow answer shows
   * "Loading…" after that moment, as before.
   */
  protected override async scheduleUpdate(): Promise<unknown> {
    if (!this.hasUpdated) await earlyFor(this)?.settled;
    return super.scheduleUpdate();
  }

  /** Fetches the flow descriptor (its texts, fields and a fresh form token). */
  private async _load(refresh = false): Promise<void> {
    this._loadAbort?.abort();
    const abort = (this._loadAbort = new AbortController());
    this._loadFailed = false;
    try {
      if (!this.flow) throw new FlowLoadError('flow_not_found', 'the flow attribute is empty');
      const [endpoint, locales] = [this._endpoint, this._wantedLocales.join(',')];
      const made = refresh ? undefined : takeEarly(this, requestOf(this.flow, endpoint, locales));
      // Already here (see scheduleUpdate): taken at once, so the first render is the form.
      const descriptor =
        made?.arrived ??
        (await (made?.answer ?? loadFlow(endpoint, this.flow, locales, abort.signal)));
      // The early answer cannot be aborted: one asked for since wins.
      if (abort.signal.aborted) return;
      this._flow = descriptor;
      this._loadedAt = Date.now();
      this._prefill(descriptor);
      await this.updateComplete;
      if (!refresh) {
        this._emit('org-signup-ready', { flow: descriptor.id, provider: descriptor.provider });
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      this._loadFailed = true;
      const code = err instanceof FlowLoadError ? err.code : 'network';
      console.error(
        `<org-signup flow="${this.flow}">: cannot load the flow (${code}): ${String((err as Error).message)}`,
      );
      this._emit('org-signup-error', { code, errors: {} });
    }
  }

  /** Sends a registration; a form left open too long gets a fresh token and one more try. */
  private async _submit(body: RegistrationRequest, key: string): Promise<void> {
    this._busy = true;
    const abort = (this._sendAbort = new AbortController());
    try {
      let outcome = await this._send(body, key, abort.signal);
      if (outcome.kind === 'failed' && outcome.code === 'form_expired') {
        await this._load(true);
        outcome = await this._send(body, key, abort.signal);
      }
      this._busy = false;
      await this._settle(outcome);
    } catch {
      // Aborted: the element left the page.
    } finally {
      this._busy = false;
    }
  }

  /**
   * Sends with the form's bot-check values, first waiting out the flow's minimum fill time (a
   * person who autofills and clicks at once waits a moment instead of being taken for a bot).
   */
  private async _send(body: RegistrationRequest, key: string, signal: AbortSignal) {
    const flow = this._flow;
    const wait = flow ? flow.bot.minFillSeconds * 1000 + 250 - (Date.now() - this._loadedAt) : 0;
    if (flow?.bot.minFillSeconds && wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const hp = this.renderRoot.querySelector<HTMLInputElement>(
      'input[name="org_signup_hp"]',
    )?.value;
    return submitRegistration(
      this._endpoint,
      this.flow,
      {
        ...body,
        ...(flow?.bot.formToken ? { formToken: flow.bot.formToken } : {}),
        ...(hp ? { hp } : {}),
        ...(this.captchaToken ? { captchaToken: this.captchaToken } : {}),
      },
      key,
      signal,
    );
  }

  private get _endpoint(): string {
    return endpointOf(this.endpoint);
  }

  /** The `locale` attribute, then the browser's languages: sent with the descriptor request. */
  private get _wantedLocales(): string[] {
    return wantedLocales(this.locale);
  }

  /** The descriptor's negotiated locale; before it arrives, the best the widget has texts for. */
  private get _locale(): string {
    return this._flow?.locale ?? negotiate(this._wantedLocales, BOOT_LOCALES, 'en');
  }

  /** A text of the current locale: the host page's override, the descriptor's, the built-in. */
  private _text(key: StringKey): string | undefined {
    return (
      this.strings[key] ??
      this._flow?.strings[key] ??
      (BOOT_STRINGS[this._locale] as Partial<Record<StringKey, string>> | undefined)?.[key]
    );
  }

  private _t(key: StringKey, params?: Record<string, string | number>): string {
    return format(this._text(key) ?? key, params);
  }

  /** The text for `group.code` where the widget has one (a server code it words), else `fallback`'s. */
  private _codeText(group: 'error' | 'problem', code: string, fallback: StringKey): string {
    const key = `${group}.${code}` as StringKey;
    return this._t(this._text(key) ? key : fallback);
  }

  private _errorText(code: FieldErrorCode | undefined): string {
    return code ? this._codeText('error', code, 'error.invalid') : '';
  }

  /** Required fields, then the optional ones named in `fields`, in the flow's order. */
  private _visibleFields(flow: FlowDescriptor): FieldDescriptor[] {
    const wanted = new Set((this.fields ?? '').split(',').map((s) => s.trim()));
    return flow.fields.filter((f) => f.required || wanted.has(f.name));
  }

  private _needsConsent(flow: FlowDescriptor): boolean {
    return flow.consent.required || Boolean(this.termsUrl || this.privacyUrl);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const wanted = requestOf(this.flow, this._endpoint, this._wantedLocales.join(','));
    if (wanted !== this._loadedFor) {
      this._loadedFor = wanted;
      void this._load();
    }
    if (changed.has('values')) {
      const prefill = Object.fromEntries(
        Object.entries(this.values ?? {}).filter(
          ([k, v]) => typeof v === 'string' && !this._touched.has(k),
        ),
      );
      this._values = { ...this._values, ...prefill };
    }
  }

  private _prefill(flow: FlowDescriptor): void {
    if (
      this.inviteCode &&
      flow.fields.some((f) => f.name === 'inviteCode') &&
      !this._touched.has('inviteCode')
    ) {
      this._values = { ...this._values, inviteCode: this.inviteCode };
    }
  }

  override render() {
    if (this._flow) {
      return this._result ? this._renderResult(this._result) : this._renderForm(this._flow);
    }
    if (!this._loadFailed) return this._renderLoading();
    return html`<div class="panel" lang=${this._locale}>
      <p class="message" part="message" role="alert">${this._t('problem.load')}</p>
      <button type="button" class="secondary" @click=${() => this._load()}>
        ${this._t('form.retry')}
      </button>
    </div>`;
  }

  private _renderLoading(): TemplateResult {
    return html`<p class="note" role="status" lang=${this._locale}>${this._t('form.loading')}</p>`;
  }

  private _renderForm(flow: FlowDescriptor): TemplateResult {
    const busy = this._busy;
    return html`<form
        part="form"
        novalidate
        lang=${this._locale}
        aria-busy=${busy ? 'true' : 'false'}
        @submit=${this._onSubmit}
      >
        <p class="note">${this._t('form.requiredNote')}</p>
        ${this._alert(this._showSummary && Object.keys(this._errors).length ? this._t('form.summary') : '')}
        ${this._visibleFields(flow).map((field) => this._renderField(field))}
        ${this._needsConsent(flow) ? this._renderConsent() : nothing}
        ${flow.captcha ? html`<div class="captcha"><slot name="captcha"></slot></div>` : nothing}
        ${
          flow.bot.honeypot
            ? // For bots that fill every input; hidden from people and assistive technology.
              html`<div class="hp" aria-hidden="true">
                <label
                  >Leave this field empty
                  <input name="org_signup_hp" tabindex="-1" autocomplete="off"
                /></label>
              </div>`
            : nothing
        }
        ${this._alert(this._problem)}
        <button part="submit" type="submit" aria-disabled=${busy ? 'true' : 'false'}>
          ${busy ? this._t('form.submitting') : this._t('form.submit')}
        </button>
      </form>
      <p class="visually-hidden" role="status" lang=${this._locale}>
        ${busy ? this._t('form.submitting') : ''}
      </p>`;
  }

  /**
   * A live region that is always in the page (so screen readers announce what appears in it),
   * styled only while it has something to say.
   */
  private _alert(text: string | undefined): TemplateResult {
    // No whitespace inside: empty, it matches :empty and takes no room in the grid.
    return html`<div role="alert">
      ${text ? html`<p class="message" part="message">${text}</p>` : nothing}
    </div>`;
  }

  private _renderField(field: FieldDescriptor): TemplateResult {
    const { name } = field;
    const error = this._errors[name];
    const hintKey = `hint.${name}` as StringKey;
    const hint = this._text(hintKey) ? this._t(hintKey) : undefined;
    const describedBy = [hint ? `h-${name}` : '', error ? `e-${name}` : '']
      .filter(Boolean)
      .join(' ');
    return html`<div class="field" part="field">
      <label part="label" for="f-${name}"
        >${this._t(`field.${name}` as StringKey)}${
          field.required
            ? html`<span class="marker" aria-hidden="true">*</span>`
            : // The space is data, not template text: the build's minifier trims a template's edges.
              html`<span class="note">${` (${this._t('form.optional')})`}</span>`
        }</label
      >
      ${hint ? html`<p class="hint" id="h-${name}">${hint}</p>` : nothing}
      ${
        field.type === 'select'
          ? this._renderSelect(field, error, describedBy)
          : html`<input
              part="input"
              id="f-${name}"
              name=${name}
              type=${field.type}
              autocomplete=${field.autocomplete}
              inputmode=${ifDefined(field.inputMode)}
              maxlength=${field.maxLength}
              ?required=${field.required}
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${ifDefined(describedBy || undefined)}
              .value=${live(this._values[name] ?? '')}
              @input=${this._onInput}
              @blur=${this._onBlur}
            />`
      }
      <p class="error" part="error" id="e-${name}">${this._errorText(error)}</p>
    </div>`;
  }

  /** A choice among the field's options (country: every ISO 3166 country), named in the locale. */
  private _renderSelect(
    field: FieldDescriptor,
    error: FieldErrorCode | undefined,
    describedBy: string,
  ): TemplateResult {
    const value = this._values[field.name] ?? '';
    return html`<select
      part="input"
      id="f-${field.name}"
      name=${field.name}
      autocomplete=${field.autocomplete}
      ?required=${field.required}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${ifDefined(describedBy || undefined)}
      @change=${this._onInput}
      @blur=${this._onBlur}
    >
      <option value="" ?selected=${!value}>${this._t('form.choose')}</option>
      ${this._options(field).map(
        ([code, label]) =>
          html`<option value=${code} ?selected=${code === value}>${label}</option>`,
      )}
    </select>`;
  }

  /** [value, label] pairs sorted by label; country codes get their names in the locale. */
  private _options(field: FieldDescriptor): [string, string][] {
    const codes = field.options ?? [];
    let names: Intl.DisplayNames | undefined;
    try {
      if (field.name === 'country')
        names = new Intl.DisplayNames([this._locale], { type: 'region' });
    } catch {
      names = undefined;
    }
    return codes
      .map((code): [string, string] => [code, names?.of(code) ?? code])
      .sort((a, b) => a[1].localeCompare(b[1], this._locale));
  }

  private _renderConsent(): TemplateResult {
    const link = (href: string | undefined, key: StringKey) => {
      const url = httpUrl(href);
      return url
        ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${this._t(key)}</a>`
        : this._t(key);
    };
    const text =
      this.termsUrl || this.privacyUrl
        ? this._t('form.consent')
            .split(/(\{terms\}|\{privacy\})/)
            .map((part) =>
              part === '{terms}'
                ? link(this.termsUrl, 'form.terms')
                : part === '{privacy}'
                  ? link(this.privacyUrl, 'form.privacy')
                  : part,
            )
        : this._t('form.consentPlain');
    const error = this._errors['consent'];
    return html`<div class="field" part="field">
      <div class="consent">
        <input
          part="input"
          id="f-consent"
          name="consent"
          type="checkbox"
          required
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${ifDefined(error ? 'e-consent' : undefined)}
          .checked=${live(this._consent)}
          @change=${(e: Event) => {
            this._consent = (e.target as HTMLInputElement).checked;
            if (this._consent) this._setError('consent', undefined);
          }}
        />
        <label part="label" for="f-consent">${text}</label>
      </div>
      <p class="error" part="error" id="e-consent">
        ${error ? this._t('form.consentRequired') : ''}
      </p>
    </div>`;
  }

  /** After a successful submission: the next step, or the closing message. */
  private _renderResult(result: RegistrationResponse): TemplateResult {
    const next = result.next;
    const email = this._values['email'] ?? '';
    switch (next?.type) {
      case 'verify-code':
        return this._renderVerify(email);
      case 'confirm-email':
        return this._renderPanel(
          'step.email.title',
          this._t('step.email.body', { email }),
          next.canResend ? this._renderResend('step.resend.email') : nothing,
        );
      case 'await-approval':
        return this._renderPanel('step.approval.title', this._t('step.approval.body'));
    }
    if (result.notice === 'account-requested') {
      return this._renderPanel('done.requested.title', this._t('done.requested.body'));
    }
    return this._renderPanel(
      'done.title',
      this._t(result.status === 'queued' ? 'done.queued' : 'done.body'),
      result.account
        ? html`<p>${this._t('done.password')} <code>${result.account.password}</code></p>`
        : nothing,
    );
  }

  /** A step's panel; its heading takes focus when it appears, so it is read out. */
  private _renderPanel(
    title: StringKey,
    body: string,
    extra: TemplateResult | typeof nothing = nothing,
  ): TemplateResult {
    return html`<div class="panel message success" part="message" lang=${this._locale}>
      <h2 id="step" tabindex="-1">${this._t(title)}</h2>
      <p>${body}</p>
      ${this._alert(this._stepProblem)} ${extra}
    </div>`;
  }

  private _renderVerify(email: string): TemplateResult {
    const busy = this._stepBusy;
    const error = this._codeError;
    return html`<form
      part="form"
      novalidate
      lang=${this._locale}
      aria-busy=${busy ? 'true' : 'false'}
      @submit=${this._onVerify}
    >
      <h2 id="step" tabindex="-1">${this._t('step.verify.title')}</h2>
      <p>${this._t('step.verify.body', { email })}</p>
      ${this._alert(this._stepProblem)}
      <div class="field" part="field">
        <label part="label" for="f-code">${this._t('field.code')}</label>
        <input
          part="input"
          id="f-code"
          name="code"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          maxlength="9"
          required
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${ifDefined(error ? 'e-code' : undefined)}
          .value=${live(this._code)}
          @input=${(e: Event) => {
            this._code = (e.target as HTMLInputElement).value;
            this._codeError = undefined;
          }}
        />
        <p class="error" part="error" id="e-code">${this._errorText(error)}</p>
      </div>
      <button part="submit" type="submit" aria-disabled=${busy ? 'true' : 'false'}>
        ${busy ? this._t('step.verify.submitting') : this._t('step.verify.submit')}
      </button>
      ${this._renderResend('step.resend.code')}
    </form>`;
  }

  private _renderResend(label: StringKey): TemplateResult {
    const wait = Math.ceil((this._cooldownUntil - Date.now()) / 1000);
    return html`<div class="resend">
      <button
        type="button"
        class="secondary"
        aria-disabled=${wait > 0 || this._stepBusy ? 'true' : 'false'}
        aria-describedby="resend-note"
        @click=${this._onResend}
      >
        ${this._t(label)}
      </button>
      <p class="note" id="resend-note">
        ${wait > 0 ? this._t('step.resend.wait', { seconds: wait }) : ''}
      </p>
      <p class="note" role="status">${this._stepNote ?? ''}</p>
    </div>`;
  }

  private _setError(name: string, code: FieldErrorCode | undefined): void {
    const { [name]: _, ...rest } = this._errors;
    this._errors = code ? { ...rest, [name]: code } : rest;
  }

  /** The shared rule's verdict on one value: an error code or undefined. */
  private _check(field: FieldDescriptor, value: string): FieldErrorCode | undefined {
    if (value.trim() === '') return field.required ? 'required' : undefined;
    const result = checkValue(field.name, value, field.options);
    return result.ok ? undefined : result.error;
  }

  private _fieldOf(input: HTMLInputElement): FieldDescriptor | undefined {
    return this._flow?.fields.find((f) => f.name === input.name);
  }

  private _onInput(e: Event): void {
    const input = e.target as HTMLInputElement;
    this._touched.add(input.name);
    this._values = { ...this._values, [input.name]: input.value };
    // Once a field shows an error, it updates as the user types, so the fix is seen at once.
    const field = this._fieldOf(input);
    if (field && this._errors[input.name])
      this._setError(input.name, this._check(field, input.value));
  }

  private _onBlur(e: FocusEvent): void {
    const input = e.target as HTMLInputElement;
    const field = this._fieldOf(input);
    if (!field || !this._touched.has(input.name)) return;
    this._setError(input.name, this._check(field, input.value));
  }

  private _payload(flow: FlowDescriptor): RegistrationRequest {
    const visible = this._visibleFields(flow).map((f) => f.name);
    const fields: Record<string, string> = {};
    for (const name of visible) {
      const value = this._values[name]?.trim();
      if (value) fields[name] = value;
    }
    if (
      !fields['inviteCode'] &&
      this.inviteCode &&
      flow.fields.some((f) => f.name === 'inviteCode')
    ) {
      fields['inviteCode'] = this.inviteCode;
    }
    const hostValues: NonNullable<RegistrationRequest['hostValues']> = {};
    if (this.leadComment && flow.hostValues.includes('leadComment'))
      hostValues.leadComment = this.leadComment;
    if (this.leadAttractor && flow.hostValues.includes('leadAttractor')) {
      hostValues.leadAttractor = this.leadAttractor;
    }
    const query = new URLSearchParams(location.search);
    const utm: NonNullable<RegistrationRequest['utm']> = {};
    for (const key of UTM_KEYS) {
      const value = query.get(key);
      if (value) utm[key] = value.slice(0, 200);
    }
    return {
      fields,
      ...(Object.keys(hostValues).length ? { hostValues } : {}),
      ...(Object.keys(utm).length ? { utm } : {}),
      ...(this._needsConsent(flow) ? { consent: this._consent } : {}),
      locale: this._locale,
    };
  }

  private async _focusFirstInvalid(): Promise<boolean> {
    await this.updateComplete;
    // Inputs, selects and the consent checkbox alike: the first in form order.
    const control = this.renderRoot.querySelector<HTMLElement>('form [aria-invalid="true"]');
    control?.focus();
    return Boolean(control);
  }

  private async _onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const flow = this._flow;
    if (!flow || this._busy) return;
    this._problem = undefined;
    const visible = this._visibleFields(flow);
    const checked = checkValues(
      visible,
      Object.fromEntries(visible.map((f) => [f.name, this._values[f.name] ?? ''])),
    );
    const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
    if (this._needsConsent(flow) && !this._consent) errors['consent'] = 'required';
    this._errors = errors;
    if (Object.keys(errors).length) {
      this._showSummary = true;
      await this._focusFirstInvalid();
      this._emit('org-signup-error', { code: 'invalid_fields', errors });
      return;
    }
    this._showSummary = false;
    const payload = this._payload(flow);
    const shared = Object.fromEntries(
      Object.entries(payload.fields).filter(
        ([name]) => !(isFieldName(name) && FIELD_SPECS[name].secret),
      ),
    ) as Record<string, string>;
    if (!this._emit('org-signup-submit', { flow: flow.id, fields: shared }, true)) return;
    const json = JSON.stringify(payload);
    if (this._lastAttempt?.payload !== json)
      this._lastAttempt = { payload: json, key: newIdempotencyKey() };
    void this._submit(payload, this._lastAttempt.key);
  }

  private async _settle(outcome: SubmitOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'success': {
        const { response } = outcome;
        this._result = response;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#step')?.focus();
        this._emit('org-signup-success', {
          registrationId: response.id,
          status: response.status,
          next: response.next ?? null,
        });
        this._redirect(response);
        return;
      }
      case 'fields': {
        this._errors = outcome.errors;
        this._showSummary = true;
        if (outcome.errors['captcha']) this._problem = this._t('problem.captcha');
        else if (!(await this._focusFirstInvalid())) this._problem = this._t('problem.generic');
        this._emit('org-signup-error', { code: outcome.code, errors: outcome.errors });
        return;
      }
      case 'retry':
        this._problem = this._codeText('problem', outcome.code, 'problem.provider_unavailable');
        this._emit('org-signup-error', { code: outcome.code, errors: {} });
        return;
      case 'failed':
        if (outcome.detail)
          console.error(`<org-signup flow="${this.flow}">: ${outcome.code}: ${outcome.detail}`);
        this._problem = this._t('problem.generic');
        this._emit('org-signup-error', { code: outcome.code, errors: {} });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stepAbort?.abort();
    this._loadAbort?.abort();
    this._sendAbort?.abort();
    this._loadedFor = ''; // reconnected: load again
    clearInterval(this._cooldownTimer);
  }

  /** Runs one follow-up call (verify or resend): one at a time, aborted if the element goes. */
  private async _step<T>(
    call: (signal: AbortSignal) => Promise<SubmitOutcome<T>>,
  ): Promise<SubmitOutcome<T> | undefined> {
    if (this._stepBusy || !this._result) return undefined;
    this._stepBusy = true;
    this._stepProblem = undefined;
    this._stepNote = undefined;
    this._stepAbort = new AbortController();
    try {
      return await call(this._stepAbort.signal);
    } catch {
      return undefined; // aborted: the element was removed
    } finally {
      this._stepBusy = false;
    }
  }

  private _startCooldown(seconds: number): void {
    this._cooldownUntil = Date.now() + seconds * 1000;
    clearInterval(this._cooldownTimer);
    this._cooldownTimer = setInterval(() => {
      if (Date.now() >= this._cooldownUntil) clearInterval(this._cooldownTimer);
      this.requestUpdate();
    }, 1000);
  }

  private async _onVerify(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const result = this._result;
    if (!result || this._stepBusy) return;
    const code = this._code.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(code)) {
      this._codeError = 'invalid_code';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#f-code')?.focus();
      return;
    }
    const outcome = await this._step((signal) =>
      verifyCode(this._endpoint, result.id, code, signal),
    );
    if (!outcome) return;
    if (outcome.kind === 'success') {
      this._result = { ...result, status: 'completed', next: null };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#step')?.focus();
      this._emit('org-signup-success', {
        registrationId: result.id,
        status: 'completed',
        next: null,
      });
      this._redirect(this._result);
      return;
    }
    if (outcome.kind === 'fields') {
      this._codeError = 'invalid_code';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#f-code')?.focus();
    } else {
      this._stepProblem = this._codeText('problem', outcome.code, 'problem.generic');
    }
    this._emit('org-signup-error', {
      code: outcome.code,
      errors: outcome.kind === 'fields' ? outcome.errors : {},
    });
  }

  private async _onResend(): Promise<void> {
    const result = this._result;
    if (!result || Date.now() < this._cooldownUntil) return;
    const outcome = await this._step((signal) => resendStep(this._endpoint, result.id, signal));
    if (!outcome) return;
    if (outcome.kind === 'success') {
      this._stepNote = this._t('step.resend.sent');
      this._code = '';
      this._codeError = undefined;
      this._startCooldown(outcome.response.retryAfter);
      return;
    }
    if (outcome.kind === 'retry' && outcome.retryAfter) this._startCooldown(outcome.retryAfter);
    if (outcome.code !== 'too_many_attempts')
      this._stepProblem = this._codeText('problem', outcome.code, 'problem.generic');
    this._emit('org-signup-error', { code: outcome.code, errors: {} });
  }

  /** Follows `redirect-url` after success when it is an http(s) URL and nothing is left to do. */
  private _redirect(response: RegistrationResponse): void {
    const target = httpUrl(this.redirectUrl);
    if (target && !response.next) location.assign(target);
  }

  private _emit<K extends keyof OrgSignupEventMap>(
    type: K,
    detail: OrgSignupEventMap[K]['detail'],
    cancelable = false,
  ): boolean {
    return this.dispatchEvent(
      new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }),
    );
  }
}

// A page may load this script twice (two embeds, a tag manager): define once, never throw.
if (!customElements.get('org-signup')) customElements.define('org-signup', OrgSignup);

declare global {
  interface HTMLElementTagNameMap {
    'org-signup': OrgSignup;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends OrgSignupEventMap {}
}
