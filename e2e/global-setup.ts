/**
 * Before the browser tests: builds the React and Vue host apps (e2e/hosts/*) with Vite, each
 * embedding the widget through its package (widget/dist, `npm run build`), for
 * e2e/host-server.ts to serve. A second or two each.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function globalSetup(): Promise<void> {
  if (!existsSync(fileURLToPath(new URL('../widget/dist/react.js', import.meta.url)))) {
    throw new Error('widget/dist is missing: run `npm run build` before the browser tests');
  }
  for (const app of ['react', 'vue']) {
    await build({
      configFile: fileURLToPath(new URL(`./hosts/${app}/vite.config.ts`, import.meta.url)),
    });
  }
}
