/** Moving the focus to what a change has just rendered. */
import type { ReactiveElement } from 'lit';

/** Renders the pending change, then focuses the element's first match of `selector`; returns it. */
export async function focusAfterUpdate(
  host: ReactiveElement,
  selector: string,
): Promise<HTMLElement | null> {
  host.requestUpdate();
  await host.updateComplete;
  const target = host.renderRoot.querySelector<HTMLElement>(selector);
  target?.focus();
  return target;
}
