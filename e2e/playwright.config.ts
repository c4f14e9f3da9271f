/**
 * End-to-end tests in Debian's Chromium against the real BFF (demo config, every flow on the
 * sandbox) and the real built widget, embedded by a merchant page on another origin: its CDN
 * file by plain pages, its package by a React and a Vue app.
 */
import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';

// Overridable, so that two checkouts on one machine can run their suites at once.
const BFF_PORT = Number(process.env['E2E_BFF_PORT'] || 8181);
const HOST_PORT = Number(process.env['E2E_HOST_PORT'] || 8182);
export const BFF_URL = `http://localhost:${BFF_PORT}`;
export const HOST_URL = `http://localhost:${HOST_PORT}`;
/**
 * The e2e server's admin token: made fresh for each run. The runner loads this file first and
 * its workers inherit its environment, so the BFF and every test see the same value.
 */
process.env['ORG_SIGNUP_E2E_ADMIN_TOKEN'] ??= randomBytes(24).toString('hex');
export const ADMIN_TOKEN = process.env['ORG_SIGNUP_E2E_ADMIN_TOKEN'];

/** Debian's Chromium (Playwright cannot download its own here), for the suite and the bench. */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  // The sandbox's fault switch is shared by every test of a provider: run one test at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  outputDir: '../test-results',
  // The React and Vue host apps (e2e/hosts/*), built from the package.
  globalSetup: './global-setup.ts',
  use: {
    baseURL: HOST_URL,
    trace: 'retain-on-failure',
    launchOptions: CHROMIUM,
  },
  webServer: [
    {
      command: 'node --import tsx server/main.ts',
      cwd: '..',
      url: `${BFF_URL}/readyz`,
      env: {
        PORT: String(BFF_PORT),
        STORE_URL: 'sqlite::memory:',
        LOG_LEVEL: 'warn',
        ORG_SIGNUP_ADMIN_TOKEN: ADMIN_TOKEN,
        // The suite registers far more than 20 times per flow from one IP in ten minutes; the
        // limits themselves are proven over HTTP by server/test/abuse.test.ts.
        RATE_LIMITS: 'off',
      },
      reuseExistingServer: false,
      stdout: 'pipe',
    },
    {
      command: 'node --import tsx e2e/host-server.ts',
      cwd: '..',
      url: HOST_URL,
      env: { HOST_PORT: String(HOST_PORT), BFF_URL },
      reuseExistingServer: false,
    },
  ],
});
