/**
 * Loads the config file: JSON -> `{ env }` references resolved -> zod -> each flow's provider
 * settings (sandbox flows get the simulator's demo settings underneath). Every problem is reported
 * at once with the path of the key, so a bad file stops the process with a message to act on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { PROVIDERS } from '../providers/index.ts';
import { SIMULATORS } from '../sandbox/index.ts';
import { configSchema, type Config, type FlowConfig } from './schema.ts';
import { resolveEnvReferences } from './secret.ts';

export const DEMO_CONFIG_PATH = fileURLToPath(new URL('./demo.json', import.meta.url));

export interface LoadedFlow extends FlowConfig {
  /** The provider's settings after its own schema (defaults applied, secrets as `Secret`). */
  providerSettings: unknown;
}

export interface LoadedConfig extends Omit<Config, 'flows'> {
  flows: LoadedFlow[];
  source: string;
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

export function parseConfig(
  document: unknown,
  env: NodeJS.ProcessEnv,
  source = 'the configuration',
): LoadedConfig {
  const { value, missing } = resolveEnvReferences(document, env);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(source, [...describe(parsed.error.issues), ...missing]);
  const problems = [...missing];
  const seen = new Set<string>();
  const flows: LoadedFlow[] = [];
  parsed.data.flows.forEach((flow, i) => {
    const at = `flows[${i}]`;
    if (seen.has(flow.id)) problems.push(`${at}.id: "${flow.id}" is used by another flow`);
    seen.add(flow.id);
    const provider = PROVIDERS[flow.provider];
    if (flow.sandbox && flow.baseUrl) {
      problems.push(`${at}: set "baseUrl" (the provider's API) or "sandbox": true, not both`);
    }
    if (!flow.sandbox && !flow.baseUrl && !provider.defaultBaseUrl) {
      problems.push(
        `${at}.baseUrl: ${flow.provider} has no public default: set the API's base URL`,
      );
    }
    if (flow.sandbox && !parsed.data.sandbox.enabled && !parsed.data.sandbox.url) {
      problems.push(
        `${at}.sandbox: set "sandbox": { "enabled": true } or a "sandbox.url" to reach`,
      );
    }
    const optional = provider.fields.filter((f) => !f.required).map((f) => f.name);
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
    const base = flow.sandbox ? SIMULATORS[flow.provider].flowSettings() : {};
    const settings = provider.settings.safeParse({ ...base, ...flow.settings });
    if (!settings.success) {
      problems.push(...describe(settings.error.issues, [`flows[${i}]`, 'settings']));
    }
    flows.push({ ...flow, providerSettings: settings.success ? settings.data : undefined });
  });
  if (problems.length) throw new ConfigError(source, problems);
  return { ...parsed.data, flows, source };
}

/** Reads `ORG_SIGNUP_CONFIG` (default: the bundled demo config, every flow on the sandbox). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = env['ORG_SIGNUP_CONFIG'] || DEMO_CONFIG_PATH;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, [`cannot read it as JSON: ${(err as Error).message}`]);
  }
  return parseConfig(document, env, path);
}
