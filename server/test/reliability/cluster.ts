/**
 * Real BFF processes for the reliability tests: each instance is `node server/main.ts` with its
 * own port, sharing a store (a SQLite file or a Postgres schema) and one simulator that runs in
 * the test process, so an instance can be killed with SIGKILL mid-work while the provider's
 * record of what it received survives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { sandboxRouter } from '../../sandbox/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The instances' admin token: fresh for each run, never a literal in the repository. */
export const ADMIN_TOKEN = randomBytes(24).toString('hex');

export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The simulators in this process, on their own port. */
export async function startSandbox(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express().use('/sandbox', sandboxRouter());
  const server = await new Promise<HttpServer>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `config` as a BFF config file in a new temporary folder; returns its path. */
export function writeConfigFile(config: object, prefix = 'org-signup-reliability-'): string {
  const path = join(mkdtempSync(join(tmpdir(), prefix)), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/**
 * A config file with one queueing nitro flow against the given simulators; `overrides` change
 * the flow, `top` the file's other settings (the outbox polls every 50 ms unless it says).
 */
export function writeConfig(
  sandboxUrl: string,
  overrides: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): string {
  return writeConfigFile({
    sandbox: { enabled: false, url: sandboxUrl },
    outbox: { pollIntervalMs: 50, batchSize: 50, concurrency: 8 },
    flows: [
      {
        id: 'nitro',
        provider: 'nitro',
        sandbox: true,
        allowedOrigins: ['http://localhost:*'],
        phoneCountry: 'GB',
        queueOnOutage: true,
        timeouts: { connectMs: 500, requestMs: 600 },
        retry: { baseDelayMs: 50, maxDelayMs: 500, deadlineSeconds: 300 },
        // The test injects the faults; the breaker would only slow the drain down.
        circuitBreaker: { minimumCalls: 1_000_000 },
        // Scripted clients post at once, without the widget's form token.
        botProtection: { minFillSeconds: 0 },
        ...overrides,
      },
    ],
    ...top,
  });
}

export interface Instance {
  url: string;
  process: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startInstance(options: {
  configPath: string;
  storeUrl: string;
}): Promise<Instance> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      STORE_URL: options.storeUrl,
      ORG_SIGNUP_CONFIG: options.configPath,
      ORG_SIGNUP_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      // The scenario floods the API from one address at machine speed.
      RATE_LIMITS: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the BFF exited (${child.exitCode}):\n${output.join('')}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the BFF did not start:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
