/**
 * The production command: the compiled bundle (`npm run build` -> dist/server) run by plain
 * `node`, no tsx. It refuses the bundled demo in production unless ORG_SIGNUP_DEMO=1, then
 * serves it, warns that /metrics is open, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from './reliability/cluster.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/server/main.js');

function run(env: Record<string, string>) {
  const output: string[] = [];
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    // Nothing of the test runner's loaders: what `node dist/server/main.js` gets in production.
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited };
}

describe('the compiled server (dist/server, plain node)', () => {
  it('is built', () => {
    expect(existsSync(MAIN), 'npm run build writes dist/server/main.js').toBe(true);
  });

  it('refuses the bundled demo in production without ORG_SIGNUP_DEMO=1 (exit 78)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-signup-prod-'));
    const { output, exited } = run({
      NODE_ENV: 'production',
      STORE_URL: `sqlite:${dir}/j.db`,
      PORT: String(await freePort()),
    });
    expect(await exited).toBe(78);
    expect(output.join('')).toContain('ORG_SIGNUP_DEMO=1');
  });

  it('serves the demo with ORG_SIGNUP_DEMO=1, warns that /metrics is open, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-signup-prod-'));
    const port = await freePort();
    const { child, output, exited } = run({
      NODE_ENV: 'production',
      ORG_SIGNUP_DEMO: '1',
      STORE_URL: `sqlite:${dir}/j.db`,
      PORT: String(port),
    });
    let ready = false;
    for (let i = 0; i < 100 && !ready; i += 1) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready, output.join('')).toBe(true);
    const descriptor = await fetch(`http://127.0.0.1:${port}/v1/flows/nitro`);
    expect(descriptor.status).toBe(200);
    // The embed snippet, server-rendered by the compiled server with the built form template.
    const snippet = await fetch(`http://127.0.0.1:${port}/v1/flows/nitro/embed.html`);
    expect(snippet.status).toBe(200);
    expect(await snippet.text()).toMatch(/<template shadowrootmode="open">.*name="email"/s);
    expect(output.join('')).toContain('set ORG_SIGNUP_METRICS_TOKEN');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
