/**
 * Every event arrives, whatever the receiver does for a while: down (500, reset, timeout) while
 * registrations are made, then back up. Run on one instance with SQLite and on two instances
 * sharing a Postgres journal (both send). The receiver fails without processing, so an event it
 * answered 204 twice would have been sent twice: each `webhook-id` is delivered exactly once,
 * and every retry of it carried the same id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawaySchemas } from './postgres-schemas.ts';
import { nitroContract } from './contract/nitro.ts';
import { startBff, type Bff, type FlowDocument } from './harness.ts';

const REGISTRATIONS = 20;

const postgresUrl = throwawaySchemas('hooks');

const delivery = { pollIntervalMs: 20, baseDelayMs: 50, maxDelayMs: 300, timeoutMs: 300 };
const flows = (): FlowDocument[] => [nitroContract.flow('nitro')];

interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}

describe.each([
  { name: 'one instance on SQLite', instances: 1, storeUrl: () => 'sqlite::memory:' },
  { name: 'two instances on Postgres', instances: 2, storeUrl: postgresUrl },
])('the receiver down, then back: $name', ({ instances, storeUrl }) => {
  let bffs: Bff[];
  let first: Bff;
  beforeAll(async () => {
    const url = storeUrl();
    first = await startBff({
      config: {
        sandbox: { enabled: true },
        webhooks: [{ sandbox: true }],
        webhookDelivery: delivery,
        flows: flows(),
      },
      storeUrl: url,
    });
    bffs = [first];
    if (instances === 2) {
      // The second instance sends to the first one's receiver: one partner endpoint for both.
      bffs.push(
        await startBff({
          config: {
            sandbox: { url: first.url },
            webhooks: [{ sandbox: true }],
            webhookDelivery: delivery,
            flows: flows(),
          },
          storeUrl: url,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const bff of bffs.reverse()) await bff.close();
  });

  it('every event arrives once, under the one webhook-id of all its attempts', async () => {
    await first.faults('webhooks', {
      failRate: 1,
      mode: ['500', 'reset', 'timeout'],
      phase: 'before',
      seed: 3,
    });
    const ids: string[] = [];
    for (let i = 0; i < REGISTRATIONS; i += 1) {
      const res = await bffs[i % bffs.length]!.register('nitro', {
        fields: nitroContract.fields(),
      });
      expect(res.status).toBe(201);
      ids.push(String(res.body['id']));
    }
    const received = async () =>
      (await first.fetch<Received[]>('GET', '/sandbox/webhooks/_requests')).body;
    // Down long enough for several attempts of each.
    for (let i = 0; i < 200 && (await received()).length < REGISTRATIONS * 2; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const downAt = Date.now();
    await first.faults('webhooks', {});
    for (let i = 0; i < 400; i += 1) {
      if ((await received()).filter((r) => r.status === 204).length >= REGISTRATIONS) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const drainMs = Date.now() - downAt;
    const all = await received();
    const event = (r: Received) => JSON.parse(r.body) as { data: { id: string } };
    for (const id of ids) {
      const attempts = all.filter((r) => event(r).data.id === id);
      expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size, id).toBe(1);
      expect(
        attempts.filter((r) => r.status === 204),
        id,
      ).toHaveLength(1);
    }
    expect(all.length).toBeGreaterThan(REGISTRATIONS);
    expect(drainMs).toBeLessThan(10_000);
  });
});
