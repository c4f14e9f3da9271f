import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadSandbox } from '../app.ts';
import { sandbox } from '../sandbox/index.ts';
import { ConfigError, DEMO_CONFIG_PATH, parseConfig as parse, usesSandbox } from './load.ts';
import { Secret } from './secret.ts';

/** parseConfig as main.ts calls it: sandbox flows get the sandbox plugin's demo settings. */
const parseConfig = (document: unknown, env: NodeJS.ProcessEnv, source?: string) =>
  parse(document, env, source, { demoSettings: sandbox.demoSettings });

const SOURCE = 'test.json';
const NITRO_URL = 'https://svc.nitrocommerce.ai/v1/rest/acme/';

type Doc = Record<string, unknown>;

function demoDocument(): Doc {
  return JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as Doc;
}

/** A real (non-sandbox) Nitro flow whose password comes from NITRO_PASSWORD. */
function nitroFlow(overrides: Doc = {}): Doc {
  return {
    id: 'acme',
    provider: 'nitro',
    baseUrl: NITRO_URL,
    allowedOrigins: ['https://shop.example.com'],
    settings: { credentials: { email: 'a@b.c', password: { env: 'NITRO_PASSWORD' } } },
    ...overrides,
  };
}

/** A real IntellectMoney flow (the provider has a default base URL) with a fixed UserToken. */
function intellectMoneyFlow(settings: Doc = { leadSource: '31' }, overrides: Doc = {}): Doc {
  return {
    id: 'im',
    provider: 'intellectmoney',
    allowedOrigins: ['https://shop.example.com'],
    settings: {
      bearerToken: { env: 'IM_BEARER' },
      signSecretKey: { env: 'IM_SIGN' },
      userToken: { env: 'IM_USER_TOKEN' },
      ...settings,
    },
    ...overrides,
  };
}

const ENV = {
  NITRO_PASSWORD: 'hunter2hunter2',
  IM_BEARER: 'bearer-value',
  IM_SIGN: 'sign-value',
  IM_USER_TOKEN: 'user-token-value',
};

