/**
 * Prints the built widget's size (raw, gzip -9, brotli) and its Subresource Integrity hash.
 * `npm run size` after `npm run build`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const path = new URL('../dist/widget/org-signup.js', import.meta.url);
let file: Buffer;
try {
  file = readFileSync(path);
} catch {
  console.error('dist/widget/org-signup.js is missing: run `npm run build` first');
  process.exit(1);
}
const gzip = gzipSync(file, { level: 9 }).length;
const brotli = brotliCompressSync(file).length;
const sri = `sha384-${createHash('sha384').update(file).digest('base64')}`;
console.log(`dist/widget/org-signup.js  raw ${file.length} B  gzip ${gzip} B  brotli ${brotli} B`);
console.log(`integrity="${sri}"`);
