/**
 * Registry autofill in the browser, against the real BFF and its DaData simulator: a valid INN
 * fills in the organisation and says so; a liquidated one is the field's error; a faulted
 * registry leaves the user typing and the registration goes through, `unverified`; an answer
 * that comes after the number changed is dropped. Also the e-mail typo suggestion, taken with
 * the keyboard, and the keystrokes a registration takes with and without autofill.
 */
import type { Page } from '@playwright/test';
import { en } from '../shared/i18n/en.ts';
import { ADMIN_TOKEN, BFF_URL } from './playwright.config.ts';
import { expect, freshInn, sandbox, test, unique, type SignupWidget } from './fixtures.ts';

const SBERBANK = '7707083893';
const INN = /^INN/;
const ORGANISATION = /^Organisation name/;

interface RegistryRecord {
  field: string;
  value: string;
  status: string;
  organisationName: string;
}

/** The records the DaData simulator knows (`GET /sandbox/dadata/_records`). */
async function records(): Promise<RegistryRecord[]> {
  const res = await fetch(`${BFF_URL}/sandbox/dadata/_records`);
  expect(res.status).toBe(200);
  return (await res.json()) as RegistryRecord[];
}

/** The polite live region under a field, where the lookup says what it found. */
const noteOf = (widget: SignupWidget, text: string | RegExp) =>
  widget.root.locator('p.hint[aria-live="polite"]').filter({ hasText: text });

/** The intellectmoney form, showing every field the registry can fill in. */
async function openIntellectMoney(widget: SignupWidget): Promise<void> {
  await widget.open('intellectmoney', { locale: 'en', fields: 'organisationName,city' });
}

test.afterEach(async () => {
  await sandbox.faults('dadata', { failRate: 0, latencyMs: 0 });
});

test('a valid INN fills in the organisation from the registry and says so', async ({ widget }) => {
  const [record] = (await records()).filter((r) => r.value === SBERBANK);
  expect(record?.status).toBe('active');
  await openIntellectMoney(widget);
  await widget.field(INN).pressSequentially(SBERBANK);
  const note = noteOf(widget, en['lookup.found'].replace('{name}', record!.organisationName));
  await expect(note).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue(record!.organisationName);
  // The typing went on in the field, untouched by the lookup.
  await expect(widget.field(INN)).toHaveValue(SBERBANK);
  await expect(widget.field(INN)).toBeFocused();
});

test('what the user typed is never overwritten', async ({ widget }) => {
  await openIntellectMoney(widget);
  await widget.field(ORGANISATION).fill('My own name');
  await widget.field(INN).fill(SBERBANK);
  await expect(noteOf(widget, /^Found: /)).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('My own name');
});

test('a liquidated or dissolved company is an error on the field', async ({ widget }) => {
  const inactive = (await records()).find((r) => /^(liquidated|dissolved)$/.test(r.status));
  expect(inactive, 'the simulator lists a liquidated or dissolved company').toBeDefined();
  await openIntellectMoney(widget);
  await widget.field(INN).fill(inactive!.value);
  expect(await widget.errorOf('INN (taxpayer number)')).toBe(en['error.company_inactive']);
  await expect(widget.field(ORGANISATION)).toHaveValue('');
});

test('a number the registry does not know is a hint, not an error', async ({ widget }) => {
  await openIntellectMoney(widget);
  await widget.field(INN).fill(freshInn());
  await expect(noteOf(widget, en['lookup.notFound'])).toBeVisible();
  await expect(widget.field(INN)).toHaveAttribute('aria-invalid', 'false');
});

