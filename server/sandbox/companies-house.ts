/**
 * Companies House Public Data API as its reference describes the company profile: `GET
 * /company/{companyNumber}`, HTTP Basic auth with the API key as the user name; 200 with
 * `company_name`, `company_number`, `company_status` (active, dissolved, liquidation, …),
 * `registered_office_address`; 404 `{ errors: [{ error: "company-profile-not-found" }] }`; 401
 * without a valid key. Written from the documentation, not from the registry client.
 */
import express from 'express';
import type { SimulatorApi } from './simulator.ts';

export const COMPANIES_HOUSE_SANDBOX = { apiKey: 'sandbox-companies-house-key' };

interface Company {
  number: string;
  name: string;
  status: 'active' | 'dissolved' | 'liquidation';
  premises: string;
  line1: string;
  locality: string;
  postcode: string;
}

/** Made-up companies: one of each status the lookup answers. */
const COMPANIES: readonly Company[] = [
  {
    number: '01234567',
    name: 'UP MARDEN FARMS LIMITED',
    status: 'active',
    premises: 'Pitlands Farm',
    line1: 'Up Marden',
    locality: 'Chichester',
    postcode: 'PO18 9JP',
  },
  {
    number: '07654321',
    name: 'OLD MILL GROWERS LTD',
    status: 'dissolved',
    premises: '2',
    line1: 'Mill Lane',
    locality: 'Taunton',
    postcode: 'TA1 1AA',
  },
  {
    number: 'SC123456',
    name: 'GLEN ESK PRODUCE LIMITED',
    status: 'liquidation',
    premises: '14',
    line1: 'High Street',
    locality: 'Brechin',
    postcode: 'DD9 6AA',
  },
];

const STATUS_WORDS = { active: 'active', dissolved: 'dissolved', liquidation: 'liquidating' };

function profile(c: Company) {
  return {
    company_name: c.name,
    company_number: c.number,
    company_status: c.status,
    type: 'ltd',
    jurisdiction: c.number.startsWith('SC') ? 'scotland' : 'england-wales',
    date_of_creation: '2001-04-02',
    ...(c.status === 'dissolved' ? { date_of_cessation: '2022-09-13' } : {}),
    registered_office_address: {
      premises: c.premises,
      address_line_1: c.line1,
      locality: c.locality,
      postal_code: c.postcode,
      country: 'England',
    },
    links: { self: `/company/${c.number}` },
    can_file: c.status === 'active',
    has_charges: false,
    has_insolvency_history: c.status === 'liquidation',
    etag: `etag-${c.number}`,
  };
}

export function createCompaniesHouseSimulator(): SimulatorApi {
  const router = express.Router();
  router.get('/_records', (_req, res) => {
    res.json(
      COMPANIES.map((c) => ({
        field: 'companyNumber',
        value: c.number,
        status: STATUS_WORDS[c.status],
        organisationName: c.name,
      })),
    );
  });
  router.get('/company/:number', (req, res) => {
    const basic = /^Basic (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const user = basic ? Buffer.from(basic, 'base64').toString().split(':')[0] : undefined;
    if (user !== COMPANIES_HOUSE_SANDBOX.apiKey) {
      return void res.status(401).json({ error: 'Invalid Authorization', type: 'ch:service' });
    }
    const company = COMPANIES.find((c) => c.number === req.params['number']);
    if (!company) {
      return void res
        .status(404)
        .json({ errors: [{ error: 'company-profile-not-found', type: 'ch:service' }] });
    }
    res.json(profile(company));
  });
  return { router, reset() {} };
}
