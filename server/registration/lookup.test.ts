import { describe, expect, it } from 'vitest';
import { checkNumber } from './lookup.ts';

describe('checkNumber: the local check before any registry call', () => {
  it.each([
    ['inn', '7707 083 893', '7707083893'],
    ['vat', 'nl 8228.98.044 b01', 'NL822898044B01'],
    ['vat', 'EL094259216', 'EL094259216'],
    ['vat', 'XI980780684', 'XI980780684'],
    ['companyNumber', '445790', '00445790'],
    ['companyNumber', 'sc 123456', 'SC123456'],
    ['holdingNumber', ' 11/111/1111 ', '11/111/1111'],
    ['holdingNumber', '11 111 1111', '11/111/1111'],
    ['holdingNumber', '11-111-1111', '11/111/1111'],
  ] as const)('%s %j is asked as %s', (field, typed, value) => {
    expect(checkNumber(field, typed)).toEqual({ ok: true, value });
  });

  it.each([
    ['inn', '7707083894', 'invalid_inn'],
    ['vat', 'NL822898045B01', 'invalid_vat'],
    ['vat', 'EL094259217', 'invalid_vat'],
    ['vat', 'GB980780684', 'invalid_vat'],
    ['vat', 'NL', 'invalid_vat'],
    ['companyNumber', '123456789', 'invalid_company_number'],
    ['companyNumber', 'ABC-1', 'invalid_company_number'],
    ['holdingNumber', '11-111-111', 'invalid_holding_number'],
    ['holdingNumber', '1/1111/1111', 'invalid_holding_number'],
  ] as const)('%s %j fails with %s', (field, typed, error) => {
    expect(checkNumber(field, typed)).toEqual({ ok: false, error });
  });
});
