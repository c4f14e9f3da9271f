/**
 * The configured webhook endpoints, resolved once at start: each with its URL (the sandbox's
 * receiver where the config says `"sandbox": true`), its secret and its events, under a stable
 * id that the journal's deliveries name (so a delivery outlives a restart).
 */
import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/load.ts';
import type { WebhookConfig } from '../config/schema.ts';
import { Secret } from '../config/secret.ts';
import type { WebhookEndpoint } from './events.ts';

export interface ResolvedWebhooks {
  /** Every endpoint by id: what the sender delivers to. */
  all: Map<string, WebhookEndpoint>;
  /** Each flow's: the top-level endpoints and its own. */
  byFlow: Map<string, WebhookEndpoint[]>;
}

export function resolveWebhooks(
  config: LoadedConfig,
  receiver: { url: URL; secret: string } | undefined,
): ResolvedWebhooks {
  const all = new Map<string, WebhookEndpoint>();
  const resolve = (hook: WebhookConfig): WebhookEndpoint => {
    let endpoint: WebhookEndpoint;
    if (hook.sandbox) {
      if (!receiver) throw new Error('a { "sandbox": true } webhook needs the sandbox plugin');
      endpoint = {
        id: hook.id ?? 'sandbox',
        url: receiver.url,
        secret: new Secret(receiver.secret),
        events: new Set(hook.events),
      };
    } else {
      const url = new URL(hook.url!);
      endpoint = {
        // Named by its URL unless the config names it: the same endpoint keeps its id.
        id: hook.id ?? `e${createHash('sha256').update(url.href).digest('hex').slice(0, 12)}`,
        url,
        secret: hook.secret!,
        events: new Set(hook.events),
      };
    }
    const known = all.get(endpoint.id);
    if (known && known.url.href !== endpoint.url.href) {
      throw new Error(`webhook id "${endpoint.id}" names two endpoints: give each its own id`);
    }
    if (known) {
      // Listed twice (top level and a flow): one endpoint, hearing what either list asks for.
      endpoint = { ...known, events: new Set([...known.events, ...endpoint.events]) };
    }
    all.set(endpoint.id, endpoint);
    return endpoint;
  };
  const global = config.webhooks.map(resolve);
  const byFlow = new Map(
    config.flows.map((flow) => {
      const own = flow.webhooks.map(resolve);
      const ids = new Set(own.map((e) => e.id));
      return [flow.id, [...global.filter((e) => !ids.has(e.id)), ...own]];
    }),
  );
  return { all, byFlow };
}
