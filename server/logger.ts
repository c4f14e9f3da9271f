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
  // Whatever object a log call passes, at the top level or one level down.
  ...[
    'password',
    'Password',
    'newPassword',
    'secret',
    'clientSecret',
    'client_secret',
    'signSecretKey',
    'bearerToken',
    'bearer_token',
    'access_token',
    'accessToken',
    'refresh_token',
    'token',
    'UserToken',
    'userToken',
    'authToken',
    'captchaToken',
    'authorization',
    'sign',
  ].flatMap((key) => [key, `*.${key}`]),
];

/**
 * JSON lines for machines; with LOG_FORMAT=pretty (`npm run dev`), pino-pretty's readable lines
 * for a person at a terminal (a devDependency, so never in production).
 */
export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  const pretty = !options.destination && process.env['LOG_FORMAT'] === 'pretty';
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'org-signup' },
      ...(pretty
        ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,service' } } }
        : {}),
    },
    options.destination,
  );
}
