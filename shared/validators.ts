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

/** What people type around registry numbers: spaces, dots, dashes, slashes. */
const compact = (value: string) => value.replace(/[\s./-]/g, '').toUpperCase();

/** The prefixes VIES answers for: the EU member states (Greece is EL) and Northern Ireland. */
export const VIES_PREFIXES =
  'AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI';

/** A VAT number as VIES takes it: `NL004495445B01` from `nl 0044.95.445 b01`. */
export const compactVat = compact;

/**
 * The shape of an EU VAT number: a VIES member-state prefix and 2 to 12 letters or digits. Each
 * country's checksum is the server's (a library too big for the widget); the shape is enough to
 * keep a typo from leaving the browser in most cases.
 */
export function isPlausibleVat(value: string): boolean {
  const vat = compact(value);
  return /^[A-Z]{2}[0-9A-Z+*]{2,12}$/.test(vat) && VIES_PREFIXES.includes(vat.slice(0, 2));
}

/**
 * A UK company number as Companies House writes it: 8 characters, digits padded with zeros in
 * front (`123456` is `00123456`), or a 2-letter prefix (SC, NI, OC…) and 6 digits.
 */
export function compactCompanyNumber(value: string): string {
  const number = compact(value);
  return /^\d{1,7}$/.test(number) ? number.padStart(8, '0') : number;
}

export function isValidCompanyNumber(value: string): boolean {
  return /^(\d{8}|[A-Z]{2}\d{6}|[A-Z]{2}\d{5}[A-Z])$/.test(compactCompanyNumber(value));
}

/**
 * A holding number (County/Parish/Holding) as Red Tractor lists it, `11/111/1111`, from the nine
 * digits however they were typed (`11 111 1111`, `111111111`); anything else is left as typed.
 */
export function compactHoldingNumber(value: string): string {
  return value.replace(/^\D*(\d\d)\D*(\d{3})\D*(\d{4})\D*$/, '$1/$2/$3');
}

export function isPlausibleHoldingNumber(value: string): boolean {
  return /^\d\d\/\d{3}\/\d{4}$/.test(compactHoldingNumber(value));
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

/** A phone number without the usual separators (spaces, dots, dashes, brackets). */
const compactPhone = (value: string) => value.replace(/[\s().-]/g, '');

/**
 * A light phone check: digits with optional leading `+` and the usual separators, 7 to 15
 * digits (E.164's maximum). What every phone must be; a number of a flow's `phoneCountry` must
 * also fit that country's plan (`phoneInPlan`).
 */
export function isPlausiblePhone(value: string): boolean {
  return /^\+?\d{7,15}$/.test(compactPhone(value));
}

/**
 * What the phone rule knows of a flow's country: the server reads it from libphonenumber-js's
 * metadata and the flow descriptor carries it, so that the browser and the server run the same
 * rule on the same data (docs/design.md §2.1).
 */
export interface PhonePlan {
  /** E.164 country calling code, without `+`: `44`. */
  callingCode: string;
  /** Dialled before a national number within the country, e.g. `0`; dropped for E.164. */
  nationalPrefix?: string;
  /** The possible lengths of a national significant number (libphonenumber's `isPossible()`). */
  lengths: readonly number[];
  /**
   * Regions that share the calling code and have lengths of their own, by the leading digits
   * that make a number theirs (a pattern): the Isle of Man's `+44 1624…` has 10 digits only.
   */
  regions?: Readonly<Record<string, readonly number[]>>;
}

/**
 * `value` read as a number of `plan`'s country, typed nationally (`07700 900123`), with the
 * country's `+` code (`+44 7700 900123`, also `0044…` or `44…`): its E.164 form if its length
 * is possible there, else `''`. `undefined` when it starts with another country's `+` (or `00`)
 * code: that number is not this rule's to judge.
 *
 * Lengths only, as libphonenumber's `isPossible()`: a number in a range no operator has (a
 * drama number) passes. Stricter in two ways: lengths a number has only locally (dialled
 * without its area code) are not possible, since E.164 needs the area code; and national
 * prefixes that carry an operator's code (Brazil, Argentina) are not understood, so such a number
 * must be typed with its `+` code.
 */
export function phoneInPlan(value: string, plan: PhonePlan): string | undefined {
  const { callingCode: code, nationalPrefix: prefix = '', lengths, regions = {} } = plan;
  // A number is judged by the region its leading digits give, as libphonenumber does.
  const possible = (digits: string) => {
    const lead = Object.keys(regions).find((start) => new RegExp(`^(?:${start})`).test(digits));
    return (lead ? regions[lead] : lengths)?.includes(digits.length);
  };
  // `00` is the international prefix almost everywhere; a national number never starts so.
  let number = compactPhone(value).replace(/^00/, '+');
  if (number[0] === '+') {
    // Calling codes are prefix-free: `+44…` is the United Kingdom's, whatever follows.
    if (!number.startsWith(code, 1)) return undefined;
    number = number.slice(code.length + 1);
  } else if (number.startsWith(code) && !possible(number) && possible(number.slice(code.length))) {
    // The country's code typed without its `+` (`44 20 7946 0958`).
    number = number.slice(code.length);
  }
  // The national prefix (`0`, `8`…), where what follows it has a possible length; as
  // libphonenumber does, also after the country's code (`+44 (0)20…`).
  if (number.startsWith(prefix) && possible(number.slice(prefix.length))) {
    number = number.slice(prefix.length);
  }
  return /^\d+$/.test(number) && possible(number) ? `+${code}${number}` : '';
}

/** A flow's password rules (its `passwordPolicy`), carried by the flow descriptor. */
export interface PasswordPolicy {
  /** Characters (code points) at least. */
  minLength: number;
  /** Passwords refused whatever their length, lower-case: a short list of the most common. */
  common?: readonly string[];
}

/** Why `password` breaks `policy` (`too_short`, `common_password`), or undefined. */
export function passwordError(
  password: string,
  { minLength, common = [] }: PasswordPolicy,
): 'too_short' | 'common_password' | undefined {
  if ([...password].length < minLength) return 'too_short';
  if (common.includes(password.toLowerCase())) return 'common_password';
  return undefined;
}

/**
 * A rough strength for the hint shown while typing, by length (what makes a password hard to
 * guess, more than its mix of characters): `weak` if the policy refuses it, `strong` from 6
 * characters over the minimum, `fair` in between.
 */
export function passwordStrength(
  password: string,
  policy: PasswordPolicy,
): 'weak' | 'fair' | 'strong' {
  if (passwordError(password, policy)) return 'weak';
  return [...password].length >= policy.minLength + 6 ? 'strong' : 'fair';
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
