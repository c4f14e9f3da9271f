/**
 * The bare forward that bench/baseline.ts and bench/floor.ts make: the registration's fields to
 * the Nitro simulator's register call, with undici (one keep-alive pool, one platform login when
 * imported). SANDBOX_URL from the environment.
 */
import { Pool } from 'undici';
import { NITRO_SANDBOX } from '../server/sandbox/nitro.ts';

const sandbox = new URL(process.env['SANDBOX_URL'] ?? 'http://127.0.0.1:8090');
const pool = new Pool(sandbox.origin, { connections: 128 });
const base = `/sandbox/nitro/v1/rest/${NITRO_SANDBOX.platformName}`;

async function call(path: string, body: unknown, token?: string) {
  const res = await pool.request({
    method: 'POST',
    path: `${base}${path}`,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

const login = await call('/users/login', {
  email: NITRO_SANDBOX.email,
  password: NITRO_SANDBOX.password,
});
const token = (JSON.parse(login.text) as { bearer_token: string }).bearer_token;

/** Nitro's register call for these fields: its status and body as text. */
export const forward = (fields: Record<string, string | undefined>) =>
  call(
    '/users/register',
    {
      email: fields['email'],
      name: fields['name'],
      phone: fields['phone'],
      domain: fields['domain'],
      organisation_name: fields['organisationName'],
    },
    token,
  );