test('with the registry down the user types on; the registration is marked unverified', async ({
  widget,
}) => {
  await sandbox.faults('dadata', { failRate: 1 });
  const id = unique('unverified');
  await openIntellectMoney(widget);
  await widget.fill({
    'E-mail': `${id}@example.ru`,
    'Full name': 'Вера Тестова',
    Phone: '+7 920 123-44-55',
    'INN (taxpayer number)': freshInn(),
  });
  // Nothing said: neither found nor not found.
  await expect(widget.root.locator('p.hint[aria-live="polite"]:not(:empty)')).toHaveCount(0);
  await widget.field(ORGANISATION).fill(`Ромашка ${id}`);
  await widget.submit();
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  const [success] = await widget.hostEvents('org-signup-success');
  const res = await fetch(`${BFF_URL}/admin/registrations?flow=intellectmoney&limit=500`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { registrations } = (await res.json()) as { registrations: Record<string, unknown>[] };
  const registration = registrations.find((r) => r['id'] === success?.detail['registrationId']);
  expect(JSON.stringify(registration)).toContain('unverified');
});

test('an answer that comes after the number changed is dropped', async ({ widget, page }) => {
  await openIntellectMoney(widget);
  // Hold Sberbank's answer (the real BFF's) until the user has typed another number.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/lookup\?/, async (route) => {
    if (route.request().url().endsWith(`value=${SBERBANK}`)) await held;
    await route.continue();
  });
  await widget.field(INN).fill(SBERBANK);
  const late = page.waitForResponse((r) => r.url().endsWith(`value=${SBERBANK}`));
  await widget.field(INN).fill(freshInn());
  await expect(noteOf(widget, en['lookup.notFound'])).toBeVisible();
  release();
  expect((await late).status()).toBe(200);
  // Sberbank's answer came, and changed nothing.
  await expectSettled(page);
  await expect(widget.field(ORGANISATION)).toHaveValue('');
  await expect(noteOf(widget, /^Found: /)).toHaveCount(0);
  await expect(noteOf(widget, en['lookup.notFound'])).toBeVisible();
});

/** Lets the page run what the last answer scheduled (a render) before asserting nothing came. */
async function expectSettled(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))),
  );
}

test('a mistyped e-mail domain gets a suggestion taken with the keyboard', async ({
  widget,
  page,
}) => {
  await openIntellectMoney(widget);
  await widget.field('E-mail').fill('vera@gmial.com');
  const suggestion = widget.root.getByRole('button', { name: 'Did you mean gmail.com?' });
  // Announced: it appears inside a polite live region.
  await expect(
    widget.root.locator('p[aria-live="polite"]').filter({ has: suggestion }),
  ).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(suggestion).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(widget.field('E-mail')).toHaveValue('vera@gmail.com');
  await expect(widget.field('E-mail')).toBeFocused();
  await expect(suggestion).toHaveCount(0);
});

/**
 * Registers by keyboard alone, in Tab order, the way a person would: types each empty field's
 * value character by character, passes over what is already filled in with Tab, and sends with
 * Enter. Returns the keys pressed.
 */
async function registerByKeyboard(
  widget: SignupWidget,
  page: Page,
  values: Record<string, string>,
  lookup: boolean,
): Promise<number> {
  let keys = 0;
  await widget.field('E-mail').focus();
  for (let stop = 0; stop < 20; stop += 1) {
    const input = await page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return {
        tag: el?.localName,
        name: el?.getAttribute('name') ?? '',
        value: (el as HTMLInputElement | null)?.value ?? '',
      };
    });
    if (input.tag === 'button') break;
    const value = values[input.name];
    if (value === undefined) throw new Error(`no value for the ${input.name} field`);
    if (!input.value) {
      await page.keyboard.type(value);
      keys += [...value].length;
      // Let the lookup's answer fill in what follows before moving on, as a person reading would.
      if (lookup && input.name === 'inn') await expect(noteOf(widget, /^Found: /)).toBeVisible();
    }
    await page.keyboard.press('Tab');
    keys += 1;
  }
  await page.keyboard.press('Enter');
  keys += 1;
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  return keys;
}

test('keystrokes: a registration takes fewer with autofill than typing every field', async ({
  widget,
  page,
}) => {
  const [record] = (await records()).filter((r) => r.value === SBERBANK);
  const values = (inn: string) => ({
    email: `${unique('keys')}@example.ru`,
    name: 'Вера Тестова',
    phone: '+7 920 123-44-55',
    inn,
    organisationName: record!.organisationName,
    city: 'Москва',
  });
  // Without autofill: the registry is down, so every field is typed (an INN of the same length).
  await sandbox.faults('dadata', { failRate: 1 });
  await openIntellectMoney(widget);
  const typed = await registerByKeyboard(widget, page, values(freshInn()), false);
  await sandbox.faults('dadata', { failRate: 0 });
  await openIntellectMoney(widget);
  const autofilled = await registerByKeyboard(widget, page, values(SBERBANK), true);
  console.log(
    `keystrokes for an intellectmoney registration: ${typed} typing every field, ${autofilled} with autofill`,
  );
  expect(autofilled).toBeLessThan(typed);
});
