/**
 * The vertical slice end to end: a merchant page on another origin embeds the widget from the
 * BFF; users register through nitro and intellectmoney; errors show where the user looks.
 */
import { BFF_URL, HOST_URL } from './playwright.config.ts';
import { expect, freshInn, sandbox, test, unique } from './fixtures.ts';

test.describe('nitro', () => {
  test('registers from another origin and tells the host page', async ({ widget, page }) => {
    await widget.open('nitro');
    expect(new URL(page.url()).origin).toBe(HOST_URL);
    const id = unique('ann');
    await widget.fill({
      'E-mail': `${id}@example.com`,
      'Full name': 'Ann Example',
      Phone: '+44 20 7946 0958',
      'Organisation name': `Acme ${id}`,
      'Company website domain': `https://${id}.example.com/`,
    });
    await widget.submit();

    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeFocused();
    const [success] = await widget.hostEvents('org-signup-success');
    expect(success?.bubbles && success.composed).toBe(true);
    expect(success?.detail).toMatchObject({ status: 'completed', next: null });
    expect(success?.detail['registrationId']).toMatch(/^[0-9a-f-]{36}$/);
    // The merchant page's CSP has no 'unsafe-inline' and allows only the BFF for scripts and fetches.
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);

    const register = (await sandbox.requests('nitro'))
      .filter((r) => r.path.endsWith('/users/register'))
      .at(-1);
    expect(register?.body).toEqual({
      email: `${id}@example.com`,
      name: 'Ann Example',
      phone: '+442079460958',
      domain: `${id}.example.com`,
      organisation_name: `Acme ${id}`,
    });
  });

  test('a duplicate e-mail shows the provider refusal on the e-mail field', async ({ widget }) => {
    const id = unique('dup');
    const values = (org: string) => ({
      'E-mail': `${id}@example.com`,
      'Full name': 'Dup Licate',
      Phone: '+44 20 7946 0000',
      'Organisation name': org,
      'Company website domain': `${org}.example.org`,
    });
    await widget.open('nitro');
    await widget.fill(values(`first-${id}`));
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();

    await widget.open('nitro');
    await widget.fill(values(`second-${id}`));
    await widget.submit();
    expect(await widget.errorOf('E-mail')).toBe('This is already registered.');
    await expect(widget.field('E-mail')).toBeFocused();
    await expect(widget.field('E-mail')).toHaveValue(`${id}@example.com`);
    const [error] = await widget.hostEvents('org-signup-error');
    expect(error?.detail).toEqual({
      code: 'already_registered',
      errors: { email: 'already_registered' },
    });
  });

  test('a provider outage keeps what the user typed and the retry succeeds', async ({ widget }) => {
    const id = unique('outage');
    await widget.open('nitro');
    await widget.fill({
      'E-mail': `${id}@example.com`,
      'Full name': 'Otto Outage',
      Phone: '+44 20 7946 0111',
      'Organisation name': `Outage ${id}`,
      'Company website domain': `${id}.example.net`,
    });
    await sandbox.faults('nitro', { failRate: 1, mode: '500' });
    try {
      await widget.submit();
      await expect(widget.root.getByRole('alert').filter({ hasText: 'unavailable' })).toBeVisible();
      await expect(widget.field('E-mail')).toHaveValue(`${id}@example.com`);
      await expect(widget.field('Company website domain')).toHaveValue(`${id}.example.net`);
      await expect(widget.submitButton).toBeEnabled();
    } finally {
      await sandbox.faults('nitro', { failRate: 0 });
    }
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
    const registered = (await sandbox.requests('nitro')).filter(
      (r) => r.path.endsWith('/users/register') && r.body['email'] === `${id}@example.com`,
    );
    expect(registered.length).toBeGreaterThanOrEqual(2);
  });

  test('validates on blur and on submit without calling the server', async ({ widget, page }) => {
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await widget.open('nitro');
    await widget.field('E-mail').fill('not-an-email');
    await widget.field('Full name').focus();
    expect(await widget.errorOf('E-mail')).toBe('Enter an e-mail address like name@example.com.');
    await widget.submit();
    await expect(
      widget.root.getByRole('alert').filter({ hasText: 'Please correct' }),
    ).toBeVisible();
    await expect(widget.field('E-mail')).toBeFocused();
    expect(await widget.errorOf('Full name')).toBe('Please fill in this field.');
    await widget.field('E-mail').fill('fixed@example.com');
    await expect(widget.field('E-mail')).toHaveAttribute('aria-invalid', 'false');
    expect(posts).toEqual([]);
  });
});

