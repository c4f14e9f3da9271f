/**
 * The widget's own form template for a descriptor, as the element's first render makes it: the
 * same controllers (widget/flow-loader.ts, widget/signup-form.ts) with a host that holds the
 * snippet's attributes and never updates. Built by server/web/embed/vite.config.ts with the
 * widget's template minifier, so that the markup (whitespace included: `:empty` rules the grid)
 * is the CDN file's; the server renders it with @lit-labs/ssr (server/web/embed/snippet.ts).
 */
import type { TemplateResult } from 'lit';
import type { FlowDescriptor } from '../../../shared/api.ts';
import { FlowLoader } from '../../../widget/flow-loader.ts';
import type { OrgSignupHost } from '../../../widget/host.ts';
import { SignupForm } from '../../../widget/signup-form.ts';

export interface FormAttributes {
  flow: string;
  locale: string;
  /** The `fields` attribute: optional fields to show. */
  fields: string;
}

export function formTemplate(
  descriptor: FlowDescriptor,
  attributes: FormAttributes,
): TemplateResult {
  const host = {
    ...attributes,
    values: {},
    strings: {},
    addController() {},
    requestUpdate() {},
  } as unknown as OrgSignupHost;
  const loader = new FlowLoader(host, () => undefined);
  loader.descriptor = descriptor;
  return new SignupForm(host, loader, () => Promise.resolve()).render(descriptor);
}
