/**
 * E-mail and domain quality at registration (issue 19): disposable addresses refused, free-mail
 * domains refused as the company's domain, the flow's "e-mail at the company's domain" policy,
 * and the mail-domain check against a stub DNS server, where a DNS failure never refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nitroFields, startBff, type Bff } from './harness.ts';
import { startDnsStub } from './dns-stub.ts';

describe('e-mail and domain quality', () => {
  let bff: Bff;
  let dns: Awaited<ReturnType<typeof startDnsStub>>;
  /** Read by the stub at each query: a test may change a domain's records. */
  const zones: Parameters<typeof startDnsStub>[0] = {};
  beforeAll(async () => {
    dns = await startDnsStub(zones);
    Object.assign(zones, {
      'acme.test': { mx: ['mx.acme.test'] },
      'a-only.test': { a: ['192.0.2.10'] },
      'null-mx.test': { mx: [''] },
      'silent.test': { silent: true },
      'moved.test': { mx: ['mx.moved.test'] },
    });
    const flow = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      provider: 'nitro',
      sandbox: true,
      allowedOrigins: ['http://localhost:*'],
      phoneCountry: 'GB',
      ...extra,
    });
    bff = await startBff({
      config: {
        sandbox: { enabled: true },
        flows: [
          flow('plain'),
          flow('strict', { emailMatchesDomain: true }),
          flow('mx', { mailDomainCheck: { dnsServers: [dns.server], timeoutMs: 400 } }),
        ],
      },
    });
  });
  afterAll(async () => {
    await bff.close();
    dns.close();
  });

  it('refuses an address at a disposable e-mail service', async () => {
    const res = await bff.register('plain', {
      fields: nitroFields({ email: 'ann@mailinator.com' }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: { email: 'disposable_email' } });
  });

  it('refuses a free-mail domain as the company’s domain', async () => {
    const res = await bff.register('plain', { fields: nitroFields({ domain: 'gmail.com' }) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: { domain: 'free_mail_domain' } });
  });

  it('wants the e-mail at the company’s domain or a subdomain where the flow says so', async () => {
    const other = await bff.register('strict', {
      fields: nitroFields({ email: 'ann@elsewhere.example', domain: 'acme.example' }),
    });
    expect(other.body).toMatchObject({ errors: { email: 'email_domain_mismatch' } });
    const sub = await bff.register('strict', {
      fields: nitroFields({ email: `ann.${Date.now()}@uk.acme.example`, domain: 'acme.example' }),
    });
    expect(sub.status).toBe(201);
  });

  it.each([
    ['an MX record', 'acme.test', 201],
    ['only an A record (RFC 5321)', 'a-only.test', 201],
    ['a null MX', 'null-mx.test', 400],
    ['no such domain', 'nowhere.test', 400],
    ['a DNS server that never answers', 'silent.test', 201],
  ])('mail-domain check: a domain with %s (%s) -> %i', async (_what, domain, status) => {
    const res = await bff.register('mx', {
      fields: nitroFields({ email: `ann.${Math.random().toString(36).slice(2)}@${domain}` }),
    });
    expect(res.status).toBe(status);
    if (status === 400)
      expect(res.body).toMatchObject({ errors: { email: 'email_domain_no_mail' } });
  });

  it('answers a retry from the journal, even when the domain stopped taking mail since', async () => {
    const body = { fields: nitroFields({ email: `ann.${Date.now()}@moved.test` }) };
    const key = crypto.randomUUID();
    const first = await bff.register('mx', body, { key });
    expect(first.status).toBe(201);
    zones['moved.test'] = { mx: [''] };
    // The answer to the first try was lost; the widget sends the same again.
    const again = await bff.register('mx', body, { key });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body['id']).toBe(first.body['id']);
    // A new registration from that domain is refused now.
    const fresh = await bff.register('mx', {
      fields: nitroFields({ email: `bob.${Date.now()}@moved.test` }),
    });
    expect(fresh.body).toMatchObject({ errors: { email: 'email_domain_no_mail' } });
  });
});
