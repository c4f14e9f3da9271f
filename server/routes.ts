/** The public API, `/v1` (DESIGN.md §3). */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { PROBLEM_CONTENT_TYPE } from '../shared/api.ts';
import { HttpProblem } from './errors.ts';
import { applyCors } from './http/cors.ts';
import type { Flow } from './flows.ts';
import type { RegistrationService } from './registrations.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JSON_LIMIT = '16kb';

interface Deps {
  flows: Map<string, Flow>;
  registrations: RegistrationService;
}

export function apiRouter({ flows, registrations }: Deps): Router {
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
    const flow = flowOf(req);
    applyCors(req, res, next, { flowId: flow.id, isAllowedOrigin: flow.isAllowedOrigin });
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

  router.all('/flows/:flow', flowCors);
  router.get('/flows/:flow', (req, res) => {
    res.set('cache-control', 'public, max-age=60').json(flowOf(req).descriptor);
  });

  router.all('/flows/:flow/registrations', flowCors);
  router.post('/flows/:flow/registrations', jsonBody, async (req, res) => {
    const answer = await registrations.register(
      flowOf(req),
      req.body,
      req.get('idempotency-key'),
      req.log,
    );
    res.status(answer.status).set({ 'cache-control': 'no-store', ...answer.headers });
    if (answer.status >= 400) res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(answer.body));
    else res.json(answer.body);
  });

  router.all('/registrations/:id', async (req, res, next) => {
    const id = String(req.params['id']);
    const found = UUID.test(id) ? await registrations.status(id) : undefined;
    if (!found) return next(new HttpProblem(404, 'not_found', 'There is no such registration.'));
    const flow = flows.get(found.flowId);
    res.locals['registration'] = found;
    applyCors(req, res, next, {
      flowId: found.flowId,
      isAllowedOrigin: (origin) => flow?.isAllowedOrigin(origin) ?? false,
    });
  });
  router.get('/registrations/:id', (_req, res) => {
    const { id, status } = res.locals['registration'] as { id: string; status: string };
    res.set('cache-control', 'no-store').json({ id, status });
  });

  return router;
}
