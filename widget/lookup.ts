/**
 * Registry autofill and the e-mail typo hint: which fields the flow looks up, asking the BFF's
 * lookup route, and suggesting a common mail domain. Pure or fetch-only, so that
 * widget/lookup.test.ts checks them without a DOM; widget/signup-form.ts shows the results.
 */
import type { FlowDescriptor, LookupResponse } from '../shared/api.ts';
import { isPlausibleVat, isValidCompanyNumber } from '../shared/validators.ts';

/** Whether the flow looks `field` up in a registry: the one place that reads the descriptor. */
export function looksUp(flow: FlowDescriptor, field: string): boolean | undefined {
  return (flow.lookup as string[] | undefined)?.includes(field);
}

/**
 * The format checks the field's own rule leaves out (a VAT number or a company number that is not
 * an EU or a UK one is still the provider's to judge), so that a typo is never sent to be looked
 * up. Each EU country's checksum is the server's.
 */
const LOOKS_LIKE: Record<string, (value: string) => boolean> = {
  vat: isPlausibleVat,
  companyNumber: isValidCompanyNumber,
};

/** Whether a number its field's rule accepts is worth looking up. */
export function worthLookingUp(field: string, value: string): boolean {
  return LOOKS_LIKE[field]?.(value) ?? true;
}

/**
 * Asks `url` + the number once the typing pauses: the record, `{}` (not found), or undefined
 * when the registry or the network failed (the user simply types) or when
 * the field no longer holds `value` (`current`), before asking or when the answer comes: a late
 * answer must not fill in another number's company.
 */
export async function lookUp(
  url: string,
  value: string,
  current: () => string | undefined,
): Promise<Partial<LookupResponse> | undefined> {
  // A company number is valid from its first digit (short ones are padded): wait for the rest.
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (current() !== value) return;
  try {
    const res = await fetch(url + encodeURIComponent(value));
    const answer = res.ok ? ((await res.json()) as LookupResponse) : res.status === 404 && {};
    return (current() === value && answer) || undefined;
  } catch {
    // Unreachable: the user types on.
  }
}

/**
 * Mail domains common enough that a near miss is likely a typo; each is also a right answer
 * (mail.com is one edit from gmail.com). Short: each name costs the widget's size budget.
 */
const DOMAINS = 'gmail.com yahoo.com hotmail.com outlook.com mail.com mail.ru'.split(' ');

/** Whether `b` is `a` with one character changed, added or dropped, or two neighbours swapped. */
function oneSlip(a: string, b: string): boolean {
  let i = 0;
  while (a[i] === b[i]) i++; // a !== b: stops at the first difference
  const rest = (n: number, m: number) => a.slice(i + n) === b.slice(i + m);
  return (
    rest(1, 1) || rest(1, 0) || rest(0, 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(2, 2))
  );
}

/**
 * A common domain the e-mail's is likely a typo of: "gmial.com", "gmail.con" -> "gmail.com". While
 * the user is `typing`, not one they are on the way to ("gmail.co" before the last "m").
 */
export function suggestDomain(email: string, typing?: boolean): string | undefined {
  const domain = email.split('@')[1] ?? '';
  return DOMAINS.includes(domain)
    ? undefined
    : DOMAINS.find((d) => !(typing && d.startsWith(domain)) && oneSlip(domain, d));
}
