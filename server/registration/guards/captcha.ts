/**
 * The server-side captcha check (Cloudflare Turnstile, hCaptcha): the token the host page's
 * captcha widget produced is verified at the provider's `siteverify` endpoint before anything
 * is journaled. Both providers take the same form fields and answer `{ success, error-codes }`.
 */
import type { Logger } from 'pino';
import { request } from 'undici';
import { z } from 'zod';
import type { RegistrationRequest } from '../../../shared/api.ts';
import type { LoadedFlow } from '../../config/load.ts';
import { HttpProblem, invalidFields } from '../../errors.ts';
import { CAPTCHA_TIMEOUT_MS, type Flow } from '../flows.ts';

const CAPTCHA_VERIFY_URLS = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
} as const;

const answer = z.looseObject({
  success: z.boolean(),
  'error-codes': z.array(z.string()).optional(),
});

type CaptchaVerdict = 'passed' | 'failed' | 'unavailable';

async function verifyCaptcha(
  captcha: NonNullable<LoadedFlow['captcha']>,
  token: string,
  remoteIp: string | undefined,
): Promise<{ verdict: CaptchaVerdict; codes: string[] }> {
  const form = new URLSearchParams({ secret: captcha.secret.reveal(), response: token });
  if (remoteIp) form.set('remoteip', remoteIp);
  if (captcha.provider === 'hcaptcha') form.set('sitekey', captcha.siteKey);
  try {
    const res = await request(captcha.verifyUrl ?? CAPTCHA_VERIFY_URLS[captcha.provider], {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(CAPTCHA_TIMEOUT_MS),
    });
    const parsed = answer.safeParse(await res.body.json().catch(() => null));
    if (res.statusCode >= 500 || !parsed.success) return { verdict: 'unavailable', codes: [] };
    return {
      verdict: parsed.data.success ? 'passed' : 'failed',
      codes: parsed.data['error-codes'] ?? [],
    };
  } catch {
    return { verdict: 'unavailable', codes: [] };
  }
}

/** The flow's captcha, checked: a missing, refused or uncheckable token is the user's problem. */
export async function checkCaptcha(
  flow: Flow,
  request: RegistrationRequest,
  ip: string | undefined,
  log: Logger,
) {
  const captcha = flow.config.captcha;
  if (!captcha) return;
  if (!request.captchaToken) throw invalidFields({ captcha: 'required' });
  const { verdict, codes } = await verifyCaptcha(captcha, request.captchaToken, ip);
  if (verdict === 'passed') return;
  if (verdict === 'failed') {
    // The provider's own words: scrubbed like any provider text (one may echo our secret).
    log.info({ flow: flow.id, codes: codes.map((code) => flow.redact(code)) }, 'captcha refused');
    throw invalidFields({ captcha: 'invalid' });
  }
  log.error({ flow: flow.id, provider: captcha.provider }, 'captcha verify endpoint unavailable');
  throw new HttpProblem(
    503,
    'captcha_unavailable',
    'The captcha check is unavailable; try again.',
    {
      headers: { 'retry-after': '10' },
    },
  );
}
