/** Links the host page passes in (terms, privacy policy, redirect): followed only when http(s). */

/** `href` resolved against `base` (the page) if it is an http(s) URL (never `javascript:`). */
export function httpUrl(href: string | undefined, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
