/**
 * Sends the journal's webhook deliveries, one worker per instance: it leases what is due (so
 * several instances never send one attempt twice at once), signs each attempt per Standard
 * Webhooks with the reference library (`webhook-id` the event's, the same on every retry;
 * `webhook-timestamp` and `webhook-signature` this attempt's), and records the outcome:
 * a 2xx delivers it; a timeout, a 5xx, a 429 (after its Retry-After) or no answer is retried with
 * backoff and jitter until `maxAgeSeconds` after the event (or its replay); any other answer
 * fails it (an operator may replay it).
 */
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import type { LoadedConfig } from '../config/load.ts';
import type { Metrics } from '../metrics.ts';
import { PACKAGE_VERSION } from '../paths.ts';
import type { ClaimedWebhook, Store } from '../store/types.ts';
import { leaseWorker } from '../store/lease-worker.ts';
import type { WebhookEndpoint } from './events.ts';

export type WebhookDeliveryOptions = LoadedConfig['webhookDelivery'];

export interface WebhookSender {
  start(): void;
  /** Stops polling and waits for the attempts in flight; pending deliveries stay for later. */
  stop(): Promise<void>;
}

/** The delay before attempt `attempts + 1`: exponential, capped, half of it random. */
export function webhookBackoffMs(
  attempts: number,
  options: Pick<WebhookDeliveryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random = Math.random,
): number {
  const ceiling = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** Math.max(0, attempts - 1),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` in seconds or as an HTTP date, in ms from now; undefined if absent or unreadable. */
function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

type Attempt =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status?: number; detail: string; notBefore?: number }
  | { kind: 'failed'; status: number; detail: string };

export function createWebhookSender(deps: {
  store: Store;
  endpoints: ReadonlyMap<string, WebhookEndpoint>;
  log: Logger;
  metrics: Metrics;
  options: WebhookDeliveryOptions;
}): WebhookSender {
  const { store, endpoints, metrics, options } = deps;
  const log = deps.log.child({ component: 'webhooks' });
  // Every endpoint is a partner's server: short keep-alive, the attempt's own deadline.
  const agent = new Agent({
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });
  const signers = new Map<string, Webhook>();
  const signerFor = (endpoint: WebhookEndpoint) => {
    let signer = signers.get(endpoint.id);
    if (!signer) signers.set(endpoint.id, (signer = new Webhook(endpoint.secret.reveal())));
    return signer;
  };
  /** Longer than one attempt can take: a lease that runs out means its sender died. */
  const leaseMs = options.timeoutMs * 2 + 5_000;

  async function send(hook: ClaimedWebhook, endpoint: WebhookEndpoint): Promise<Attempt> {
    const sentAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': `org-signup-webhooks/${PACKAGE_VERSION}`,
      'webhook-id': hook.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signerFor(endpoint).sign(hook.id, sentAt, hook.payload),
    };
    const deadline = new AbortController();
    const stop = setTimeout(() => deadline.abort(), options.timeoutMs);
    try {
      const res = await request(endpoint.url, {
        method: 'POST',
        headers,
        body: hook.payload,
        dispatcher: agent,
        signal: deadline.signal,
      });
      // The answer's body is the receiver's business; read and dropped, never logged.
      await res.body.dump();
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { kind: 'delivered', status };
      if (status === 429 || status === 408 || status >= 500) {
        const notBefore = retryAfterMs(res.headers['retry-after'], Date.now());
        return {
          kind: 'retry',
          status,
          detail: `http_${status}`,
          ...(notBefore !== undefined ? { notBefore } : {}),
        };
      }
      return { kind: 'failed', status, detail: `http_${status}` };
    } catch (err) {
      const code = (err as { code?: string }).code;
      return {
        kind: 'retry',
        detail: deadline.signal.aborted ? 'timeout' : (code ?? 'network_error'),
      };
    } finally {
      clearTimeout(stop);
    }
  }

  async function deliver(hook: ClaimedWebhook): Promise<void> {
    const key = { id: hook.id, endpointId: hook.endpointId };
    const where = { webhookId: hook.id, endpoint: hook.endpointId, type: hook.type };
    const endpoint = endpoints.get(hook.endpointId);
    if (!endpoint) {
      await store.finishWebhook(key, hook.leaseToken, {
        status: 'failed',
        detail: 'endpoint no longer configured',
      });
      metrics.webhook('failed');
      log.error(where, 'webhook failed: its endpoint is no longer in the configuration');
      return;
    }
    const attempt = await send(hook, endpoint);
    if (attempt.kind === 'delivered') {
      await store.finishWebhook(key, hook.leaseToken, {
        status: 'delivered',
        httpStatus: attempt.status,
        detail: `http_${attempt.status}`,
      });
      metrics.webhook('delivered');
      log.debug({ ...where, attempt: hook.attempts }, 'webhook delivered');
      return;
    }
    const now = Date.now();
    const deadline = hook.windowStart.getTime() + options.maxAgeSeconds * 1000;
    const wait = Math.max(
      webhookBackoffMs(hook.attempts, options),
      attempt.kind === 'retry' ? (attempt.notBefore ?? 0) : 0,
    );
    if (attempt.kind === 'failed' || now + wait > deadline) {
      const detail =
        attempt.kind === 'failed'
          ? attempt.detail
          : `${attempt.detail}; gave up after ${hook.attempts} attempts`;
      await store.finishWebhook(key, hook.leaseToken, {
        status: 'failed',
        ...(attempt.status !== undefined ? { httpStatus: attempt.status } : {}),
        detail,
      });
      metrics.webhook('failed');
      log.error(
        { ...where, attempts: hook.attempts, url: endpoint.url.origin },
        `webhook failed: ${detail}`,
      );
      return;
    }
    await store.rescheduleWebhook(key, hook.leaseToken, {
      nextAttemptAt: now + wait,
      ...(attempt.status !== undefined ? { httpStatus: attempt.status } : {}),
      detail: attempt.detail,
    });
    metrics.webhook('retried');
    log.warn(
      { ...where, attempt: hook.attempts, retryInMs: wait, url: endpoint.url.origin },
      `webhook attempt failed (${attempt.detail}); retrying later`,
    );
  }

  const worker = leaseWorker({
    name: 'webhook',
    log,
    claim: (now, batchSize) => store.claimWebhooks(now, batchSize, leaseMs),
    handle: deliver,
    describe: (hook) => ({ webhookId: hook.id }),
    ...options,
  });
  return {
    // Nothing to send to: no worker (and no polling of the journal).
    start() {
      if (endpoints.size > 0) worker.start();
    },
    async stop() {
      await worker.stop();
      await agent.close();
    },
  };
}
