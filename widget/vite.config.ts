/**
 * The package's ES modules (`npm pack` in widget/): the element (`.`), `./react` and `./vue`, into
 * widget/dist/. Lit stays outside, so that the app's bundler dedupes it with the app's own Lit;
 * React and Vue too (peers). @lit/react and the shared field rules go inside. The CDN file, with
 * Lit inside, is ../vite.config.ts. Types: scripts/widget-types.ts.
 */
import { defineConfig } from 'vite';
import { minifyTemplates, ROOT } from '../scripts/widget-vite.ts';

/** Imports that stay imports: Lit (`lit`, `lit/*`, `@lit/*` but @lit/react), React, Vue. */
const EXTERNAL = [
  /^lit(\/|$)/,
  /^lit-(html|element)(\/|$)/,
  /^@lit\/(?!react(\/|$))/,
  /^react(-dom)?(\/|$)/,
  /^vue(\/|$)/,
];

export default defineConfig({
  root: ROOT,
  publicDir: false,
  logLevel: 'warn',
  // Server rendering imports these modules in Node: defining the element waits for a browser.
  define: { __BROWSER_ONLY__: 'false' },
  plugins: [minifyTemplates()],
  build: {
    outDir: 'widget/dist',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: {
        'org-signup': 'widget/org-signup.ts',
        react: 'widget/react.ts',
        vue: 'widget/vue.ts',
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      // react.js imports ./org-signup.js itself, not a chunk split off both.
      preserveEntrySignatures: 'allow-extension',
      external: (id) => EXTERNAL.some((pattern) => pattern.test(id)),
      // Minified like the CDN file; the /* @__PURE__ */ annotations stay, for the app's bundler.
      output: { minify: true },
    },
  },
});
