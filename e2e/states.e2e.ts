/**
 * States that tell the truth and help the user act: a queued registration, "Change e-mail" on
 * the follow-up steps, a long wait and the flow's time budget, "Sign in instead" for an address
 * already registered, the password and phone rules the browser shares with the server, and the
 * smaller fixes (consent marked required, "Choose one", load errors without a useless retry,
 * the dark theme keeping the page's corner radius).
 */
import { randomUUID } from 'node:crypto';
import type { Page, Request } from '@playwright/test';
import { en } from '../shared/i18n/en.ts';
import { HOST_URL } from './playwright.config.ts';
import { expect, freshInn, sandbox, test, unique, type SignupWidget } from './fixtures.ts';

/** Fills nitro's five fields for a fresh organisation; returns the e-mail. */
async function fillNitro(widget: SignupWidget, overrides: Record<string, string> = {}) {
  const id = unique('st');
  const values = {
    'E-mail': `${id}@example.com`,
    'Full name': 'Stella States',
    Phone: '+44 20 7946 0500',
    'Organisation name': `States ${id}`,
    'Company website domain': `${id}.example.com`,
    ...overrides,
  };
  await widget.fill(values);
  return values['E-mail'];
}

/** A farmer's details for Hectare's form (its organisation name must be new to Hectare). */
const farmer = (email: string, organisationName: string) => ({
  'First name': 'Harriet',
  'Last name': 'Field',
  'E-mail': email,
  // Typed nationally; a number Hectare itself takes (it checks numbering plans).
  Phone: '07400 123456',
  'Organisation name': organisationName,
});

/** Sends Hectare's form with `values`, in Great Britain, terms accepted. */
async function submitFarm(widget: SignupWidget, values: Record<string, string>): Promise<void> {
  await widget.open('hectare', { 'terms-url': '/terms' });
  await widget.fill(values);
  await widget.field('Country').selectOption('GB');
  await widget.field('I agree to the').check();
  await widget.submit();
}

/** The registration POSTs the page sends, as they leave it. */
function registrationPosts(page: Page): Request[] {
  const posts: Request[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/registrations')) posts.push(r);
  });
  return posts;
}

test.describe('a queued registration', () => {
  test('says the request is received and what happens next, without the done panel', async ({
    widget,
  }) => {
    await widget.open('cloudsuite', { fields: 'phone' });
    const id = unique('queue');
    const email = `${id}@example.nl`;
    await widget.fill({
      'First name': 'Quinten',
      'Last name': 'Queue',
      'E-mail': email,
      'Organisation name': `Wachtrij ${id}`,
      Street: 'Elzenkade',
      'House number': '2',
      Postcode: '3992 AD',
      City: 'Houten',
    });
    await widget.field('Country').selectOption('NL');
    await sandbox.faults('cloudsuite', { failRate: 1 });
    try {
      await widget.submit();
      const heading = widget.root.getByRole('heading', { name: 'Request received' });
      await expect(heading).toBeFocused({ timeout: 15_000 });
    } finally {
      await sandbox.faults('cloudsuite', { failRate: 0 });
    }
    await expect(
      widget.root.getByText(
        `We will finish your registration shortly: there is no need to send it again. Any e-mail about your account will go to ${email}.`,
      ),
    ).toBeVisible();
    // Not "Registration complete", and not its mark of completion.
    await expect(widget.root.getByText('Registration complete')).toHaveCount(0);
    await expect(widget.root.locator('.success')).toHaveCount(0);
    const [success] = await widget.hostEvents('org-signup-success');
    expect(success?.detail).toMatchObject({ status: 'queued', next: null });
  });
});

