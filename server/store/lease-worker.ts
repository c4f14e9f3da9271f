/**
 * The polling loop shared by the outbox and the webhook sender: claim what is due from the store
 * (under a lease, so another instance never takes the same item), handle the batch a few at a
 * time, and poll again — at once when the batch was full, since more may be due. Written here
 * rather than with a queue library because the queue is the journal itself: the store's claim
 * is what makes several instances safe.
 */
import pMap from 'p-map';
import type { Logger } from 'pino';

export interface LeaseWorkerOptions<T> {
  /** Names the worker in its log lines ("outbox", "webhook"). */
  name: string;
  log: Logger;
  /** Claims at most `batchSize` due items under a lease. */
  claim: (now: number, batchSize: number) => Promise<T[]>;
  handle: (item: T) => Promise<void>;
  /** What a crash's log line says about the item (its id). */
  describe: (item: T) => Record<string, unknown>;
  batchSize: number;
  concurrency: number;
  pollIntervalMs: number;
}

export interface LeaseWorker {
  start(): void;
  /** Stops polling and waits for the pass under way. */
  stop(): Promise<void>;
}

export function leaseWorker<T>(options: LeaseWorkerOptions<T>): LeaseWorker {
  const { name, log } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let current: Promise<number> | undefined;

  async function runOnce(): Promise<number> {
    const claimed = await options.claim(Date.now(), options.batchSize);
    await pMap(
      claimed,
      async (item) => {
        try {
          await options.handle(item);
        } catch (err) {
          // A bug or the store failing: the lease runs out and the item is tried again.
          log.error({ err, ...options.describe(item) }, `${name} attempt crashed`);
        }
      },
      { concurrency: options.concurrency },
    );
    return claimed.length;
  }

  function schedule(delay: number): void {
    timer = setTimeout(() => {
      current = runOnce()
        .catch((err: unknown) => {
          log.error({ err }, `${name} pass failed`);
          return 0;
        })
        .then((count) => {
          if (running) schedule(count >= options.batchSize ? 0 : options.pollIntervalMs);
          return count;
        });
    }, delay);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}
