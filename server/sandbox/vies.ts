/**
 * The EU's VIES REST API as its OpenAPI description gives "check a VAT number": `POST
 * /check-vat-number` with `{ countryCode, vatNumber, requesterMemberStateCode?, requesterNumber? }`
 * -> `{ countryCode, vatNumber, requestDate, valid, requestIdentifier, name, address }` (name and
 * address `---` where the member state does not give them; a request identifier only when the
 * requester is given); errors `{ actionSucceed: false, errorWrappers: [{ error, message }] }`.
 * `POST _unavailable { countryCode, times }` makes that member state answer `MS_UNAVAILABLE` the
 * next `times` checks, as VIES often does. Written from the documentation, not from the client.
 */
import express from 'express';
import { z } from 'zod';
import type { SimulatorApi } from './simulator.ts';

interface Trader {
  countryCode: string;
  vatNumber: string;
  valid: boolean;
  name: string;
  address: string;
}

/** Made-up traders; the de-registered one answers `valid: false` as an unknown number does. */
const TRADERS: readonly Trader[] = [
  {
    countryCode: 'NL',
    vatNumber: '822898044B01',
    valid: true,
    name: 'CLOUDSUITE DEMO B.V.',
    address: 'KEIZERSGRACHT 00062\n1015CS AMSTERDAM',
  },
  {
    countryCode: 'DE',
    vatNumber: '129273398',
    valid: true,
    name: '---',
    address: '---',
  },
  {
    countryCode: 'BE',
    vatNumber: '0403170701',
    valid: false,
    name: 'GESLOTEN DEMO BV',
    address: 'KERKSTRAAT 1\n1000 BRUSSEL',
  },
];

const checkBody = z.looseObject({
  countryCode: z.string().regex(/^[A-Z]{2}$/),
  vatNumber: z.string().regex(/^[0-9A-Za-z+*]{2,12}$/),
  requesterMemberStateCode: z.string().optional(),
  requesterNumber: z.string().optional(),
});

export function createViesSimulator(): SimulatorApi {
  const router = express.Router();
  let unavailable = new Map<string, number>();
  let consultations = 0;

  router.get('/_records', (_req, res) => {
    res.json(
      TRADERS.map((t) => ({
        field: 'vat',
        value: `${t.countryCode}${t.vatNumber}`,
        // VIES says only valid or not: a de-registered number is not found.
        status: t.valid ? 'active' : 'unknown',
        organisationName: t.name === '---' ? '' : t.name,
      })),
    );
  });
  router.post('/_unavailable', (req, res) => {
    const body = z
      .strictObject({ countryCode: z.string().regex(/^[A-Z]{2}$/), times: z.int().min(0) })
      .safeParse(req.body);
    if (!body.success) return void res.status(400).json({ error: z.prettifyError(body.error) });
    unavailable.set(body.data.countryCode, body.data.times);
    res.json(body.data);
  });
  router.post('/check-vat-number', (req, res) => {
    const body = checkBody.safeParse(req.body);
    if (!body.success) {
      return void res.status(400).json({
        actionSucceed: false,
        errorWrappers: [
          {
            error: 'INVALID_INPUT',
            message: 'The provided CountryCode is invalid or the VAT number is empty',
          },
        ],
      });
    }
    const { countryCode, vatNumber, requesterMemberStateCode, requesterNumber } = body.data;
    const left = unavailable.get(countryCode) ?? 0;
    if (left > 0) {
      unavailable.set(countryCode, left - 1);
      return void res.status(200).json({
        actionSucceed: false,
        errorWrappers: [{ error: 'MS_UNAVAILABLE', message: 'The member state is not available' }],
      });
    }
    const trader = TRADERS.find(
      (t) => t.countryCode === countryCode && t.vatNumber === vatNumber.toUpperCase(),
    );
    const valid = trader?.valid ?? false;
    res.json({
      countryCode,
      vatNumber,
      requestDate: new Date().toISOString(),
      valid,
      requestIdentifier:
        requesterMemberStateCode && requesterNumber
          ? `WAPIAAAAZ${String(++consultations).padStart(7, '0')}`
          : '',
      name: valid ? trader!.name : '---',
      address: valid ? trader!.address : '---',
      traderName: '---',
      traderStreet: '---',
      traderPostalCode: '---',
      traderCity: '---',
      traderCompanyType: '---',
      traderNameMatch: 'NOT_PROCESSED',
      traderStreetMatch: 'NOT_PROCESSED',
      traderPostalCodeMatch: 'NOT_PROCESSED',
      traderCityMatch: 'NOT_PROCESSED',
      traderCompanyTypeMatch: 'NOT_PROCESSED',
    });
  });
  return {
    router,
    reset() {
      unavailable = new Map();
      consultations = 0;
    },
  };
}
