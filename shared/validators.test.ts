import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanHostText,
  domainToAscii,
  hasControlCharacters,
  isPlausiblePhone,
  isValidDomain,
  isValidEmail,
  isValidInn,
  normalizeDomain,
  passwordError,
  passwordStrength,
  phoneInPlan,
  stripInvisible,
  type PhonePlan,
} from './validators.ts';

describe('isValidInn', () => {
  // Check digits computed by hand with the official weights, independently of the code under test:
  // 10 digits: weights 2,4,10,3,5,9,4,6,8 over d1..d9, (sum mod 11) mod 10 = d10.
  // 12 digits: weights 7,2,4,10,3,5,9,4,6,8 over d1..d10 -> d11;
  //            weights 3,7,2,4,10,3,5,9,4,6,8 over d1..d11 -> d12.
  it.each([
    // Sberbank: 14+28+0+21+0+72+12+48+72 = 267, 267 mod 11 = 3.
    ['7707083893', 'Sberbank'],
    // Yandex: 14+28+30+18+10+0+28+30+32 = 190, 190 mod 11 = 3.
    ['7736207543', 'Yandex'],
    // VTB: 14+28+0+6+0+63+0+6+24 = 141, 141 mod 11 = 9.
    ['7702070139', 'VTB'],
    // Alfa-Bank: 14+28+20+24+5+54+32+54+56 = 287, 287 mod 11 = 1.
    ['7728168971', 'Alfa-Bank'],
    // Constructed from Sberbank's first eight digits: 195 + 8*3 = 219, 219 mod 11 = 10, 10 mod 10 = 0 (the "10 becomes 0" case).
    ['7707083830', 'constructed, sum mod 11 = 10'],
    // 5,0,0,1,0,0,7,3,2,2: 35+0+0+10+0+0+63+12+12+16 = 148, mod 11 = 5;
    // then with 5: 15+0+0+4+0+0+35+27+8+12+40 = 141, mod 11 = 9.
    ['500100732259', 'widely published 12-digit example'],
    // 7,7,3,1,0,1,2,3,4,5: 49+14+12+10+0+5+18+12+24+40 = 184, mod 11 = 8;
    // then with 8: 21+49+6+4+0+3+10+27+16+30+64 = 230, mod 11 = 10 -> 0.
    ['773101234580', 'constructed 12-digit, second check digit 10 -> 0'],
  ])('accepts %s (%s)', (inn) => {
    expect(isValidInn(inn)).toBe(true);
  });

  it.each([
    ['7707083894', '10 digits, wrong check digit'],
    ['7736207540', '10 digits, wrong check digit'],
    ['7707083831', '10 digits, check digit 10 kept instead of 0 (last digit 1)'],
    ['500100732258', '12 digits, 11th right, 12th wrong'],
    // 11th digit 4 instead of 5; 12th recomputed over that wrong 11th: 141 - 40 + 32 = 133 -> 1.
    ['500100732241', '12 digits, 11th wrong, 12th consistent with it'],
    ['773101234566', '12 digits, both check digits wrong (11th should be 8)'],
    ['77070838931', '11 digits'],
    ['770708389', '9 digits'],
    ['7707083893000', '13 digits'],
    ['77070838a3', 'a letter'],
    ['ABCDEFGHIJ', 'letters only'],
    ['', 'empty'],
    ['7707 083893', 'inner space'],
    [' 7707083893', 'leading space'],
    ['7707083893 ', 'trailing space'],
    ['7707-083893', 'dash'],
    ['\uff17\uff17\uff10\uff17\uff10\uff18\uff13\uff18\uff19\uff13', 'full-width digits'],
  ])('rejects %j (%s)', (inn) => {
    expect(isValidInn(inn)).toBe(false);
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['https://Example.COM/', 'example.com'],
    ['http://example.com', 'example.com'],
    ['HTTPS://EXAMPLE.COM', 'example.com'],
    ['  example.com  ', 'example.com'],
    ['example.com/', 'example.com'],
    ['example.com.', 'example.com'],
    ['https://example.com./', 'example.com'],
    ['www.example.com', 'www.example.com'],
    ['https://Пример.РФ/', 'пример.рф'],
    // Only http(s) is stripped and only one trailing slash: what is left fails isValidDomain.
    ['ftp://example.com', 'ftp://example.com'],
    ['https://example.com/path', 'example.com/path'],
    ['example.com//', 'example.com/'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});

describe('isValidDomain', () => {
  const label63 = 'a'.repeat(63);
  // 5 labels of 49, 4 dots and ".com": 245 + 4 + 4 = 253 characters exactly.
  const total253 = `${Array.from({ length: 5 }, () => 'a'.repeat(49)).join('.')}.com`;
  const total255 = Array.from({ length: 4 }, () => label63).join('.');

  it('builds the length fixtures it means to', () => {
    expect(total253).toHaveLength(253);
    expect(total255).toHaveLength(255);
  });

  it.each([
    'example.com',
    'shop.example.co.uk',
    'www.example.com',
    'my-shop.example.com',
    'ab--cd.com',
    'EXAMPLE.COM',
    'пример.рф',
    'xn--e1afmkfd.xn--p1ai',
    'bücher.de',
    `${label63}.com`,
    total253,
  ])('accepts %j', (domain) => {
    expect(isValidDomain(domain)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['https://example.com', 'scheme'],
    ['example.com/path', 'path'],
    ['example.com/', 'trailing slash'],
    ['example.com?x=1', 'query'],
    ['example.com#top', 'fragment'],
    ['example.com:8080', 'port'],
    ['user@example.com', 'credentials'],
    ['localhost', 'single label'],
    ['com', 'single label TLD'],
    ['127.0.0.1', 'IPv4 address'],
    ['1.2.3.4', 'IPv4 address'],
    ['[::1]', 'IPv6 address'],
    ['-shop.example.com', 'label starting with -'],
    ['shop-.example.com', 'label ending with -'],
    ['shop.-example.com', 'inner label starting with -'],
    [`${'a'.repeat(64)}.com`, 'label of 64 characters'],
    [total255, 'more than 253 characters'],
    ['exa mple.com', 'inner space'],
    [' example.com', 'leading space'],
    ['example.com ', 'trailing space'],
    ['example..com', 'empty label'],
    ['.example.com', 'leading dot'],
    ['example.com.', 'trailing dot (normalizeDomain removes it)'],
    ['ex_ample.com', 'underscore'],
    ['example.c', 'one-letter TLD'],
    ['example.123', 'numeric TLD'],
  ])('rejects %j (%s)', (domain) => {
    expect(isValidDomain(domain)).toBe(false);
  });
});

describe('domainToAscii', () => {
  it.each([
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
    ['ПРИМЕР.РФ', 'xn--e1afmkfd.xn--p1ai'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['Example.COM', 'example.com'],
    ['xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai'],
  ])('%j -> %j', (domain, ascii) => {
    expect(domainToAscii(domain)).toBe(ascii);
  });
});

describe('isValidEmail', () => {
  // A 64-character local part and a valid 190-character domain: 255 characters in all.
  const longDomain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(58)}.com`;
  const longEmail = `${'l'.repeat(64)}@${longDomain}`;

  it('builds the length fixture it means to, with parts valid on their own', () => {
    expect(longEmail).toHaveLength(255);
    expect(isValidDomain(longDomain)).toBe(true);
    expect(isValidEmail(`l@${longDomain}`)).toBe(true);
  });

  it.each([
    'user@example.com',
    'first.last@example.com',
    'user+tag@example.com',
    'user@mail.sub.example.co.uk',
    'user@пример.рф',
    'пользователь@пример.рф',
    'USER@EXAMPLE.COM',
    "o'brien@example.com",
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %j', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    ['a@b', 'single-label domain'],
    ['user@localhost', 'single-label domain'],
    ['userexample.com', 'no @'],
    ['@example.com', 'empty local part'],
    ['user@', 'empty domain'],
    ['us..er@example.com', 'double dot in local part'],
    ['user@example..com', 'double dot in domain'],
    ['.user@example.com', 'leading dot'],
    ['user.@example.com', 'trailing dot in local part'],
    ['us er@example.com', 'space in local part'],
    ['user@exa mple.com', 'space in domain'],
    [' user@example.com', 'leading space'],
    ['"user"@example.com', 'quotes'],
    ['user(x)@example.com', 'parentheses'],
    ['user<x>@example.com', 'angle brackets'],
    ['a@b@example.com', 'two @'],
    [`${'a'.repeat(65)}@example.com`, 'local part of 65 characters'],
    ['user@1.2.3.4', 'IP address domain'],
    ['user@[127.0.0.1]', 'address literal'],
    ['user@-example.com', 'domain label starting with -'],
    [longEmail, 'valid parts but 255 characters in all'],
  ])('rejects %j (%s)', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });
});

describe('isPlausiblePhone', () => {
  it.each([
    '+44 20 7946 0958',
    '+7 (912) 345-67-89',
    '+7.912.345.67.89',
    '8 912 345 67 89',
    '1234567',
    '+123456789012345',
  ])('accepts %j', (phone) => {
    expect(isPlausiblePhone(phone)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['+', 'plus only'],
    ['123456', '6 digits'],
    ['+1234567890123456', '16 digits'],
    ['++1234567', 'two plus signs'],
    ['1234567+', 'plus at the end'],
    ['12a4567', 'a letter'],
    ['+7 912 345 67 89 ext 1', 'extension text'],
    ['+7/9123456789', 'slash'],
    ['+7_9123456789', 'underscore'],
  ])('rejects %j (%s)', (phone) => {
    expect(isPlausiblePhone(phone)).toBe(false);
  });
});

/** The plans libphonenumber-js's metadata gives (server/registration/normalize.test.ts checks). */
const GB: PhonePlan = {
  callingCode: '44',
  nationalPrefix: '0',
  lengths: [7, 9, 10],
  regions: { '74576|(?:16|7[56])24': [10] },
};
const RU: PhonePlan = { callingCode: '7', nationalPrefix: '8', lengths: [10, 14] };
const US: PhonePlan = { callingCode: '1', nationalPrefix: '1', lengths: [10] };
const IT: PhonePlan = { callingCode: '39', lengths: [6, 7, 8, 9, 10, 11, 12] };

describe('phoneInPlan', () => {
  it.each<[string, PhonePlan, string]>([
    // Typed nationally: the national prefix dropped.
    ['07700 900123', GB, '+447700900123'],
    ['020 7946 0958', GB, '+442079460958'],
    ['(020) 7946-0958', GB, '+442079460958'],
    ['7700 900123', GB, '+447700900123'],
    ['8 (912) 345-67-89', RU, '+79123456789'],
    ['912 345 67 89', RU, '+79123456789'],
    // St Petersburg's numbers start with 8 too: kept when dropping it leaves no possible length.
    ['812 123 45 67', RU, '+78121234567'],
    ['8 812 123 45 67', RU, '+78121234567'],
    ['1 201 555 0123', US, '+12015550123'],
    ['(201) 555-0123', US, '+12015550123'],
    // No national prefix: an Italian landline keeps its 0.
    ['06 1234 5678', IT, '+390612345678'],
    // With the country's code: +, 00, or the digits alone where the number would not fit.
    ['+44 7700 900123', GB, '+447700900123'],
    ['+44 (0)20 7946 0958', GB, '+442079460958'],
    ['0044 20 7946 0958', GB, '+442079460958'],
    ['44 20 7946 0958', GB, '+442079460958'],
    ['+7 912 345-67-89', RU, '+79123456789'],
    // The Isle of Man's numbers, which share +44, by the Isle of Man's lengths.
    ['01624 123456', GB, '+441624123456'],
    ['+44 7624 123456', GB, '+447624123456'],
  ])('reads %j in its plan as %s', (value, plan, e164) => {
    expect(phoneInPlan(value, plan)).toBe(e164);
  });

  it.each<[string, PhonePlan]>([
    ['07700 9001234', GB],
    ['+44 7700 9001', GB],
    ['+44 7700 9001234', GB],
    ['8 912 345 67 890', RU],
    ['201 555 012', US],
    ['+1 201 555 01234', US],
    // Seven digits are possible in Great Britain, but not on the Isle of Man.
    ['01624 000', GB],
    ['+44 7624 123', GB],
  ])('refuses %j: no possible length in its plan', (value, plan) => {
    expect(phoneInPlan(value, plan)).toBe('');
  });

  it.each<[string, PhonePlan]>([
    ['+33 6 12 34 56 78', GB],
    ['0033 6 12 34 56 78', GB],
    ['+44 20 7946 0958', RU],
    ['+49 1512 3456789', US],
  ])('leaves %j to another rule: another country’s code', (value, plan) => {
    expect(phoneInPlan(value, plan)).toBeUndefined();
  });

  it('accepts what the light check refuses in no case it reads as its own', () => {
    // Every number the plan reads as its own is a plausible phone too (7 to 15 digits).
    fc.assert(
      fc.property(fc.stringMatching(/^\+?[0-9 ()-]{7,20}$/), (value) => {
        const e164 = phoneInPlan(value, GB);
        if (e164) expect(e164).toMatch(/^\+44\d{7,10}$/);
      }),
    );
  });
});

describe('passwordError', () => {
  const policy = { minLength: 10, common: ['password123', '1234567890'] };

  it.each([
    ['short', 'too_short'],
    ['nine char', 'too_short'],
    // Counted in code points, as the field's maximum is: four emoji are four characters.
    ['🔑🔑🔑🔑🔑🔑🔑🔑🔑', 'too_short'],
    ['password123', 'common_password'],
    ['PassWord123', 'common_password'],
    ['1234567890', 'common_password'],
  ])('refuses %j: %s', (password, code) => {
    expect(passwordError(password, policy)).toBe(code);
  });

  it.each(['ten chars!', 'password1234', 'Correct horse battery 9', '🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑'])(
    'accepts %j',
    (password) => {
      expect(passwordError(password, policy)).toBeUndefined();
    },
  );

  it('takes the policy’s length, and no list at all', () => {
    expect(passwordError('twelve chars', { minLength: 12 })).toBeUndefined();
    expect(passwordError('eleven char', { minLength: 12 })).toBe('too_short');
  });
});

describe('passwordStrength', () => {
  const policy = { minLength: 10, common: ['password123'] };
  it.each([
    ['', 'weak'],
    ['short', 'weak'],
    ['password123', 'weak'],
    ['ten chars!', 'fair'],
    ['fifteen chars!!', 'fair'],
    ['sixteen chars!!!', 'strong'],
    ['Correct horse battery 9', 'strong'],
  ])('%j is %s', (password, strength) => {
    expect(passwordStrength(password, policy)).toBe(strength);
  });
});

describe('hasControlCharacters', () => {
  it.each([
    ['a\tb', 'tab'],
    ['a\nb', 'line feed'],
    ['a\rb', 'carriage return'],
    ['a\u0000b', 'NUL'],
    ['a\u001fb', 'U+001F, last C0'],
    ['a\u007fb', 'DEL'],
    ['a\u0080b', 'U+0080, first C1'],
    ['a\u0085b', 'NEL (U+0085)'],
    ['a\u009fb', 'U+009F, last C1'],
  ])('finds %j (%s)', (value) => {
    expect(hasControlCharacters(value)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['Plain ASCII text, with punctuation!', 'ASCII'],
    ['Привет, мир', 'Cyrillic'],
    ['ООО «Ромашка» — № 1', 'Cyrillic with typographic quotes'],
    ['Hi 👋🏽 👨‍👩‍👧', 'emoji, skin tone and ZWJ sequence'],
    ['Zoë Ångström', 'Latin accents'],
    ['a\u00a0b', 'NO-BREAK SPACE, just after C1'],
  ])('finds none in %j (%s)', (value) => {
    expect(hasControlCharacters(value)).toBe(false);
  });
});

describe('isValidDomain refuses percent-escapes', () => {
  it('does not let the URL parser decode ex%41mple.com into example.com', () => {
    expect(isValidDomain('ex%41mple.com')).toBe(false);
  });
});

/** The characters the rules name: bidi controls, then zero-width ones. */
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e'];
const ISOLATES = ['\u2066', '\u2067', '\u2068', '\u2069'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e'];
const INVISIBLE = [...BIDI, ...ISOLATES, ...ZERO_WIDTH];
const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

describe('hasControlCharacters with invisible (identifiers)', () => {
  it.each(INVISIBLE.map((c) => [hex(c), c]))('finds %s', (_name, c) => {
    expect(hasControlCharacters(`a${c}b`, true)).toBe(true);
    // Without `invisible` (free text, stripped beforehand) only C0/C1 controls count.
    expect(hasControlCharacters(`a${c}b`)).toBe(false);
  });

  it('finds other format characters too (soft hyphen, invisible plus, tag characters)', () => {
    for (const c of ['\u00ad', '\u2064', '\u{e0041}'])
      expect(hasControlCharacters(c, true)).toBe(true);
  });

  it('still finds C0/C1 controls and nothing in ordinary text', () => {
    expect(hasControlCharacters('a\u0085b', true)).toBe(true);
    for (const value of ['Zoë Ångström', 'ООО «Ромашка»', 'a\u00a0b', 'Hi 👋🏽']) {
      expect(hasControlCharacters(value, true)).toBe(false);
    }
  });
});

describe('stripInvisible (free text)', () => {
  it.each(INVISIBLE.map((c) => [hex(c), c]))('strips %s between a letter and a space', (_n, c) => {
    expect(stripInvisible(`Ann${c} Lee`)).toBe('Ann Lee');
    expect(stripInvisible(`${c}Ann`)).toBe('Ann');
  });

  it.each(BIDI.concat(ISOLATES, ['\u200b', '\u2060', '\ufeff', '\u180e']).map((c) => [hex(c), c]))(
    'strips %s even between two letters',
    (_n, c) => expect(stripInvisible(`Ann${c}Lee`)).toBe('AnnLee'),
  );

  it.each([
    ['Persian ZWNJ', 'می\u200cخواهم'],
    ['Devanagari ZWJ after virama', 'क्\u200dष'],
    ['Malayalam ZWJ after virama', 'ന്\u200dറ'],
    ['emoji family (ZWJ sequence)', '👨\u200d👩\u200d👧'],
    ['rainbow flag (after VS16)', '🏳️\u200d🌈'],
    ['technologist with skin tone', '👩🏽\u200d💻'],
  ])('keeps the joiners of %s', (_what, text) => {
    expect(stripInvisible(text)).toBe(text);
  });

  it.each([
    ['a ZWJ at the end', 'Ann\u200d', 'Ann'],
    ['a ZWNJ at the start', '\u200cAnn', 'Ann'],
    ['a ZWJ before a space', 'A\u200d B', 'A B'],
    ['a ZWNJ between digits', '12\u200c34', '1234'],
    ['a ZWNJ between emoji', '👍\u200c👍', '👍👍'],
    ['a ZWJ between a letter and an emoji', 'x\u200d👍', 'x👍'],
    ['two joiners in a row', 'a\u200c\u200cb', 'ab'],
    ['a joiner next to a stripped character', 'a\u200b\u200cb', 'ab'],
    ['an override around a name', '\u202eAnn\u202c', 'Ann'],
    ['an isolate around a name', '\u2066Ann\u2069', 'Ann'],
  ])('strips %s', (_what, text, stripped) => {
    expect(stripInvisible(text)).toBe(stripped);
  });

  it('keeps C0/C1 controls (they are refused, not stripped)', () => {
    expect(stripInvisible('a\u0000b\tc')).toBe('a\u0000b\tc');
  });

  /** The rule spelled out a code point at a time, independently of the regular expression. */
  function reference(value: string): string {
    const cps = [...value];
    const is = (re: RegExp, c: string | undefined) => c !== undefined && re.test(c);
    return cps
      .filter((c, i) => {
        if (!/\p{Cf}/u.test(c)) return true;
        const [before, after] = [cps[i - 1], cps[i + 1]];
        const letters = is(/[\p{L}\p{M}]/u, before) && is(/[\p{L}\p{M}]/u, after);
        const emoji =
          is(/[\p{M}\p{Emoji_Modifier}\p{Extended_Pictographic}]/u, before) &&
          is(/\p{Extended_Pictographic}/u, after);
        return (c === '\u200c' && letters) || (c === '\u200d' && (letters || emoji));
      })
      .join('');
  }

  const piece = fc.constantFrom(
    ...INVISIBLE,
    '\u00ad',
    '\ufe0f',
    '\u{1f3fd}',
    'a',
    'Ж',
    'م',
    'क',
    '\u094d',
    '\u0301',
    '1',
    ' ',
    '-',
    '👩',
    '💻',
    '🏳',
    '\u0000',
  );

  it('agrees with the rule spelled out, is idempotent and leaves nothing invisible but joiners', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const value = pieces.join('');
        const stripped = stripInvisible(value);
        expect(stripped).toBe(reference(value));
        expect(stripInvisible(stripped)).toBe(stripped);
        expect(stripped.replace(/[\u200c\u200d]/g, '')).not.toMatch(/\p{Cf}/u);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('cleanHostText (UTM and host values)', () => {
  it.each([
    ['tabs and line breaks as spaces', 'spring\tsale\r\n2024', 'spring sale  2024'],
    ['other controls dropped', 'a\u0000b\u0007c\u009fd', 'abcd'],
    ['NEL as a space', 'a\u0085b', 'a b'],
    ['bidi and zero-width characters dropped', '\u202enews\u200bletter\u2069\ufeff', 'newsletter'],
    ['a Persian joiner kept', 'می\u200cخواهم', 'می\u200cخواهم'],
  ])('%s', (_what, value, cleaned) => {
    expect(cleanHostText(value)).toBe(cleaned);
  });

  it('leaves no control or stray invisible character, whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const cleaned = cleanHostText(value);
        expect(hasControlCharacters(cleaned)).toBe(false);
        expect(cleaned.replace(/[\u200c\u200d]/g, '')).not.toMatch(/\p{Cf}/u);
      }),
    );
  });
});
