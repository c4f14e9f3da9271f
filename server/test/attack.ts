/**
 * Shared by the attack tests (fuzz.test.ts, api-regressions.test.ts, secrets.test.ts): raw HTTP
 * exchanges with a BFF and the properties every BFF answer must have, whatever was sent.
 *
 * Requests go through one undici Pool with the path passed byte for byte (`bff.fetch` builds a
 * URL first, which resolves `..` segments and so could never send a traversal attempt). undici
 * refuses some requests before sending them (control characters in headers, non-Latin-1 or
 * spaces in the path, CONNECT); the generators never produce those, because an undici Pool whose
 * request was refused that way can stop dispatching altogether (seen with undici 7: after as many
 * refusals as the pool has connections, the next request hangs). A timeout on every request
 * turns any such hang into a failure instead of a stuck test run.
 */
import { Pool } from 'undici';
import { FIELD_ERROR_CODES, PROBLEM_CODES } from '../../shared/errors.ts';

export interface AttackRequest {
  method: string;
  /** Sent as is: no URL parsing, no normalisation of `.`/`..` or percent-escapes. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Exchange {
  request: AttackRequest;
  status: number;
  /** Header names lower-case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

export interface Attacker {
  send(request: AttackRequest): Promise<Exchange>;
  /** Requests answered by the server (a request undici refused to send is not counted). */
  readonly answered: number;
  close(): Promise<void>;
}

/** What undici sends: a path of visible Latin-1, header values of tab, space and Latin-1. */
const SENDABLE_PATH = /^\/[\u0021-\u00ff]*$/;
const SENDABLE_HEADER = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;

