/**
 * The follow-up routes over HTTP (docs/design.md §2): `POST /v1/registrations/:id/verify` and
 * `/resend`, with their per-registration limits, against the hectare and titelive simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP_LIMITS } from '../registration/follow-ups.ts';
import { hectareFields } from './contract/hectare.ts';
import { titeliveFields } from './contract/titelive.ts';
import { ORIGIN, nitroFields, startBff, type Bff } from './harness.ts';

let bff: Bff;
beforeAll(async () => {
  bff = await startBff();
});
afterAll(() => bff.close());

async function lastCode(provider: string, to: string): Promise<string> {
  const outbox = (
    await bff.fetch<{ to: string; code?: string }[]>('GET', `/sandbox/${provider}/_outbox`)
  ).body;
  const code = outbox.filter((m) => m.to === to && m.code).at(-1)?.code;
  if (!code) throw new Error(`no code sent to ${to}`);
  return code;
}

const verify = (id: string, code: unknown, origin = ORIGIN) =>
  bff.fetch('POST', `/v1/registrations/${id}/verify`, { headers: { origin }, json: { code } });
const resend = (id: string, origin = ORIGIN) =>
  bff.fetch('POST', `/v1/registrations/${id}/resend`, { headers: { origin } });

async function hectareRegistration() {
  const fields = hectareFields();
  const res = await bff.register('hectare', { fields });
  expect(res.status).toBe(201);
  expect(res.body['next']).toEqual({ type: 'verify-code' });
  return { id: String(res.body['id']), email: fields.email };
}

describe('verify', () => {
  it('confirms the right code once; confirming again is harmless', async () => {
    const { id, email } = await hectareRegistration();
    const code = await lastCode('hectare', email);
    const ok = await verify(id, `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id, status: 'completed', next: null });
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    const again = await verify(id, code);
    expect(again.status).toBe(200);
    const confirms = (await bff.sandboxRequests('hectare')).filter((r) =>
      r.path.endsWith('/auth/confirm-signup'),
    );
    expect(confirms.filter((r) => r.body['confirmationCode'] === code)).toHaveLength(1);
  });

  it('answers a wrong code with 400 invalid_code on the code field', async () => {
    const { id, email } = await hectareRegistration();
    const code = await lastCode('hectare', email);
    const res = await verify(id, code === '123456' ? '654321' : '123456');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_code', errors: { code: 'invalid_code' } });
  });

  it('refuses a malformed code without asking the provider or counting an attempt', async () => {
    const { id } = await hectareRegistration();
    const before = (await bff.sandboxRequests('hectare')).length;
    for (const code of ['12345', 'abcdef', 1234567, null]) {
      const res = await verify(id, code);
      expect(res.status, String(code)).toBe(400);
      expect(res.body['code']).toBe('invalid_code');
    }
    expect((await bff.sandboxRequests('hectare')).length).toBe(before);
  });

  it(`stops after ${FOLLOW_UP_LIMITS.verifyAttempts} wrong codes until a new code is sent`, async () => {
    const { id, email } = await hectareRegistration();
    const code = await lastCode('hectare', email);
    const wrong = code === '000000' ? '999999' : '000000';
    for (let i = 0; i < FOLLOW_UP_LIMITS.verifyAttempts; i += 1) {
      expect((await verify(id, wrong)).status).toBe(400);
    }
    const blocked = await verify(id, code);
    expect(blocked.status).toBe(429);
    expect(blocked.body['code']).toBe('too_many_attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    expect((await resend(id)).status).toBe(202);
    const fresh = await lastCode('hectare', email);
    expect(fresh).not.toBe(code);
    expect((await verify(id, fresh)).status).toBe(200);
  });

  it('has nothing to confirm on a registration without a code step', async () => {
    const done = await bff.register('nitro', { fields: nitroFields() });
    const res = await verify(String(done.body['id']), '123456');
    expect(res.status).toBe(409);
    expect(res.body['code']).toBe('step_not_available');
  });

  it('answers 404 for an unknown registration and 403 for a foreign origin', async () => {
    expect((await verify(crypto.randomUUID(), '123456')).status).toBe(404);
    const { id } = await hectareRegistration();
    const foreign = await verify(id, '123456', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body['code']).toBe('origin_not_allowed');
  });
});

describe('resend', () => {
  it('sends the confirmation e-mail again, then makes the user wait', async () => {
    const fields = titeliveFields();
    const created = await bff.register('titelive', { fields });
    expect(created.body['next']).toEqual({ type: 'confirm-email', canResend: true });
    const id = String(created.body['id']);

    const sent = await resend(id);
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({
      id,
      status: 'sent',
      retryAfter: FOLLOW_UP_LIMITS.resendCooldownSeconds,
    });
    const call = (await bff.sandboxRequests('titelive'))
      .filter((r) => r.path.endsWith('/customer/resend'))
      .at(-1);
    expect(call?.query['email']).toBe(fields.email);

    const tooSoon = await resend(id);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body['code']).toBe('too_many_attempts');
    const wait = Number(tooSoon.headers['retry-after']);
    expect(wait).toBeGreaterThan(FOLLOW_UP_LIMITS.resendCooldownSeconds - 5);
    expect(wait).toBeLessThanOrEqual(FOLLOW_UP_LIMITS.resendCooldownSeconds);
    const emails = (await bff.fetch<{ to: string }[]>('GET', '/sandbox/titelive/_outbox')).body;
    expect(emails.filter((m) => m.to === fields.email)).toHaveLength(2);
  });

  it('has nothing to send for a registration that is done', async () => {
    const done = await bff.register('nitro', { fields: nitroFields() });
    const res = await resend(String(done.body['id']));
    expect(res.status).toBe(409);
    expect(res.body['code']).toBe('step_not_available');
  });

  it('takes no body or a JSON one, nothing else', async () => {
    const { id } = await hectareRegistration();
    const form = await bff.fetch('POST', `/v1/registrations/${id}/resend`, {
      headers: { origin: ORIGIN, 'content-type': 'text/plain' },
      body: 'please',
    });
    expect(form.status).toBe(415);
  });
});
