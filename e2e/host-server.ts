/**
 * A merchant's page on another origin: serves e2e/host/ with the BFF's URL filled in, so the
 * widget is embedded cross-origin exactly as on a real merchant site.
 * HOST_PORT (default 8182), BFF_URL (default http://localhost:8181).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./host/', import.meta.url));
const port = Number(process.env['HOST_PORT'] || 8182);
const bff = process.env['BFF_URL'] || 'http://localhost:8181';
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
};

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
  try {
    const body = (
      await readFile(join(root, path === '/' ? 'merchant.html' : path), 'utf8')
    ).replaceAll('{{BFF}}', bff);
    res.writeHead(200, {
      'content-type': types[extname(path)] ?? 'text/html; charset=utf-8',
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
