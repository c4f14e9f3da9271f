/**
 * The admin API under `/admin` (off unless ORG_SIGNUP_ADMIN_TOKEN is set): the approval queue
 * of `await-approval` flows. Approving or rejecting goes to the provider first, then the
 * registration's status in the journal follows (`GET /v1/registrations/:id` turns `completed`).
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Secret } from '../config/secret.ts';
import { HttpProblem, ProviderError } from '../errors.ts';
import type { Flow } from '../registration/flows.ts';
import { failureProblem, queuedAnswer } from '../registration/outcomes.ts';
import type { ApprovalsApi, DoctorCheck } from '../providers/types.ts';
import type { Store } from '../store/types.ts';
import { webhooksForStored } from '../webhooks/events.ts';
import { requireBearer } from './auth.ts';
import { verificationSummary } from '../registration/verify.ts';

const approveSchema = z
  .strictObject({
    flow: z.string().optional(),
    customer: z.string().min(1).max(200).optional(),
    createCustomer: z.literal(true).optional(),
  })
  .refine((b) => Boolean(b.customer) !== Boolean(b.createCustomer), {
    message: 'give either "customer" (an existing customer key) or "createCustomer": true',
  });
const rejectSchema = z.strictObject({ flow: z.string().optional() });

type ApprovalFlow = Flow & { adapter: { approvals: ApprovalsApi } };

export function adminRouter(deps: {
  flows: Map<string, Flow>;
  store: Store;
  token: Secret;
}): Router {
  const router = express.Router();
  router.use(requireBearer(deps.token));
  router.use(express.json({ limit: '16kb' }));

  const approvalFlows = (): ApprovalFlow[] =>
    [...deps.flows.values()].filter((f): f is ApprovalFlow => Boolean(f.adapter.approvals));

  /** The flow an approval belongs to: named, found through the journal, or the only one. */
  async function flowFor(key: string, named: string | undefined): Promise<ApprovalFlow> {
    const candidates = approvalFlows();
    if (named) {
      const flow = candidates.find((f) => f.id === named);
      if (!flow) throw new HttpProblem(404, 'flow_not_found', `No approval flow "${named}".`);
      return flow;
    }
    for (const flow of candidates) {
      if (await deps.store.findByProviderRef(flow.id, key)) return flow;
    }
    if (candidates.length === 1) return candidates[0]!;
    throw new HttpProblem(
      400,
      'invalid_fields',
      'Several flows take approvals: name one ("flow").',
      {
        errors: { flow: 'required' },
      },
    );
  }

  async function provider<T>(log: Logger, flow: Flow, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.kind === 'not_found') {
        throw new HttpProblem(404, 'not_found', 'The provider has no such pending user.');
      }
      throw failureProblem(log, flow, err, {});
    }
  }

  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body ?? {});
    if (!parsed.success) {
      throw new HttpProblem(400, 'invalid_fields', z.prettifyError(parsed.error), {
        errors: Object.fromEntries(
          parsed.error.issues.map((i) => [String(i.path[0] ?? 'body'), 'invalid']),
        ),
      });
    }
    return parsed.data;
  };

  router.get('/approvals', async (req, res) => {
    const only = typeof req.query['flow'] === 'string' ? req.query['flow'] : undefined;
    const flows = approvalFlows().filter((f) => !only || f.id === only);
    const approvals = [];
    // One provider down must not hide the others' queues: its flow is named in `unavailable`.
    const unavailable: { flow: string; code: string }[] = [];
    for (const flow of flows) {
      let pendingList;
      try {
        pendingList = await provider(req.log, flow, () => flow.adapter.approvals.list());
      } catch (err) {
        if (!(err instanceof HttpProblem) || flows.length === 1) throw err;
        unavailable.push({ flow: flow.id, code: err.code });
        continue;
      }
      for (const pending of pendingList) {
        const registration = await deps.store.findByProviderRef(flow.id, pending.key);
        approvals.push({ flow: flow.id, registrationId: registration?.id ?? null, ...pending });
      }
    }
    res.set('cache-control', 'no-store').json({ approvals, unavailable });
  });

  router.post('/approvals/:key/approve', async (req, res) => {
    const key = String(req.params['key']);
    const body = parse(approveSchema, req.body);
    const flow = await flowFor(key, body.flow);
    const { customer } = await provider(req.log, flow, () =>
      flow.adapter.approvals.approve(
        key,
        body.customer ? { existing: body.customer } : { create: true },
      ),
    );
    const registration = await deps.store.findByProviderRef(flow.id, key);
    if (registration) {
      await deps.store.note(registration.id, {
        detail: 'approved',
        status: 'completed',
        webhooks: webhooksForStored(
          flow.webhooks,
          'registration.completed',
          registration,
          flow.provider,
          'completed',
        ),
      });
    }
    req.log.info({ flow: flow.id, registrationId: registration?.id }, 'registration approved');
    res.json({
      flow: flow.id,
      key,
      customer,
      registrationId: registration?.id ?? null,
      status: 'completed',
    });
  });

  router.post('/approvals/:key/reject', async (req, res) => {
    const key = String(req.params['key']);
    const body = parse(rejectSchema, req.body);
    const flow = await flowFor(key, body.flow);
    await provider(req.log, flow, () => flow.adapter.approvals.reject(key));
    const registration = await deps.store.findByProviderRef(flow.id, key);
    // The partner's staff said no: the user's answer, not a failure an operator must look at.
    if (registration) {
      await deps.store.note(registration.id, {
        detail: 'rejected',
        status: 'rejected',
        webhooks: webhooksForStored(
          flow.webhooks,
          'registration.rejected',
          registration,
          flow.provider,
          'rejected',
        ),
      });
    }
    req.log.info({ flow: flow.id, registrationId: registration?.id }, 'registration rejected');
    res.json({ flow: flow.id, key, registrationId: registration?.id ?? null, status: 'rejected' });
  });

  // ---- Doctor: each flow's settings tried against its provider, creating nothing --------------

  router.get('/doctor', async (req, res) => {
    const only = typeof req.query['flow'] === 'string' ? req.query['flow'] : undefined;
    const flows = [...deps.flows.values()].filter((f) => !only || f.id === only);
    if (only && flows.length === 0) {
      throw new HttpProblem(404, 'flow_not_found', `There is no flow "${only}".`);
    }
    const report = [];
    for (const flow of flows) {
      const checks: DoctorCheck[] = [];
      const base = flow.config.baseUrl;
      if (base && !base.startsWith('https:')) {
        checks.push({
          name: 'baseUrl',
          verdict: 'warn',
          detail: `${base} is not https: credentials and the users' details would travel in clear`,
        });
      }
      try {
        checks.push(...((await flow.adapter.doctor?.()) ?? []));
        for (const field of flow.lookups.fields) {
          const lookup = flow.lookups.get(field)!;
          const { ok, detail } = await lookup.check();
          const name = `registry lookup (${field}: ${lookup.registry})`;
          checks.push({ name, verdict: ok ? 'ok' : 'fail', detail });
        }
      } catch (err) {
        req.log.error({ err, flow: flow.id }, 'doctor check crashed');
        checks.push({
          name: 'checks',
          verdict: 'fail',
          detail: 'the check itself failed (see the BFF log)',
        });
      }
      report.push({
        flow: flow.id,
        provider: flow.provider,
        sandbox: flow.config.sandbox,
        checks: checks.map((c) => ({ ...c, detail: flow.redact(c.detail) })),
      });
    }
    res.set('cache-control', 'no-store').json({ flows: report });
  });

  // ---- The journal: what an operator needs to find and retry stuck registrations -------------

  const listSchema = z.strictObject({
    status: z
      .enum([
        'pending',
        'queued',
        'completed',
        'failed',
        'rejected',
        'awaiting-approval',
        'discarded',
      ])
      .optional(),
    flow: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  });

  router.get('/registrations', async (req, res) => {
    const query = parse(listSchema, req.query);
    const rows = await deps.store.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.flow ? { flowId: query.flow } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    // Status and history only: the submitted details stay in the journal.
    const registrations = rows.map((r) => ({
      id: r.id,
      flow: r.flowId,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
      lastDetail: r.lastDetail,
      // What the registries said at submit: `unverified` when one could not be asked.
      registry: verificationSummary(r.verification),
      verification: r.verification,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
    res.set('cache-control', 'no-store').json({ registrations });
  });

  router.get('/outbox', async (_req, res) => {
    const stats = await deps.store.outboxStats(Date.now());
    res.set('cache-control', 'no-store').json({
      depth: stats.depth,
      oldestCreatedAt:
        stats.oldestCreatedAt === null ? null : new Date(stats.oldestCreatedAt).toISOString(),
    });
  });

  router.post('/registrations/:id/retry', async (req, res) => {
    const id = String(req.params['id']);
    const found = await deps.store.get(id);
    const flow = found && deps.flows.get(found.flowId);
    if (!found || !flow) throw new HttpProblem(404, 'not_found', 'There is no such registration.');
    if (found.status !== 'failed') {
      throw new HttpProblem(
        409,
        'step_not_available',
        `Only failed registrations are retried (this one is ${found.status}).`,
      );
    }
    const deadlineAt = Date.now() + flow.config.retry.deadlineSeconds * 1000;
    const answer = queuedAnswer(id);
    if (
      !(await deps.store.requeue(
        id,
        deadlineAt,
        { httpStatus: answer.status, response: answer.body },
        webhooksForStored(flow.webhooks, 'registration.queued', found, flow.provider, 'queued'),
      ))
    ) {
      throw new HttpProblem(409, 'step_not_available', 'It changed meanwhile; list it again.');
    }
    req.log.info({ registrationId: id, flow: flow.id }, 'operator retry queued');
    res.json({ id, status: 'queued' });
  });

  // ---- Webhooks: what partners' endpoints were sent, and sending one again ---------------------

  const webhookListSchema = z.strictObject({
    status: z.enum(['pending', 'delivered', 'failed']).optional(),
    registration: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  });

  router.get('/webhooks', async (req, res) => {
    const query = parse(webhookListSchema, req.query);
    const rows = await deps.store.listWebhooks({
      ...(query.status ? { status: query.status } : {}),
      ...(query.registration ? { registrationId: query.registration } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    // Where and how it went, not what it said: the body holds the registrant's details.
    const webhooks = rows.map((w) => ({
      id: w.id,
      endpoint: w.endpointId,
      type: w.type,
      registrationId: w.registrationId,
      status: w.status,
      attempts: w.attempts,
      lastHttpStatus: w.lastHttpStatus,
      lastDetail: w.lastDetail,
      nextAttemptAt: w.nextAttemptAt?.toISOString() ?? null,
      createdAt: w.createdAt.toISOString(),
      updatedAt: w.updatedAt.toISOString(),
    }));
    res.set('cache-control', 'no-store').json({ webhooks });
  });

  router.post('/webhooks/:id/replay', async (req, res) => {
    const id = String(req.params['id']);
    const body = parse(z.strictObject({ endpoint: z.string().optional() }), req.body);
    const replayed = await deps.store.replayWebhook(id, body.endpoint);
    if (replayed === 0) {
      throw new HttpProblem(
        404,
        'not_found',
        'No delivered or failed delivery of that event (a pending one is being sent already).',
      );
    }
    req.log.info({ webhookId: id, endpoint: body.endpoint, replayed }, 'webhook replay queued');
    res.json({ id, replayed, status: 'pending' });
  });

  return router;
}
