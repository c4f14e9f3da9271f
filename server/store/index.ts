/** Opens the store named by `STORE_URL` (DESIGN.md §5). */
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export const DEFAULT_STORE_URL = 'sqlite:./data/org-signup.db';

export function openStore(url: string = DEFAULT_STORE_URL): Store {
  if (url.startsWith('sqlite:')) return openSqliteStore(url.slice('sqlite:'.length) || ':memory:');
  throw new Error(
    `STORE_URL "${url.replace(/\/\/[^@/]*@/, '//***@')}" is not supported: use sqlite:<path> (for example ${DEFAULT_STORE_URL})`,
  );
}

export type { Store } from './types.ts';
