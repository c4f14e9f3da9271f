/**
 * `@org-signup/widget/react`: `<OrgSignup>` for React 19, made with @lit/react's
 * `createComponent` (bundled in, so `lit` stays the package's only dependency): `values`,
 * `strings` and `captchaToken` are set as properties, and the element's events are typed props,
 * `onReady`, `onSubmit`, `onSuccess`, `onError`. Importing this module defines the element in a
 * browser and nothing during server rendering: the server renders `<org-signup>`, the browser
 * upgrades it.
 *
 * Also types `<org-signup>` itself in JSX, for an app that renders the element directly.
 */
import { createComponent, type EventName } from '@lit/react';
import React from 'react';
import {
  OrgSignup as OrgSignupElement,
  type OrgSignupEventMap,
  type OrgSignupProperties,
} from './org-signup.ts';

/** An event's name, carrying its type for the handler prop. */
type Named<K extends keyof OrgSignupEventMap> = EventName<OrgSignupEventMap[K]>;

/** The events as props of `<OrgSignup>`. */
export interface OrgSignupEventProps {
  /** `org-signup-ready`: the form is rendered. */
  onReady?: (event: OrgSignupEventMap['org-signup-ready']) => void;
  /** `org-signup-submit`: about to send; `event.preventDefault()` stops the submission. */
  onSubmit?: (event: OrgSignupEventMap['org-signup-submit']) => void;
  /** `org-signup-success`: registered. */
  onSuccess?: (event: OrgSignupEventMap['org-signup-success']) => void;
  /** `org-signup-error`: refused or failed. */
  onError?: (event: OrgSignupEventMap['org-signup-error']) => void;
}

/** `<OrgSignup>`'s props: the element's properties, its events, and HTML's own attributes. */
export type OrgSignupProps = Partial<OrgSignupProperties> &
  OrgSignupEventProps &
  Omit<React.HTMLAttributes<OrgSignupElement>, keyof OrgSignupEventProps>;

/** `<OrgSignup flow="…" onSuccess={…} />`; its `ref` is the `<org-signup>` element. */
export const OrgSignup: React.ForwardRefExoticComponent<
  OrgSignupProps & React.RefAttributes<OrgSignupElement>
> = createComponent({
  react: React,
  tagName: 'org-signup',
  elementClass: OrgSignupElement,
  events: {
    onReady: 'org-signup-ready' as Named<'org-signup-ready'>,
    onSubmit: 'org-signup-submit' as Named<'org-signup-submit'>,
    onSuccess: 'org-signup-success' as Named<'org-signup-success'>,
    onError: 'org-signup-error' as Named<'org-signup-error'>,
  },
  displayName: 'OrgSignup',
});

/**
 * `<org-signup>` in JSX (React 19 sets properties on custom elements and listens to
 * `on` + the event's name): the element's properties, its attributes, its events.
 */
export type OrgSignupIntrinsicProps = React.DetailedHTMLProps<
  React.HTMLAttributes<OrgSignupElement>,
  OrgSignupElement
> &
  Partial<OrgSignupProperties> & {
    'terms-url'?: string;
    'privacy-url'?: string;
    'redirect-url'?: string;
    'invite-code'?: string;
    'lead-comment'?: string;
    'lead-attractor'?: string;
  } & {
    [K in keyof OrgSignupEventMap as `on${K}`]?: (event: OrgSignupEventMap[K]) => void;
  };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'org-signup': OrgSignupIntrinsicProps;
    }
  }
}

declare global {
  // The global JSX namespace, for tools that still read it.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'org-signup': OrgSignupIntrinsicProps;
    }
  }
}

export type {
  OrgSignup as OrgSignupElement,
  OrgSignupErrorDetail,
  OrgSignupEventMap,
  OrgSignupProperties,
  OrgSignupReadyDetail,
  OrgSignupSubmitDetail,
  OrgSignupSuccessDetail,
} from './org-signup.ts';
