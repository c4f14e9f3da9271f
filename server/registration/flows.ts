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
import { phoneExampleFor, phonePlanFor } from './normalize.ts';
import { passwordPolicyFor } from './passwords.ts';
import { createRedactor, secretValues, type Redactor } from '../providers/kit/redact.ts';
import { createFlowLookups, type FlowLookups, type RegistryId } from '../registries/index.ts';

/**
 * The time the provider calls of one attempt share, however many the adapter makes: three
 * calls' worth of the flow's `timeouts` (a login, the registration, a follow-up). A call past it
 * is not sent (providers/kit/attempt-deadline.ts).
 */
export function providerCallsMsFor({ connectMs, requestMs }: LoadedFlow['timeouts']): number {
  return 3 * (connectMs + requestMs);
}

/**
 * The most one attempt to register can take: its provider calls, then headroom for a busy
 * event loop and the journal's writes. Leases last this long (registration/delivery.ts).
 */
export function attemptMsFor(timeouts: LoadedFlow['timeouts']): number {
  return providerCallsMsFor(timeouts) + 2_000;
}

/** How long the captcha's verify endpoint may take (registration/guards/captcha.ts). */
export const CAPTCHA_TIMEOUT_MS = 5_000;

/**
 * The descriptor's `budgetMs`: the most the BFF takes to answer a registration, so the most
 * the widget waits. The captcha check where the flow has one, then one attempt; past the
 * attempt's time the server itself gives the registration up to another taker (its lease), so
 * an answer that has not come by then is not coming.
 */
export function budgetMsFor(
  flow: Pick<LoadedFlow, 'timeouts' | 'captcha' | 'lookup' | 'mailDomainCheck'>,
): number {
  // Each looked-up number is checked again, one after the other, before the provider is called.
  const lookups = Object.values(flow.lookup ?? {}).reduce((ms, r) => ms + (r?.timeoutMs ?? 0), 0);
  const mail = flow.mailDomainCheck?.timeoutMs ?? 0;
  return attemptMsFor(flow.timeouts) + (flow.captcha ? CAPTCHA_TIMEOUT_MS : 0) + lookups + mail;
}

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
  /** Registry lookups by field (docs/registries.md). */
  lookups: FlowLookups;
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
  /** The sandbox plugin's `registry`: where a `sandbox: true` lookup goes. */
  sandboxRegistry?: (
    sandboxUrl: string,
    registry: RegistryId,
  ) => { baseUrl: URL; apiKey?: string; username?: string; password?: string };
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

/** Where the phone hint's example comes from when the flow has no `phoneCountry`. */
const DEFAULT_EXAMPLE_COUNTRY = 'GB';

/**
 * A provider's field with the flow's own data for its check (shared/fields.ts `FlowCheck`): a
 * country without the provider's own list takes any ISO 3166 code; a phone, the plan of the
 * flow's `phoneCountry`; a password, the flow's `passwordPolicy`.
 */
function withFlowCheck(field: FieldRule, flow: LoadedFlow): FieldRule {
  switch (field.name) {
    case 'country':
      return field.options ? field : { ...field, options: COUNTRY_CODES };
    case 'phone':
      return flow.phoneCountry ? { ...field, plan: phonePlanFor(flow.phoneCountry) } : field;
    case 'password':
      return { ...field, ...passwordPolicyFor(flow.passwordPolicy) };
    default:
      return field;
  }
}

export function buildFlows(config: LoadedConfig, options: FlowOptions): Map<string, Flow> {
  const flows = new Map<string, Flow>();
  // Every flow's: a provider may echo what another flow's credentials are, too.
  const redact = createRedactor(
    secretValues(
      config.flows.map((f) => [f.providerSettings, f.captcha, f.webhooks, f.lookup]),
      config.webhooks,
    ),
  );
  for (const flowConfig of config.flows) {
    const definition = PROVIDERS[flowConfig.provider];
    const accepted = flowConfig.optionalFields;
    const rules = flowConfig.providerFields
      .filter((f) => f.required || !accepted || accepted.includes(f.name))
      .map((f) => withFlowCheck(f, flowConfig));
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
    const sandboxUrl = config.sandbox.url ?? options.sandboxUrl;
    const sandboxRegistry = options.sandboxRegistry;
    const lookups = createFlowLookups(flowConfig.lookup, {
      log,
      observe: (registry, outcome, seconds) =>
        options.metrics.registryLookup(registry, flowConfig.id, outcome, seconds),
      sandbox: sandboxUrl && sandboxRegistry ? (id) => sandboxRegistry(sandboxUrl, id) : undefined,
    });
    flows.set(flowConfig.id, {
      id: flowConfig.id,
      provider: flowConfig.provider,
      config: flowConfig,
      rules,
      descriptor: {
        id: flowConfig.id,
        provider: flowConfig.provider,
        // The flow's checks (the country list, the phone plan, the password policy) travel with
        // the descriptor: the widget need not carry them.
        fields: rules.map((rule) => ({
          ...FIELD_SPECS[rule.name],
          ...rule,
          ...(rule.name === 'phone'
            ? { example: phoneExampleFor(flowConfig.phoneCountry ?? DEFAULT_EXAMPLE_COUNTRY) }
            : {}),
        })),
        budgetMs: budgetMsFor(flowConfig),
        consent: { required: flowConfig.requireConsent },
        locales: flowConfig.locales ?? [...LOCALE_IDS],
        hostValues: flowConfig.hostValues,
        ...(lookups.fields.length ? { lookup: lookups.fields } : {}),
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
      lookups,
    });
  }
  return flows;
}
