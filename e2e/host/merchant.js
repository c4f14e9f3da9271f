// Builds <org-signup> from this page's query (?flow=…&attr.fields=…) and records the events the
// page receives in window.hostEvents, for the tests to read. CSP-clean: no inline script.
const params = new URLSearchParams(location.search);
const el = document.createElement('org-signup');
el.setAttribute('flow', params.get('flow') || 'nitro');
for (const [key, value] of params) {
  if (key.startsWith('attr.')) el.setAttribute(key.slice(5), value);
}
window.hostEvents = [];
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
);
for (const type of [
  'org-signup-ready',
  'org-signup-submit',
  'org-signup-success',
  'org-signup-error',
]) {
  document.addEventListener(type, (e) => {
    window.hostEvents.push({ type, detail: e.detail, composed: e.composed, bubbles: e.bubbles });
    if (type === 'org-signup-submit' && params.get('veto') === '1') e.preventDefault();
  });
}
document.getElementById('slot').append(el);
