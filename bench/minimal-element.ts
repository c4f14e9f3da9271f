/**
 * The yardstick for the widget's start-up time: the least a Lit form element can be (five
 * labelled inputs and a button, rendered at once, no fetch). Built and timed by bench/index.ts.
 */
import { LitElement, html } from 'lit';

class MinimalForm extends LitElement {
  override render() {
    return html`<form>
      ${['E-mail', 'Full name', 'Phone', 'Organisation name', 'Company website domain'].map(
        (label, i) => html`<label for="f${i}">${label}</label><input id="f${i}" name="f${i}" />`,
      )}
      <button type="submit">Register</button>
    </form>`;
  }
}
customElements.define('minimal-form', MinimalForm);
