/**
 * The SQLite journal's checkpointer, in a worker thread with a connection of its own (started by
 * `openSqliteStore`). A checkpoint copies the WAL into the database file and syncs both; in the
 * writer, better-sqlite3 being synchronous, that stopped the event loop for as long as the
 * fsyncs took (10–20 ms on a virtual disk, several times a second under load). Here a PASSIVE
 * checkpoint every few milliseconds keeps what is left to sync small, and never waits on the
 * writer nor holds it up. The writer keeps its own automatic checkpoint as the backstop: it then
 * finds almost everything copied and synced already, so its pause is short, and it still bounds
 * the WAL if this thread falls behind or dies.
 *
 * Plain JavaScript: a worker thread starts without the TypeScript loader of the process that
 * made it (vitest, tsx).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string, intervalMs: number, idleMs: number }} */
const { path, intervalMs, idleMs } = workerData;
const db = new Database(path, { fileMustExist: true });
// Never wait for a lock: another checkpoint running (the writer's, another process's) is fine.
db.pragma('busy_timeout = 0');

let timer;
let delay = intervalMs;
let lastLog = -1;
const pass = () => {
  /** @type {{ busy: number, log: number, checkpointed: number }[]} */
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  // No new frames since the last pass: back off towards idleMs, so that an idle server is not
  // woken every few milliseconds.
  const log = result ? result.log : -1;
  delay = log !== lastLog ? intervalMs : Math.min(delay * 2, idleMs);
  lastLog = log;
  timer = setTimeout(pass, delay);
};
timer = setTimeout(pass, intervalMs);

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort?.close();
});
