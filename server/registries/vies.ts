/**
 * The EU's VIES REST API, `POST check-vat-number` with `{ countryCode, vatNumber }` (and the
 * requester's own VAT number, for a consultation number): `{ valid, name, address,
 * requestIdentifier, requestDate }`, name and address `---` where the member state keeps them.
 * A member state's service is often away: `{ actionSucceed: false, errorWrappers: [{ error:
 * "MS_UNAVAILABLE" }] }`. Those are retried while the time budget lasts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { unreadable, type RegistryHttp } from './http.ts';
import { RegistryUnavailable, type RegistryClient, type RegistryRecord } from './types.ts';

export const VIES_BASE_URL = 'https://ec.europa.eu/taxation_customs/vies/rest-api/';

/** The VIES errors that mean "try again shortly". */
const RETRYABLE = new Set([
  'MS_UNAVAILABLE',
  'MS_MAX_CONCURRENT_REQ',
  'GLOBAL_MAX_CONCURRENT_REQ',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
]);
const RETRY_DELAY_MS = 250;

const text = z.string().nullish();
const checked = z.looseObject({
  valid: z.boolean(),
  countryCode: z.string(),
  vatNumber: z.string(),
  name: text,
  address: text,
  requestIdentifier: text,
});
const failed = z.looseObject({
  errorWrappers: z.array(z.looseObject({ error: z.string(), message: text })).min(1),
});

/** VIES's prefixes that are not the ISO country code. */
const ISO: Record<string, string> = { EL: 'GR', XI: 'GB' };
const given = (v: string | null | undefined) => (v && v.trim() !== '---' ? v.trim() : undefined);

/**
 * VIES gives the address as lines of free text: the street and number first, the postcode and
 * town last, in most member states. What does not read so is left out, never guessed wrongly.
 */
export function toRecord(c: z.infer<typeof checked>): RegistryRecord {
  const lines = (given(c.address) ?? '')
    .split(/\n|,\s*/)
    .map((l) => l.trim())
    .filter(Boolean);
  // Some states pad the number ("KEIZERSGRACHT 00062"): the zeros are dropped.
  const streetLine = lines.length > 1 ? /^(.*\D)\s+0*(\d+\S*)$/.exec(lines[0]!) : null;
  const townLine = /^([A-Z]{0,2}-?\d[\dA-Z ]{2,8}?)\s+(\D.*)$/i.exec(lines[lines.length - 1] ?? '');
  const requestIdentifier = given(c.requestIdentifier);
  return {
    status: 'active',
    fields: {
      organisationName: given(c.name) ?? '',
      street: streetLine?.[1],
      houseNumber: streetLine?.[2],
      zip: townLine?.[1]?.trim(),
      city: townLine?.[2],
      country: ISO[c.countryCode] ?? c.countryCode,
    },
    ...(requestIdentifier ? { requestIdentifier } : {}),
  };
}

export function createViesClient(
  options: { baseUrl: URL; requester?: string | undefined },
  http: RegistryHttp,
): RegistryClient {
  const requester = options.requester
    ? {
        requesterMemberStateCode: options.requester.slice(0, 2),
        requesterNumber: options.requester.slice(2),
      }
    : {};
  return {
    id: 'vies',
    async lookup({ value }, signal) {
      const body = { countryCode: value.slice(0, 2), vatNumber: value.slice(2), ...requester };
      for (let attempt = 1; ; attempt++) {
        const res = await http.call(
          new URL('check-vat-number', options.baseUrl),
          { method: 'POST', json: body },
          signal,
        );
        const ok = res.status === 200 ? checked.safeParse(res.json) : undefined;
        if (ok?.success) {
          return { record: ok.data.valid ? toRecord(ok.data) : undefined, raw: res.text };
        }
        const error = failed.safeParse(res.json).data?.errorWrappers[0]?.error;
        if (error === 'INVALID_INPUT') return { record: undefined, raw: res.text };
        if ((error && RETRYABLE.has(error)) || res.status >= 500) {
          // Again while the budget lasts: the member state's service often comes back at once.
          try {
            await sleep(RETRY_DELAY_MS * attempt, undefined, { signal });
          } catch {
            throw new RegistryUnavailable(`vies: ${error ?? res.status} after ${attempt} tries`);
          }
          continue;
        }
        throw unreadable('vies', `unexpected answer ${res.status}`, 'lookup.vat.baseUrl');
      }
    },
  };
}
