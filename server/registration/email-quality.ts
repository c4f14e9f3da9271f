/**
 * E-mail and domain quality (docs/registries.md): addresses at disposable e-mail domains are
 * refused (mailchecker's list, updated with the package), free-mail domains are refused as the
 * company's `domain`, a flow may want the e-mail under the company's domain, and may check that
 * the e-mail's domain accepts mail (MX, or A/AAAA as RFC 5321 allows). A DNS failure or timeout
 * never refuses anyone: only a clear "no such domain" or "no mail here" does.
 */
import { Resolver } from 'node:dns/promises';
import MailChecker from 'mailchecker';
import type { FieldErrors } from '../../shared/errors.ts';
import type { FieldValues } from '../../shared/fields.ts';
import type { LoadedFlow } from '../config/load.ts';

/**
 * Free-mail providers people sign up with, in the flows' markets: a company's own domain is
 * never one of these. A short list on purpose (the published lists include ISPs some small firms
 * really use), extended by the flow's users' reports rather than guessed.
 */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'live.com',
  'live.nl',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  't-online.de',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  'mail.ru',
  'bk.ru',
  'inbox.ru',
  'list.ru',
  'yandex.ru',
  'ya.ru',
  'rambler.ru',
  'zoho.com',
  'mail.com',
  'btinternet.com',
]);

const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** The checks that need no network, on values the field rules already accepted. */
export function emailQualityErrors(
  flow: Pick<LoadedFlow, 'emailMatchesDomain'>,
  values: FieldValues,
): FieldErrors {
  const errors: FieldErrors = {};
  const { email, domain } = values;
  if (email && !MailChecker.isValid(email)) errors['email'] = 'disposable_email';
  if (domain && FREE_MAIL_DOMAINS.has(domain.toLowerCase())) errors['domain'] = 'free_mail_domain';
  if (flow.emailMatchesDomain && email && domain && !errors['email'] && !errors['domain']) {
    const at = emailDomain(email);
    const company = domain.toLowerCase();
    if (at !== company && !at.endsWith(`.${company}`)) errors['email'] = 'email_domain_mismatch';
  }
  return errors;
}

type MailAnswer = 'accepts' | 'refuses' | 'unknown';

const code = (err: unknown) => (err as { code?: string }).code;

/** What DNS says of `domain` and mail, within the resolver's own timeout. */
async function mailAnswer(resolver: Resolver, domain: string): Promise<MailAnswer> {
  try {
    const mx = await resolver.resolveMx(domain);
    // RFC 7505's null MX ("." at preference 0): the domain says it takes no mail.
    if (mx.length === 1 && (mx[0]!.exchange === '' || mx[0]!.exchange === '.')) return 'refuses';
    if (mx.length > 0) return 'accepts';
  } catch (err) {
    if (code(err) === 'ENOTFOUND') return 'refuses'; // no such domain
    if (code(err) !== 'ENODATA') return 'unknown'; // timeout, refused, server failure
  }
  // No MX: the domain's own address takes mail (RFC 5321 §5.1).
  for (const family of ['resolve4', 'resolve6'] as const) {
    try {
      if ((await resolver[family](domain)).length > 0) return 'accepts';
    } catch (err) {
      if (code(err) === 'ENOTFOUND') return 'refuses';
      if (code(err) !== 'ENODATA') return 'unknown';
    }
  }
  return 'refuses';
}

/** `email_domain_no_mail` when DNS says the e-mail's domain takes no mail; else nothing. */
export async function mailDomainError(
  flow: Pick<LoadedFlow, 'mailDomainCheck'>,
  email: string | undefined,
): Promise<FieldErrors> {
  const check = flow.mailDomainCheck;
  if (!check || !email) return {};
  const resolver = new Resolver({ timeout: check.timeoutMs, tries: 1 });
  if (check.dnsServers?.length) resolver.setServers(check.dnsServers);
  let timer: NodeJS.Timeout | undefined;
  // The resolver's timeout is per query; this bounds the three of them together.
  const budget = new Promise<MailAnswer>((resolve) => {
    timer = setTimeout(() => resolve('unknown'), check.timeoutMs);
  });
  try {
    const answer = await Promise.race([mailAnswer(resolver, emailDomain(email)), budget]);
    return answer === 'refuses' ? { email: 'email_domain_no_mail' } : {};
  } finally {
    clearTimeout(timer);
    resolver.cancel();
  }
}
