/**
 * The sandbox is a plugin app.ts loads for a config that uses it: a production config must
 * never load simulator code (eslint keeps other modules from importing server/sandbox; this
 * checks what a real start loads). Each case runs in its own Node process, which logs every
 * module of server/ it resolves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The server modules a process resolves while it loads `config` and builds the app. */
function modulesLoaded(config: unknown, env: Record<string, string> = {}): string[] {
  const hook = `export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    if (resolved.url.includes('/server/')) console.log(resolved.url.replace(/^.*\\/server\\//, 'server/'));
    return resolved;
  }`;
  const script = `import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const { createApp, loadConfig } = await import('./server/app.ts');
    const { openStore } = await import('./server/store/index.ts');
    const { createLogger } = await import('./server/logger.ts');
    const { config, sandbox } = await loadConfig();
    const store = await openStore('sqlite::memory:');
    const app = createApp(config, {
      store,
      log: createLogger({ level: 'silent' }),
      sandboxUrl: 'http://127.0.0.1:1',
      ...(sandbox ? { sandbox } : {}),
    });
    await app.close();
    await store.close();`;
  const dir = mkdtempSync(join(tmpdir(), 'org-signup-boundary-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script],
    {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, ...env, ORG_SIGNUP_CONFIG: join(dir, 'config.json') },
    },
  );
  rmSync(dir, { recursive: true, force: true });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return [...new Set(run.stdout.trim().split('\n'))];
}

describe('the sandbox plugin', () => {
  it('is never loaded for a production config', () => {
    const loaded = modulesLoaded(
      {
        flows: [
          {
            id: 'acme',
            provider: 'nitro',
            baseUrl: 'https://svc.nitrocommerce.ai/v1/rest/acme/',
            allowedOrigins: ['https://shop.example.com'],
            settings: { credentials: { email: 'a@b.c', password: { env: 'NITRO_PASSWORD' } } },
          },
        ],
      },
      { NITRO_PASSWORD: 'hunter2hunter2' },
    );
    expect(loaded).toContain('server/providers/nitro.ts');
    expect(loaded.filter((m) => m.startsWith('server/sandbox/'))).toEqual([]);
  }, 30_000);

  it('is loaded for sandbox flows', () => {
    const loaded = modulesLoaded({
      flows: [
        {
          id: 'nitro',
          provider: 'nitro',
          sandbox: true,
          allowedOrigins: ['http://localhost:5173'],
        },
      ],
      sandbox: { url: 'http://127.0.0.1:1' },
    });
    expect(loaded).toContain('server/sandbox/index.ts');
  }, 30_000);
});
