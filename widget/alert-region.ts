/** The live region the form and the follow-up steps show their problems in. */
import { html, nothing, type TemplateResult } from 'lit';

/**
 * A live region that is always in the page (so screen readers announce what appears in it),
 * styled only while it has something to say.
 */
export function alertRegion(text: string | undefined): TemplateResult {
  // No whitespace inside: empty, it matches :empty and takes no room in the grid.
  return html`<div role="alert">
    ${text ? html`<p class="message" part="message">${text}</p>` : nothing}
  </div>`;
}
