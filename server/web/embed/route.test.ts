/**
 * `GET /v1/flows/:flow/embed.html` over real HTTP: the fragment (the script tag with the built
 * file's integrity hash, the form as a declarative shadow root, the descriptor without a form
 * token), its cache validators, its refusals, and origins handled as for the descriptor.
 * Needs `npm run build` (the widget file and the form template), as widget/ssr.test.ts does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDescriptor } from '../../../shared/api.ts';
import { WIDGET_DIR } from '../../paths.ts';
import { ORIGIN, startBff, type Bff } from '../../test/harness.ts';

let bff: Bff;
beforeAll(async () => {
  bff = await startBff();
});
afterAll(() => bff.close());

const embed = (query: string, headers: Record<string, string> = {}, flow = 'nitro') =>
  bff.fetch('GET', `/v1/flows/${flow}/embed.html${query}`, { headers });

/** The descriptor the snippet embeds for the element's first render. */
const embedded = (html: string): FlowDescriptor =>
  JSON.parse(/<script type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');

describe('GET /v1/flows/:flow/embed.html', () => {
  it('answers the script tag with its integrity hash and the form in a shadow root', async () => {
    const res = await embed('?locale=ru&theme=dark');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const sri = readFileSync(join(WIDGET_DIR, 'org-signup.js.sri'), 'utf8').trim();
    // Versioned URLs: a day-old cached file would fail the integrity check.
    const release = /org-signup\.js\?v=([\w-]{12})"/.exec(res.text)?.[1];
    expect(res.text).toContain(
      `<script type="module" src="${bff.url}/widget/org-signup.js?v=${release}" integrity="${sri}" crossorigin="anonymous"></script>`,
    );
    expect(res.text).toContain(
      '<org-signup flow="nitro" locale="ru" theme="dark"><template shadowrootmode="open">',
    );
    expect(res.text).toContain(
      `<link rel="stylesheet" href="${bff.url}/widget/org-signup.css?v=${release}">`,
    );
    // The form, in Russian, with every visible field by its canonical name and a label for it.
    for (const name of ['email', 'name', 'phone', 'organisationName', 'domain']) {
      expect(res.text).toMatch(new RegExp(`<label part="label" for="f-${name}">`));
      expect(res.text).toMatch(new RegExp(`<input [^>]*name="${name}"`));
    }
    expect(res.text).toContain('Зарегистрироваться');
    // Disabled until the element takes over; no hydration markers, no ticked boxes.
    expect(res.text).toMatch(/<button part="submit" type="submit" disabled/);
    expect(res.text).not.toMatch(/lit-part|lit-node|checked="false"/);
    // No inline style or script the host page's CSP would have to allow.
    expect(res.text).not.toMatch(/ style=|<style|<script(?! type="(module|application\/json)")/);
  });

  it('embeds the descriptor without any form token (the snippet is shared)', async () => {
    const { text } = await embed('?locale=en');
    const descriptor = embedded(text);
    expect(descriptor).toMatchObject({ id: 'nitro', locale: 'en' });
    expect(descriptor.bot.formToken).toBe('');
    expect(descriptor.strings['form.submit']).toBe('Register');
    const live = await bff.fetch<FlowDescriptor>('GET', '/v1/flows/nitro?locale=en');
    expect(descriptor.fields).toEqual(live.body.fields);
    expect(live.body.bot.formToken).not.toBe('');
  });

  it('is cacheable: an ETag per content, 304 when it matches, a short max-age', async () => {
    const first = await embed('?locale=en&theme=light');
    const etag = first.headers['etag'] ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=3600');
    const again = await embed('?locale=en&theme=light', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const other = await embed('?locale=en&theme=dark', { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers['etag']).not.toBe(etag);
    expect((await embed('?locale=ru&theme=light')).headers['etag']).not.toBe(etag);
  });

  it('defaults to the flow’s first locale and the light theme; takes ru-RU as ru', async () => {
    expect((await embed('')).text).toContain('locale="en" theme="light"');
    expect((await embed('?locale=ru-RU')).text).toContain('locale="ru"');
  });

  it('shows the optional fields asked for, as the fields attribute does', async () => {
    const plain = await embed('', {}, 'hectare');
    expect(plain.text).not.toContain('name="companyNumber"');
    const res = await embed('?fields=companyNumber', {}, 'hectare');
    expect(res.text).toContain(
      '<org-signup flow="hectare" locale="en" theme="light" fields="companyNumber">',
    );
    expect(res.text).toMatch(/<input [^>]*name="companyNumber"/);
    expect(res.headers['etag']).not.toBe(plain.headers['etag']);
    for (const query of ['?fields=email', '?fields=bogus', '?fields=companyNumber,x']) {
      expect((await embed(query, {}, 'hectare')).status, query).toBe(400);
    }
  });

  it('refuses an unknown flow (404), a locale or theme it has not (400)', async () => {
    expect((await embed('', {}, 'nope')).status).toBe(404);
    for (const query of ['?locale=xx', '?theme=pink', '?theme=light&theme=dark', '?locale=']) {
      const res = await embed(query);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ code: 'bad_request' });
    }
  });

  it('handles origins as the descriptor does', async () => {
    const allowed = await embed('', { origin: ORIGIN });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers['vary']).toContain('Origin');
    const refused = await embed('', { origin: 'https://evil.example' });
    const descriptor = await bff.fetch('GET', '/v1/flows/nitro', {
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect(descriptor.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'origin_not_allowed' });
  });
});
