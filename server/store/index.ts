/** Opens the store named by `STORE_URL` (docs/configuration.md). */
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export const DEFAULT_STORE_URL = 'sqlite:./data/org-signup.db';

/**
 * The URL for an error message: everything up to the last `@` (user info, even malformed) and any
 * `password=` parameter masked.
 */
const redact = (url: string): string =>
  url.replace(/\/\/.*@/s, '//***@').replace(/(password=)[^&#]*/gi, '$1***');

/**
 * `?schema=name` picks the Postgres schema (default `public`); it is ours, not a libpq
 * parameter, so it is taken out of the URL handed to the driver.
 */
function splitSchema(url: string): { url: string; schema?: string } {
  const query = url.indexOf('?');
  if (query < 0) return { url };
  const params = new URLSearchParams(url.slice(query + 1));
  const schema = params.get('schema');
  if (schema === null) return { url };
  params.delete('schema');
  const rest = params.toString();
  return { url: url.slice(0, query) + (rest ? `?${rest}` : ''), schema };
}

export async function openStore(url: string = DEFAULT_STORE_URL): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqliteStore(url.slice('sqlite:'.length) || ':memory:');
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { url: connection, schema } = splitSchema(url);
    return openPostgresStore(connection, schema === undefined ? {} : { schema });
  }
  throw new Error(
    `STORE_URL "${redact(url)}" is not supported: use sqlite:<path> (for example ${DEFAULT_STORE_URL}) or postgres://user:password@host:5432/database[?schema=name]`,
  );
}

export type { Store } from './types.ts';
