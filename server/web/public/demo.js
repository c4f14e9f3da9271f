// The demo page's only script: applies ?locale= and ?theme= to every widget and lists the
// events the page receives (as text, never as HTML).
const params = new URLSearchParams(location.search);
for (const el of document.querySelectorAll('org-signup')) {
  if (params.get('locale')) el.setAttribute('locale', params.get('locale'));
  if (params.get('theme')) el.setAttribute('theme', params.get('theme'));
}
// "Copy embed code": the flow's snippet (GET /v1/flows/:flow/embed.html) in this page's locale
// and theme, shown as text under the button and copied to the clipboard where allowed.
for (const button of document.querySelectorAll('button.copy-embed')) {
  button.addEventListener('click', async () => {
    const query = new URLSearchParams();
    for (const key of ['locale', 'theme']) if (params.get(key)) query.set(key, params.get(key));
    // The optional fields this page's element shows.
    if (button.dataset.fields) query.set('fields', button.dataset.fields);
    const res = await fetch(
      `/v1/flows/${encodeURIComponent(button.dataset.flow)}/embed.html?${query}`,
    );
    const code = button.closest('section').querySelector('.embed-code');
    code.firstElementChild.textContent = res.ok ? await res.text() : `HTTP ${res.status}`;
    code.hidden = false;
    try {
      await navigator.clipboard.writeText(code.textContent);
      button.textContent = 'Copied: paste it where the form goes';
    } catch {
      button.textContent = 'Select the code below to copy it';
    }
  });
}

const list = document.getElementById('events');
for (const type of [
  'org-signup-ready',
  'org-signup-submit',
  'org-signup-success',
  'org-signup-error',
]) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    const flow = event.target.getAttribute('flow');
    item.textContent = `${new Date().toLocaleTimeString()} ${type} (${flow}) ${JSON.stringify(event.detail)}`;
    list.prepend(item);
  });
}

// What the partner's webhook endpoint heard: the sandbox's receiver, which verifies each
// signature (204) or refuses it (400). Polled while the page is open; shown as text.
const hooks = document.getElementById('webhooks');
if (hooks) {
  let shown = '';
  const poll = async () => {
    try {
      const res = await fetch('/sandbox/webhooks/_requests');
      if (!res.ok) return;
      const received = (await res.json()).slice(-15).reverse();
      const text = JSON.stringify(received.map((r) => [r.headers['webhook-id'], r.status]));
      if (text === shown) return;
      shown = text;
      hooks.replaceChildren(
        ...received.map((r) => {
          const item = document.createElement('li');
          let type = '?';
          let id = '';
          try {
            const body = JSON.parse(r.body);
            type = body.type;
            id = body.data && body.data.id ? ` ${body.data.id.slice(0, 8)}…` : '';
          } catch {
            // Not JSON: shown by its id only.
          }
          const verdict = r.status === 204 ? 'signature verified' : `refused (${r.status})`;
          item.textContent = `${type}${id} (${r.headers['webhook-id']}): ${verdict}`;
          return item;
        }),
      );
    } catch {
      // The receiver is not mounted, or the server is down: nothing to show.
    }
  };
  void poll();
  setInterval(poll, 2000);
}
