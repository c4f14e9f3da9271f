/**
 * The `lookup` configuration (docs/registries.md): a wrong registry, a missing key, a field the
 * provider lacks, a key written into the file: each stops start-up with a message naming the key.
 */
import { describe, expect, it } from 'vitest';
import { sandbox } from '../sandbox/index.ts';
import { ConfigError, parseConfig } from './load.ts';

const imFlow = (extra: Record<string, unknown>) => ({
  id: 'im',
  provider: 'intellectmoney',
  allowedOrigins: ['https://shop.example.com'],
  settings: {
    leadSource: '31',
    bearerToken: { env: 'IM_SECRET' },
    signSecretKey: { env: 'IM_SECRET' },
    userToken: { env: 'IM_SECRET' },
  },
  ...extra,
});

const problemsOf = (flow: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseConfig({ flows: [flow] }, { IM_SECRET: 's', ...env }, 'test.json', {
      demoSettings: sandbox.demoSettings,
    });
    return '';
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
};

describe('lookup configuration', () => {
  it('accepts DaData with its key from the environment, and keeps the key secret', () => {
    const config = parseConfig(
      { flows: [imFlow({ lookup: { inn: { registry: 'dadata', apiKey: { env: 'DADATA' } } } })] },
      { IM_SECRET: 's', DADATA: 'k-123' },
      'test.json',
    );
    expect(JSON.stringify(config.flows[0]?.lookup)).not.toContain('k-123');
    expect(config.flows[0]?.lookup?.inn).toMatchObject({ timeoutMs: 4000, cacheSeconds: 3600 });
  });

  it.each([
    [{ inn: { registry: 'vies' } }, 'flows[0].lookup.inn.registry: inn is looked up in "dadata"'],
    [{ inn: { registry: 'dadata' } }, 'flows[0].lookup.inn.apiKey: dadata needs "apiKey"'],
    [{ inn: { registry: 'dadata', apiKey: 'literal' } }, 'flows[0].lookup.inn.apiKey: a secret'],
    [{ vat: { registry: 'vies' } }, 'flows[0].lookup.vat: intellectmoney has no field "vat"'],
    [
      { holdingNumber: { registry: 'hectare', apiKey: { env: 'X' } } },
      'flows[0].lookup.holdingNumber: Hectare needs "baseUrl"',
    ],
  ])('refuses %j, naming the key', (lookup, message) => {
    expect(problemsOf(imFlow({ lookup }), { X: 'x' })).toContain(message);
  });

  it('wants a lookup for preferRegistryName', () => {
    expect(problemsOf(imFlow({ preferRegistryName: true }))).toContain(
      'flows[0].preferRegistryName: needs a "lookup"',
    );
  });
});
