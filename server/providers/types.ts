/**
 * The provider adapter contract. One file per provider under `providers/`, each exporting a
 * definition made with `defineProvider` (Auth.js's shape: a factory returning a plain object).
 * Adapters never read `process.env`; the core passes resolved settings (secrets as `Secret`).
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HostValueName, NextStep, UtmKey } from '../../shared/api.ts';
import type { FieldRule, FieldValues } from '../../shared/fields.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { ProviderHttp } from '../http/provider-http.ts';

/** What an adapter receives: validated, normalised values (phone in E.164, domain in ASCII). */
export interface RegistrationInput {
  /** Our registration id (UUID v4): unique per accepted submission, usable as a provider request id. */
  registrationId: string;
  fields: FieldValues;
  hostValues: Partial<Record<HostValueName, string>>;
  utm: Partial<Record<UtmKey, string>>;
  locale: string;
}

export interface RegistrationResult {
  next: NextStep;
  /** The provider's id for what was created, for the journal and operators. */
  providerRef?: string;
  organisation?: { id?: string; name?: string; domain?: string };
  /** Shown once to the user where the flow allows it; never journaled or logged. */
  reveal?: { password: string };
}

export interface ProviderAdapter {
  register(input: RegistrationInput): Promise<RegistrationResult>;
}

export interface AdapterDeps {
  /** The provider's base URL for this flow, ending in `/`: the real API or the sandbox. */
  baseUrl: URL;
  http: ProviderHttp;
  log: Logger;
}

export interface ProviderDefinition<Settings = unknown> {
  id: ProviderId;
  /** The canonical fields the provider can take, and which of them it requires. */
  fields: readonly FieldRule[];
  /** Host-page values the provider can use. */
  hostValues: readonly HostValueName[];
  /** The flow's `settings`, validated at start-up; secrets as `secret()`. */
  settings: z.ZodType<Settings, unknown>;
  /** The production base URL where the provider publishes one (a flow's `baseUrl` overrides it). */
  defaultBaseUrl?: string;
  create(settings: Settings, deps: AdapterDeps): ProviderAdapter;
}

/** Identity helper that infers `Settings` from the schema and checks the definition's shape. */
export function defineProvider<Settings>(
  definition: ProviderDefinition<Settings>,
): ProviderDefinition<Settings> {
  return definition;
}
