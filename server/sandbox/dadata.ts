/**
 * DaData's suggestions API as its documentation describes "find a party by INN or OGRN"
 * (`POST /findById/party`, `Authorization: Token <key>`, JSON `{ query, count?, kpp?, type? }`):
 * `{ suggestions: [...] }`, each `{ value, unrestricted_value, data }` with `data.name`,
 * `data.state.status` (ACTIVE, LIQUIDATING, LIQUIDATED, BANKRUPT, REORGANIZING) and
 * `data.address.data`; an empty list for an unknown number; 401 without a valid key, 403 for
 * another. Written from the documentation, not from the registry client.
 */
import express from 'express';
import type { SimulatorApi } from './simulator.ts';

export const DADATA_SANDBOX = { apiKey: 'sandbox-dadata-key' };

interface Party {
  inn: string;
  kpp: string;
  ogrn: string;
  full: string;
  short: string;
  opf: string;
  status: 'ACTIVE' | 'LIQUIDATING' | 'LIQUIDATED';
  postalCode: string;
  city: string;
  street: string;
  house: string;
}

/** Public registry facts (Sberbank) and made-up companies whose INNs pass the checksum. */
const PARTIES: readonly Party[] = [
  {
    inn: '7707083893',
    kpp: '773601001',
    ogrn: '1027700132195',
    full: 'СБЕРБАНК РОССИИ',
    short: 'СБЕРБАНК',
    opf: 'ПАО',
    status: 'ACTIVE',
    postalCode: '117312',
    city: 'Москва',
    street: 'ул Вавилова',
    house: '19',
  },
  {
    inn: '7701080014',
    kpp: '770101001',
    ogrn: '1157746000014',
    full: 'ТЕСТОВАЯ ЛИКВИДИРОВАННАЯ КОМПАНИЯ',
    short: 'ТЕСТ-ЛИКВИДИРОВАНА',
    opf: 'ООО',
    status: 'LIQUIDATED',
    postalCode: '101000',
    city: 'Москва',
    street: 'ул Мясницкая',
    house: '1',
  },
  {
    inn: '7810002009',
    kpp: '781001001',
    ogrn: '1167847000009',
    full: 'ТЕСТОВАЯ ЛИКВИДИРУЕМАЯ КОМПАНИЯ',
    short: 'ТЕСТ-ЛИКВИДАЦИЯ',
    opf: 'АО',
    status: 'LIQUIDATING',
    postalCode: '196084',
    city: 'Санкт-Петербург',
    street: 'Московский пр-кт',
    house: '7',
  },
];

const STATUS_WORDS = { ACTIVE: 'active', LIQUIDATING: 'liquidating', LIQUIDATED: 'liquidated' };

function suggestion(p: Party) {
  const address = `${p.postalCode}, г ${p.city}, ${p.street}, д ${p.house}`;
  return {
    value: `${p.opf} ${p.short}`,
    unrestricted_value: `${p.opf} ${p.short}`,
    data: {
      kpp: p.kpp,
      inn: p.inn,
      ogrn: p.ogrn,
      type: 'LEGAL',
      branch_type: 'MAIN',
      name: {
        full_with_opf: `${p.opf === 'ПАО' ? 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО' : p.opf} "${p.full}"`,
        short_with_opf: `${p.opf} ${p.short}`,
        full: p.full,
        short: p.short,
      },
      opf: { short: p.opf },
      state: {
        status: p.status,
        actuality_date: 1704067200000,
        registration_date: 677376000000,
        liquidation_date: p.status === 'LIQUIDATED' ? 1672531200000 : null,
      },
      address: {
        value: `г ${p.city}, ${p.street}, д ${p.house}`,
        unrestricted_value: address,
        data: {
          postal_code: p.postalCode,
          country: 'Россия',
          country_iso_code: 'RU',
          city_with_type: `г ${p.city}`,
          city_type: 'г',
          city: p.city,
          street_with_type: p.street,
          street: p.street.replace(/^(ул|пр-кт) /, '').replace(/ пр-кт$/, ''),
          house_type: 'д',
          house: p.house,
          block_type: null,
          block: null,
        },
      },
    },
  };
}

export function createDadataSimulator(): SimulatorApi {
  const router = express.Router();
  router.get('/_records', (_req, res) => {
    res.json(
      PARTIES.map((p) => ({
        field: 'inn',
        value: p.inn,
        status: STATUS_WORDS[p.status],
        organisationName: `${p.opf} ${p.short}`,
      })),
    );
  });
  router.post('/findById/party', (req, res) => {
    const key = /^Token (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!key) return void res.status(401).json({ family: 'CLIENT_ERROR', reason: 'Unauthorized' });
    if (key !== DADATA_SANDBOX.apiKey)
      return void res.status(403).json({ family: 'CLIENT_ERROR', reason: 'Forbidden' });
    const query = (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || query.trim() === '')
      return void res.status(400).json({ family: 'CLIENT_ERROR', reason: 'Bad Request' });
    const found = PARTIES.filter((p) => p.inn === query.trim() || p.ogrn === query.trim());
    res.json({ suggestions: found.map(suggestion) });
  });
  return { router, reset() {} };
}
