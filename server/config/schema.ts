/**
 * The configuration file (docs/configuration.md), validated once at start-up. Each flow's `settings` is
 * validated by its provider's own schema; secrets are `{ "env": … }` references (see secret.ts).
 */
import { z } from 'zod';
import { HOST_VALUE_NAMES } from '../../shared/api.ts';
import { FIELD_NAMES } from '../../shared/fields.ts';
import { LOCALE_IDS } from '../../shared/i18n/index.ts';
import { PROVIDER_IDS } from '../../shared/providers.ts';
import { isOriginPattern } from './origins.ts';
import { WEBHOOK_EVENT_TYPES } from '../store/types.ts';
import { plainOrEnv, secret } from './secret.ts';
import { LOOKUP_REGISTRY, REGISTRY_IDS } from '../registries/types.ts';

/** At most `max` requests per client IP in `windowSeconds`. */
const rateRule = z.strictObject({
  windowSeconds: z.int().min(1).max(86_400),
  max: z.int().min(1).max(1_000_000),
});

/** The routes limited separately, per client IP and per flow. */
export const RATE_LIMITED_ROUTES = [
  'descriptor',
  'registration',
  'verify',
  'resend',
  'lookup',
] as const;
export type RateLimitedRoute = (typeof RATE_LIMITED_ROUTES)[number];

const DEFAULT_RATE_LIMITS: Record<RateLimitedRoute, z.infer<typeof rateRule>> = {
  // The form loads on every page view; cached pages and offices behind one IP need room.
  descriptor: { windowSeconds: 60, max: 300 },
  // A person registers once; a shared office IP a few times.
  registration: { windowSeconds: 600, max: 20 },
  // Each registration also allows only 5 wrong codes per code sent (registration/follow-ups.ts).
  verify: { windowSeconds: 600, max: 30 },
  resend: { windowSeconds: 3_600, max: 10 },
  // The widget asks once a number is complete; people correct typos, a few times each.
  lookup: { windowSeconds: 600, max: 60 },
};

const flowRateLimits = z.strictObject(
  Object.fromEntries(RATE_LIMITED_ROUTES.map((r) => [r, rateRule.optional()])) as Record<
    RateLimitedRoute,
    z.ZodOptional<typeof rateRule>
  >,
);

const captchaSchema = z.strictObject({
  provider: z.enum(['turnstile', 'hcaptcha']),
  /** The public site key the host page's captcha widget uses. */
  siteKey: z.string().min(1),
  secret: secret(),
  /** The provider's verify endpoint (default: Cloudflare's or hCaptcha's public one). */
  verifyUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const originPattern = z.string().refine(isOriginPattern, {
  message:
    'an origin like "https://shop.example.com", "https://*.example.com" or "http://localhost:*" (scheme, host and optional port only)',
});

/** One partner endpoint for signed webhooks (Standard Webhooks; docs/webhooks.md). */
export const webhookSchema = z
  .strictObject({
    /** Its name in the admin API, the journal and metrics (default: made from its URL). */
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _')
      .optional(),
    /** Where events are POSTed. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Instead of `url`: the sandbox's receiver (`/sandbox/webhooks/`), with its own secret. */
    sandbox: z.boolean().default(false),
    /** The endpoint's signing secret, `whsec_` + base64, as an `{ "env": … }` reference. */
    secret: secret().optional(),
    /** The events it hears (default: all of them). */
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .default([...WEBHOOK_EVENT_TYPES]),
  })
  .refine((w) => Boolean(w.url) !== w.sandbox, {
    message: 'give either "url" or "sandbox": true',
  })
  .refine((w) => w.sandbox || w.secret, {
    message: 'a webhook needs its "secret": { "env": … } (whsec_ + base64)',
    path: ['secret'],
  });
export type WebhookConfig = z.infer<typeof webhookSchema>;

/** One looked-up field's registry (docs/registries.md). */
export const registrySchema = z.strictObject({
  registry: z.enum(REGISTRY_IDS),
  /** The built-in simulator at /sandbox/<registry>/, with its own credentials. */
  sandbox: z.boolean().default(false),
  /** The registry's API (default: its public one; Hectare has none). */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** DaData's API key, Companies House's REST API key. */
  apiKey: secret().optional(),
  /** Hectare's Login. */
  username: plainOrEnv().optional(),
  password: secret().optional(),
  /** VIES: your own VAT number, so that each check gets a consultation number (evidence). */
  requester: z
    .string()
    .regex(/^[A-Z]{2}[0-9A-Z]{2,12}$/, 'a VAT number with its country prefix, e.g. NL004495445B01')
    .optional(),
  /** The whole lookup's budget, VIES's retries included. */
  timeoutMs: z.int().min(100).max(30_000).default(4_000),
  /** How long an answer is reused (the widget's lookup, then the registration's check). */
  cacheSeconds: z
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3_600),
});
export type RegistryConfig = z.infer<typeof registrySchema>;

export const lookupSchema = z
  .strictObject({
    inn: registrySchema.optional(),
    vat: registrySchema.optional(),
    companyNumber: registrySchema.optional(),
    holdingNumber: registrySchema.optional(),
  })
  .superRefine((lookup, ctx) => {
    for (const [field, config] of Object.entries(lookup)) {
      if (!config) continue;
      const expected = LOOKUP_REGISTRY[field as keyof typeof LOOKUP_REGISTRY];
      const at = (key: string) => [field, key];
      if (config.registry !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: at('registry'),
          message: `${field} is looked up in "${expected}"`,
        });
      }
      if (config.sandbox) {
        if (config.baseUrl || config.apiKey || config.password)
          ctx.addIssue({
            code: 'custom',
            path: at('sandbox'),
            message:
              'a sandbox lookup uses the simulator and its credentials: drop baseUrl and keys',
          });
        continue;
      }
      if ((expected === 'dadata' || expected === 'companies-house') && !config.apiKey) {
        ctx.addIssue({
          code: 'custom',
          path: at('apiKey'),
          message: `${expected} needs "apiKey": { "env": … } (or "sandbox": true)`,
        });
      }
      if (expected === 'hectare' && (!config.baseUrl || !config.username || !config.password)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message:
            'Hectare needs "baseUrl" (ending in /customers/), "username" and "password": { "env": … } (or "sandbox": true)',
        });
      }
    }
  });
