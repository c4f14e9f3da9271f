/**
 * IntellectMoney Personal API simulator, written from the provider's documentation (seed 003 and
 * its public pages): `user/getUserToken` (Login, Password -> `Result.UserToken`) and
 * `user/registerOrganization`, both with `Authorization: Bearer` and a `Sign` header, form-encoded
 * or JSON bodies, and answers in XML unless `Accept` asks for JSON.
 *
 * `Sign` is computed here, from the documentation alone (see `sign()`): SHA-256, lower-case hex,
 * of the method's parameter values in its order joined by `::`, the SignSecretKey as the last
 * segment, an empty or missing value keeping its (empty) segment.
 *
 * Where the documentation is silent, the reading least kind to a lax client:
 * - only `OperationState.Code` 0 ("Успешно обработана") is documented; every refusal here carries
 *   another code, `Result: null` and a Russian `Desc`: 1 authentication (Bearer, Sign, UserToken
 *   unknown or expired), 2 a missing or malformed parameter, 3 a duplicate (RequestId, INN or
 *   e-mail already registered). These codes are the sandbox's own: no client may rely on them
 *   beyond "not 0";
 * - the seven parameters marked REQUIRED must be non-empty; `Inn` must pass the INN checksum,
 *   `ContactPhone` be `+` and digits, `Email` an address, `LeadSource` one of the partner's lead
 *   sources (the sandbox knows "31"), `UTMParams`, when given, a JSON object (the sample answer
 *   shows it parsed as `{}`);
 * - UserTokens from getUserToken expire (`userTokenTtlSeconds`).
 *
 * Readings (`POST _readings`), defaults first:
 * - `authRefusal`: `state` (a wrong Bearer token or Sign is HTTP 200 with `OperationState.Code`
 *   1, as every other refusal: the envelope is where the documentation puts an outcome) | `401`.
 * - `signOrder`: the parameters whose values `Sign` joins for registerOrganization, in order;
 *   default every parameter in the documented order (UserToken, RequestId, FirstName,
 *   ContactPhone, Email, LeadSource, Inn, InviteCode, UTMParams, LeadComment, LeadAttractor), the
 *   documented signature itself being empty.
 * - `repeatedRequestId`: `refuse` (Code 3) | `idempotent` (the same parameters again get the
 *   first answer again; different ones are refused).
 * - `userTokenTtlSeconds`: 3600.
 *
 * `_state`: `{ accounts: [{ email, id (EshopId), requestId, inn, firstName, contactPhone,
 * leadSource, inviteCode }] }`.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { isValidInn } from '../../shared/validators.ts';
import { Secret } from '../config/secret.ts';
import { Readings, type ProviderAccount, type SimulatorApi } from './simulator.ts';

export const INTELLECTMONEY_SANDBOX = {
  bearerToken: 'im-sandbox-bearer-token',
  signSecretKey: 'im-sandbox-sign-secret',
  login: 'partner@intellectmoney.sandbox',
  password: 'im-sandbox-password',
  eshopId: 450_000,
  /** The lead sources (LeadSource ids) the sandbox partner has. */
  leadSources: ['31'],
} as const;

/** registerOrganization's parameters, in the documentation's order; the first seven required. */
const REGISTER_PARAMS = [
  'UserToken',
  'RequestId',
  'FirstName',
  'ContactPhone',
  'Email',
  'LeadSource',
  'Inn',
  'InviteCode',
  'UTMParams',
  'LeadComment',
  'LeadAttractor',
] as const;
const REQUIRED = REGISTER_PARAMS.slice(0, 7);
const TOKEN_PARAMS = ['Login', 'Password'] as const;

const readingsSchema = z.strictObject({
  authRefusal: z.enum(['state', '401']).default('state'),
  signOrder: z
    .array(z.enum(REGISTER_PARAMS))
    .min(1)
    .default([...REGISTER_PARAMS]),
  repeatedRequestId: z.enum(['refuse', 'idempotent']).default('refuse'),
  userTokenTtlSeconds: z.int().min(1).max(86_400).default(3600),
});

