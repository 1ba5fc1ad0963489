import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TlsCheck } from '../../src/config/config.ts';
import type { Lookup } from '../../src/probes/probe.ts';
import { probeTls } from '../../src/probes/tls.ts';
import { createAuthority, createLeafCertificate, daysFromNow, type Authority, type IssuedCertificate } from '../support/certificates.ts';
import { findClosedPort, hasIpv6Loopback, startHttpsServer, startPlainTextServer, startSilentServer, type RunningServer } from '../support/http-servers.ts';
import { contextFor, lookupFor } from '../support/probe-context.ts';

const SLACK_SECONDS = 1.5;
const ipv6 = await hasIpv6Loopback();

function tlsCheck(host: string, port: number, overrides: Partial<TlsCheck> = {}): TlsCheck {
  return {
    name: 'portal-tls',
    system: 'national-portal',
    kind: 'tls',
    intervalSeconds: 3600,
    timeoutSeconds: 5,
    failureThreshold: 1,
    successThreshold: 1,
    dependsOn: [],
    alertOn: 'critical',
    host,
    port,
    ipFamily: 4,
    tls: { verify: true, ca: root.certPem },
    ...overrides,
  };
}

const run = (check: TlsCheck, lookup?: Lookup) => probeTls(check, contextFor(check.timeoutSeconds * 1000, lookup));

