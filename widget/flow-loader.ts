/**
 * Loading: the flow descriptor (its fields, a fresh form token and every text of the negotiated
 * locale), taken from the request widget/early-load.ts made when it asked for the same thing. A
 * failure is logged, reported with `org-signup-error` and shown with a retry button. The texts
 * the form and the steps show are read here, from the host page's overrides, the descriptor and
 * the few the widget carries.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { FlowDescriptor } from '../shared/api.ts';
import type { FieldErrorCode } from '../shared/errors.ts';
import type { StringKey } from '../shared/i18n/en.ts';
import { format, negotiate } from '../shared/i18n/negotiate.ts';
import { FlowLoadError, loadFlow } from './api.ts';
import { BOOT_LOCALES, BOOT_STRINGS } from './boot-strings.ts';
import { endpointOf, requestOf, takeEarly, wantedLocales } from './early-load.ts';
import { emit } from './emit.ts';
import type { OrgSignupHost } from './host.ts';

// Loading and sending are a few lines of our own rather than @lit/task: its 0.6 KB gzipped
// is 4% of the widget's 15 KB budget, for two tasks this small.
export class FlowLoader implements ReactiveController {
  /** The loaded descriptor. */
  descriptor?: FlowDescriptor;
  /** When the descriptor and its form token came: nothing is sent before the minimum fill time. */
  loadedAt = 0;
  /**
   * The last load failed: a message shows, the BFF's text for the visitor where it sent one (a
   * wrong flow id, an origin not allowed: what the site owner must fix), else a retry button.
   */
  #failed?: string;
  /** What the loaded descriptor was asked for: flow, endpoint, locales. */
  #loadedFor = '';
  #abort?: AbortController;

  readonly #host: OrgSignupHost;
  /** Given each descriptor loaded, before the form renders it. */
  readonly #onLoad: (flow: FlowDescriptor) => void;

  constructor(host: OrgSignupHost, onLoad: (flow: FlowDescriptor) => void) {
    this.#host = host;
    this.#onLoad = onLoad;
    host.addController(this);
  }

  /** Loads when what is asked for (flow, endpoint, locales) changed, or after a reconnection. */
  loadIfChanged(): void {
    const wanted = requestOf(this.#host.flow, this.endpoint, this.#wantedLocales.join(','));
    if (wanted !== this.#loadedFor) {
      this.#loadedFor = wanted;
      void this.load();
    }
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#loadedFor = ''; // reconnected: load again
  }

  /** Fetches the descriptor; `refresh` for a new form token (no early answer, no ready event). */
  async load(refresh = false): Promise<void> {
    const host = this.#host;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.#failed = undefined;
    host.requestUpdate();
    try {
      if (!host.flow) throw new FlowLoadError('flow_not_found', 'the flow attribute is empty');
      const [endpoint, locales] = [this.endpoint, this.#wantedLocales.join(',')];
      const made = refresh ? undefined : takeEarly(host, requestOf(host.flow, endpoint, locales));
      // Already here (OrgSignup.scheduleUpdate waits for it): taken at once, so the first render
      // is the form.
      const descriptor =
        made?.arrived ??
        (await (made?.answer ?? loadFlow(endpoint, host.flow, locales, abort.signal)));
      // The early answer cannot be aborted: one asked for since wins.
      if (abort.signal.aborted) return;
      this.descriptor = descriptor;
      this.loadedAt = Date.now();
      this.#onLoad(descriptor);
      host.requestUpdate();
      await host.updateComplete;
      if (!refresh) {
        emit(host, 'org-signup-ready', { flow: descriptor.id, provider: descriptor.provider });
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      const code = err instanceof FlowLoadError ? err.code : 'network';
      this.#failed = (err as FlowLoadError).text ?? '';
      host.requestUpdate();
      console.error(
        `<org-signup flow="${host.flow}">: cannot load the flow (${code}): ${String((err as Error).message)}`,
      );
      emit(host, 'org-signup-error', { code, errors: {} });
    }
  }

  /**
   * Before the descriptor: "Loading…", or the failure and a retry button. A wrong flow id or an
   * origin not allowed gets no retry (loading again cannot help): the BFF's text says what the
   * site owner must fix, the console line the detail.
   */
  render(): TemplateResult {
    const failed = this.#failed;
    if (failed === undefined) {
      return html`<p class="note" role="status" lang=${this.locale}>${this.t('form.loading')}</p>`;
    }
    return html`<div class="panel" lang=${this.locale}>
      <p class="message" part="message" role="alert">${failed || this.t('problem.load')}</p>
      ${
        // The BFF words what the site owner must fix: trying again cannot help.
        failed || !this.#host.flow
          ? nothing
          : html`<button type="button" class="secondary" @click=${() => this.load()}>
              ${this.t('form.retry')}
            </button>`
      }
    </div>`;
  }

  /** The BFF's base URL: the `endpoint` attribute, else the origin the script came from. */
  get endpoint(): string {
    return endpointOf(this.#host.endpoint);
  }

  /** The `locale` attribute, then the browser's languages: sent with the descriptor request. */
  get #wantedLocales(): string[] {
    return wantedLocales(this.#host.locale);
  }

  /** The descriptor's negotiated locale; before it arrives, the best the widget has texts for. */
  get locale(): string {
    return this.descriptor?.locale ?? negotiate(this.#wantedLocales, BOOT_LOCALES, 'en');
  }

  /**
   * For dates: the first wanted tag of the locale's language, so that `en-GB` writes "31 January"
   * though the texts are `en`'s.
   */
  get dateLocale(): string {
    const locale = this.locale;
    return this.#wantedLocales.find((tag) => tag.split('-')[0]?.toLowerCase() === locale) ?? locale;
  }

  /** A text of the current locale: the host page's override, the descriptor's, the built-in. */
  text(key: StringKey): string | undefined {
    return (
      this.#host.strings[key] ??
      this.descriptor?.strings[key] ??
      (BOOT_STRINGS[this.locale] as Partial<Record<StringKey, string>> | undefined)?.[key]
    );
  }

  t(key: StringKey, params?: object): string {
    return format(this.text(key) ?? key, params);
  }

  /** The text for `group.code` where the widget has one (a server code it words), else `fallback`'s. */
  codeText(group: 'error' | 'problem', code: string, fallback: StringKey, params?: object): string {
    const key = `${group}.${code}` as StringKey;
    return this.t(this.text(key) ? key : fallback, params);
  }

  /**
   * A field error's text (`requiredChoice`: an empty select's); `field` (its descriptor) fills
   * its placeholders (`{minLength}`).
   */
  errorText(code: FieldErrorCode | 'requiredChoice' | undefined, field?: object): string {
    return code ? this.codeText('error', code, 'error.invalid', field) : '';
  }
}
