/**
 * The demo page at `/`: the widget embedded once per configured flow, exactly as a merchant
 * embeds it (script tag + element), with what to try. Rendered from the config so it always shows
 * the flows this server really has; no inline script or style (the page's CSP forbids them).
 */
import type { LoadedConfig } from '../config/load.ts';
import { LOCALE_IDS } from '../../shared/i18n/index.ts';
import type { ProviderId } from '../../shared/providers.ts';
import { escapeHtml } from './html.ts';

const PROVIDER_NAMES: Record<ProviderId, string> = {
  nitro: 'Nitro Commerce',
  hectare: 'Hectare (Customer API)',
  cloudsuite: 'CloudSuite',
  intellectmoney: 'IntellectMoney',
  titelive: 'TiteLive',
};

const LOCALE_NAMES: Record<(typeof LOCALE_IDS)[number], string> = {
  en: 'English',
  ru: 'Russian',
  nl: 'Dutch',
  de: 'German',
  fr: 'French',
};

/** `origin`: where the page was asked for (its hints name this server's real address). */
export function renderDemoPage(config: LoadedConfig, origin: string): string {
  const at = escapeHtml(origin);
  const sections = config.flows
    .map((flow) => {
      const optional = flow.providerFields
        .filter(
          (f) => !f.required && (!flow.optionalFields || flow.optionalFields.includes(f.name)),
        )
        .map((f) => f.name);
      const attributes = [
        `flow="${escapeHtml(flow.id)}"`,
        optional.length ? `fields="${escapeHtml(optional.join(','))}"` : '',
        flow.hostValues.includes('leadComment')
          ? 'lead-comment="Signed up on the org-signup demo page"'
          : '',
      ]
        .filter(Boolean)
        .join(' ');
      const where = flow.sandbox ? 'sandbox simulator' : 'live provider API';
      return `<section aria-labelledby="h-${escapeHtml(flow.id)}">
  <h2 id="h-${escapeHtml(flow.id)}">${escapeHtml(PROVIDER_NAMES[flow.provider])} <small>flow "${escapeHtml(flow.id)}", ${where}</small></h2>
  <pre><code>&lt;org-signup ${escapeHtml(attributes)}&gt;&lt;/org-signup&gt;</code></pre>
  <p><button type="button" class="copy-embed" data-flow="${escapeHtml(flow.id)}" data-fields="${escapeHtml(optional.join(','))}">Copy embed code</button>
  (the form pre-rendered, for a server-rendered page or a CMS: <a href="/v1/flows/${escapeHtml(flow.id)}/embed.html">/v1/flows/${escapeHtml(flow.id)}/embed.html</a>)</p>
  <pre class="embed-code" hidden><code></code></pre>
  <org-signup ${attributes}></org-signup>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>org-signup demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo.css">
<script type="module" src="/widget/org-signup.js"></script>
<script type="module" src="/demo.js"></script>
</head>
<body>
<header>
  <h1>org-signup demo</h1>
  <p>Each form below is the widget as a merchant page embeds it:
  <code>&lt;script type="module" src="https://your-bff.example/widget/org-signup.js"&gt;&lt;/script&gt;</code> and one
  <code>&lt;org-signup flow="…"&gt;</code> element. Sandbox flows talk to the built-in simulators, so nothing leaves this machine.</p>
  <h2>Things to try</h2>
  <ul>
    <li>Register, then register the same e-mail again: the form shows the provider's "already registered" on the field.</li>
    <li>Type an INN with a wrong check digit (e.g. 7707083894): the widget flags it before anything is sent.</li>
    <li>Simulate an outage: <code>curl -X POST -H 'content-type: application/json' -d '{"failRate":1}' ${at}/sandbox/nitro/_faults</code>,
      submit, see the retry message with your input kept; <code>-d '{"failRate":0}'</code> to recover.</li>
    <li>Hectare asks for a six-digit code: the sandbox "sends" it to <a href="/sandbox/hectare/_outbox">/sandbox/hectare/_outbox</a>.
      TiteLive asks to confirm the e-mail (resend it from the form; the e-mails are in <a href="/sandbox/titelive/_outbox">its outbox</a>).</li>
    <li>CloudSuite waits for approval: start the server with <code>ORG_SIGNUP_ADMIN_TOKEN</code> set, then
      <code>ORG_SIGNUP_URL=${at} npm run admin -- approvals list</code> and <code>npm run admin -- approvals approve KEY --new-customer</code>.</li>
    <li>See what a provider received: ${config.flows
      .filter((f) => f.sandbox)
      .map(
        (f) =>
          `<a href="/sandbox/${escapeHtml(f.provider)}/_requests">${escapeHtml(f.provider)}</a>`,
      )
      .join(', ')} (<code>/sandbox/&lt;provider&gt;/_requests</code>).</li>
    <li>Add <code>?locale=</code> to this page's URL for another language: ${LOCALE_IDS.map(
      (id) => `<a href="?locale=${id}">${id}</a> (${LOCALE_NAMES[id]})`,
    ).join(', ')}; <code>?theme=dark</code> for the dark theme.</li>
  </ul>
</header>
<main>
${sections}
</main>
<aside aria-labelledby="events-h">
  <h2 id="events-h">Events the host page received</h2>
  <ol id="events" aria-live="polite"></ol>
  ${
    config.sandbox.enabled &&
    [...config.webhooks, ...config.flows.flatMap((f) => f.webhooks)].some((w) => w.sandbox)
      ? `<h2 id="webhooks-h">Webhooks the partner's endpoint received</h2>
  <p>Signed events from the BFF, as <a href="/sandbox/webhooks/_requests">/sandbox/webhooks/_requests</a> recorded them (newest first).</p>
  <ol id="webhooks" aria-labelledby="webhooks-h"></ol>`
      : ''
  }
</aside>
</body>
</html>
`;
}
