import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('the logger', () => {
  it('redacts credentials wherever a log call puts them', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(l) },
    });
    log.info(
      {
        password: 'p-1',
        settings: { clientSecret: 'p-2', bearerToken: 'p-3', token: 'p-4' },
        answer: { Password: 'p-5', UserToken: 'p-6', access_token: 'p-7' },
        req: { headers: { authorization: 'Bearer p-8', sign: 'p-9', cookie: 'p-10' } },
        captchaToken: 'p-11',
        email: 'kept@example.com',
      },
      'something happened',
    );
    const out = lines.join('');
    for (let i = 1; i <= 11; i += 1) expect(out).not.toContain(`"p-${i}"`);
    expect(out).not.toContain('Bearer p-8');
    expect(out).toContain('[redacted]');
    expect(out).toContain('kept@example.com');
  });
});
