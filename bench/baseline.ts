/**
 * The bare baseline the BFF is measured against: a minimal node:http server that takes the same
 * registration body and forwards it to the same Nitro simulator with undici (bench/nitro-forward.ts),
 * with none of the BFF's work (validation, journal, idempotency, limits, logs).
 * PORT and SANDBOX_URL from the environment.
 */
import { createServer } from 'node:http';
import { forward } from './nitro-forward.ts';

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
    forward(fields).then(
      ({ status, text }) =>
        res.writeHead(status === 201 ? 201 : 502, { 'content-type': 'application/json' }).end(text),
      () => res.writeHead(502).end(),
    );
  });
}).listen(Number(process.env['PORT'] ?? 8091), '127.0.0.1');
