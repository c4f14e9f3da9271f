/**
 * `GET /openapi.json`: the BFF's HTTP API as OpenAPI 3.1, generated from zod schemas. Requests
 * are the schemas the server validates with; answers are described here, typed against the
 * shared TypeScript types (so they cannot drift silently) and checked against real answers by
 * openapi.test.ts, which also checks that every route of the app is in the document.
 */
import { z } from 'zod';
import {
  LOOKUP_FIELD_NAMES,
  REGISTRY_STATUSES,
  registrationRequestSchema,
  verifyRequestSchema,
  type FlowDescriptor,
  type LookupResponse,
  type Problem,
  type RegistrationResponse,
  type ResendResponse,
} from '../../shared/api.ts';
import { FIELD_ERROR_CODES, PROBLEM_CODES } from '../../shared/errors.ts';
import { FIELD_NAMES } from '../../shared/fields.ts';
import { HOST_VALUE_NAMES } from '../../shared/names.ts';
import { PROVIDER_IDS } from '../../shared/providers.ts';

const nextStep = z.union([
  z.object({ type: z.literal('verify-code') }),
  z.object({ type: z.literal('confirm-email'), canResend: z.boolean() }),
  z.object({ type: z.literal('await-approval') }),
  z.null(),
]);

export const problemSchema: z.ZodType<Problem> = z
  .object({
    type: z.string().meta({ example: 'urn:org-signup:problem:invalid_fields' }),
    title: z.string(),
    status: z.int(),
    code: z.enum(PROBLEM_CODES),
    detail: z.string().optional(),
    errors: z
      .record(z.string(), z.enum(FIELD_ERROR_CODES))
      .optional()
      .meta({ description: 'One error code per field' }),
    text: z.string().optional().meta({
      description:
        'For the visitor, in the negotiated locale: the descriptor’s refusals a site owner must fix',
    }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with a stable code' });

export const flowDescriptorSchema: z.ZodType<FlowDescriptor> = z
  .object({
    id: z.string(),
    provider: z.enum(PROVIDER_IDS),
    fields: z.array(
      z.object({
        name: z.enum(FIELD_NAMES),
        required: z.boolean(),
        type: z.enum(['text', 'email', 'tel', 'password', 'select']),
        autocomplete: z.string(),
        maxLength: z.int(),
        inputMode: z.enum(['text', 'email', 'tel', 'numeric', 'url']).optional(),
        secret: z.boolean().optional(),
        options: z.array(z.string()).readonly().optional(),
        plan: z
          .object({
            callingCode: z.string(),
            nationalPrefix: z.string().optional(),
            lengths: z.array(z.int()).readonly(),
            regions: z.record(z.string(), z.array(z.int()).readonly()).optional().meta({
              description:
                'Regions sharing the calling code with lengths of their own, by leading digits',
            }),
          })
          .optional()
          .meta({ description: "`phone`: the numbering plan of the flow's `phoneCountry`" }),
        example: z.string().optional().meta({ description: '`phone`: the hint’s example number' }),
        minLength: z.int().optional().meta({ description: '`password`: the fewest characters' }),
        common: z
          .array(z.string())
          .readonly()
          .optional()
          .meta({ description: '`password`: refused as too common (lower-case)' }),
      }),
    ),
    budgetMs: z
      .int()
      .meta({ description: 'The most the BFF takes to answer a registration, in milliseconds' }),
    consent: z.object({ required: z.boolean() }),
    locales: z.array(z.string()),
    hostValues: z.array(z.enum(HOST_VALUE_NAMES)),
    bot: z.object({ honeypot: z.boolean(), minFillSeconds: z.number(), formToken: z.string() }),
    captcha: z
      .object({ provider: z.enum(['turnstile', 'hcaptcha']), siteKey: z.string() })
      .optional(),
    lookup: z
      .array(z.enum(LOOKUP_FIELD_NAMES))
      .optional()
      .meta({ description: 'The fields this flow looks up in a registry (GET …/lookup)' }),
    locale: z.string(),
    strings: z.record(z.string(), z.string()) as unknown as z.ZodType<FlowDescriptor['strings']>,
  })
  .meta({ id: 'FlowDescriptor' });

export const lookupResponseSchema: z.ZodType<LookupResponse> = z
  .object({
    field: z.enum(LOOKUP_FIELD_NAMES),
    value: z.string().meta({ description: 'The number as the registry was asked (compacted)' }),
    status: z.enum(REGISTRY_STATUSES),
    fields: z.object({
      organisationName: z.string(),
      street: z.string().optional(),
      houseNumber: z.string().optional(),
      zip: z.string().optional(),
      city: z.string().optional(),
      country: z.string().optional(),
    }),
    source: z.string().meta({ description: 'dadata, vies, companies-house or hectare' }),
    certificate: z
      .object({ status: z.enum(['Valid', 'Grace']), expires: z.string() })
      .optional()
      .meta({ description: '`holdingNumber`: the Red Tractor certificate' }),
  })
  .meta({ id: 'LookupResponse' });

export const registrationResponseSchema: z.ZodType<RegistrationResponse> = z
  .object({
    id: z.uuid(),
    status: z.enum(['completed', 'queued', 'failed', 'rejected', 'awaiting-approval']),
    next: nextStep.optional(),
    organisation: z
      .object({
        id: z.string().optional(),
        name: z.string().optional(),
        domain: z.string().optional(),
      })
      .optional(),
    notice: z.literal('account-requested').optional(),
    account: z.object({ password: z.string() }).optional(),
  })
  .meta({ id: 'RegistrationResponse' });

export const registrationStatusSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['completed', 'queued', 'failed', 'rejected', 'awaiting-approval']),
  })
  .meta({ id: 'RegistrationStatus' });

