/**
 * A merchant's site on another origin: serves e2e/host/ (plain pages embedding the widget's CDN
 * file from the BFF), and the built React and Vue apps (e2e/hosts/*, e2e/global-setup.ts builds
 * them) under /react/ and /vue/, with the BFF's URL filled in, so the widget is embedded
 * cross-origin exactly as on a real merchant site.
 * HOST_PORT (default 8182), BFF_URL (default http://localhost:8181).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const port = Number(process.env['HOST_PORT'] || 8182);
const bff = process.env['BFF_URL'] || 'http://localhost:8181';
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** The file a path names: a page of e2e/host/, or a file of a built app. */
function fileOf(path: string): string {
  const app = /^\/(react|vue)\/(.*)$/.exec(path);
  if (app) return join(here(`./hosts/${app[1]}/dist/`), app[2] || 'index.html');
  return join(here('./host/'), path === '/' ? 'merchant.html' : path);
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
  const file = fileOf(path);
  try {
    const body = (await readFile(file, 'utf8')).replaceAll('{{BFF}}', bff);
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'text/html; charset=utf-8',
      // The strict policy docs/embedding.md promises is enough: no 'unsafe-inline', no 'unsafe-eval'.
      'content-security-policy': `default-src 'self'; script-src 'self' ${bff}; connect-src ${bff}`,
    });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

createServer((req, res) => void serve(req, res)).listen(port, () =>
  console.log(`merchant host on http://localhost:${port}, widget from ${bff}`),
);
