// The React host app for e2e/frameworks.e2e.ts, built by e2e/global-setup.ts and served under
// /react/ by e2e/host-server.ts.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/react/',
  logLevel: 'warn',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
});
