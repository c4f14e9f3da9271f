// PLACEHOLDER: replaced with the hectare contract fixture (issue 3).
import type { ContractFixture } from './fixture.ts';

export const hectareContract: ContractFixture = {
  provider: 'hectare',
  flow: (id) => ({
    id,
    provider: 'hectare',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
  }),
  fields: () => ({}),
  success: { status: 'completed', next: null },
  duplicate: () => ({ fields: {}, field: 'email' }),
  badCredentials: { settings: {}, env: {} },
  realFlow: (id, baseUrl) => ({
    flow: { id, provider: 'hectare', baseUrl, allowedOrigins: ['http://localhost:*'] },
    env: {},
  }),
};
