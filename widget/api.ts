/**
 * The widget's side of the BFF's HTTP API: load a flow, send a registration. Expected failures
 * (field errors, outages, rate limits) come back as values, not exceptions, so the form and the
 * follow-up steps each have one place that turns them into what the user sees.
 */
import type {
  FlowDescriptor,
  Problem,
  RegistrationRequest,
  RegistrationResponse,
  ResendResponse,
} from '../shared/api.ts';
import type { FieldErrors, ProblemCode } from '../shared/errors.ts';

export type SubmitOutcome<T = RegistrationResponse> =
  | { kind: 'success'; response: T }
  | { kind: 'fields'; code: ProblemCode; errors: FieldErrors }
  /**
   * Worth trying again with the same details: provider down, rate limited, network, or no
   * answer within the flow's time budget (`timeout`).
   */
  | { kind: 'retry'; code: ProblemCode | 'network' | 'timeout'; retryAfter?: number }
  | { kind: 'failed'; code: ProblemCode | 'network'; detail?: string };

export class FlowLoadError extends Error {
  constructor(
    readonly code: ProblemCode | 'network',
    detail: string,
    /** The BFF's text for the visitor (`Problem.text`), where it sends one. */
    readonly text?: string,
  ) {
    super(detail);
  }
}

async function problemOf(res: Response): Promise<Partial<Problem>> {
  try {
    return (await res.json()) as Partial<Problem>;
  } catch {
    return {};
  }
}

export async function loadFlow(
  endpoint: string,
  flow: string,
  locales: string,
  signal?: AbortSignal,
): Promise<FlowDescriptor> {
  let res: Response;
  const query = locales ? `?locale=${encodeURIComponent(locales)}` : '';
  try {
    res = await fetch(`${endpoint}/v1/flows/${encodeURIComponent(flow)}${query}`, {
      signal,
      credentials: 'omit',
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new FlowLoadError('network', `cannot reach ${endpoint}`);
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    throw new FlowLoadError(
      problem.code ?? 'internal_error',
      problem.detail ?? `HTTP ${res.status}`,
      problem.text,
    );
  }
  return (await res.json()) as FlowDescriptor;
}

/** POSTs JSON to the BFF and sorts the answer into what the element shows. */
async function post<T>(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<SubmitOutcome<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
      credentials: 'omit',
    });
  } catch (err) {
    if (signal.aborted) throw err;
    return { kind: 'retry', code: 'network' };
  }
  if (res.ok) return { kind: 'success', response: (await res.json()) as T };
  const problem = await problemOf(res);
  const code = problem.code ?? 'internal_error';
  const retryAfter = Number(res.headers.get('retry-after'));
  const wait = retryAfter > 0 ? { retryAfter } : {};
  if (problem.errors && Object.keys(problem.errors).length) {
    return { kind: 'fields', code, errors: problem.errors };
  }
  if (res.status === 429 || res.status === 503 || res.status === 502 || code === 'in_progress') {
    return { kind: 'retry', code, ...wait };
  }
  return { kind: 'failed', code, ...(problem.detail ? { detail: problem.detail } : {}) };
}

export function submitRegistration(
  endpoint: string,
  flow: string,
  body: RegistrationRequest,
  idempotencyKey: string,
  signal: AbortSignal,
): Promise<SubmitOutcome<RegistrationResponse>> {
  return post(
    `${endpoint}/v1/flows/${encodeURIComponent(flow)}/registrations`,
    body,
    { 'idempotency-key': idempotencyKey },
    signal,
  );
}

export function verifyCode(
  endpoint: string,
  registrationId: string,
  code: string,
  signal: AbortSignal,
): Promise<SubmitOutcome<RegistrationResponse>> {
  return post(`${endpoint}/v1/registrations/${registrationId}/verify`, { code }, {}, signal);
}

export function resendStep(
  endpoint: string,
  registrationId: string,
  signal: AbortSignal,
): Promise<SubmitOutcome<ResendResponse>> {
  return post(`${endpoint}/v1/registrations/${registrationId}/resend`, {}, {}, signal);
}
