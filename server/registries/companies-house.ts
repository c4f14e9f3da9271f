/**
 * Companies House Public Data API, company profile: `GET company/{companyNumber}` with HTTP Basic
 * auth (the API key as user name, no password): `{ company_name, company_number, company_status,
 * registered_office_address: { premises, address_line_1, locality, postal_code, country } }`;
 * 404 when there is no such company.
 */
import { z } from 'zod';
import { present, throwIfRefusedOrDown, unreadable, type RegistryHttp } from './http.ts';
import type { RegistryClient, RegistryRecord, RegistryStatus } from './types.ts';

export const COMPANIES_HOUSE_BASE_URL = 'https://api.company-information.service.gov.uk/';

const text = z.string().nullish();
const profile = z.looseObject({
  company_name: z.string(),
  company_number: z.string(),
  company_status: z.string(),
  registered_office_address: z
    .looseObject({
      premises: text,
      address_line_1: text,
      address_line_2: text,
      locality: text,
      postal_code: text,
      country: text,
    })
    .nullish(),
});

/** The API's `company_status` enumeration, in the contract's words. */
const STATUSES: Record<string, RegistryStatus> = {
  active: 'active',
  open: 'active',
  registered: 'active',
  'voluntary-arrangement': 'active',
  administration: 'liquidating',
  receivership: 'liquidating',
  liquidation: 'liquidating',
  'insolvency-proceedings': 'liquidating',
  dissolved: 'dissolved',
  'converted-closed': 'dissolved',
  closed: 'dissolved',
  removed: 'dissolved',
};

export function toRecord(p: z.infer<typeof profile>): RegistryRecord {
  const a = p.registered_office_address;
  return {
    status: STATUSES[p.company_status] ?? 'unknown',
    fields: {
      organisationName: p.company_name,
      street: present(a?.address_line_1),
      houseNumber: present(a?.premises),
      zip: present(a?.postal_code),
      city: present(a?.locality),
      country: 'GB',
    },
  };
}

export function createCompaniesHouseClient(
  options: { baseUrl: URL; apiKey: string },
  http: RegistryHttp,
): RegistryClient {
  const auth = `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`;
  return {
    id: 'companies-house',
    async lookup({ value }, signal) {
      const res = await http.call(
        new URL(`company/${encodeURIComponent(value)}`, options.baseUrl),
        { method: 'GET', headers: { authorization: auth } },
        signal,
      );
      if (res.status === 404) return { record: undefined, raw: res.text };
      throwIfRefusedOrDown('companies-house', 'companyNumber', res.status);
      const parsed = res.status === 200 ? profile.safeParse(res.json) : undefined;
      if (!parsed?.success) {
        throw unreadable(
          'companies-house',
          `unexpected answer ${res.status}`,
          'lookup.companyNumber.baseUrl',
        );
      }
      return { record: toRecord(parsed.data), raw: res.text };
    },
  };
}
