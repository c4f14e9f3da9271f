/**
 * Bot checks on the server: a honeypot field no person fills, and a minimum fill time measured
 * from a signed form token in the flow descriptor (both ends on the server's clock). Written here
 * because it is a few lines of HMAC, not worth a dependency. The widget never sends sooner than
 * the minimum, so only clients that skip it (scripts posting directly) are caught.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RegistrationRequest } from '../../../shared/api.ts';
import type { LoadedConfig } from '../../config/load.ts';
import { Secret } from '../../config/secret.ts';
import { HttpProblem } from '../../errors.ts';
import type { Flow } from '../flows.ts';

/** A token older than this no longer proves anything: the page is asked to fetch a new one. */
const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export type TokenCheck =
  { ok: true; ageMs: number } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

export interface FormTokens {
  issue(flowId: string, now?: number): string;
  check(flowId: string, token: string | undefined, now?: number): TokenCheck;
}

export function createFormTokens(key: Buffer): FormTokens {
  const sign = (flowId: string, issuedAt: number) =>
    createHmac('sha256', key).update(`${flowId}.${issuedAt}`).digest('base64url');
  return {
    issue: (flowId, now = Date.now()) => `${now}.${sign(flowId, now)}`,
    check(flowId, token, now = Date.now()) {
      if (!token) return { ok: false, reason: 'missing' };
      const match = /^(\d{13})\.([\w-]{43})$/.exec(token);
      if (!match) return { ok: false, reason: 'invalid' };
      const issuedAt = Number(match[1]);
      const expected = Buffer.from(sign(flowId, issuedAt));
      if (!timingSafeEqual(expected, Buffer.from(match[2]!)))
        return { ok: false, reason: 'invalid' };
      const ageMs = now - issuedAt;
      if (ageMs < 0 || ageMs > FORM_TOKEN_MAX_AGE_MS) return { ok: false, reason: 'expired' };
      return { ok: true, ageMs };
    },
  };
}

/**
 * The token key every instance shares: ORG_SIGNUP_FORM_KEY where set; otherwise derived from the
 * configuration's secrets, which every instance of a deployment has; a demo without secrets gets
 * a random key (one instance).
 */
export function formTokenKey(config: LoadedConfig, envKey: string | undefined): Buffer {
  if (envKey) return createHash('sha256').update(`org-signup form key:${envKey}`).digest();
  const secrets: string[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Secret) secrets.push(node.reveal());
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  config.flows.forEach((flow) => walk(flow.providerSettings));
  for (const flow of config.flows) if (flow.captcha) walk(flow.captcha);
  if (secrets.length === 0 || config.flows.every((f) => f.sandbox)) return randomBytes(32);
  const hmac = createHmac('sha256', 'org-signup form key');
  for (const value of secrets.sort()) hmac.update(`${value.length}:${value}`);
  return hmac.digest();
}

/** 400: the form must be loaded again (the widget does so and sends once more). */
export const formExpired = (detail: string) => new HttpProblem(400, 'form_expired', detail);

/**
 * Why a submission looks like a bot's (undefined for a person's), and the hash of the form token
 * that admits it: one token admits one registration (the journal refuses it for another key).
 */
export function botCheck(
  flow: Flow,
  request: RegistrationRequest,
  tokens: FormTokens,
): { reason: string | undefined; tokenHash?: string } {
  const { honeypot, minFillSeconds } = flow.config.botProtection;
  const hashed = request.formToken
    ? { tokenHash: createHash('sha256').update(request.formToken).digest('hex') }
    : {};
  if (honeypot && request.hp) return { reason: 'honeypot filled', ...hashed };
  if (minFillSeconds <= 0) return { reason: undefined };
  const token = tokens.check(flow.id, request.formToken);
  if (!token.ok && token.reason === 'missing') return { reason: 'no form token' };
  if (!token.ok) {
    // A page left open for a day, or keys rotated: a person's, most likely. The widget
    // fetches a fresh token and sends again.
    throw formExpired('The form is out of date: load it again and send.');
  }
  return {
    reason:
      token.ageMs < minFillSeconds * 1000
        ? `sent ${token.ageMs} ms after the form was served`
        : undefined,
    ...hashed,
  };
}
