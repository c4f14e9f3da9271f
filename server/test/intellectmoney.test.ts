/**
 * The intellectmoney adapter against the IntellectMoney simulator over real HTTP: form body and
 * headers as the seed shows, the Sign header, UserToken handling, OperationState mapping, and
 * the generated password kept from logs, the journal and replays.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_STATE_RULES,
  REGISTER_PARAMS,
  intellectMoneySign,
} from '../providers/intellectmoney.ts';
import { INTELLECTMONEY_SANDBOX } from '../sandbox/intellectmoney.ts';
import { intellectmoneyContract } from './contract/intellectmoney.ts';
import {
  demoConfig,
  intellectMoneyFields,
  startBff,
  type Bff,
  type FlowDocument,
} from './harness.ts';

const imFlow = (id: string, settings: Record<string, unknown> = {}): FlowDocument => ({
  id,
  provider: 'intellectmoney',
  sandbox: true,
  allowedOrigins: ['http://localhost:*'],
  phoneCountry: 'RU',
  hostValues: ['leadComment', 'leadAttractor'],
  settings: { leadSource: '31', ...settings },
});

describe('intellectMoneySign', () => {
  it('is SHA-256 hex of the values joined by ::, secret last, empty values kept', () => {
    // Reference values computed with: printf '%s' '<joined>' | sha256sum
    expect(
      intellectMoneySign(
        ['tok', 'req-1', 'Иван', '+79201234455', 'a@b.ru', '31', '7707083893', '', '', '', ''],
        'secret',
      ),
    ).toBe('44aae66d89a0b12f029ccbb4e3d5fb17df0419d098b30afee4e672b3590d0aa4');
    expect(intellectMoneySign(['login@x', 'pw'], 'secret')).toBe(
      '4007e2c93c5d76a5b7043a526cff7c4b97ab37f88a54163ebf3788779e62c518',
    );
  });
});

describe('intellectmoney: the default state rules read the documented refusals', () => {
  const outcomeOf = (code: number, desc: string) =>
    DEFAULT_STATE_RULES.find(
      (r) =>
        (r.code === undefined || r.code === code) &&
        (!r.desc || new RegExp(r.desc, 'i').test(desc)),
    );
  it.each([
    // No state but 0 is documented: none is read as a success by default.
    [1, 'Принята в обработку', undefined, undefined],
    [1, 'Неверный токен доступа (Authorization)', 'misconfigured', undefined],
    [1, 'Срок действия UserToken истёк', 'user_token_expired', undefined],
    [2, 'Неизвестный источник регистрации (LeadSource)', 'misconfigured', undefined],
    [3, 'Заявка с RequestId 42 уже существует', 'already_registered', undefined],
    [7, 'Ошибка обработки', undefined, undefined],
    [2, 'Организация с таким ИНН уже зарегистрирована', 'already_registered', 'inn'],
    [2, 'Пользователь с таким e-mail уже зарегистрирован', 'already_registered', 'email'],
    [2, 'Недействительный UserToken', 'user_token_expired', undefined],
    [2, 'Неверная подпись запроса (Sign)', 'misconfigured', undefined],
    [2, 'Некорректный ИНН (Inn)', 'rejected', 'inn'],
    [2, 'Некорректный номер телефона (ContactPhone)', 'rejected', 'phone'],
    [2, 'Не заполнено обязательное поле RequestId', undefined, undefined],
    [2, 'Не заполнено обязательное поле UserToken', 'misconfigured', undefined],
  ])('state %i "%s" -> %s', (code, desc, outcome, field) => {
    const rule = outcomeOf(code, desc);
    expect(rule?.outcome).toBe(outcome);
    expect(rule?.field).toBe(field);
  });
});

describe('intellectmoney: registration', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    config.flows.push(imFlow('im-reveal', { revealGeneratedPassword: true }));
    bff = await startBff({ config });
  });
  afterAll(() => bff.close());

  const registrations = async () =>
    (await bff.sandboxRequests('intellectmoney')).filter(
      (r) => r.path === '/personal/user/registerOrganization',
    );

  it('sends the seed form, signed, with Bearer, asking for JSON', async () => {
    const fields = intellectMoneyFields({ phone: '8 (920) 123-44-55', inviteCode: 'WELCOME' });
    const res = await bff.register('intellectmoney', {
      fields,
      utm: { utm_source: 'mail', utm_medium: 'email' },
      hostValues: { leadComment: 'Пришёл с выставки', leadAttractor: 'Иванов И.И.' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: 'completed', next: null });
    const sent = (await registrations()).at(-1)!;
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(sent.headers['accept']).toBe('application/json');
    expect(sent.headers['authorization']).toBe(`Bearer ${INTELLECTMONEY_SANDBOX.bearerToken}`);
    expect(sent.body).toEqual({
      UserToken: expect.any(String),
      RequestId: res.body['id'],
      FirstName: fields.name,
      ContactPhone: '+79201234455',
      Email: fields.email,
      LeadSource: '31',
      Inn: fields.inn,
      InviteCode: 'WELCOME',
      UTMParams: '{"utm_source":"mail","utm_medium":"email"}',
      LeadComment: 'Пришёл с выставки',
      LeadAttractor: 'Иванов И.И.',
    });
    const values = REGISTER_PARAMS.map((k) => (sent.body[k] as string | undefined) ?? '');
    expect(sent.headers['sign']).toBe(
      intellectMoneySign(values, INTELLECTMONEY_SANDBOX.signSecretKey),
    );
  });

  it('leaves empty optional parameters out of the body but signs their empty segment', async () => {
    const res = await bff.register('intellectmoney', { fields: intellectMoneyFields() });
    expect(res.status).toBe(201);
    const sent = (await registrations()).at(-1)!;
    expect(Object.keys(sent.body).sort()).toEqual([
      'ContactPhone',
      'Email',
      'FirstName',
      'Inn',
      'LeadSource',
      'RequestId',
      'UserToken',
    ]);
  });

  it('gets a UserToken once (getUserToken) for many registrations', async () => {
    const before = (await bff.sandboxRequests('intellectmoney')).filter((r) =>
      r.path.endsWith('/getUserToken'),
    ).length;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        bff.register('intellectmoney', { fields: intellectMoneyFields() }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(201));
    const after = (await bff.sandboxRequests('intellectmoney')).filter((r) =>
      r.path.endsWith('/getUserToken'),
    );
    expect(after.length - before).toBeLessThanOrEqual(1);
    expect(after.at(-1)?.body).toEqual({
      Login: INTELLECTMONEY_SANDBOX.login,
      Password: INTELLECTMONEY_SANDBOX.password,
    });
  });

  it('gets a new UserToken when the provider no longer accepts the old one', async () => {
    await bff.fetch('DELETE', '/sandbox/intellectmoney/_state');
    const res = await bff.register('intellectmoney', { fields: intellectMoneyFields() });
    expect(res.status).toBe(201);
    const paths = (await bff.sandboxRequests('intellectmoney')).map((r) => r.path.split('/').pop());
    expect(paths).toEqual(['registerOrganization', 'getUserToken', 'registerOrganization']);
  });

  it('maps an INN already registered to 409 on inn', async () => {
    const fields = intellectMoneyFields();
    expect((await bff.register('intellectmoney', { fields })).status).toBe(201);
    const res = await bff.register('intellectmoney', {
      fields: intellectMoneyFields({ inn: fields.inn }),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'already_registered',
      errors: { inn: 'already_registered' },
    });
    expect(res.text).not.toContain('ИНН');
  });

  it('maps an e-mail already registered to 409 on email', async () => {
    const fields = intellectMoneyFields();
    expect((await bff.register('intellectmoney', { fields })).status).toBe(201);
    const res = await bff.register('intellectmoney', {
      fields: intellectMoneyFields({ email: fields.email }),
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errors: { email: 'already_registered' } });
  });

  it('refuses an invalid INN with 400 before calling the provider', async () => {
    const before = (await registrations()).length;
    const res = await bff.register('intellectmoney', {
      fields: intellectMoneyFields({ inn: '7707083894' }),
    });
    expect(res.status).toBe(400);
    expect(res.body['errors']).toEqual({ inn: 'invalid_inn' });
    expect((await registrations()).length).toBe(before);
  });

  it('never logs, journals or replays the generated password; shows it once where the flow allows', async () => {
    const key = crypto.randomUUID();
    const body = { fields: intellectMoneyFields() };
    const first = await bff.register('im-reveal', body, { key });
    expect(first.status).toBe(201);
    const password = (first.body['account'] as { password: string } | undefined)?.password;
    expect(password).toMatch(/.{8,}/);
    const replay = await bff.register('im-reveal', body, { key });
    expect(replay.status).toBe(201);
    expect(replay.body['account']).toBeUndefined();
    expect(replay.body['id']).toBe(first.body['id']);
    expect(bff.logs.join('\n')).not.toContain(password);

    const hidden = await bff.register('intellectmoney', { fields: intellectMoneyFields() });
    expect(hidden.body['account']).toBeUndefined();
  });
});

describe('intellectmoney: wrong credentials', () => {
  let bff: Bff;
  beforeAll(async () => {
    const config = demoConfig();
    config.flows = [
      imFlow('bad-sign', { signSecretKey: { env: 'IM_SIGN' } }),
      imFlow('bad-bearer', { bearerToken: { env: 'IM_BEARER' } }),
      imFlow('bad-token', { userToken: { env: 'IM_USER_TOKEN' } }),
    ];
    bff = await startBff({
      config,
      env: {
        IM_SIGN: 'wrong-sign-secret-0001',
        IM_BEARER: 'wrong-bearer-0002',
        IM_USER_TOKEN: 'stale-user-token-0003',
      },
    });
  });
  afterAll(() => bff.close());

  it.each(['bad-sign', 'bad-bearer', 'bad-token'])(
    '%s: 502 for the user, the reason in the log',
    async (flow) => {
      const res = await bff.register(flow, { fields: intellectMoneyFields() });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'provider_unavailable' });
      expect(res.text).not.toMatch(/Sign|Bearer|UserToken|credential/);
      const lines = bff.logs.filter(
        (l) => l.includes(`"flow":"${flow}"`) && l.includes('"kind":"misconfigured"'),
      );
      expect(lines.length).toBeGreaterThan(0);
      const all = bff.logs.join('\n');
      for (const secret of [
        'wrong-sign-secret-0001',
        'wrong-bearer-0002',
        'stale-user-token-0003',
      ]) {
        expect(all).not.toContain(secret);
      }
    },
  );
});

describe('intellectmoney: the owner named by first name (settings.ownerName)', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [imFlow('im-first', { ownerName: 'firstName' })],
      },
    });
  });
  afterAll(() => bff.close());

  it('asks for firstName instead of name, and sends it as FirstName', async () => {
    const descriptor = await bff.fetch<{ fields: { name: string; required: boolean }[] }>(
      'GET',
      '/v1/flows/im-first',
    );
    const names = descriptor.body.fields.map((f) => f.name);
    expect(names).toContain('firstName');
    expect(names).not.toContain('name');
    const { name: _full, ...rest } = intellectMoneyFields();
    const res = await bff.register('im-first', { fields: { ...rest, firstName: 'Борис' } });
    expect(res.status).toBe(201);
    const sent = (await bff.sandboxRequests('intellectmoney')).at(-1)!;
    expect(sent.body['FirstName']).toBe('Борис');
    const missing = await bff.register('im-first', { fields: rest });
    expect(missing.body['errors']).toEqual({ firstName: 'required' });
  });
});

/**
 * A stand-in IntellectMoney that answers registerOrganization with the state its e-mail's local
 * part names (`state-5@…` -> Code 5), for the states the simulator has no reason to produce.
 */
