/**
 * IntellectMoney Personal API simulator (seed 003): `user/getUserToken` and
 * `user/registerOrganization`, checking the Bearer token, the `Sign` header (PROVIDERS.md scheme,
 * default order), the UserToken, required fields, the INN checksum and duplicates, and answering
 * JSON when `Accept` asks for it, XML otherwise, as the real API does.
 * Assumed: API-level refusals are HTTP 200 with `OperationState.Code` 2 and a Russian `Desc` (the
 * adapter's default `stateRules` read these); a wrong Bearer token is HTTP 401.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { isValidInn } from '../../shared/validators.ts';
import { Secret } from '../config/secret.ts';
import { REGISTER_PARAMS, intellectMoneySign } from '../providers/intellectmoney.ts';
import type { SimulatorApi } from './simulator.ts';

export const INTELLECTMONEY_SANDBOX = {
  bearerToken: 'im-sandbox-bearer-token',
  signSecretKey: 'im-sandbox-sign-secret',
  login: 'partner@intellectmoney.sandbox',
  password: 'im-sandbox-password',
  eshopId: 450_000,
} as const;

/** The seed's required parameters: the first seven of the method's list. */
const REQUIRED = REGISTER_PARAMS.slice(0, 7);

type XmlValue = string | number | boolean | null | undefined | { [key: string]: XmlValue };

function toXml(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name} />`;
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  const text = String(value).replace(
    /[<>&]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!,
  );
  return `<${name}>${text}</${name}>`;
}

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

export function createIntellectMoneySimulator(): SimulatorApi {
  let userTokens = new Set<string>();
  let requestIds = new Set<string>();
  let inns = new Set<string>();
  let emails = new Set<string>();

  const router = express.Router();
  const refuse = (req: Request, res: Response, desc: string, status = 200) =>
    reply(
      req,
      res,
      { OperationState: { Code: 2, Desc: desc }, OperationId: randomUUID(), Result: null },
      status,
    );

  /** Bearer and Sign, checked as the real API does; false when it has answered a refusal. */
  function authenticated(req: Request, res: Response, signOrder: readonly string[]): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameText(bearer, INTELLECTMONEY_SANDBOX.bearerToken)) {
      refuse(req, res, 'Неверный токен доступа (Authorization)', 401);
      return false;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = signOrder.map((k) => (typeof body[k] === 'string' ? body[k] : ''));
    const expected = intellectMoneySign(values, INTELLECTMONEY_SANDBOX.signSecretKey);
    if (!sameText(req.get('sign') ?? '', expected)) {
      refuse(req, res, 'Неверная подпись запроса (Sign)');
      return false;
    }
    return true;
  }

  router.post('/personal/user/getUserToken', (req, res) => {
    if (!authenticated(req, res, ['Login', 'Password'])) return;
    const { Login, Password } = (req.body ?? {}) as Record<string, unknown>;
    if (Login !== INTELLECTMONEY_SANDBOX.login || Password !== INTELLECTMONEY_SANDBOX.password) {
      return refuse(req, res, 'Неверный логин или пароль');
    }
    const token = randomBytes(48).toString('base64');
    userTokens.add(token);
    reply(req, res, {
      OperationState: { Code: 0, Desc: 'Успешно обработана' },
      OperationId: randomUUID(),
      Result: { UserToken: token },
    });
  });

  router.post('/personal/user/registerOrganization', (req, res) => {
    if (!authenticated(req, res, REGISTER_PARAMS)) return;
    const body = (req.body ?? {}) as Partial<Record<string, string>>;
    const missing = REQUIRED.find((key) => !body[key]);
    if (missing) return refuse(req, res, `Не заполнено обязательное поле ${missing}`);
    const value = (key: string) => body[key] ?? '';
    const [userToken, requestId, inn, phone, email] = [
      value('UserToken'),
      value('RequestId'),
      value('Inn'),
      value('ContactPhone'),
      value('Email'),
    ];
    if (!userTokens.has(userToken)) return refuse(req, res, 'Недействительный UserToken');
    if (!isValidInn(inn)) return refuse(req, res, 'Некорректный ИНН (Inn)');
    if (!/^\+\d{8,15}$/.test(phone))
      return refuse(req, res, 'Некорректный номер телефона (ContactPhone)');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      return refuse(req, res, 'Некорректный e-mail (Email)');
    if (requestIds.has(requestId))
      return refuse(req, res, `Заявка с RequestId ${requestId} уже существует`);
    if (inns.has(inn)) return refuse(req, res, 'Организация с таким ИНН уже зарегистрирована');
    if (emails.has(email.toLowerCase())) {
      return refuse(req, res, 'Пользователь с таким e-mail уже зарегистрирован');
    }
    requestIds.add(requestId);
    inns.add(inn);
    emails.add(email.toLowerCase());
    let utm: unknown;
    try {
      utm = body['UTMParams'] ? JSON.parse(body['UTMParams']) : {};
    } catch {
      utm = { raw: body['UTMParams'] };
    }
    const newUserToken = randomBytes(48).toString('base64');
    reply(req, res, {
      OperationState: { Code: 0, Desc: 'Успешно обработана' },
      OperationId: randomUUID(),
      EshopId: INTELLECTMONEY_SANDBOX.eshopId + requestIds.size,
      Result: {
        RequestId: requestId,
        FirstName: value('FirstName'),
        ContactPhone: phone,
        Email: email,
        LeadSource: value('LeadSource'),
        Inn: inn,
        InviteCode: value('InviteCode'),
        UTMParams: utm,
        LeadComment: value('LeadComment'),
        LeadAttractor: value('LeadAttractor'),
        Password: randomBytes(9).toString('base64'),
        UserToken: newUserToken,
      },
    });
  });

  return {
    router,
    reset() {
      userTokens = new Set();
      requestIds = new Set();
      inns = new Set();
      emails = new Set();
    },
  };
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
