/**
 * What the descriptor carries for the widget's states and rules (docs/design.md §2.1), over
 * real HTTP: the time budget, the phone plan and example, the password policy; that the server
 * refuses what the browser refuses, checking with the same functions on the same data; that a
 * provider slower than the budget is answered within it; and the visitor's text on the
 * descriptor's refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDescriptor, FlowDescriptor } from '../../shared/api.ts';
import { checkValues } from '../../shared/fields.ts';
import { LOCALES } from '../../shared/i18n/index.ts';
import { COMMON_PASSWORDS } from '../registration/passwords.ts';
import { titeliveFields } from './contract/titelive.ts';
import { ORIGIN, demoConfig, nitroFields, startBff, type Bff } from './harness.ts';

let bff: Bff;
beforeAll(async () => {
  const config = demoConfig();
  const local = ['http://localhost:*'];
  config.flows.push(
    // Short timeouts: an attempt takes 3 × (200 + 400) ms at most, its budget 3.8 s.
    {
      id: 'hasty',
      provider: 'nitro',
      sandbox: true,
      allowedOrigins: local,
      phoneCountry: 'GB',
      timeouts: { connectMs: 200, requestMs: 400 },
    },
    {
      id: 'hasty-queue',
      provider: 'intellectmoney',
      sandbox: true,
      allowedOrigins: local,
      phoneCountry: 'RU',
      queueOnOutage: true,
      settings: { leadSource: '31' },
      timeouts: { connectMs: 200, requestMs: 400 },
    },
    {
      id: 'strict',
      provider: 'titelive',
      sandbox: true,
      allowedOrigins: local,
      passwordPolicy: { minLength: 12 },
    },
    { id: 'anywhere', provider: 'nitro', sandbox: true, allowedOrigins: local },
  );
  bff = await startBff({ config });
});
afterAll(() => bff.close());

const descriptor = async (flow: string) =>
  (await bff.fetch<FlowDescriptor>('GET', `/v1/flows/${flow}`, { headers: { origin: ORIGIN } }))
    .body;
const fieldOf = (flow: FlowDescriptor, name: string) =>
  flow.fields.find((f) => f.name === name) as FieldDescriptor;

describe('the descriptor carries the flow’s rules and its time budget', () => {
  it('the time budget: the most one attempt takes, from the flow’s timeouts', async () => {
    // 3 calls × (connectMs + requestMs) + 2 s: the demo's defaults, 5 s and 15 s.
    expect((await descriptor('nitro')).budgetMs).toBe(62_000);
    expect((await descriptor('hasty')).budgetMs).toBe(3 * (200 + 400) + 2_000);
  });

  it('the phone: the plan of the flow’s phoneCountry, and an example number of it', async () => {
    expect(fieldOf(await descriptor('nitro'), 'phone')).toMatchObject({
      plan: {
        callingCode: '44',
        nationalPrefix: '0',
        lengths: [7, 9, 10],
        regions: { '74576|(?:16|7[56])24': [10] },
      },
      example: '+44 7400 123456',
    });
    expect(fieldOf(await descriptor('cloudsuite'), 'phone')).toMatchObject({
      plan: { callingCode: '31', nationalPrefix: '0' },
      example: '+31 6 12345678',
    });
    expect(fieldOf(await descriptor('intellectmoney'), 'phone')).toMatchObject({
      plan: { callingCode: '7', nationalPrefix: '8', lengths: [10, 14] },
      example: '+7 912 345 67 89',
    });
    // Without a phoneCountry: no plan (the light check), the example of the default country.
    const anywhere = fieldOf(await descriptor('anywhere'), 'phone');
    expect(anywhere.plan).toBeUndefined();
    expect(anywhere.example).toBe('+44 7400 123456');
    // The hint's text has the placeholder the widget fills from the field.
    expect((await descriptor('nitro')).strings['hint.phone']).toBe(
      'With country code, e.g. {example}',
    );
  });

  it('the password: the policy’s minimum and the common passwords at least that long', async () => {
    const titelive = fieldOf(await descriptor('titelive'), 'password');
    expect(titelive.minLength).toBe(10);
    expect(titelive.common).toEqual(COMMON_PASSWORDS.filter((p) => [...p].length >= 10));
    expect(titelive.common).toContain('1234567890');
    const strict = fieldOf(await descriptor('strict'), 'password');
    expect(strict.minLength).toBe(12);
    expect(strict.common?.every((p) => p.length >= 12)).toBe(true);
    expect(strict.common).toContain('qwerty123456');
    // The list stays short: the descriptor is fetched on every page view.
    expect(JSON.stringify(titelive.common).length).toBeLessThan(600);
    // No other flow asks for a password, so none carries a policy.
    expect((await descriptor('nitro')).fields.some((f) => f.minLength)).toBe(false);
  });
});

describe('the server refuses what the browser refuses', () => {
  /** The browser's verdict on one field: the widget's check, on the descriptor's fields. */
  async function browser(flow: string, values: Record<string, string>, name: string) {
    const d = await descriptor(flow);
    const checked = checkValues(d.fields, values);
    return checked.ok ? undefined : checked.errors[name];
  }
  async function server(flow: string, values: Record<string, string>, name: string) {
    const res = await bff.register(flow, { fields: values });
    if (res.status >= 200 && res.status < 300) return undefined;
    expect(res.status).toBe(400);
    return (res.body['errors'] as Record<string, string>)[name];
  }

  it.each([
    // Typed nationally or with +44: by the United Kingdom's plan (lengths), on both sides.
    ['07700 900123', undefined],
    ['020 7946 0958', undefined],
    ['+44 (0)20 7946 0958', undefined],
    ['0044 20 7946 0958', undefined],
    ['07700 9001234', 'invalid_phone'],
    ['+44 7700 9001', 'invalid_phone'],
    ['+44 20 7946 09581', 'invalid_phone'],
    ['12345', 'invalid_phone'],
    // The Isle of Man shares +44: its numbers have ten digits, whatever Great Britain allows.
    ['01624 000', 'invalid_phone'],
    ['01624 123456', undefined],
    // Another country's: a light check in the browser, its numbering plan on the server.
    ['+33 6 12 34 56 78', undefined],
  ])('nitro (GB) phone %j: %s', async (phone, error) => {
    const values = nitroFields({ phone });
    expect(await browser('nitro', values, 'phone')).toBe(error);
    expect(await server('nitro', values, 'phone')).toBe(error);
  });

  it('another country’s number the light check lets through is for the server to refuse', async () => {
    // A possible length in France, in no range France uses: documented (docs/design.md §2.1).
    const values = nitroFields({ phone: '+33 0 12 34 56 78' });
    expect(await browser('nitro', values, 'phone')).toBeUndefined();
    expect(await server('nitro', values, 'phone')).toBe('invalid_phone');
  });

  it('sends the flow’s country’s numbers on in E.164', async () => {
    const values = nitroFields({ phone: '07700 900123' });
    expect((await bff.register('nitro', { fields: values })).status).toBe(201);
    const register = (await bff.sandboxRequests('nitro')).filter(
      (r) => r.path.endsWith('/users/register') && r.body['email'] === values.email,
    );
    expect(register[0]?.body['phone']).toBe('+447700900123');
  });

  it.each([
    ['titelive', 'short', 'too_short'],
    ['titelive', 'Password123', 'common_password'],
    ['titelive', '1234567890', 'common_password'],
    ['titelive', 'eleven char', undefined],
    ['strict', 'eleven char', 'too_short'],
    ['strict', 'QWERTY123456', 'common_password'],
    ['strict', 'twelve chars', undefined],
  ])('%s password %j: %s', async (flow, password, error) => {
    const values = titeliveFields({ password });
    expect(await browser(flow, values, 'password')).toBe(error);
    expect(await server(flow, values, 'password')).toBe(error);
  });
});

