/**
 * What the form sends, and whether it may: pure functions of the flow descriptor, the element's
 * attributes, what the user entered and the page's query string. No DOM and no Lit, so that
 * widget/payload.test.ts checks them as plain values.
 */
import type { FieldDescriptor, FlowDescriptor, RegistrationRequest } from '../shared/api.ts';
import type { FieldErrorCode, FieldErrors } from '../shared/errors.ts';
import { checkValue, checkValues } from '../shared/fields.ts';
import { UTM_KEYS } from '../shared/names.ts';

/** The element's attributes that shape the form and what it sends. */
export interface Embedding {
  fields?: string | undefined;
  termsUrl?: string | undefined;
  privacyUrl?: string | undefined;
  inviteCode?: string | undefined;
  leadComment?: string | undefined;
  leadAttractor?: string | undefined;
}

/** One form as it stands: its flow, the element's attributes, what the user entered. */
export interface FormState {
  flow: FlowDescriptor;
  embedding: Embedding;
  /** By field name, as typed (untrimmed). */
  values: Record<string, string>;
  consent: boolean;
}

/** Required fields, then the optional ones named in `fields` (comma-separated), in flow order. */
export function visibleFields(flow: FlowDescriptor, fields: string | undefined): FieldDescriptor[] {
  const wanted = new Set((fields ?? '').split(',').map((s) => s.trim()));
  return flow.fields.filter((f) => f.required || wanted.has(f.name));
}

/** A required consent checkbox shows if the flow asks for consent or the page links its terms. */
export function needsConsent(flow: FlowDescriptor, embedding: Embedding): boolean {
  return flow.consent.required || Boolean(embedding.termsUrl || embedding.privacyUrl);
}

/** Whether the flow has an invite code field (which the `invite-code` attribute fills). */
export function takesInviteCode(flow: FlowDescriptor): boolean {
  return flow.fields.some((f) => f.name === 'inviteCode');
}

/** The shared rule's verdict on one value: an error code or undefined. */
export function fieldError(field: FieldDescriptor, value: string): FieldErrorCode | undefined {
  if (value.trim() === '') return field.required ? 'required' : undefined;
  const result = checkValue(field.name, value, field);
  return result.ok ? undefined : result.error;
}

/** What stops a submission: each visible field's error, and `consent` if needed and not given. */
export function formErrors({ flow, embedding, values, consent }: FormState): FieldErrors {
  const visible = visibleFields(flow, embedding.fields);
  const checked = checkValues(
    visible,
    Object.fromEntries(visible.map((f) => [f.name, values[f.name] ?? ''])),
  );
  const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
  if (needsConsent(flow, embedding) && !consent) errors['consent'] = 'required';
  return errors;
}

/** The `utm_*` parameters of a page's query string (`location.search`), each at most 200 long. */
export function utmOf(search: string): NonNullable<RegistrationRequest['utm']> {
  const query = new URLSearchParams(search);
  const utm: NonNullable<RegistrationRequest['utm']> = {};
  for (const key of UTM_KEYS) {
    const value = query.get(key);
    if (value) utm[key] = value.slice(0, 200);
  }
  return utm;
}

/**
 * The request body: the visible fields' trimmed values (the `invite-code` attribute where the
 * user left that field empty), the host values the flow accepts, the page's UTM parameters,
 * the consent where it is asked for, and the locale the form was shown in.
 */
export function payloadOf(form: FormState, locale: string, search: string): RegistrationRequest {
  const { flow, embedding } = form;
  const fields: Record<string, string> = {};
  for (const { name } of visibleFields(flow, embedding.fields)) {
    const value = form.values[name]?.trim();
    if (value) fields[name] = value;
  }
  if (!fields['inviteCode'] && embedding.inviteCode && takesInviteCode(flow)) {
    fields['inviteCode'] = embedding.inviteCode;
  }
  const hostValues: NonNullable<RegistrationRequest['hostValues']> = {};
  if (embedding.leadComment && flow.hostValues.includes('leadComment'))
    hostValues.leadComment = embedding.leadComment;
  if (embedding.leadAttractor && flow.hostValues.includes('leadAttractor')) {
    hostValues.leadAttractor = embedding.leadAttractor;
  }
  const utm = utmOf(search);
  return {
    fields,
    ...(Object.keys(hostValues).length ? { hostValues } : {}),
    ...(Object.keys(utm).length ? { utm } : {}),
    ...(needsConsent(flow, embedding) ? { consent: form.consent } : {}),
    locale,
  };
}

/** The fields as the `org-signup-submit` event shows them: secrets (the password) left out. */
export function shownFields(
  flow: FlowDescriptor,
  fields: RegistrationRequest['fields'],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter(([name]) => !flow.fields.find((f) => f.name === name)?.secret),
  ) as Record<string, string>;
}

/** A UUID v4 even outside secure contexts, where `crypto.randomUUID` is missing. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One submission: its body as JSON and its Idempotency-Key. */
export interface Attempt {
  body: string;
  key: string;
}

/**
 * The attempt that sends `body`: the last one again when the body is the same (a retry, which
 * the BFF answers once, whatever happened to the first try), else one with a new key.
 */
export function attemptFor(body: RegistrationRequest, last: Attempt | undefined): Attempt {
  const json = JSON.stringify(body);
  return last?.body === json ? last : { body: json, key: newIdempotencyKey() };
}
