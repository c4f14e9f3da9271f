/**
 * The outbox worker, one per instance: it leases registrations that are due (queued after an
 * outage, or left `pending` by an instance that died mid-call), sends them again with backoff,
 * and records the outcome. Several instances share the work through the store's leases, so a
 * registration is attempted by one of them at a time and none is left behind.
 */
import type { Logger } from 'pino';
import { problemBody } from '../web/problem.ts';
import { FIELD_SPECS } from '../../shared/fields.ts';
import { attempt, backoffMs, isUsersAnswer, leaseMsFor, logFailure } from './delivery.ts';
import { HttpProblem } from '../errors.ts';
import type { Flow } from './flows.ts';
import type { Metrics } from '../metrics.ts';
import { answerFor, describeError, failureProblem, outcomeOf, queuedAnswer } from './outcomes.ts';
import type { StoredSubmission } from './register.ts';
import type { RegistrationStatus } from '../../shared/api.ts';
import type { ClaimedWork, Outcome, Store } from '../store/types.ts';
import { leaseWorker } from '../store/lease-worker.ts';
import { EVENT_OF_STATUS, webhooksFor, type EventFacts } from '../webhooks/events.ts';

export interface OutboxOptions {
  pollIntervalMs: number;
  batchSize: number;
  concurrency: number;
}

export interface OutboxWorker {
  start(): void;
  /** Stops polling and waits for the attempts in flight; queued work stays for later. */
  stop(): Promise<void>;
}

export function createOutboxWorker(deps: {
  store: Store;
  flows: Map<string, Flow>;
  log: Logger;
  options: OutboxOptions;
  metrics: Metrics;
}): OutboxWorker {
  const { store, flows, options } = deps;
  const log = deps.log.child({ component: 'outbox' });
  const leaseMs = Math.max(...[...flows.values()].map(leaseMsFor));

  /** The answer a client who retries with the same key gets, where none was given yet. */
  const firstAnswer = (work: ClaimedWork, answer: { status: number; body: unknown }) =>
    work.status === 'pending' ? { httpStatus: answer.status, response: answer.body } : {};

  /** The partner's webhooks for the status `work` moves to, written with the change. */
  const announce = (
    work: ClaimedWork,
    status: RegistrationStatus,
    extra: Partial<EventFacts> = {},
  ) => {
    const flow = flows.get(work.flowId);
    return webhooksFor(flow?.webhooks ?? [], EVENT_OF_STATUS[status], {
      id: work.id,
      flow: work.flowId,
      provider: flow?.provider ?? '',
      status,
      submission: work.submission,
      verification: work.verification,
      ...extra,
    });
  };

  /** A final outcome other than success: the user's answer (`rejected`), or an operator's task. */
  async function fail(
    work: ClaimedWork,
    detail: string,
    problem: HttpProblem,
    status: 'failed' | 'rejected' = 'failed',
  ): Promise<void> {
    const outcome: Outcome = {
      status,
      detail,
      ...firstAnswer(work, { status: problem.status, body: problemBody(problem) }),
      webhooks: announce(work, status),
    };
    await store.finish(work.id, work.leaseToken, outcome);
    deps.metrics.registration(work.flowId, status);
    const where = { registrationId: work.id, flow: work.flowId, attempts: work.attempts };
    if (status === 'rejected') log.info(where, `registration rejected by the provider: ${detail}`);
    else log.error(where, `registration failed: ${detail}`);
  }

  async function deliver(work: ClaimedWork): Promise<void> {
    const flow = flows.get(work.flowId);
    const unavailable = new HttpProblem(
      503,
      'provider_unavailable',
      'The provider is unavailable.',
    );
    if (!flow) return fail(work, `flow ${work.flowId} is no longer configured`, unavailable);
    const secret = flow.rules.find((rule) => FIELD_SPECS[rule.name].secret);
    if (secret) {
      // Its password was never stored: the user must submit again.
      return fail(work, `cannot resume: the ${secret.name} is never stored`, unavailable);
    }
    const now = Date.now();
    const deadlineAt =
      work.deadlineAt ?? work.createdAt.getTime() + flow.config.retry.deadlineSeconds * 1000;
    if (now > deadlineAt) {
      return fail(work, `deadline passed after ${work.attempts - 1} attempts`, unavailable);
    }

    const submission = work.submission as StoredSubmission;
    const result = await attempt(
      flow,
      { registrationId: work.id, ...submission },
      work.outcomeUnknown,
    );
    const rlog = log.child({ registrationId: work.id, flow: flow.id, attempt: work.attempts });
    const submitted = Object.values(submission.fields);
    if (result.kind === 'done') {
      const response = answerFor(work.id, result.result);
      const outcome = outcomeOf(response, result.result);
      await store.finish(work.id, work.leaseToken, {
        ...outcome,
        ...firstAnswer(work, { status: 201, body: response }),
        detail: result.reconciled ? 'delivered (reconciled: it already existed)' : 'delivered',
        webhooks: announce(work, response.status, {
          next: response.next,
          providerRef: outcome.providerRef,
        }),
      });
      rlog.info({ reconciled: result.reconciled }, 'outbox delivered a registration');
      deps.metrics.registration(flow.id, result.reconciled ? 'reconciled' : 'delivered');
      return;
    }
    if (result.kind === 'final') {
      const problem = failureProblem(rlog, flow, result.error, {}, submitted);
      const status = isUsersAnswer(result.error) ? 'rejected' : 'failed';
      return fail(work, describeError(result.error), problem, status);
    }
    await store.reschedule(work.id, work.leaseToken, {
      nextAttemptAt: now + backoffMs(work.attempts, flow.config.retry),
      deadlineAt,
      outcomeUnknown: result.error.outcomeUnknown,
      ...firstAnswer(work, queuedAnswer(work.id)),
      detail: `retry later: ${describeError(result.error)}`,
      // Queued for the first time (its holder died before answering): announced once.
      ...(work.status === 'pending' ? { webhooks: announce(work, 'queued') } : {}),
    });
    logFailure(rlog, flow, result.error, { retryLater: true }, submitted);
  }

  return leaseWorker({
    name: 'outbox',
    log,
    claim: (now, batchSize) => store.claimDue(now, batchSize, leaseMs),
    handle: deliver,
    describe: (work) => ({ registrationId: work.id }),
    ...options,
  });
}
