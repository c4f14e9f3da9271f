/**
 * A throwaway Postgres schema per store a test opens, all dropped after the file's tests, so
 * runs never see each other's journals. CI starts PostgreSQL; locally set TEST_POSTGRES_URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

export const POSTGRES_URL =
  process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Returns a function that gives a store URL on a new schema named `<prefix>_<random>`. */
export function throwawaySchemas(prefix: string): () => string {
  const schemas: string[] = [];
  afterAll(async () => {
    if (!schemas.length) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return () => {
    const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    return `${POSTGRES_URL}?schema=${schema}`;
  };
}
