/**
 * How a host page steers the widget: locale, veto through `org-signup-submit`, `redirect-url`,
 * the `values` prefill, loading the script twice, and the consent links.
 */
import { BFF_URL, HOST_URL } from './playwright.config.ts';
import { expect, freshInn, test, unique } from './fixtures.ts';

test('speaks Russian with locale="ru", errors included', async ({ widget }) => {
  await widget.open('intellectmoney', { locale: 'ru' });
  await expect(widget.field('ИНН')).toBeVisible();
  await widget.submit();
  expect(await widget.errorOf('Эл. почта')).toBe('Заполните это поле.');
  await expect(
    widget.root.getByRole('alert').filter({ hasText: 'Исправьте отмеченные поля.' }),
  ).toBeVisible();
});

test('follows navigator.languages when no locale is set', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ru-RU' });
  const page = await context.newPage();
  await page.goto(`${HOST_URL}/merchant.html?flow=nitro`);
  await expect(page.locator('org-signup').getByLabel('Название организации')).toBeVisible();
  await context.close();
});

test('a host page can veto the submission', async ({ widget, page }) => {
  const posts: string[] = [];
  page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
  await widget.open('nitro', {}, { veto: '1' });
  const id = unique('veto');
  await widget.fill({
    'E-mail': `${id}@example.com`,
    'Full name': 'Vera Veto',
    Phone: '+44 20 7946 0999',
    'Organisation name': `Veto ${id}`,
    'Company website domain': `${id}.example.com`,
  });
  await widget.submit();
  await expect.poll(() => widget.hostEvents('org-signup-submit')).toHaveLength(1);
  const [submit] = await widget.hostEvents('org-signup-submit');
  expect(submit?.detail).toMatchObject({ flow: 'nitro', fields: { email: `${id}@example.com` } });
  await expect(widget.submitButton).toBeEnabled();
  expect(posts).toEqual([]);
});

test('goes to redirect-url after success', async ({ widget, page }) => {
  await widget.open('intellectmoney', { 'redirect-url': `${HOST_URL}/thanks.html` });
  await widget.fill({
    'E-mail': `${unique('redir')}@example.ru`,
    'Full name': 'Рэд Директ',
    Phone: '+7 920 555-44-33',
    'INN (taxpayer number)': freshInn(),
  });
  await widget.submit();
  await page.waitForURL(`${HOST_URL}/thanks.html`);
  await expect(page.getByRole('heading', { name: 'Thanks for registering' })).toBeVisible();
});

test('ignores a javascript: redirect-url', async ({ widget, page }) => {
  await widget.open('intellectmoney', { 'redirect-url': 'javascript:alert(1)' });
  await widget.fill({
    'E-mail': `${unique('js')}@example.ru`,
    'Full name': 'Джей Эс',
    Phone: '+7 920 555-44-34',
    'INN (taxpayer number)': freshInn(),
  });
  await widget.submit();
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  expect(page.url()).toContain('/merchant.html');
});

test('prefills from the values property and keeps working when the script loads twice', async ({
  widget,
  page,
}) => {
  await widget.open('nitro');
  await page.evaluate(async (bff) => {
    await import(`${bff}/widget/org-signup.js?again`);
    const el = document.querySelector('org-signup')!;
    (el as unknown as { values: Record<string, string> }).values = {
      email: 'pre@example.com',
      name: 'Pre Filled',
    };
  }, BFF_URL);
  await expect(widget.field('E-mail')).toHaveValue('pre@example.com');
  await expect(widget.field('Full name')).toHaveValue('Pre Filled');
});

test('consent links: http(s) only; a javascript: or malformed URL stays plain text', async ({
  widget,
}) => {
  await widget.open('nitro', { 'terms-url': 'javascript:alert(1)', 'privacy-url': 'http://[' });
  const consent = widget.field('I agree to the');
  await expect(consent).toBeVisible();
  await expect(widget.root.locator('.consent a')).toHaveCount(0);
  // The * marks it required, as the other required fields.
  await expect(widget.root.locator('label[for="f-consent"]')).toHaveText(
    'I agree to the terms of service and the privacy policy.*',
  );

  await widget.open('nitro', { 'terms-url': '/terms', 'privacy-url': 'https://shop.example/p' });
  await expect(widget.root.getByRole('link', { name: 'terms of service' })).toHaveAttribute(
    'href',
    `${HOST_URL}/terms`,
  );
  await expect(widget.root.getByRole('link', { name: 'privacy policy' })).toHaveAttribute(
    'href',
    'https://shop.example/p',
  );
});

