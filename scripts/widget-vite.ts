/**
 * What the widget's two Vite builds share: vite.config.ts makes the CDN file (one module, Lit
 * inside), widget/vite.config.ts the package's modules (Lit outside).
 */
import { fileURLToPath } from 'node:url';
import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import type { Plugin } from 'vite';

/** The repository's root: both builds resolve their paths from it, whatever the working directory. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Lit's html`` templates keep their indentation otherwise; collapsed, the widget is ~0.5 KB
 * smaller gzipped. Every widget module, so that a template is minified wherever it lives. Only
 * at build time (tests run the source).
 */
export function minifyTemplates(): Plugin {
  return {
    ...(minifyTemplateLiterals({
      include: `${ROOT}widget/**/*.ts`,
      // styles.ts only wraps styles.css, which Vite minifies as CSS.
      exclude: [`${ROOT}widget/**/*.test.ts`, `${ROOT}widget/styles.ts`],
      failOnError: true,
    }) as Plugin),
    apply: 'build',
  };
}
