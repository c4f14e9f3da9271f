/**
 * `npm run admin -- <command>`: the admin API from a terminal, with readable output.
 *
 *   approvals list [--flow F] [--json]
 *   approvals approve KEY (--customer CUSTOMER_KEY | --new-customer) [--flow F]
 *   approvals reject KEY [--flow F]
 *   registrations list [--status S] [--flow F] [--limit N] [--json]
 *   registrations retry ID
 *   doctor [--flow F] [--json]
 *
 * Talks to a running BFF: ORG_SIGNUP_URL (default http://localhost:8080) with the token in
 * ORG_SIGNUP_ADMIN_TOKEN.
 */
import { parseArgs } from 'node:util';
import type { PendingApproval } from '../providers/types.ts';

const USAGE = `Usage: npm run admin -- <command>

  approvals list [--flow F] [--json]                 registrations waiting for approval
  approvals approve KEY --customer CUSTOMER [--flow F]  link to an existing customer, send activation
  approvals approve KEY --new-customer [--flow F]       create the customer from the profile first
  approvals reject KEY [--flow F]
  registrations list [--status failed|rejected|queued|pending|completed|awaiting-approval] [--flow F] [--limit N] [--json]
  registrations retry ID                                send a failed registration again
  doctor [--flow F] [--json]                            try each flow's settings against its
                                                        provider, creating nothing
  webhooks list [--status pending|delivered|failed] [--registration ID] [--limit N] [--json]
  webhooks replay EVENT_ID [--endpoint E]               send an event again (same webhook-id)

Environment: ORG_SIGNUP_URL (default http://localhost:8080), ORG_SIGNUP_ADMIN_TOKEN (required).`;

/** An approval as `GET /admin/approvals` lists it. */
type Pending = PendingApproval & { flow: string; registrationId: string | null };

class CliError extends Error {}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const base = (process.env['ORG_SIGNUP_URL'] || 'http://localhost:8080').replace(/\/$/, '');
  const token = process.env['ORG_SIGNUP_ADMIN_TOKEN'];
  if (!token) throw new CliError('Set ORG_SIGNUP_ADMIN_TOKEN to the BFF admin token.');
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new CliError(`Cannot reach ${base}: ${(err as Error).message}`);
  }
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as { code?: string; detail?: string };
  if (!res.ok) {
    const detail = json.detail ?? text;
    const hint =
      res.status === 404 && !json.code
        ? ' (is the admin API on? set ORG_SIGNUP_ADMIN_TOKEN on the BFF)'
        : '';
    throw new CliError(`${res.status} ${json.code ?? ''}: ${detail}${hint}`);
  }
  return json;
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface JournalRow {
  id: string;
  flow: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastDetail: string | null;
  registry?: string | null;
  createdAt: string;
}

function formatRegistrations(rows: JournalRow[]): string {
  if (rows.length === 0) return 'No registrations match.';
  const time = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');
  return table([
    ['ID', 'FLOW', 'STATUS', 'REGISTRY', 'ATTEMPTS', 'NEXT ATTEMPT', 'CREATED', 'LAST'],
    ...rows.map((r) => [
      r.id,
      r.flow,
      r.status,
      r.registry ?? '',
      String(r.attempts),
      time(r.nextAttemptAt),
      time(r.createdAt),
      r.lastDetail ?? '',
    ]),
  ]);
}

export function formatApprovals(approvals: Pending[]): string {
  if (approvals.length === 0) return 'No registrations are waiting for approval.';
  const rows = [
    ['FLOW', 'KEY', 'ORGANISATION', 'NAME', 'E-MAIL', 'REQUESTED'],
    ...approvals.map((a) => [
      a.flow,
      a.key,
      a.organisationName,
      a.name,
      a.email,
      a.createdAt.slice(0, 16).replace('T', ' '),
    ]),
  ];
  const details = approvals
    .map((a) => {
      const lines = Object.entries(a.details).map(([k, v]) => `    ${k}: ${v}`);
      return [
        `  ${a.key}${a.registrationId ? ` (registration ${a.registrationId})` : ''}`,
        ...lines,
      ].join('\n');
    })
    .join('\n');
  return `${table(rows)}\n\n${approvals.length} waiting. Details:\n${details}`;
}

