/**
 * The simulators, one per provider id (docs/design.md §4), as the plugin app.ts mounts under
 * `/sandbox` when the config uses them. Nothing else in production imports this folder, so a
 * config without sandbox flows never loads simulator code.
 */
import express, { type Router } from 'express';
import type { ProviderId } from '../../shared/providers.ts';
import type { RegistryId } from '../registries/types.ts';
import { cloudsuiteSandboxFlow, createCloudsuiteSimulator } from './cloudsuite.ts';
import { createHectareSimulator, hectareSandboxFlow } from './hectare.ts';
import { createIntellectMoneySimulator, intellectMoneySandboxFlow } from './intellectmoney.ts';
import { createNitroSimulator, nitroSandboxFlow } from './nitro.ts';
import { createTiteliveSimulator, titeliveSandboxFlow } from './titelive.ts';
import { simulatorRouter, type SimulatorApi } from './simulator.ts';
import { COMPANIES_HOUSE_SANDBOX, createCompaniesHouseSimulator } from './companies-house.ts';
import { DADATA_SANDBOX, createDadataSimulator } from './dadata.ts';
import { createViesSimulator } from './vies.ts';
import { HECTARE_SANDBOX } from './hectare.ts';
import { createWebhookReceiver, WEBHOOKS_SANDBOX } from './webhooks.ts';

export interface SimulatorDefinition {
  /** Where the provider's base URL is, below `/sandbox/<id>`. */
  basePath: string;
  /** Settings a `sandbox: true` flow gets underneath its own: the simulator's credentials. */
  flowSettings(): Record<string, unknown>;
  create(): SimulatorApi;
}

export const SIMULATORS: Record<ProviderId, SimulatorDefinition> = {
  nitro: { ...nitroSandboxFlow, create: createNitroSimulator },
  hectare: { ...hectareSandboxFlow, create: createHectareSimulator },
  cloudsuite: { ...cloudsuiteSandboxFlow, create: createCloudsuiteSimulator },
  intellectmoney: { ...intellectMoneySandboxFlow, create: createIntellectMoneySimulator },
  titelive: { ...titeliveSandboxFlow, create: createTiteliveSimulator },
};

/**
 * The registries' simulators (docs/registries.md), each at `/<registry id>`, and what a
 * `sandbox: true` lookup gets: where the API is below it, the simulator's credentials. The
 * hectare registry is the hectare provider's simulator, which answers Get Red Tractor Certificates.
 */
const REGISTRY_SIMULATORS: Record<
  RegistryId,
  {
    create?: () => SimulatorApi;
    basePath: string;
    apiKey?: string;
    username?: string;
    password?: string;
  }
> = {
  dadata: { create: createDadataSimulator, basePath: '/', apiKey: DADATA_SANDBOX.apiKey },
  vies: { create: createViesSimulator, basePath: '/' },
  'companies-house': {
    create: createCompaniesHouseSimulator,
    basePath: '/',
    apiKey: COMPANIES_HOUSE_SANDBOX.apiKey,
  },
  hectare: {
    basePath: hectareSandboxFlow.basePath,
    username: HECTARE_SANDBOX.username,
    password: HECTARE_SANDBOX.password,
  },
};

/** All simulators, each at `/<provider id>`, and the webhook receiver, fresh state. */
export function sandboxRouter(): Router {
  const router = express.Router();
  for (const [id, simulator] of Object.entries(SIMULATORS)) {
    router.use(`/${id}`, simulatorRouter(simulator.create()));
  }
  router.use('/webhooks', simulatorRouter(createWebhookReceiver()));
  for (const [id, registry] of Object.entries(REGISTRY_SIMULATORS)) {
    if (registry.create) router.use(`/${id}`, simulatorRouter(registry.create()));
  }
  return router;
}

/** What the app needs of the sandbox: the simulators, where they are, their credentials. */
export interface SandboxPlugin {
  /** All simulators, each at `/<provider id>`, fresh state (mounted at `/sandbox`). */
  router: () => Router;
  /** The URL a sandbox flow of `provider` calls, given where the simulators are mounted. */
  baseUrlFor: (sandboxUrl: string, provider: ProviderId) => URL;
  /** Settings a `sandbox: true` flow gets underneath its own: the simulator's credentials. */
  demoSettings: (provider: ProviderId) => Record<string, unknown>;
  /** The webhook receiver (`{ "sandbox": true }` endpoints): its URL and signing secret. */
  webhookReceiver: (sandboxUrl: string) => { url: URL; secret: string };
  /** Where a `sandbox: true` lookup in `registry` goes, with the simulator's credentials. */
  registry: (
    sandboxUrl: string,
    registry: RegistryId,
  ) => { baseUrl: URL; apiKey?: string; username?: string; password?: string };
}

export const sandbox: SandboxPlugin = {
  router: sandboxRouter,
  baseUrlFor: (sandboxUrl, provider) =>
    new URL(`sandbox/${provider}${SIMULATORS[provider].basePath}`, sandboxUrl.replace(/\/?$/, '/')),
  demoSettings: (provider) => SIMULATORS[provider].flowSettings(),
  webhookReceiver: (sandboxUrl) => ({
    url: new URL('sandbox/webhooks/', sandboxUrl.replace(/\/?$/, '/')),
    secret: WEBHOOKS_SANDBOX.secret,
  }),
  registry: (sandboxUrl, registry) => {
    const { create: _create, basePath, ...credentials } = REGISTRY_SIMULATORS[registry];
    return {
      baseUrl: new URL(`sandbox/${registry}${basePath}`, sandboxUrl.replace(/\/?$/, '/')),
      ...credentials,
    };
  },
};