test.describe('intellectmoney', () => {
  test('registers with INN, invite code and host-page values', async ({ widget }) => {
    const id = unique('boris');
    const inn = freshInn();
    await widget.open(
      'intellectmoney',
      { fields: 'inviteCode', 'lead-comment': 'from the e2e merchant page' },
      { utm_source: 'newsletter', utm_campaign: 'autumn' },
    );
    await widget.fill({
      'E-mail': `${id}@example.ru`,
      'Full name': 'Борис Тестов',
      Phone: '+7 920 123-44-55',
      'INN (taxpayer number)': inn,
      'Invite code': 'WELCOME10',
    });
    await widget.submit();
    await expect(widget.root.getByRole('heading', { name: 'Registration complete' })).toBeVisible();
    const [success] = await widget.hostEvents('org-signup-success');
    const register = (await sandbox.requests('intellectmoney'))
      .filter((r) => r.path.endsWith('/registerOrganization'))
      .at(-1);
    expect(register?.body).toMatchObject({
      RequestId: success?.detail['registrationId'],
      FirstName: 'Борис Тестов',
      ContactPhone: '+79201234455',
      Email: `${id}@example.ru`,
      Inn: inn,
      InviteCode: 'WELCOME10',
      LeadSource: '31',
      LeadComment: 'from the e2e merchant page',
    });
    expect(JSON.parse(register?.body['UTMParams'] ?? '{}')).toEqual({
      utm_source: 'newsletter',
      utm_campaign: 'autumn',
    });
  });

  test('an invalid INN is flagged without any request leaving the browser', async ({
    widget,
    page,
  }) => {
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await widget.open('intellectmoney');
    await widget.fill({
      'E-mail': `${unique('inn')}@example.ru`,
      'Full name': 'Инна Неверная',
      Phone: '+7 920 000-00-01',
      'INN (taxpayer number)': '7707083894',
    });
    await widget.submit();
    expect(await widget.errorOf('INN (taxpayer number)')).toBe(
      'This INN is not valid: check the digits.',
    );
    await expect(widget.field('INN (taxpayer number)')).toBeFocused();
    expect(posts).toEqual([]);
    const [error] = await widget.hostEvents('org-signup-error');
    expect(error?.detail).toEqual({ code: 'invalid_fields', errors: { inn: 'invalid_inn' } });
  });
});

test.describe('a flow that queues on outage', () => {
  test('an outage still ends in "we received it"; the outbox completes it later', async ({
    widget,
  }) => {
    const id = unique('queued');
    await widget.open('intellectmoney');
    await widget.fill({
      'E-mail': `${id}@example.ru`,
      'Full name': 'Ольга Очередь',
      Phone: '+7 920 777-66-55',
      'INN (taxpayer number)': freshInn(),
    });
    await sandbox.faults('intellectmoney', { failRate: 1, mode: 'reset' });
    let registrationId = '';
    try {
      await widget.submit();
      await expect(widget.root.getByRole('heading', { name: 'Request received' })).toBeFocused();
      await expect(
        widget.root.getByText('We will finish your registration shortly', { exact: false }),
      ).toBeVisible();
      const [success] = await widget.hostEvents('org-signup-success');
      expect(success?.detail).toMatchObject({ status: 'queued', next: null });
      registrationId = String(success?.detail['registrationId']);
    } finally {
      await sandbox.faults('intellectmoney', { failRate: 0 });
    }
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${BFF_URL}/v1/registrations/${registrationId}`)).json()) as {
              status: string;
            }
          ).status,
        { timeout: 15_000 },
      )
      .toBe('completed');
  });
});
