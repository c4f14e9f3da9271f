/**
 * The stack's floor: the least a BFF built on this project's stack could cost, measured beside
 * the BFF (`npm run bench`), so a run shows how much of the gap to the bare baseline is the stack
 * and how much the BFF's own work. FLOOR from the environment:
 *
 * - `express`: Express 5 with its JSON body parser, then the baseline's forward.
 * - `journal`: also helmet, the BFF's validation (the shared zod schemas, phone and domain
 *   normalisation) and its SQLite journal (begin before the call, finish after; STORE is the
 *   file).
 *
 * Neither has what the rest of the BFF does: request ids and logs, CORS and Origin checks, rate
 * limits, metrics, the circuit breaker, timeouts, idempotent replays, bot checks, problem details.
 * PORT and SANDBOX_URL from the environment too.
 */
import { createHash } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { nitro } from '../server/providers/nitro.ts';
import { normalizeForProvider } from '../server/registration/normalize.ts';
import { openSqliteStore } from '../server/store/sqlite.ts';
import { registrationRequestSchema } from '../shared/api.ts';
import { validateFields } from '../shared/field-schemas.ts';
import { forward } from './nitro-forward.ts';

const floor = process.env['FLOOR'];
if (floor !== 'express' && floor !== 'journal') throw new Error('FLOOR: express or journal');

/** The status answered for the provider's: 201, or 502 for anything else (as the baseline). */
const answered = (status: number) => (status === 201 ? 201 : 502);

// The provider's body as it came, as the baseline sends it: no parse and serialise again.
const forwardOnly: RequestHandler = async (req, res) => {
  const { status, text } = await forward((req.body as { fields: Record<string, string> }).fields);
  res.status(answered(status)).type('json').send(text);
};

const store = floor === 'journal' ? openSqliteStore(process.env['STORE'] ?? ':memory:') : undefined;
const validatedAndJournaled: RequestHandler = async (req, res) => {
  const request = registrationRequestSchema.safeParse(req.body);
  const checked = request.success && validateFields(nitro.fields, request.data.fields);
  const normalised =
    checked && checked.ok && normalizeForProvider(checked.values, { phoneCountry: 'GB' });
  if (!normalised || !normalised.ok) return void res.status(400).json({ type: 'invalid' });
  const submission = { fields: normalised.values };
  const begun = await store!.begin({
    id: crypto.randomUUID(),
    flowId: 'nitro',
    idempotencyKey: req.get('idempotency-key') ?? crypto.randomUUID(),
    requestHash: createHash('sha256').update(JSON.stringify(submission)).digest('hex'),
    submission,
    leaseMs: 30_000,
  });
  if (begun.kind !== 'created') return void res.status(409).json({ type: begun.kind });
  const { status, text } = await forward(normalised.values);
  const answer = JSON.parse(text) as { organisation?: { id?: unknown } };
  const response = { id: begun.id, status: 'completed', organisation: answer.organisation };
  await store!.finish(begun.id, begun.leaseToken, {
    status: 'completed',
    httpStatus: answered(status),
    response,
  });
  res.status(answered(status)).json(response);
};

const app = express();
// As the BFF's API has it: no CSP, which is for the pages it renders.
if (floor === 'journal') app.use(helmet({ contentSecurityPolicy: false }));
app.post(
  '/v1/flows/:flow/registrations',
  express.json({ limit: '16kb' }),
  floor === 'journal' ? validatedAndJournaled : forwardOnly,
);
app.listen(Number(process.env['PORT'] ?? 8092), '127.0.0.1');
