/**
 * The widget's size: raw, gzip -9 (the budgeted figure), brotli, and its Subresource Integrity
 * hash. `npm run size` prints them; `--check` fails when the gzip size is over the budget or
 * differs from the one recorded in widget-size.json (an unexplained change); `--update`
 * records the current size (commit it with the change that explains it). `--check` also fails
 * when the file does not begin with V8's compile hint.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { COMPILE_HINT } from './compile-hint.ts';

// The element file's contract: at most 16 KiB gzip -9.
const BUDGET_GZIP_BYTES = 16_384;
const bundle = new URL('../dist/widget/org-signup.js', import.meta.url);
const record = new URL('../widget-size.json', import.meta.url);

let file: Buffer;
try {
  file = readFileSync(bundle);
} catch {
  console.error('dist/widget/org-signup.js is missing: run `npm run build` first');
  process.exit(1);
}
const gzip = gzipSync(file, { level: 9 }).length;
const brotli = brotliCompressSync(file).length;
const integrity = `sha384-${createHash('sha384').update(file).digest('base64')}`;
console.log(
  `dist/widget/org-signup.js  raw ${file.length} B  gzip ${gzip} B  brotli ${brotli} B  (budget ${BUDGET_GZIP_BYTES} B gzip)`,
);
console.log(`integrity="${integrity}"`);

const mode = process.argv[2];
if (mode === '--update') {
  writeFileSync(record, `${JSON.stringify({ gzip, raw: file.length, brotli }, null, 2)}\n`);
  console.log('recorded in widget-size.json');
} else if (mode === '--check') {
  const recorded = JSON.parse(readFileSync(record, 'utf8')) as { gzip: number };
  if (!file.toString('utf8', 0, COMPILE_HINT.length + 1).startsWith(`${COMPILE_HINT}\n`)) {
    console.error(`size check: the first line is not the compile hint ${COMPILE_HINT}`);
    process.exit(1);
  }
  if (gzip > BUDGET_GZIP_BYTES) {
    console.error(`size check: ${gzip} B gzip is over the ${BUDGET_GZIP_BYTES} B budget`);
    process.exit(1);
  }
  if (gzip !== recorded.gzip) {
    console.error(
      `size check: the widget is ${gzip} B gzip, widget-size.json says ${recorded.gzip} B (${gzip - recorded.gzip > 0 ? '+' : ''}${gzip - recorded.gzip}). If the change is meant, run \`npm run size -- --update\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(
    `size check: ${gzip} B gzip, as recorded, ${BUDGET_GZIP_BYTES - gzip} B under budget`,
  );
}
