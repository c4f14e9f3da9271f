import { unique } from '../data.ts';
import type { FlowDocument } from '../harness.ts';
import type { ContractFixture } from './fixture.ts';

/** Fields of a TiteLive registration that succeeds: a fresh login and e-mail on every call. */
export function titeliveFields(overrides: Record<string, string> = {}) {
  const id = unique('tl');
  return {
    email: `${id}@example.fr`,
    login: id,
    password: `Pw ${id} é!`,
    firstName: 'Jeanne',
    lastName: 'Libraire',
    organisationName: `Librairie ${id}`,
    ...overrides,
  };
}

/** A `sandbox: true` titelive flow; `settings` over the simulator's own. */
export const titeliveFlow = (id: string, settings: Record<string, unknown> = {}): FlowDocument => ({
  id,
  provider: 'titelive',
  sandbox: true,
  allowedOrigins: ['http://localhost:*'],
  settings,
});

export const titeliveContract: ContractFixture = {
  provider: 'titelive',
  // The seed publishes no code for "login / e-mail exists": the simulator's default answers 99.
  readings: { unpublishedRefusals: 'coded' },
  flow: titeliveFlow,
  fields: () => titeliveFields(),
  success: { status: 'completed', next: { type: 'confirm-email', canResend: true } },
  duplicate: (taken) => ({ fields: titeliveFields({ email: taken['email']! }), field: 'email' }),
  badCredentials: {
    // 26 characters, so the simulator answers 4 "no token with that key".
    settings: { token: { env: 'CONTRACT_SECRET' } },
    env: { CONTRACT_SECRET: 'contractwrongtoken0titeliv' },
  },
  realFlow: (id, baseUrl) => ({
    flow: {
      id,
      provider: 'titelive',
      baseUrl,
      allowedOrigins: ['http://localhost:*'],
      settings: {
        domainCode: '12345',
        token: { env: 'CONTRACT_SECRET' },
        passwordHash: { salt: { env: 'CONTRACT_SECRET' } },
      },
    },
    env: { CONTRACT_SECRET: 'contract-secret-value' },
  }),
};
