/**
 * DaData's "find a party by id" (suggestions API 4_1, `POST findById/party` with `{ query: INN }`
 * and `Authorization: Token <API key>`): `{ suggestions: [{ value, data: { inn, kpp, ogrn, name,
 * state: { status }, address: { value, data: { postal_code, city, street_with_type, house } } } }] }`,
 * no suggestion when the INN is unknown.
 */
import { z } from 'zod';
import { present, throwIfRefusedOrDown, unreadable, type RegistryHttp } from './http.ts';
import type { RegistryClient, RegistryRecord, RegistryStatus } from './types.ts';

export const DADATA_BASE_URL = 'https://suggestions.dadata.ru/suggestions/api/4_1/rs/';

const text = z.string().nullish();
const party = z.looseObject({
  value: z.string(),
  data: z.looseObject({
    inn: text,
    kpp: text,
    ogrn: text,
    name: z
      .looseObject({ full_with_opf: text, short_with_opf: text, full: text, short: text })
      .nullish(),
    state: z.looseObject({ status: z.string() }),
    address: z
      .looseObject({
        value: text,
        data: z
          .looseObject({
            postal_code: text,
            country_iso_code: text,
            city: text,
            settlement: text,
            street_with_type: text,
            house: text,
            block_type: text,
            block: text,
          })
          .nullish(),
      })
      .nullish(),
  }),
});
const answer = z.looseObject({ suggestions: z.array(party) });

/** DaData's `state.status`; BANKRUPT is a company in insolvency, being wound up. */
const STATUSES: Record<string, RegistryStatus> = {
  ACTIVE: 'active',
  REORGANIZING: 'active',
  LIQUIDATING: 'liquidating',
  BANKRUPT: 'liquidating',
  LIQUIDATED: 'liquidated',
};

export function toRecord(p: z.infer<typeof party>): RegistryRecord {
  const { name, state, address } = p.data;
  const a = address?.data;
  const house = [a?.house, a?.block ? `${a.block_type ?? ''} ${a.block}`.trim() : undefined]
    .filter(Boolean)
    .join(' ');
  return {
    status: STATUSES[state.status] ?? 'unknown',
    fields: {
      organisationName: name?.short_with_opf || name?.full_with_opf || p.value,
      street: present(a?.street_with_type),
      houseNumber: present(house),
      zip: present(a?.postal_code),
      city: present(a?.city ?? a?.settlement),
      country: a?.country_iso_code ?? 'RU',
    },
  };
}

export function createDadataClient(
  options: { baseUrl: URL; apiKey: string },
  http: RegistryHttp,
): RegistryClient {
  return {
    id: 'dadata',
    async lookup({ value }, signal) {
      const res = await http.call(
        new URL('findById/party', options.baseUrl),
        {
          method: 'POST',
          headers: { authorization: `Token ${options.apiKey}` },
          json: { query: value, count: 1 },
        },
        signal,
      );
      throwIfRefusedOrDown('dadata', 'inn', res.status);
      const parsed = res.status === 200 ? answer.safeParse(res.json) : undefined;
      if (!parsed?.success) {
        throw unreadable('dadata', `unexpected answer ${res.status}`, 'lookup.inn.baseUrl');
      }
      const first = parsed.data.suggestions.find((s) => s.data.inn === value);
      return { record: first && toRecord(first), raw: res.text };
    },
  };
}
