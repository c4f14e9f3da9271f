/**
 * Type test (tsc only, never run): a React 19 app's TSX with `<OrgSignup>` from
 * `@org-signup/widget/react` and `<org-signup>` itself. `npm run typecheck` checks it against the
 * sources (tsconfig.json), widget/package.test.ts against the built package (tsconfig.dist.json).
 */
import { useRef, useState } from 'react';
import type { OrgSignup as OrgSignupElement } from '@org-signup/widget';
import { OrgSignup, type OrgSignupProps } from '@org-signup/widget/react';

export function Signup() {
  const element = useRef<OrgSignupElement>(null);
  const [registrationId, setRegistrationId] = useState('');
  const [blocked] = useState(false);
  return (
    <>
      <OrgSignup
        ref={element}
        flow="nitro"
        endpoint="https://signup.partner.example"
        theme="auto"
        className="signup"
        values={{ email: 'ann@example.com' }}
        strings={{ 'form.submit': 'Open my account' }}
        onReady={(e) => console.log(e.detail.provider)}
        onSubmit={(e) => {
          if (blocked || !e.detail.fields['email']) e.preventDefault();
        }}
        onSuccess={(e) => setRegistrationId(e.detail.registrationId)}
        onError={(e) => console.log(e.detail.code, e.detail.errors)}
      />
      <org-signup
        flow="nitro"
        terms-url="/terms"
        values={{ email: 'ann@example.com' }}
        onorg-signup-success={(e) => setRegistrationId(e.detail.registrationId)}
      />
      <p>{registrationId}</p>
    </>
  );
}

export const refused = [
  // @ts-expect-error: `flow` is a string.
  <OrgSignup flow={1} />,
  // @ts-expect-error: a success's detail has no `nope`.
  <OrgSignup flow="nitro" onSuccess={(e) => void e.detail.nope} />,
  // @ts-expect-error: `strings` takes the locale's keys only.
  <OrgSignup flow="nitro" strings={{ 'no.such.key': 'x' }} />,
  // @ts-expect-error: `theme` is light, dark or auto.
  <org-signup flow="nitro" theme="blue" />,
];

// The element as the DOM types it, the same class whichever entry it came from.
export const same: OrgSignupElement | null = document.querySelector('org-signup');
export const props: OrgSignupProps = { flow: 'nitro', onSuccess: (e) => e.detail.status };
