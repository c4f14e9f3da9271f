// PLACEHOLDER: replaced with the cloudsuite contract fixture (issue 3).
import type { ContractFixture } from './fixture.ts';

export const cloudsuiteContract: ContractFixture = {
  provider: 'cloudsuite',
  flow: (id) => ({
    id,
    provider: 'cloudsuite',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
  }),
  fields: () => ({}),
  success: { status: 'completed', next: null },
  duplicate: () => ({ fields: {}, field: 'email' }),
  badCredentials: { settings: {}, env: {} },
  realFlow: (id, baseUrl) => ({
    flow: { id, provider: 'cloudsuite', baseUrl, allowedOrigins: ['http://localhost:*'] },
    env: {},
  }),
};
