/**
 * Builds server/web/embed/form-template.ts into dist/embed/ for the BFF: the widget's templates
 * minified as in the CDN file (scripts/widget-vite.ts), Lit left outside (the server's Lit, the
 * one @lit-labs/ssr renders with). Server-only: nothing of it reaches the widget's files.
 */
import { defineConfig } from 'vite';
import { minifyTemplates, ROOT } from '../../../scripts/widget-vite.ts';

export default defineConfig({
  root: ROOT,
  publicDir: false,
  logLevel: 'warn',
  define: { __BROWSER_ONLY__: 'false' },
  plugins: [minifyTemplates()],
  build: {
    outDir: 'dist/embed',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    lib: {
      entry: { 'form-template': 'server/web/embed/form-template.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: { external: (id) => /^lit(-html|-element)?(\/|$)|^@lit\//.test(id) },
  },
});
