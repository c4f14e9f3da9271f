/**
 * Registry autofill and the e-mail typo hint: which fields the flow looks up, asking the BFF's
 * lookup route, and suggesting a common mail domain. Pure or fetch-only, so that
 * widget/lookup.test.ts checks them without a DOM; widget/signup-form.ts shows the results.
 */
import type { FlowDescriptor, LookupResponse } from '../shared/api.ts';

/** Whether the flow looks `field` up in a registry: the one place that reads the descriptor. */
export function looksUp(flow: FlowDescriptor, field: string): boolean | undefined {
  return (flow.lookup as string[] | undefined)?.includes(field);
}

/**
 * Asks `url` + the number once the typing pauses: the record, 404 (not found), or undefined when
 * the registry or the network failed (the user simply types) or when the field no longer holds
 * `value` (`current`), before asking or when the answer comes: a late answer must not fill in
 * another number's company.
 */
export async function lookUp(
  url: string,
  value: string,
  current: () => string | undefined,
): Promise<LookupResponse | 404 | undefined> {
  // A company number is valid from its first digit (short ones are padded): wait for the rest.
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (current() !== value) return;
  try {
    const res = await fetch(url + encodeURIComponent(value));
    const answer = res.ok ? ((await res.json()) as LookupResponse) : res.status === 404 && 404;
    return (current() === value && answer) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Mail domains common enough that a near miss is likely a typo; each is also a right answer
 * (mail.com is one edit from gmail.com).
 */
const DOMAINS =
  'gmail.com yahoo.com hotmail.com outlook.com icloud.com mail.com gmx.de mail.ru'.split(' ');

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  let row = [...Array(b.length + 1).keys()];
  for (const x of a) {
    const next = [row[0]! + 1];
    for (let j = 0; j < b.length; j++) {
      next.push(Math.min(row[j + 1]! + 1, next[j]! + 1, row[j]! + (x === b[j] ? 0 : 1)));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * A common domain the e-mail's is likely a typo of ("gmial.com" -> "gmail.com"): one edit away,
 * two for the longer names (a swap of two letters is two edits).
 */
export function suggestDomain(email: string): string | undefined {
  const domain = email.split('@')[1] ?? '';
  return DOMAINS.includes(domain)
    ? undefined
    : DOMAINS.find((d) => distance(domain, d) <= (d.length > 8 ? 2 : 1));
}
