/**
 * The registration use case: validate (shared schemas, then server normalisation), journal under
 * the idempotency key, call the provider once, record and answer. The same key with the same
 * request gets the first answer again; with another request, 422.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  registrationRequestSchema,
  type RegistrationRequest,
  type RegistrationResponse,
  type RegistrationStatus,
} from '../../shared/api.ts';
import { fieldErrorsOf, validateFields } from '../../shared/field-schemas.ts';
import { FIELD_SPECS, type FieldValues } from '../../shared/fields.ts';
import type { ProviderError } from '../errors.ts';
import { HttpProblem, invalidFields } from '../errors.ts';
import type { Flow } from './flows.ts';
import { normalizeForProvider } from './normalize.ts';
import { problemBody } from '../web/problem.ts';
import type { FormTokens } from './guards/bot-protection.ts';
import type { Metrics, RegistrationOutcome } from '../metrics.ts';
import { verifyCaptcha } from './guards/captcha.ts';
import {
  attempt,
  backoffMs,
  isUsersAnswer,
  leaseMsFor,
  logFailure,
  type AttemptResult,
} from './delivery.ts';
import type { RegistrationInput, RegistrationResult } from '../providers/types.ts';
import type { Outcome, Store, StoredRegistration, StoredStatus } from '../store/types.ts';

/** Printable ASCII, 1 to 255 characters (DESIGN.md §3). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** JSON with sorted keys, so equal requests hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const withoutSecrets = (values: FieldValues) =>
  Object.fromEntries(
    Object.entries(values).filter(
      ([name]) => !FIELD_SPECS[name as keyof typeof FIELD_SPECS]?.secret,
    ),
  );

/** Public status: `pending` is "accepted, not done yet"; a bot's discarded one looks done. */
export const publicStatus = (status: StoredStatus): RegistrationStatus =>
  status === 'pending' ? 'queued' : status === 'discarded' ? 'completed' : status;

export function answerFor(id: string, result: RegistrationResult): RegistrationResponse {
  return {
    id,
    status: result.next?.type === 'await-approval' ? 'awaiting-approval' : 'completed',
    next: result.next,
    ...(result.organisation ? { organisation: result.organisation } : {}),
    ...(result.notice ? { notice: result.notice } : {}),
  };
}

/** What the journal keeps of a submission: enough for the outbox to send it again. */
// A type alias, not an interface, so it fits the store's `Record<string, unknown>`.
export type StoredSubmission = {
  fields: Record<string, string>;
  hostValues: RegistrationInput['hostValues'];
  utm: RegistrationInput['utm'];
  consent: boolean;
  locale: string;
};

const IN_PROGRESS_WAIT_MS = 5_000;
const IN_PROGRESS_POLL_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 202: accepted, the outbox will deliver it (poll `GET /v1/registrations/:id`). */
export const queuedAnswer = (id: string): Answer => ({
  status: 202,
  body: { id, status: 'queued' } satisfies RegistrationResponse,
});

/** The journal's final status and provider facts for a successful registration. */
export function outcomeOf(
  response: RegistrationResponse,
  result: RegistrationResult,
): Pick<Outcome, 'status' | 'providerRef' | 'providerState'> {
  return {
    status: response.status === 'awaiting-approval' ? 'awaiting-approval' : 'completed',
    ...(result.providerRef ? { providerRef: result.providerRef } : {}),
    ...(result.state ? { providerState: result.state } : {}),
  };
}

/** A short, non-personal history note for a provider failure. */
export const describeError = (err: ProviderError) =>
  `${err.kind}${err.field ? `:${err.field}` : ''}${err.outcomeUnknown ? ' (outcome unknown)' : ''}`;

/** How each kind of provider failure reaches the user. */
export function problemFor(err: ProviderError): HttpProblem {
  switch (err.kind) {
    case 'already_registered':
      return new HttpProblem(
        409,
        'already_registered',
        'This is already registered with the provider.',
        {
          errors: { [err.field ?? 'email']: 'already_registered' },
        },
      );
    case 'rejected':
      return err.field
        ? invalidFields({ [err.field]: 'invalid' })
        : new HttpProblem(
            422,
            'provider_rejected',
            'The provider did not accept this registration.',
          );
    case 'unavailable':
      return new HttpProblem(
        503,
        'provider_unavailable',
        'The provider is unavailable; please try again.',
        {
          headers: { 'retry-after': '30' },
        },
      );
    default:
      // misconfigured / bad_response: the operator reads the log; the user only learns it is down.
      return new HttpProblem(
        502,
        'provider_unavailable',
        'The provider is unavailable; please try again later.',
      );
  }
}

