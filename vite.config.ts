/**
 * Builds the widget into one ES module (Lit and the shared schemas inside) that the BFF serves at
 * /widget/org-signup.js. Also the vitest configuration for unit and integration tests.
 */
import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import { defineConfig } from 'vitest/config';
import { COMPILE_HINT } from './scripts/compile-hint.ts';

export default defineConfig({
  publicDir: false,
  // Lit's html`` templates keep their indentation otherwise; collapsed, the widget is ~0.5 KB
  // smaller gzipped. Every widget module, so that a template is minified wherever it lives. Only
  // at build time (tests run the source).
  plugins: [
    {
      ...minifyTemplateLiterals({
        include: 'widget/**/*.ts',
        // styles.ts only wraps styles.css, which Vite minifies as CSS.
        exclude: ['widget/**/*.test.ts', 'widget/styles.ts'],
        failOnError: true,
      }),
      apply: 'build',
    },
  ],
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
});
