import { unique } from '../data.ts';
import type { FlowDocument } from '../harness.ts';
import type { ContractFixture } from './fixture.ts';

/** A CloudSuite registration that succeeds: fresh e-mail and company on every call. */
export function cloudsuiteFields(overrides: Record<string, string> = {}) {
  const id = unique('c');
  return {
    email: `${id}@example.nl`,
    firstName: 'Anna',
    lastName: 'de Vries',
    organisationName: `Bakkerij ${id} BV`,
    street: 'Elzenkade',
    houseNumber: '1a',
    zip: '3992AD',
    city: 'Houten',
    country: 'NL',
    phone: '+31 30 123 4567',
    vat: 'NL822898044B01',
    ...overrides,
  };
}

/** A `sandbox: true` cloudsuite flow; `settings` over the simulator's credentials. */
export function cloudsuiteFlow(id: string, settings: Record<string, unknown> = {}): FlowDocument {
  return {
    id,
    provider: 'cloudsuite',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
    phoneCountry: 'NL',
    settings,
  };
}

export const cloudsuiteContract: ContractFixture = {
  provider: 'cloudsuite',
  flow: cloudsuiteFlow,
  fields: () => cloudsuiteFields(),
  success: { status: 'awaiting-approval', next: { type: 'await-approval' } },
  duplicate: (taken) => ({
    fields: cloudsuiteFields({ email: taken['email']!.toUpperCase() }),
    field: 'email',
  }),
  badCredentials: {
    settings: { clientSecret: { env: 'CONTRACT_SECRET' } },
    env: { CONTRACT_SECRET: 'contract-wrong-secret-cloudsuite' },
  },
  realFlow: (id, baseUrl) => ({
    flow: {
      id,
      provider: 'cloudsuite',
      baseUrl,
      allowedOrigins: ['http://localhost:*'],
      settings: {
        originCode: 'ACME',
        clientId: 'org-signup',
        clientSecret: { env: 'CONTRACT_SECRET' },
      },
    },
    env: { CONTRACT_SECRET: 'contract-secret-value' },
  }),
};