test.describe('the follow-up steps', () => {
  test('the code step shows the address; "Change e-mail" goes back with everything kept', async ({
    widget,
  }) => {
    const id = unique('change');
    const wrong = `${id}@exmaple.co.uk`;
    const values = farmer(wrong, `Change Farms ${id}`);
    await submitFarm(widget, values);
    await expect(
      widget.root.getByRole('heading', { name: 'Enter your confirmation code' }),
    ).toBeFocused({ timeout: 15_000 });
    // The address, with the way to correct it right after it.
    const body = widget.root.getByText(`We sent a six-digit code to ${wrong}.`);
    await expect(body).toBeVisible();
    const change = body.getByRole('button', { name: 'Change e-mail' });
    await expect(change).toBeVisible();
    // The code input is sized for six digits, not the form's width.
    const width = await widget
      .field('Confirmation code')
      .evaluate((e) => (e as HTMLElement).offsetWidth);
    expect(width).toBeLessThan(160);
    // "Send a new code" is a secondary action: not the primary button's look.
    const look = (name: string) =>
      widget.root
        .getByRole('button', { name })
        .evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await look('Send a new code')).not.toBe(await look('Confirm'));

    await change.click();
    await expect(widget.field('E-mail')).toBeFocused();
    for (const [label, value] of Object.entries(values)) {
      await expect(widget.field(label)).toHaveValue(value);
    }
    await expect(widget.field('Country')).toHaveValue('GB');
    await expect(widget.field('I agree to the')).toBeChecked();

    // Corrected and sent again: another registration, whose code goes to the right address.
    // (Hectare refuses a second organisation of the same name: the first one is still there.)
    const right = `${id}@example.co.uk`;
    await widget.fill({ 'E-mail': right, 'Organisation name': `Change Farms ${id} Ltd` });
    await widget.submit();
    await expect(widget.root.getByText(`We sent a six-digit code to ${right}.`)).toBeVisible({
      timeout: 15_000,
    });
    const ids = (await widget.hostEvents('org-signup-success')).map(
      (e) => e.detail['registrationId'],
    );
    expect(new Set(ids).size).toBe(2);
  });

  test('a registration the BFF does not know: says so and how to go on, not "cannot reach"', async ({
    widget,
    page,
  }) => {
    // As if another instance with a store of its own answered the code: the BFF answers 404.
    await page.route('**/v1/flows/hectare/registrations', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...body, id: randomUUID() } });
    });
    const id = unique('lost');
    const values = farmer(`${id}@example.co.uk`, `Lost Farms ${id}`);
    await submitFarm(widget, values);
    await widget.field('Confirmation code').fill('123456', { timeout: 15_000 });
    await widget.root.getByRole('button', { name: 'Confirm' }).click();
    await expect(widget.root.getByText(en['problem.not_found'])).toBeVisible();
    await expect(widget.root.getByText(en['problem.network'])).toHaveCount(0);
    const [error] = await widget.hostEvents('org-signup-error');
    expect(error?.detail).toMatchObject({ code: 'not_found' });
    // The way on it names: back to the form, everything kept.
    await widget.root.getByRole('button', { name: 'Change e-mail' }).click();
    await expect(widget.field('E-mail')).toBeFocused();
    await expect(widget.field('Organisation name')).toHaveValue(values['Organisation name']);
  });

  test('the confirm-e-mail step: the address, "Change e-mail", then "Sent." and the cool-down', async ({
    widget,
  }) => {
    const id = unique('mailstep');
    const email = `${id}@example.fr`;
    await widget.open('titelive');
    await widget.fill({ 'E-mail': email, Login: id, Password: 'Correct horse battery 9' });
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Check your e-mail' })).toBeFocused({
      timeout: 15_000,
    });
    await expect(
      widget.root
        .getByText(`We sent a confirmation link to ${email}.`)
        .getByRole('button', { name: 'Change e-mail' }),
    ).toBeVisible();
    await widget.root.getByRole('button', { name: 'Send the e-mail again' }).click();
    const sent = widget.root.getByRole('status').filter({ hasText: 'Sent.' });
    await expect(sent).toBeVisible();
    const cooldown = widget.root.getByText(/You can ask again in \d+ s\./);
    await expect(cooldown).toBeVisible();
    // The cool-down line follows "Sent.".
    const [sentBox, cooldownBox] = [await sent.boundingBox(), await cooldown.boundingBox()];
    expect(cooldownBox!.y).toBeGreaterThan(sentBox!.y);
  });
});

