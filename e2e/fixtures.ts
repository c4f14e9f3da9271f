/**
 * Page objects and helpers for the e2e suite: the merchant page, the widget found by label and
 * role (as a user finds it), the host page's recorded events, and the sandbox's control routes.
 */
import {
  test as base,
  expect,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from '@playwright/test';
import { freshInn, unique } from '../server/test/data.ts';
import { BFF_URL, HOST_URL } from './playwright.config.ts';

export { freshInn, unique };

export { expect };

export interface HostEvent {
  type: string;
  detail: Record<string, unknown>;
  composed: boolean;
  bubbles: boolean;
}

export class SignupWidget {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.locator('org-signup');
  }

  /** Opens the merchant page with `<org-signup flow=…>` and the given attributes. */
  async open(
    flow: string,
    attributes: Record<string, string> = {},
    query: Record<string, string> = {},
  ) {
    await this.goto(flow, attributes, query);
    await expect(this.submitButton).toBeVisible();
  }

  /**
   * Opens the merchant page like `open`, but waits for nothing: for any locale (the submit
   * button's name differs), or a flow that fails to load.
   */
  async goto(
    flow: string,
    attributes: Record<string, string> = {},
    query: Record<string, string> = {},
  ) {
    const params = new URLSearchParams({ flow, ...query });
    for (const [name, value] of Object.entries(attributes)) params.set(`attr.${name}`, value);
    await this.page.goto(`/merchant.html?${params}`);
  }

  field(label: string | RegExp): Locator {
    return this.root.getByLabel(label);
  }

  get submitButton(): Locator {
    return this.root.getByRole('button', { name: /^(register|registreren|зарегистрироваться)$/i });
  }

  async fill(values: Record<string, string>) {
    for (const [label, value] of Object.entries(values)) await this.field(label).fill(value);
  }

  async submit() {
    await this.submitButton.click();
  }

  /** The error text tied to a field through aria-describedby. */
  async errorOf(label: string): Promise<string> {
    const input = this.field(label);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    const ids = ((await input.getAttribute('aria-describedby')) ?? '')
      .split(' ')
      .filter((id) => id.startsWith('e-'));
    expect(ids).toHaveLength(1);
    return (await this.root.locator(`#${ids[0]}`).textContent())?.trim() ?? '';
  }

  async hostEvents(type?: string): Promise<HostEvent[]> {
    const events = await this.page.evaluate(
      () => (window as unknown as { hostEvents: HostEvent[] }).hostEvents,
    );
    return type ? events.filter((e) => e.type === type) : events;
  }
}

/** The element that has focus, looked up through shadow roots (what a keyboard user is on). */
export interface FocusedElement {
  /** Inside `<org-signup>`'s shadow root. */
  inWidget: boolean;
  tag: string;
  /** `name` (controls), else `id`, else ''. */
  name: string;
  text: string;
}

export async function focusedElement(page: Page): Promise<FocusedElement> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    let inWidget = false;
    while (el?.shadowRoot?.activeElement) {
      if (el.localName === 'org-signup') inWidget = true;
      el = el.shadowRoot.activeElement;
    }
    return {
      inWidget,
      tag: el?.localName ?? '',
      name: el?.getAttribute('name') ?? el?.id ?? '',
      text: (el as HTMLElement | null)?.innerText?.trim().slice(0, 80) ?? '',
    };
  });
}

/** The sandbox's control routes (docs/design.md §4), over HTTP as any tool would use them. */
export const sandbox = {
  /** What the provider received; a request without a body (a GET, a resend) has `body: {}`. */
  async requests(
    provider: string,
  ): Promise<{ method: string; path: string; body: Record<string, string>; status?: number }[]> {
    const res = await fetch(`${BFF_URL}/sandbox/${provider}/_requests`);
    const requests = (await res.json()) as {
      method: string;
      path: string;
      body: Record<string, string> | null;
      status?: number;
    }[];
    return requests.map((r) => ({ ...r, body: r.body ?? {} }));
  },
  async outbox(
    provider: string,
  ): Promise<{ to: string; kind: string; code?: string; link?: string }[]> {
    const res = await fetch(`${BFF_URL}/sandbox/${provider}/_outbox`);
    return (await res.json()) as { to: string; kind: string; code?: string }[];
  },
  /** The latest code the provider sent to `to`. */
  async lastCode(provider: string, to: string): Promise<string> {
    const code = (await this.outbox(provider)).filter((m) => m.to === to && m.code).at(-1)?.code;
    if (!code) throw new Error(`${provider} sent no code to ${to}`);
    return code;
  },
  async faults(provider: string, faults: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${BFF_URL}/sandbox/${provider}/_faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    expect(res.status).toBe(200);
  },
};

export const test = base.extend<{ widget: SignupWidget }>({
  widget: async ({ page }, use) => {
    await use(new SignupWidget(page));
  },
});

/**
 * One page for every test of a file, for suites of many short checks: opening a page costs
 * more than most of them. Each test still starts with its own navigation (`widget.goto` or
 * `widget.open`). After a failing test Playwright starts a new worker, so a new page.
 */
export function sharedPage(options: BrowserContextOptions = {}): {
  page: Page;
  widget: SignupWidget;
} {
  const shared = {} as { page: Page; widget: SignupWidget };
  test.beforeAll(async ({ browser }) => {
    shared.page = await browser.newPage({ baseURL: HOST_URL, ...options });
    shared.widget = new SignupWidget(shared.page);
  });
  test.afterAll(async () => {
    await shared.page.close();
  });
  return shared;
}
