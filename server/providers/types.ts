/**
 * The provider adapter contract. One file per provider under `providers/`, each exporting a
 * definition made with `defineProvider` (Auth.js's shape: a factory returning a plain object).
 * Adapters never read `process.env`; the core passes resolved settings (secrets as `Secret`).
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HostValueName, NextStep, RegistrationNotice, UtmKey } from '../../shared/api.ts';
import type { FieldRule, FieldValues } from '../../shared/fields.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { ProviderHttp } from './kit/provider-http.ts';

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
  /** What the user does next: null (done), enter a code, confirm an e-mail, await approval. */
  next: NextStep;
  /** The provider's id for what was created, for the journal, operators and approvals. */
  providerRef?: string;
  organisation?: { id?: string; name?: string; domain?: string };
  /** A result the widget words differently from "registered" (an account request was sent). */
  notice?: RegistrationNotice;
  /**
   * Non-secret facts the follow-up steps need later (a username, the e-mail to resend to).
   * Journaled with the registration; never put a token or password here.
   */
  state?: Record<string, string>;
  /** Shown once to the user where the flow allows it; never journaled or logged. */
  reveal?: { password: string };
}

/** What a follow-up step (verify, resend, approval) knows of its registration. */
export interface FollowUpInput {
  registrationId: string;
  providerRef: string | null;
  state: Record<string, string>;
}

/** A registration waiting for the partner's staff (next: await-approval). */
export interface PendingApproval {
  /** The provider's key for the pending user: what staff approve or reject. */
  key: string;
  email: string;
  name: string;
  organisationName: string;
  createdAt: string;
  /** Everything else the provider holds about the request (address, VAT…), for display. */
  details: Record<string, string>;
}

export interface ApprovalsApi {
  list(): Promise<PendingApproval[]>;
  /** Links the user to a customer (an existing one, or one created from the profile), activates. */
  approve(
    key: string,
    customer: { existing: string } | { create: true },
  ): Promise<{ customer: string }>;
  reject(key: string): Promise<void>;
}

export interface ProviderAdapter {
  register(input: RegistrationInput): Promise<RegistrationResult>;
  /** Checks the six-digit code of a `verify-code` step; ProviderError `invalid_code` if wrong. */
  verify?(input: FollowUpInput, code: string): Promise<void>;
  /** Sends the code or confirmation e-mail of the current step again. */
  resend?(input: FollowUpInput): Promise<void>;
  /** The staff side of `await-approval` flows. */
  approvals?: ApprovalsApi;
  /**
   * What the provider holds for a registration it answered "already exists" to, after an
   * attempt whose answer was lost (that attempt's success, reconciled): the step the user is on
   * and the provider's keys, looked up where the provider lets us. Default: done, nothing known.
   */
  reconcile?(input: RegistrationInput): Promise<RegistrationResult>;
  /**
   * First-day checks with the flow's real settings, making only calls that create nothing (a
   * login, a token, a list): what works and, for what does not, which setting to look at.
   */
  doctor?(): Promise<DoctorCheck[]>;
}

/** One line of `npm run admin -- doctor`. */
export interface DoctorCheck {
  /** What was tried, e.g. "platform login (users/login)". */
  name: string;
  /** `ok`: works; `warn`: works, but something needs a look; `fail`: will not work; `skip`: not checkable without creating something. */
  verdict: 'ok' | 'warn' | 'fail' | 'skip';
  /** In words: what the provider answered, and which setting to check. */
  detail: string;
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
  /** The fields for a flow's settings, where they change them (which name field to ask). */
  fieldsFor?(settings: Settings): readonly FieldRule[];
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
