/**
 * Registry autofill in the browser, against the real BFF and its DaData simulator: a valid INN
 * fills in the organisation and says so; a liquidated one is the field's error; a faulted
 * registry leaves the user typing and the registration goes through, `unverified`; an answer
 * that comes after the number changed is dropped, and another number puts back what the last
 * one filled in; a number that cannot be one is not sent. A farm's holding number finds its Red
 * Tractor certificate. Also the e-mail typo suggestion, taken with the keyboard, and the
 * keystrokes a registration takes with and without autofill.
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

/** The intellectmoney form (e-mail, name, phone, INN): the registry finds the INN's company. */
async function openIntellectMoney(widget: SignupWidget): Promise<void> {
  await widget.open('intellectmoney', { locale: 'en' });
}

/** The VIES simulator's active company: CloudSuite's own VAT number. */
const CLOUDSUITE_VAT = 'NL822898044B01';

/** The cloudsuite form with its optional VAT number, whose record has a name and an address. */
async function openCloudSuite(widget: SignupWidget): Promise<void> {
  await widget.open('cloudsuite', { locale: 'en', fields: 'vat' });
}

test.afterEach(async () => {
  await sandbox.faults('dadata', { failRate: 0 });
  await sandbox.faults('vies', { failRate: 0 });
});

test('a valid INN finds the organisation in the registry and says so', async ({ widget }) => {
  const [record] = (await records()).filter((r) => r.value === SBERBANK);
  expect(record?.status).toBe('active');
  await openIntellectMoney(widget);
  await widget.field(INN).pressSequentially(SBERBANK);
  // "Found: ПАО СБЕРБАНК, Москва": the name and the city, in a polite live region.
  const found = en['lookup.found'].replace('{found}', `${record!.organisationName}, Москва`);
  await expect(noteOf(widget, found)).toBeVisible();
  // The typing went on in the field, untouched by the lookup.
  await expect(widget.field(INN)).toHaveValue(SBERBANK);
  await expect(widget.field(INN)).toBeFocused();
});

test('a VAT number fills in the name and address; what the user typed stays', async ({
  widget,
}) => {
  await openCloudSuite(widget);
  await widget.field('City').fill('Utrecht');
  await widget.field(/^VAT number/).fill(CLOUDSUITE_VAT);
  await expect(noteOf(widget, /^Found: CLOUDSUITE DEMO B\.V\., Amsterdam$/i)).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('CLOUDSUITE DEMO B.V.');
  await expect(widget.field('Street')).not.toHaveValue('');
  await expect(widget.field('Postcode')).not.toHaveValue('');
  await expect(widget.field('Country')).toHaveValue('NL');
  await expect(widget.field('City')).toHaveValue('Utrecht');
});

test('a company the registry knows without a name or town is named by its number', async ({
  widget,
}) => {
  // VIES confirms German numbers without giving a name or an address.
  await openCloudSuite(widget);
  await widget.field(/^VAT number/).fill('DE129273398');
  await expect(noteOf(widget, /^Found: DE129273398$/)).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('');
});

test('a liquidated or dissolved company is an error on the field', async ({ widget }) => {
  const inactive = (await records()).find((r) => /^(liquidated|dissolved)$/.test(r.status));
  expect(inactive, 'the simulator lists a liquidated or dissolved company').toBeDefined();
  await openIntellectMoney(widget);
  await widget.field(INN).fill(inactive!.value);
  // Announced as it appears: a looked-up field's error is a polite live region.
  await expect(widget.root.locator('#e-inn')).toHaveAttribute('aria-live', 'polite');
  expect(await widget.errorOf('INN (taxpayer number)')).toBe(
    en[`error.company_${inactive!.status}` as 'error.company_liquidated'],
  );
  await expect(noteOf(widget, /^Found: /)).toHaveCount(0);
});

