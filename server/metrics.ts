/**
 * Prometheus metrics (prom-client) at `GET /metrics`: registrations by flow and outcome,
 * provider call latency, the outbox's depth and age, rate-limit rejections, each flow's circuit
 * breaker, webhook deliveries (attempts, the journal's counts, the oldest pending), and Node's
 * own process metrics. Gauges are read when scraped, never kept up to date.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RATE_LIMITED_ROUTES, type RateLimitedRoute } from './config/schema.ts';
import type { Store } from './store/types.ts';

/** What happened to a registration, as counted. */
export type RegistrationOutcome =
  | 'completed'
  | 'awaiting_approval'
  | 'queued'
  | 'delivered'
  | 'reconciled'
  | 'rejected'
  | 'failed'
  | 'discarded';

/** What happened to one webhook attempt, as counted. */
export type WebhookOutcome = 'delivered' | 'retried' | 'failed';

export interface Metrics {
  registry: Registry;
  registration(flowId: string, outcome: RegistrationOutcome): void;
  providerCall(provider: string, flowId: string, outcome: string, seconds: number): void;
  webhook(outcome: WebhookOutcome): void;
  /** A registry lookup's outcome: found, not_found, unavailable (cache hits are not counted). */
  registryLookup(registry: string, flowId: string, outcome: string, seconds: number): void;
}

const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** One flow's circuit breaker, as scraped. */
export interface BreakerReading {
  flow: string;
  provider: string;
  state: keyof typeof BREAKER_STATE;
}

export function createMetrics(deps: {
  store: Store;
  /** Each flow's circuit breaker now. */
  breakers: () => Iterable<BreakerReading>;
  /** Requests refused by a rate limit since start, by route. */
  rateLimited: () => Record<RateLimitedRoute, number>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'org_signup_' });

  const registrations = new Counter({
    name: 'org_signup_registrations_total',
    help: 'Registrations by flow and outcome (queued ones count again when delivered or failed)',
    labelNames: ['flow', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'org_signup_provider_request_duration_seconds',
    help: 'Calls to providers, by provider, flow and outcome (HTTP status or error)',
    labelNames: ['provider', 'flow', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const lookups = new Histogram({
    name: 'org_signup_registry_lookup_duration_seconds',
    help: 'Registry lookups (DaData, VIES, Companies House, Hectare) by registry, flow and outcome',
    labelNames: ['registry', 'flow', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'org_signup_outbox_depth',
    help: 'Registrations waiting in the outbox for a (re)try',
    registers: [registry],
    async collect() {
      this.set((await deps.store.outboxStats(Date.now())).depth);
    },
  });
  new Gauge({
    name: 'org_signup_outbox_oldest_age_seconds',
    help: 'Age of the oldest registration waiting in the outbox (0 when empty)',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await deps.store.outboxStats(Date.now());
      this.set(oldestCreatedAt === null ? 0 : (Date.now() - oldestCreatedAt) / 1000);
    },
  });
  new Gauge({
    name: 'org_signup_rate_limited_total',
    help: 'Requests refused by a rate limit since start, by route',
    labelNames: ['route'],
    registers: [registry],
    collect() {
      const rejected = deps.rateLimited();
      for (const route of RATE_LIMITED_ROUTES) this.set({ route }, rejected[route]);
    },
  });
  new Gauge({
    name: 'org_signup_circuit_state',
    help: 'Circuit breaker per flow: 0 closed, 1 half-open, 2 open',
    labelNames: ['flow', 'provider'],
    registers: [registry],
    collect() {
      for (const { flow, provider, state } of deps.breakers()) {
        this.set({ flow, provider }, BREAKER_STATE[state]);
      }
    },
  });

  const webhookAttempts = new Counter({
    name: 'org_signup_webhook_attempts_total',
    help: "This instance's webhook attempts by outcome (delivered, retried, failed)",
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'org_signup_webhooks',
    help: 'Webhook deliveries in the journal by status (delivered, failed, pending)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const stats = await deps.store.webhookStats(Date.now());
      for (const status of ['delivered', 'failed', 'pending'] as const) {
        this.set({ status }, stats[status]);
      }
    },
  });
  new Gauge({
    name: 'org_signup_webhooks_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook delivery still pending (0 when none)',
    registers: [registry],
    async collect() {
      const { oldestPendingCreatedAt } = await deps.store.webhookStats(Date.now());
      this.set(oldestPendingCreatedAt === null ? 0 : (Date.now() - oldestPendingCreatedAt) / 1000);
    },
  });

  return {
    registry,
    webhook: (outcome) => webhookAttempts.inc({ outcome }),
    registration: (flow, outcome) => registrations.inc({ flow, outcome }),
    providerCall: (provider, flow, outcome, seconds) =>
      latency.observe({ provider, flow, outcome }, seconds),
    registryLookup: (registryId, flow, outcome, seconds) =>
      lookups.observe({ registry: registryId, flow, outcome }, seconds),
  };
}
