/**
 * A flow's registry lookups (docs/registries.md): per looked-up field, its registry's client
 * behind a time budget, a circuit breaker and a TTL cache, so the widget's lookup and the
 * registration's check a minute later cost one registry call. Every answer carries its evidence:
 * the registry, when it was asked, a SHA-256 of what it answered.
 */
import { createHash } from 'node:crypto';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { LookupConfig, RegistryConfig } from '../config/schema.ts';
import { COMPANIES_HOUSE_BASE_URL, createCompaniesHouseClient } from './companies-house.ts';
import { DADATA_BASE_URL, createDadataClient } from './dadata.ts';
import { createHectareCertificatesClient } from './hectare-certificates.ts';
import { createRegistryHttp, type RegistryHttp } from './http.ts';
import {
  RegistryUnavailable,
  type LookupFieldName,
  type LookupQuery,
  type RegistryClient,
  type RegistryId,
  type RegistryRecord,
} from './types.ts';
import { VIES_BASE_URL, createViesClient } from './vies.ts';

export * from './types.ts';

export interface Evidence {
  source: RegistryId;
  checkedAt: string;
  /** SHA-256 (hex) of the registry's answer as received. */
  sha256: string;
  requestIdentifier?: string;
}

export type LookupResult =
  | { found: true; record: RegistryRecord; evidence: Evidence }
  | { found: false; evidence: Evidence };

export interface FieldLookup {
  field: LookupFieldName;
  registry: RegistryId;
  /** Throws `RegistryUnavailable` when the registry cannot answer within the budget. */
  lookup(query: LookupQuery): Promise<LookupResult>;
  /**
   * The doctor's check: one call with a public sample number, past the cache and the breaker.
   * Found or not, the registry answered; a failure says which setting to look at.
   */
  check(): Promise<{ ok: boolean; detail: string }>;
}

/** Numbers every registry answers for: in its documentation, or a well-known company's. */
const SAMPLE: Record<LookupFieldName, string> = {
  inn: '7707083893',
  vat: 'NL822898044B01',
  companyNumber: '00445790',
  holdingNumber: '11/111/1111',
};

export interface FlowLookups {
  fields: LookupFieldName[];
  get(field: string): FieldLookup | undefined;
  close(): Promise<void>;
}

/** Where a `sandbox: true` lookup goes, and the simulator's credentials (the sandbox plugin's). */
export type SandboxRegistry = (registry: RegistryId) => {
  baseUrl: URL;
  apiKey?: string;
  username?: string;
  password?: string;
};

/** The most cached answers per field: a bound on memory whatever is typed. */
const CACHE_ENTRIES = 10_000;

function clientFor(
  field: LookupFieldName,
  config: RegistryConfig,
  http: RegistryHttp,
  sandbox: SandboxRegistry | undefined,
): RegistryClient {
  const demo = config.sandbox ? sandbox?.(config.registry) : undefined;
  if (config.sandbox && !demo) throw new Error(`lookup.${field}: sandbox lookups need the sandbox`);
  const url = (fallback: string) => new URL((config.baseUrl ?? fallback).replace(/\/?$/, '/'));
  const baseUrl = demo?.baseUrl;
  const key = demo?.apiKey ?? config.apiKey?.reveal() ?? '';
  switch (config.registry) {
    case 'dadata':
      return createDadataClient({ baseUrl: baseUrl ?? url(DADATA_BASE_URL), apiKey: key }, http);
    case 'vies':
      return createViesClient(
        { baseUrl: baseUrl ?? url(VIES_BASE_URL), requester: config.requester },
        http,
      );
    case 'companies-house':
      return createCompaniesHouseClient(
        { baseUrl: baseUrl ?? url(COMPANIES_HOUSE_BASE_URL), apiKey: key },
        http,
      );
    case 'hectare':
      return createHectareCertificatesClient(
        {
          baseUrl: baseUrl ?? url(''),
          username: demo?.username ?? config.username ?? '',
          password: demo?.password ?? config.password?.reveal() ?? '',
        },
        http,
      );
  }
}

/** Told of every registry call: its outcome (found, not_found, unavailable) and duration. */
export type LookupObserver = (registry: RegistryId, outcome: string, seconds: number) => void;

