/**
 * Bench only: preloaded by `npm run bench` into the BFF and the baseline (NODE_OPTIONS `--import`,
 * with `--expose-gc`), never by the BFF itself. It measures from inside the process and answers
 * the bench through files, so the server under test gets no endpoint and no code of its own.
 *
 * The bench writes `{ seq, ask }` to `$BENCH_PROBE_FILE.ask` and sends SIGUSR2; the answer, with
 * the same `seq`, replaces `$BENCH_PROBE_FILE`:
 *
 * - `loop`: the event loop's delay since the previous `loop` (then starts again), from
 *   `perf_hooks.monitorEventLoopDelay` at its default 10 ms resolution. The histogram holds the
 *   intervals between its timer's callbacks, so the delay is each interval less the 10 ms.
 * - `memory`: RSS, then a full collection (`gc()`), then the V8 heap in use.
 *
 * Plain JavaScript: NODE_OPTIONS preloads run before the command line's `--import tsx`, and in
 * worker threads too (the SQLite checkpoint worker), where this module does nothing.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file = process.env['BENCH_PROBE_FILE'];
const RESOLUTION_MS = 10;

if (isMainThread && file) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const late = (/** @type {number} */ ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const loop = () => {
    const answer = {
      p50: late(delay.percentile(50)),
      p99: late(delay.percentile(99)),
      max: late(delay.max),
      samples: delay.count,
    };
    delay.reset();
    return answer;
  };
  const memory = () => {
    const rss = process.memoryUsage.rss();
    globalThis.gc();
    return { rss, heapUsed: process.memoryUsage().heapUsed };
  };
  process.on('SIGUSR2', () => {
    const { seq, ask } = JSON.parse(readFileSync(`${file}.ask`, 'utf8'));
    writeFileSync(`${file}.tmp`, JSON.stringify({ seq, ...(ask === 'loop' ? loop() : memory()) }));
    renameSync(`${file}.tmp`, file);
  });
}