export type LookupConfig = z.infer<typeof lookupSchema>;

export const flowSchema = z.strictObject({
  /** The id in `<org-signup flow="…">` and in the API's paths. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _'),
  provider: z.enum(PROVIDER_IDS),
  /** The provider's real base URL; or `sandbox: true` for the built-in simulator. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  sandbox: z.boolean().default(false),
  allowedOrigins: z.array(originPattern).min(1),
  /** Optional fields of the provider this flow accepts (default: all of them). */
  optionalFields: z.array(z.enum(FIELD_NAMES)).optional(),
  /** Host-page values this flow accepts (leadComment, leadAttractor), where the provider uses them. */
  hostValues: z.array(z.enum(HOST_VALUE_NAMES)).default([]),
  /** Refuse registrations without the consent checkbox ticked. */
  requireConsent: z.boolean().default(false),
  locales: z.array(z.enum(LOCALE_IDS)).min(1).optional(),
  /** Country for phone numbers typed without a `+` prefix (ISO 3166-1 alpha-2). */
  phoneCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /**
   * Rules for the password a flow's form asks for (TiteLive's): checked in the browser and on the
   * server with the same function. Besides the length, a short list of the most common passwords
   * is refused (server/registration/passwords.ts).
   */
  passwordPolicy: z
    .strictObject({ minLength: z.int().min(8).max(128).default(10) })
    .default({ minLength: 10 }),
  timeouts: z
    .strictObject({
      connectMs: z.int().min(100).max(60_000).default(5_000),
      requestMs: z.int().min(100).max(120_000).default(15_000),
    })
    .default({ connectMs: 5_000, requestMs: 15_000 }),
  /**
   * When the provider is down (timeouts, resets, 5xx, unreadable answers, refused credentials),
   * answer 202 `queued` and deliver from the outbox, instead of a retryable 503. Not for flows
   * whose fields include a password: passwords are never stored, so they cannot be sent later.
   */
  queueOnOutage: z.boolean().default(false),
  /** Outbox retries: exponential backoff with full jitter, until the deadline, then `failed`. */
  retry: z
    .strictObject({
      baseDelayMs: z.int().min(10).max(3_600_000).default(2_000),
      maxDelayMs: z.int().min(10).max(86_400_000).default(300_000),
      deadlineSeconds: z
        .int()
        .min(1)
        .max(30 * 86_400)
        .default(86_400),
    })
    .default({ baseDelayMs: 2_000, maxDelayMs: 300_000, deadlineSeconds: 86_400 }),
  /** Stops calling a provider that keeps failing, so requests fail (or queue) at once. */
  circuitBreaker: z
    .strictObject({
      /** Failures (timeouts, resets, 5xx) in the rolling window that open the circuit, in %. */
      failureThresholdPercent: z.int().min(1).max(100).default(50),
      /** Calls in the window before the percentage counts. */
      minimumCalls: z.int().min(1).default(10),
      windowSeconds: z.int().min(1).max(3_600).default(30),
      /** How long the circuit stays open before one trial call. */
      openSeconds: z.int().min(1).max(3_600).default(15),
    })
    .default({ failureThresholdPercent: 50, minimumCalls: 10, windowSeconds: 30, openSeconds: 15 }),
  /** This flow's own limits, over the top-level `rateLimits` (per client IP). */
  rateLimits: flowRateLimits.optional(),
  /**
   * Bots get a fake success and nothing reaches the provider: a hidden field a person never
   * fills (`honeypot`), and a form sent sooner than `minFillSeconds` after it was served (the
   * widget itself never sends sooner). 0 turns the time check off (API clients).
   */
  botProtection: z
    .strictObject({
      honeypot: z.boolean().default(true),
      minFillSeconds: z.number().min(0).max(600).default(3),
    })
    .default({ honeypot: true, minFillSeconds: 3 }),
  /** A server-side captcha check (Cloudflare Turnstile or hCaptcha); off unless set. */
  captcha: captchaSchema.optional(),
  /** Provider-specific settings: credentials, ids, assumed protocol details. */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** Registry lookups by field: the widget fills the form in, the BFF checks at submit. */
  lookup: lookupSchema.optional(),
  /** The registry's legal name replaces the organisation name typed, in the provider call. */
  preferRegistryName: z.boolean().default(false),
  /** Refuse a holding number without a valid (or grace) Red Tractor certificate. */
  requireCertification: z.boolean().default(false),
  /** The e-mail must be at the company's `domain` or one of its subdomains. */
  emailMatchesDomain: z.boolean().default(false),
  /**
   * Refuse e-mail domains that take no mail (no MX, A or AAAA; or a null MX). Off unless set; a
   * DNS failure or timeout never refuses anyone.
   */
  mailDomainCheck: z
    .strictObject({
      /** DNS servers to ask (`"192.0.2.53"`, `"192.0.2.53:5353"`); default: the system's. */
      dnsServers: z
        .array(z.string().regex(/^[0-9a-fA-F.:[\]]+$/, 'an IP address, with an optional :port'))
        .min(1)
        .optional(),
      /** The whole check's budget. */
      timeoutMs: z.int().min(50).max(5_000).default(1_500),
    })
    .optional(),
  /** This flow's own webhook endpoints, besides the top-level ones. */
  webhooks: z.array(webhookSchema).default([]),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  sandbox: z
    .strictObject({
      /** Mount the simulators at /sandbox/<provider>/ on this server. */
      enabled: z.boolean().default(false),
      /** Where `sandbox: true` flows send their calls (default: this server itself). */
      url: z.url().optional(),
    })
    .default({ enabled: false }),
  flows: z.array(flowSchema).min(1),
  /**
   * Express's `trust proxy`: which proxies' `X-Forwarded-For` to believe, so limits key on the
   * real client behind a load balancer (a hop count, `true`, or addresses/subnets).
   */
  trustProxy: z
    .union([z.boolean(), z.int().min(0), z.string().min(1), z.array(z.string().min(1))])
    .default(false),
  /** Per client IP and per flow; `RATE_LIMITS=off` turns them all off (load tests). */
  rateLimits: z
    .strictObject({
      enabled: z.boolean().default(true),
      ...Object.fromEntries(
        RATE_LIMITED_ROUTES.map((r) => [r, rateRule.default(DEFAULT_RATE_LIMITS[r])]),
      ),
    } as { enabled: z.ZodDefault<z.ZodBoolean> } & Record<
      RateLimitedRoute,
      z.ZodDefault<typeof rateRule>
    >)
    .default({ enabled: true, ...DEFAULT_RATE_LIMITS }),
  /** The outbox worker every instance runs: how often it looks for due work, how much at once. */
  outbox: z
    .strictObject({
      pollIntervalMs: z.int().min(10).max(60_000).default(1_000),
      batchSize: z.int().min(1).max(500).default(20),
      concurrency: z.int().min(1).max(64).default(4),
    })
    .default({ pollIntervalMs: 1_000, batchSize: 20, concurrency: 4 }),
  /** Webhook endpoints that hear every flow's events. */
  webhooks: z.array(webhookSchema).default([]),
  /** The webhook sender every instance runs. */
  webhookDelivery: z
    .strictObject({
      pollIntervalMs: z.int().min(10).max(60_000).default(1_000),
      batchSize: z.int().min(1).max(500).default(50),
      concurrency: z.int().min(1).max(64).default(8),
      /** One attempt's limit: connect, answer and body. */
      timeoutMs: z.int().min(100).max(60_000).default(10_000),
      /** Backoff before the n-th retry: from `baseDelayMs`, doubling, capped, half random. */
      baseDelayMs: z.int().min(10).max(3_600_000).default(5_000),
      maxDelayMs: z.int().min(10).max(86_400_000).default(3_600_000),
      /** Retried for this long from when the event was written (or replayed), then failed. */
      maxAgeSeconds: z
        .int()
        .min(1)
        .max(30 * 86_400)
        .default(3 * 86_400),
    })
    .prefault({}),
});

export type FlowConfig = z.infer<typeof flowSchema>;
export type Config = z.infer<typeof configSchema>;
