/**
 * Type test (tsc only, never run): what a Vue 3 template compiles to, `h()` with the component
 * `<org-signup>` resolves to in Vue's GlobalComponents (declared by `@org-signup/widget/vue`),
 * so that its properties and `@org-signup-…` handlers are checked as vue-tsc checks a template.
 */
import '@org-signup/widget';
import { isCustomElement } from '@org-signup/widget/vue';
import { defineComponent, h, ref, type GlobalComponents } from 'vue';

declare const OrgSignupTag: GlobalComponents['org-signup'];
type Props = InstanceType<GlobalComponents['org-signup']>['$props'];

export const custom: boolean = isCustomElement('org-signup');

export default defineComponent({
  setup() {
    const registrationId = ref('');
    return () =>
      h(OrgSignupTag, {
        flow: 'nitro',
        endpoint: 'https://signup.partner.example',
        values: { email: 'ann@example.com' },
        strings: { 'form.submit': 'Open my account' },
        onOrgSignupSubmit: (e) => e.preventDefault(),
        onOrgSignupSuccess: (e) => (registrationId.value = e.detail.registrationId),
      });
  },
});

export const refused: Props[] = [
  // @ts-expect-error: `flow` is a string.
  { flow: 1 },
  // @ts-expect-error: `theme` is light, dark or auto.
  { flow: 'nitro', theme: 'blue' },
  // @ts-expect-error: a success's detail has no `nope`.
  { flow: 'nitro', onOrgSignupSuccess: (e) => void e.detail.nope },
];
