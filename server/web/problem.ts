/**
 * The one error handler: every error becomes `application/problem+json` with a stable code.
 * Unknown errors are logged with their stack and answered as a bare 500 without internals.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../../shared/api.ts';
import type { ProblemCode } from '../../shared/errors.ts';
import { HttpProblem } from '../errors.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problemBody(problem: HttpProblem): Problem {
  return {
    type: `urn:org-signup:problem:${problem.code}`,
    title: TITLES[problem.status] ?? 'Error',
    status: problem.status,
    code: problem.code,
    detail: problem.message,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.text ? { text: problem.text } : {}),
  };
}

/** body-parser's own errors, by their `type`, mapped to our codes. */
const BODY_PARSER_ERRORS: Record<string, [number, ProblemCode, string]> = {
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large.'],
  'entity.parse.failed': [400, 'malformed_json', 'The request body is not valid JSON.'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'Unsupported content encoding.'],
  'charset.unsupported': [415, 'unsupported_media_type', 'Unsupported charset.'],
  'request.aborted': [400, 'malformed_json', 'The request body was cut short.'],
  'request.size.invalid': [400, 'malformed_json', 'The request body length is wrong.'],
};

function toProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type in BODY_PARSER_ERRORS) {
    const [status, code, detail] = BODY_PARSER_ERRORS[type]!;
    return new HttpProblem(status, code, detail);
  }
  // Other client errors Express and body-parser raise with a status: an undecodable path
  // (URIError), a body that does not match its Content-Encoding…
  const status =
    (err as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 404
      ? new HttpProblem(404, 'not_found', 'Nothing here.')
      : new HttpProblem(400, 'bad_request', 'The request could not be read.');
  }
  return undefined;
}

function sendProblem(res: Parameters<RequestHandler>[1], problem: HttpProblem): void {
  res.status(problem.status);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemBody(problem)));
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, 'not_found', `Nothing at ${req.method} ${req.path}.`));
};

export const problemHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const problem = toProblem(err);
  if (problem) {
    return sendProblem(res, problem);
  }
  req.log?.error({ err }, 'unhandled error');
  sendProblem(res, new HttpProblem(500, 'internal_error', 'An unexpected error occurred.'));
};
