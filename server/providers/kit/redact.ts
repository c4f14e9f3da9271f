/**
 * Provider text scrubbed before it is logged. Adapters quote what a provider answered (its
 * message, its state's description) so that an operator can act on it, and a provider that
 * echoes the request puts our credentials and the user's details into that text. Every log line
 * that carries a provider's words goes through one `Redactor`: it knows every secret of the
 * configuration, and is given the values of the submission at hand.
 *
 * Written here because it is a few lines over our own `Secret` type; pino's `redact` works on
 * key paths, not on values inside free text.
 */
import { Secret } from '../../config/secret.ts';

/** Shorter values are left alone: they would blank out common words and numbers. */
const MIN_LENGTH = 4;
const CENSOR = '[redacted]';

/** The forms a value takes on the wire: raw, URL-encoded (both styles), JSON-escaped, digits. */
function variants(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ]);
  // A phone number echoed in another format: its digits alone.
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 7 && /^[\d\s+().-]+$/.test(value)) forms.add(digits);
  return [...forms].filter((form) => form.length >= MIN_LENGTH);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function pattern(values: Iterable<string>): RegExp | undefined {
  const forms = [...new Set([...values].flatMap(variants))].sort((a, b) => b.length - a.length);
  return forms.length ? new RegExp(forms.map(escape).join('|'), 'gi') : undefined;
}

export type Redactor = (text: string, submitted?: Iterable<string>) => string;

/** Every `Secret` in a configuration's (or any object's) tree, revealed, for scrubbing only. */
export function secretValues(...trees: unknown[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Secret) found.push(node.reveal());
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  trees.forEach(walk);
  return found;
}

/** A redactor for these secrets; each call may add the values of one submission. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const always = pattern(secrets);
  return (text, submitted) => {
    let out = always ? text.replace(always, CENSOR) : text;
    const now = submitted && pattern(submitted);
    if (now) out = out.replace(now, CENSOR);
    return out;
  };
}
