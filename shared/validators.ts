/**
 * Validators shared by the widget and the server. They are pure functions on strings so the
 * browser bundle stays small; the server adds what needs a heavy library (libphonenumber-js).
 */

/** Weights of the official INN check digits (Federal Tax Service order No. ММ-3-09/161). */
const INN10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function innCheckDigit(digits: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  weights.forEach((weight, i) => (sum += weight * (digits[i] ?? 0)));
  return (sum % 11) % 10;
}

/** A Russian taxpayer number: 10 digits (organisations) or 12 (individuals), checksums valid. */
export function isValidInn(value: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(value)) return false;
  const d = [...value].map(Number);
  if (d.length === 10) return innCheckDigit(d, INN10) === d[9];
  return innCheckDigit(d, INN12_11) === d[10] && innCheckDigit(d, INN12_12) === d[11];
}

/**
 * Makes what people paste into a "domain" box a hostname: trims, lower-cases and drops a leading
 * `http(s)://`, a leading `www.` is kept (it is a valid, distinct host) and one trailing slash.
 */
export function normalizeDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '')
    .replace(/\.$/, '');
}

/**
 * A public hostname with at least two labels, IDN allowed (checked in its punycode form through
 * the URL parser both runtimes have). No scheme, path, port, credentials or IP address.
 */
export function isValidDomain(value: string): boolean {
  if (value.length === 0 || value.length > 253 || /[\s/?#@:%\\]/.test(value)) return false;
  let ascii: string;
  try {
    ascii = new URL(`http://${value}`).hostname;
  } catch {
    return false;
  }
  if (ascii.length > 253 || /^[\d.]+$/.test(ascii)) return false;
  const labels = ascii.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return false;
  return labels.every((l) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(l));
}

/** The ASCII (punycode) form of a valid domain, as providers' APIs expect it. */
export function domainToAscii(value: string): string {
  return new URL(`http://${value}`).hostname;
}

/**
 * An address a mail server will accept: a dot-atom-ish local part (no spaces, quotes or brackets,
 * no leading, trailing or double dot, 64 characters at most) and a valid (IDN) domain. Written here
 * because zod's ASCII e-mail regex refuses IDN domains and its Unicode one accepts `a@b`.
 */
export function isValidEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at < 1 || value.length > 254) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || /[\s"(),:;<>@[\\\]]/u.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return isValidDomain(domain.toLowerCase());
}

/**
 * A light phone check for the browser: digits with optional leading `+` and the usual separators,
 * 7 to 15 digits (E.164's maximum). The server parses with libphonenumber-js and normalises to E.164.
 */
export function isPlausiblePhone(value: string): boolean {
  const compact = value.replace(/[\s().-]/g, '');
  return /^\+?\d{7,15}$/.test(compact);
}

/*
 * Invisible characters: Unicode's format characters (category Cf), which change nothing a person
 * sees but what a program compares, stores or displays. Among them the bidi controls (U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: they reorder what an operator reads), the
 * zero-width ones (U+180E, U+200B–U+200D, U+2060, U+FEFF), the soft hyphen, invisible operators
 * and tag characters. Per field (docs/configuration.md has the same table):
 * - identifiers (email, phone, domain, inn, companyNumber, vat, zip, country, login, inviteCode,
 *   houseNumber): refused, `invalid_characters`, as C0/C1 controls are;
 * - free text a person types (name, firstName, lastName, organisationName, street, city):
 *   stripped (`stripInvisible`), but for ZWNJ/ZWJ where a script or an emoji needs them; C0/C1
 *   controls stay refused;
 * - UTM and host values, which the user cannot see or fix: controls and invisible characters
 *   stripped (`cleanHostText`), never refused;
 * - passwords: taken as typed.
 * Written with property escapes (\p{Cc}, \p{Cf}): lists of ranges would cost the widget bytes.
 */

/** C0/C1 control characters; with `invisible`, also the invisible ones above (identifiers). */
export function hasControlCharacters(value: string, invisible?: boolean): boolean {
  return (invisible ? /[\p{Cc}\p{Cf}]/u : /\p{Cc}/u).test(value);
}

/**
 * Free text without invisible characters, but for the joiners that join: ZWNJ/ZWJ (`Join_C`)
 * between two letters or marks (Persian, Indic scripts: they choose a letter's form) and ZWJ in
 * an emoji sequence (woman, ZWJ, laptop; also after a variation selector or a skin tone). A
 * joiner that joins is matched with the character before it and put back (`$1`); any other
 * format character matches alone and goes.
 */
export function stripInvisible(value: string): string {
  return value.replace(
    /([\p{L}\p{M}]\p{Join_C}(?=[\p{L}\p{M}])|[\p{M}\p{EMod}\p{ExtPict}]\u200d(?=\p{ExtPict}))|\p{Cf}/gu,
    '$1',
  );
}

/**
 * A value the host page or its URL set (UTM, host values): the user could not fix it, so it is
 * cleaned, never refused. Line breaks and tabs become spaces, other controls and invisible
 * characters go; the caller trims.
 */
export function cleanHostText(value: string): string {
  return stripInvisible(value.replace(/[\t-\r\u0085]/g, ' ').replace(/\p{Cc}/gu, ''));
}
