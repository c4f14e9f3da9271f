/**
 * pino, with every path a credential, token, password or signature could take redacted as a
 * second line of defence (the first: secrets are `Secret` objects and bodies are never logged).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.sign',
  'req.headers.token',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'Password',
  '*.Password',
  'token',
  '*.token',
  'bearer_token',
  '*.bearer_token',
  'UserToken',
  '*.UserToken',
  'authToken',
  '*.authToken',
  'secret',
  '*.secret',
  'signSecretKey',
  '*.signSecretKey',
];

export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'org-signup' },
    },
    options.destination,
  );
}
