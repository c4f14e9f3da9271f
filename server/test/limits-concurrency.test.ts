/**
 * Every per-registration limit holds under parallel requests: 30 at once, spread over two BFF
 * instances sharing a Postgres journal, and on one instance with SQLite. Counted at the provider
 * (the simulator's record of what it received), not at the BFF: at most 5 codes reach Hectare
 * per code sent, at most one resend a minute, and one registration per Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawaySchemas } from './postgres-schemas.ts';
import { hectareFields, hectareFlow } from './contract/hectare.ts';
import { nitroContract } from './contract/nitro.ts';
import { nitroFields, startBff, type Bff, type FlowDocument } from './harness.ts';

const PARALLEL = 30;

const postgresUrl = throwawaySchemas('limits');

const flows = (): FlowDocument[] => [hectareFlow('hectare'), nitroContract.flow('nitro')];

describe.each([
  { name: 'one instance on SQLite', instances: 1, storeUrl: () => 'sqlite::memory:' },
  { name: 'two instances on Postgres', instances: 2, storeUrl: postgresUrl },
])('$name', ({ instances, storeUrl }) => {
  let bffs: Bff[];
  let provider: Bff;

  beforeAll(async () => {
    const url = storeUrl();
    provider = await startBff({
      config: { sandbox: { enabled: true }, flows: flows() },
      storeUrl: url,
    });
    bffs = [provider];
    if (instances === 2) {
      // The second instance reaches the first one's simulators: one provider for both.
      bffs.push(
        await startBff({
          config: { sandbox: { url: provider.url }, flows: flows() },
          storeUrl: url,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const bff of bffs.reverse()) await bff.close();
  });

  /** The i-th of the parallel requests goes to instance i mod n. */
  const on = (i: number) => bffs[i % bffs.length]!;
  const post = (i: number, path: string, json: unknown) =>
    on(i).fetch('POST', path, { headers: { origin: 'http://localhost:5173' }, json });

  async function hectareRegistration() {
    const fields = hectareFields();
    const res = await provider.register('hectare', { fields });
    expect(res.status).toBe(201);
    const mail = await provider.fetch<{ to: string; code: string }[]>(
      'GET',
      '/sandbox/hectare/_outbox',
    );
    const code = mail.body.find((m) => m.to === fields.email)!.code;
    return { id: String(res.body['id']), code };
  }

  const calls = async (path: RegExp) =>
    (await provider.sandboxRequests('hectare')).filter((r) => path.test(r.path)).length;

  it(`${PARALLEL} wrong codes at once: 5 reach the provider, then even the right one waits`, async () => {
    const { id, code } = await hectareRegistration();
    const wrong = code === '111111' ? '222222' : '111111';
    const before = await calls(/confirm-signup$/);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        post(i, `/v1/registrations/${id}/verify`, { code: wrong }),
      ),
    );
    expect(await calls(/confirm-signup$/)).toBe(before + 5);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(PARALLEL - 5);
    const right = await post(0, `/v1/registrations/${id}/verify`, { code });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(await calls(/confirm-signup$/)).toBe(before + 5);
  });

  it(`${PARALLEL} resends at once: one e-mail`, async () => {
    const { id } = await hectareRegistration();
    const before = await calls(/resend-confirmation-code$/);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => post(i, `/v1/registrations/${id}/resend`, {})),
    );
    expect(await calls(/resend-confirmation-code$/)).toBe(before + 1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(PARALLEL - 1);
  });

  it(`${PARALLEL} copies of one registration at once: one account, one id for all`, async () => {
    const fields = nitroFields();
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => on(i).register('nitro', { fields }, { key })),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((a) => a.body['id'])).size).toBe(1);
    const registers = (await provider.sandboxRequests('nitro')).filter(
      (r) => r.path.endsWith('/users/register') && r.body['email'] === fields.email,
    );
    expect(registers).toHaveLength(1);
  });
});
