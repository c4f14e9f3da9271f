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

/**
 * `/layout.html?flow=…&locale=…&theme=…&embed=snippet|plain`: a merchant page with text above
 * and below the widget, embedding it by the BFF's snippet (fetched server-side, as a CMS or a
 * server-rendered page includes it) or by the plain tag. Its CSP allows scripts and styles from
 * the BFF only: no 'unsafe-inline' (e2e/layout-shift.e2e.ts).
 */
async function layoutPage(url: URL, res: ServerResponse): Promise<void> {
  const q = url.searchParams;
  const [flow, locale, theme] = ['flow', 'locale', 'theme'].map((k) => q.get(k) ?? '') as [
    string,
    string,
    string,
  ];
  const query = new URLSearchParams({ locale, theme });
  const widget =
    q.get('embed') === 'snippet'
      ? await (
          await fetch(`${bff}/v1/flows/${encodeURIComponent(flow)}/embed.html?${query}`)
        ).text()
      : `<script type="module" src="${bff}/widget/org-signup.js"></script>
<org-signup flow="${encodeURIComponent(flow)}" locale="${locale}" theme="${theme}"></org-signup>`;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; script-src ${bff}; style-src ${bff}; connect-src ${bff}`,
  });
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A merchant's page, text below the widget</title></head>
<body>
<h1>Acme Wholesale: open a business account</h1>
<p>Fill in the form to open an account. It takes a minute.</p>
${widget}
<p id="below">Text below the widget: our terms, our phone number, what happens next. ${'Words that move when the widget grows. '.repeat(20)}</p>
</body>
</html>`);
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/layout.html') {
    return layoutPage(url, res).catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  }
  const path = normalize(url.pathname).replace(/^(\.\.[/\\])+/, '');
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