test('a number the registry does not know is a hint, not an error', async ({ widget }) => {
  await openIntellectMoney(widget);
  await widget.field(INN).fill(freshInn());
  await expect(noteOf(widget, en['lookup.none'])).toBeVisible();
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
  await widget.submit();
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
  const [success] = await widget.hostEvents('org-signup-success');
  const res = await fetch(`${BFF_URL}/admin/registrations?flow=intellectmoney&limit=500`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { registrations } = (await res.json()) as { registrations: Record<string, unknown>[] };
  const registration = registrations.find((r) => r['id'] === success?.detail['registrationId']);
  expect(registration?.['status']).toBe('completed');
  expect(registration?.['registry']).toBe('unverified');
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
  const asked = page.waitForRequest((r) => r.url().endsWith(`value=${SBERBANK}`));
  const late = page.waitForResponse((r) => r.url().endsWith(`value=${SBERBANK}`));
  await widget.field(INN).fill(SBERBANK);
  await asked;
  await widget.field(INN).fill(freshInn());
  await expect(noteOf(widget, en['lookup.none'])).toBeVisible();
  release();
  expect((await late).status()).toBe(200);
  // Sberbank's answer came, and changed nothing.
  await expectSettled(page);
  await expect(noteOf(widget, /^Found: /)).toHaveCount(0);
  await expect(noteOf(widget, en['lookup.none'])).toBeVisible();
});

test('another number puts back what the last one filled in; the user’s own edits stay', async ({
  widget,
}) => {
  await openCloudSuite(widget);
  await widget.field('Street').fill('Oudegracht');
  await widget.field(/^VAT number/).fill(CLOUDSUITE_VAT);
  await expect(widget.field(ORGANISATION)).toHaveValue('CLOUDSUITE DEMO B.V.');
  await expect(widget.field('Postcode')).toHaveValue('1015CS');
  await widget.field('Postcode').fill('3511 AB');
  // A number VIES confirms without a name or an address: nothing of CloudSuite's may stay.
  await widget.field(/^VAT number/).fill('DE129273398');
  await expect(noteOf(widget, /^Found: DE129273398$/)).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('');
  await expect(widget.field('City')).toHaveValue('');
  await expect(widget.field('Country')).not.toHaveValue('NL');
  await expect(widget.field('Street')).toHaveValue('Oudegracht');
  await expect(widget.field('Postcode')).toHaveValue('3511 AB');
});

test('a VAT or company number that cannot be one is never sent to be looked up', async ({
  widget,
  page,
}) => {
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/lookup?')) asked.push(new URL(r.url()).searchParams.get('value')!);
  });
  await openCloudSuite(widget);
  // No member state's prefix, and a UK number (VIES has none since 2021).
  for (const typo of ['822898044B01', 'GB980780684']) {
    await widget.field(/^VAT number/).fill(typo);
    await page.waitForTimeout(600); // past the lookup's pause
  }
  await widget.field(/^VAT number/).fill(CLOUDSUITE_VAT);
  await expect(noteOf(widget, /^Found: /)).toBeVisible();
  expect(asked).toEqual([CLOUDSUITE_VAT]);
});

test('the certificate’s date is written as the page’s region writes it', async ({ widget }) => {
  await widget.open('hectare', { locale: 'en-GB', fields: 'holdingNumber,street,zip' });
  await widget.field(/^Holding number/).fill('11 111 1111');
  await expect(
    noteOf(widget, 'Found: Up Marden Farms — Red Tractor certificate valid until 31 January 2099.'),
  ).toBeVisible();
});

test('a farm’s holding number fills in the farm and shows its Red Tractor certificate', async ({
  widget,
  page,
}) => {
  await widget.open('hectare', { locale: 'en', fields: 'holdingNumber,street,zip' });
  const holding = widget.field(/^Holding number/);
  // Before the name: the certificate fills it in. Typed with spaces, as on a letter.
  await holding.fill('11 111 1111');
  await expect(
    noteOf(
      widget,
      'Found: Up Marden Farms — Red Tractor certificate valid until January 31, 2099.',
    ),
  ).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('Up Marden Farms');
  await expect(widget.field('Street')).toHaveValue('Pitlands Farm');
  await expect(widget.field('Postcode')).toHaveValue('PO18 9JP');
  await expect(widget.field('Country')).toHaveValue('GB');
  // Another holding: Up Marden's details go, and its postcode is not asked with the new number.
  const asked = page.waitForRequest((r) => r.url().includes('value=22'));
  await holding.fill('22/222/2222');
  expect(new URL((await asked).url()).searchParams.get('zip')).toBe('');
  await expect(
    noteOf(
      widget,
      /^Found: Barton Dairy — Red Tractor certificate in its grace period \(expired June 30, 2024\)\.$/,
    ),
  ).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('Barton Dairy');
  await expect(widget.field('Postcode')).toHaveValue('EX20 1AB');
  // A lapsed certificate is not listed: a hint that says so, and nothing of Barton Dairy's stays.
  await holding.fill('33/333/3333');
  await expect(noteOf(widget, en['lookup.noCertificate'])).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('');
  await expect(holding).toHaveAttribute('aria-invalid', 'false');
  // A holding number in another shape is the field's error, said as the field is left.
  await holding.fill('11/111/111');
  await holding.blur();
  expect(await widget.errorOf('Holding number')).toBe(en['error.invalid_holding_number']);
});

test('a postcode typed after the holding number asks for the certificate again', async ({
  widget,
}) => {
  await widget.open('hectare', { locale: 'en', fields: 'holdingNumber,street,zip' });
  await widget.field(/^Holding number/).fill('11/111/1111');
  await expect(widget.field('Postcode')).toHaveValue('PO18 9JP');
  // Up Marden's certificate is for PO18 9JP: at another postcode it is not found.
  await widget.field('Postcode').fill('EX20 1AB');
  await expect(noteOf(widget, en['lookup.noCertificate'])).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('');
  await widget.field('Postcode').fill('po18 9jp');
  await expect(noteOf(widget, /^Found: Up Marden Farms — /)).toBeVisible();
  await expect(widget.field(ORGANISATION)).toHaveValue('Up Marden Farms');
  await expect(widget.field('Postcode')).toHaveValue('po18 9jp');
});

