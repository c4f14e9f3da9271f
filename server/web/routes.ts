/** The public API, `/v1` (docs/design.md §2). */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { PROBLEM_CONTENT_TYPE, type FlowDescriptor } from '../../shared/api.ts';
import { LOCALES, LOCALE_IDS, type Locale, type StringKey } from '../../shared/i18n/index.ts';
import { negotiate } from '../../shared/i18n/negotiate.ts';
import type { FormTokens } from '../registration/guards/bot-protection.ts';
import { HttpProblem } from '../errors.ts';
import { embedRoute } from './embed/route.ts';
import { applyCors, readableNotFound, readableRefusal } from './cors.ts';
import type { Flow } from '../registration/flows.ts';
import type { RateLimitedRoute } from '../config/schema.ts';
import type { FollowUpService } from '../registration/follow-ups.ts';
import type { RateLimits } from './rate-limits.ts';
import { publicStatus, type Answer } from '../registration/outcomes.ts';
import type { RegistrationService } from '../registration/register.ts';
import { lookupRoute } from '../registration/lookup.ts';
import type { StoredRegistration } from '../store/types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JSON_LIMIT = '16kb';

interface Deps {
  flows: Map<string, Flow>;
  registrations: RegistrationService;
  followUps: FollowUpService;
  limits: RateLimits;
  tokens: FormTokens;
}

/** Refusals of `GET /v1/flows/:flow` that carry a text for the visitor (`Problem.text`). */
const VISITOR_TEXTS = new Set(['flow_not_found', 'origin_not_allowed']);

/** `?locale=de-CH,de,en`: the widget's preferences (its attribute, then the browser's). */
function localeOf(req: Request, offered: readonly Locale[]): Locale {
  const asked = typeof req.query['locale'] === 'string' ? req.query['locale'] : '';
  const wanted = asked
    .split(',')
    .slice(0, 10)
    .map((tag) => tag.trim().slice(0, 35));
  return negotiate(wanted, offered, offered[0] ?? 'en');
}

