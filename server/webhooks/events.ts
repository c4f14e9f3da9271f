/**
 * What a partner's webhook endpoints hear (docs/webhooks.md): one event per status change of a
 * registration, `{ type, timestamp, data }`, written into the journal with the change itself
 * (one delivery per subscribed endpoint, all under the event's one `msg_` id). `data` holds the
 * registration's non-secret facts: never a password, a code or a token.
 */
import { randomUUID } from 'node:crypto';
import type { RegistrationResponse, RegistrationStatus } from '../../shared/api.ts';
import { FIELD_SPECS, isFieldName } from '../../shared/fields.ts';
import type { Secret } from '../config/secret.ts';
import type {
  NewWebhookDelivery,
  StoredRegistration,
  Verification,
  WebhookEventType,
} from '../store/types.ts';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../store/types.ts';

/** One configured endpoint, resolved: where, its signing secret, what it subscribes to. */
export interface WebhookEndpoint {
  id: string;
  url: URL;
  /** Standard Webhooks secret: `whsec_` + base64. */
  secret: Secret;
  events: ReadonlySet<WebhookEventType>;
}

/** The event a journal status announces (a bot's discarded submission announces nothing). */
export const EVENT_OF_STATUS: Partial<Record<string, WebhookEventType>> = {
  completed: 'registration.completed',
  'awaiting-approval': 'registration.awaiting_approval',
  queued: 'registration.queued',
  failed: 'registration.failed',
  rejected: 'registration.rejected',
};

/** What an event says of one registration. */
export interface EventFacts {
  id: string;
  flow: string;
  provider: string;
  status: RegistrationStatus;
  /** The journal's submission: `fields` (never a password: they are not stored), `utm`. */
  submission: { fields?: Record<string, unknown>; utm?: Record<string, unknown> };
  /** The answer's next step, where there is one. */
  next?: RegistrationResponse['next'];
  /** The provider's id for what was created, where it gave one. */
  providerRef?: string | null | undefined;
  /** The registry checks made at submit: the evidence (docs/registries.md). */
  verification?: readonly Verification[] | undefined;
}

/** The user's fields, the organisation's, and the rest, as the event's `data` groups them. */
const USER_FIELDS = new Set(['email', 'name', 'firstName', 'lastName', 'phone', 'login']);

function dataOf(facts: EventFacts) {
  const user: Record<string, string> = {};
  const organisation: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [name, value] of Object.entries(facts.submission.fields ?? {})) {
    // Passwords are never journaled; checked again here, as this text leaves the BFF.
    if (typeof value !== 'string' || !isFieldName(name) || FIELD_SPECS[name].secret) continue;
    if (USER_FIELDS.has(name)) user[name] = value;
    else if (name === 'organisationName') organisation['name'] = value;
    else if (name === 'inviteCode') other[name] = value;
    else organisation[name] = value;
  }
  if (facts.providerRef) organisation['providerRef'] = facts.providerRef;
  return {
    id: facts.id,
    flow: facts.flow,
    provider: facts.provider,
    status: facts.status,
    ...(facts.next ? { next: facts.next.type } : {}),
    user,
    organisation,
    ...other,
    utm: facts.submission.utm ?? {},
    ...(facts.verification?.length ? { verification: facts.verification } : {}),
  };
}

/**
 * The deliveries of one event to the flow's endpoints that subscribe to it (none: nothing to
 * write). The body is fixed here, byte for byte; each attempt signs it with its own timestamp.
 */
export function webhooksFor(
  endpoints: readonly WebhookEndpoint[],
  type: WebhookEventType | undefined,
  facts: EventFacts,
  now = new Date(),
): NewWebhookDelivery[] {
  if (!type) return [];
  const subscribed = endpoints.filter((e) => e.events.has(type));
  if (subscribed.length === 0) return [];
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const payload = JSON.stringify({ type, timestamp: now.toISOString(), data: dataOf(facts) });
  return subscribed.map((e) => ({
    id,
    endpointId: e.id,
    type,
    registrationId: facts.id,
    payload,
  }));
}

/** The event of a later step (verified, approved, rejected, queued again) of a journaled one. */
export function webhooksForStored(
  endpoints: readonly WebhookEndpoint[],
  type: WebhookEventType,
  registration: StoredRegistration,
  provider: string,
  status: RegistrationStatus,
): NewWebhookDelivery[] {
  return webhooksFor(endpoints, type, {
    id: registration.id,
    flow: registration.flowId,
    provider,
    status,
    submission: registration.submission,
    providerRef: registration.providerRef,
    verification: registration.verification,
  });
}
