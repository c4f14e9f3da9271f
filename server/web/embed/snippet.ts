/**
 * The embed snippet of `GET /v1/flows/:flow/embed.html`: the widget's script tag with its
 * integrity hash, and `<org-signup>` holding the form already rendered as a declarative shadow
 * root, so the merchant page paints the form before any script runs. The element takes it over
 * (widget/org-signup.ts `createRenderRoot`) from the descriptor embedded here, with no form
 * token: the snippet is the same for every visitor, the token comes with the descriptor the
 * element loads behind it. Styles by `<link>` to the BFF: nothing the host page's CSP must allow
 * beyond the BFF as a script and style source.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { render } from '@lit-labs/ssr';
import { collectResultSync } from '@lit-labs/ssr/lib/render-result.js';
import type { FlowDescriptor } from '../../../shared/api.ts';
import { HttpProblem } from '../../errors.ts';
import type * as FormTemplate from './form-template.ts';
import { ROOT, WIDGET_DIR } from '../../paths.ts';
import { escapeHtml } from '../html.ts';

export const THEMES = ['light', 'dark', 'auto'] as const;
export type Theme = (typeof THEMES)[number];

export interface Snippet {
  html: string;
  /** A hash of the whole fragment: fields, texts, theme and the widget's integrity hash. */
  etag: string;
}

type FormTemplateModule = typeof FormTemplate;

/** Built by `npm run build` (server/web/embed/vite.config.ts): loaded once, on first use. */
let formModule: Promise<FormTemplateModule> | undefined;
const notBuilt = () =>
  new HttpProblem(503, 'internal_error', 'The widget is not built: run `npm run build`.');

function formTemplateModule(): Promise<FormTemplateModule> {
  const file = pathToFileURL(join(ROOT, 'dist/embed/form-template.js')).href;
  formModule ??= (import(file) as Promise<FormTemplateModule>).catch(() => {
    formModule = undefined; // built later: tried again on the next request
    throw notBuilt();
  });
  return formModule;
}

function integrity(): string {
  try {
    return readFileSync(join(WIDGET_DIR, 'org-signup.js.sri'), 'utf8').trim();
  } catch {
    throw notBuilt();
  }
}

/** JSON inside `<script type="application/json">`: no `</script>` or `<!--` can end it early. */
const jsonData = (value: unknown) =>
  JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** Lit's hydration markers: this markup is taken over, not hydrated, so they are only weight. */
const LIT_MARKERS = /<!--\/?lit-(?:part|node)[^>]*-->|<\?lit\$\d+\$>/g;

/**
 * The server-rendered form. Its submit button is disabled until the element takes over: before
 * that, Enter or a click would send the fields (a password among them) to the host page's URL.
 */
async function formHtml(descriptor: FlowDescriptor, fields: string): Promise<string> {
  const { formTemplate } = await formTemplateModule();
  const attributes = { flow: descriptor.id, locale: descriptor.locale, fields };
  return (
    collectResultSync(render(formTemplate(descriptor, attributes)))
      .replace(LIT_MARKERS, '')
      // SSR writes the `.checked=${false}` property as an attribute, which would tick the box.
      .replaceAll(' checked="false"', '')
      .replace(/<button part="submit" type="submit"/, '$& disabled')
  );
}

/** The element's attributes besides `flow` and `locale` (the descriptor's). */
export interface SnippetOptions {
  theme: Theme;
  /** Optional fields to show, comma-separated (the `fields` attribute); '' for none. */
  fields: string;
}

export async function renderSnippet(
  descriptor: FlowDescriptor,
  { theme, fields }: SnippetOptions,
  bff: string,
): Promise<Snippet> {
  const at = escapeHtml(bff);
  const flow = escapeHtml(descriptor.id);
  const sri = integrity();
  // The files' URLs name the release: the BFF's own are cached for a day and change with each
  // deploy, and a cached older file would fail this integrity check (or miss these styles).
  const release = createHash('sha256').update(sri).digest('base64url').slice(0, 12);
  const html = `<script type="module" src="${at}/widget/org-signup.js?v=${release}" integrity="${sri}" crossorigin="anonymous"></script>
<org-signup flow="${flow}" locale="${escapeHtml(descriptor.locale)}" theme="${theme}"${fields ? ` fields="${escapeHtml(fields)}"` : ''}><template shadowrootmode="open"><link rel="stylesheet" href="${at}/widget/org-signup.css?v=${release}">${await formHtml(descriptor, fields)}<script type="application/json">${jsonData(descriptor)}</script></template></org-signup>
`;
  const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 32)}"`;
  return { html, etag };
}
