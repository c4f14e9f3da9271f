/**
 * The element's styles. Theming goes through `--org-signup-*` custom properties (documented in
 * the README) and `::part()`; internal `--_*` variables hold the resolved values. Logical
 * properties only, so right-to-left pages lay out correctly. Colours meet WCAG AA (4.5:1) on
 * their own background in both themes.
 */
import { css } from 'lit';

const dark = css`
  --_bg: var(--org-signup-color-background, #16181d);
  --_fg: var(--org-signup-color-text, #eef0f4);
  --_muted: var(--org-signup-color-muted, #b3b9c6);
  --_border: var(--org-signup-color-border, #8a93a6);
  --_accent: var(--org-signup-color-accent, #8fb6ff);
  --_accent-fg: var(--org-signup-color-accent-text, #0b1a33);
  --_error: var(--org-signup-color-error, #ff9c94);
  --_success: var(--org-signup-color-success, #7fd8a0);
  --_field-bg: var(--org-signup-color-field, #20232b);
  color-scheme: dark;
`;

export const styles = css`
  :host {
    --_bg: var(--org-signup-color-background, #ffffff);
    --_fg: var(--org-signup-color-text, #1b1e24);
    --_muted: var(--org-signup-color-muted, #545b68);
    --_border: var(--org-signup-color-border, #767d8c);
    --_accent: var(--org-signup-color-accent, #1f5fd6);
    --_accent-fg: var(--org-signup-color-accent-text, #ffffff);
    --_error: var(--org-signup-color-error, #b3261e);
    --_success: var(--org-signup-color-success, #1e6b3a);
    --_field-bg: var(--org-signup-color-field, #ffffff);
    --_radius: var(--org-signup-radius, 6px);
    --_space: var(--org-signup-spacing, 1rem);
    --_focus: var(--org-signup-color-focus, var(--_accent));
    display: block;
    max-inline-size: var(--org-signup-max-width, 32rem);
    font: var(--org-signup-font, inherit);
    color: var(--_fg);
    background: var(--_bg);
    color-scheme: light;
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  form,
  .panel {
    display: grid;
    gap: var(--_space);
    padding: var(--org-signup-padding, 0);
  }
  .field {
    display: grid;
    gap: calc(var(--_space) / 4);
  }
  label {
    font-weight: 600;
  }
  .marker {
    color: var(--_error);
    margin-inline-start: 0.15em;
  }
  .note,
  .hint {
    color: var(--_muted);
    font-size: 0.875em;
    margin: 0;
  }
  input[type='text'],
  input[type='email'],
  input[type='tel'],
  input[type='password'],
  input:not([type]),
  select {
    font: inherit;
    color: var(--_fg);
    background: var(--_field-bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding-block: 0.55em;
    padding-inline: 0.7em;
    inline-size: 100%;
    min-block-size: 2.75rem;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 2px;
  }
  input:focus-visible,
  select:focus-visible,
  button:focus-visible,
  a:focus-visible,
  [tabindex='-1']:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .error {
    color: var(--_error);
    font-size: 0.875em;
    margin: 0;
  }
  .error:empty {
    display: none;
  }
  .consent {
    display: flex;
    gap: 0.5em;
    align-items: flex-start;
  }
  .consent input {
    margin-block-start: 0.25em;
    inline-size: 1.1rem;
    block-size: 1.1rem;
  }
  a {
    color: var(--_accent);
  }
  button {
    font: inherit;
    font-weight: 600;
    color: var(--_accent-fg);
    background: var(--_accent);
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    padding-block: 0.65em;
    padding-inline: 1.2em;
    min-block-size: 2.75rem;
    cursor: pointer;
    justify-self: start;
  }
  button[disabled] {
    cursor: progress;
    opacity: 0.75;
  }
  button.secondary {
    color: var(--_accent);
    background: transparent;
  }
  .message {
    border-inline-start: 4px solid var(--_error);
    padding-block: 0.5em;
    padding-inline: 0.75em;
    margin: 0;
  }
  .success {
    border-inline-start-color: var(--_success);
  }
  .resend {
    display: grid;
    gap: calc(var(--_space) / 4);
  }
  h2 {
    font-size: 1.25em;
    margin: 0;
  }
  code {
    font-size: 1.1em;
    overflow-wrap: anywhere;
  }
  .hp,
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
