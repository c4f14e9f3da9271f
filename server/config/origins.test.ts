import { describe, expect, it } from 'vitest';
import { isOriginPattern, originMatcher } from './origins.ts';

describe('isOriginPattern', () => {
  it.each([
    'https://shop.example.com',
    'http://shop.example.com',
    'https://a.com:443',
    'https://a.com:8443',
    'HTTPS://SHOP.EXAMPLE.COM',
    'http://localhost:*',
    'http://127.0.0.1:*',
    'http://[::1]:3000',
    'https://*.example.com',
    'https://*.example.com:*',
    'https://xn--e1afmkfd.xn--p1ai',
  ])('accepts %j', (pattern) => {
    expect(isOriginPattern(pattern)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['*', 'bare wildcard'],
    ['null', 'the opaque origin'],
    ['shop.example.com', 'no scheme'],
    ['ftp://shop.example.com', 'other scheme'],
    ['https://shop.example.com/', 'trailing slash'],
    ['https://shop.example.com/path', 'path'],
    ['https://shop.example.com?x=1', 'query'],
    ['https://shop.example.com#top', 'fragment'],
    ['https://user@shop.example.com', 'userinfo'],
    ['https://user:pass@shop.example.com', 'userinfo with password'],
    ['https://*', 'wildcard host only'],
    ['https://*.*.example.com', 'double wildcard'],
    ['https://shop.*.com', 'inner wildcard'],
    ['https://shop*.example.com', 'partial wildcard'],
    ['https:// shop.example.com', 'space'],
    ['https://shop.example.com:', 'empty port'],
    ['https://shop.example.com:123456', 'six-digit port'],
    ['https://пример.рф', 'IDN in Unicode form'],
  ])('refuses %j (%s)', (pattern) => {
    expect(isOriginPattern(pattern)).toBe(false);
  });

  it('refuses a port above 65535', () => {
    expect(isOriginPattern('https://shop.example.com:99999')).toBe(false);
  });
});

describe('originMatcher', () => {
  it.each<[string[], string, boolean]>([
    // exact origins
    [['https://shop.example.com'], 'https://shop.example.com', true],
    [['https://shop.example.com'], 'https://SHOP.example.COM', true],
    [['HTTPS://Shop.Example.com'], 'https://shop.example.com', true],
    [['https://shop.example.com'], 'http://shop.example.com', false],
    [['https://shop.example.com'], 'https://example.com', false],
    [['https://shop.example.com'], 'https://a.shop.example.com', false],
    [['https://shop.example.com'], 'https://shop.example.com.evil.com', false],
    [['https://shop.example.com'], 'https://shop.example.com:8443', false],
    // default port equivalence
    [['https://a.com:443'], 'https://a.com', true],
    [['http://a.com:80'], 'http://a.com', true],
    [['https://a.com:80'], 'https://a.com', false],
    [['https://a.com:8443'], 'https://a.com:8443', true],
    [['https://a.com:8443'], 'https://a.com', false],
    // any port
    [['http://localhost:*'], 'http://localhost:3000', true],
    [['http://localhost:*'], 'http://localhost:5173', true],
    [['http://localhost:*'], 'http://localhost', true],
    [['http://localhost:*'], 'https://localhost:3000', false],
    [['http://localhost:*'], 'http://localhost.evil.com:80', false],
    [['http://localhost:*'], 'http://localhost.evil.com:3000', false],
    [['http://localhost:*'], 'http://evil-localhost:3000', false],
    [['http://localhost:*'], 'http://127.0.0.1:3000', false],
    [['http://127.0.0.1:*'], 'http://127.0.0.1:5173', true],
    [['http://[::1]:3000'], 'http://[::1]:3000', true],
    [['http://[::1]:3000'], 'http://[::1]:3001', false],
    // subdomain wildcard
    [['https://*.example.com'], 'https://shop.example.com', true],
    [['https://*.example.com'], 'https://a.b.example.com', true],
    [['https://*.example.com'], 'https://example.com', false],
    [['https://*.example.com'], 'https://evilexample.com', false],
    [['https://*.example.com'], 'https://shop.evilexample.com', false],
    [['https://*.example.com'], 'http://shop.example.com', false],
    [['https://*.example.com'], 'https://shop.example.com:8443', false],
    [['https://*.example.com'], 'https://shop.example.com.evil.com', false],
    [['https://*.example.com:*'], 'https://shop.example.com:8443', true],
    // several patterns: any of them
    [['https://a.com', 'https://b.com'], 'https://b.com', true],
    [['https://a.com', 'https://b.com'], 'https://c.com', false],
    [[], 'https://a.com', false],
  ])('%j matches %j: %s', (patterns, origin, expected) => {
    expect(originMatcher(patterns)(origin)).toBe(expected);
  });

  it.each([
    ['null', 'the opaque origin'],
    ['', 'empty'],
    ['garbage', 'not a URL'],
    ['shop.example.com', 'no scheme'],
    [' https://shop.example.com', 'leading space'],
    ['https://shop.example.com/path', 'path'],
    ['https://shop.example.com?x=1', 'query'],
    ['https://shop.example.com#top', 'fragment'],
    ['https://user@shop.example.com', 'userinfo'],
    ['https://shop.example.com.', 'trailing dot'],
    ['https://shop.example.com:443', 'explicit default port (never sent by browsers)'],
    ['https://shop%2eexample.com', 'percent-encoded host'],
  ])('refuses the origin %j (%s) even against a matching pattern', (origin) => {
    const matches = originMatcher(['https://shop.example.com', 'https://*.example.com']);
    expect(matches('https://shop.example.com')).toBe(true);
    expect(matches(origin)).toBe(false);
  });

  it('ignores entries that are not patterns instead of matching on them', () => {
    const matches = originMatcher([
      'https://shop.example.com/path',
      'https://user@shop.example.com',
      '*',
    ]);
    expect(matches('https://shop.example.com')).toBe(false);
  });
});

describe('wildcard subdomains need a subdomain', () => {
  it('does not match an origin whose host starts with a dot', () => {
    expect(originMatcher(['https://*.example.com'])('https://.example.com')).toBe(false);
  });
});