test.describe('long waits', () => {
  test('after 3 s of sending, "Still working…" is announced and a progress bar shows', async ({
    widget,
  }) => {
    await widget.open('nitro');
    await fillNitro(widget);
    await sandbox.faults('nitro', { latencyMs: 3_500 });
    try {
      await widget.submit();
      const status = widget.root.getByRole('status');
      await expect(status).toHaveText('Registering…');
      await expect(status).toHaveText('Still working…', { timeout: 4_000 });
      const button = widget.root.locator('button[part="submit"]');
      await expect(button).toHaveText('Still working…');
      await expect(button).toHaveClass('slow');
      await expect(button).toBeDisabled();
      // The status is polite (role="status"), outside the busy form.
      await expect(status).not.toHaveAttribute('aria-live', 'assertive');
      await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible(
        { timeout: 15_000 },
      );
    } finally {
      await sandbox.faults('nitro', { latencyMs: 0 });
    }
  });

  test('the progress bar stands still for reduced motion', async ({ widget, page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await widget.open('nitro');
    await fillNitro(widget);
    await sandbox.faults('nitro', { latencyMs: 3_500 });
    try {
      await widget.submit();
      const button = widget.root.locator('button.slow');
      await expect(button).toBeVisible({ timeout: 4_000 });
      await expect(button).toHaveCSS('animation-name', 'none');
      await page.emulateMedia({ reducedMotion: 'no-preference' });
      await expect(button).toHaveCSS('animation-name', 'progress');
    } finally {
      await sandbox.faults('nitro', { latencyMs: 0 });
    }
  });

  test('past the flow’s time budget it stops waiting; sending again is the same registration', async ({
    widget,
    page,
  }) => {
    // The demo's budget is a minute (its default timeouts) and 4 s for checking the INN with
    // its registry; a shorter one, as a flow with short timeouts would carry, for a provider
    // slower than it.
    await page.route('**/v1/flows/intellectmoney?*', async (route) => {
      const response = await route.fetch();
      const descriptor = (await response.json()) as Record<string, unknown>;
      expect(descriptor['budgetMs']).toBe(66_000);
      await route.fulfill({ response, json: { ...descriptor, budgetMs: 4_000 } });
    });
    const posts = registrationPosts(page);
    await widget.open('intellectmoney');
    const email = `${unique('budget')}@example.ru`;
    await widget.fill({
      'E-mail': email,
      'Full name': 'Бюджет Времени',
      Phone: '+7 920 123-40-40',
      'INN (taxpayer number)': freshInn(),
    });
    await sandbox.faults('intellectmoney', { latencyMs: 6_000 });
    try {
      await widget.submit();
      await expect(widget.root.getByRole('status')).toHaveText('Still working…');
      const outage = widget.root
        .getByRole('alert')
        .filter({ hasText: 'Registration is unavailable right now. Your details are kept' });
      await expect(outage).toBeVisible({ timeout: 8_000 });
      await expect(widget.field('E-mail')).toHaveValue(email);
      await expect(widget.submitButton).toBeEnabled();
      const [error] = await widget.hostEvents('org-signup-error');
      expect(error?.detail).toEqual({ code: 'timeout', errors: {} });
      // The provider, slower than the budget, still registers it.
      await expect
        .poll(
          async () =>
            (await sandbox.requests('intellectmoney')).filter(
              (r) => r.body['Email'] === email && r.status !== undefined,
            ).length,
          { timeout: 10_000 },
        )
        .toBe(1);
    } finally {
      await sandbox.faults('intellectmoney', { latencyMs: 0 });
    }
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible({
      timeout: 15_000,
    });
    expect(posts).toHaveLength(2);
    expect(posts[1]?.headers()['idempotency-key']).toBe(posts[0]?.headers()['idempotency-key']);
    const sent = (await sandbox.requests('intellectmoney')).filter(
      (r) => r.body['Email'] === email,
    );
    expect(sent, 'registered once').toHaveLength(1);
    expect((await posts[1]!.response())?.headers()['idempotent-replayed']).toBe('true');
  });
});

test.describe('login-url', () => {
  test('an address already registered offers "Sign in instead"; http(s) only', async ({
    widget,
  }) => {
    await widget.open('nitro');
    const email = await fillNitro(widget);
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible({
      timeout: 15_000,
    });

    await widget.open('nitro', { 'login-url': '/sign-in?from=signup' });
    await fillNitro(widget, { 'E-mail': email });
    await widget.submit();
    expect(await widget.errorOf('E-mail')).toBe('This is already registered.');
    const signIn = widget.root.getByRole('link', { name: 'Sign in instead' });
    await expect(signIn).toHaveAttribute(
      'href',
      new URL('/sign-in?from=signup', widget.page.url()).href,
    );
    // Next to the field's error: the next Tab stop after the e-mail field.
    await expect(widget.field('E-mail')).toBeFocused();
    await widget.page.keyboard.press('Tab');
    await expect(signIn).toBeFocused();

    await widget.open('nitro', { 'login-url': 'javascript:alert(1)' });
    await fillNitro(widget, { 'E-mail': email });
    await widget.submit();
    expect(await widget.errorOf('E-mail')).toBe('This is already registered.');
    await expect(widget.root.getByRole('link', { name: 'Sign in instead' })).toHaveCount(0);
  });
});

test.describe('the rules the browser shares with the server', () => {
  test('passwords: at least 10 characters, not a common one; the strength as it is typed', async ({
    widget,
    page,
  }) => {
    const posts = registrationPosts(page);
    await widget.open('titelive');
    const password = widget.field('Password');
    // Each field has its polite note; the password's says its strength.
    const strength = widget.root
      .locator('.field')
      .filter({ has: page.locator('input[name="password"]') })
      .locator('p[aria-live="polite"]');
    await expect(strength).toHaveText('');

    await password.fill('short');
    await expect(strength).toHaveText('Strength: weak');
    await widget.field('Login').focus();
    expect(await widget.errorOf('Password')).toBe('Use at least 10 characters.');

    await password.fill('Password123');
    await expect(strength).toHaveText('Strength: weak');
    expect(await widget.errorOf('Password')).toBe('This password is too common: choose another.');

    await password.fill('plain words');
    await expect(strength).toHaveText('Strength: fair');
    await expect(password).toHaveAttribute('aria-invalid', 'false');
    await password.fill('Correct horse battery 9');
    await expect(strength).toHaveText('Strength: strong');

    await password.fill('1234567890');
    await widget.fill({ 'E-mail': `${unique('pw')}@example.fr`, Login: unique('pw') });
    await widget.submit();
    expect(await widget.errorOf('Password')).toBe('This password is too common: choose another.');
    expect(posts, 'refused in the browser').toEqual([]);
  });

  test('phones: the hint’s example is of the flow’s country', async ({ widget }) => {
    for (const [flow, locale, hint] of [
      ['nitro', 'en', 'With country code, e.g. +44 7400 123456'],
      ['cloudsuite', 'nl', 'Met landcode, bijv. +31 6 12345678'],
      ['intellectmoney', 'ru', 'С кодом страны, например +7 912 345 67 89'],
    ] as const) {
      await widget.goto(flow, { locale, fields: 'phone' });
      await expect(widget.root.locator('#h-phone')).toHaveText(hint);
    }
  });

  test('phones: a national number of the flow’s country passes both sides, alike', async ({
    widget,
    page,
  }) => {
    const posts = registrationPosts(page);
    await widget.open('nitro');
    // Too long for the United Kingdom (which the old 7–15 digit check let through, for the
    // server to refuse): refused in the browser, before any request.
    const email = await fillNitro(widget, { Phone: '07700 9001234' });
    await widget.submit();
    expect(await widget.errorOf('Phone')).toBe('Enter a phone number with its country code.');
    expect(posts).toEqual([]);
    // A number in a range no operator has (drama), of a possible length: the browser accepts it
    // and so does the server, which sends it on in E.164.
    await widget.field('Phone').fill('07700 900123');
    await expect(widget.field('Phone')).toHaveAttribute('aria-invalid', 'false');
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible({
      timeout: 15_000,
    });
    const register = (await sandbox.requests('nitro')).find(
      (r) => r.path.endsWith('/users/register') && r.body['email'] === email,
    );
    expect(register?.body['phone']).toBe('+447700900123');
  });
});

test.describe('smaller fixes', () => {
  test('the consent checkbox is marked required, as the other required fields are', async ({
    widget,
  }) => {
    await widget.open('nitro', { 'terms-url': '/terms' });
    const consent = widget.field('I agree to the');
    await expect(consent).toHaveJSProperty('required', true);
    await expect(widget.root.locator('label[for="f-consent"] .marker')).toHaveText('*');
    await expect(widget.root.locator('label[for="f-consent"] .marker')).toBeVisible();
    // As for the other fields, the * is not part of the name.
    await expect(consent).toHaveAccessibleName(
      'I agree to the terms of service and the privacy policy.',
    );
  });

  test('an empty select says "Choose one."', async ({ widget }) => {
    await widget.open('hectare');
    await widget.submit();
    expect(await widget.errorOf('Country')).toBe('Choose one.');
    expect(await widget.errorOf('E-mail')).toBe('Please fill in this field.');
  });

  test('a wrong flow id: what the site owner must fix, no "Try again"; the console has the detail', async ({
    widget,
    page,
  }) => {
    const console: string[] = [];
    page.on('console', (m) => m.type() === 'error' && console.push(m.text()));
    await widget.goto('no-such-flow', { locale: 'en' });
    await expect(widget.root.getByRole('alert')).toHaveText(
      'This form is not set up: the site owner must check its flow name.',
    );
    await expect(widget.root.getByRole('button')).toHaveCount(0);
    await expect
      .poll(() => console.join('\n'))
      .toContain('cannot load the flow (flow_not_found): There is no flow "no-such-flow".');
    const [error] = await widget.hostEvents('org-signup-error');
    expect(error?.detail['code']).toBe('flow_not_found');
  });

  test('an origin not allowed: what the site owner must fix, in the page’s locale, no "Try again"', async ({
    page,
  }) => {
    const console: string[] = [];
    page.on('console', (m) => m.type() === 'error' && console.push(m.text()));
    // The merchant page from [::1], which no demo flow allows (localhost and 127.0.0.1 only).
    const { port } = new URL(HOST_URL);
    await page.goto(`http://[::1]:${port}/merchant.html?flow=nitro&attr.locale=de`);
    const widget = page.locator('org-signup');
    await expect(widget.getByRole('alert')).toHaveText(
      'Diese Website darf das Formular noch nicht verwenden: Der Betreiber muss sie in den Einstellungen des Formulars freigeben.',
    );
    await expect(widget.getByRole('button')).toHaveCount(0);
    await expect
      .poll(() => console.join('\n'))
      .toContain(`(origin_not_allowed): Origin http://[::1]:${port} is not in the allowedOrigins`);
  });

  test('network trouble still offers "Try again"', async ({ widget, page }) => {
    await page.route('**/v1/flows/nitro?*', (route) => route.abort('connectionrefused'));
    await widget.goto('nitro', { locale: 'en' });
    await expect(widget.root.getByRole('alert')).toHaveText(
      'The registration form could not be loaded.',
    );
    await page.unroute('**/v1/flows/nitro?*');
    await widget.root.getByRole('button', { name: 'Try again' }).click();
    await expect(widget.submitButton).toBeVisible();
  });

  test('theme="dark" keeps the page’s --org-signup-radius', async ({ widget }) => {
    for (const theme of ['light', 'dark', 'auto']) {
      await widget.open('nitro', { theme });
      await widget.root.evaluate((e) =>
        (e as HTMLElement).style.setProperty('--org-signup-radius', '0px'),
      );
      await expect(widget.field('E-mail')).toHaveCSS('border-radius', '0px');
      await expect(widget.submitButton).toHaveCSS('border-radius', '0px');
    }
  });
});