test('elements already in the page: each descriptor is asked for once, before the element is defined', async ({
  page,
}) => {
  // Before any page script: when the widget defines its element, and when it fetches a descriptor.
  await page.addInitScript(() => {
    const log: string[] = ((window as unknown as { startup: string[] }).startup = []);
    const define = customElements.define.bind(customElements);
    customElements.define = (name, ...rest) => {
      log.push(`define ${name}`);
      define(name, ...rest);
    };
    const fetch = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      log.push(`fetch ${url.pathname}${url.search}`);
      return fetch(input, init);
    };
  });
  const descriptors: string[] = [];
  page.on('request', (r) => r.url().includes('/v1/flows/') && descriptors.push(r.url()));
  await page.goto('/embed.html');
  const element = (i: number) => page.locator('org-signup').nth(i);
  const [english, russian, hectare] = [element(0), element(1), element(2)];
  await expect(english.getByLabel('Organisation name')).toBeVisible();
  await expect(russian.getByLabel('Название организации')).toBeVisible();
  await expect(hectare.getByRole('button', { name: 'Register' })).toBeVisible();

  const startup = await page.evaluate(() => (window as unknown as { startup: string[] }).startup);
  const defined = startup.indexOf('define org-signup');
  const fetched = startup.filter((line) => line.startsWith('fetch /v1/flows/'));
  // Three elements, three requests (each its own form token), all sent before the element
  // existed, none sent again by the elements themselves.
  expect(fetched).toHaveLength(3);
  expect(fetched.every((line) => startup.indexOf(line) < defined)).toBe(true);
  expect(descriptors).toHaveLength(3);
  expect(fetched[1]).toContain('locale=ru');
});

/** Before any page script: each defined element's shadow root, as text, at every change. */
function recordShadowTexts() {
  const start = performance.now();
  const seen: { at: number; text: string }[] = [];
  (window as unknown as { shadowTexts: typeof seen }).shadowTexts = seen;
  const define = customElements.define.bind(customElements);
  customElements.define = (name, ...rest) => {
    define(name, ...rest);
    // Upgraded (and its shadow root attached) inside define, before its first render.
    const root = document.querySelector(name)?.shadowRoot;
    if (!root) return;
    seen.push({ at: performance.now() - start, text: 'defined' });
    new MutationObserver(() =>
      seen.push({ at: performance.now() - start, text: root.textContent ?? '' }),
    ).observe(root, { childList: true, subtree: true, characterData: true });
  };
}

test('elements already in the page show the form first, with no "Loading…" flashed before it', async ({
  page,
}) => {
  await page.addInitScript(recordShadowTexts);
  await page.goto('/embed.html');
  await expect(page.locator('org-signup').first().getByLabel('Organisation name')).toBeVisible();
  const texts = await page.evaluate(
    () => (window as unknown as { shadowTexts: { text: string }[] }).shadowTexts,
  );
  expect(texts[0]?.text).toBe('defined');
  expect(texts.length, 'rendered after it was defined').toBeGreaterThan(1);
  expect(texts.filter((t) => t.text.includes('Loading'))).toEqual([]);
  expect(texts[1]?.text).toContain('Organisation name');
});

test('an element whose descriptor is slow shows "Loading…" after a moment, then the form', async ({
  page,
}) => {
  await page.route('**/v1/flows/nitro?*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await page.addInitScript(recordShadowTexts);
  await page.goto('/embed.html');
  const first = page.locator('org-signup').first();
  await expect(first.getByRole('status')).toHaveText('Loading…');
  await expect(first.getByLabel('Organisation name')).toBeVisible();
  const texts = await page.evaluate(
    () => (window as unknown as { shadowTexts: { at: number; text: string }[] }).shadowTexts,
  );
  const defined = texts.find((t) => t.text === 'defined')!;
  const loading = texts.find((t) => t.text.includes('Loading…'))!;
  // Not at once: a descriptor that comes within the delay is never preceded by "Loading…".
  expect(loading.at - defined.at).toBeGreaterThanOrEqual(250);
});
