/**
 * No layout shift: a merchant page with text below the widget (e2e/host-server.ts
 * `/layout.html`, on another origin, with a CSP allowing scripts and styles from the BFF only).
 * Embedded by the BFF's snippet (GET /v1/flows/:flow/embed.html), the form is painted before any
 * script and the element takes it over without moving anything: Cumulative Layout Shift ≤ 0.01
 * for every flow, theme and locale, with the descriptor answering at once or 300 ms late. The
 * plain tag's figure is printed for comparison (bench/RESULTS.md), not asserted.
 */
import type { Page, Route } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { BFF_URL, HOST_URL } from './playwright.config.ts';

const FLOWS = ['nitro', 'hectare', 'cloudsuite', 'intellectmoney', 'titelive'];
const THEMES = ['light', 'dark'];
const LOCALES = ['en', 'ru'];
const DELAYS = [0, 300];
const MAX_CLS = 0.01;
/** Tall enough that the text below even the longest form is in view: its shifts count. */
const VIEWPORT = { width: 1000, height: 2000 };

/**
 * Sums the page's layout shifts (as CLS does, leaving out those right after input), records
 * when the widget is ready, and any CSP violation. Installed before the page's own scripts.
 */
function observe(): void {
  const w = window as unknown as {
    cls: number;
    ready: boolean;
    violations: string[];
  };
  w.cls = 0;
  w.ready = false;
  w.violations = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
    })[]) {
      if (!entry.hadRecentInput) w.cls += entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
  document.addEventListener('org-signup-ready', () => (w.ready = true));
  document.addEventListener('securitypolicyviolation', (e) =>
    w.violations.push(`${e.violatedDirective} ${e.blockedURI}`),
  );
}

const layoutUrl = (embed: string, flow: string, locale: string, theme: string) =>
  `${HOST_URL}/layout.html?${new URLSearchParams({ embed, flow, locale, theme })}`;

/** The descriptor (not the snippet, which the host's server fetched) answers `delay` ms late. */
async function delayDescriptor(page: Page, delay: () => number): Promise<void> {
  await page.route(
    (url) => url.origin === BFF_URL && /^\/v1\/flows\/[^/]+$/.test(url.pathname),
    async (route: Route) => {
      const ms = delay();
      if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
      await route.continue();
    },
  );
}

/** Opens the page, waits for the fresh descriptor and two frames, and gives the page's CLS. */
async function clsOf(page: Page, url: string): Promise<{ cls: number; violations: string[] }> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ready: boolean }).ready);
  return page.evaluate(
    () =>
      new Promise<{ cls: number; violations: string[] }>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const w = window as unknown as { cls: number; violations: string[] };
            resolve({ cls: w.cls, violations: w.violations });
          }),
        ),
      ),
  );
}

test.describe('layout shift on a page with text below the widget', () => {
  let page: Page;
  let delay = 0;
  const plain: string[] = [];

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript(observe);
    await delayDescriptor(page, () => delay);
  });
  test.afterAll(async () => {
    console.log(`plain tag (reported, not asserted):\n${plain.join('\n')}`);
    await page.close();
  });

  for (const flow of FLOWS) {
    test(`${flow}: the snippet does not shift the page; the plain tag is measured`, async () => {
      for (const theme of THEMES) {
        for (const locale of LOCALES) {
          for (const ms of DELAYS) {
            delay = ms;
            const snippet = await clsOf(page, layoutUrl('snippet', flow, locale, theme));
            const where = `${flow} ${theme} ${locale} +${ms}ms`;
            expect(snippet.cls, `CLS with the snippet, ${where}`).toBeLessThanOrEqual(MAX_CLS);
            expect(snippet.violations, `CSP violations, ${where}`).toEqual([]);
            const { cls } = await clsOf(page, layoutUrl('plain', flow, locale, theme));
            plain.push(`  ${where}: snippet ${snippet.cls.toFixed(4)}, plain ${cls.toFixed(4)}`);
          }
        }
      }
    });
  }
});

test.describe('the snippet before its script', () => {
  test('with JavaScript off, the form is there: labels, inputs, a button', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(layoutUrl('snippet', 'hectare', 'en', 'light'));
    const widget = page.locator('org-signup');
    for (const label of ['E-mail', 'Organisation name', 'Phone']) {
      await expect(widget.getByLabel(label)).toBeVisible();
    }
    await expect(widget.locator('input[name="email"]')).toBeEditable();
    // Disabled until the element takes over: no submission to the host page's URL.
    await expect(widget.getByRole('button', { name: 'Register' })).toBeDisabled();
    await context.close();
  });

  test('text typed before the script runs survives the upgrade, with the focus', async ({
    page,
  }) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`${BFF_URL}/widget/org-signup.js`, async (route) => {
      await held;
      await route.continue();
    });
    await page.addInitScript(observe);
    await page.goto(layoutUrl('snippet', 'nitro', 'en', 'light'), { waitUntil: 'commit' });
    const email = page.locator('org-signup').getByLabel('E-mail');
    await email.click();
    await page.keyboard.type('ada@');
    await page.locator('org-signup').getByLabel('Organisation name').fill('Acme BV');
    await email.click();
    await page.keyboard.press('End');
    release();
    await page.waitForFunction(() => (window as unknown as { ready: boolean }).ready);
    await page.keyboard.type('example.com');
    await expect(email).toHaveValue('ada@example.com');
    await expect(page.locator('org-signup').getByLabel('Organisation name')).toHaveValue('Acme BV');
    // The element's own form now: its submit button is enabled.
    await expect(
      page.locator('org-signup').getByRole('button', { name: 'Register' }),
    ).toBeEnabled();
  });
});

test('the demo page shows and copies each flow’s embed code', async ({ page }) => {
  await page.goto(`${BFF_URL}/?theme=dark`);
  const section = page.locator('section', { has: page.locator('#h-hectare') });
  await section.getByRole('button', { name: 'Copy embed code' }).click();
  const code = section.locator('.embed-code');
  await expect(code).toBeVisible();
  // With the optional fields the demo's element shows.
  await expect(code).toContainText('<org-signup flow="hectare" locale="en" theme="dark" fields="');
  await expect(code).toContainText('name="companyNumber"');
  await expect(code).toContainText(`integrity="sha384-`);
});

test('the plain tag reserves the height its flow had, until the form renders', async ({ page }) => {
  let delay = 0;
  await page.addInitScript(observe);
  await delayDescriptor(page, () => delay);
  const url = layoutUrl('plain', 'cloudsuite', 'en', 'light');
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ready: boolean }).ready);
  const widget = page.locator('org-signup');
  const height = await widget.evaluate((el) => el.getBoundingClientRect().height);
  expect(await page.evaluate(() => localStorage.getItem('org-signup:cloudsuite'))).toBe(
    `${height}px`,
  );
  // Loaded again with a slow descriptor: the element is as tall as the form before it renders.
  delay = 1_500;
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('org-signup'));
  expect(await widget.evaluate((el) => el.getBoundingClientRect().height)).toBe(height);
  await expect(widget.getByRole('button', { name: 'Register' })).toHaveCount(0);
  await page.waitForFunction(() => (window as unknown as { ready: boolean }).ready);
  expect(await widget.evaluate((el) => el.style.minHeight)).toBe('');
});