const servers: RunningServer[] = [];
async function serveCertificate(material: IssuedCertificate, host?: '127.0.0.1' | '::1'): Promise<RunningServer> {
  const server = await startHttpsServer((_request, response) => response.end('ok'), material, host);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

let root: Authority;
beforeAll(async () => {
  root = await createAuthority();
});

describe('probeTls', () => {
  it('reports expiry and whole days left, with dns, connect and tls phases', async () => {
    const leaf = await createLeafCertificate({ names: ['portal.test'], issuer: root, notAfter: daysFromNow(30.5) });
    const server = await serveCertificate(leaf);
    const result = await run(tlsCheck('portal.test', server.port), lookupFor({ 'portal.test': ['127.0.0.1'] }));
    expect(result).toMatchObject({ status: 'ok', tls: { expiresAt: leaf.notAfter, daysLeft: 30, subject: 'CN=portal.test' } });
    expect(result.message).toBe(`certificate of portal.test:${server.port} is valid for 30 more days (notAfter ${leaf.notAfter.toISOString().slice(0, 10)})`);
    expect(Object.keys(result.phases).sort()).toEqual(['connect', 'dns', 'tls']);
    expect(result.reason).toBeUndefined();
  });

  it('judges by the check’s clock', async () => {
    const leaf = await createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notAfter: daysFromNow(30) });
    const server = await serveCertificate(leaf);
    const later = new Date(leaf.notAfter.getTime() + 86_400_000);
    const result = await probeTls(tlsCheck('127.0.0.1', server.port), { ...contextFor(5000), clock: () => later });
    expect(result).toMatchObject({ status: 'critical', reason: 'tls', tls: { daysLeft: -1 } });
    expect(result.message).toMatch(/certificate expired 1 day ago/);
  });

  it('warns when fewer than minDaysLeft days are left', async () => {
    const leaf = await createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notAfter: daysFromNow(5.5) });
    const server = await serveCertificate(leaf);
    const result = await run(tlsCheck('127.0.0.1', server.port, { tls: { verify: true, ca: root.certPem, minDaysLeft: 14 } }));
    expect(result).toMatchObject({ status: 'warning', reason: 'tls', tls: { daysLeft: 5 } });
    expect(result.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${server.port}: certificate expires in 5 days \\(notAfter .+, minDaysLeft 14\\)$`));
  });

  it('checks the certificate against tls.serverName when given', async () => {
    const leaf = await createLeafCertificate({ names: ['dichvucong.test'], issuer: root });
    const server = await serveCertificate(leaf);
    const check = tlsCheck('127.0.0.1', server.port);
    expect((await run(check)).message).toContain('certificate is for dichvucong.test, not 127.0.0.1');
    expect((await run({ ...check, tls: { ...check.tls, serverName: 'dichvucong.test' } })).status).toBe('ok');
  });

  it.skipIf(!ipv6)('probes an IPv6 literal (skipped only when this machine has no ::1)', async () => {
    const leaf = await createLeafCertificate({ names: ['::1'], issuer: root });
    const server = await serveCertificate(leaf, '::1');
    const result = await run(tlsCheck('::1', server.port, { ipFamily: 6 }));
    expect(result.status).toBe('ok');
    expect(result.message).toMatch(new RegExp(`^certificate of \\[::1\\]:${server.port} is valid`));
  });

  it.each([
    [
      'expired',
      () => createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notBefore: daysFromNow(-60), notAfter: daysFromNow(-2.5) }),
      'certificate expired 2 days ago',
    ],
    [
      'not valid yet',
      () => createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notBefore: daysFromNow(3.5), notAfter: daysFromNow(60) }),
      'certificate is not valid yet',
    ],
    ['for another host', () => createLeafCertificate({ names: ['other.test'], issuer: root }), 'certificate is for other.test, not 127.0.0.1'],
    ['self-signed', () => createLeafCertificate({ names: ['127.0.0.1'] }), 'certificate is self-signed and not trusted'],
    [
      'missing its intermediate',
      async () => {
        const intermediate = await createAuthority({ commonName: 'dvc-sentinel test intermediate', issuer: root });
        return createLeafCertificate({ names: ['127.0.0.1'], issuer: intermediate });
      },
      'certificate chain not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE) — the server may be missing an intermediate',
    ],
  ])('fails with tls when the certificate is %s', async (_, makeCertificate, words) => {
    const leaf = await makeCertificate();
    const server = await serveCertificate(leaf);
    const result = await run(tlsCheck('127.0.0.1', server.port));
    expect(result).toMatchObject({ status: 'critical', reason: 'tls', tls: { expiresAt: leaf.notAfter } });
    expect(result.message).toContain(`127.0.0.1:${server.port}: ${words}`);
  });

  it('accepts a bad certificate when verify is off, and still reports its expiry', async () => {
    const leaf = await createLeafCertificate({ names: ['other.test'], notAfter: daysFromNow(20.5) });
    const server = await serveCertificate(leaf);
    const result = await run(tlsCheck('127.0.0.1', server.port, { tls: { verify: false } }));
    expect(result).toMatchObject({ status: 'ok', tls: { daysLeft: 20 } });
  });

  it('fails with tls when the handshake fails', async () => {
    const server = await startPlainTextServer();
    servers.push(server);
    const result = await run(tlsCheck('127.0.0.1', server.port));
    expect(result).toMatchObject({ status: 'critical', reason: 'tls' });
    expect(result.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: /);
    expect(result.tls).toBeUndefined();
    expect(result.phases.connect).toBeDefined();
  });

  it('ends a handshake that never completes at the deadline with reason timeout', async () => {
    const server = await startSilentServer();
    servers.push(server);
    const result = await run(tlsCheck('127.0.0.1', server.port, { timeoutSeconds: 0.5 }));
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', message: 'no answer before the deadline (during tls)' });
    expect(result.durationSeconds).toBeGreaterThanOrEqual(0.45);
    expect(result.durationSeconds).toBeLessThan(0.5 + SLACK_SECONDS);
  });

  it('fails with connect when nothing listens', async () => {
    const port = await findClosedPort();
    const result = await run(tlsCheck('127.0.0.1', port));
    expect(result).toMatchObject({ status: 'critical', reason: 'connect', message: `connection refused by 127.0.0.1:${port}` });
  });

  it('fails with dns when the name does not resolve', async () => {
    const result = await run(tlsCheck('portal.test', 443), lookupFor({}));
    expect(result).toMatchObject({ status: 'critical', reason: 'dns', phases: {} });
  });
});
