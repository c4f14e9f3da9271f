/**
 * Server rendering (Next.js, Nuxt, Astro) imports the widget in Node, without a DOM: every entry
 * point, of the built package as plain `node` resolves it and of the sources, imports without
 * throwing and without defining the element (Lit's Node build shims `customElements`: the element
 * must stay undefined in it), and exports what it promises. The browser defines the element when
 * the app's bundle runs (e2e/frameworks.e2e.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LitElement } from 'lit';
import { describe, expect, it, vi } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** What `node` sees importing the package's entry points (and rendering `<OrgSignup>` on the server). */
const PROBE = `
const seen = { entries: {} };
for (const entry of ['@org-signup/widget', '@org-signup/widget/react', '@org-signup/widget/vue']) {
  const module = await import(entry);
  seen.entries[entry] = Object.fromEntries(Object.entries(module).map(([k, v]) => [k, typeof v]));
}
const { OrgSignup } = await import('@org-signup/widget/react');
const { createElement } = await import('react');
const { renderToString } = await import('react-dom/server');
seen.html = renderToString(createElement(OrgSignup, { flow: 'nitro', values: { email: 'a@example.com' } }));
seen.document = typeof document;
seen.registry = typeof customElements;
seen.defined = customElements.get('org-signup') ?? null;
console.log(JSON.stringify(seen));
`;

describe('the built package in plain Node (server rendering)', () => {
  it('is built', () => {
    expect(existsSync(`${ROOT}widget/dist/org-signup.js`), 'npm run build writes widget/dist').toBe(
      true,
    );
  });

  it('imports every entry point without throwing or defining anything', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], {
      cwd: ROOT,
      // Nothing of the test runner's: what a server framework's `node` gets.
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    const seen = JSON.parse(out) as {
      entries: Record<string, Record<string, string>>;
      html: string;
      document: string;
      registry: string;
      defined: null;
    };
    expect(seen.entries).toEqual({
      '@org-signup/widget': { OrgSignup: 'function' },
      '@org-signup/widget/react': { OrgSignup: 'object' },
      '@org-signup/widget/vue': { isCustomElement: 'function' },
    });
    expect(seen.document).toBe('undefined');
    // Lit's shim is there, and the element is not in it.
    expect(seen.registry).toBe('object');
    expect(seen.defined).toBeNull();
    // The server renders the tag; the browser upgrades it and sets its properties.
    expect(seen.html).toMatch(/^<org-signup[^>]*><\/org-signup>$/);
  });
});

describe('the sources in Node', () => {
  it('import without throwing or defining anything, and export the element', async () => {
    expect(typeof document).toBe('undefined');
    const element = await import('./org-signup.ts');
    const react = await import('./react.ts');
    const vue = await import('./vue.ts');
    expect(typeof element.OrgSignup).toBe('function');
    expect(element.OrgSignup.prototype).toBeInstanceOf(LitElement);
    expect(typeof react.OrgSignup).toBe('object');
    expect(vue.isCustomElement('org-signup')).toBe(true);
    expect(vue.isCustomElement('org-signup-x')).toBe(false);
    expect(globalThis.customElements?.get('org-signup')).toBeUndefined();
  });

  it('make no early request where a DOM shim sets `document` without `customElements`', async () => {
    vi.resetModules();
    const global = globalThis as { document?: unknown; customElements?: unknown };
    const registry = global.customElements;
    delete global.customElements;
    global.document = {
      querySelectorAll: () => {
        throw new Error('early-load looked for elements');
      },
    };
    try {
      await expect(import('./early-load.ts')).resolves.toBeDefined();
    } finally {
      delete global.document;
      global.customElements = registry;
    }
  });
});
