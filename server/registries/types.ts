/**
 * What every registry client is: one call that looks a number up and answers what the registry
 * holds in the project's words (docs/registries.md). The cache, breaker and time budget around
 * each client are index.ts's; a client only turns one registry's answer into a `RegistryAnswer`.
 */
import type { LookupFieldName, RegistryFields, RegistryStatus } from '../../shared/api.ts';

/** Registry ids as the config names them. */
export const REGISTRY_IDS = ['dadata', 'vies', 'companies-house', 'hectare'] as const;
export type RegistryId = (typeof REGISTRY_IDS)[number];

/** The fields a registry looks up by, and the registry each is for. */
export const LOOKUP_REGISTRY = {
  inn: 'dadata',
  vat: 'vies',
  companyNumber: 'companies-house',
  holdingNumber: 'hectare',
} as const satisfies Record<LookupFieldName, RegistryId>;

export type { LookupFieldName, RegistryFields, RegistryStatus };

export interface Certificate {
  /** As Red Tractor says it: `Valid` or `Grace`. */
  status: 'Valid' | 'Grace';
  /** ISO 8601. */
  expires: string;
}

export interface RegistryRecord {
  status: RegistryStatus;
  fields: RegistryFields;
  certificate?: Certificate;
  /** VIES's consultation number, kept as evidence. */
  requestIdentifier?: string;
}

export interface RegistryAnswer {
  /** Undefined: the registry does not know the number. */
  record: RegistryRecord | undefined;
  /** The registry's answer as received, hashed into the evidence. */
  raw: string;
}

export interface LookupQuery {
  /** The number, compacted (no spaces, upper case where it has letters). */
  value: string;
  /** The postcode, for a holding number. */
  zip?: string;
}

export interface RegistryClient {
  readonly id: RegistryId;
  lookup(query: LookupQuery, signal: AbortSignal): Promise<RegistryAnswer>;
}

/**
 * The registry could not answer (down, timing out, refusing our credentials, answering what we
 * cannot read). The lookup route answers 503, a registration goes on `unverified`.
 */
export class RegistryUnavailable extends Error {
  constructor(
    message: string,
    readonly misconfigured = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryUnavailable';
  }
}
