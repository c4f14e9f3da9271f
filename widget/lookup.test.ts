import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlowDescriptor, LookupResponse } from '../shared/api.ts';
import { looksUp, lookUp, suggestDomain, worthLookingUp } from './lookup.ts';

const URL_PREFIX = 'https://bff.example/v1/flows/shop/lookup?field=inn&value=';
const SBERBANK: LookupResponse = {
  field: 'inn',
  value: '7707083893',
  source: 'dadata',
  status: 'active',
  fields: { organisationName: 'PAO Sberbank', city: 'Moscow' },
};

/** A fetch whose answer the test releases when it wants, as a slow registry would. */
function deferredFetch(status: number, body: unknown = {}) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const fetch = vi.fn(async (_url: string) => {
    await released;
    return new Response(JSON.stringify(body), { status });
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, release };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('which fields the flow looks up', () => {
  const flow = { lookup: ['inn'] } as FlowDescriptor;
  it('reads the descriptor', () => {
    expect(looksUp(flow, 'inn')).toBe(true);
    expect(looksUp(flow, 'vat')).toBe(false);
    expect(looksUp({} as FlowDescriptor, 'inn')).toBeFalsy();
  });
});

describe('asking the registry', () => {
  it('gives the record for the number, asked with the number escaped', async () => {
    const { fetch, release } = deferredFetch(200, SBERBANK);
    const answer = lookUp(URL_PREFIX, '7707 083893', () => '7707 083893');
    release();
    expect(await answer).toEqual(SBERBANK);
    expect(fetch).toHaveBeenCalledWith(`${URL_PREFIX}7707%20083893`);
  });

  it('drops an answer that comes after the user changed the number', async () => {
    let current = '7707083893';
    const { fetch, release } = deferredFetch(200, SBERBANK);
    const answer = lookUp(URL_PREFIX, current, () => current);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    current = '770708389';
    release();
    expect(await answer).toBeUndefined();
  });

  it('keeps an answer when the number, changed meanwhile, is the same again', async () => {
    let current = '7707083893';
    const { fetch, release } = deferredFetch(200, SBERBANK);
    const answer = lookUp(URL_PREFIX, current, () => current);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    current = '770708389';
    current = '7707083893';
    release();
    expect(await answer).toEqual(SBERBANK);
  });

  it('asks nothing while the number is still being typed', async () => {
    let current = '0123';
    const { fetch, release } = deferredFetch(404);
    release();
    const answer = lookUp(URL_PREFIX, current, () => current);
    current = '01234';
    expect(await answer).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says {} (not found) when the registry has no such company', async () => {
    const { release } = deferredFetch(404, { code: 'not_found' });
    release();
    expect(await lookUp(URL_PREFIX, '7707083893', () => '7707083893')).toEqual({});
  });

  it.each([503, 400, 429, 500])('says nothing on %i: the user simply types', async (status) => {
    const { release } = deferredFetch(status, { code: 'lookup_unavailable' });
    release();
    expect(await lookUp(URL_PREFIX, '7707083893', () => '7707083893')).toBeUndefined();
  });

  it('says nothing when the BFF cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    expect(await lookUp(URL_PREFIX, '7707083893', () => '7707083893')).toBeUndefined();
  });
});

describe('the e-mail typo hint', () => {
  it.each([
    ['ada@gmial.com', 'gmail.com'],
    ['ada@gmail.con', 'gmail.com'],
    ['ada@gmai.com', 'gmail.com'],
    ['ada@hotmial.com', 'hotmail.com'],
    ['ada@yahooo.com', 'yahoo.com'],
    ['ada@outlok.com', 'outlook.com'],
    ['ada@mail.ry', 'mail.ru'],
  ])('suggests the common domain for %s', (email, domain) => {
    expect(suggestDomain(email)).toBe(domain);
  });

  it.each([
    'ada@gmail.com',
    'ada@mail.com',
    'ada@gmx.net',
    'ada@gmx.at',
    'ada@yandex.ua',
    'ada@aol.com',
    'ada@example.com',
    'ada@sberbank.ru',
    'ada@',
    'ada',
    '',
  ])('suggests nothing for %j', (email) => {
    expect(suggestDomain(email)).toBeUndefined();
  });
});

describe('the e-mail typo hint while typing', () => {
  it.each([
    ['ada@gmail.co', 'gmail.com'],
    ['ada@mail.r', 'mail.ru'],
    ['ada@hotmail.co', 'hotmail.com'],
  ])('waits while %s is on the way to %s, and suggests it once the field is left', (email, d) => {
    expect(suggestDomain(email, true)).toBeUndefined();
    expect(suggestDomain(email)).toBe(d);
  });

  it('suggests a slip that is no prefix as it is typed', () => {
    expect(suggestDomain('ada@gmial.com', true)).toBe('gmail.com');
  });
});

describe('which numbers are worth looking up', () => {
  it.each([
    ['vat', 'nl 8228.98.044 b01'],
    ['vat', 'DE129273398'],
    ['companyNumber', '445790'],
    ['companyNumber', 'SC123456'],
    ['inn', '7707083893'],
    ['holdingNumber', '11/111/1111'],
  ])('%s %j: yes', (field, value) => {
    expect(worthLookingUp(field, value)).toBe(true);
  });

  it.each([
    // No member state's prefix (a UK or Swiss number is the provider's to judge, not VIES's).
    ['vat', '822898044B01'],
    ['vat', 'GB980780684'],
    ['vat', 'NL8'],
    ['companyNumber', '123456789'],
    ['companyNumber', 'ABC-1'],
  ])('%s %j: no, so it never leaves the browser', (field, value) => {
    expect(worthLookingUp(field, value)).toBe(false);
  });
});