export const resendResponseSchema: z.ZodType<ResendResponse> = z
  .object({ id: z.uuid(), status: z.literal('sent'), retryAfter: z.int() })
  .meta({ id: 'ResendResponse' });

const json = (schema: z.core.$ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) },
});
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description: 'Problem details',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      },
    ]),
  );
const ref = (id: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${id}` } },
});
const flowParam = { name: 'flow', in: 'path', required: true, schema: { type: 'string' } };
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const keyParam = { name: 'key', in: 'path', required: true, schema: { type: 'string' } };
const admin = [{ adminToken: [] }];

/** The document; `version` is the package's. */
export function openApiDocument(version: string): Record<string, unknown> {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12' });
  return {
    openapi: '3.1.0',
    info: {
      title: 'org-signup BFF',
      version,
      description: 'The backend-for-frontend of the <org-signup> registration widget.',
    },
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: schema(problemSchema),
        FlowDescriptor: schema(flowDescriptorSchema),
        RegistrationResponse: schema(registrationResponseSchema),
        RegistrationStatus: schema(registrationStatusSchema),
        ResendResponse: schema(resendResponseSchema),
        LookupResponse: schema(lookupResponseSchema),
      },
    },
    paths: {
      '/v1/flows/{flow}': {
        get: {
          summary: 'The flow descriptor: fields, texts of the negotiated locale, a form token',
          parameters: [
            flowParam,
            {
              name: 'locale',
              in: 'query',
              schema: { type: 'string' },
              description: 'BCP 47 tags, comma-separated, preferred first',
            },
          ],
          responses: {
            '200': { description: 'The descriptor', content: ref('FlowDescriptor') },
            ...problems(403, 404, 429),
          },
        },
        options: {
          summary: 'CORS preflight',
          parameters: [flowParam],
          responses: { '204': { description: 'Allowed' }, ...problems(403) },
        },
      },
      '/v1/flows/{flow}/embed.html': {
        get: {
          summary:
            'The embed snippet: the script tag with its integrity hash and the form pre-rendered (declarative shadow DOM)',
          parameters: [
            flowParam,
            {
              name: 'locale',
              in: 'query',
              schema: { type: 'string' },
              description: "One of the flow's locales (default: its first)",
            },
            {
              name: 'theme',
              in: 'query',
              schema: { type: 'string', enum: ['light', 'dark', 'auto'] },
            },
            {
              name: 'fields',
              in: 'query',
              schema: { type: 'string' },
              description:
                "The flow's optional fields to show, comma-separated (the element's fields attribute)",
            },
            { name: 'If-None-Match', in: 'header', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'An HTML fragment, with an ETag and a short max-age',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
            '304': { description: 'Not modified (the ETag matches)' },
            ...problems(400, 403, 404, 429),
          },
        },
      },
      '/v1/flows/{flow}/registrations': {
        post: {
          summary: 'Register',
          parameters: [
            flowParam,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: json(registrationRequestSchema) },
          responses: {
            '201': {
              description: 'Registered (or a follow-up step is next)',
              content: ref('RegistrationResponse'),
            },
            '202': {
              description: 'Queued: the provider is down; the outbox delivers it',
              content: ref('RegistrationResponse'),
            },
            ...problems(400, 403, 404, 409, 413, 415, 422, 429, 502, 503),
          },
        },
        options: {
          summary: 'CORS preflight',
          parameters: [flowParam],
          responses: { '204': { description: 'Allowed' }, ...problems(403) },
        },
      },
      '/v1/flows/{flow}/lookup': {
        get: {
          summary: 'Look a company or farm up in its registry by number',
          parameters: [
            flowParam,
            {
              name: 'field',
              in: 'query',
              required: true,
              schema: { enum: [...LOOKUP_FIELD_NAMES] },
              description: 'One of the descriptor’s `lookup` fields',
            },
            { name: 'value', in: 'query', required: true, schema: { type: 'string' } },
            {
              name: 'zip',
              in: 'query',
              schema: { type: 'string' },
              description: '`holdingNumber`: the farm’s postcode',
            },
          ],
          responses: {
            '200': { description: 'Found', content: ref('LookupResponse') },
            ...problems(400, 403, 404, 429, 503),
          },
        },
        options: {
          summary: 'CORS preflight',
          parameters: [flowParam],
          responses: { '204': { description: 'Allowed' }, ...problems(403) },
        },
      },
      '/v1/registrations/{id}': {
        get: {
          summary: 'Status only, nothing personal',
          parameters: [idParam],
          responses: {
            '200': { description: 'Status', content: ref('RegistrationStatus') },
            ...problems(403, 404),
          },
        },
      },
      '/v1/registrations/{id}/verify': {
        post: {
          summary: 'Confirm the six-digit code',
          parameters: [idParam],
          requestBody: { required: true, content: json(verifyRequestSchema) },
          responses: {
            '200': { description: 'Confirmed', content: ref('RegistrationResponse') },
            ...problems(400, 403, 404, 409, 429, 502, 503),
          },
        },
      },
      '/v1/registrations/{id}/resend': {
        post: {
          summary: 'Send the code or the confirmation e-mail again',
          parameters: [idParam],
          responses: {
            '202': { description: 'Sent', content: ref('ResendResponse') },
            ...problems(403, 404, 409, 415, 429, 502, 503),
          },
        },
      },
      '/admin/approvals': {
        get: {
          summary: 'Registrations waiting for approval',
          security: admin,
          parameters: [{ name: 'flow', in: 'query', schema: { type: 'string' } }],
          responses: { '200': { description: 'The queue' }, ...problems(401, 502) },
        },
      },
      '/admin/approvals/{key}/approve': {
        post: {
          summary: 'Approve: link to a customer, send the activation e-mail',
          security: admin,
          parameters: [keyParam],
          responses: { '200': { description: 'Approved' }, ...problems(400, 401, 404, 502) },
        },
      },
      '/admin/approvals/{key}/reject': {
        post: {
          summary: 'Reject',
          security: admin,
          parameters: [keyParam],
          responses: { '200': { description: 'Rejected' }, ...problems(400, 401, 404, 502) },
        },
      },
      '/admin/registrations': {
        get: {
          summary: 'The journal: status and history, nothing submitted',
          security: admin,
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string' } },
            { name: 'flow', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ],
          responses: {
            '200': { description: 'Registrations, newest first' },
            ...problems(400, 401),
          },
        },
      },
      '/admin/registrations/{id}/retry': {
        post: {
          summary: 'Send a failed registration again',
          security: admin,
          parameters: [idParam],
          responses: { '200': { description: 'Queued' }, ...problems(401, 404, 409) },
        },
      },
      '/admin/doctor': {
        get: {
          summary: "Each flow's settings tried against its provider with calls that create nothing",
          security: admin,
          parameters: [{ name: 'flow', in: 'query', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Per flow: checks with a verdict and what to do' },
            ...problems(401, 404),
          },
        },
      },
      '/admin/webhooks': {
        get: {
          summary: 'Webhook deliveries, newest first: where and how each went, not what it said',
          security: admin,
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string' } },
            { name: 'registration', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ],
          responses: { '200': { description: 'Deliveries' }, ...problems(400, 401) },
        },
      },
      '/admin/webhooks/{id}/replay': {
        post: {
          summary: 'Send a delivered or failed event again (same webhook-id)',
          security: admin,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'Pending again' }, ...problems(400, 401, 404) },
        },
      },
      '/admin/outbox': {
        get: {
          summary: 'Outbox depth and oldest entry',
          security: admin,
          responses: { '200': { description: 'Depth' }, ...problems(401) },
        },
      },
      '/favicon.ico': {
        get: {
          summary: 'No icon (browsers ask every site)',
          responses: { '204': { description: 'None' } },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'Alive' } } } },
      '/readyz': {
        get: {
          summary:
            'Readiness: store reachable, config loaded, outbox not stuck, rate-limit Redis reachable',
          responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'Prometheus text format' } },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/widget/org-signup.js': {
        get: {
          summary: 'The widget (ES module), for any origin',
          responses: { '200': { description: 'JavaScript' } },
        },
      },
      '/': { get: { summary: 'The demo page', responses: { '200': { description: 'HTML' } } } },
    },
  };
}
