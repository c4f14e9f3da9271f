/**
 * Builds the widget's CDN file: one ES module (Lit and the shared schemas inside) that the BFF
 * serves at /widget/org-signup.js, with its Subresource Integrity hash beside it
 * (org-signup.js.sri). The package's modules are widget/vite.config.ts. Also the vitest
 * configuration for unit and integration tests.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';
import { COMPILE_HINT } from './scripts/compile-hint.ts';
import { minifyTemplates } from './scripts/widget-vite.ts';

/**
 * Writes the built file's SRI hash beside it and prints it: the hash of the bytes on disk, after
 * the banner, as a browser checks them. docs/embedding.md quotes it (`npm run size -- --check`).
 */
function integrityFile(): Plugin {
  return {
    name: 'org-signup-integrity',
    apply: 'build',
    writeBundle({ dir }, bundle) {
      for (const name of Object.keys(bundle).filter((file) => file.endsWith('.js'))) {
        const file = join(dir ?? '', name);
        const integrity = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
        writeFileSync(`${file}.sri`, `${integrity}\n`);
        this.info(`${name} integrity="${integrity}"`);
      }
    },
  };
}

/**
 * The element's stylesheet as a file too (org-signup.css): the embed snippet's server-rendered
 * form links it, so it is styled before the script runs, by the rules the element then adopts.
 */
function stylesheetFile(): Plugin {
  return {
    name: 'org-signup-stylesheet',
    apply: 'build',
    async generateBundle() {
      const css = readFileSync(new URL('widget/styles.css', import.meta.url), 'utf8');
      const { code } = await transform(css, { loader: 'css', minify: true });
      this.emitFile({ type: 'asset', fileName: 'org-signup.css', source: code });
    },
  };
}

export default defineConfig(({ command }) => ({
  publicDir: false,
  // The CDN file runs only in a browser; the tests run the sources in Node too (widget/env.d.ts).
  define: { __BROWSER_ONLY__: JSON.stringify(command === 'build') },
  plugins: [minifyTemplates(), integrityFile(), stylesheetFile()],
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
    // A worker per core, not Vitest's one fewer: most files spend their time waiting on child
    // processes, sockets and timers, so two files at a time overlap even on two cores.
    maxWorkers: '100%',
  },
}));
