/**
 * Origin patterns for a flow's `allowedOrigins`: exact origins (`https://shop.example.com`),
 * subdomain wildcards (`https://*.example.com`, which does not match the bare domain) and port
 * wildcards (`http://localhost:*`). Hand-written because the matching is ours to define and the
 * `cors` package would still need it; the CORS headers themselves are a few lines (web/cors.ts).
 */

const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?$/;

interface ParsedPattern {
  scheme: string;
  anySubdomain: boolean;
  host: string;
  /** '' = the scheme's default port, '*' = any port. */
  port: string;
}

function parse(pattern: string): ParsedPattern | undefined {
  const m = PATTERN.exec(pattern.toLowerCase());
  if (!m) return undefined;
  const [, scheme = '', star, host = '', port = ''] = m;
  const defaultPort = scheme === 'https' ? '443' : '80';
  if (port !== '' && port !== '*' && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return { scheme, anySubdomain: Boolean(star), host, port: port === defaultPort ? '' : port };
}

export function isOriginPattern(pattern: string): boolean {
  return parse(pattern) !== undefined;
}

/** A predicate over `Origin` header values for a list of patterns. */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const parsed = patterns.map(parse).filter((p): p is ParsedPattern => p !== undefined);
  return (origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
    const scheme = url.protocol.slice(0, -1);
    const host = url.hostname;
    return parsed.some(
      (p) =>
        p.scheme === scheme &&
        (p.port === '*' || p.port === url.port) &&
        (p.anySubdomain ? host.endsWith(`.${p.host}`) && !host.startsWith('.') : host === p.host),
    );
  };
}
