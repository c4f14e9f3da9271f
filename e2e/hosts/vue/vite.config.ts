// The Vue host app for e2e/frameworks.e2e.ts, built by e2e/global-setup.ts and served under
// /vue/ by e2e/host-server.ts.
import { isCustomElement } from '@org-signup/widget/vue';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/vue/',
  logLevel: 'warn',
  plugins: [vue({ template: { compilerOptions: { isCustomElement } } })],
  build: { outDir: 'dist', emptyOutDir: true },
});