export interface RegistrationService {
  register(
    flow: Flow,
    body: unknown,
    idempotencyKey: string | undefined,
    context: { log: Logger; ip: string | undefined },
  ): Promise<Answer>;
  find(id: string): Promise<StoredRegistration | undefined>;
}

const formExpired = (detail: string) => new HttpProblem(400, 'form_expired', detail);

/**
 * Why a submission looks like a bot's (undefined for a person's), and the hash of the form token
 * that admits it: one token admits one registration (the journal refuses it for another key).
 */
function botCheck(
  flow: Flow,
  request: RegistrationRequest,
  tokens: FormTokens,
): { reason: string | undefined; tokenHash?: string } {
  const { honeypot, minFillSeconds } = flow.config.botProtection;
  const hashed = request.formToken
    ? { tokenHash: createHash('sha256').update(request.formToken).digest('hex') }
    : {};
  if (honeypot && request.hp) return { reason: 'honeypot filled', ...hashed };
  if (minFillSeconds <= 0) return { reason: undefined };
  const token = tokens.check(flow.id, request.formToken);
  if (!token.ok && token.reason === 'missing') return { reason: 'no form token' };
  if (!token.ok) {
    // A page left open for a day, or keys rotated: a person's, most likely. The widget
    // fetches a fresh token and sends again.
    throw formExpired('The form is out of date: load it again and send.');
  }
  return {
    reason:
      token.ageMs < minFillSeconds * 1000
        ? `sent ${token.ageMs} ms after the form was served`
        : undefined,
    ...hashed,
  };
}

async function checkCaptcha(
  flow: Flow,
  request: RegistrationRequest,
  ip: string | undefined,
  log: Logger,
) {
  const captcha = flow.config.captcha;
  if (!captcha) return;
  if (!request.captchaToken) throw invalidFields({ captcha: 'required' });
  const { verdict, codes } = await verifyCaptcha(captcha, request.captchaToken, ip);
  if (verdict === 'passed') return;
  if (verdict === 'failed') {
    // The provider's own words: scrubbed like any provider text (one may echo our secret).
    log.info({ flow: flow.id, codes: codes.map((code) => flow.redact(code)) }, 'captcha refused');
    throw invalidFields({ captcha: 'invalid' });
  }
  log.error({ flow: flow.id, provider: captcha.provider }, 'captcha verify endpoint unavailable');
  throw new HttpProblem(
    503,
    'captcha_unavailable',
    'The captcha check is unavailable; try again.',
    {
      headers: { 'retry-after': '10' },
    },
  );
}

