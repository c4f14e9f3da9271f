/**
 * The registration use case, as named steps: validate (shared schemas, then server
 * normalisation), guard (bot protection, captcha), journal under the idempotency key, deliver to
 * the provider once, record and answer. The same key with the same request gets the first answer
 * again; with another request, 422.
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
import { HttpProblem, invalidFields } from '../errors.ts';
import type { Metrics, RegistrationOutcome } from '../metrics.ts';
import type { RegistrationInput } from '../providers/types.ts';
import type { Store, StoredRegistration, Verification } from '../store/types.ts';
import { problemBody } from '../web/problem.ts';
import { EVENT_OF_STATUS, webhooksFor, type EventFacts } from '../webhooks/events.ts';
import { attempt, backoffMs, isUsersAnswer, leaseMsFor, logFailure } from './delivery.ts';
import type { Flow } from './flows.ts';
import { botCheck, formExpired, type FormTokens } from './guards/bot-protection.ts';
import { checkCaptcha } from './guards/captcha.ts';
import { normalizeForProvider } from './normalize.ts';
import { verifyWithRegistries } from './verify.ts';
import { emailQualityErrors, mailDomainError } from './email-quality.ts';
import {
  answerFor,
  describeError,
  failureProblem,
  outcomeOf,
  queuedAnswer,
  type Answer,
} from './outcomes.ts';

/** Printable ASCII, 1 to 255 characters (docs/design.md §2). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

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

export interface RegistrationService {
  register(
    flow: Flow,
    body: unknown,
    idempotencyKey: string | undefined,
    context: { log: Logger; ip: string | undefined },
  ): Promise<Answer>;
  find(id: string): Promise<StoredRegistration | undefined>;
}

/** A request that passed validation: the envelope, and its fields as the provider gets them. */
interface Valid {
  key: string;
  request: RegistrationRequest;
  values: FieldValues;
  hostValues: NonNullable<RegistrationRequest['hostValues']>;
}

/** Step 1: everything a request must be before anything is stored or sent; 400s otherwise. */
function validate(flow: Flow, body: unknown, idempotencyKey: string | undefined): Valid {
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
    phonePlan: flow.rules.find((rule) => rule.name === 'phone')?.plan,
  });
  if (!normalised.ok) throw invalidFields(normalised.errors);
  const quality = emailQualityErrors(flow.config, normalised.values);
  if (Object.keys(quality).length) throw invalidFields(quality);
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
  return { key: idempotencyKey, request, values: normalised.values, hostValues };
}

/** A journal entry this request holds the lease of: the provider may be called. */
type Started = Extract<Awaited<ReturnType<Store['begin']>>, { kind: 'created' }>;

