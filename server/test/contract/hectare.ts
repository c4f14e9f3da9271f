import { HECTARE_SANDBOX } from '../../sandbox/hectare.ts';
import { unique, type FlowDocument } from '../harness.ts';
import type { ContractFixture } from './fixture.ts';

/** Companies House style numbers (8 digits), different on every call within a run. */
let companySequence = Math.floor(Math.random() * 80_000_000);
export function freshCompanyNumber(): string {
  companySequence += 1;
  return String(10_000_000 + (companySequence % 89_999_999));
}

/** A hectare registration that succeeds: fresh e-mail, organisation name and company number. */
export function hectareFields(overrides: Record<string, string> = {}) {
  const id = unique('h');
  return {
    email: `${id}@example.co.uk`,
    firstName: 'Harriet',
    lastName: 'Tillage',
    phone: '020 7946 0958',
    organisationName: `Meadow Farm ${id}`,
    companyNumber: freshCompanyNumber(),
    country: 'GB',
    ...overrides,
  };
}

/** A `sandbox: true` hectare flow (phones typed in the UK format). */
export function hectareFlow(id: string, settings: Record<string, unknown> = {}): FlowDocument {
  return {
    id,
    provider: 'hectare',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
    phoneCountry: 'GB',
    settings,
  };
}

export const hectareContract: ContractFixture = {
  provider: 'hectare',
  flow: (id, settings = {}) => hectareFlow(id, settings),
  fields: () => hectareFields(),
  success: { status: 'completed', next: { type: 'verify-code' } },
  duplicate: (taken) => ({ fields: hectareFields({ email: taken['email']! }), field: 'email' }),
  badCredentials: {
    settings: {
      credentials: { username: HECTARE_SANDBOX.username, password: { env: 'CONTRACT_SECRET' } },
    },
    env: { CONTRACT_SECRET: 'contract-wrong-secret-hectare' },
  },
  realFlow: (id, baseUrl) => ({
    flow: {
      id,
      provider: 'hectare',
      baseUrl,
      allowedOrigins: ['http://localhost:*'],
      phoneCountry: 'GB',
      settings: {
        credentials: { username: 'platform@example.com', password: { env: 'CONTRACT_SECRET' } },
      },
    },
    env: { CONTRACT_SECRET: 'contract-secret-value' },
  }),
};