describe('intellectmoney: states nothing documents', () => {
  let stub: Server;
  let bff: Bff;
  beforeAll(async () => {
    stub = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const code = Number(/Email=state-(\d+)/.exec(decodeURIComponent(body))?.[1] ?? 0);
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            OperationState: {
              Code: code,
              Desc: code ? 'Принята в обработку' : 'Успешно обработана',
            },
            OperationId: crypto.randomUUID(),
            Result: code ? null : { Password: 'x' },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/personal/`;
    const flow = (id: string, settings: Record<string, unknown> = {}) => {
      const real = intellectmoneyContract.realFlow(id, baseUrl).flow;
      return {
        ...real,
        phoneCountry: 'RU',
        settings: { ...(real['settings'] as object), ...settings },
      };
    };
    bff = await startBff({
      config: {
        flows: [
          flow('stub'),
          flow('stub-rules', { stateRules: [{ code: 5, outcome: 'completed' }] }),
        ],
      },
      env: intellectmoneyContract.realFlow('x', baseUrl).env,
    });
  });
  afterAll(async () => {
    await bff.close();
    stub.close();
  });

  it('a state other than 0 is never a success: 502, an error naming stateRules, outcome unknown', async () => {
    const res = await bff.register('stub', {
      fields: intellectMoneyFields({ email: 'state-5@example.ru' }),
    });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'provider_unavailable' });
    const line = bff.logs.findLast((l) => l.includes('OperationState 5'))!;
    expect(line).toContain('settings.stateRules');
    expect(JSON.parse(line)).toMatchObject({
      level: 50,
      kind: 'bad_response',
      outcomeUnknown: true,
    });
  });

  it('a flow rule that says a state means success makes it one', async () => {
    const res = await bff.register('stub-rules', {
      fields: intellectMoneyFields({ email: 'state-5@example.ru' }),
    });
    expect(res.status).toBe(201);
  });
});