/** The ConfigError parseConfig throws, or a failure if it throws something else or nothing. */
function configError(document: unknown, env: NodeJS.ProcessEnv = ENV): ConfigError {
  try {
    parseConfig(document, env, SOURCE);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('parseConfig accepted the document');
}

/** The problem lines of a ConfigError message ("  - <path>: <text>" each), without the bullet. */
function problemsOf(document: unknown, env: NodeJS.ProcessEnv = ENV): string[] {
  const [header, ...lines] = configError(document, env).message.split('\n');
  expect(header).toBe(`Invalid configuration in ${SOURCE}:`);
  return lines.map((line) => {
    expect(line).toMatch(/^ {2}- /);
    return line.slice(4);
  });
}

describe('parseConfig', () => {
  it('loads the bundled demo config without any environment', () => {
    const config = parseConfig(demoDocument(), {});
    expect(config.source).toBe('the configuration');
    expect(config.sandbox.enabled).toBe(true);
    // docs/design.md §4: one sandbox flow per provider, with the provider's id.
    expect(config.flows.map((f) => [f.id, f.provider, f.sandbox])).toEqual([
      ['nitro', 'nitro', true],
      ['hectare', 'hectare', true],
      ['cloudsuite', 'cloudsuite', true],
      ['intellectmoney', 'intellectmoney', true],
      ['titelive', 'titelive', true],
    ]);
    for (const flow of config.flows) expect(flow.providerSettings).toBeDefined();
    expect(config.flows.find((f) => f.id === 'intellectmoney')?.hostValues).toEqual([
      'leadComment',
      'leadAttractor',
    ]);
  });

  it('applies the flow defaults', () => {
    const config = parseConfig({ flows: [nitroFlow()] }, ENV, SOURCE);
    expect(config.source).toBe(SOURCE);
    expect(config.sandbox).toEqual({ enabled: false });
    const [flow] = config.flows;
    expect(flow).toMatchObject({
      sandbox: false,
      hostValues: [],
      requireConsent: false,
      timeouts: { connectMs: 5_000, requestMs: 15_000 },
    });
    expect(flow?.optionalFields).toBeUndefined();
  });

  it('refuses a literal where a secret is expected, naming its path', () => {
    const flow = nitroFlow({
      settings: { credentials: { email: 'a@b.c', password: 'hunter2hunter2' } },
    });
    const error = configError({ flows: [flow] });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('flows[0].settings.credentials.password');
    expect(error.message).toMatch(/must be an \{ "env": "VARIABLE" \} reference/);
    expect(error.message).not.toContain('hunter2hunter2');
  });

  it.each([
    ['unset', {}],
    ['empty', { NITRO_PASSWORD: '' }],
  ])('refuses an env reference to an %s variable, naming path and variable', (_what, env) => {
    expect(problemsOf({ flows: [nitroFlow()] }, env)).toEqual([
      'flows[0].settings.credentials.password: environment variable NITRO_PASSWORD is not set',
    ]);
  });

  it('resolves an env reference into a Secret that never prints its value', () => {
    const config = parseConfig({ flows: [nitroFlow()] }, { NITRO_PASSWORD: 'hunter2hunter2' });
    const settings = config.flows[0]?.providerSettings as {
      credentials: { email: string; password: Secret };
    };
    const password = settings.credentials.password;
    expect(password).toBeInstanceOf(Secret);
    expect(password.reveal()).toBe('hunter2hunter2');
    expect(settings.credentials.email).toBe('a@b.c');

    expect(JSON.stringify(password)).toBe('"[redacted]"');
    expect(String(password)).toBe('[redacted]');
    expect(inspect(password)).toContain('[redacted]');
    expect(inspect(password)).not.toContain('hunter2');

    // Nor anywhere in the loaded config, however it is printed.
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(inspect(config, { depth: Infinity })).not.toContain('hunter2');
  });

  it('resolves an env reference for a plain value (a login e-mail) to its text', () => {
    const flow = nitroFlow({
      settings: {
        credentials: { email: { env: 'NITRO_EMAIL' }, password: { env: 'NITRO_PASSWORD' } },
      },
    });
    const config = parseConfig({ flows: [flow] }, { ...ENV, NITRO_EMAIL: 'ops@acme.example' });
    expect(config.flows[0]?.providerSettings).toMatchObject({
      credentials: { email: 'ops@acme.example' },
    });
  });

  it('refuses an unknown top-level key, naming it', () => {
    expect(problemsOf({ flows: [nitroFlow()], extra: true })).toEqual([
      '(top level): Unrecognized key: "extra"',
    ]);
  });

  it('refuses an unknown flow key, naming it and the flow', () => {
    const problems = problemsOf({ flows: [nitroFlow(), nitroFlow({ id: 'b', colour: 'red' })] });
    expect(problems).toEqual(['flows[1]: Unrecognized key: "colour"']);
  });

  it('refuses an unknown key in provider settings', () => {
    const flow = nitroFlow({
      settings: {
        credentials: { email: 'a@b.c', password: { env: 'NITRO_PASSWORD' } },
        apiKey: 'x',
      },
    });
    expect(problemsOf({ flows: [flow] })).toEqual([
      'flows[0].settings: Unrecognized key: "apiKey"',
    ]);
  });

  it('refuses duplicate flow ids', () => {
    expect(problemsOf({ flows: [nitroFlow(), nitroFlow()] })).toEqual([
      'flows[1].id: "acme" is used by another flow',
    ]);
  });

  it('refuses both sandbox: true and a baseUrl', () => {
    const problems = problemsOf({
      sandbox: { enabled: true },
      flows: [nitroFlow({ sandbox: true, allowedOrigins: ['http://localhost:*'] })],
    });
    expect(problems).toEqual([
      'flows[0]: set "baseUrl" (the provider\'s API) or "sandbox": true, not both',
    ]);
  });

  it('requires a baseUrl for a provider without a public default', () => {
    const flow = nitroFlow();
    delete flow['baseUrl'];
    expect(problemsOf({ flows: [flow] })).toEqual([
      "flows[0].baseUrl: nitro has no public default: set the API's base URL",
    ]);
  });

  it('uses the default base URL of a provider that has one', () => {
    const config = parseConfig({ flows: [intellectMoneyFlow()] }, ENV);
    expect(config.flows[0]?.baseUrl).toBeUndefined();
    expect(config.flows[0]?.providerSettings).toMatchObject({ leadSource: '31' });
  });

  it.each([
    'https://shop.example.com/',
    'https://shop.example.com/path',
    'https://user@shop.example.com',
    'shop.example.com',
    '*',
  ])('refuses the origin pattern %j, naming its index', (pattern) => {
    const problems = problemsOf({ flows: [nitroFlow({ allowedOrigins: [pattern] })] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^flows\[0\]\.allowedOrigins\[0\]: an origin like /);
  });

  it('names the index of the bad origin among good ones', () => {
    const flow = nitroFlow({ allowedOrigins: ['https://a.com', 'http://localhost:*', 'ftp://x'] });
    const problems = problemsOf({ flows: [flow] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^flows\[0\]\.allowedOrigins\[2\]: /);
  });

  it('refuses an empty allowedOrigins', () => {
    const problems = problemsOf({ flows: [nitroFlow({ allowedOrigins: [] })] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^flows\[0\]\.allowedOrigins: /);
  });

  it('refuses optionalFields naming a field the provider lacks', () => {
    expect(problemsOf({ flows: [nitroFlow({ optionalFields: ['inn'] })] })).toEqual([
      'flows[0].optionalFields: nitro has no optional field "inn" (it has: none)',
    ]);
    const im = intellectMoneyFlow(undefined, { optionalFields: ['inviteCode', 'domain'] });
    expect(problemsOf({ flows: [im] })).toEqual([
      'flows[0].optionalFields: intellectmoney has no optional field "domain" (it has: inviteCode)',
    ]);
  });

  it('refuses optionalFields naming a required field of the provider', () => {
    const im = intellectMoneyFlow(undefined, { optionalFields: ['inn'] });
    expect(problemsOf({ flows: [im] })).toEqual([
      'flows[0].optionalFields: intellectmoney has no optional field "inn" (it has: inviteCode)',
    ]);
  });

  it('accepts optionalFields the provider has', () => {
    const im = intellectMoneyFlow(undefined, { optionalFields: ['inviteCode'] });
    expect(parseConfig({ flows: [im] }, ENV).flows[0]?.optionalFields).toEqual(['inviteCode']);
  });

  it('refuses hostValues the provider does not use', () => {
    expect(problemsOf({ flows: [nitroFlow({ hostValues: ['leadComment'] })] })).toEqual([
      'flows[0].hostValues: nitro does not use "leadComment"',
    ]);
  });

  it('refuses an intellectmoney flow without leadSource, naming the setting', () => {
    const problems = problemsOf({ flows: [intellectMoneyFlow({})] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^flows\[0\]\.settings\.leadSource: /);
  });

  it('refuses an intellectmoney flow with neither userToken nor account', () => {
    const flow = intellectMoneyFlow({ leadSource: '31', userToken: undefined });
    expect(problemsOf({ flows: [flow] })).toEqual([
      'flows[0].settings: set either userToken or account { login, password } for user/getUserToken',
    ]);
  });

  it.each([
    ['no sandbox section', {}],
    ['sandbox disabled', { sandbox: { enabled: false } }],
  ])('refuses a sandbox flow with %s and no sandbox.url', (_what, top) => {
    const flow = { id: 'n', provider: 'nitro', sandbox: true, allowedOrigins: ['https://a.com'] };
    expect(problemsOf({ ...top, flows: [flow] })).toEqual([
      'flows[0].sandbox: set "sandbox": { "enabled": true } or a "sandbox.url" to reach',
    ]);
  });

  it('accepts a sandbox flow that reaches a sandbox.url, with the simulator settings underneath', () => {
    const flow = {
      id: 'im',
      provider: 'intellectmoney',
      sandbox: true,
      allowedOrigins: ['https://a.com'],
      settings: { leadSource: '7' },
    };
    const config = parseConfig(
      { sandbox: { url: 'http://sandbox.internal:8080' }, flows: [flow] },
      {},
    );
    expect(config.sandbox).toEqual({ enabled: false, url: 'http://sandbox.internal:8080' });
    const settings = config.flows[0]?.providerSettings as {
      leadSource: string;
      bearerToken: unknown;
    };
    expect(settings.leadSource).toBe('7');
    expect(settings.bearerToken).toBeInstanceOf(Secret);
  });

  it('still refuses a literal secret in a sandbox flow', () => {
    const flow = {
      id: 'n',
      provider: 'nitro',
      sandbox: true,
      allowedOrigins: ['http://localhost:*'],
      settings: { credentials: { email: 'a@b.c', password: 'literal-password' } },
    };
    const problems = problemsOf({ sandbox: { enabled: true }, flows: [flow] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^flows\[0\]\.settings\.credentials\.password: a secret must be/);
  });

  it('reports several problems of the flows in one error', () => {
    const problems = problemsOf(
      {
        flows: [
          nitroFlow({ hostValues: ['leadAttractor'] }),
          nitroFlow({ optionalFields: ['phone'], sandbox: true }),
          intellectMoneyFlow({}, { id: 'im' }),
        ],
      },
      { IM_BEARER: 'b', IM_SIGN: 's', IM_USER_TOKEN: 'u' },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'flows[0].settings.credentials.password: environment variable NITRO_PASSWORD is not set',
        'flows[1].settings.credentials.password: environment variable NITRO_PASSWORD is not set',
        'flows[0].hostValues: nitro does not use "leadAttractor"',
        'flows[1].id: "acme" is used by another flow',
        'flows[1]: set "baseUrl" (the provider\'s API) or "sandbox": true, not both',
        'flows[1].sandbox: set "sandbox": { "enabled": true } or a "sandbox.url" to reach',
        'flows[1].optionalFields: nitro has no optional field "phone" (it has: none)',
        expect.stringMatching(/^flows\[2\]\.settings\.leadSource: /),
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('reports several schema problems in one error, with unset variables', () => {
    const problems = problemsOf(
      {
        extra: 1,
        flows: [
          nitroFlow({ id: 'Bad Id', allowedOrigins: ['ftp://x'] }),
          { id: 'x', provider: 'nope', allowedOrigins: ['https://a.com'] },
        ],
      },
      {},
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        '(top level): Unrecognized key: "extra"',
        expect.stringMatching(/^flows\[0\]\.id: /),
        expect.stringMatching(/^flows\[0\]\.allowedOrigins\[0\]: /),
        expect.stringMatching(/^flows\[1\]\.provider: /),
        'flows[0].settings.credentials.password: environment variable NITRO_PASSWORD is not set',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  // Schema problems and per-flow problems come in one report.
  it('reports flow problems alongside schema problems', () => {
    const problems = problemsOf({ extra: 1, flows: [nitroFlow(), nitroFlow()] });
    expect(problems).toEqual([
      '(top level): Unrecognized key: "extra"',
      'flows[1].id: "acme" is used by another flow',
    ]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['no flows', {}],
    ['empty flows', { flows: [] }],
  ])('refuses %s as a document', (_what, document) => {
    expect(problemsOf(document).length).toBeGreaterThan(0);
  });
});

describe('loadConfig', () => {
  it('throws a ConfigError naming a file that cannot be read', async () => {
    let error: unknown;
    try {
      await loadConfig({ ORG_SIGNUP_CONFIG: '/nonexistent.json' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('/nonexistent.json');
    expect((error as Error).message).toMatch(/^Invalid configuration in \/nonexistent\.json:/);
  });

  it('loads the bundled demo config when ORG_SIGNUP_CONFIG is unset or empty', async () => {
    for (const env of [{}, { ORG_SIGNUP_CONFIG: '' }]) {
      const { config } = await loadConfig(env);
      expect(config.source).toBe(DEMO_CONFIG_PATH);
      expect(config.flows.map((f) => f.id)).toEqual([
        'nitro',
        'hectare',
        'cloudsuite',
        'intellectmoney',
        'titelive',
      ]);
    }
  });
});

describe('the sandbox plugin', () => {
  it('is loaded for sandbox flows or a mounted sandbox, never for a production config', async () => {
    expect(usesSandbox(demoDocument(), {})).toBe(true);
    expect(usesSandbox({ flows: [nitroFlow({ baseUrl: undefined, sandbox: true })] }, {})).toBe(
      true,
    );
    expect(usesSandbox({ sandbox: { url: 'http://sandbox.internal:8080' }, flows: [] }, {})).toBe(
      false,
    );
    expect(usesSandbox({ sandbox: { enabled: true }, flows: [nitroFlow()] }, ENV)).toBe(true);
    expect(usesSandbox({ flows: [nitroFlow(), intellectMoneyFlow()] }, ENV)).toBe(false);
    expect(await loadSandbox({ flows: [nitroFlow()] }, ENV)).toBeUndefined();
    expect(await loadSandbox(demoDocument(), {})).toBe(sandbox);
  });

  it('gives sandbox flows its demo settings; parsing one without them is a bug', () => {
    expect(() => parse(demoDocument(), {})).toThrow(/needs the sandbox plugin/);
    expect(() => parse({ flows: [nitroFlow()] }, ENV)).not.toThrow();
  });
});

describe('the sandbox where others can reach it', () => {
  /** The demo (sandbox on) with the first flow's origins replaced. */
  const demoWithOrigins = (allowedOrigins: string[]): Doc => {
    const doc = demoDocument();
    const [first, ...rest] = doc['flows'] as Doc[];
    return { ...doc, flows: [{ ...first, allowedOrigins }, ...rest] };
  };

  it('is refused with NODE_ENV=production, naming the key and the switch', () => {
    const problems = problemsOf(demoDocument(), { NODE_ENV: 'production' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sandbox\.enabled: .*\/sandbox\/<provider>\/_requests/);
    expect(problems[0]).toContain('NODE_ENV is production');
    expect(problems[0]).toContain('ORG_SIGNUP_SANDBOX_PUBLIC=1');
  });

  it.each([
    ['a public origin', 'https://shop.example.com'],
    ['a wildcard of a public domain', 'https://*.example.com'],
    ['a LAN address', 'http://192.168.1.20:8080'],
    ['a subdomain of localhost', 'http://*.localhost:*'],
  ])('is refused when a flow allows %s', (_what, origin) => {
    const problems = problemsOf(demoWithOrigins(['http://localhost:*', origin]), {});
    expect(problems).toEqual([
      expect.stringMatching(/^sandbox\.enabled: .*ORG_SIGNUP_SANDBOX_PUBLIC=1/),
    ]);
    expect(problems[0]).toContain(`flows[0].allowedOrigins[1] is "${origin}"`);
  });

  it('is allowed for localhost, 127.0.0.1 and [::1], any scheme and port', () => {
    const origins = [
      'http://localhost:*',
      'https://localhost',
      'http://LOCALHOST:3000',
      'http://127.0.0.1:*',
      'https://127.0.0.1:8443',
      'http://[::1]:*',
      'http://[::1]',
    ];
    const config = parseConfig(demoWithOrigins(origins), {});
    expect(config.sandbox.enabled).toBe(true);
    expect(config.warnings).toEqual([]);
  });

  it('starts with ORG_SIGNUP_SANDBOX_PUBLIC=1, with a warning saying why', () => {
    const env = { NODE_ENV: 'production', ORG_SIGNUP_SANDBOX_PUBLIC: '1' };
    const config = parseConfig(demoWithOrigins(['https://shop.example.com']), env);
    expect(config.sandbox.enabled).toBe(true);
    expect(config.warnings).toEqual([
      expect.stringMatching(/^SANDBOX IS PUBLIC \(ORG_SIGNUP_SANDBOX_PUBLIC=1\): .*_requests/),
    ]);
    expect(config.warnings[0]).toContain('NODE_ENV is production');
    expect(config.warnings[0]).toContain(
      'flows[0].allowedOrigins[0] is "https://shop.example.com"',
    );
    // Only "1" is the switch.
    expect(() =>
      parseConfig(demoDocument(), { NODE_ENV: 'production', ORG_SIGNUP_SANDBOX_PUBLIC: 'yes' }),
    ).toThrow(ConfigError);
  });

  it('does not concern configs without the mounted sandbox', () => {
    const env = { ...ENV, NODE_ENV: 'production' };
    expect(parseConfig({ flows: [nitroFlow()] }, env).warnings).toEqual([]);
    const elsewhere = {
      id: 'n',
      provider: 'nitro',
      sandbox: true,
      allowedOrigins: ['https://a.com'],
    };
    const config = parseConfig(
      { sandbox: { url: 'http://sandbox.internal:8080' }, flows: [elsewhere] },
      env,
    );
    expect(config.warnings).toEqual([]);
  });
});

describe('sandbox flows', () => {
  it('keep the simulator credentials they do not override (settings merge key by key)', () => {
    const config = parseConfig(
      {
        sandbox: { enabled: true },
        flows: [
          {
            id: 'nitro',
            provider: 'nitro',
            sandbox: true,
            allowedOrigins: ['http://localhost:*'],
            settings: { credentials: { email: 'someone-else@nitro.sandbox' } },
          },
        ],
      },
      {},
    );
    const settings = config.flows[0]?.providerSettings as {
      credentials: { email: string; password: Secret };
    };
    expect(settings.credentials.email).toBe('someone-else@nitro.sandbox');
    expect(settings.credentials.password.reveal()).toBe('nitro-sandbox-password');
  });
});
