/**
 * The package's type declarations (widget/dist/*.d.ts), beside its modules (widget/vite.config.ts).
 * tsc declares the sources; the element's declarations are then bundled into one file that
 * imports only `lit` (the shared types it uses inlined, and nothing of the server's zod), and
 * ./react and ./vue import the element's types from it, so that the element is one class type
 * whichever entry a type came from.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDtsBundle } from 'dts-bundle-generator';
import { ROOT } from './widget-vite.ts';

const emitted = join(ROOT, 'dist/widget-types');
const out = join(ROOT, 'widget/dist');

rmSync(emitted, { recursive: true, force: true });
execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.widget.json')], {
  stdio: 'inherit',
});
mkdirSync(out, { recursive: true });

const [element] = generateDtsBundle(
  [
    {
      filePath: join(emitted, 'widget/org-signup.d.ts'),
      output: { noBanner: true, inlineDeclareGlobals: true, exportReferencedTypes: false },
    },
  ],
  { preferredConfigPath: join(ROOT, 'tsconfig.widget.json') },
);
writeFileSync(join(out, 'org-signup.d.ts'), element ?? '');

for (const entry of ['react', 'vue']) {
  const text = readFileSync(join(emitted, `widget/${entry}.d.ts`), 'utf8').replaceAll(
    "from './org-signup.ts'",
    "from './org-signup.js'",
  );
  const relative = [...text.matchAll(/from '(\.[^']*)'/g)]
    .map((m) => m[1])
    .filter((path) => path !== './org-signup.js');
  if (relative.length) {
    throw new Error(
      `widget/${entry}.ts: its types import ${relative.join(', ')}, not in the package`,
    );
  }
  writeFileSync(join(out, `${entry}.d.ts`), text);
}
rmSync(emitted, { recursive: true, force: true });
for (const file of ['org-signup.d.ts', 'react.d.ts', 'vue.d.ts']) {
  const imports = [...readFileSync(join(out, file), 'utf8').matchAll(/from '([^']*)'/g)].map(
    (m) => m[1],
  );
  console.log(`widget/dist/${file}: imports ${[...new Set(imports)].join(', ') || 'nothing'}`);
}
