// PLACEHOLDER: replaced with the titelive contract fixture (issue 3).
import type { ContractFixture } from './fixture.ts';

export const titeliveContract: ContractFixture = {
  provider: 'titelive',
  flow: (id) => ({
    id,
    provider: 'titelive',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
  }),
  fields: () => ({}),
  success: { status: 'completed', next: null },
  duplicate: () => ({ fields: {}, field: 'email' }),
  badCredentials: { settings: {}, env: {} },
  realFlow: (id, baseUrl) => ({
    flow: { id, provider: 'titelive', baseUrl, allowedOrigins: ['http://localhost:*'] },
    env: {},
  }),
};
