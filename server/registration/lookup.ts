/**
 * Registry lookups as the API and the registration use them (docs/registries.md): the number's
 * format and checksum first (a typo never reaches a registry), then the flow's registry through
 * its cache. The browser runs the same format checks (shared/validators.ts); the server adds each
 * EU country's VAT checksum (stdnum), which is too big for the widget.
 */
import { euVat, stdnum } from 'stdnum';
import type { FieldErrorCode } from '../../shared/errors.ts';
import type { LookupFieldName, LookupResponse } from '../../shared/api.ts';
import {
  compactCompanyNumber,
  compactHoldingNumber,
  compactVat,
  isPlausibleHoldingNumber,
  isPlausibleVat,
  isValidCompanyNumber,
  isValidInn,
} from '../../shared/validators.ts';
import { HttpProblem, invalidFields } from '../errors.ts';
import { RegistryUnavailable, type LookupResult } from '../registries/index.ts';
import type { Flow } from './flows.ts';

/** VIES's prefixes whose checksum stdnum files under another code. */
const VAT_COUNTRY: Record<string, string> = { EL: 'GR' };

function vatChecksumOk(vat: string): boolean {
  const prefix = vat.slice(0, 2);
  const number = vat.slice(2);
  // Northern Ireland's numbers are UK ones; a country stdnum does not know is left to VIES.
  const validators =
    prefix === 'XI' ? [stdnum['GB']!['vat']!] : euVat[VAT_COUNTRY[prefix] ?? prefix];
  return !validators || validators.some((v) => v.validate(number).isValid);
}

/** The number in the registry's form, or the field's error code. */
export function checkNumber(
  field: LookupFieldName,
  input: string,
): { ok: true; value: string } | { ok: false; error: FieldErrorCode } {
  const typed = input.normalize('NFC').trim();
  switch (field) {
    case 'inn': {
      const value = typed.replace(/[\s-]/g, '');
      return isValidInn(value) ? { ok: true, value } : { ok: false, error: 'invalid_inn' };
    }
    case 'vat': {
      const value = compactVat(typed);
      return isPlausibleVat(value) && vatChecksumOk(value)
        ? { ok: true, value }
        : { ok: false, error: 'invalid_vat' };
    }
    case 'companyNumber': {
      const value = compactCompanyNumber(typed);
      return isValidCompanyNumber(value)
        ? { ok: true, value }
        : { ok: false, error: 'invalid_company_number' };
    }
    case 'holdingNumber': {
      const value = compactHoldingNumber(typed);
      return isPlausibleHoldingNumber(value)
        ? { ok: true, value }
        : { ok: false, error: 'invalid_holding_number' };
    }
  }
}

const unavailable = () =>
  new HttpProblem(503, 'lookup_unavailable', 'The registry cannot be reached just now.', {
    headers: { 'retry-after': '30' },
  });

/** `GET /v1/flows/:flow/lookup`: the answer, or the problem to answer. */
export async function lookupRoute(
  flow: Flow,
  query: Record<string, unknown>,
): Promise<LookupResponse> {
  const field = query['field'];
  const lookup = typeof field === 'string' ? flow.lookups.get(field) : undefined;
  if (!lookup) {
    throw new HttpProblem(
      400,
      'bad_request',
      `Give "field": this flow looks up ${flow.lookups.fields.join(', ') || 'nothing'}.`,
    );
  }
  const raw = query['value'];
  if (typeof raw !== 'string' || raw.trim() === '')
    throw invalidFields({ [lookup.field]: 'required' });
  if (raw.length > 64) throw invalidFields({ [lookup.field]: 'too_long' });
  const checked = checkNumber(lookup.field, raw);
  if (!checked.ok) throw invalidFields({ [lookup.field]: checked.error });
  // Only a holding number is looked up with a postcode; other registries' cache keys stay whole.
  const zipRaw = lookup.field === 'holdingNumber' ? query['zip'] : undefined;
  const zip = typeof zipRaw === 'string' && zipRaw.trim() ? zipRaw.trim() : undefined;
  if (zip && (zip.length > 16 || !/^[\p{L}\p{N} -]+$/u.test(zip)))
    throw invalidFields({ zip: 'invalid' });

  let result: LookupResult;
  try {
    result = await lookup.lookup({ value: checked.value, ...(zip ? { zip } : {}) });
  } catch (err) {
    if (err instanceof RegistryUnavailable) throw unavailable();
    throw err;
  }
  if (!result.found) {
    throw new HttpProblem(404, 'not_found', 'The registry does not know this number.');
  }
  const { record } = result;
  return {
    field: lookup.field,
    value: checked.value,
    status: record.status,
    fields: Object.fromEntries(
      Object.entries(record.fields).filter(([, v]) => v !== undefined && v !== ''),
    ) as LookupResponse['fields'],
    source: lookup.registry,
    ...(record.certificate ? { certificate: record.certificate } : {}),
  };
}
