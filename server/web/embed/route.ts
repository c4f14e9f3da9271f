/**
 * `GET /v1/flows/:flow/embed.html?locale=…&theme=…&fields=…`: the flow's embed snippet
 * (server/web/embed/snippet.ts). The same for every visitor, so cacheable: an ETag (a hash of
 * the fragment, which changes with the flow's fields, the texts, the theme and the widget
 * release) answered with 304, and a short max-age so that a change shows within minutes.
 */
import type { Request, Response } from 'express';
import type { FlowDescriptor } from '../../../shared/api.ts';
import { LOCALES, type Locale } from '../../../shared/i18n/index.ts';
import { negotiate } from '../../../shared/i18n/negotiate.ts';
import { HttpProblem } from '../../errors.ts';
import type { Flow } from '../../registration/flows.ts';
import { renderSnippet, THEMES, type Snippet, type Theme } from './snippet.ts';

/** Five minutes fresh, then revalidated (a 304 costs a hash compare: the snippet is memoized). */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=3600';

const MEMO_LIMIT = 500;

function queryValue(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new HttpProblem(400, 'bad_request', `Give ?${name}= once.`);
}

/** `?locale=`: one of the flow's locales (`ru-RU` is `ru`); default its first. */
function localeOf(req: Request, flow: Flow): Locale {
  const offered = flow.descriptor.locales as Locale[];
  const asked = queryValue(req, 'locale');
  if (asked === undefined) return offered[0] ?? 'en';
  const found = negotiate([asked.slice(0, 35)], offered, '' as Locale);
  if (!found) {
    throw new HttpProblem(
      400,
      'bad_request',
      `locale must be one of the flow's locales: ${offered.join(', ')}.`,
    );
  }
  return found;
}

function themeOf(req: Request): Theme {
  const asked = queryValue(req, 'theme') ?? 'light';
  if (!(THEMES as readonly string[]).includes(asked)) {
    throw new HttpProblem(400, 'bad_request', `theme must be one of ${THEMES.join(', ')}.`);
  }
  return asked as Theme;
}

/** `?fields=`: the flow's optional fields to show, as the element's `fields` attribute takes. */
function fieldsOf(req: Request, flow: Flow): string {
  const asked = (queryValue(req, 'fields') ?? '').split(',').filter(Boolean);
  const optional: string[] = flow.descriptor.fields.filter((f) => !f.required).map((f) => f.name);
  const unknown = asked.filter((name) => !optional.includes(name));
  if (unknown.length) {
    throw new HttpProblem(
      400,
      'bad_request',
      `fields takes the flow's optional fields (${optional.join(', ') || 'none'}), not ${unknown.join(', ')}.`.slice(
        0,
        300,
      ),
    );
  }
  // In the flow's order, once each: one spelling, one snippet.
  return optional.filter((name) => asked.includes(name)).join(',');
}

/** The handler, with its snippets memoized per (BFF address, flow, locale, theme). */
export function embedRoute(): (req: Request, res: Response, flow: Flow) => Promise<void> {
  const made = new Map<string, Promise<Snippet>>();
  return async (req, res, flow) => {
    const [locale, theme, fields] = [localeOf(req, flow), themeOf(req), fieldsOf(req, flow)];
    // The address the snippet was asked at: where its script and stylesheet come from.
    const bff = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const key = [bff, flow.id, locale, theme, fields].join(' ');
    let snippet = made.get(key);
    if (!snippet) {
      // No form token: the snippet is shared; the element loads its own descriptor for one.
      const descriptor: FlowDescriptor = {
        ...flow.descriptor,
        bot: { ...flow.descriptor.bot, formToken: '' },
        locale,
        strings: LOCALES[locale],
      };
      snippet = renderSnippet(descriptor, { theme, fields }, bff);
      // The Host header is the client's to choose: a bounded memo, not one entry per spelling.
      if (made.size >= MEMO_LIMIT) made.clear();
      made.set(key, snippet);
      snippet.catch(() => made.delete(key));
    }
    const { html, etag } = await snippet;
    // Express's send() answers 304 itself when If-None-Match holds this ETag.
    res.set({ 'cache-control': CACHE_CONTROL, etag }).type('html').send(html);
  };
}
