/**
 * Leak detection shared by the secret and redaction tests: the forms a leaked value would
 * obviously take, and where in a set of texts any of them shows up.
 */

/**
 * The forms a leaked secret would obviously take. Base64 is taken at all three alignments (a
 * secret inside `Basic base64(id:secret)` starts mid-group), keeping only the characters that
 * depend on the secret's bytes alone.
 */
export function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    secret.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ]);
  for (let shift = 0; shift < 3; shift++) {
    const base64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const whole = Math.floor((shift + bytes.length) / 3) * 4;
    const inner = base64.slice(shift ? 4 : 0, whole);
    if (inner.length >= 8) {
      out.add(inner);
      out.add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...out];
}

export interface Leak {
  secret: string;
  where: string;
}

export function leaksIn(
  texts: { where: string; text: string; allowed?: ReadonlySet<string> }[],
  secrets: Iterable<string>,
): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    const forms = encodingsOf(secret);
    for (const { where, text, allowed } of texts) {
      if (allowed?.has(secret)) continue;
      const form = forms.find((f) => text.includes(f));
      if (form) leaks.push({ secret, where: `${where} (as ${JSON.stringify(form)})` });
    }
  }
  return leaks;
}
