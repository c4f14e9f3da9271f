/**
 * Loads the config file: JSON -> `{ env }` references resolved -> zod -> each flow's provider
 * settings (sandbox flows get the simulator's demo settings underneath, handed in by whoever
 * loaded the sandbox: app.ts). Every problem is reported at once with the path of the key, so a
 * bad file stops the process with a message to act on.
 */
import { readFileSync } from 'node:fs';
import { DEMO_CONFIG_PATH } from '../paths.ts';
import type { z } from 'zod';
import { FIELD_SPECS, type FieldRule } from '../../shared/fields.ts';
import type { ProviderId } from '../../shared/providers.ts';
import { PROVIDERS } from '../providers/index.ts';
import {
  configSchema,
  flowSchema,
  type Config,
  type FlowConfig,
  type WebhookConfig,
} from './schema.ts';
import { resolveEnvReferences } from './secret.ts';

export { DEMO_CONFIG_PATH };

export interface LoadedFlow extends FlowConfig {
  /** The provider's settings after its own schema (defaults applied, secrets as `Secret`). */
  providerSettings: unknown;
  /** The fields the provider takes with these settings, and which of them it requires. */
  providerFields: readonly FieldRule[];
}

export interface LoadedConfig extends Omit<Config, 'flows'> {
  flows: LoadedFlow[];
  source: string;
  /** What the operator must hear at start (main.ts says each loudly). */
  warnings: string[];
}

export interface ParseOptions {
  /**
   * Settings a `sandbox: true` flow gets underneath its own: the simulator's credentials (the
   * sandbox plugin's `demoSettings`). Needed exactly when `usesSandbox` says so.
   */
  demoSettings?: (provider: ProviderId) => Record<string, unknown>;
}

/** The explicit switch that lets the sandbox run where others can reach it. */
export const SANDBOX_PUBLIC_SWITCH = 'ORG_SIGNUP_SANDBOX_PUBLIC';
/** Runs the bundled demo configuration in production (a container tried out) on purpose. */
export const DEMO_SWITCH = 'ORG_SIGNUP_DEMO';

/** Origins on this machine only: localhost, 127.0.0.1 or [::1], any scheme and port. */
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:(\d+|\*))?$/i;

/**
 * Why the mounted sandbox is likely reachable by people other than its developer. Its simulators
 * record what they receive and answer it to anyone at /sandbox/<provider>/_requests: every
 * registrant's data. Fine on a developer's machine, a leak anywhere else.
 */
function sandboxExposure(flows: (FlowConfig | undefined)[], env: NodeJS.ProcessEnv): string[] {
  const reasons = env['NODE_ENV'] === 'production' ? ['NODE_ENV is production'] : [];
  flows.forEach((flow, i) =>
    flow?.allowedOrigins.forEach((origin, j) => {
      if (!LOCAL_ORIGIN.test(origin))
        reasons.push(`flows[${i}].allowedOrigins[${j}] is "${origin}"`);
    }),
  );
  return reasons;
}