describe('a provider slower than the budget is answered within it', () => {
  it('503 provider_unavailable, long before the budget', async () => {
    const budget = (await descriptor('hasty')).budgetMs;
    await bff.faults('nitro', { latencyMs: budget + 1_000 });
    try {
      const started = Date.now();
      const res = await bff.register('hasty', { fields: nitroFields() });
      const took = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body['code']).toBe('provider_unavailable');
      expect(took).toBeLessThan(budget);
    } finally {
      await bff.faults('nitro', {});
    }
  });

  it('202 queued, on a flow that queues', async () => {
    const budget = (await descriptor('hasty-queue')).budgetMs;
    await bff.faults('intellectmoney', { latencyMs: budget + 1_000 });
    try {
      const started = Date.now();
      const res = await bff.register('hasty-queue', {
        fields: {
          email: `${crypto.randomUUID()}@example.ru`,
          name: 'Медленный Провайдер',
          phone: '8 920 123-44-55',
          inn: '7707083893',
        },
      });
      expect(Date.now() - started).toBeLessThan(budget);
      expect(res.status).toBe(202);
      expect(res.body['status']).toBe('queued');
    } finally {
      await bff.faults('intellectmoney', {});
    }
  });
});

describe('the descriptor’s refusals a site owner must fix carry the visitor’s text', () => {
  it('flow_not_found, in the locale asked for', async () => {
    const res = await bff.fetch('GET', '/v1/flows/nope?locale=de-CH,de,en', {
      headers: { origin: 'https://shop.elsewhere.example' },
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      code: 'flow_not_found',
      detail: 'There is no flow "nope".',
      text: LOCALES.de['problem.flow_not_found'],
    });
  });

  it('origin_not_allowed, in one of the flow’s locales', async () => {
    const res = await bff.fetch('GET', '/v1/flows/nitro?locale=fr', {
      headers: { origin: 'https://shop.elsewhere.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.elsewhere.example');
    expect(res.body).toMatchObject({
      code: 'origin_not_allowed',
      text: LOCALES.fr['problem.origin_not_allowed'],
    });
  });

  it('not on other refusals, nor on other routes', async () => {
    const registration = await bff.fetch('POST', '/v1/flows/nope/registrations', {
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: '{}',
    });
    expect(registration.status).toBe(404);
    expect(registration.body['text']).toBeUndefined();
    const refused = await bff.register(
      'nitro',
      { fields: nitroFields() },
      {
        origin: 'https://shop.elsewhere.example',
      },
    );
    expect(refused.status).toBe(403);
    expect(refused.body['text']).toBeUndefined();
  });
});
