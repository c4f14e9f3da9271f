/**
 * A steady open-loop load, as wrk2 makes it: request i is due at start + i / rate, whatever the
 * server's earlier answers, and its latency counts from when it was due, so a server that falls
 * behind is charged for the wait (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: each of its connections sends its per-second share back to
 * back at the start of every second, then waits for the next. That is a burst at full speed once
 * a second, not a rate: its latencies are those of a saturated server with as many requests
 * queued as there are connections.
 */
import { Pool } from 'undici';

export interface PacedResult {
  p50: number;
  p99: number;
  /** Answers per second. */
  achieved: number;
  /** Answers other than 2xx, and failed requests. */
  bad: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

export async function paced(options: {
  url: string;
  rate: number;
  durationS: number;
  request: () => { body: string; headers: Record<string, string> };
}): Promise<PacedResult> {
  const target = new URL(options.url);
  // Enough connections that a slow answer never holds the next request back.
  const pool = new Pool(target.origin, { connections: 256 });
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationS);
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  let bad = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      // Timers are late by a millisecond or more: send everything that is due by now.
      while (sent < total && start + sent * interval <= performance.now()) {
        const due = start + sent * interval;
        sent += 1;
        const { body, headers } = options.request();
        inflight.push(
          pool
            .request({ method: 'POST', path: target.pathname, headers, body })
            .then(async (res) => {
              await res.body.dump();
              if (res.statusCode >= 300) bad += 1;
              latencies.push(performance.now() - due);
            })
            .catch(() => {
              bad += 1;
            }),
        );
      }
      if (sent < total) setTimeout(tick, start + sent * interval - performance.now());
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    achieved: latencies.length / elapsed,
    bad,
  };
}