interface WebhookRow {
  id: string;
  endpoint: string;
  type: string;
  registrationId: string;
  status: string;
  attempts: number;
  lastHttpStatus: number | null;
  lastDetail: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

function formatWebhooks(rows: WebhookRow[]): string {
  if (rows.length === 0) return 'No webhook deliveries match.';
  const time = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');
  return table([
    ['EVENT', 'ENDPOINT', 'TYPE', 'STATUS', 'ATTEMPTS', 'LAST', 'NEXT ATTEMPT', 'CREATED'],
    ...rows.map((w) => [
      w.id,
      w.endpoint,
      w.type,
      w.status,
      String(w.attempts),
      w.lastDetail ?? '',
      time(w.nextAttemptAt),
      time(w.createdAt),
    ]),
  ]);
}

interface DoctorReport {
  flow: string;
  provider: string;
  sandbox: boolean;
  checks: { name: string; verdict: 'ok' | 'warn' | 'fail' | 'skip'; detail: string }[];
}

const VERDICT_MARKS = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;

function formatDoctor(reports: DoctorReport[]): string {
  const lines = reports.flatMap((r) => [
    `${r.flow} (${r.provider}${r.sandbox ? ', sandbox' : ''})`,
    ...r.checks.map((c) => `  ${VERDICT_MARKS[c.verdict]}  ${c.name}: ${c.detail}`),
    '',
  ]);
  const failed = reports.filter((r) => r.checks.some((c) => c.verdict === 'fail'));
  lines.push(
    failed.length
      ? `${failed.length} of ${reports.length} flow(s) will not work as configured: ${failed.map((r) => r.flow).join(', ')}.`
      : `All ${reports.length} flow(s) passed what can be checked without registering anyone.`,
  );
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      flow: { type: 'string' },
      customer: { type: 'string' },
      'new-customer': { type: 'boolean' },
      json: { type: 'boolean' },
      status: { type: 'string' },
      limit: { type: 'string' },
      registration: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, key] = positionals;
  if (group === 'doctor' && !values.help) {
    const query = values.flow ? `?flow=${encodeURIComponent(values.flow)}` : '';
    const { flows } = (await call('GET', `/admin/doctor${query}`)) as { flows: DoctorReport[] };
    const output = values.json ? JSON.stringify(flows, null, 2) : formatDoctor(flows);
    // A failed check fails the command, so a deployment script can stop on it.
    if (flows.some((r) => r.checks.some((c) => c.verdict === 'fail'))) throw new CliError(output);
    return output;
  }
  if (values.help || !command) return USAGE;
  if (group === 'webhooks') {
    if (command === 'list') {
      const query = new URLSearchParams();
      if (values.status) query.set('status', values.status);
      if (values.registration) query.set('registration', values.registration);
      if (values.limit) query.set('limit', values.limit);
      const { webhooks } = (await call('GET', `/admin/webhooks?${query}`)) as {
        webhooks: WebhookRow[];
      };
      return values.json ? JSON.stringify(webhooks, null, 2) : formatWebhooks(webhooks);
    }
    if (command === 'replay') {
      if (!key) throw new CliError('Which one? webhooks replay EVENT_ID [--endpoint E]');
      const { replayed } = (await call(
        'POST',
        `/admin/webhooks/${encodeURIComponent(key)}/replay`,
        {
          ...(values.endpoint ? { endpoint: values.endpoint } : {}),
        },
      )) as { replayed: number };
      return `Sending ${key} again to ${replayed} endpoint(s), with the same webhook-id.`;
    }
    return USAGE;
  }
  if (group === 'registrations') {
    if (command === 'list') {
      const query = new URLSearchParams();
      if (values.status) query.set('status', values.status);
      if (values.flow) query.set('flow', values.flow);
      if (values.limit) query.set('limit', values.limit);
      const { registrations } = (await call('GET', `/admin/registrations?${query}`)) as {
        registrations: JournalRow[];
      };
      return values.json
        ? JSON.stringify(registrations, null, 2)
        : formatRegistrations(registrations);
    }
    if (command === 'retry') {
      if (!key) throw new CliError('Which one? registrations retry ID');
      await call('POST', `/admin/registrations/${encodeURIComponent(key)}/retry`, {});
      return `Queued ${key} again: the outbox sends it now.`;
    }
    return USAGE;
  }
  if (group !== 'approvals') return USAGE;
  const flow = values.flow ? { flow: values.flow } : {};
  switch (command) {
    case 'list': {
      const query = values.flow ? `?flow=${encodeURIComponent(values.flow)}` : '';
      const { approvals, unavailable } = (await call('GET', `/admin/approvals${query}`)) as {
        approvals: Pending[];
        unavailable?: { flow: string; code: string }[];
      };
      if (values.json) return JSON.stringify(approvals, null, 2);
      const missing = (unavailable ?? []).map(
        (u) => `\n(flow ${u.flow} could not be listed: ${u.code})`,
      );
      return formatApprovals(approvals) + missing.join('');
    }
    case 'approve': {
      if (!key)
        throw new CliError('Which one? approvals approve KEY --customer CUSTOMER | --new-customer');
      if (Boolean(values.customer) === Boolean(values['new-customer'])) {
        throw new CliError('Give either --customer CUSTOMER_KEY or --new-customer.');
      }
      const body = values.customer
        ? { ...flow, customer: values.customer }
        : { ...flow, createCustomer: true };
      const done = (await call(
        'POST',
        `/admin/approvals/${encodeURIComponent(key)}/approve`,
        body,
      )) as {
        customer: string;
        registrationId: string | null;
      };
      return `Approved ${key}: linked to customer ${done.customer}, activation e-mail triggered.${done.registrationId ? ` Registration ${done.registrationId} is now completed.` : ''}`;
    }
    case 'reject': {
      if (!key) throw new CliError('Which one? approvals reject KEY');
      await call('POST', `/admin/approvals/${encodeURIComponent(key)}/reject`, flow);
      return `Rejected ${key}.`;
    }
    default:
      return USAGE;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(await run(process.argv.slice(2)));
  } catch (err) {
    console.error(err instanceof CliError ? err.message : err);
    process.exit(1);
  }
}
