/**
 * The documentation's screenshots, of the widget element only, into docs/screenshots/: the empty
 * form (light and dark), the errors of an empty submit, hectare's code step, a long wait, a queued
 * registration and cloudsuite's form filled in from the VAT registry. A fixed viewport and fixed
 * values (no unique ids, no times in view), so an image changes only when the widget does. Each
 * test first asserts that the widget is in the state the image is meant to show.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, sandbox, sharedPage, test, type SignupWidget } from './fixtures.ts';

const DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const shared = sharedPage({ viewport: { width: 480, height: 900 }, deviceScaleFactor: 1 });
let page: Page;
let widget: SignupWidget;

test.beforeEach(() => {
  ({ page, widget } = shared);
});

const NITRO_LABELS = [
  'E-mail',
  'Full name',
  'Phone',
  'Organisation name',
  'Company website domain',
];

async function shoot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  const png = await widget.root.screenshot({
    path: `${DIR}${name}`,
    animations: 'disabled',
    caret: 'hide',
  });
  // A PNG of the element, as wide as the element (480 px page, 8 px body margins).
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.readUInt32BE(16), `${name}: width`).toBe(464);
}

async function expectEmptyNitroForm(): Promise<void> {
  for (const label of NITRO_LABELS) {
    await expect(widget.field(label)).toBeVisible();
    await expect(widget.field(label)).toHaveValue('');
  }
  await expect(widget.submitButton).toBeEnabled();
  await expect(widget.root.locator('[aria-invalid="true"]')).toHaveCount(0);
}

test('light.png: nitro, the empty form, light theme', async () => {
  await widget.open('nitro', { theme: 'light', locale: 'en' });
  await expectEmptyNitroForm();
  await expect(widget.root).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await shoot('light.png');
});

test('dark.png: nitro, the empty form, dark theme on a dark page', async () => {
  await widget.open('nitro', { theme: 'dark', locale: 'en' });
  // The merchant page has no dark mode of its own: give it a dark background, as a dark site.
  await page.evaluate(() => {
    document.documentElement.style.colorScheme = 'dark';
    document.body.style.background = '#0f1115';
  });
  await expectEmptyNitroForm();
  await expect(widget.root).toHaveCSS('background-color', 'rgb(22, 24, 29)');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 17, 21)');
  await shoot('dark.png');
});

test('errors.png: nitro after an empty submit', async () => {
  await widget.open('nitro', { theme: 'light', locale: 'en' });
  await widget.submit();
  await expect(
    widget.root.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' }),
  ).toBeVisible();
  for (const label of NITRO_LABELS) {
    expect(await widget.errorOf(label)).toBe('Please fill in this field.');
  }
  await expect(widget.field('E-mail')).toBeFocused();
  // Blur it: the focus ring reaches past the element's box, and the shot would cut it off.
  await widget.field('E-mail').blur();
  await expect(widget.field('E-mail')).toHaveAttribute('aria-invalid', 'true');
  await shoot('errors.png');
});

test('code-step.png: hectare, the six-digit code step', async () => {
  // Fixed values, so the text in view is the same on every run (each e2e run starts with a
  // fresh sandbox; the provider refuses an e-mail or company number it has seen).
  const email = 'harriet.field@example.co.uk';
  await widget.open('hectare', { theme: 'light', locale: 'en', fields: 'companyNumber' });
  await widget.fill({
    'E-mail': email,
    'First name': 'Harriet',
    'Last name': 'Field',
    Phone: '+44 20 7946 0123',
    'Organisation name': 'Field Farms Ltd',
    'Company registration number': '09876543',
  });
  await widget.field('Country').selectOption('GB');
  await widget.submit();
  const heading = widget.root.getByRole('heading', { name: 'Enter your confirmation code' });
  await expect(heading).toBeFocused({ timeout: 15_000 });
  await expect(widget.root.getByText(`We sent a six-digit code to ${email}.`)).toBeVisible();
  await expect(widget.root.getByRole('button', { name: 'Change e-mail' })).toBeVisible();
  await expect(widget.field('Confirmation code')).toHaveValue('');
  await expect(widget.root.getByRole('button', { name: 'Send a new code' })).toBeEnabled();
  // Blur the heading: its focus ring depends on how the step was reached, not on the widget.
  await heading.blur();
  await shoot('code-step.png');
});

test('slow.png: nitro, still working after 3 s (the bar as reduced motion shows it)', async () => {
  // Still, so that the image does not depend on when it is taken.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await widget.open('nitro', { theme: 'light', locale: 'en' });
  await widget.fill({
    'E-mail': 'ada.lovelace@example.com',
    'Full name': 'Ada Lovelace',
    Phone: '+44 20 7946 0001',
    'Organisation name': 'Analytical Engines Ltd',
    'Company website domain': 'analytical-engines.example',
  });
  await sandbox.faults('nitro', { latencyMs: 8_000 });
  try {
    await widget.submit();
    await expect(widget.root.getByRole('status')).toHaveText('Still working…', { timeout: 5_000 });
    await expect(widget.root.locator('button.slow')).toHaveText('Still working…');
    await shoot('slow.png');
  } finally {
    await sandbox.faults('nitro', { latencyMs: 0 });
    await page.emulateMedia({ reducedMotion: null });
  }
});

test('queued.png: cloudsuite, a registration queued while the provider is down', async () => {
  const email = 'sanne.devries@example.nl';
  await widget.open('cloudsuite', { theme: 'light', locale: 'en' });
  await widget.fill({
    'First name': 'Sanne',
    'Last name': 'de Vries',
    'E-mail': email,
    'Organisation name': 'Boekhandel de Vries',
    Street: 'Elzenkade',
    'House number': '1a',
    Postcode: '3992 AD',
    City: 'Houten',
  });
  await widget.field('Country').selectOption('NL');
  await sandbox.faults('cloudsuite', { failRate: 1 });
  try {
    await widget.submit();
    const heading = widget.root.getByRole('heading', { name: 'Request received' });
    await expect(heading).toBeFocused({ timeout: 15_000 });
    await expect(widget.root.getByText(`will go to ${email}.`)).toBeVisible();
    await heading.blur();
    await shoot('queued.png');
  } finally {
    await sandbox.faults('cloudsuite', { failRate: 0 });
  }
});

test('autofill.png: cloudsuite, the organisation filled in from its VAT number', async () => {
  await widget.open('cloudsuite', { theme: 'light', locale: 'en', fields: 'vat' });
  await widget.fill({
    'First name': 'Sanne',
    'Last name': 'de Vries',
    'E-mail': 'sanne.devries@example.nl',
    'VAT number (optional)': 'NL822898044B01',
  });
  await expect(widget.root.getByText(/^Found: CLOUDSUITE DEMO B\.V\./)).toBeVisible();
  await expect(widget.field('Organisation name')).toHaveValue('CLOUDSUITE DEMO B.V.');
  await expect(widget.field('Country')).toHaveValue('NL');
  await widget.field('VAT number (optional)').blur();
  await shoot('autofill.png');
});

test('certificate.png: hectare, a farm filled in from its holding number', async () => {
  await widget.open('hectare', {
    theme: 'light',
    locale: 'en',
    fields: 'holdingNumber,street,zip',
  });
  await widget.fill({
    'E-mail': 'harriet@upmarden.example.co.uk',
    'First name': 'Harriet',
    'Last name': 'Tillage',
    Phone: '01243 555 123',
  });
  await widget.field(/^Holding number/).fill('11 111 1111');
  await expect(widget.root.getByText(/Red Tractor certificate valid until/)).toBeVisible();
  await expect(widget.field('Organisation name')).toHaveValue('Up Marden Farms');
  await widget.field(/^Holding number/).blur();
  await shoot('certificate.png');
});
