/**
 * A partner's React 19 app, embedding the widget as docs/frameworks.md says: `<OrgSignup>` from
 * `@org-signup/widget/react`, `values` and `strings` as props, the events as typed props into
 * React state. ?email= prefills the e-mail; ?hold=1 starts with submissions held (vetoed).
 */
import { useState } from 'react';
import { OrgSignup } from '@org-signup/widget/react';

const endpoint = document.querySelector<HTMLMetaElement>('meta[name=org-signup-endpoint]')!.content;
const query = new URLSearchParams(location.search);
const values = { email: query.get('email') ?? '' };
const strings = { 'form.submit': 'Open my account' };

export function App() {
  const [hold, setHold] = useState(query.get('hold') === '1');
  const [held, setHeld] = useState(0);
  const [provider, setProvider] = useState('');
  const [registrationId, setRegistrationId] = useState('');
  return (
    <main>
      <h1>Open a business account</h1>
      <label>
        <input type="checkbox" checked={hold} onChange={(e) => setHold(e.target.checked)} /> Hold
        submissions
      </label>
      <OrgSignup
        flow="nitro"
        endpoint={endpoint}
        values={values}
        strings={strings}
        onReady={(e) => setProvider(e.detail.provider)}
        onSubmit={(e) => {
          if (!hold) return;
          e.preventDefault();
          setHeld((n) => n + 1);
        }}
        onSuccess={(e) => setRegistrationId(e.detail.registrationId)}
      />
      <dl>
        <dt>Provider</dt>
        <dd data-testid="provider">{provider}</dd>
        <dt>Submissions held</dt>
        <dd data-testid="held">{held}</dd>
        <dt>Registration</dt>
        <dd data-testid="registration-id">{registrationId}</dd>
      </dl>
    </main>
  );
}
