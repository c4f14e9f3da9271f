import { describe, expect, it } from 'vitest';
import { isRegExp, isRelativePath, regExpSetting, relativePathSetting } from './settings.ts';

describe('shared setting schemas', () => {
  it('takes what compiles as a regular expression, with its own message otherwise', () => {
    expect(isRegExp('already (exists|registered)')).toBe(true);
    expect(isRegExp('(unclosed')).toBe(false);
    const schema = regExpSetting('a regular expression');
    expect(schema.safeParse('e-?mail').success).toBe(true);
    expect(schema.safeParse('[').error?.issues[0]?.message).toBe('a regular expression');
  });

  it('takes a path below the base URL, never one that leaves it', () => {
    expect(isRelativePath('api/{origin}/user/')).toBe(true);
    expect(isRelativePath('/api/user/')).toBe(false);
    expect(isRelativePath('https://elsewhere.example/api/')).toBe(false);
    expect(isRelativePath('javascript:alert(1)')).toBe(false);
    const schema = relativePathSetting('relative, please');
    expect(schema.safeParse('users').success).toBe(true);
    expect(schema.safeParse('/users').error?.issues[0]?.message).toBe('relative, please');
  });
});
