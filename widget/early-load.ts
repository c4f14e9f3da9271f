/**
 * Each `<org-signup>`'s flow descriptor, asked for as soon as the widget's script runs. This is
 * the element module's first import, so this code runs before Lit's and the element's: the
 * request to the BFF travels while the element is defined and upgraded, not after (the start-up
 * row of `npm run bench`). An element takes the answer when it asks for exactly the same thing,
 * once; anything else (attributes set from script, elements added later, a reload for a fresh
 * form token) fetches as before.
 */
import type { FlowDescriptor } from '../shared/api.ts';
import { loadFlow } from './api.ts';

/** The BFF that served this script: the default `endpoint`. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

export const endpointOf = (endpoint: string | null | undefined): string =>
  (endpoint || SCRIPT_ORIGIN).replace(/\/+$/, '');

/** The `locale` attribute, then the browser's languages: sent with the descriptor request. */
export const wantedLocales = (locale: string | null | undefined): string[] =>
  [locale, ...(globalThis.navigator?.languages ?? [])].filter((tag): tag is string => Boolean(tag));

/** One descriptor request as a string: the same (flow, endpoint, locales), the same string. */
export const requestOf = (flow: string, endpoint: string, locales: string): string =>
  `${flow} ${endpoint} ${locales}`;

/** How long an element whose descriptor is on its way shows nothing before "Loading…". */
const LOADING_DELAY_MS = 300;

/** A descriptor request made early: what it asked, its answer, and that answer once it came. */
export interface Early {
  request: string;
  answer: Promise<FlowDescriptor>;
  arrived?: FlowDescriptor;
  /** Settles (never rejects) when the answer has come or failed, or after LOADING_DELAY_MS. */
  settled: Promise<unknown>;
}

/** Per element: the request made for it. */
const early = new WeakMap<Element, Early>();

/** This element's early request, if any, left in place. */
export const earlyFor = (element: Element): Early | undefined => early.get(element);

/** The early request for this element if it asks for the same thing; only once. */
export function takeEarly(element: Element, request: string): Early | undefined {
  const made = early.get(element);
  early.delete(element);
  return made?.request === request ? made : undefined;
}

// Not when the element is defined already (the script loaded twice): its elements have loaded.
// Not outside a browser (server rendering imports the package), even where a DOM shim sets a
// global `document` without `customElements`: no page, no request.
const inBrowser =
  __BROWSER_ONLY__ || (typeof document !== 'undefined' && typeof customElements !== 'undefined');
if (inBrowser && !customElements.get('org-signup')) {
  for (const element of document.querySelectorAll('org-signup')) {
    const flow = element.getAttribute('flow');
    if (!flow) continue;
    const endpoint = endpointOf(element.getAttribute('endpoint'));
    const locales = wantedLocales(element.getAttribute('locale')).join(',');
    const answer = loadFlow(endpoint, flow, locales);
    const made: Early = {
      request: requestOf(flow, endpoint, locales),
      answer,
      // A failure is for the element that takes the answer (and is not an unhandled rejection).
      settled: Promise.race([
        answer.then(
          (descriptor) => (made.arrived = descriptor),
          () => undefined,
        ),
        new Promise((resolve) => setTimeout(resolve, LOADING_DELAY_MS)),
      ]),
    };
    early.set(element, made);
  }
}
