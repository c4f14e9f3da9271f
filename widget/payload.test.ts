import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FieldDescriptor, FlowDescriptor } from '../shared/api.ts';
import { FIELD_SPECS, type FieldName } from '../shared/fields.ts';
import { en } from '../shared/i18n/en.ts';
import {
  attemptFor,
  fieldError,
  formErrors,
  newIdempotencyKey,
  payloadOf,
  shownFields,
  utmOf,
  visibleFields,
  type FormState,
} from './payload.ts';

const field = (name: FieldName, required: boolean): FieldDescriptor => ({
  ...FIELD_SPECS[name],
  name,
  required,
});

/** A flow needing e-mail and name, offering phone, invite code and password; no consent. */
const flow: FlowDescriptor = {
  id: 'shop',
  provider: 'nitro',
  fields: [
    field('email', true),
    field('phone', false),
    field('name', true),
    field('inviteCode', false),
    field('password', false),
  ],
  consent: { required: false },
  locales: ['en'],
  hostValues: ['leadComment'],
  budgetMs: 62_000,
  bot: { honeypot: true, minFillSeconds: 0, formToken: 'token' },
  locale: 'en',
  strings: en,
};

/** The form as the user left it: e-mail and name typed, the rest as given. */
const form = (state: Partial<FormState> = {}): FormState => ({
  flow,
  embedding: {},
  values: { email: 'ada@example.com', name: 'Ada' },
  consent: false,
  ...state,
});

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('which fields show', () => {
  it("shows the required fields and the optional ones the page names, in the flow's order", () => {
    const names = (fields?: string) => visibleFields(flow, fields).map((f) => f.name);
    expect(names(undefined)).toEqual(['email', 'name']);
    expect(names(' inviteCode , phone,unknown')).toEqual(['email', 'phone', 'name', 'inviteCode']);
  });
});

describe('what the form sends', () => {
  it('sends the visible fields trimmed, and neither blank nor hidden ones', () => {
    const values = { email: ' ada@example.com ', name: 'Ada', phone: '   ', password: 'secret' };
    const body = payloadOf(form({ values, embedding: { fields: 'phone' } }), 'nl', '');
    expect(body).toEqual({ fields: { email: 'ada@example.com', name: 'Ada' }, locale: 'nl' });
  });

  it("sends the page's invite code where the user typed none, and theirs where they did", () => {
    const embedding = { fields: 'inviteCode', inviteCode: 'FROM-PAGE' };
    expect(payloadOf(form({ embedding }), 'en', '').fields['inviteCode']).toBe('FROM-PAGE');
    const typed = form({ embedding, values: { email: 'a@example.com', inviteCode: 'TYPED' } });
    expect(payloadOf(typed, 'en', '').fields['inviteCode']).toBe('TYPED');
  });

  it('sends no invite code to a flow without that field', () => {
    const noInvite = { ...flow, fields: flow.fields.filter((f) => f.name !== 'inviteCode') };
    const body = payloadOf(form({ flow: noInvite, embedding: { inviteCode: 'X' } }), 'en', '');
    expect(body.fields).not.toHaveProperty('inviteCode');
  });

  it('passes the host values the flow accepts, and only those', () => {
    const embedding = { leadComment: 'met at the fair', leadAttractor: 'Bob' };
    expect(payloadOf(form({ embedding }), 'en', '').hostValues).toEqual({
      leadComment: 'met at the fair',
    });
    expect(payloadOf(form(), 'en', '')).not.toHaveProperty('hostValues');
  });

  it('sends the consent where a checkbox shows: the flow asks, or the page links terms', () => {
    expect(payloadOf(form({ consent: true }), 'en', '')).not.toHaveProperty('consent');
    const linked = form({ embedding: { privacyUrl: '/privacy' }, consent: true });
    expect(payloadOf(linked, 'en', '').consent).toBe(true);
    const asked = form({ flow: { ...flow, consent: { required: true } } });
    expect(payloadOf(asked, 'en', '').consent).toBe(false);
  });

  it('shows the submit event every field but the password', () => {
    const values = { email: 'ada@example.com', name: 'Ada', password: 'correct horse' };
    const body = payloadOf(form({ values, embedding: { fields: 'password' } }), 'en', '');
    expect(body.fields['password']).toBe('correct horse');
    expect(shownFields(flow, body.fields)).toEqual({ email: 'ada@example.com', name: 'Ada' });
  });
});

describe('UTM parameters from the page URL', () => {
  it('sends the utm_* parameters, each cut to 200 characters, and no other', () => {
    const search = `?utm_source=newsletter&utm_campaign=${'a'.repeat(250)}&utm_medium=&ref=x`;
    expect(utmOf(search)).toEqual({ utm_source: 'newsletter', utm_campaign: 'a'.repeat(200) });
    expect(payloadOf(form(), 'en', search).utm).toEqual(utmOf(search));
  });

  it('sends no utm when the page URL has none', () => {
    expect(payloadOf(form(), 'en', '?page=2')).not.toHaveProperty('utm');
  });
});

describe('checks before sending', () => {
  it('requires a blank required field; a blank optional one is fine', () => {
    expect(fieldError(field('name', true), '  ')).toBe('required');
    expect(fieldError(field('phone', false), '')).toBeUndefined();
  });

  it("words a wrong value with the shared rule's code", () => {
    expect(fieldError(field('email', true), 'ada@')).toBe('invalid_email');
    expect(fieldError(field('email', true), 'ada@example.com')).toBeUndefined();
  });

  it("stops a submission on each visible field's error and a missing consent", () => {
    const asked = { ...flow, consent: { required: true } };
    const values = { email: 'nope', phone: '12' };
    expect(formErrors(form({ flow: asked, values }))).toEqual({
      email: 'invalid_email',
      name: 'required',
      consent: 'required',
    });
    expect(formErrors(form({ flow: asked, consent: true }))).toEqual({});
  });
});

describe('the Idempotency-Key', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is reused when the same payload is sent again (a retry)', () => {
    const body = payloadOf(form(), 'en', '');
    const first = attemptFor(body, undefined);
    expect(first.key).toMatch(UUID_V4);
    expect(attemptFor(payloadOf(form(), 'en', ''), first).key).toBe(first.key);
  });

  it('is new once the payload has changed', () => {
    const first = attemptFor(payloadOf(form(), 'en', ''), undefined);
    const edited = form({ values: { email: 'ada@example.com', name: 'Ada L.' } });
    expect(attemptFor(payloadOf(edited, 'en', ''), first).key).not.toBe(first.key);
  });

  it('is a UUID v4 also where crypto.randomUUID is missing (a page over plain http)', () => {
    const { getRandomValues } = crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(crypto) });
    const keys = new Set(Array.from({ length: 20 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(20);
    for (const key of keys) expect(key).toMatch(UUID_V4);
  });
});
