/**
 * Where the project's files are, whether the server runs from its TypeScript sources (tsx) or
 * from the compiled bundle in dist/server/: found from the directory that holds package.json,
 * not from this module's own place, which differs between the two.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the server: a broken install');
    dir = up;
  }
  return dir;
}

export const ROOT = projectRoot();
/** The built widget (`npm run build`). */
export const WIDGET_DIR = join(ROOT, 'dist/widget');
/** The demo page's own files. */
export const PUBLIC_DIR = join(ROOT, 'server/web/public');
/** The bundled demo configuration: every flow on the sandbox. */
export const DEMO_CONFIG_PATH = join(ROOT, 'server/config/demo.json');
export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
