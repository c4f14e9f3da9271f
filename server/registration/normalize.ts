/**
 * Server-side normalisation after the shared schema: what needs a heavy library or must be
 * exactly what providers expect. Phones become E.164, domains their ASCII form.
 *
 * Phones: a number of the flow's `phoneCountry` (typed nationally, or with that country's `+`
 * code) was accepted by the shared rule (`phoneInPlan`: possible lengths, libphonenumber's
 * `isPossible()`), which the browser runs too on the same data, the `PhonePlan` this file reads
 * from libphonenumber-js's metadata. Any other number (another country's `+` code, or a flow
 * without `phoneCountry`) is checked here against its country's real numbering plan
 * (libphonenumber-js with full metadata, `isValid()`), which the browser cannot carry.
 */
import {
  Metadata,
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import type { FieldErrors } from '../../shared/errors.ts';
import type { FieldValues } from '../../shared/fields.ts';
import { domainToAscii, phoneInPlan, type PhonePlan } from '../../shared/validators.ts';

/** libphonenumber-js's numbering plan API, typed only in part. */
interface NumberingPlan {
  nationalPrefix(): string | undefined;
  possibleLengths(): number[];
  /** The pattern of leading digits that make a number this region's, where the code is shared. */
  leadingDigits(): string | undefined;
}

/** What the shared phone rule needs of `country`, from libphonenumber-js's metadata. */
export function phonePlanFor(country: string): PhonePlan {
  const planOf = (region: string) => {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(region as CountryCode);
    return (metadata as unknown as { numberingPlan: NumberingPlan }).numberingPlan;
  };
  const plan = planOf(country);
  const prefix = plan.nationalPrefix();
  const callingCode = getCountryCallingCode(country as CountryCode);
  const lengths = plan.possibleLengths();
  // The regions libphonenumber tells apart by leading digits, where their lengths differ.
  const regions: [string, number[]][] = [];
  for (const region of getCountries()) {
    if (region === country || getCountryCallingCode(region) !== callingCode) continue;
    const other = planOf(region);
    const [leading, own] = [other.leadingDigits(), other.possibleLengths()];
    if (leading && own.join() !== lengths.join()) regions.push([leading, own]);
  }
  return {
    callingCode,
    ...(prefix ? { nationalPrefix: prefix } : {}),
    lengths,
    ...(regions.length ? { regions: Object.fromEntries(regions) } : {}),
  };
}

/** libphonenumber-js's example (mobile) number for `country`, international format. */
export function phoneExampleFor(country: string): string | undefined {
  return getExampleNumber(country as CountryCode, examples)?.formatInternational();
}

/** E.164 for a phone typed with `+`, or in `country`'s national format; undefined if invalid. */
function toE164(phone: string, country?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone, country as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

export function normalizeForProvider(
  values: FieldValues,
  options: { phoneCountry?: string | undefined; phonePlan?: PhonePlan | undefined },
): { ok: true; values: FieldValues } | { ok: false; errors: FieldErrors } {
  const out: FieldValues = { ...values };
  const errors: FieldErrors = {};
  const { phone } = values;
  if (phone !== undefined) {
    const { phoneCountry, phonePlan } = options;
    // The flow's country's number, already judged by the shared rule: libphonenumber formats it
    // where it reads it alike (it knows each country's patterns), else the rule's own E.164.
    const inPlan = phonePlan && phoneInPlan(phone, phonePlan);
    const parsed = inPlan
      ? parsePhoneNumberFromString(phone, phoneCountry as CountryCode)
      : undefined;
    const e164 = inPlan
      ? parsed?.countryCallingCode === phonePlan?.callingCode && parsed.isPossible()
        ? parsed.number
        : inPlan
      : inPlan === ''
        ? undefined
        : // A national number is read in the flow's country, or else the country the user chose.
          toE164(phone, phoneCountry ?? values.country);
    if (e164) out.phone = e164;
    else errors.phone = 'invalid_phone';
  }
  if (values.domain !== undefined) out.domain = domainToAscii(values.domain);
  if (values.email !== undefined) {
    // The domain part is case-insensitive and may be IDN; the local part is kept as typed.
    const at = values.email.lastIndexOf('@');
    out.email = `${values.email.slice(0, at)}@${domainToAscii(values.email.slice(at + 1))}`;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values: out };
}
