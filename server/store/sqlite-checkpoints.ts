/**
 * WAL checkpoints off the event loop. SQLite checkpoints inside the commit that leaves the WAL
 * 1,000 pages long: it copies those pages into the database file and syncs, on the thread that
 * committed. With better-sqlite3 that is the event loop, which stalled about 6 ms every 60
 * registrations at a steady 500 req/s, every request in flight waiting (bench/RESULTS.md).
 *
 * So a worker thread with a connection of its own runs PASSIVE checkpoints every
 * CHECKPOINT_EVERY_MS, beside the writes (PASSIVE never waits for, or blocks, the writer). The
 * writer keeps a checkpoint of its own only past SAFETY_NET_PAGES, for a worker that falls behind,
 * and goes back to SQLite's default if the worker stops. better-sqlite3 has no thread for this;
 * its performance guide checkpoints by hand on a timer too, on the main thread.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const require = createRequire(import.meta.url);

const CHECKPOINT_EVERY_MS = 100;
/** 40 MB of WAL: well past what the worker leaves between two checkpoints at full load. */
export const SAFETY_NET_PAGES = 10_000;
const SQLITE_DEFAULT_PAGES = 1_000;

// Plain JavaScript, evaluated: a worker thread does not inherit the TypeScript loader, and this
// is all it runs. Dynamic imports only, so it runs whether Node evaluates it as a script or as a
// module (`--input-type=module` makes it a module, where `require` does not exist).
const WORKER_SOURCE = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  const db = new Database(workerData.path, { fileMustExist: true });
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy (another checkpoint under way) or a passing I/O error: the next tick tries again.
    }
  }, workerData.everyMs);
  parentPort.once('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
})();
`;

export interface BackgroundCheckpoints {
  /** Stops the worker and closes its connection (before the writer closes its own). */
  stop(): Promise<void>;
}

/** Starts checkpointing `path` (a database file in WAL mode, open as `db`) on a worker thread. */
export function checkpointInBackground(
  db: Database.Database,
  path: string,
  everyMs = CHECKPOINT_EVERY_MS,
): BackgroundCheckpoints {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: pathToFileURL(require.resolve('better-sqlite3')).href, path, everyMs },
  });
  // Never what keeps the process alive.
  worker.unref();
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // The worker failed (it could not open the file, or died): SQLite's own checkpoints again.
  const fallBack = (reason: string) => {
    if (stopping || !db.open) return;
    stopping = true;
    db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    process.emitWarning(`SQLite checkpoints are back on the event loop: ${reason}`, {
      code: 'ORG_SIGNUP_CHECKPOINTS',
    });
  };
  worker.on('error', (err) => fallBack(err.message));
  worker.on('exit', (code) => fallBack(`the checkpoint worker exited (${code})`));
  return {
    async stop() {
      stopping = true;
      // Held until it has exited: else a process with nothing else to do would end here, its
      // store never closed.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