export function apiRouter({ flows, registrations, followUps, limits, tokens }: Deps): Router {
  const router = express.Router();
  const json = express.json({ limit: JSON_LIMIT, strict: true });

  const flowOf = (req: Request): Flow => {
    const flow = flows.get(String(req.params['flow']));
    if (!flow)
      throw new HttpProblem(
        404,
        'flow_not_found',
        `There is no flow "${String(req.params['flow'])}".`,
      );
    return flow;
  };

  /** CORS and Origin check by the flow named in the path. */
  const flowCors = (req: Request, res: Response, next: NextFunction) => {
    if (!flows.has(String(req.params['flow']))) readableRefusal(req, res);
    const flow = flowOf(req);
    applyCors(req, res, next, { flowId: flow.id, isAllowedOrigin: flow.isAllowedOrigin });
  };

  /** A body is optional (resend); when there is one, it is JSON. */
  const optionalJsonBody = (req: Request, res: Response, next: NextFunction) => {
    if (!req.headers['content-type'] && !Number(req.headers['content-length'] ?? 0)) return next();
    jsonBody(req, res, next);
  };

  /** JSON only: anything else is 415 before the body is read. */
  const jsonBody = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      return next(
        new HttpProblem(415, 'unsupported_media_type', 'Send the body as application/json.'),
      );
    }
    json(req, res, next);
  };

  /** The flow's limit for `route`: the flow is named in the path or is the registration's. */
  const limit = (route: RateLimitedRoute) => (req: Request, res: Response, next: NextFunction) => {
    const flow = (res.locals['flow'] as Flow | undefined) ?? flowOf(req);
    return limits.for(flow.id, route)(req, res, next);
  };

  /**
   * The descriptor's refusals that the site owner must fix (a wrong flow id, an origin not
   * allowed) carry the visitor's text in their locale: the widget shows it, having no texts yet.
   */
  const forVisitor = (err: unknown, req: Request): unknown => {
    if (err instanceof HttpProblem && VISITOR_TEXTS.has(err.code) && req.method === 'GET') {
      const flow = flows.get(String(req.params['flow']));
      const locale = localeOf(req, (flow?.descriptor.locales ?? LOCALE_IDS) as Locale[]);
      err.text = LOCALES[locale][`problem.${err.code}` as StringKey];
    }
    return err;
  };

  router.all('/flows/:flow', (req, res, next) => {
    try {
      flowCors(req, res, (err?: unknown) => next(err && forVisitor(err, req)));
    } catch (err) {
      next(forVisitor(err, req));
    }
  });
  router.get('/flows/:flow', limit('descriptor'), (req, res) => {
    const { id, descriptor } = flowOf(req);
    const locale = localeOf(req, descriptor.locales as Locale[]);
    const body: FlowDescriptor = {
      ...descriptor,
      bot: { ...descriptor.bot, formToken: tokens.issue(id) },
      locale,
      strings: LOCALES[locale],
    };
    // Not cached: each form gets its own token, timed from now.
    res.set('cache-control', 'no-store').json(body);
  });

  // The embed snippet: origin-checked like the descriptor (a partner's server sends no Origin).
  const embed = embedRoute();
  router.all('/flows/:flow/embed.html', flowCors);
  router.get('/flows/:flow/embed.html', limit('descriptor'), (req, res) =>
    embed(req, res, flowOf(req)),
  );

  router.all('/flows/:flow/registrations', flowCors);
  router.post('/flows/:flow/registrations', limit('registration'), jsonBody, async (req, res) => {
    const answer = await registrations.register(flowOf(req), req.body, req.get('idempotency-key'), {
      log: req.log,
      ip: req.ip,
    });
    send(res, answer);
  });

  // Registry lookups (docs/registries.md): the same origin check and its own rate limit.
  router.all('/flows/:flow/lookup', flowCors);
  router.get('/flows/:flow/lookup', limit('lookup'), async (req, res) => {
    const answer = await lookupRoute(flowOf(req), req.query);
    res.set('cache-control', 'no-store').json(answer);
  });

  /** Loads the registration named in the path and applies its flow's CORS and Origin check. */
  router.use('/registrations/:id', async (req, res, next) => {
    const id = String(req.params['id']);
    const wellFormed = UUID.test(id);
    const found = wellFormed ? await registrations.find(id) : undefined;
    const flow = found && flows.get(found.flowId);
    if (!flow) {
      if (found) {
        req.log.warn(
          { registrationId: id, flow: found.flowId },
          `registration of flow "${found.flowId}", which the config no longer has; check its flows`,
        );
      } else if (wellFormed) {
        // The widget had this id from the BFF: most likely another instance with its own store.
        req.log.warn(
          { registrationId: id },
          'no such registration in the store; instances behind one address must share one STORE_URL',
        );
      }
      return readableNotFound(req, res, next);
    }
    res.locals['registration'] = found;
    res.locals['flow'] = flow;
    applyCors(req, res, next, { flowId: flow.id, isAllowedOrigin: flow.isAllowedOrigin });
  });
  const loaded = (res: Response) => ({
    registration: res.locals['registration'] as StoredRegistration,
    flow: res.locals['flow'] as Flow,
  });
  const send = (res: Response, answer: Answer) => {
    res.status(answer.status).set({ 'cache-control': 'no-store', ...answer.headers });
    if (answer.status >= 400) res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(answer.body));
    else res.json(answer.body);
  };

  router.get('/registrations/:id', (_req, res) => {
    const { registration } = loaded(res);
    res
      .set('cache-control', 'no-store')
      .json({ id: registration.id, status: publicStatus(registration.status) });
  });
  router.post('/registrations/:id/verify', limit('verify'), jsonBody, async (req, res) => {
    const { registration, flow } = loaded(res);
    send(res, await followUps.verify(flow, registration, req.body, req.log));
  });
  router.post('/registrations/:id/resend', limit('resend'), optionalJsonBody, async (req, res) => {
    const { registration, flow } = loaded(res);
    send(res, await followUps.resend(flow, registration, req.log));
  });

  return router;
}
