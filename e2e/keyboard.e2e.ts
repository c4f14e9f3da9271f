/**
 * Registering with the keyboard alone (`page.keyboard`: Tab, Shift+Tab, typing, Enter, Space;
 * no clicks, no `fill`): the Tab order follows the layout, through every field to the submit
 * button; Enter or Space submits; focus lands on the next step's heading. The honeypot is never
 * a Tab stop.
 */
import type { Page } from '@playwright/test';
import {
  expect,
  focusedElement,
  sandbox,
  sharedPage,
  test,
  unique,
  type FocusedElement,
  type SignupWidget,
} from './fixtures.ts';

const shared = sharedPage({ viewport: { width: 1280, height: 900 } });
let page: Page;
let widget: SignupWidget;

test.beforeEach(() => {
  ({ page, widget } = shared);
});

/** Names of the form's visible controls in reading order of the layout: top to bottom, then left to right. */
async function visualOrder(): Promise<string[]> {
  const boxes = await widget.root
    .locator('form input:not([name="org_signup_hp"]), form select, form button')
    .evaluateAll((els) =>
      els
        .filter((el) => el.checkVisibility())
        .map((el) => {
          const box = el.getBoundingClientRect();
          return { name: el.getAttribute('name') ?? el.getAttribute('part') ?? '', box };
        }),
    );
  return boxes
    .sort((a, b) => Math.round(a.box.top - b.box.top) || Math.round(a.box.left - b.box.left))
    .map((b) => b.name);
}

/**
 * Presses Tab from where focus is until it is on the widget's submit button, typing each
 * field's value (from `values`, by name) when a field has focus. Returns the stops.
 */
async function tabThroughForm(values: Record<string, string>): Promise<FocusedElement[]> {
  const stops: FocusedElement[] = [];
  for (let i = 0; i < 30; i += 1) {
    await page.keyboard.press('Tab');
    const at = await focusedElement(page);
    stops.push(at);
    if (!at.inWidget) throw new Error(`Tab left the widget: ${JSON.stringify(stops)}`);
    if (at.tag === 'button' && at.name === '') return stops; // the submit button has no name
    const value = values[at.name];
    if (value !== undefined) await page.keyboard.type(value);
  }
  throw new Error(`Tab never reached the submit button: ${JSON.stringify(stops)}`);
}

const stopNames = (stops: FocusedElement[]) =>
  stops.map((s) => (s.tag === 'button' ? 'submit' : s.name));

test('nitro by keyboard: Tab order follows the layout, Enter registers, the heading has focus', async () => {
  const id = unique('keys');
  const values = {
    email: `${id}@example.com`,
    name: 'Kay Board',
    phone: '+44 20 7946 0777',
    organisationName: `Keys ${id}`,
    domain: `${id}.example.com`,
  };
  await widget.open('nitro');
  const order = await visualOrder();
  expect(order).toEqual(['email', 'name', 'phone', 'organisationName', 'domain', 'submit']);

  const stops = await tabThroughForm(values);
  expect(stopNames(stops), 'Tab stops, in order').toEqual(order);
  await expect(widget.field('E-mail')).toHaveValue(values.email);
  await expect(widget.field('Company website domain')).toHaveValue(values.domain);

  // Back and forth across the honeypot, which sits between the last field and the button.
  await page.keyboard.press('Shift+Tab');
  await expect(widget.field('Company website domain')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(widget.submitButton).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeFocused({
    timeout: 15_000,
  });
  expect(await widget.hostEvents('org-signup-submit'), 'one submission').toHaveLength(1);
  const registered = (await sandbox.requests('nitro')).filter(
    (r) => r.path.endsWith('/users/register') && r.body['email'] === values.email,
  );
  expect(registered, 'what was typed reached the provider').toHaveLength(1);
  expect(registered[0]?.body).toMatchObject({ name: 'Kay Board', phone: '+442079460777' });
});

test('hectare by keyboard: every field, the country by typing, Space, then the code with Enter', async () => {
  const id = unique('keyfarm');
  const values = {
    email: `${id}@example.co.uk`,
    firstName: 'Kit',
    lastName: 'Keys',
    phone: '+44 20 7946 0778',
    organisationName: `Keys Farm ${id}`,
    companyNumber: String((Date.now() + 1) % 1e8).padStart(8, '0'),
    // Typed on the closed select: picks the option by its first letters, as users do.
    country: 'United Kingdom',
    street: 'Mill Lane',
    houseNumber: '4',
    zip: 'SW1A 1AA',
    city: 'London',
  };
  await widget.open('hectare', { fields: 'companyNumber,street,houseNumber,zip,city' });
  const order = await visualOrder();
  expect(order).toEqual([...Object.keys(values), 'submit']);

  const stops = await tabThroughForm(values);
  expect(stopNames(stops), 'Tab stops, in order').toEqual(order);
  await expect(widget.field('Country')).toHaveValue('GB');
  await expect(widget.field(/^City/)).toHaveValue('London');

  await page.keyboard.press('Space');
  const step = widget.root.getByRole('heading', { name: 'Enter your confirmation code' });
  await expect(step).toBeFocused({ timeout: 15_000 });

  // From the heading, Tab goes to "Change e-mail" after the address, then to the code; Enter
  // in the field confirms it.
  await page.keyboard.press('Tab');
  await expect(widget.root.getByRole('button', { name: 'Change e-mail' })).toBeFocused();
  await page.keyboard.press('Tab');
  const codeInput = widget.root.getByLabel('Confirmation code', { exact: true });
  await expect(codeInput).toBeFocused();
  await page.keyboard.type(await sandbox.lastCode('hectare', values.email));
  await page.keyboard.press('Enter');
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeFocused({
    timeout: 15_000,
  });
  const successes = await widget.hostEvents('org-signup-success');
  expect(successes.map((e) => e.detail['next'])).toEqual([{ type: 'verify-code' }, null]);
});

test('the honeypot is never a Tab stop, forwards or backwards', async () => {
  await widget.open('nitro');
  const honeypot = widget.root.locator('input[name="org_signup_hp"]');
  await expect(honeypot).toHaveCount(1);
  await expect(honeypot).toHaveAttribute('tabindex', '-1');

  const forwards: string[] = [];
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press('Tab');
    const at = await focusedElement(page);
    forwards.push(at.inWidget ? at.name || at.tag : `outside: ${at.tag}`);
  }
  const backwards: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    await page.keyboard.press('Shift+Tab');
    const at = await focusedElement(page);
    backwards.push(at.inWidget ? at.name || at.tag : `outside: ${at.tag}`);
  }
  // The honeypot sits in the DOM between the last field and the button: never a stop between.
  const fields = ['email', 'name', 'phone', 'organisationName', 'domain'];
  expect(forwards, 'Tab from the top of the page').toEqual([...fields, 'button']);
  expect(backwards, 'Shift+Tab from the button').toEqual(fields.slice().reverse());
  await expect(honeypot).not.toBeFocused();
});
