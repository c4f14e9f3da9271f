/**
 * Flows at run time: each configured flow with its field rules, its public descriptor, its origin
 * check and its provider adapter (one keep-alive HTTP client per flow).
 */
import type { Logger } from 'pino';
import type { FlowDescriptor } from '../../shared/api.ts';
import { COUNTRY_CODES } from '../../shared/countries.ts';
import { FIELD_SPECS, type FieldRule } from '../../shared/fields.ts';
import { LOCALE_IDS } from '../../shared/i18n/index.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { LoadedConfig, LoadedFlow } from '../config/load.ts';
import { createProviderHttp, type ProviderHttp } from '../providers/kit/provider-http.ts';
import { originMatcher } from '../config/origins.ts';
import { PROVIDERS } from '../providers/index.ts';
import type { ProviderAdapter, RegistrationInput, RegistrationResult } from '../providers/types.ts';
import { createBreaker, type Breaker } from '../providers/kit/circuit-breaker.ts';
import type { Metrics } from '../metrics.ts';
import type { WebhookEndpoint } from '../webhooks/events.ts';
import { createRedactor, secretValues, type Redactor } from '../providers/kit/redact.ts';

export interface Flow {
  id: string;
  provider: ProviderId;
  config: LoadedFlow;
  /** The provider's required fields and the optional ones this flow accepts. */
  rules: FieldRule[];
  /** The public descriptor, but for what each request gets: a form token, the locale's texts. */
  descriptor: Omit<FlowDescriptor, 'bot' | 'locale' | 'strings'> & {
    bot: Omit<FlowDescriptor['bot'], 'formToken'>;
  };
  isAllowedOrigin: (origin: string) => boolean;
  adapter: ProviderAdapter;
  /** The adapter's `register` through this flow's circuit breaker. */
  register(input: RegistrationInput): Promise<RegistrationResult>;
  breaker: Breaker;
  http: ProviderHttp;
  /** Scrubs every configured secret (and a submission's values) from provider text in logs. */
  redact: Redactor;
  /** The webhook endpoints that hear this flow's events. */
  webhooks: readonly WebhookEndpoint[];
}

export interface FlowOptions {
  /** Where `sandbox: true` flows find the simulators (this server's own URL by default). */
  sandboxUrl: string | undefined;
  /** The sandbox plugin's `baseUrlFor`: the URL a sandbox flow of `provider` calls. */
  sandboxBaseUrl: ((sandboxUrl: string, provider: ProviderId) => URL) | undefined;
  log: Logger;
  metrics: Metrics;
  /** Each flow's webhook endpoints (webhooks/endpoints.ts). */
  webhooks?: Map<string, WebhookEndpoint[]>;
}

function baseUrlOf(flow: LoadedFlow, options: FlowOptions, config: LoadedConfig): URL {
  if (flow.sandbox) {
    const url = config.sandbox.url ?? options.sandboxUrl;
    if (!url) throw new Error(`flow ${flow.id}: sandbox flows need the server's own URL`);
    if (!options.sandboxBaseUrl) throw new Error(`flow ${flow.id}: sandbox flows need the sandbox`);
    return options.sandboxBaseUrl(url, flow.provider);
  }
  // Relative paths resolve below the base only when it ends in '/'.
  const base = flow.baseUrl ?? PROVIDERS[flow.provider].defaultBaseUrl!;
  return new URL(base.replace(/\/?$/, '/'));
}

export function buildFlows(config: LoadedConfig, options: FlowOptions): Map<string, Flow> {
  const flows = new Map<string, Flow>();
  // Every flow's: a provider may echo what another flow's credentials are, too.
  const redact = createRedactor(
    secretValues(
      config.flows.map((f) => [f.providerSettings, f.captcha, f.webhooks]),
      config.webhooks,
    ),
  );
  for (const flowConfig of config.flows) {
    const definition = PROVIDERS[flowConfig.provider];
    const accepted = flowConfig.optionalFields;
    const rules = flowConfig.providerFields
      .filter((f) => f.required || !accepted || accepted.includes(f.name))
      // A country without the provider's own list takes any ISO 3166 code.
      .map((f) => (f.name === 'country' && !f.options ? { ...f, options: COUNTRY_CODES } : f));
    const log = options.log.child({ flow: flowConfig.id, provider: flowConfig.provider });
    const http = createProviderHttp({
      provider: flowConfig.provider,
      connectTimeoutMs: flowConfig.timeouts.connectMs,
      requestTimeoutMs: flowConfig.timeouts.requestMs,
      log,
      observe: (outcome, seconds) =>
        options.metrics.providerCall(flowConfig.provider, flowConfig.id, outcome, seconds),
    });
    const adapter = definition.create(flowConfig.providerSettings, {
      baseUrl: baseUrlOf(flowConfig, options, config),
      http,
      log,
    });
    const breaker = createBreaker(flowConfig, log);
    flows.set(flowConfig.id, {
      id: flowConfig.id,
      provider: flowConfig.provider,
      config: flowConfig,
      rules,
      descriptor: {
        id: flowConfig.id,
        provider: flowConfig.provider,
        // Options (the country list) travel with the descriptor: the widget need not carry them.
        fields: rules.map((rule) => ({ ...FIELD_SPECS[rule.name], ...rule })),
        consent: { required: flowConfig.requireConsent },
        locales: flowConfig.locales ?? [...LOCALE_IDS],
        hostValues: flowConfig.hostValues,
        bot: {
          honeypot: flowConfig.botProtection.honeypot,
          minFillSeconds: flowConfig.botProtection.minFillSeconds,
        },
        ...(flowConfig.captcha
          ? {
              captcha: {
                provider: flowConfig.captcha.provider,
                siteKey: flowConfig.captcha.siteKey,
              },
            }
          : {}),
      },
      isAllowedOrigin: originMatcher(flowConfig.allowedOrigins),
      adapter,
      register: (input) => breaker.run(() => adapter.register(input)),
      breaker,
      http,
      redact,
      webhooks: options.webhooks?.get(flowConfig.id) ?? [],
    });
  }
  return flows;
}
