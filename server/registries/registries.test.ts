/**
 * Each registry client over real HTTP: against the registries' published samples (fixtures/,
 * served as the registry would), and against the simulators (their credentials, their not-found
 * and their refusals). An answer a client cannot read is never a success.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxRouter } from '../sandbox/index.ts';
import { createCompaniesHouseClient } from './companies-house.ts';
import { createDadataClient } from './dadata.ts';
import { createHectareCertificatesClient } from './hectare-certificates.ts';
import { createRegistryHttp } from './http.ts';
import { RegistryUnavailable, type RegistryClient } from './types.ts';
import { createViesClient, toRecord as toViesRecord } from './vies.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
};

const ask = (client: RegistryClient, value: string, zip?: string) =>
  client.lookup({ value, ...(zip ? { zip } : {}) }, AbortSignal.timeout(5_000));

describe('the clients against the registries’ published samples', () => {
  /** Answers each path with the body set for it, recording what came in. */
  const answers = new Map<string, { status: number; body: string }[]>();
  const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] =
    [];
  let base: URL;
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const path = req.url!.split('?')[0]!;
        const next = answers.get(path)?.shift() ?? { status: 404, body: '{}' };
        res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
      });
    });
    base = new URL(await listen(server));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const http = createRegistryHttp('test');

  it('DaData: reads the Sberbank sample, sending the key as Token', async () => {
    answers.set('/findById/party', [{ status: 200, body: fixture('dadata-party.json') }]);
    const client = createDadataClient({ baseUrl: base, apiKey: 'k-123' }, http);
    const answer = await ask(client, '7707083893');
    expect(answer.record).toEqual({
      status: 'active',
      fields: {
        organisationName: 'ПАО СБЕРБАНК',
        street: 'ул Вавилова',
        houseNumber: '19',
        zip: '117312',
        city: 'Москва',
        country: 'RU',
      },
    });
    expect(answer.raw).toBe(fixture('dadata-party.json'));
    const call = seen.at(-1)!;
    expect(call.headers['authorization']).toBe('Token k-123');
    expect(JSON.parse(call.body)).toMatchObject({ query: '7707083893' });
  });

  it('VIES: reads the check-vat-number sample, its request identifier kept', async () => {
    answers.set('/check-vat-number', [{ status: 200, body: fixture('vies-check.json') }]);
    const client = createViesClient({ baseUrl: base, requester: 'NL004495445B01' }, http);
    const answer = await ask(client, 'IE6388047V');
    expect(answer.record).toMatchObject({
      status: 'active',
      fields: { organisationName: 'GOOGLE IRELAND LIMITED', country: 'IE' },
      requestIdentifier: 'WAPIAAAAZ8Vd3nLm',
    });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({
      countryCode: 'IE',
      vatNumber: '6388047V',
      requesterMemberStateCode: 'NL',
      requesterNumber: '004495445B01',
    });
  });

  it('VIES: splits a Dutch address, dropping the zeros that pad the house number', () => {
    const record = toViesRecord({
      valid: true,
      countryCode: 'NL',
      vatNumber: '822898044B01',
      name: 'CLOUDSUITE DEMO B.V.',
      address: 'KEIZERSGRACHT 00062\n1015CS AMSTERDAM',
    });
    expect(record.fields).toMatchObject({
      street: 'KEIZERSGRACHT',
      houseNumber: '62',
      zip: '1015CS',
      city: 'AMSTERDAM',
      country: 'NL',
    });
  });

  it('VIES: retries MS_MAX_CONCURRENT_REQ, then reads the answer', async () => {
    answers.set('/check-vat-number', [
      { status: 200, body: fixture('vies-error.json') },
      { status: 200, body: fixture('vies-check.json') },
    ]);
    const client = createViesClient({ baseUrl: base }, http);
    expect((await ask(client, 'IE6388047V')).record?.status).toBe('active');
  });

  it('VIES: gives up as unavailable when the budget runs out', async () => {
    answers.set(
      '/check-vat-number',
      Array.from({ length: 50 }, () => ({ status: 200, body: fixture('vies-error.json') })),
    );
    const client = createViesClient({ baseUrl: base }, http);
    await expect(
      client.lookup({ value: 'IE6388047V' }, AbortSignal.timeout(600)),
    ).rejects.toBeInstanceOf(RegistryUnavailable);
  });

  it('Companies House: reads the company profile sample, with Basic auth', async () => {
    answers.set('/company/00445790', [
      { status: 200, body: fixture('companies-house-profile.json') },
    ]);
    const client = createCompaniesHouseClient({ baseUrl: base, apiKey: 'ch-key' }, http);
    const answer = await ask(client, '00445790');
    expect(answer.record).toEqual({
      status: 'active',
      fields: {
        organisationName: 'TESCO PLC',
        street: 'Shire Park',
        houseNumber: 'Tesco House',
        zip: 'AL7 1GA',
        city: 'Welwyn Garden City',
        country: 'GB',
      },
    });
    expect(seen.at(-1)!.headers['authorization']).toBe(
      `Basic ${Buffer.from('ch-key:').toString('base64')}`,
    );
  });

  it('Hectare: logs in, then reads the Get Red Tractor Certificates sample', async () => {
    answers.set('/auth/login', [
      { status: 200, body: JSON.stringify({ tokens: { access: 'tok', expiresIn: 3600 } }) },
    ]);
    answers.set('/red-tractor/certificates', [
      { status: 200, body: fixture('hectare-certificates.json') },
    ]);
    const client = createHectareCertificatesClient(
      { baseUrl: base, username: 'u', password: 'p' },
      http,
    );
    const answer = await ask(client, '11/111/1111', 'PO18 9JP');
    expect(answer.record).toEqual({
      status: 'active',
      fields: {
        organisationName: 'Up Marden Farms',
        street: 'Pitlands Farm',
        zip: 'PO18 9JP',
        country: 'GB',
      },
      certificate: { status: 'Valid', expires: '2024-01-31T00:00:00.000+00:00' },
    });
    const call = seen.at(-1)!;
    expect(call.url).toBe(
      '/red-tractor/certificates?country=GBR&holdingNumber=11%2F111%2F1111&postcode=PO18+9JP',
    );
    expect(call.headers['authorization']).toBe('Bearer tok');
  });

  it('fails loud on an answer it cannot read, naming the setting to check', async () => {
    answers.set('/company/00445790', [{ status: 200, body: '{"unexpected":true}' }]);
    const client = createCompaniesHouseClient({ baseUrl: base, apiKey: 'ch-key' }, http);
    const err = await ask(client, '00445790').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailable);
    expect((err as RegistryUnavailable).misconfigured).toBe(true);
    expect((err as Error).message).toMatch(/lookup\.companyNumber\.baseUrl/);
  });
});

