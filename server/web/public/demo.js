// The demo page's only script: applies ?locale= and ?theme= to every widget and lists the
// events the page receives (as text, never as HTML).
const params = new URLSearchParams(location.search);
for (const el of document.querySelectorAll('org-signup')) {
  if (params.get('locale')) el.setAttribute('locale', params.get('locale'));
  if (params.get('theme')) el.setAttribute('theme', params.get('theme'));
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
