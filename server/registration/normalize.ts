/**
 * Server-side normalisation after the shared schema: what needs a heavy library or must be
 * exactly what providers expect. Phones become E.164 (libphonenumber-js with full metadata, so a
 * number is checked against its country's real numbering plan); domains their ASCII form.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { FieldErrors } from '../../shared/errors.ts';
import type { FieldValues } from '../../shared/fields.ts';
import { domainToAscii } from '../../shared/validators.ts';

/** E.164 for a phone typed with `+`, or in `country`'s national format; undefined if invalid. */
function toE164(phone: string, country?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone, country as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

export function normalizeForProvider(
  values: FieldValues,
  options: { phoneCountry?: string | undefined },
): { ok: true; values: FieldValues } | { ok: false; errors: FieldErrors } {
  const out: FieldValues = { ...values };
  const errors: FieldErrors = {};
  if (values.phone !== undefined) {
    // A national number is read in the flow's country, or else the country the user chose.
    const e164 = toE164(values.phone, options.phoneCountry ?? values.country);
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
