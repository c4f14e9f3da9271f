/**
 * The registries' one HTTP path: undici with keep-alive, the caller's deadline as an abort
 * signal, and failures (refused connections, resets, timeouts, 5xx) as `RegistryUnavailable`.
 * Bodies are never logged: a registry's answer about a sole trader is personal data.
 */
import { Agent, request } from 'undici';
import { RegistryUnavailable, type LookupFieldName, type RegistryId } from './types.ts';

export interface RegistryHttpAnswer {
  status: number;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RegistryHttp {
  call(
    url: URL,
    init: { method: 'GET' | 'POST'; headers?: Record<string, string>; json?: unknown },
    signal: AbortSignal,
  ): Promise<RegistryHttpAnswer>;
  close(): Promise<void>;
}

export function createRegistryHttp(registry: string): RegistryHttp {
  const agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 5_000 } });
  return {
    async call(url, init, signal) {
      const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
      let body: string | undefined;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      const target = `${init.method} ${url.pathname}`;
      try {
        const res = await request(url, {
          method: init.method,
          headers,
          body,
          dispatcher: agent,
          signal,
        });
        const text = await res.body.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        return { status: res.statusCode, text, json };
      } catch (err) {
        const why = signal.aborted ? 'timed out' : ((err as Error).message ?? String(err));
        throw new RegistryUnavailable(`${registry}: ${target} failed: ${why}`, false, {
          cause: err,
        });
      }
    },
    close: () => agent.close(),
  };
}

/** A registry answer we cannot read: never a success, and the log says what to check. */
export function unreadable(registry: string, what: string, setting: string): RegistryUnavailable {
  return new RegistryUnavailable(`${registry}: ${what}; check the setting ${setting}`, true);
}

/**
 * What a keyed registry's status says before its body is read: a refused key is a setting to fix
 * (`lookup.<field>.apiKey`); too many requests or a server error is an outage.
 */
export function throwIfRefusedOrDown(
  registry: RegistryId,
  field: LookupFieldName,
  status: number,
): void {
  if (status === 401 || status === 403) {
    throw unreadable(registry, `refused our key (${status})`, `lookup.${field}.apiKey`);
  }
  if (status === 429 || status >= 500) {
    throw new RegistryUnavailable(`${registry} answered ${status}`);
  }
}

/** A registry's text as a form value: empty and null are absent. */
export const present = (v: string | null | undefined): string | undefined => v || undefined;
