// Compiles the BFF for production: one ES module bundle per entry point in dist/server/ (the
// server, the admin CLI), the sandbox in a chunk of its own that only a config using it loads.
// npm packages stay outside the bundle (better-sqlite3 is native; all are in node_modules).
// No tsx at run time: `node dist/server/main.js`.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'server/main.ts', cli: 'server/admin/cli.ts' },
  outdir: 'dist/server',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
