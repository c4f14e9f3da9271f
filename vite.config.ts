/**
 * Builds the widget into one ES module (Lit and the shared schemas inside) that the BFF serves at
 * /widget/org-signup.js. Also the vitest configuration for unit and integration tests.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: 'widget/org-signup.ts',
      formats: ['es'],
      fileName: () => 'org-signup.js',
    },
    rolldownOptions: {
      output: { minify: true },
    },
  },
  test: {
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'widget/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
