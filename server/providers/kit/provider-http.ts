/**
 * Every call to a provider goes through here: undici with connect and total timeouts from the
 * flow's config, keep-alive per flow, and failures sorted into `ProviderError`s so adapters only
 * deal with answers. Bodies are never logged (they carry personal data and credentials).
 */
import type { Logger } from 'pino';
import { Agent, request, errors as undiciErrors } from 'undici';
import { ProviderError } from '../../errors.ts';
import { currentAttempt } from './attempt-deadline.ts';

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded; charset=utf-8`. */
  form?: Record<string, string>;
}

export interface ProviderResponse {
  status: number;
  contentType: string;
  text: string;
  /**
   * The body parsed as JSON, once (each call gives the same value); a `bad_response` error when
   * it is not JSON.
   */
  json(): unknown;
}

/** The body as JSON, or undefined: for answers whose body is optional or may be anything. */
export function safeJson(res: ProviderResponse): unknown {
  try {
    return res.json();
  } catch {
    return undefined;
  }
}

export interface ProviderHttp {
  request(req: ProviderRequest): Promise<ProviderResponse>;
  close(): Promise<void>;
}

export interface ProviderHttpOptions {
  provider: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  log: Logger;
  /** Told of every call: its outcome (the HTTP status, or `timeout`, `connect`…) and duration. */
  observe?: (outcome: string, seconds: number) => void;
}

/** undici error codes raised before the request could have reached the provider. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause ? errorCode(cause) : undefined;
}

export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
    keepAliveTimeout: 10_000,
  });

  return {
    async request(req) {
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      let body: string | undefined;
      if (req.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.json);
      } else if (req.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
        body = new URLSearchParams(req.form).toString();
      }
      const started = performance.now();
      const target = `${req.method} ${req.url.pathname}`;
      // Within an attempt, a call gets only what is left of the attempt's time.
      const attempt = currentAttempt();
      const left = attempt ? attempt.endsAt - started : Infinity;
      if (left <= 0) {
        throw new ProviderError(
          'unavailable',
          `${options.provider} ${target} not sent: the attempt's time (3 × the flow's timeouts.connectMs + timeouts.requestMs) is spent`,
          { outcomeUnknown: attempt?.sent ?? false },
        );
      }
      // One deadline for the whole call, answer and body. Not AbortSignal.timeout: it costs
      // about 30 times as much to make, and its timer cannot be cleared, so every call would
      // leave a timer and a signal alive for the full timeout after it ended.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new DOMException(`${target} timed out`, 'TimeoutError')),
        Math.min(options.requestTimeoutMs, left),
      );
      try {
        const res = await request(req.url, {
          method: req.method,
          headers,
          body,
          dispatcher: agent,
          signal: deadline.signal,
        });
        if (attempt) attempt.sent = true;
        const text = await res.body.text();
        const ms = Math.round(performance.now() - started);
        options.observe?.(String(res.statusCode), ms / 1000);
        options.log.debug(
          { provider: options.provider, target, status: res.statusCode, ms },
          'provider call',
        );
        if (res.statusCode >= 500) {
          throw new ProviderError(
            'unavailable',
            `${options.provider} answered ${res.statusCode} to ${target}`,
            // A 503 is the provider refusing work; any other 5xx may have half-done it.
            { outcomeUnknown: res.statusCode !== 503 },
          );
        }
        const contentType = String(res.headers['content-type'] ?? '');
        let parsed: { value: unknown } | undefined;
        return {
          status: res.statusCode,
          contentType,
          text,
          json() {
            // Parsed once: an adapter reads the answer several times (its code, then its body).
            if (parsed) return parsed.value;
            try {
              parsed = { value: JSON.parse(text) as unknown };
              return parsed.value;
            } catch (cause) {
              throw new ProviderError(
                'bad_response',
                `${options.provider} answered ${target} with a body that is not JSON (${contentType || 'no content type'})`,
                { cause },
              );
            }
          },
        };
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        const code = errorCode(err);
        const timedOut =
          (err as Error).name === 'TimeoutError' ||
          err instanceof undiciErrors.HeadersTimeoutError ||
          err instanceof undiciErrors.BodyTimeoutError;
        const sent = !(code && NOT_SENT_CODES.has(code));
        if (attempt && sent) attempt.sent = true;
        options.observe?.(
          timedOut ? 'timeout' : sent ? 'reset' : 'connect',
          (performance.now() - started) / 1000,
        );
        throw new ProviderError(
          'unavailable',
          `${options.provider} ${target} failed: ${timedOut ? 'timed out' : (code ?? (err as Error).message)}`,
          { outcomeUnknown: sent, cause: err },
        );
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}