export function createRegistrationService(
  store: Store,
  tokens: FormTokens,
  metrics?: Metrics,
): RegistrationService {
  const count = (flow: Flow, outcome: RegistrationOutcome) =>
    metrics?.registration(flow.id, outcome);
  return {
    async register(flow, body, idempotencyKey, { log, ip }) {
      if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new HttpProblem(
          400,
          'invalid_idempotency_key',
          'Send an Idempotency-Key header: 1 to 255 printable ASCII characters (a UUID is ideal).',
        );
      }
      const envelope = registrationRequestSchema.safeParse(body);
      if (!envelope.success) throw invalidFields(fieldErrorsOf(envelope.error));
      const request = envelope.data;
      const checked = validateFields(flow.rules, request.fields);
      if (!checked.ok) throw invalidFields(checked.errors);
      const normalised = normalizeForProvider(checked.values, {
        phoneCountry: flow.config.phoneCountry,
      });
      if (!normalised.ok) throw invalidFields(normalised.errors);
      const hostValues = request.hostValues ?? {};
      const refused = Object.keys(hostValues).filter(
        (name) => !flow.config.hostValues.includes(name as never),
      );
      if (refused.length) {
        throw invalidFields(Object.fromEntries(refused.map((name) => [name, 'unknown_field'])));
      }
      if (flow.config.requireConsent && request.consent !== true) {
        throw invalidFields({ consent: 'required' });
      }
      const { reason: bot, tokenHash } = botCheck(flow, request, tokens);
      // A captcha token is single-use: a repeated key is answered from the journal, unchecked.
      if (!bot && flow.config.captcha && !(await store.hasKey(flow.id, idempotencyKey))) {
        await checkCaptcha(flow, request, ip, log);
      }

      const submission: StoredSubmission = {
        fields: withoutSecrets(normalised.values),
        hostValues,
        utm: request.utm ?? {},
        consent: request.consent ?? false,
        locale: request.locale ?? 'en',
      };
      // Secret fields (passwords) stay out of the hash too: a stored hash of a request whose
      // other values are known would let a password be guessed offline.
      const requestHash = createHash('sha256').update(canonicalJson(submission)).digest('hex');
      const entry = {
        id: crypto.randomUUID(),
        flowId: flow.id,
        idempotencyKey,
        requestHash,
        submission,
        leaseMs: leaseMsFor(flow),
        ...(tokenHash ? { formTokenHash: tokenHash } : {}),
      };
      let begun = await store.begin(entry);
      // The same request is being handled right now (a double click, a client retry): wait
      // for its answer rather than call the provider twice.
      for (let waited = 0; begun.kind === 'in_progress' && waited < IN_PROGRESS_WAIT_MS;) {
        await sleep(IN_PROGRESS_POLL_MS);
        waited += IN_PROGRESS_POLL_MS;
        begun = await store.begin(entry);
      }
      switch (begun.kind) {
        case 'token_used':
          // The widget answers this by loading a fresh form token and sending once more.
          throw formExpired('This form was sent already: load it again to send another.');
        case 'key_reused':
          throw new HttpProblem(
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was used with a different request; use a new key.',
          );
        case 'in_progress':
          throw new HttpProblem(
            409,
            'in_progress',
            'This request is still being processed; retry shortly.',
            {
              headers: { 'retry-after': '2' },
            },
          );
        case 'replay':
          return {
            status: begun.httpStatus,
            body: begun.response,
            headers: { 'idempotent-replayed': 'true' },
          };
      }

      const { id, leaseToken, outcomeUnknown } = begun;
      // Bindings per call, not a child logger: a child costs as much as a line, and most of
      // these lines are below the production level.
      const where = { registrationId: id, flow: flow.id, provider: flow.provider };
      if (bot) {
        // Answered like a success so the bot learns nothing; never sent; kept in the journal.
        const fake: RegistrationResponse = { id, status: 'completed', next: null };
        await store.finish(id, leaseToken, {
          status: 'discarded',
          httpStatus: 201,
          response: fake,
          detail: `bot: ${bot}`,
        });
        log.warn({ ...where, reason: bot }, 'bot submission discarded');
        count(flow, 'discarded');
        return { status: 201, body: fake };
      }
      const input = { registrationId: id, ...submission, fields: normalised.values };
      let result: AttemptResult;
      const started = performance.now();
      try {
        // A retry of an attempt that may have reached the provider reconciles its "exists".
        result = await attempt(flow, input, outcomeUnknown);
      } catch (err) {
        // A bug, not the provider: recorded, so the key is not stuck "in progress"; whether
        // the provider acted first is unknown.
        const problem = new HttpProblem(500, 'internal_error', 'An unexpected error occurred.');
        await store.finish(id, leaseToken, {
          status: 'failed',
          httpStatus: 500,
          response: problemBody(problem),
          detail: 'internal_error',
          outcomeUnknown: true,
        });
        throw err;
      }

      // How long the provider took, for the log line an operator reads.
      const providerMs = Math.round(performance.now() - started);
      if (result.kind === 'done') {
        const response = answerFor(id, result.result);
        const kept = await store.finish(id, leaseToken, {
          ...outcomeOf(response, result.result),
          httpStatus: 201,
          response,
        });
        log.info(
          { ...where, outcome: response.status, reconciled: result.reconciled, providerMs },
          'registration completed',
        );
        count(flow, response.status === 'awaiting-approval' ? 'awaiting_approval' : 'completed');
        if (!kept) return queuedAnswer(id);
        // The generated password is in the first answer only: never journaled, never replayed.
        const reveal = result.result.reveal;
        return { status: 201, body: reveal ? { ...response, account: reveal } : response };
      }

      const err = result.error;
      logFailure(log, flow, err, { registrationId: id, providerMs }, Object.values(input.fields));
      if (result.kind === 'retry' && flow.config.queueOnOutage) {
        const now = Date.now();
        const answer = queuedAnswer(id);
        await store.reschedule(id, leaseToken, {
          nextAttemptAt: now + backoffMs(1, flow.config.retry),
          deadlineAt: now + flow.config.retry.deadlineSeconds * 1000,
          outcomeUnknown: err.outcomeUnknown,
          httpStatus: answer.status,
          response: answer.body,
          detail: `queued: ${describeError(err)}`,
        });
        log.info({ ...where, providerMs }, 'registration queued for the outbox');
        count(flow, 'queued');
        return answer;
      }
      const usersAnswer = result.kind === 'final' && isUsersAnswer(err);
      count(flow, usersAnswer ? 'rejected' : 'failed');
      const problem = problemFor(err);
      const kept = await store.finish(id, leaseToken, {
        status: usersAnswer ? 'rejected' : 'failed',
        httpStatus: problem.status,
        response: problemBody(problem),
        detail: describeError(err),
        outcomeUnknown: err.outcomeUnknown,
      });
      if (!kept) return queuedAnswer(id);
      throw problem;
    },

    find: (id) => store.get(id),
  };
}