export function attacker(
  url: string,
  options: { connections?: number; timeoutMs?: number } = {},
): Attacker {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pool = new Pool(url, {
    connections: options.connections ?? 8,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  let answered = 0;
  return {
    get answered() {
      return answered;
    },
    async send(request) {
      // Checked here, because undici's own refusal can wedge the pool (see above).
      if (!SENDABLE_PATH.test(request.path)) {
        throw new Error(`not sendable (generator bug): path ${JSON.stringify(request.path)}`);
      }
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        if (!SENDABLE_HEADER.test(value)) {
          throw new Error(`not sendable (generator bug): ${name}: ${JSON.stringify(value)}`);
        }
      }
      const res = await pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers ?? {},
        body: request.body ?? null,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      answered += 1;
      const headers = Object.fromEntries(
        Object.entries(res.headers).map(([k, v]) => [
          k.toLowerCase(),
          Array.isArray(v) ? v.join(', ') : String(v),
        ]),
      );
      return { request, status: res.statusCode, headers, text };
    },
    close: () => pool.close(),
  };
}

const PROBLEM_TYPE = /^application\/problem\+json(\s*;|$)/i;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(\s*;|$)/i;
const HTML_TYPE = /^text\/html(\s*;|$)/i;

/** `<script…>` / `<img … onerror=…>`-style tags the request carried, lower-cased, decoded. */
function injectedTags(request: AttackRequest): string[] {
  const parts = [request.path, ...Object.values(request.headers ?? {})];
  if (typeof request.body === 'string') parts.push(request.body);
  else if (request.body) parts.push(request.body.toString('latin1'));
  const decoded = parts.flatMap((p) => {
    try {
      return [p, decodeURIComponent(p.replace(/\+/g, ' '))];
    } catch {
      return [p];
    }
  });
  const tags = new Set<string>();
  for (const text of decoded) {
    for (const m of text.toLowerCase().matchAll(/<(?:script|img|svg|iframe)\b[^>]*>?/g)) {
      tags.add(m[0]);
    }
  }
  return [...tags];
}

export interface AnswerCheck {
  /** Broken properties, each a sentence; empty when the answer is fine. */
  violations: string[];
  /** A 502/503 `provider_unavailable`: allowed by the contract, counted by the caller. */
  providerUnavailable: boolean;
}

/**
 * The properties of every answer of the BFF's own routes (not `/sandbox/*`, which plays the
 * provider): helmet's nosniff; no 5xx but a provider outage; every 4xx an RFC 9457 problem with
 * our stable code (the widget translates `code` and `errors`, so an unknown one is a blank
 * message to a user); JSON that parses; no tag the request carried reflected into HTML.
 */
export function checkAnswer(
  ex: Exchange,
  options: {
    /** HTML pages the server renders without any request input (the demo page), verbatim. */
    staticPages?: ReadonlySet<string>;
  } = {},
): AnswerCheck {
  const violations: string[] = [];
  const type = ex.headers['content-type'] ?? '';
  const head = ex.request.method.toUpperCase() === 'HEAD';
  let body: Record<string, unknown> | undefined;
  if (!head && ex.text && (JSON_TYPE.test(type) || PROBLEM_TYPE.test(type))) {
    try {
      body = JSON.parse(ex.text) as Record<string, unknown>;
    } catch {
      violations.push(`${type} body is not JSON: ${ex.text.slice(0, 120)}`);
    }
  }

  if (ex.headers['x-content-type-options'] !== 'nosniff') {
    violations.push('no "x-content-type-options: nosniff"');
  }

  const providerUnavailable =
    (ex.status === 502 || ex.status === 503) &&
    PROBLEM_TYPE.test(type) &&
    (head || body?.['code'] === 'provider_unavailable');
  if (ex.status >= 500 && !providerUnavailable) {
    violations.push(`answered ${ex.status}: ${ex.text.slice(0, 200)}`);
  }

  if (ex.status >= 400) {
    if (!PROBLEM_TYPE.test(type)) {
      violations.push(`a ${ex.status} with content-type "${type}", not application/problem+json`);
    } else if (!head) {
      const code = body?.['code'];
      if (typeof code !== 'string' || !(PROBLEM_CODES as readonly string[]).includes(code)) {
        violations.push(`problem code ${JSON.stringify(code)} is not one of PROBLEM_CODES`);
      }
      if (body?.['type'] !== `urn:org-signup:problem:${String(code)}`) {
        violations.push(`problem type ${JSON.stringify(body?.['type'])} does not name its code`);
      }
      if (typeof body?.['title'] !== 'string' || !body['title']) {
        violations.push('problem without a title');
      }
      if (body?.['status'] !== ex.status) {
        violations.push(`problem status ${JSON.stringify(body?.['status'])} != HTTP ${ex.status}`);
      }
      const errors = body?.['errors'];
      if (errors !== undefined) {
        const values =
          errors && typeof errors === 'object' && !Array.isArray(errors)
            ? Object.values(errors)
            : [errors];
        const unknown = values.filter(
          (v) => typeof v !== 'string' || !(FIELD_ERROR_CODES as readonly string[]).includes(v),
        );
        if (unknown.length) {
          violations.push(`field error codes not in FIELD_ERROR_CODES: ${JSON.stringify(unknown)}`);
        }
      }
    }
  }

  // A static page equal to its reference reflects nothing; any other HTML must not contain a tag
  // the request carried (the demo page's own <script> would match a bare "<script" otherwise).
  if (HTML_TYPE.test(type) && !head && !options.staticPages?.has(ex.text)) {
    const page = ex.text.toLowerCase();
    const reflected = injectedTags(ex.request).filter((tag) => page.includes(tag));
    if (reflected.length) {
      violations.push(`HTML answer reflects ${JSON.stringify(reflected)} from the request`);
    }
  }

  return { violations, providerUnavailable };
}

/** A short description of an exchange for failure messages (bounded: bodies can be 20 kB). */
export function describeExchange(ex: Exchange): string {
  const body =
    ex.request.body === undefined
      ? ''
      : ` body(${ex.request.body.length})=${JSON.stringify(String(ex.request.body).slice(0, 160))}`;
  return (
    `${ex.request.method} ${JSON.stringify(ex.request.path.slice(0, 160))} ` +
    `headers=${JSON.stringify(ex.request.headers ?? {}).slice(0, 300)}${body} ` +
    `-> ${ex.status} ${ex.headers['content-type'] ?? '(no content-type)'} ${ex.text.slice(0, 200)}`
  );
}
