/**
 * The bare baseline the BFF is measured against: a minimal node:http server that takes the same
 * registration body and forwards it to the same Nitro simulator with undici (one login, one
 * keep-alive pool), with none of the BFF's work (validation, journal, idempotency, limits, logs).
 * PORT and SANDBOX_URL from the environment.
 */
import { createServer } from 'node:http';
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

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let fields: Record<string, string>;
    try {
      ({ fields } = JSON.parse(Buffer.concat(chunks).toString()) as {
        fields: Record<string, string>;
      });
    } catch {
      return void res.writeHead(400).end();
    }
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
    ).then(
      ({ status, text }) =>
        res.writeHead(status === 201 ? 201 : 502, { 'content-type': 'application/json' }).end(text),
      () => res.writeHead(502).end(),
    );
  });
}).listen(Number(process.env['PORT'] ?? 8091), '127.0.0.1');
