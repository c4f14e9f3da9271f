/**
 * Builds the widget's CDN file: one ES module (Lit and the shared schemas inside) that the BFF
 * serves at /widget/org-signup.js. The package's modules are widget/vite.config.ts. Also the
 * vitest configuration for unit and integration tests.
 */
import { defineConfig } from 'vitest/config';
import { COMPILE_HINT } from './scripts/compile-hint.ts';
import { minifyTemplates } from './scripts/widget-vite.ts';

export default defineConfig(({ command }) => ({
  publicDir: false,
  // The CDN file runs only in a browser; the tests run the sources in Node too (widget/env.d.ts).
  define: { __BROWSER_ONLY__: JSON.stringify(command === 'build') },
  plugins: [minifyTemplates()],
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
      // No annotation comments (/* @__PURE__ */): they only serve a bundler, and this is the last.
      output: {
        minify: true,
        comments: { annotation: false },
        // After minification, which would strip it. Nearly all of this file runs before the
        // form shows, so compiling all of it early is no waste.
        postBanner: COMPILE_HINT,
      },
    },
  },
  test: {
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'widget/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
}));