export class ConfigError extends Error {
  constructor(source: string, problems: string[]) {
    super(`Invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describe(issues: z.core.$ZodIssue[], prefix: (string | number)[] = []): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path]
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `${path || '(top level)'}: ${issue.message}`;
  });
}

/** Plain objects merged key by key (a flow's settings over a simulator's); anything else replaces. */
function mergeSettings(base: unknown, over: unknown): unknown {
  const plain = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
  if (!plain(base) || !plain(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeSettings(base[key], value);
  return out;
}

function demoSettingsOf(provider: ProviderId, options: ParseOptions): Record<string, unknown> {
  if (!options.demoSettings) {
    // A caller's mistake, not the file's: it parsed a sandbox config without loading the sandbox.
    throw new Error('a config with sandbox flows needs the sandbox plugin (see loadSandbox)');
  }
  return options.demoSettings(provider);
}

/**
 * The flow's form fields: the provider's, and a holding number where the flow looks one up. No
 * provider takes it, so any flow may offer it; it comes before the organisation's name, which
 * its certificate fills in, and it is required where the flow requires a certificate.
 */
function formFieldsOf(flow: FlowConfig, fields: readonly FieldRule[]): readonly FieldRule[] {
  if (!flow.lookup?.holdingNumber) return fields;
  const holding: FieldRule = { name: 'holdingNumber', required: flow.requireCertification };
  const at = fields.findIndex((f) => f.name === 'organisationName');
  return at < 0 ? [...fields, holding] : [...fields.slice(0, at), holding, ...fields.slice(at)];
}

/** The checks that need the provider: fields, host values, base URL, settings. */
function checkFlow(
  flow: FlowConfig,
  at: string,
  sandbox: Config['sandbox'],
  problems: string[],
  options: ParseOptions,
): LoadedFlow {
  const provider = PROVIDERS[flow.provider];
  if (flow.sandbox && flow.baseUrl) {
    problems.push(`${at}: set "baseUrl" (the provider's API) or "sandbox": true, not both`);
  }
  if (!flow.sandbox && !flow.baseUrl && !provider.defaultBaseUrl) {
    problems.push(`${at}.baseUrl: ${flow.provider} has no public default: set the API's base URL`);
  }
  if (flow.sandbox && !sandbox.enabled && !sandbox.url) {
    problems.push(`${at}.sandbox: set "sandbox": { "enabled": true } or a "sandbox.url" to reach`);
  }
  const base = flow.sandbox ? demoSettingsOf(flow.provider, options) : {};
  const settings = provider.settings.safeParse(mergeSettings(base, flow.settings));
  if (!settings.success) problems.push(...describe(settings.error.issues, [at, 'settings']));
  const fields = formFieldsOf(
    flow,
    (settings.success ? provider.fieldsFor?.(settings.data) : undefined) ?? provider.fields,
  );
  if (flow.queueOnOutage) {
    const secret = fields.find((f) => FIELD_SPECS[f.name].secret);
    if (secret) {
      problems.push(
        `${at}.queueOnOutage: ${flow.provider} needs the user's ${secret.name}, which is never stored, so its registrations cannot be sent later; leave queueOnOutage off`,
      );
    }
  }
  for (const [field, registry] of Object.entries(flow.lookup ?? {})) {
    if (!fields.some((f) => f.name === field)) {
      problems.push(`${at}.lookup.${field}: ${flow.provider} has no field "${field}"`);
    }
    if (registry?.sandbox && !sandbox.enabled && !sandbox.url) {
      problems.push(
        `${at}.lookup.${field}.sandbox: set "sandbox": { "enabled": true } or a "sandbox.url" to reach`,
      );
    }
  }
  if (flow.preferRegistryName && !flow.lookup) {
    problems.push(`${at}.preferRegistryName: needs a "lookup" to take the name from`);
  }
  if (flow.requireCertification && !flow.lookup?.holdingNumber) {
    problems.push(`${at}.requireCertification: needs "lookup": { "holdingNumber": … }`);
  }
  const optional = fields.filter((f) => !f.required).map((f) => f.name);
  for (const name of flow.optionalFields ?? []) {
    if (!optional.includes(name)) {
      problems.push(
        `${at}.optionalFields: ${flow.provider} has no optional field "${name}" (it has: ${optional.join(', ') || 'none'})`,
      );
    }
  }
  for (const name of flow.hostValues) {
    if (!provider.hostValues.includes(name)) {
      problems.push(`${at}.hostValues: ${flow.provider} does not use "${name}"`);
    }
  }
  return {
    ...flow,
    providerSettings: settings.success ? settings.data : undefined,
    providerFields: fields,
  };
}

/** A Standard Webhooks secret: `whsec_` + base64 of 24 to 64 bytes. */
function isWebhookSecret(value: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match) return false;
  const bytes = Buffer.from(match[1]!, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** Webhook endpoints: secrets in Standard Webhooks' form, the sandbox's receiver reachable. */
function checkWebhooks(
  webhooks: readonly WebhookConfig[],
  at: string,
  sandbox: Config['sandbox'],
  problems: string[],
): void {
  webhooks.forEach((hook, i) => {
    const where = `${at}[${i}]`;
    if (hook.secret && hook.secret.reveal() && !isWebhookSecret(hook.secret.reveal())) {
      problems.push(
        `${where}.secret: not a Standard Webhooks secret: "whsec_" followed by base64 of 24 to 64 random bytes (e.g. "whsec_$(openssl rand -base64 32)")`,
      );
    }
    if (hook.sandbox && !sandbox.enabled && !sandbox.url) {
      problems.push(
        `${where}.sandbox: the sandbox's receiver needs "sandbox": { "enabled": true } or a "sandbox.url"`,
      );
    }
  });
}

export function parseConfig(
  document: unknown,
  env: NodeJS.ProcessEnv,
  source = 'the configuration',
  options: ParseOptions = {},
): LoadedConfig {
  const { value, missing } = resolveEnvReferences(document, env);
  const problems: string[] = [];
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) problems.push(...describe(parsed.error.issues));
  // Even when the file as a whole is refused, check each flow that parses on its own, so one
  // run reports every problem.
  const raw = (value ?? {}) as { flows?: unknown; sandbox?: unknown };
  const sandbox = parsed.success
    ? parsed.data.sandbox
    : (configSchema.shape.sandbox.safeParse(raw.sandbox).data ?? { enabled: false });
  const candidates: (FlowConfig | undefined)[] = parsed.success
    ? parsed.data.flows
    : Array.isArray(raw.flows)
      ? raw.flows.map((f) => flowSchema.safeParse(f).data)
      : [];
  const seen = new Set<string>();
  const flows: LoadedFlow[] = [];
  candidates.forEach((flow, i) => {
    if (!flow) return;
    if (seen.has(flow.id)) problems.push(`flows[${i}].id: "${flow.id}" is used by another flow`);
    seen.add(flow.id);
    flows.push(checkFlow(flow, `flows[${i}]`, sandbox, problems, options));
    checkWebhooks(flow.webhooks, `flows[${i}].webhooks`, sandbox, problems);
  });
  if (parsed.success) checkWebhooks(parsed.data.webhooks, 'webhooks', sandbox, problems);
  const warnings: string[] = [];
  // The demo runs every flow on the simulators: in production only when asked for by name.
  const demo = source === DEMO_CONFIG_PATH;
  if (demo && env['NODE_ENV'] === 'production' && env[DEMO_SWITCH] !== '1') {
    problems.push(
      `this is the bundled demo configuration (every flow on the sandbox simulators): set ORG_SIGNUP_CONFIG to your own, or ${DEMO_SWITCH}=1 to run the demo on purpose`,
    );
  }
  const exposure = sandbox.enabled ? sandboxExposure(candidates, env) : [];
  if (exposure.length) {
    const risk = `the sandbox shows every registrant's data to anyone at /sandbox/<provider>/_requests, and ${exposure.join(', ')}`;
    if (env[SANDBOX_PUBLIC_SWITCH] === '1' || (demo && env[DEMO_SWITCH] === '1')) {
      warnings.push(`SANDBOX IS PUBLIC (${SANDBOX_PUBLIC_SWITCH}=1): ${risk}`);
    } else {
      problems.push(
        `sandbox.enabled: ${risk}. Turn it off (flows with a real "baseUrl", or a "sandbox.url" elsewhere), or set ${SANDBOX_PUBLIC_SWITCH}=1 to expose it on purpose`,
      );
    }
  }
  problems.push(...missing);
  if (problems.length || !parsed.success) throw new ConfigError(source, problems);
  // An operator's switch for load tests and benchmarks; main.ts says so loudly at start.
  const rateLimits =
    env['RATE_LIMITS'] === 'off'
      ? { ...parsed.data.rateLimits, enabled: false }
      : parsed.data.rateLimits;
  return { ...parsed.data, rateLimits, flows, source, warnings };
}

/**
 * Whether a config document needs the sandbox: a flow with `"sandbox": true` (the simulator's
 * base URL and credentials), `sandbox.enabled` (the simulators mounted on this server), or a
 * webhook to the sandbox's receiver.
 */
export function usesSandbox(document: unknown, env: NodeJS.ProcessEnv): boolean {
  const { value } = resolveEnvReferences(document, env);
  const raw = (value ?? {}) as { flows?: unknown; sandbox?: unknown; webhooks?: unknown };
  const enabled = (raw.sandbox as { enabled?: unknown } | undefined)?.enabled === true;
  const flows: unknown[] = Array.isArray(raw.flows) ? raw.flows : [];
  const sandboxed = (item: unknown) => (item as { sandbox?: unknown } | null)?.sandbox === true;
  // The demo's webhook receiver is the sandbox's too.
  const listOf = (list: unknown): unknown[] => (Array.isArray(list) ? (list as unknown[]) : []);
  const hooks = [
    ...listOf(raw.webhooks),
    ...flows.flatMap((f) => listOf((f as { webhooks?: unknown } | null)?.webhooks)),
    // So are the registries' simulators.
    ...flows.flatMap((f): unknown[] =>
      Object.values((f as { lookup?: Record<string, unknown> } | null)?.lookup ?? {}),
    ),
  ];
  return enabled || flows.some(sandboxed) || hooks.some(sandboxed);
}

/** Reads `ORG_SIGNUP_CONFIG` (default: the bundled demo config, every flow on the sandbox). */
export function readConfigFile(env: NodeJS.ProcessEnv = process.env): {
  document: unknown;
  source: string;
} {
  const path = env['ORG_SIGNUP_CONFIG'] || DEMO_CONFIG_PATH;
  try {
    return { document: JSON.parse(readFileSync(path, 'utf8')), source: path };
  } catch (err) {
    throw new ConfigError(path, [`cannot read it as JSON: ${(err as Error).message}`]);
  }
}
