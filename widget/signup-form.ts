/**
 * The form: the flow's visible fields, the consent checkbox, the captcha slot and the honeypot.
 * A field is checked when it loses focus (and, once it shows an error, as the user types), all of
 * them on submit. Sending waits out the flow's minimum fill time, reuses the Idempotency-Key for an
 * identical retry, and tries once more with a fresh form token when the form has expired.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type {
  FieldDescriptor,
  FlowDescriptor,
  RegistrationRequest,
  RegistrationResponse,
} from '../shared/api.ts';
import type { FieldErrorCode, FieldErrors } from '../shared/errors.ts';
import type { StringKey } from '../shared/i18n/en.ts';
import { passwordStrength, type PasswordPolicy } from '../shared/validators.ts';
import { alertRegion } from './alert-region.ts';
import { submitRegistration, type SubmitOutcome } from './api.ts';
import { emit } from './emit.ts';
import { focusAfterUpdate } from './focus.ts';
import type { FlowLoader } from './flow-loader.ts';
import { httpUrl } from './http-url.ts';
import type { OrgSignupHost } from './host.ts';
import { looksUp, lookUp, suggestDomain, worthLookingUp } from './lookup.ts';
import {
  attemptFor,
  fieldError,
  formErrors,
  needsConsent,
  payloadOf,
  shownFields,
  takesInviteCode,
  visibleFields,
  type Attempt,
  type FormState,
} from './payload.ts';

export class SignupForm implements ReactiveController {
  /**
   * What the user typed (or the page prefilled), by field name. Every input event stores its
   * value here and renders, so the value Lit last set is the one on screen: a plain `.value`
   * binding then sets what changed, without lit's `live` directive (0.4 KB gzipped).
   */
  values: Record<string, string> = {};
  #errors: FieldErrors = {};
  #consent = false;
  #showSummary = false;
  #problem?: string;
  #busy = false;
  /** When sending began: 3 s later, "Still working…" and a progress bar show. */
  #since = 0;
  #touched = new Set<string>();
  /** What the registry lookup found, or not, by field: said under the field. */
  #notes: Record<string, string> = {};
  /** By looked-up field, what the fields its answer filled in held before: put back if it changes. */
  #filled: Record<string, Record<string, string>> = {};
  /** The field being typed in, until it is left: no suggestion of what it is on the way to. */
  #typing = '';
  /** The last body sent and its key: an identical resubmission reuses the key. */
  #lastAttempt?: Attempt;
  #abort?: AbortController;

  readonly #host: OrgSignupHost;
  readonly #loader: FlowLoader;
  /** Takes over after a successful registration (widget/follow-up-steps.ts). */
  readonly #onSuccess: (response: RegistrationResponse) => Promise<void>;

  constructor(
    host: OrgSignupHost,
    loader: FlowLoader,
    onSuccess: (response: RegistrationResponse) => Promise<void>,
  ) {
    this.#host = host;
    this.#loader = loader;
    this.#onSuccess = onSuccess;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#abort?.abort();
  }

  /**
   * Takes the page's (or the registry's) strings for the fields the user has not typed in; `was`,
   * where given, keeps what each of them held before.
   */
  prefill(values: Record<string, string> | undefined, was?: Record<string, string>): void {
    for (const [k, v] of Object.entries(values ?? {})) {
      if (typeof v === 'string' && !this.#touched.has(k)) {
        if (was) was[k] = this.values[k] ?? '';
        this.#set(k, v);
      }
    }
  }

  /** A descriptor came: the `invite-code` attribute fills its field, where the flow has one. */
  loaded(flow: FlowDescriptor): void {
    const { inviteCode } = this.#host;
    if (inviteCode && takesInviteCode(flow)) this.prefill({ inviteCode });
  }

  render(flow: FlowDescriptor): TemplateResult {
    const busy = this.#busy;
    const slow = busy && Date.now() - this.#since >= 3_000;
    // What the button says, and the status announces: "Still working…" after 3 s.
    const sending = this.#loader.t(slow ? 'form.slow' : 'form.submitting');
    const { locale } = this.#loader;
    const summary = this.#showSummary && Object.keys(this.#errors).length > 0;
    return html`<form
        part="form"
        novalidate
        lang=${locale}
        aria-busy=${busy ? 'true' : 'false'}
        @submit=${this.#onSubmit}
      >
        <p class="note">${this.#loader.t('form.requiredNote')}</p>
        ${alertRegion(summary ? this.#loader.t('form.summary') : '')}
        ${visibleFields(flow, this.#host.fields).map((field) => this.#renderField(field))}
        ${needsConsent(flow, this.#host) ? this.#renderConsent() : nothing}
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
        ${alertRegion(this.#problem)}
        <button
          part="submit"
          type="submit"
          class=${slow ? 'slow' : ''}
          aria-disabled=${busy ? 'true' : 'false'}
        >
          ${busy ? sending : this.#loader.t('form.submit')}
        </button>
      </form>
      <p class="visually-hidden" role="status" lang=${locale}>${busy ? sending : ''}</p>`;
  }

  #renderField(field: FieldDescriptor): TemplateResult {
    const { name } = field;
    const error = this.#errors[name];
    const hintKey = `hint.${name}` as StringKey;
    // The descriptor fills the hint's placeholders (the phone's `{example}`).
    const hint = this.#loader.text(hintKey) ? this.#loader.t(hintKey, field) : undefined;
    const value = this.values[name] ?? '';
    const login = error === 'already_registered' && httpUrl(this.#host.loginUrl, location.href);
    // A select left empty says "Choose one", not "Please fill in this field".
    const errorText = this.#loader.errorText(
      error === 'required' && field.type === 'select' ? 'requiredChoice' : error,
      field,
    );
    // The password's strength as it is typed (the flow's policy decides what is weak).
    const strength =
      field.minLength && value
        ? this.#loader.t(
            `strength.${passwordStrength(value, field as PasswordPolicy)}` as StringKey,
          )
        : '';
    const lookup = looksUp(this.#loader.descriptor!, name);
    const tip = name === 'email' && suggestDomain(value, this.#typing === name);
    const describedBy = [hint ? `h-${name}` : '', error ? `e-${name}` : '']
      .filter(Boolean)
      .join(' ');
    return html`<div class="field" part="field">
      <label part="label" for="f-${name}"
        >${this.#loader.t(`field.${name}` as StringKey)}${
          field.required
            ? html`<span class="marker" aria-hidden="true">*</span>`
            : // The space is data, not template text: the build's minifier trims a template's edges.
              html`<span class="note">${` (${this.#loader.t('form.optional')})`}</span>`
        }</label
      >
      ${hint ? html`<p class="hint" id="h-${name}">${hint}</p>` : nothing}
      ${
        field.type === 'select'
          ? this.#renderSelect(field, error, describedBy)
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
              .value=${value}
              @input=${this.#onInput}
              @blur=${this.#onBlur}
            />`
      }
      <p class="error" part="error" id="e-${name}" aria-live=${lookup ? 'polite' : 'off'}>
        ${errorText}
      </p>
      ${login ? html`<a href=${login}>${this.#loader.t('form.signIn')}</a>` : nothing}
      <p class="hint" aria-live="polite">
        ${
          strength ||
          (tip
            ? html`<button
                type="button"
                class="secondary"
                @click=${() => {
                  this.#set(name, `${value.split('@')[0]}@${tip}`);
                  void focusAfterUpdate(this.#host, '#f-email');
                }}
              >
                ${this.#loader.t('form.suggest', { domain: tip })}
              </button>`
            : this.#notes[name])
        }
      </p>
    </div>`;
  }

  /** A choice among the field's options (country: every ISO 3166 country), named in the locale. */
  #renderSelect(
    field: FieldDescriptor,
    error: FieldErrorCode | undefined,
    describedBy: string,
  ): TemplateResult {
    const value = this.values[field.name] ?? '';
    return html`<select
      part="input"
      id="f-${field.name}"
      name=${field.name}
      autocomplete=${field.autocomplete}
      ?required=${field.required}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${ifDefined(describedBy || undefined)}
      @change=${this.#onInput}
      @blur=${this.#onBlur}
    >
      <option value="" ?selected=${!value}>${this.#loader.t('form.choose')}</option>
      ${this.#options(field).map(
        ([code, label]) =>
          html`<option value=${code} ?selected=${code === value}>${label}</option>`,
      )}
    </select>`;
  }

  /** [value, label] pairs sorted by label; country codes get their names in the locale. */
  #options(field: FieldDescriptor): [string, string][] {
    const { locale } = this.#loader;
    const codes = field.options ?? [];
    let names: Intl.DisplayNames | undefined;
    try {
      if (field.name === 'country') names = new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      names = undefined;
    }
    return codes
      .map((code): [string, string] => [code, names?.of(code) ?? code])
      .sort((a, b) => a[1].localeCompare(b[1], locale));
  }

  #renderConsent(): TemplateResult {
    const { termsUrl, privacyUrl } = this.#host;
    const link = (href: string | undefined, key: StringKey) => {
      const url = httpUrl(href, location.href);
      return url
        ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${this.#loader.t(key)}</a>`
        : this.#loader.t(key);
    };
    const text =
      termsUrl || privacyUrl
        ? this.#loader
            .t('form.consent')
            .split(/(\{terms\}|\{privacy\})/)
            .map((part) =>
              part === '{terms}'
                ? link(termsUrl, 'form.terms')
                : part === '{privacy}'
                  ? link(privacyUrl, 'form.privacy')
                  : part,
            )
        : this.#loader.t('form.consentPlain');
    const error = this.#errors['consent'];
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
          .checked=${this.#consent}
          @change=${this.#onConsent}
        />
        <label part="label" for="f-consent"
          >${text}<span class="marker" aria-hidden="true">*</span></label
        >
      </div>
      <p class="error" part="error" id="e-consent">
        ${error ? this.#loader.t('form.consentRequired') : ''}
      </p>
    </div>`;
  }

  #setError(name: string, code: FieldErrorCode | undefined): void {
    const { [name]: _, ...rest } = this.#errors;
    this.#errors = code ? { ...rest, [name]: code } : rest;
    this.#host.requestUpdate();
  }

  #fieldOf(name: string): FieldDescriptor | undefined {
    return this.#loader.descriptor?.fields.find((f) => f.name === name);
  }

  #onInput = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    this.#touched.add(input.name);
    this.#typing = input.name;
    this.#set(input.name, input.value);
    // Another postcode: the farm's certificate is asked again with it.
    const holding = this.values['holdingNumber'];
    if (input.name === 'zip' && holding) this.#set('holdingNumber', holding);
  };

  /** A value typed, accepted or prefilled; a registry number, once valid, is looked up. */
  #set(name: string, value: string): void {
    this.values = { ...this.values, [name]: value };
    this.#host.requestUpdate();
    const field = this.#fieldOf(name);
    if (!field) return;
    // Once a field shows an error, it updates as the user types, so the fix is seen at once.
    if (this.#errors[name]) this.#setError(name, fieldError(field, value));
    if (looksUp(this.#loader.descriptor!, name)) {
      this.#notes[name] = '';
      // Another number: what the last one's company filled in goes (the user's own edits stay).
      this.prefill(this.#filled[name]);
      this.#filled[name] = {};
      if (!fieldError(field, value) && worthLookingUp(name, value)) void this.#lookUp(name, value);
    }
  }

  /**
   * Fills in what the registry has on the number (but what the user typed), or says it has
   * nothing; a liquidated or dissolved company is the field's error. Unavailable: nothing shows.
   */
  async #lookUp(name: string, value: string): Promise<void> {
    // The flow id needs no escaping: it loaded the descriptor, and configured ids are [a-z0-9_-].
    // A holding's certificate is found by its number and the farm's postcode, where typed (the
    // server reads `zip` for nothing else); an answer for a postcode since changed is dropped.
    const zip = () => (name === 'holdingNumber' && this.values['zip']) || '';
    const asked = zip();
    const found = await lookUp(
      `${this.#loader.endpoint}/v1/flows/${this.#host.flow}/lookup?field=${name}&zip=${encodeURIComponent(asked)}&value=`,
      value,
      () => (zip() === asked ? this.values[name] : undefined),
    );
    // The two statuses that end in "ed", each with its error: company_liquidated, _dissolved.
    if (found?.status?.endsWith('ed'))
      this.#setError(name, `company_${found.status}` as FieldErrorCode);
    else if (found) {
      // Not found ({}): a hint. Found: its fields, and "Found: name, city" (either may be
      // missing: VIES gives some states' numbers without a name; then the number itself).
      // A holding: its Red Tractor certificate's status and date too.
      const { fields, certificate: cert } = found;
      this.prefill(fields, (this.#filled[name] = {}));
      const t = this.#loader.t.bind(this.#loader);
      this.#notes[name] = `${t(
        fields ? 'lookup.found' : name === 'holdingNumber' ? 'lookup.noCertificate' : 'lookup.none',
        { found: [fields?.organisationName, fields?.city].filter(Boolean).join(', ') || value },
      )}${
        cert
          ? ` ${t(`lookup.${cert.status}`, {
              expires: new Date(cert.expires).toLocaleDateString(this.#loader.dateLocale, {
                dateStyle: 'long',
                timeZone: 'UTC',
              }),
            })}`
          : ''
      }`;
    }
    this.#host.requestUpdate();
  }

  /**
   * Leaving a field checks it; one that shows an error keeps it (typing updates it): the BFF's
   * verdict (already registered, refused by the provider) is not the browser's to clear.
   */
  #onBlur = (e: FocusEvent): void => {
    const input = e.target as HTMLInputElement;
    this.#typing = '';
    this.#host.requestUpdate();
    const field = this.#fieldOf(input.name);
    if (!field || !this.#touched.has(input.name) || this.#errors[input.name]) return;
    this.#setError(input.name, fieldError(field, input.value));
  };

  #onConsent = (e: Event): void => {
    this.#consent = (e.target as HTMLInputElement).checked;
    this.#host.requestUpdate();
    if (this.#consent) this.#setError('consent', undefined);
  };

  /** The form's state for the pure payload logic (widget/payload.ts). */
  #state(flow: FlowDescriptor): FormState {
    return { flow, embedding: this.#host, values: this.values, consent: this.#consent };
  }

  /** Shows the errors, focusing the first invalid control (input, select or consent checkbox). */
  #focusFirstInvalid(): Promise<HTMLElement | null> {
    return focusAfterUpdate(this.#host, 'form [aria-invalid="true"]');
  }

  #onSubmit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const flow = this.#loader.descriptor;
    if (!flow || this.#busy) return;
    this.#problem = undefined;
    const form = this.#state(flow);
    const errors = formErrors(form);
    this.#errors = errors;
    if (Object.keys(errors).length) {
      this.#showSummary = true;
      await this.#focusFirstInvalid();
      emit(this.#host, 'org-signup-error', { code: 'invalid_fields', errors });
      return;
    }
    this.#showSummary = false;
    this.#host.requestUpdate();
    const payload = payloadOf(form, this.#loader.locale, location.search);
    const shown = { flow: flow.id, fields: shownFields(flow, payload.fields) };
    if (!emit(this.#host, 'org-signup-submit', shown, true)) return;
    this.#lastAttempt = attemptFor(payload, this.#lastAttempt);
    void this.#submit(payload, this.#lastAttempt.key);
  };

  /**
   * Sends a registration; a form left open too long gets a fresh token and one more try. A send
   * with no answer within the flow's time budget is given up: the outage message shows, and what
   * was typed and the Idempotency-Key stay, so sending again is the same registration.
   */
  async #submit(body: RegistrationRequest, key: string): Promise<void> {
    this.#setBusy(true);
    const abort = (this.#abort = new AbortController());
    try {
      let outcome = await this.#send(body, key, abort);
      if (outcome.kind === 'failed' && outcome.code === 'form_expired') {
        await this.#loader.load(true);
        outcome = await this.#send(body, key, abort);
      }
      this.#setBusy(false);
      await this.#settle(outcome);
    } catch {
      // Aborted: past the time budget, or the element left the page (then nothing to show).
      this.#setBusy(false);
      if (this.#host.isConnected) await this.#settle({ kind: 'retry', code: 'timeout' });
    } finally {
      this.#setBusy(false);
    }
  }

  /** Busy or not; 3 s into being busy, rendered again to say it is still working. */
  #setBusy(busy: boolean): void {
    this.#busy = busy;
    if (busy) {
      this.#since = Date.now();
      setTimeout(() => this.#host.requestUpdate(), 3_000);
    }
    this.#host.requestUpdate();
  }

  /**
   * Sends with the form's bot-check values, first waiting out the flow's minimum fill time (a
   * person who autofills and clicks at once waits a moment instead of being taken for a bot).
   */
  async #send(body: RegistrationRequest, key: string, abort: AbortController) {
    const { descriptor: flow, loadedAt } = this.#loader;
    const wait = flow ? flow.bot.minFillSeconds * 1000 + 250 - (Date.now() - loadedAt) : 0;
    if (flow?.bot.minFillSeconds && wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const hp = this.#host.renderRoot.querySelector<HTMLInputElement>(
      'input[name="org_signup_hp"]',
    )?.value;
    // The flow's time budget: by then the BFF has answered, or is not going to.
    const budget = flow?.budgetMs && setTimeout(() => abort.abort(), flow.budgetMs);
    try {
      return await submitRegistration(
        this.#loader.endpoint,
        this.#host.flow,
        {
          ...body,
          ...(flow?.bot.formToken ? { formToken: flow.bot.formToken } : {}),
          ...(hp ? { hp } : {}),
          ...(this.#host.captchaToken ? { captchaToken: this.#host.captchaToken } : {}),
        },
        key,
        abort.signal,
      );
    } finally {
      clearTimeout(budget);
    }
  }

  /** Turns the BFF's answer into what the user sees. */
  async #settle(outcome: SubmitOutcome): Promise<void> {
    const host = this.#host;
    switch (outcome.kind) {
      case 'success':
        return this.#onSuccess(outcome.response);
      case 'fields': {
        this.#errors = outcome.errors;
        this.#showSummary = true;
        if (outcome.errors['captcha']) this.#problem = this.#loader.t('problem.captcha');
        else if (!(await this.#focusFirstInvalid()))
          this.#problem = this.#loader.t('problem.generic');
        host.requestUpdate();
        emit(host, 'org-signup-error', { code: outcome.code, errors: outcome.errors });
        return;
      }
      case 'retry':
        this.#problem = this.#loader.codeText(
          'problem',
          outcome.code,
          'problem.provider_unavailable',
        );
        host.requestUpdate();
        emit(host, 'org-signup-error', { code: outcome.code, errors: {} });
        return;
      case 'failed':
        if (outcome.detail)
          console.error(`<org-signup flow="${host.flow}">: ${outcome.code}: ${outcome.detail}`);
        this.#problem = this.#loader.t('problem.generic');
        host.requestUpdate();
        emit(host, 'org-signup-error', { code: outcome.code, errors: {} });
    }
  }
}
