/**
 * Hectare's Customer API, "Get Red Tractor Certificates" (`GET red-tractor/certificates?country=
 * GBR&postcode=…&holdingNumber=…`, a Bearer token from Login): the valid or grace certificates of
 * the sites matching, each `{ certificateStatus, certificateExpiryDate, certifiedSites: [{
 * siteIdentifiers: { identifier }, sitePostcode, siteAddress, siteName }] }`. None: not found.
 */
import { z } from 'zod';
import { unreadable, type RegistryHttp } from './http.ts';
import { RegistryUnavailable, type RegistryClient } from './types.ts';

const site = z.looseObject({
  siteIdentifiers: z.looseObject({ identifier: z.string() }).nullish(),
  sitePostcode: z.string().nullish(),
  siteAddress: z.string().nullish(),
  siteName: z.string(),
});
const certificates = z.array(
  z.looseObject({
    certificateStatus: z.string(),
    certificateExpiryDate: z.string(),
    certifiedSites: z.array(site),
  }),
);
const login = z.looseObject({
  tokens: z.looseObject({ access: z.string(), expiresIn: z.number().optional() }),
});

export function createHectareCertificatesClient(
  options: { baseUrl: URL; username: string; password: string },
  http: RegistryHttp,
): RegistryClient {
  let token: { value: string; until: number } | undefined;

  async function bearer(signal: AbortSignal): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await http.call(
      new URL('auth/login', options.baseUrl),
      { method: 'POST', json: { username: options.username, password: options.password } },
      signal,
    );
    if (res.status >= 500) throw new RegistryUnavailable(`hectare login answered ${res.status}`);
    const parsed = login.safeParse(res.json);
    if (res.status !== 200 || !parsed.success) {
      throw unreadable(
        'hectare',
        `login answered ${res.status}`,
        'lookup.holdingNumber.username/password',
      );
    }
    const seconds = Math.max(60, (parsed.data.tokens.expiresIn ?? 3600) - 60);
    token = { value: parsed.data.tokens.access, until: Date.now() + seconds * 1000 };
    return token.value;
  }

  return {
    id: 'hectare',
    async lookup({ value, zip }, signal) {
      const url = new URL('red-tractor/certificates', options.baseUrl);
      url.searchParams.set('country', 'GBR');
      url.searchParams.set('holdingNumber', value);
      if (zip) url.searchParams.set('postcode', zip);
      const get = async () =>
        http.call(
          url,
          { method: 'GET', headers: { authorization: `Bearer ${await bearer(signal)}` } },
          signal,
        );
      let res = await get();
      if (res.status === 401) {
        token = undefined; // expired early: one new login
        res = await get();
      }
      if (res.status >= 500) throw new RegistryUnavailable(`hectare answered ${res.status}`);
      const parsed = res.status === 200 ? certificates.safeParse(res.json) : undefined;
      if (!parsed?.success) {
        throw unreadable('hectare', `unexpected answer ${res.status}`, 'lookup.holdingNumber');
      }
      for (const cert of parsed.data) {
        const found = cert.certifiedSites.find((s) => s.siteIdentifiers?.identifier === value);
        if (!found) continue;
        return {
          record: {
            status: 'active',
            fields: {
              organisationName: found.siteName,
              street: found.siteAddress ?? undefined,
              zip: found.sitePostcode ?? undefined,
              country: 'GB',
            },
            // The call lists only valid and grace certificates: one word for each, whatever case.
            certificate: {
              status: /grace/i.test(cert.certificateStatus) ? 'Grace' : 'Valid',
              expires: cert.certificateExpiryDate,
            },
          },
          raw: res.text,
        };
      }
      return { record: undefined, raw: res.text };
    },
  };
}
