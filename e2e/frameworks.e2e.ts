/**
 * The widget in real framework apps, embedded through its package as docs/frameworks.md says:
 * a React 19 app with `<OrgSignup>` from `@org-signup/widget/react`, and a Vue 3 app with
 * `<org-signup>` after `import '@org-signup/widget'` (e2e/hosts/*, built by
 * e2e/global-setup.ts, served on the merchant's origin). Each registers through the nitro
 * sandbox with the registration id landing in the framework's state, passes `values` and
 * `strings` as props, and vetoes a submission from its own `org-signup-submit` handler.
 */
import type { Page } from '@playwright/test';
import { BFF_URL } from './playwright.config.ts';
import { expect, sandbox, test, unique } from './fixtures.ts';

/** Opens the app with the e-mail prefilled through `values`; waits for the form. */
async function openApp(page: Page, app: string, email: string, query: Record<string, string> = {}) {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  const violations: string[] = [];
  page.on(
    'console',
    (m) => m.text().includes('Content Security Policy') && violations.push(m.text()),
  );
  await page.goto(`/${app}/?${new URLSearchParams({ email, ...query })}`);
  const widget = page.locator('org-signup');
  // `strings` set as a property: the submit button says the app's text.
  const submit = widget.getByRole('button', { name: 'Open my account' });
  await expect(submit).toBeVisible();
  await expect(page.getByTestId('provider')).toHaveText('nitro');
  return { widget, submit, requests, violations };
}

for (const app of ['react', 'vue']) {
  test.describe(`a ${app === 'react' ? 'React 19' : 'Vue 3'} app`, () => {
    test('registers, with values and strings as props and the id in its state', async ({
      page,
    }) => {
      const id = unique(app);
      const email = `${id}@example.com`;
      const { widget, submit, requests, violations } = await openApp(page, app, email);
      // `values` set as a property: the e-mail is prefilled.
      await expect(widget.getByLabel('E-mail')).toHaveValue(email);
      await widget.getByLabel('Full name').fill('Fran Framework');
      await widget.getByLabel('Phone').fill('+44 20 7946 0958');
      await widget.getByLabel('Organisation name').fill(`Framework ${id}`);
      await widget.getByLabel('Company website domain').fill(`${id}.example.com`);
      await submit.click();

      await expect(widget.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
      // org-signup-success, handled by the framework, rendered from its state.
      await expect(page.getByTestId('registration-id')).toHaveText(/^[0-9a-f-]{36}$/);
      const registered = (await sandbox.requests('nitro')).filter(
        (r) => r.path.endsWith('/users/register') && r.body['email'] === email,
      );
      expect(registered).toHaveLength(1);
      // The widget came in the app's bundle (its package), not as the BFF's script.
      expect(requests.filter((r) => r.includes('/widget/org-signup.js'))).toEqual([]);
      expect(requests.filter((r) => r.startsWith('POST'))).toEqual([
        expect.stringContaining(`${BFF_URL}/v1/flows/nitro/registrations`),
      ]);
      expect(violations).toEqual([]);
    });

    test('vetoes a submission from its org-signup-submit handler: nothing is sent', async ({
      page,
    }) => {
      const id = unique(`${app}-held`);
      const email = `${id}@example.com`;
      const { widget, submit, requests } = await openApp(page, app, email, { hold: '1' });
      await widget.getByLabel('Full name').fill('Hal Held');
      await widget.getByLabel('Phone').fill('+44 20 7946 0958');
      await widget.getByLabel('Organisation name').fill(`Held ${id}`);
      await widget.getByLabel('Company website domain').fill(`${id}.example.com`);
      await submit.click();

      // preventDefault() in the framework's handler, counted in its state.
      await expect(page.getByTestId('held')).toHaveText('1');
      await expect(submit).toBeEnabled();
      await expect(widget.getByLabel('E-mail')).toHaveValue(email);
      await page.waitForTimeout(300);
      expect(requests.filter((r) => r.startsWith('POST'))).toEqual([]);
      await expect(page.getByTestId('registration-id')).toHaveText('');
      expect((await sandbox.requests('nitro')).filter((r) => r.body['email'] === email)).toEqual(
        [],
      );
    });
  });
}
