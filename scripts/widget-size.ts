/**
 * The widget's sizes and its Subresource Integrity hash. The CDN file (dist/widget/org-signup.js,
 * Lit inside): raw, gzip -9 (the budgeted figure), brotli, and the hash the build wrote beside it
 * (org-signup.js.sri). The package's modules (widget/dist, Lit outside): gzip -9 of each entry
 * point on its own.
 *
 * `npm run size` prints them. `--check` fails when the CDN file is over the budget, when a size
 * differs from the one recorded in widget-size.json (an unexplained change), when the file does
 * not begin with V8's compile hint, or when docs/embedding.md quotes another integrity hash than
 * the built file's. `--write` (or `--update`) records the sizes and puts the hash in the docs:
 * commit both with the change that explains them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { COMPILE_HINT } from './compile-hint.ts';

// The element file's contract: at most 16 KiB gzip -9.
const BUDGET_GZIP_BYTES = 16_384;
const bundle = new URL('../dist/widget/org-signup.js', import.meta.url);
const sri = new URL('../dist/widget/org-signup.js.sri', import.meta.url);
const record = new URL('../widget-size.json', import.meta.url);
const docs = new URL('../docs/embedding.md', import.meta.url);
/** The package's entry points, as `exports` names them. */
const ENTRIES = { '.': 'org-signup.js', './react': 'react.js', './vue': 'vue.js' } as const;
const HASH = /sha384-(?:[A-Za-z0-9+/]+=*|…)/g;

interface Sizes {
  gzip: number;
  raw: number;
  brotli: number;
  /** gzip -9 of each of the package's modules, by file. */
  package: Record<string, number>;
}

function read(url: URL, build: string): Buffer {
  try {
    return readFileSync(url);
  } catch {
    console.error(
      `${url.pathname.replace(/.*\/(dist|widget)\//, '$1/')} is missing: run \`${build}\` first`,
    );
    process.exit(1);
  }
}

const file = read(bundle, 'npm run build');
const gzip9 = (data: Buffer) => gzipSync(data, { level: 9 }).length;
const sizes: Sizes = {
  gzip: gzip9(file),
  raw: file.length,
  brotli: brotliCompressSync(file).length,
  package: Object.fromEntries(
    Object.values(ENTRIES).map((name) => [
      name,
      gzip9(read(new URL(`../widget/dist/${name}`, import.meta.url), 'npm run build')),
    ]),
  ),
};
const integrity = `sha384-${createHash('sha384').update(file).digest('base64')}`;
console.log(
  `dist/widget/org-signup.js  raw ${sizes.raw} B  gzip ${sizes.gzip} B  brotli ${sizes.brotli} B  (budget ${BUDGET_GZIP_BYTES} B gzip)`,
);
console.log(`integrity="${integrity}"`);
for (const [entry, name] of Object.entries(ENTRIES)) {
  console.log(
    `@org-signup/widget${entry === '.' ? '' : entry.slice(1)}  widget/dist/${name}  gzip ${sizes.package[name]} B (Lit not included)`,
  );
}

const fail = (message: string): never => {
  console.error(`size check: ${message}`);
  process.exit(1);
};

const mode = process.argv[2];
if (mode === '--write' || mode === '--update') {
  writeFileSync(record, `${JSON.stringify(sizes, null, 2)}\n`);
  writeFileSync(docs, readFileSync(docs, 'utf8').replaceAll(HASH, integrity));
  console.log('recorded in widget-size.json; docs/embedding.md quotes the integrity hash');
} else if (mode === '--check') {
  const recorded = JSON.parse(readFileSync(record, 'utf8')) as Partial<Sizes>;
  if (!file.toString('utf8', 0, COMPILE_HINT.length + 1).startsWith(`${COMPILE_HINT}\n`)) {
    fail(`the first line is not the compile hint ${COMPILE_HINT}`);
  }
  if (sizes.gzip > BUDGET_GZIP_BYTES) {
    fail(`${sizes.gzip} B gzip is over the ${BUDGET_GZIP_BYTES} B budget`);
  }
  const meant = 'If the change is meant, run `npm run size -- --write` and commit it.';
  if (sizes.gzip !== recorded.gzip) {
    const delta = sizes.gzip - (recorded.gzip ?? 0);
    fail(
      `the widget is ${sizes.gzip} B gzip, widget-size.json says ${recorded.gzip} B (${delta > 0 ? '+' : ''}${delta}). ${meant}`,
    );
  }
  for (const [name, gzip] of Object.entries(sizes.package)) {
    if (gzip !== recorded.package?.[name]) {
      fail(
        `widget/dist/${name} is ${gzip} B gzip, widget-size.json says ${recorded.package?.[name]} B. ${meant}`,
      );
    }
  }
  const written = readFileSync(sri, 'utf8').trim();
  if (written !== integrity)
    fail(`dist/widget/org-signup.js.sri says ${written}, the file hashes to ${integrity}`);
  const quoted = readFileSync(docs, 'utf8').match(HASH) ?? [];
  if (!quoted.length) fail('docs/embedding.md quotes no integrity hash');
  const stale = quoted.filter((hash) => hash !== integrity);
  if (stale.length) {
    fail(
      `docs/embedding.md quotes ${stale.join(', ')}, the built file's is ${integrity}. ${meant}`,
    );
  }
  console.log(
    `size check: ${sizes.gzip} B gzip, as recorded, ${BUDGET_GZIP_BYTES - sizes.gzip} B under budget; docs/embedding.md quotes the built file's integrity hash`,
  );
}
