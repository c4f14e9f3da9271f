/**
 * After a successful submission: the step the registration still needs (a code to type, an
 * e-mail to confirm, an approval to wait for, each with its resend and cool-down where it has
 * one), a queued registration's "we'll finish it shortly", or the closing message, and the
 * `redirect-url` once nothing is left to do. The steps share one layout: heading, body (with the
 * address the code or e-mail went to, and "Change e-mail"), then the actions.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { RegistrationResponse } from '../shared/api.ts';
import type { FieldErrorCode } from '../shared/errors.ts';
import type { StringKey } from '../shared/i18n/en.ts';
import { alertRegion } from './alert-region.ts';
import { resendStep, verifyCode, type SubmitOutcome } from './api.ts';
import { emit } from './emit.ts';
import { focusAfterUpdate } from './focus.ts';
import type { FlowLoader } from './flow-loader.ts';
import { httpUrl } from './http-url.ts';
import type { OrgSignupHost } from './host.ts';

export class FollowUpSteps implements ReactiveController {
  /** The registration's answer: once set, the steps show instead of the form. */
  result?: RegistrationResponse;
  /** The code typed (each input renders it, see SignupForm.values), and its error. */
  #code = '';
  #codeError?: FieldErrorCode;
  /** A call (verify or resend) is in flight. */
  #busy = false;
  #problem?: string;
  #note?: string;
  /** Until when resending waits (ms since the epoch), and the timer that counts it down. */
  #cooldownUntil = 0;
  #cooldownTimer?: ReturnType<typeof setInterval>;
  #abort?: AbortController;

  readonly #host: OrgSignupHost;
  readonly #loader: FlowLoader;

  constructor(host: OrgSignupHost, loader: FlowLoader) {
    this.#host = host;
    this.#loader = loader;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    clearInterval(this.#cooldownTimer);
  }

  /**
   * Shows what follows a registration (or its verification): its heading takes focus, so it is
   * read out; then `org-signup-success`, and the redirect when nothing is left to do.
   */
  async show(result: RegistrationResponse): Promise<void> {
    this.result = result;
    await focusAfterUpdate(this.#host, '#step');
    emit(this.#host, 'org-signup-success', {
      registrationId: result.id,
      status: result.status,
      next: result.next ?? null,
    });
    const target = httpUrl(this.#host.redirectUrl, location.href);
    if (target && !result.next) location.assign(target);
  }

  /** The next step, or the closing message; `email` is the address the form sent. */
  render(result: RegistrationResponse, email: string): TemplateResult {
    const next = result.next;
    switch (next?.type) {
      case 'verify-code':
        return this.#renderVerify(email);
      case 'confirm-email':
        return html`<div class="panel" lang=${this.#loader.locale}>
          ${this.#head('step.email.title', 'step.email.body', email, true)}
          ${next.canResend ? this.#renderResend('step.resend.email') : nothing}
        </div>`;
      case 'await-approval':
        return this.#renderStep('step.approval.title', 'step.approval.body');
    }
    // Not done yet: no mark of completion. The outbox finishes it; nothing to send again.
    if (result.status === 'queued') return this.#renderStep('queued.title', 'queued.body', email);
    if (result.notice === 'account-requested') {
      return this.#renderDone('done.requested.title', 'done.requested.body');
    }
    return this.#renderDone(
      'done.title',
      'done.body',
      result.account
        ? html`<p>${this.#loader.t('done.password')} <code>${result.account.password}</code></p>`
        : nothing,
    );
  }

  /**
   * A step's heading (it takes focus when it appears, so it is read out) and body, with "Change
   * e-mail" after the address where the code or the e-mail went to it; then its problem, if any.
   */
  #head(title: StringKey, body: StringKey, email = '', change = false): TemplateResult {
    return html`<h2 id="step" tabindex="-1">${this.#loader.t(title)}</h2>
      <p>
        ${this.#loader.t(body, { email })}
        ${
          change
            ? html`<button type="button" class="secondary" @click=${this.#onChange}>
                ${this.#loader.t('step.change')}
              </button>`
            : nothing
        }
      </p>
      ${alertRegion(this.#problem)}`;
  }

  /** A step with nothing to do but read it (awaiting approval, queued). */
  #renderStep(title: StringKey, body: StringKey, email?: string): TemplateResult {
    return html`<div class="panel" lang=${this.#loader.locale}>
      ${this.#head(title, body, email)}
    </div>`;
  }

  /** The closing message, with the mark of completion. */
  #renderDone(
    title: StringKey,
    body: StringKey,
    extra: TemplateResult | typeof nothing = nothing,
  ): TemplateResult {
    return html`<div class="panel message success" part="message" lang=${this.#loader.locale}>
      ${this.#head(title, body)} ${extra}
    </div>`;
  }

  #renderVerify(email: string): TemplateResult {
    const busy = this.#busy;
    const error = this.#codeError;
    return html`<form
      part="form"
      novalidate
      lang=${this.#loader.locale}
      aria-busy=${busy ? 'true' : 'false'}
      @submit=${this.#onVerify}
    >
      ${this.#head('step.verify.title', 'step.verify.body', email, true)}
      <div class="field" part="field">
        <label part="label" for="f-code">${this.#loader.t('field.code')}</label>
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
          .value=${this.#code}
          @input=${this.#onCodeInput}
        />
        <p class="error" part="error" id="e-code">${this.#loader.errorText(error)}</p>
      </div>
      ${this.#renderResend(
        'step.resend.code',
        html`<button part="submit" type="submit" aria-disabled=${busy ? 'true' : 'false'}>
          ${busy ? this.#loader.t('step.verify.submitting') : this.#loader.t('step.verify.submit')}
        </button>`,
      )}
    </form>`;
  }

  /**
   * The step's actions (`primary`, then the resend as a secondary action), then "Sent." and the
   * cool-down after it.
   */
  #renderResend(label: StringKey, primary: TemplateResult | typeof nothing = nothing) {
    const wait = Math.ceil((this.#cooldownUntil - Date.now()) / 1000);
    const cooldown = wait > 0 ? this.#loader.t('step.resend.wait', { seconds: wait }) : '';
    return html`<div class="actions">
      ${primary}
      <button
        type="button"
        class="secondary"
        aria-disabled=${wait > 0 || this.#busy ? 'true' : 'false'}
        aria-describedby="resend-note"
        @click=${this.#onResend}
      >
        ${this.#loader.t(label)}
      </button>
      <p class="note" role="status">${this.#note ?? ''}</p>
      <p class="note" id="resend-note">${cooldown}</p>
    </div>`;
  }

  /** Runs one follow-up call (verify or resend): one at a time, aborted if the element goes. */
  async #step<T>(
    call: (signal: AbortSignal) => Promise<SubmitOutcome<T>>,
  ): Promise<SubmitOutcome<T> | undefined> {
    if (this.#busy || !this.result) return undefined;
    this.#busy = true;
    this.#problem = undefined;
    this.#note = undefined;
    this.#host.requestUpdate();
    this.#abort = new AbortController();
    try {
      return await call(this.#abort.signal);
    } catch {
      return undefined; // aborted: the element was removed
    } finally {
      this.#busy = false;
      this.#host.requestUpdate();
    }
  }

  #startCooldown(seconds: number): void {
    this.#cooldownUntil = Date.now() + seconds * 1000;
    this.#host.requestUpdate();
    clearInterval(this.#cooldownTimer);
    this.#cooldownTimer = setInterval(() => {
      if (Date.now() >= this.#cooldownUntil) clearInterval(this.#cooldownTimer);
      this.#host.requestUpdate();
    }, 1000);
  }

  /** Marks the code wrong and puts the focus back in it. */
  async #refuseCode(): Promise<void> {
    this.#codeError = 'invalid_code';
    await focusAfterUpdate(this.#host, '#f-code');
  }

  /**
   * "Change e-mail": back to the form, everything typed kept, the focus in the e-mail field. Sent
   * again with another address, it is another registration (another Idempotency-Key).
   */
  #onChange = async (): Promise<void> => {
    this.#abort?.abort();
    clearInterval(this.#cooldownTimer);
    this.result = undefined;
    this.#code = '';
    this.#codeError = this.#problem = this.#note = undefined;
    this.#cooldownUntil = 0;
    await focusAfterUpdate(this.#host, '#f-email');
  };

  #onCodeInput = (e: Event): void => {
    this.#code = (e.target as HTMLInputElement).value;
    this.#codeError = undefined;
    this.#host.requestUpdate();
  };

  #onVerify = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const result = this.result;
    if (!result || this.#busy) return;
    const code = this.#code.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(code)) return this.#refuseCode();
    const outcome = await this.#step((signal) =>
      verifyCode(this.#loader.endpoint, result.id, code, signal),
    );
    if (!outcome) return;
    if (outcome.kind === 'success') {
      return this.show({ ...result, status: 'completed', next: null });
    }
    if (outcome.kind === 'fields') {
      await this.#refuseCode();
    } else {
      this.#problem = this.#loader.codeText('problem', outcome.code, 'problem.generic');
      this.#host.requestUpdate();
    }
    emit(this.#host, 'org-signup-error', {
      code: outcome.code,
      errors: outcome.kind === 'fields' ? outcome.errors : {},
    });
  };

  #onResend = async (): Promise<void> => {
    const result = this.result;
    if (!result || Date.now() < this.#cooldownUntil) return;
    const outcome = await this.#step((signal) =>
      resendStep(this.#loader.endpoint, result.id, signal),
    );
    if (!outcome) return;
    if (outcome.kind === 'success') {
      this.#note = this.#loader.t('step.resend.sent');
      this.#code = '';
      this.#codeError = undefined;
      this.#startCooldown(outcome.response.retryAfter);
      return;
    }
    if (outcome.kind === 'retry' && outcome.retryAfter) this.#startCooldown(outcome.retryAfter);
    if (outcome.code !== 'too_many_attempts') {
      this.#problem = this.#loader.codeText('problem', outcome.code, 'problem.generic');
      this.#host.requestUpdate();
    }
    emit(this.#host, 'org-signup-error', { code: outcome.code, errors: {} });
  };
}
