/**
 * The Red Tractor certificates the Hectare simulator knows: the documentation's own sample (Up
 * Marden Farms, holding 11/111/1111), one in its grace period and one expired. Get Red Tractor
 * Certificates answers "all valid or grace statused" certificates, so the expired one is never
 * returned: a lookup of its holding number finds nothing, as a lapsed farm would.
 */
interface Certificate {
  certificateStatus: 'Valid' | 'Grace' | 'Expired';
  certificateIdentifier: string;
  certificateEnterprises: { enterpriseIdentifier: string; enterprise: string }[];
  certificateExpiryDate: string;
  certifiedSites: {
    siteIdentifiers: { identifierType: string; identifier: string };
    isPrimary: boolean;
    siteCountry: string;
    sitePostcode: string;
    siteAddress: string;
    siteName: string;
  }[];
}

const site = (holding: string, postcode: string, address: string, name: string) => ({
  siteIdentifiers: { identifierType: 'holdingno', identifier: holding },
  isPrimary: true,
  siteCountry: 'United Kingdom',
  sitePostcode: postcode,
  siteAddress: address,
  siteName: name,
});

const RED_TRACTOR_CERTIFICATES: readonly Certificate[] = [
  {
    certificateStatus: 'Valid',
    certificateIdentifier: '2RRVTHNXTS.C753I0PM8NCK8',
    certificateEnterprises: [
      { enterpriseIdentifier: '0349EQH8NH.16LGK2U5Q7K4H', enterprise: 'Combinable Crops' },
    ],
    certificateExpiryDate: '2099-01-31T00:00:00.000+00:00',
    certifiedSites: [site('11/111/1111', 'PO18 9JP', 'Pitlands Farm', 'Up Marden Farms')],
  },
  {
    certificateStatus: 'Grace',
    certificateIdentifier: '7KQ2MZ4XWB.D114J9RA2LQ0S',
    certificateEnterprises: [
      { enterpriseIdentifier: '5T1XN0B3VC.82HDQ7M1L0P2A', enterprise: 'Dairy' },
    ],
    certificateExpiryDate: '2024-06-30T00:00:00.000+00:00',
    certifiedSites: [site('22/222/2222', 'EX20 1AB', 'Higher Barton', 'Barton Dairy')],
  },
  {
    certificateStatus: 'Expired',
    certificateIdentifier: '9PL3VQ8DHE.F2K7T1ZC5NW6R',
    certificateEnterprises: [
      { enterpriseIdentifier: '3M8QZ2C6YA.47RJX0V9T1K5D', enterprise: 'Beef and Lamb' },
    ],
    certificateExpiryDate: '2021-03-31T00:00:00.000+00:00',
    certifiedSites: [site('33/333/3333', 'LD3 0AA', 'Cwm Farm', 'Cwm Hill Farm')],
  },
];

const postcodeKey = (p: string) => p.replace(/\s+/g, '').toUpperCase();

/** Valid and grace certificates with a site matching the holding number and the postcode given. */
export function certificatesFor(
  country: string,
  postcode: string | undefined,
  holdingNumber: string | undefined,
): Certificate[] {
  if (country !== 'GBR') return [];
  return RED_TRACTOR_CERTIFICATES.filter(
    (c) =>
      c.certificateStatus !== 'Expired' &&
      c.certifiedSites.some(
        (s) =>
          (!holdingNumber || s.siteIdentifiers.identifier === holdingNumber.trim()) &&
          (!postcode || postcodeKey(s.sitePostcode) === postcodeKey(postcode)),
      ),
  );
}

/** `GET _records`: every certificate's holding, as the lookup route answers it. */
export function certificateRecords() {
  return RED_TRACTOR_CERTIFICATES.flatMap((c) =>
    c.certifiedSites.map((s) => ({
      field: 'holdingNumber',
      value: s.siteIdentifiers.identifier,
      zip: s.sitePostcode,
      // An expired certificate is never returned: that holding is not found.
      status: c.certificateStatus === 'Expired' ? 'unknown' : 'active',
      organisationName: s.siteName,
      certificate: { status: c.certificateStatus, expires: c.certificateExpiryDate },
    })),
  );
}
