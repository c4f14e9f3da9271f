/**
 * `@org-signup/widget/vue`: what a Vue 3 app needs besides the element (which
 * `import '@org-signup/widget'` defines). `isCustomElement` for the template compiler's
 * options, and the `<org-signup>` type for Vue's template type checks (vue-tsc, Volar):
 * its properties and its events (`@org-signup-success` is the `onOrgSignupSuccess` prop).
 * Imports nothing at run time, so a Vite config may import it in Node.
 */
import type { DefineComponent } from 'vue';
import type { OrgSignupEventMap, OrgSignupProperties } from './org-signup.ts';

/** For `compilerOptions.isCustomElement`: `<org-signup>` is a custom element, not a component. */
export const isCustomElement = (tag: string): boolean => tag === 'org-signup';

/** `<org-signup>`'s props in a Vue template: its properties and its event handlers. */
export type OrgSignupVueProps = Partial<OrgSignupProperties> & {
  onOrgSignupReady?: (event: OrgSignupEventMap['org-signup-ready']) => void;
  onOrgSignupSubmit?: (event: OrgSignupEventMap['org-signup-submit']) => void;
  onOrgSignupSuccess?: (event: OrgSignupEventMap['org-signup-success']) => void;
  onOrgSignupError?: (event: OrgSignupEventMap['org-signup-error']) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    'org-signup': DefineComponent<OrgSignupVueProps>;
  }
}

export type {
  OrgSignupErrorDetail,
  OrgSignupEventMap,
  OrgSignupProperties,
  OrgSignupReadyDetail,
  OrgSignupSubmitDetail,
  OrgSignupSuccessDetail,
} from './org-signup.ts';
