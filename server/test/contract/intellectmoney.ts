import { intellectMoneyFields } from '../harness.ts';
import type { ContractFixture } from './fixture.ts';

export const intellectmoneyContract: ContractFixture = {
  provider: 'intellectmoney',
  flow: (id, settings = {}) => ({
    id,
    provider: 'intellectmoney',
    sandbox: true,
    allowedOrigins: ['http://localhost:*'],
    phoneCountry: 'RU',
    settings: { leadSource: '31', ...settings },
  }),
  fields: () => intellectMoneyFields(),
  success: { status: 'completed', next: null },
  duplicate: (taken) => ({ fields: intellectMoneyFields({ inn: taken['inn']! }), field: 'inn' }),
  badCredentials: {
    settings: { signSecretKey: { env: 'CONTRACT_SECRET' } },
    env: { CONTRACT_SECRET: 'contract-wrong-secret-im' },
  },
  realFlow: (id, baseUrl) => ({
    flow: {
      id,
      provider: 'intellectmoney',
      baseUrl,
      allowedOrigins: ['http://localhost:*'],
      settings: {
        leadSource: '31',
        bearerToken: { env: 'CONTRACT_SECRET' },
        signSecretKey: { env: 'CONTRACT_SECRET' },
        userToken: { env: 'CONTRACT_SECRET' },
      },
    },
    env: { CONTRACT_SECRET: 'contract-secret-value' },
  }),
};
