/** Dispatching the element's events (widget/events.ts). */
import type { OrgSignupEventMap } from './events.ts';

/** Dispatches one of the element's events; false if a listener cancels it. */
export function emit<K extends keyof OrgSignupEventMap>(
  host: HTMLElement,
  type: K,
  detail: OrgSignupEventMap[K]['detail'],
  cancelable = false,
): boolean {
  return host.dispatchEvent(
    new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }),
  );
}
