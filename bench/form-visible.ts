/**
 * Navigation to form visible, in Chromium: the embed snippet (the form server-rendered, then
 * taken over by the element), the plain tag (the form once the script and the descriptor are
 * in), and the minimal Lit element (bench/minimal-element.ts: a script, no fetch). Each page
 * notes the first animation frame (before its paint) in which its form's first input has a
 * size, in ms since navigation start. Scripts and the stylesheet come from the page's own
 * server; org-signup fetches its descriptor from the BFF, as it must.
 *
 * Part of `npm run bench` (bench/index.ts); on its own, against a BFF already running:
 *   node --import tsx bench/form-visible.ts http://localhost:8080 [rounds]
 * (after `npm run build`; it prints the table, RESULTS.md is left alone).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM } from '../e2e/playwright.config.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGES = ['snippet', 'plain', 'minimal'] as const;
type PageName = (typeof PAGES)[number];

/** In each page's head: polls every frame until the form's first input is laid out. */
const WATCH = `<script>(function poll() {
  const el = document.querySelector('org-signup, minimal-form');
  const input = el && el.shadowRoot && el.shadowRoot.querySelector('input');
  if (input && input.offsetHeight) window.done = performance.now();
  else requestAnimationFrame(poll);
})();</script>`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** The minimal Lit element, built as the bench's yardstick. */
export async function buildMinimal(outDir: string): Promise<Buffer> {
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir,
      lib: {
        entry: join(ROOT, 'bench/minimal-element.ts'),
        formats: ['es'],
        fileName: () => 'minimal.js',
      },
      rolldownOptions: { output: { minify: true } },
    },
  });
  return readFileSync(join(outDir, 'minimal.js'));
}

/** Median ms from navigation to the form visible, per page, over `rounds` loads of each. */
export async function formVisible(
  browser: Browser,
  bffUrl: string,
  minimalFile: Buffer,
  rounds: number,
): Promise<Record<PageName, number>> {
  const res = await fetch(`${bffUrl}/v1/flows/nitro/embed.html?locale=en`);
  if (!res.ok) throw new Error(`embed.html: HTTP ${res.status}`);
  // Served by this page's server like the other pages' scripts; the descriptor from the BFF.
  const snippet = (await res.text())
    .replace(/"[^"]*\/widget\/org-signup\.js[^"]*"/, '"/org-signup.js"')
    .replace(/"[^"]*\/widget\/org-signup\.css[^"]*"/, '"/org-signup.css"')
    .replace('<org-signup ', `<org-signup endpoint="${bffUrl}" `);
  const page = (body: string) =>
    `<!doctype html><meta charset=utf-8><title>form visible</title>${WATCH}<h1>A merchant</h1>${body}<p>Text below.</p>`;
  const files: Record<string, string> = {
    '/org-signup.js': readFileSync(join(ROOT, 'dist/widget/org-signup.js'), 'utf8'),
    '/org-signup.css': readFileSync(join(ROOT, 'dist/widget/org-signup.css'), 'utf8'),
    '/minimal.js': minimalFile.toString(),
    '/snippet.html': page(snippet),
    '/plain.html': page(
      `<script type=module src=/org-signup.js></script><org-signup flow="nitro" locale="en" endpoint="${bffUrl}"></org-signup>`,
    ),
    '/minimal.html': page(
      '<script type=module src=/minimal.js></script><minimal-form></minimal-form>',
    ),
  };
  const types: Record<string, string> = {
    js: 'text/javascript',
    css: 'text/css',
    html: 'text/html',
  };
  const server = createServer((req, answer) => {
    const body = files[req.url ?? ''];
    if (body === undefined) return void answer.writeHead(404).end();
    answer.writeHead(200, { 'content-type': types[req.url!.split('.').pop()!]! }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const at = `http://localhost:${(server.address() as { port: number }).port}`;
  const times: Record<PageName, number[]> = { snippet: [], plain: [], minimal: [] };
  for (let i = 0; i < rounds; i += 1) {
    // A different page first in each round: the load after another page's close is slower.
    const order = [...PAGES.slice(i % 3), ...PAGES.slice(0, i % 3)];
    for (const name of order) {
      const tab = await browser.newPage();
      await tab.goto(`${at}/${name}.html`);
      await tab.waitForFunction(() => (window as unknown as { done?: number }).done !== undefined);
      times[name].push(await tab.evaluate(() => (window as unknown as { done: number }).done));
      await tab.close();
    }
  }
  server.close();
  return {
    snippet: median(times.snippet),
    plain: median(times.plain),
    minimal: median(times.minimal),
  };
}

/** The table's rows: the medians, and each to the minimal element's. */
export function formVisibleRows(result: Record<PageName, number>): string[][] {
  return [
    ['', 'embed snippet', 'plain tag', 'minimal Lit element'],
    [
      'navigation to form visible, median ms',
      result.snippet.toFixed(1),
      result.plain.toFixed(1),
      result.minimal.toFixed(1),
    ],
    [
      'ratio to the minimal Lit element',
      (result.snippet / result.minimal).toFixed(2),
      (result.plain / result.minimal).toFixed(2),
      '1.00',
    ],
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [bffUrl = 'http://localhost:8080', rounds = '15'] = process.argv.slice(2);
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const minimal = await buildMinimal(mkdtempSync(join(tmpdir(), 'org-signup-minimal-')));
  const browser = await chromium.launch(CHROMIUM);
  const rows = formVisibleRows(await formVisible(browser, bffUrl, minimal, Number(rounds)));
  await browser.close();
  console.log(rows.map((r) => `| ${r.join(' | ')} |`).join('\n'));
}