const CODE = { auth: 1, invalid: 2, duplicate: 3 } as const;
const PROCESSED = { Code: 0, Desc: 'Успешно обработана' };
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** `Sign` as the documentation describes it, for the given values in the method's order. */
function sign(values: readonly string[], secret: string): string {
  return createHash('sha256')
    .update([...values, secret].join('::'), 'utf8')
    .digest('hex');
}

type XmlValue = string | number | boolean | null | undefined | { [key: string]: XmlValue };

function toXml(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name} />`;
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  const escaped = String(value).replace(
    /[<>&]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!,
  );
  return `<${name}>${escaped}</${name}>`;
}

/** JSON when `Accept` asks for it, XML otherwise, as the provider answers. */
function reply(req: Request, res: Response, body: Record<string, unknown>, status = 200): void {
  res.status(status);
  if (/json/i.test(req.get('accept') ?? '')) {
    res.json(body);
  } else {
    res
      .type('application/xml')
      .send(`<?xml version="1.0" encoding="utf-8"?>${toXml('Response', body as XmlValue)}`);
  }
}

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A generated password like the sample's `lkvWPM>$|098`. */
function password(): string {
  const chars = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*<>|?';
  return Array.from({ length: 12 }, () => chars[randomInt(chars.length)]).join('');
}

/** A form or JSON body as text values (what `Sign` is computed over). */
function fields(req: Request): Record<string, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

interface Registration {
  request: Record<string, string>;
  answer: Record<string, unknown>;
  account: ProviderAccount;
}

export function createIntellectMoneySimulator(): SimulatorApi {
  const readings = new Readings(readingsSchema);
  let userTokens = new Map<string, number>();
  let byRequestId = new Map<string, Registration>();
  let inns = new Set<string>();
  let emails = new Set<string>();
  let nextEshopId: number = INTELLECTMONEY_SANDBOX.eshopId;

  const router = express.Router();
  const refuse = (req: Request, res: Response, code: number, desc: string) => {
    const http = code === CODE.auth && readings.current.authRefusal === '401' ? 401 : 200;
    reply(
      req,
      res,
      { OperationState: { Code: code, Desc: desc }, OperationId: randomUUID(), Result: null },
      http,
    );
  };

  /** Bearer and Sign over `order`'s values; false when a refusal has been answered. */
  function authenticated(
    req: Request,
    res: Response,
    body: Record<string, string>,
    order: readonly string[],
  ): boolean {
    const bearer = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameText(bearer, INTELLECTMONEY_SANDBOX.bearerToken)) {
      refuse(req, res, CODE.auth, 'Неверный токен доступа (Authorization)');
      return false;
    }
    const expected = sign(
      order.map((k) => body[k] ?? ''),
      INTELLECTMONEY_SANDBOX.signSecretKey,
    );
    if (!sameText(req.get('sign') ?? '', expected)) {
      refuse(req, res, CODE.auth, 'Неверная подпись запроса (Sign)');
      return false;
    }
    return true;
  }

  router.post('/personal/user/getUserToken', (req, res) => {
    const body = fields(req);
    if (!authenticated(req, res, body, TOKEN_PARAMS)) return;
    if (
      body['Login'] !== INTELLECTMONEY_SANDBOX.login ||
      !sameText(body['Password'] ?? '', INTELLECTMONEY_SANDBOX.password)
    ) {
      return refuse(req, res, CODE.auth, 'Неверный логин или пароль');
    }
    const token = randomBytes(48).toString('base64');
    userTokens.set(token, Date.now() + readings.current.userTokenTtlSeconds * 1000);
    reply(req, res, {
      OperationState: PROCESSED,
      OperationId: randomUUID(),
      Result: { UserToken: token },
    });
  });

  /** The first problem with registerOrganization's parameters: [code, Desc], or undefined. */
  function problem(body: Record<string, string>): [number, string] | undefined {
    const missing = REQUIRED.find((key) => !body[key]?.trim());
    if (missing) return [CODE.invalid, `Не заполнено обязательное поле ${missing}`];
    const expires = userTokens.get(body['UserToken']!);
    if (expires === undefined) return [CODE.auth, 'Недействительный UserToken'];
    if (expires <= Date.now()) return [CODE.auth, 'Срок действия UserToken истёк'];
    if (!isValidInn(body['Inn']!)) return [CODE.invalid, 'Некорректный ИНН (Inn)'];
    if (!/^\+\d{8,15}$/.test(body['ContactPhone']!)) {
      return [CODE.invalid, 'Некорректный номер телефона (ContactPhone)'];
    }
    if (!EMAIL.test(body['Email']!)) return [CODE.invalid, 'Некорректный e-mail (Email)'];
    if (!(INTELLECTMONEY_SANDBOX.leadSources as readonly string[]).includes(body['LeadSource']!)) {
      return [CODE.invalid, 'Неизвестный источник регистрации (LeadSource)'];
    }
    if (body['UTMParams'] && utmOf(body['UTMParams']) === undefined) {
      return [CODE.invalid, 'Некорректный формат UTM-меток (UTMParams)'];
    }
    return undefined;
  }

  router.post('/personal/user/registerOrganization', (req, res) => {
    const body = fields(req);
    if (!authenticated(req, res, body, readings.current.signOrder)) return;
    const found = problem(body);
    if (found) return refuse(req, res, ...found);
    const value = (key: string) => body[key] ?? '';
    const requestId = value('RequestId');
    const first = byRequestId.get(requestId);
    if (first) {
      const same = REGISTER_PARAMS.every(
        (k) => k === 'UserToken' || value(k) === (first.request[k] ?? ''),
      );
      if (readings.current.repeatedRequestId === 'idempotent' && same) {
        return reply(req, res, first.answer);
      }
      return refuse(req, res, CODE.duplicate, `Заявка с RequestId ${requestId} уже существует`);
    }
    const inn = value('Inn');
    const email = value('Email');
    if (inns.has(inn)) {
      return refuse(req, res, CODE.duplicate, 'Организация с таким ИНН уже зарегистрирована');
    }
    if (emails.has(email.toLowerCase())) {
      return refuse(req, res, CODE.duplicate, 'Пользователь с таким e-mail уже зарегистрирован');
    }
    const eshopId = ++nextEshopId;
    const answer = {
      OperationState: PROCESSED,
      OperationId: randomUUID(),
      EshopId: eshopId,
      Result: {
        RequestId: requestId,
        FirstName: value('FirstName'),
        ContactPhone: value('ContactPhone'),
        Email: email,
        LeadSource: value('LeadSource'),
        Inn: inn,
        InviteCode: value('InviteCode'),
        UTMParams: utmOf(value('UTMParams') || '{}') ?? {},
        LeadComment: value('LeadComment'),
        LeadAttractor: value('LeadAttractor'),
        Password: password(),
        // The documented answer gives back the UserToken the request was made with.
        UserToken: value('UserToken'),
      },
    };
    inns.add(inn);
    emails.add(email.toLowerCase());
    byRequestId.set(requestId, {
      request: { ...body },
      answer,
      account: {
        email,
        id: eshopId,
        requestId,
        inn,
        firstName: value('FirstName'),
        contactPhone: value('ContactPhone'),
        leadSource: value('LeadSource'),
        inviteCode: value('InviteCode'),
      },
    });
    reply(req, res, answer);
  });

  return {
    router,
    readings,
    reset() {
      userTokens = new Map();
      byRequestId = new Map();
      inns = new Set();
      emails = new Set();
      nextEshopId = INTELLECTMONEY_SANDBOX.eshopId;
    },
    accounts: () => [...byRequestId.values()].map((r) => ({ ...r.account })),
  };
}

/** UTMParams as the answer shows them: a JSON object; undefined when the text is not one. */
function utmOf(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const intellectMoneySandboxFlow = {
  basePath: '/personal/',
  flowSettings: () => ({
    bearerToken: new Secret(INTELLECTMONEY_SANDBOX.bearerToken),
    signSecretKey: new Secret(INTELLECTMONEY_SANDBOX.signSecretKey),
    account: {
      login: INTELLECTMONEY_SANDBOX.login,
      password: new Secret(INTELLECTMONEY_SANDBOX.password),
    },
  }),
};
