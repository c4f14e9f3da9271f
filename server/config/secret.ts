/**
 * Secrets in the configuration. The file holds only `{ "env": "NAME" }` references; the loader
 * resolves them into `Secret` objects, which print as `[redacted]` wherever they end up (a log
 * line, JSON, an error message) and give their value only to the adapter that puts it on the wire.
 */
import { inspect } from 'node:util';
import { z } from 'zod';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value: call it only where the secret goes into a provider request. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

export const envReferenceSchema = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
});

/** A credential: only ever an `{ "env": … }` reference, never a literal in the file. */
export const secret = () =>
  z.instanceof(Secret, {
    error: 'a secret must be an { "env": "VARIABLE" } reference, never a literal in the file',
  });

/** A non-secret value that may still come from the environment (a login e-mail, say). */
export const plainOrEnv = () =>
  z.union([z.string().min(1), secret()]).transform((v) => (typeof v === 'string' ? v : v.reveal()));

/**
 * Replaces every `{ "env": NAME }` object in a parsed JSON document with a `Secret`, and reports
 * each variable that is not set, by its path in the file.
 */
export function resolveEnvReferences(
  document: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; missing: string[] } {
  const missing: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const ref = envReferenceSchema.safeParse(node);
    if (ref.success) {
      const value = env[ref.data.env];
      if (value === undefined || value === '') {
        missing.push(`${path}: environment variable ${ref.data.env} is not set`);
      }
      return new Secret(value ?? '');
    }
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, walk(value, path ? `${path}.${key}` : key)]),
    );
  };
  return { value: walk(document, ''), missing };
}