describe('the clients against the simulators', () => {
  let server: Server;
  let sandbox: string;
  const http = createRegistryHttp('test');
  beforeAll(async () => {
    const app = express().use('/sandbox', sandboxRouter());
    server = createServer(app);
    sandbox = `${await listen(server)}sandbox/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('DaData: finds the liquidated record, refuses a wrong key loudly', async () => {
    const baseUrl = new URL('dadata/', sandbox);
    const good = createDadataClient({ baseUrl, apiKey: 'sandbox-dadata-key' }, http);
    expect((await ask(good, '7701080014')).record?.status).toBe('liquidated');
    expect((await ask(good, '5027001000')).record).toBeUndefined();
    const bad = createDadataClient({ baseUrl, apiKey: 'wrong' }, http);
    await expect(ask(bad, '7707083893')).rejects.toThrow(/lookup\.inn\.apiKey/);
  });

  it('Companies House: a dissolved company, 404 as not found, a wrong key named', async () => {
    const baseUrl = new URL('companies-house/', sandbox);
    const client = createCompaniesHouseClient(
      { baseUrl, apiKey: 'sandbox-companies-house-key' },
      http,
    );
    expect((await ask(client, '07654321')).record?.status).toBe('dissolved');
    expect((await ask(client, '99999999')).record).toBeUndefined();
    const bad = createCompaniesHouseClient({ baseUrl, apiKey: 'wrong' }, http);
    await expect(ask(bad, '07654321')).rejects.toThrow(/lookup\.companyNumber\.apiKey/);
  });

  it('VIES: valid: false is not found', async () => {
    const client = createViesClient({ baseUrl: new URL('vies/', sandbox) }, http);
    expect((await ask(client, 'BE0403170701')).record).toBeUndefined();
  });

  it('Hectare: a grace certificate is found with its status', async () => {
    const client = createHectareCertificatesClient(
      {
        baseUrl: new URL('hectare/customers/', sandbox),
        username: 'platform@hectare.sandbox',
        password: 'Hectare-Sandbox-Pa55!',
      },
      http,
    );
    const answer = await ask(client, '22/222/2222', 'EX20 1AB');
    expect(answer.record?.certificate).toEqual({
      status: 'Grace',
      expires: '2024-06-30T00:00:00.000+00:00',
    });
  });
});
