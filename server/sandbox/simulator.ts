/**
 * What every provider simulator shares (docs/design.md §4): it records what it receives
 * (`GET _requests`), injects faults on demand (`POST _faults`), switches between readings of its
 * provider's documents where they are silent (`GET`/`POST _readings`), shows what the provider
 * holds (`GET _state`) and what it sent to end users (`GET _outbox`), forgets everything
 * (`DELETE _state`), and parses bodies the way the real APIs accept them (JSON or form).
 * Control routes start with `_` and are not recorded as provider traffic.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';

interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters (a resend's e-mail, a list's filters). */
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Set when a fault was injected into this request, and whether the simulator processed it first. */
  fault?: FaultMode;
  faultPhase?: (typeof FAULT_PHASES)[number];
  /** The status the simulator answered (or would have, for an `after` fault). */
  status?: number;
}

const FAULT_MODES = ['500', 'timeout', 'reset'] as const;
type FaultMode = (typeof FAULT_MODES)[number];
const FAULT_PHASES = ['before', 'after'] as const;

const faultsSchema = z.strictObject({
  failRate: z.number().min(0).max(1).default(0),
  /** One mode, or several picked at random (seeded) for each faulty request. */
  mode: z.union([z.enum(FAULT_MODES), z.array(z.enum(FAULT_MODES)).min(1)]).default('500'),
  seed: z.int().default(1),
  /**
   * `before`: the request fails without being processed. `after`: it is processed, then the
   * answer is lost, as when a provider commits and the connection drops. Several: picked at random.
   */
  phase: z.union([z.enum(FAULT_PHASES), z.array(z.enum(FAULT_PHASES)).min(1)]).default('before'),
  /** Added to every answer, for benchmarks against a realistic provider. */
  latencyMs: z.int().min(0).max(60_000).default(0),
  /**
   * Only requests whose path matches this regular expression can fail (default: every one), so
   * a test can lose the answer of the call that creates an account and not the login before it.
   */
  path: z
    .string()
    .max(200)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'a regular expression')
    .optional(),
  /**
   * Faults for the next requests that can fail, one each, in order of arrival; after them
   * `failRate` applies again. For tests that need every mode and phase exactly once.
   */
  sequence: z
    .array(
      z.strictObject({ mode: z.enum(FAULT_MODES), phase: z.enum(FAULT_PHASES).default('before') }),
    )
    .max(1000)
    .default([]),
});
type Faults = z.infer<typeof faultsSchema>;

/** The request log keeps this many entries (oldest dropped) so long benchmarks stay flat. */
const MAX_RECORDED = 10_000;
/** A "timeout" fault holds the socket this long at most, then closes it. */
const HOLD_MS = 120_000;

const INJECTED_500 = 'Internal Server Error (injected by the sandbox)';

/** mulberry32: a tiny seeded PRNG so a fault run can be replayed exactly. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A message the simulated provider "sent" to an end user (a code, an activation link…). */
export interface OutboxMessage {
  to: string;
  kind: string;
  /** A confirmation code, where the message carries one. */
  code?: string;
  /** A link the user would follow, where the message carries one. */
  link?: string;
  at: string;
}

/** One account, user or organisation the simulated provider holds (`GET _state`). */
export interface ProviderAccount {
  email: string;
  id: string | number;
  [detail: string]: unknown;
}

/**
 * A simulator's switchable readings of what its provider's documents leave open: a strict zod
 * object whose defaults are the conservative readings. `POST _readings` replaces them all (unset
 * options take their defaults again), `DELETE _state` restores the defaults.
 */
export class Readings<S extends z.ZodObject = z.ZodObject> {
  current: z.infer<S>;
  constructor(readonly schema: S) {
    this.current = schema.parse({});
  }
  reset(): void {
    this.current = this.schema.parse({});
  }
}

export interface SimulatorApi {
  /** The provider's routes, relative to the provider's base (docs/design.md §4 paths). */
  router: Router;
  /** Forgets every account, token, id and message the simulator handed out. */
  reset(): void;
  /** What the provider sent to end users, oldest first (`GET _outbox`), for tests and demos. */
  outbox?(): OutboxMessage[];
  /** What the provider holds, oldest first (`GET _state`): what a registration left behind. */
  accounts?(): ProviderAccount[];
  /** The readings this simulator can switch between (`_readings`). */
  readings?: Readings;
  /** Bodies kept as the raw text received (a webhook receiver verifies signatures over them). */
  rawBodies?: boolean;
}

