/**
 * The steps after registering, in the browser: a six-digit code (hectare), a confirmation
 * e-mail with resend (titelive), and staff approval through the admin CLI (cloudsuite).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, BFF_URL } from './playwright.config.ts';
import { expect, sandbox, test, unique } from './fixtures.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('hectare: registers an organisation, refuses a wrong code, accepts a new one', async ({
  widget,
}) => {
  const id = unique('farm');
  const email = `${id}@example.co.uk`;
  // The company number is optional ("string or null" in Hectare's API): the page asks for it.
  await widget.open('hectare', { fields: 'companyNumber' });
  await widget.fill({
    'First name': 'Harriet',
    'Last name': 'Field',
    'E-mail': email,
    Phone: '+44 20 7946 0123',
    'Organisation name': `Field Farms ${id}`,
    'Company registration number': `0${Date.now().toString().slice(-7)}`,
  });
  await widget.field('Country').selectOption('GB');
  await widget.submit();

  const heading = widget.root.getByRole('heading', { name: 'Enter your confirmation code' });
  await expect(heading).toBeFocused();
  await expect(widget.root.getByText(`We sent a six-digit code to ${email}.`)).toBeVisible();
  const codeInput = widget.field('Confirmation code');
  await expect(codeInput).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(codeInput).toHaveAttribute('inputmode', 'numeric');

  const first = await sandbox.lastCode('hectare', email);
  await codeInput.fill(first === '000000' ? '111111' : '000000');
  await widget.root.getByRole('button', { name: 'Confirm' }).click();
  expect(await widget.errorOf('Confirmation code')).toBe('This code is not right.');

  await widget.root.getByRole('button', { name: 'Send a new code' }).click();
  await expect(widget.root.getByRole('status').filter({ hasText: 'Sent.' })).toBeVisible();
  await expect(widget.root.getByRole('button', { name: 'Send a new code' })).toBeDisabled();
  await expect(widget.root.getByText(/You can ask again in \d+ s\./)).toBeVisible();
  const second = await sandbox.lastCode('hectare', email);
  expect(second).not.toBe(first);

  // Pasting the whole code, with the space some mail clients show, works.
  await codeInput.fill(`${second.slice(0, 3)} ${second.slice(3)}`);
  await widget.root.getByRole('button', { name: 'Confirm' }).click();
  await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeFocused();
  const successes = await widget.hostEvents('org-signup-success');
  expect(successes.map((e) => e.detail['next'])).toEqual([{ type: 'verify-code' }, null]);
});

test('titelive: asks to confirm the e-mail and sends it again on request', async ({ widget }) => {
  const id = unique('reader');
  const email = `${id}@example.fr`;
  await widget.open('titelive', { fields: 'firstName,lastName' });
  await widget.fill({
    'E-mail': email,
    Login: id,
    Password: 'Correct horse battery 9',
    'First name': 'Louise',
  });
  await widget.submit();
  await expect(widget.root.getByRole('heading', { name: 'Check your e-mail' })).toBeFocused();
  await expect(
    widget.root.getByText(`We sent a confirmation link to ${email}.`, { exact: false }),
  ).toBeVisible();
  const before = (await sandbox.outbox('titelive')).filter((m) => m.to === email).length;
  expect(before).toBe(1);

  await widget.root.getByRole('button', { name: 'Send the e-mail again' }).click();
  await expect(widget.root.getByRole('status').filter({ hasText: 'Sent.' })).toBeVisible();
  const resend = widget.root.getByRole('button', { name: 'Send the e-mail again' });
  await expect(resend).toBeDisabled();
  // It stays focusable (aria-disabled) but does nothing while it cools down. (Playwright won't
  // click an aria-disabled button unless forced; a person can.)
  await resend.click({ force: true });
  await expect(resend).toBeFocused();
  await expect(widget.root.getByText(/You can ask again in \d+ s\./)).toBeVisible();
  expect((await sandbox.outbox('titelive')).filter((m) => m.to === email)).toHaveLength(2);

  const received = (await sandbox.requests('titelive')).find((r) => r.body['email'] === email);
  expect(received?.body['password']).toMatch(/^[0-9a-f]{40}$/);
});

test('cloudsuite: waits for approval; the admin CLI approves; the status turns completed', async ({
  widget,
}) => {
  const id = unique('shop');
  const email = `${id}@example.nl`;
  await widget.open('cloudsuite', { locale: 'nl', fields: 'vat' });
  await widget.fill({
    Voornaam: 'Sanne',
    Achternaam: 'de Vries',
    'E-mailadres': email,
    Organisatienaam: `Boekhandel ${id}`,
    Straat: 'Elzenkade',
    Huisnummer: '1a',
    Postcode: '3992 AD',
    Plaats: 'Houten',
  });
  await widget.field('Land').selectOption('NL');
  await widget.submit();
  await expect(widget.root.getByRole('heading', { name: 'Aanvraag ontvangen' })).toBeFocused();
  const [success] = await widget.hostEvents('org-signup-success');
  const registrationId = String(success?.detail['registrationId']);
  expect(success?.detail).toMatchObject({
    status: 'awaiting-approval',
    next: { type: 'await-approval' },
  });

  const env = { ...process.env, ORG_SIGNUP_URL: BFF_URL, ORG_SIGNUP_ADMIN_TOKEN: ADMIN_TOKEN };
  const cli = (...args: string[]) =>
    run('node', ['--import', 'tsx', 'server/admin/cli.ts', ...args], { env, cwd: ROOT });
  const list = await cli('approvals', 'list', '--json');
  const pending = (
    JSON.parse(list.stdout) as { key: string; email: string; registrationId: string }[]
  ).find((a) => a.email === email);
  expect(pending?.registrationId).toBe(registrationId);
  const readable = await cli('approvals', 'list');
  expect(readable.stdout).toContain(`Boekhandel ${id}`);

  const status = async () =>
    (
      (await (await fetch(`${BFF_URL}/v1/registrations/${registrationId}`)).json()) as {
        status: string;
      }
    ).status;
  expect(await status()).toBe('awaiting-approval');
  const approved = await cli('approvals', 'approve', pending!.key, '--new-customer');
  expect(approved.stdout).toContain(`Approved ${pending!.key}`);
  expect(await status()).toBe('completed');
  expect(
    (await sandbox.outbox('cloudsuite')).some((m) => m.to === email && m.kind === 'activation'),
  ).toBe(true);
});
