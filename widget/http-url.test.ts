import { describe, expect, it } from 'vitest';
import { httpUrl } from './http-url.ts';

const page = 'https://shop.example/signup/?utm_source=x';

describe('links from the host page', () => {
  it('resolves a relative link against the page', () => {
    expect(httpUrl('/terms', page)).toBe('https://shop.example/terms');
    expect(httpUrl('thanks.html', page)).toBe('https://shop.example/signup/thanks.html');
    expect(httpUrl('http://other.example/privacy', page)).toBe('http://other.example/privacy');
  });

  it('never follows a javascript:, data: or mailto: URL', () => {
    expect(httpUrl('javascript:alert(1)', page)).toBeUndefined();
    expect(httpUrl(' JavaScript:alert(1)', page)).toBeUndefined();
    expect(httpUrl('data:text/html,<p>hi</p>', page)).toBeUndefined();
    expect(httpUrl('mailto:sales@shop.example', page)).toBeUndefined();
  });

  it('gives nothing for an empty or unparsable link', () => {
    expect(httpUrl(undefined, page)).toBeUndefined();
    expect(httpUrl('', page)).toBeUndefined();
    expect(httpUrl('https://', page)).toBeUndefined();
  });
});
