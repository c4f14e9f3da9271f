/**
 * The demo's webhook receiver (docs/webhooks.md): a partner's endpoint as the Standard Webhooks
 * specification describes one. It verifies each event's signature with the reference library
 * and the demo's secret (204 when it holds, 400 when not), and records what it got: `GET
 * _requests` lists each delivery's headers and its body as the raw text received, `POST
 * _faults` makes it fail as the provider simulators do, `GET _secret` gives the demo's secret.
 */
import express from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { SimulatorApi } from './simulator.ts';

export const WEBHOOKS_SANDBOX = {
  /** The demo's signing secret (sandbox only): `whsec_` + base64 of 32 bytes. */
  secret: `whsec_${Buffer.from('org-signup-sandbox-webhook-key-32').toString('base64')}`,
} as const;

export function createWebhookReceiver(): SimulatorApi {
  const router = express.Router();
  const verifier = new Webhook(WEBHOOKS_SANDBOX.secret);

  router.get('/_secret', (_req, res) => {
    res.json({ secret: WEBHOOKS_SANDBOX.secret });
  });

  router.post('/', (req, res) => {
    try {
      verifier.verify(typeof req.body === 'string' ? req.body : '', {
        'webhook-id': req.get('webhook-id') ?? '',
        'webhook-timestamp': req.get('webhook-timestamp') ?? '',
        'webhook-signature': req.get('webhook-signature') ?? '',
      });
    } catch (err) {
      const why = err instanceof WebhookVerificationError ? err.message : 'unreadable';
      res.status(400).json({ error: `signature not verified: ${why}` });
      return;
    }
    res.status(204).end();
  });

  return { router, reset: () => {}, rawBodies: true };
}
