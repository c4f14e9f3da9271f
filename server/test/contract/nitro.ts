import { NITRO_SANDBOX } from '../../sandbox/nitro.ts';
import { nitroFields } from '../harness.ts';
import type { ContractFixture } from './fixture.ts';

export const nitroContract: ContractFixture = {
  provider: 'nitro',
  flow: (id, settings = {}) => ({
    id,
    provider: 'nitro',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
    phoneCountry: 'GB',
    settings,
  }),
  fields: () => nitroFields(),
  success: { status: 'completed', next: null },
  duplicate: (taken) => ({ fields: nitroFields({ email: taken['email']! }), field: 'email' }),
  badCredentials: {
    settings: { credentials: { email: NITRO_SANDBOX.email, password: { env: 'CONTRACT_SECRET' } } },
    env: { CONTRACT_SECRET: 'contract-wrong-secret-nitro' },
  },
  realFlow: (id, baseUrl) => ({
    flow: {
      id,
      provider: 'nitro',
      baseUrl,
      allowedOrigins: ['http://localhost:*'],
      settings: { credentials: { email: 'p@example.com', password: { env: 'CONTRACT_SECRET' } } },
    },
    env: { CONTRACT_SECRET: 'contract-secret-value' },
  }),
};