test('no e-mail suggestion for a domain still being typed; one once the field is left', async ({
  widget,
}) => {
  await openIntellectMoney(widget);
  await widget.field('E-mail').pressSequentially('vera@gmail.co');
  const suggestion = widget.root.getByRole('button', { name: 'Did you mean gmail.com?' });
  await expect(suggestion).toHaveCount(0);
  await widget.field('Full name').focus();
  await expect(suggestion).toBeVisible();
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
    widget.root
      .locator('p[aria-live="polite"]')
      .filter({ has: page.getByRole('button', { name: 'Did you mean gmail.com?' }) }),
  ).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(suggestion).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(widget.field('E-mail')).toHaveValue('vera@gmail.com');
  await expect(widget.field('E-mail')).toBeFocused();
  await expect(suggestion).toHaveCount(0);
});

/** The element that has focus, through the shadow root: its tag, name and value. */
async function focused(page: Page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const { localName: tag, name, value } = el as HTMLInputElement;
    return { tag, name, value };
  });
}

/**
 * Registers as a person with a keyboard would, counting the keys: from the first field on, in
 * Tab order, typing each empty field's value character by character, passing over filled ones
 * with Tab, and Enter to send. With `numberFirst`, the registry number is typed first and the
 * person reads what the registry found; putting the caret there, and then back in the first
 * field, are clicks, not counted.
 */
async function keystrokesToRegister(
  widget: SignupWidget,
  page: Page,
  values: Record<string, string>,
  numberFirst?: string,
): Promise<number> {
  let keys = 0;
  const type = async (value: string) => {
    await page.keyboard.type(value);
    keys += [...value].length;
  };
  if (numberFirst) {
    await widget.root.locator(`[name="${numberFirst}"]`).focus();
    await type(values[numberFirst]!);
    await expect(noteOf(widget, /^Found: /)).toBeVisible();
  }
  await widget.field('E-mail').focus();
  for (let at = await focused(page); at.tag !== 'button'; at = await focused(page)) {
    const value = values[at.name];
    if (value === undefined) throw new Error(`no value for the ${at.name} field`);
    if (!at.value) await type(value);
    await page.keyboard.press('Tab');
    keys += 1;
  }
  await page.keyboard.press('Enter');
  keys += 1;
  await expect(widget.root.locator('#step')).toBeFocused({ timeout: 15_000 });
  return keys;
}

test('keystrokes: what a registration takes with and without autofill', async ({
  widget,
  page,
}) => {
  // Of one length whatever the sequence number: the counts compare.
  const email = () => ({ email: `${unique('keys').padEnd(24, '0')}@example.com` });
  const intellectmoney = (inn: string) => ({
    ...email(),
    name: 'Вера Тестова',
    phone: '+7 920 123-44-55',
    inn,
  });
  const cloudsuite = () => ({
    ...email(),
    firstName: 'Sanne',
    lastName: 'de Vries',
    organisationName: 'CLOUDSUITE DEMO B.V.',
    street: 'Keizersgracht',
    houseNumber: '62',
    zip: '1015CS',
    city: 'Amsterdam',
    country: 'Netherlands',
    vat: CLOUDSUITE_VAT,
  });
  // Without autofill: every field typed, top to bottom (the number last, or not known: the
  // simulator refuses an INN twice, so a fresh one of the same length).
  await openIntellectMoney(widget);
  const imTyped = await keystrokesToRegister(widget, page, intellectmoney(freshInn()));
  await openIntellectMoney(widget);
  const imFilled = await keystrokesToRegister(widget, page, intellectmoney(SBERBANK), 'inn');
  await openCloudSuite(widget);
  const csTyped = await keystrokesToRegister(widget, page, cloudsuite());
  await openCloudSuite(widget);
  const csFilled = await keystrokesToRegister(widget, page, cloudsuite(), 'vat');
  // Hectare refuses an organisation's name twice: typed, a fresh one as long as Barton Dairy.
  const hectare = (holdingNumber: string, organisationName: string) => ({
    ...email(),
    firstName: 'Harriet',
    lastName: 'Tillage',
    phone: '020 7946 0958',
    holdingNumber,
    organisationName,
    country: 'United Kingdom',
    street: 'Higher Barton',
    zip: 'EX20 1AB',
  });
  const openHectare = () =>
    widget.open('hectare', { locale: 'en', fields: 'holdingNumber,street,zip' });
  await openHectare();
  const farm = `Farm ${Math.random().toString(36).slice(2, 9).padEnd(7, '0')}`;
  const hTyped = await keystrokesToRegister(widget, page, hectare('44/444/4444', farm));
  await openHectare();
  const hFilled = await keystrokesToRegister(
    widget,
    page,
    hectare('22/222/2222', 'Barton Dairy'),
    'holdingNumber',
  );
  console.log(
    `keystrokes to register: intellectmoney ${imTyped} typing every field, ${imFilled} with autofill; ` +
      `cloudsuite ${csTyped} typing every field, ${csFilled} with autofill; ` +
      `hectare ${hTyped} typing every field, ${hFilled} with a holding number's certificate`,
  );
  // IntellectMoney asks for nothing the registry knows (no name or address field).
  expect(imFilled).toBe(imTyped);
  expect(csFilled).toBeLessThan(csTyped - 40);
  expect(hFilled).toBeLessThan(hTyped - 30);
});