function fail(res: Response, mode: FaultMode): void {
  if (mode === 'reset') {
    res.socket?.destroy();
  } else if (mode === 'timeout') {
    const socket = res.socket;
    const timer = setTimeout(() => socket?.destroy(), HOLD_MS);
    timer.unref();
    socket?.once('close', () => clearTimeout(timer));
  } else {
    res.status(500).type('text/plain').send(INJECTED_500);
  }
}

/** Wraps a simulator's routes with the control routes, the recorder and the fault injector. */
export function simulatorRouter(api: SimulatorApi): Router {
  const router = express.Router();
  let requests: RecordedRequest[] = [];
  let faults: Faults = faultsSchema.parse({});
  let random = seededRandom(faults.seed);

  if (api.rawBodies) {
    // Its control routes take JSON as every simulator's do; the rest is kept as sent.
    const controls = express.json({ limit: '1mb' });
    const raw = express.text({ type: () => true, limit: '1mb' });
    router.use((req, res, next) => (req.path.startsWith('/_') ? controls : raw)(req, res, next));
  } else {
    router.use(express.json({ type: ['application/json', '*/*+json'], limit: '1mb' }));
    router.use(express.urlencoded({ extended: false, limit: '1mb' }));
  }

  router.get('/_requests', (_req, res) => {
    res.json(requests);
  });
  router.get('/_outbox', (_req, res) => {
    res.json(api.outbox?.() ?? []);
  });
  router.post('/_faults', (req, res) => {
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: z.prettifyError(parsed.error) });
      return;
    }
    faults = parsed.data;
    random = seededRandom(faults.seed);
    res.json(faults);
  });
  router.get('/_readings', (_req, res) => {
    res.json(api.readings?.current ?? {});
  });
  router.post('/_readings', (req, res) => {
    const readings = api.readings;
    if (!readings) return void res.status(404).json({ error: 'This simulator has no readings.' });
    const parsed = readings.schema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: z.prettifyError(parsed.error) });
      return;
    }
    readings.current = parsed.data;
    res.json(readings.current);
  });
  router.get('/_state', (_req, res) => {
    res.json({ accounts: api.accounts?.() ?? [] });
  });
  router.delete('/_state', (_req, res) => {
    requests = [];
    faults = faultsSchema.parse({});
    random = seededRandom(faults.seed);
    api.readings?.reset();
    api.reset();
    res.status(204).end();
  });

  router.use((req: Request, res: Response, next) => {
    // A simulator's own extra control routes (`_clock`, `_pool`…) are not provider traffic.
    if (req.path.startsWith('/_')) return next();
    const entry: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: { ...req.query },
      headers: { ...req.headers },
      body: req.body ?? null,
    };
    requests.push(entry);
    // shift(), not splice(0, n): V8 moves the array's start in place, where splice copied the
    // other 10,000 entries on every request once the log was full (37 us each, timed alone).
    if (requests.length > MAX_RECORDED) requests.shift();
    const pick = <T>(choice: T | readonly T[]): T =>
      Array.isArray(choice) ? (choice[Math.floor(random() * choice.length)] as T) : (choice as T);
    // A request's fate is decided as it arrives, with the faults of that moment.
    const eligible = !faults.path || new RegExp(faults.path).test(req.path);
    const scripted = eligible ? faults.sequence.shift() : undefined;
    if (scripted) {
      entry.fault = scripted.mode;
      entry.faultPhase = scripted.phase;
    } else if (eligible && faults.failRate > 0 && random() < faults.failRate) {
      entry.fault = pick(faults.mode);
      entry.faultPhase = pick(faults.phase);
    }
    const go = () => {
      const mode = entry.fault;
      if (mode && entry.faultPhase === 'before') return fail(res, mode);
      if (mode) {
        // Let the simulator do the work, then lose its answer.
        const end = res.end.bind(res);
        res.end = (() => {
          entry.status = res.statusCode;
          if (mode !== '500') {
            fail(res, mode);
            return res;
          }
          res.statusCode = 500;
          res.removeHeader('content-length');
          res.setHeader('content-type', 'text/plain');
          return end(INJECTED_500);
        }) as typeof res.end;
      }
      // The simulator's own answer, recorded as it is written: even when the caller has gone.
      const write = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        entry.status ??= res.statusCode;
        return write(...args);
      }) as typeof res.end;
      next();
    };
    if (faults.latencyMs > 0) setTimeout(go, faults.latencyMs);
    else go();
  });
  router.use(api.router);
  return router;
}