export function createRegistrationService(
  store: Store,
  tokens: FormTokens,
  metrics: Metrics,
): RegistrationService {
  const count = (flow: Flow, outcome: RegistrationOutcome) =>
    metrics.registration(flow.id, outcome);

  /**
   * Step 2: why it looks like a bot's (undefined for a person's), with the form token's hash;
   * a person's captcha checked (throws its problem).
   */
  async function guard(
    flow: Flow,
    { key, request }: Valid,
    { log, ip }: { log: Logger; ip: string | undefined },
  ): Promise<{ bot: string | undefined; tokenHash?: string; known: boolean }> {
    const { reason: bot, tokenHash } = botCheck(flow, request, tokens);
    // Whether the journal holds the key: asked only by a flow with checks that ask the outside
    // world (they run once per key), so a plain flow's registration costs no extra read.
    const asksOutside =
      flow.config.captcha || flow.config.mailDomainCheck || flow.lookups.fields.length > 0;
    const known = Boolean(asksOutside) && (await store.hasKey(flow.id, key));
    // A captcha token is single-use: a repeated key is answered from the journal, unchecked.
    if (!bot && flow.config.captcha && !known) {
      await checkCaptcha(flow, request, ip, log);
    }
    return { bot, ...(tokenHash ? { tokenHash } : {}), known };
  }

  /**
   * Step 3: the entry under the idempotency key, begun (this request holds its lease) or
   * answered from the journal: a replay, or why it cannot go ahead.
   */
  async function journal(
    flow: Flow,
    key: string,
    submission: StoredSubmission,
    tokenHash: string | undefined,
    checked: { hashed: StoredSubmission; verification: Verification[] },
  ): Promise<Started | Answer> {
    // Secret fields (passwords) stay out of the hash too: a stored hash of a request whose
    // other values are known would let a password be guessed offline. The request as sent is
    // hashed, not the registry's name put in its place: the same request again is a replay.
    const requestHash = createHash('sha256').update(canonicalJson(checked.hashed)).digest('hex');
    const entry = {
      id: crypto.randomUUID(),
      flowId: flow.id,
      idempotencyKey: key,
      requestHash,
      submission,
      leaseMs: leaseMsFor(flow),
      ...(tokenHash ? { formTokenHash: tokenHash } : {}),
      ...(checked.verification.length ? { verification: checked.verification } : {}),
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
    return begun;
  }

  /** A bot's submission: answered like a success so the bot learns nothing; never sent. */
  async function discard(flow: Flow, begun: Started, bot: string, log: Logger): Promise<Answer> {
    const { id, leaseToken } = begun;
    // Kept in the journal.
    const fake: RegistrationResponse = { id, status: 'completed', next: null };
    await store.finish(id, leaseToken, {
      status: 'discarded',
      httpStatus: 201,
      response: fake,
      detail: `bot: ${bot}`,
    });
    log.warn(
      { registrationId: id, flow: flow.id, provider: flow.provider, reason: bot },
      'bot submission discarded',
    );
    count(flow, 'discarded');
    return { status: 201, body: fake };
  }

  /** Step 4: one call to the provider, its outcome recorded and answered (or queued). */
  async function deliver(
    flow: Flow,
    begun: Started,
    submission: StoredSubmission,
    values: FieldValues,
    log: Logger,
    verification: Verification[],
  ): Promise<Answer> {
    const { id, leaseToken, outcomeUnknown } = begun;
    // Bindings per call, not a child logger: a child costs as much as a line, and most of
    // these lines are below the production level.
    const where = { registrationId: id, flow: flow.id, provider: flow.provider };
    /** The partner's webhooks for the status this attempt leaves, written with it. */
    const announce = (status: RegistrationStatus, extra: Partial<EventFacts> = {}) =>
      webhooksFor(flow.webhooks, EVENT_OF_STATUS[status], {
        id,
        flow: flow.id,
        provider: flow.provider,
        status,
        submission,
        verification,
        ...extra,
      });
    const input: RegistrationInput = { registrationId: id, ...submission, fields: values };
    let result: Awaited<ReturnType<typeof attempt>>;
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
        webhooks: announce('failed'),
      });
      throw err;
    }

    // How long the provider took, for the log line an operator reads.
    const providerMs = Math.round(performance.now() - started);
    if (result.kind === 'done') {
      const response = answerFor(id, result.result);
      const outcome = outcomeOf(response, result.result);
      const kept = await store.finish(id, leaseToken, {
        ...outcome,
        httpStatus: 201,
        response,
        webhooks: announce(response.status, {
          next: response.next,
          providerRef: outcome.providerRef,
        }),
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
    const told = { registrationId: id, providerMs };
    const submitted = Object.values(input.fields);
    if (result.kind === 'retry' && flow.config.queueOnOutage) {
      logFailure(log, flow, err, told, submitted);
      const now = Date.now();
      const answer = queuedAnswer(id);
      await store.reschedule(id, leaseToken, {
        nextAttemptAt: now + backoffMs(1, flow.config.retry),
        deadlineAt: now + flow.config.retry.deadlineSeconds * 1000,
        outcomeUnknown: err.outcomeUnknown,
        httpStatus: answer.status,
        response: answer.body,
        detail: `queued: ${describeError(err)}`,
        webhooks: announce('queued'),
      });
      log.info({ ...where, providerMs }, 'registration queued for the outbox');
      count(flow, 'queued');
      return answer;
    }
    const problem = failureProblem(log, flow, err, told, submitted);
    const usersAnswer = result.kind === 'final' && isUsersAnswer(err);
    count(flow, usersAnswer ? 'rejected' : 'failed');
    const status = usersAnswer ? 'rejected' : 'failed';
    const kept = await store.finish(id, leaseToken, {
      status,
      httpStatus: problem.status,
      response: problemBody(problem),
      detail: describeError(err),
      outcomeUnknown: err.outcomeUnknown,
      webhooks: announce(status),
    });
    if (!kept) return queuedAnswer(id);
    throw problem;
  }

  return {
    async register(flow, body, idempotencyKey, context) {
      const valid = validate(flow, body, idempotencyKey);
      const { bot, tokenHash, known } = await guard(flow, valid, context);
      const { request } = valid;
      const envelope = {
        hostValues: valid.hostValues,
        utm: request.utm ?? {},
        consent: request.consent ?? false,
        locale: request.locale ?? 'en',
      };
      const sent: StoredSubmission = { fields: withoutSecrets(valid.values), ...envelope };
      // A key the journal holds was checked when it came first: the journal answers it, and a
      // DNS or registry answer that changed since must not turn a done registration into a 400.
      // (Its registry name is still wanted, for a retry after a provider's 5xx.)
      if (!bot && !known) {
        const noMail = await mailDomainError(flow.config, valid.values.email);
        if (Object.keys(noMail).length) throw invalidFields(noMail);
      }
      // A bot's numbers are never looked up: it learns nothing, the registries pay nothing.
      const checked = bot
        ? { verification: [], values: valid.values }
        : await verifyWithRegistries(flow, valid.values, context.log, { refuse: !known });
      const submission: StoredSubmission = { fields: withoutSecrets(checked.values), ...envelope };
      const begun = await journal(flow, valid.key, submission, tokenHash, {
        hashed: sent,
        verification: checked.verification,
      });
      if (!('kind' in begun)) return begun;
      if (bot) return discard(flow, begun, bot, context.log);
      return deliver(flow, begun, submission, checked.values, context.log, checked.verification);
    },

    find: (id) => store.get(id),
  };
}