function fieldLookup(
  field: LookupFieldName,
  config: RegistryConfig,
  client: RegistryClient,
  log: Logger,
  observe: LookupObserver | undefined,
): FieldLookup & { shutdown(): void } {
  const cache = new Map<string, { until: number; result: Promise<LookupResult> }>();
  const breaker = new CircuitBreaker<[() => Promise<LookupResult>], LookupResult>(
    (work) => work(),
    {
      timeout: false, // the budget below bounds each call
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 30_000,
      resetTimeout: 15_000,
    },
  );
  breaker.on('open', () => log.warn({ registry: client.id }, 'registry circuit open'));
  breaker.on('close', () => log.info({ registry: client.id }, 'registry circuit closed'));

  async function ask(query: LookupQuery): Promise<LookupResult> {
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), config.timeoutMs);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const answer = await client.lookup(query, budget.signal);
      observe?.(client.id, answer.record ? 'found' : 'not_found', seconds());
      const evidence: Evidence = {
        source: client.id,
        checkedAt: new Date().toISOString(),
        sha256: createHash('sha256').update(answer.raw).digest('hex'),
        ...(answer.record?.requestIdentifier
          ? { requestIdentifier: answer.record.requestIdentifier }
          : {}),
      };
      return answer.record
        ? { found: true, record: answer.record, evidence }
        : { found: false, evidence };
    } catch (err) {
      observe?.(client.id, 'unavailable', seconds());
      if (err instanceof RegistryUnavailable) {
        // Misconfigured: an operator must act; an outage: it passes.
        const level = err.misconfigured ? 'error' : 'warn';
        log[level]({ registry: client.id, field, err: err.message }, 'registry lookup failed');
        throw err;
      }
      log.error({ registry: client.id, field, err }, 'registry lookup failed unexpectedly');
      throw new RegistryUnavailable(`${client.id}: ${(err as Error).message}`, false, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    field,
    registry: client.id,
    lookup(query) {
      const key = `${query.value}|${query.zip?.replace(/\s+/g, '').toUpperCase() ?? ''}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.result;
      const result = breaker
        .fire(() => ask(query))
        .catch((err: unknown) => {
          cache.delete(key);
          if ((err as { code?: string }).code === 'EOPENBREAKER') {
            throw new RegistryUnavailable(`${client.id}: circuit open after repeated failures`);
          }
          throw err;
        });
      cache.delete(key); // re-inserted last: the Map's order is the eviction order
      cache.set(key, { until: now + config.cacheSeconds * 1000, result });
      if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      return result;
    },
    async check() {
      const started = performance.now();
      try {
        const answer = await ask({ value: SAMPLE[field] });
        const ms = Math.round(performance.now() - started);
        const what = answer.found ? 'knows it' : 'does not know it';
        return { ok: true, detail: `asked for ${SAMPLE[field]}: ${what} (${ms} ms)` };
      } catch (err) {
        const { message, misconfigured } = err as RegistryUnavailable;
        const hint = misconfigured ? '' : `; check that lookup.${field}.baseUrl is reachable`;
        return { ok: false, detail: `${message}${hint}` };
      }
    },
    shutdown: () => breaker.shutdown(),
  };
}

export function createFlowLookups(
  config: LookupConfig | undefined,
  options: { log: Logger; sandbox: SandboxRegistry | undefined; observe?: LookupObserver },
): FlowLookups {
  const lookups = new Map<string, FieldLookup & { shutdown(): void }>();
  const clients: RegistryHttp[] = [];
  for (const [field, registry] of Object.entries(config ?? {}) as [
    LookupFieldName,
    RegistryConfig | undefined,
  ][]) {
    if (!registry) continue;
    const http = createRegistryHttp(registry.registry);
    clients.push(http);
    const client = clientFor(field, registry, http, options.sandbox);
    lookups.set(field, fieldLookup(field, registry, client, options.log, options.observe));
  }
  return {
    fields: [...lookups.keys()] as LookupFieldName[],
    get: (field) => lookups.get(field),
    async close() {
      for (const l of lookups.values()) l.shutdown();
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
