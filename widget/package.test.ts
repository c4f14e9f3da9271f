/**
 * The published package, @org-signup/widget (`npm pack` in widget/): what it holds (its modules,
 * their declarations, custom-elements.json, README, LICENSE, nothing of the server), `lit` its
 * only dependency and left outside its modules (the app's bundler dedupes it), React (and Vue, for
 * the types of ./vue) optional peers, and its declarations good for an app's TSX and Vue code (widget/type-tests, checked with
 * the declarations' own errors reported). Needs `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WIDGET = `${ROOT}widget/`;
const manifest = JSON.parse(readFileSync(`${WIDGET}package.json`, 'utf8')) as {
  name: string;
  version: string;
  license: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  exports: Record<string, string | Record<string, string>>;
};

/** The import specifiers of a built module. */
const importsOf = (file: string): string[] =>
  [
    ...readFileSync(`${WIDGET}dist/${file}`, 'utf8').matchAll(
      /(?:import|from)\s*["'`]([^"'`]+)["'`]/g,
    ),
  ]
    .map((m) => m[1] ?? '')
    .sort();

describe('the widget package', () => {
  it('packs its modules, declarations, manifest, README and LICENSE, nothing else', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: WIDGET,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { name: string; version: string; files: { path: string }[] }[];
    expect(pack?.name).toBe('@org-signup/widget');
    expect(pack?.files.map((f) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'custom-elements.json',
      'dist/org-signup.d.ts',
      'dist/org-signup.js',
      'dist/react.d.ts',
      'dist/react.js',
      'dist/vue.d.ts',
      'dist/vue.js',
      'package.json',
    ]);
  });

  it('depends on lit alone; React and Vue are optional peers', () => {
    expect(manifest.name).toBe('@org-signup/widget');
    expect(manifest.license).toBe('MIT');
    expect(Object.keys(manifest.dependencies)).toEqual(['lit']);
    expect(Object.keys(manifest.peerDependencies)).toContain('react');
    for (const peer of Object.keys(manifest.peerDependencies)) {
      expect(manifest.peerDependenciesMeta[peer]?.optional, peer).toBe(true);
    }
  });

  it('leaves Lit and React outside its modules, and bundles @lit/react', () => {
    const lit = (specifier: string) => specifier === 'lit' || specifier.startsWith('lit/');
    expect(importsOf('org-signup.js').every(lit)).toBe(true);
    expect(importsOf('org-signup.js')).toContain('lit');
    expect(importsOf('react.js')).toEqual(['./org-signup.js', 'react']);
    expect(importsOf('vue.js')).toEqual([]);
    // Lit's own code is not inside (its version registry is in lit-html).
    expect(readFileSync(`${WIDGET}dist/org-signup.js`, 'utf8')).not.toContain('litHtmlVersions');
    // The CDN file is the opposite: one file, Lit inside.
    const cdn = readFileSync(`${ROOT}dist/widget/org-signup.js`, 'utf8');
    expect(cdn).toContain('litHtmlVersions');
    expect(cdn).not.toMatch(/\bimport\s*[{"'`*]/);
  });

  it('exports entry points that are in the package', () => {
    for (const [entry, target] of Object.entries(manifest.exports)) {
      const files = typeof target === 'string' ? [target] : Object.values(target);
      for (const file of files) {
        expect(() => readFileSync(`${WIDGET}${file}`), `${entry} -> ${file}`).not.toThrow();
      }
    }
  });

  it("types a React app's TSX and a Vue app's components (widget/type-tests)", () => {
    // Resolved through node_modules/@org-signup/widget and its exports, as in an app.
    const out = execFileSync(
      `${ROOT}node_modules/.bin/tsc`,
      ['-p', `${WIDGET}type-tests/tsconfig.dist.json`, '--listFiles'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out).toContain('widget/dist/react.d.ts');
    expect(out).toContain('widget/dist/vue.d.ts');
    expect(out).not.toMatch(/widget\/(org-signup|react|vue)\.ts$/m);
  }, 60_000);
});
