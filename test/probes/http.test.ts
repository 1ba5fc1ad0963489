import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type HttpCheck } from '../../src/config/config.ts';
import { judgeHttp, probeHttp, type HttpMeasurement, type HttpResponseFacts } from '../../src/probes/http.ts';
import { ProbeFailure } from '../../src/probes/probe-failure.ts';
import { compileJsonPath } from '../../src/config/json-path.ts';
import type { Lookup } from '../../src/probes/probe.ts';
import { createAuthority, createLeafCertificate, daysFromNow, fakePeer, type Authority, type IssuedCertificate } from '../support/certificates.ts';
import { startDnsServer } from '../support/dns-server.ts';
import {
  findClosedPort,
  hasIpv6Loopback,
  startDripServer,
  startHttpServer,
  startHttpsServer,
  startHugeBodyServer,
  startPlainTextServer,
  startSilentServer,
  type Handler,
  type RunningServer,
} from '../support/http-servers.ts';
import { contextFor, lookupFor } from '../support/probe-context.ts';
import { httpCheck } from '../support/http-check.ts';

// Deadlines are short so failures are quick, and slack is wide: two shared cores.
const SLACK_SECONDS = 1.5;
const ipv6 = await hasIpv6Loopback();

function run(check: HttpCheck, lookup?: Lookup): ReturnType<typeof probeHttp> {
  return probeHttp(check, contextFor(check.timeoutSeconds * 1000, lookup));
}

const servers: RunningServer[] = [];
async function serve(handler: Handler): Promise<RunningServer> {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}
async function serveTls(handler: Handler, material: IssuedCertificate & { chainPem?: string }, host?: '127.0.0.1' | '::1'): Promise<RunningServer> {
  const server = await startHttpsServer(handler, material, host);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const answer =
  (status: number, body: string, headers: Record<string, string> = {}): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
    response.end(body);
  };

async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let root: Authority;
let goodLeaf: IssuedCertificate;
beforeAll(async () => {
  root = await createAuthority({ commonName: 'dvc-sentinel test root' });
  goodLeaf = await createLeafCertificate({ names: ['portal.test', 'localhost', '127.0.0.1', '::1'], issuer: root, notAfter: daysFromNow(40) });
});
const trusted = (): HttpCheck['tls'] => ({ verify: true, ca: root.certPem });

describe('probeHttp over plain http', () => {
  it('succeeds with connect, ttfb and transfer phases; no dns phase for an IP literal', async () => {
    const server = await serve(answer(200, 'Dịch vụ công trực tuyến'));
    const result = await run(httpCheck(`${server.url}/`, { expect: { bodyContains: 'Dịch vụ công' } }));
    expect(result).toMatchObject({ status: 'ok', httpStatus: 200, message: `HTTP 200 from 127.0.0.1:${server.port}` });
    expect(result.reason).toBeUndefined();
    // Nothing was resolved for 127.0.0.1, so the dns phase is absent rather than a fake 0.
    expect(Object.keys(result.phases).sort()).toEqual(['connect', 'transfer', 'ttfb']);
    for (const seconds of Object.values(result.phases)) expect(seconds).toBeGreaterThanOrEqual(0);
    const phaseSum = Object.values(result.phases).reduce((sum, seconds) => sum + seconds, 0);
    expect(result.durationSeconds).toBeGreaterThanOrEqual(phaseSum);
    expect(result.tls).toBeUndefined();
  });

  it('times the dns phase when a name is resolved', async () => {
    const server = await serve(answer(200, 'ok'));
    const result = await run(httpCheck(`http://portal.test:${server.port}/`), lookupFor({ 'portal.test': ['127.0.0.1'] }));
    expect(result.status).toBe('ok');
    expect(result.phases.dns).toBeGreaterThanOrEqual(0);
    expect(result.message).toBe(`HTTP 200 from portal.test:${server.port}`);
  });

  it('resolves through the check’s own DNS server when one is configured', async () => {
    const dns = await startDnsServer({ zone: { 'portal.test': { A: ['127.0.0.1'] } } });
    try {
      const server = await serve(answer(200, 'ok'));
      const result = await run(httpCheck(`http://portal.test:${server.port}/`, { resolver: dns.resolver }));
      expect(result.status).toBe('ok');
      expect(dns.queriesFor('portal.test', 'A')).toHaveLength(1);
    } finally {
      await dns.close();
    }
  });

  it('sends the method, the JSON body, the headers and the user agent', async () => {
    let seen: { method?: string; body?: string; headers?: IncomingMessage['headers'] } = {};
    const server = await serve(async (request, response) => {
      seen = { method: request.method, body: await readRequestBody(request), headers: request.headers };
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end('{"code":"OK","data":{"items":[{"id":7}]}}');
    });
    const result = await run(
      httpCheck(`${server.url}/api/v1/list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k-123' },
        body: JSON.stringify({ page: 1, size: 5 }),
        expect: {
          status: [200, 201],
          json: [
            { path: compileJsonPath('$.code'), equals: 'OK' },
            { path: compileJsonPath('$.data.items[0].id'), exists: true },
          ],
        },
      }),
    );
    expect(result).toMatchObject({ status: 'ok', httpStatus: 201 });
    expect(seen.method).toBe('POST');
    expect(JSON.parse(seen.body ?? '')).toEqual({ page: 1, size: 5 });
    expect(seen.headers?.['content-type']).toBe('application/json');
    expect(seen.headers?.['x-api-key']).toBe('k-123');
    expect(seen.headers?.['user-agent']).toBe(DEFAULTS.userAgent);
  });

  it('opens a fresh connection for every probe, so every result has its connect phase', async () => {
    const ports = new Set<number>();
    const server = await serve((request, response) => {
      ports.add(request.socket.remotePort ?? 0);
      answer(200, 'ok')(request, response);
    });
    for (let round = 0; round < 3; round += 1) {
      const result = await run(httpCheck(`${server.url}/`));
      expect(result.phases.connect).toBeDefined();
    }
    expect(ports.size).toBe(3);
  });

  it.skipIf(!ipv6)('probes an IPv6 literal (skipped only when this machine has no ::1)', async () => {
    const server = await startHttpServer(answer(200, 'ok'), '::1');
    servers.push(server);
    const result = await run(httpCheck(`${server.url}/`, { ipFamily: 6 }));
    expect(result).toMatchObject({ status: 'ok', message: `HTTP 200 from [::1]:${server.port}` });
  });
});

describe('probeHttp redirects', () => {
  const redirecting =
    (hops: number): Handler =>
    (request, response) => {
      const step = Number(/\/hop\/(\d+)/.exec(request.url ?? '')?.[1] ?? 0);
      if (step < hops) {
        response.writeHead(302, { location: `/hop/${step + 1}?t=${step}` });
        response.end();
      } else {
        answer(200, 'arrived')(request, response);
      }
    };

  it('follows relative Locations on fresh connections and reports the last hop', async () => {
    const ports = new Set<number>();
    const server = await serve((request, response) => {
      ports.add(request.socket.remotePort ?? 0);
      redirecting(3)(request, response);
    });
    const result = await run(httpCheck(`${server.url}/hop/0`, { followRedirects: true, expect: { status: [200], bodyContains: 'arrived' } }));
    expect(result).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(ports.size).toBe(4);
    expect(result.phases.connect).toBeDefined();
  });

  it('returns the redirect itself when followRedirects is off', async () => {
    const server = await serve(redirecting(3));
    const result = await run(httpCheck(`${server.url}/hop/0`));
    expect(result).toMatchObject({ status: 'ok', httpStatus: 302 });
  });

  it('fails with protocol after more than five redirects', async () => {
    const server = await serve(redirecting(50));
    const result = await run(httpCheck(`${server.url}/hop/0`, { followRedirects: true }));
    expect(result).toMatchObject({ status: 'critical', reason: 'protocol' });
    expect(result.message).toBe(`more than 5 redirects (the last from 127.0.0.1:${server.port})`);
  });

  it('turns a POST into a GET on 303 and drops credentials when the origin changes', async () => {
    let arrived: { method?: string; authorization?: string; body?: string } = {};
    const target = await serve(async (request, response) => {
      arrived = { method: request.method, authorization: request.headers.authorization, body: await readRequestBody(request) };
      answer(200, 'done')(request, response);
    });
    const origin = await serve((_request, response) => {
      response.writeHead(303, { location: `${target.url}/result` });
      response.end();
    });
    const result = await run(
      httpCheck(`${origin.url}/submit`, {
        method: 'POST',
        followRedirects: true,
        headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
        body: '{"a":1}',
      }),
    );
    expect(result.status).toBe('ok');
    expect(arrived).toEqual({ method: 'GET', authorization: undefined, body: '' });
  });
});

describe('probeHttp failure reasons', () => {
  it('fails with dns when the name does not resolve', async () => {
    const result = await run(httpCheck('https://portal.test/'), lookupFor({}));
    expect(result).toMatchObject({ status: 'critical', reason: 'dns', message: 'portal.test: name not found (NXDOMAIN)' });
    expect(result.phases).toEqual({});
  });

  it('fails with connect when the port refuses', async () => {
    const port = await findClosedPort();
    const result = await run(httpCheck(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ status: 'critical', reason: 'connect', message: `connection refused by 127.0.0.1:${port}` });
  });

  it('fails with http_status naming the host, never the path or query', async () => {
    const server = await serve(answer(503, 'maintenance'));
    const result = await run(httpCheck(`${server.url}/api/status?token=s3cret`, { headers: { authorization: 'Bearer s3cret' } }));
    expect(result).toMatchObject({ status: 'critical', reason: 'http_status', httpStatus: 503, message: `HTTP 503 from 127.0.0.1:${server.port}` });
  });

  it.each([
    ['403', 403, 'Forbidden', 'HTTP 403'],
    ['429', 429, 'Too Many Requests', 'HTTP 429'],
    ['a 200 rejection page', 200, '<html><body>Request Rejected. Your support ID is: 123</body></html>', 'HTTP 200, page says "Request Rejected"'],
    ['a marker in another case', 200, '<h1>ACCESS DENIED</h1>', 'HTTP 200, page says "Access denied"'],
  ])('fails with blocked on %s', async (_, status, body, detail) => {
    const server = await serve(answer(status, body));
    const result = await run(httpCheck(`${server.url}/`));
    expect(result).toMatchObject({ status: 'critical', reason: 'blocked', httpStatus: status });
    expect(result.message).toBe(`the firewall in front of 127.0.0.1:${server.port} refused the prober (${detail})`);
  });

  it('does not call a 403 blocked when the check expects it', async () => {
    const server = await serve(answer(403, 'login required'));
    const result = await run(httpCheck(`${server.url}/`, { expect: { status: [403] } }));
    expect(result).toMatchObject({ status: 'ok', httpStatus: 403 });
  });

  it.each([
    ['bodyContains', { bodyContains: 'Dịch vụ công' }, 'Trang chủ', 'does not contain "Dịch vụ công"'],
    ['bodyNotContains', { bodyNotContains: 'bảo trì' }, 'Hệ thống đang bảo trì', 'contains "bảo trì"'],
  ])('fails with assertion on %s', async (_, expectation, body, detail) => {
    const server = await serve(answer(200, body));
    const result = await run(httpCheck(`${server.url}/`, { expect: expectation }));
    expect(result).toMatchObject({ status: 'critical', reason: 'assertion', message: `body from 127.0.0.1:${server.port} ${detail}` });
  });

  it.each([
    ['equals', { path: compileJsonPath('$.code'), equals: 'OK' }, '$.code in the JSON from HOST is "DOWN", expected "OK"'],
    ['exists', { path: compileJsonPath('$.data.items[3]'), exists: true }, '$.data.items[3] is absent in the JSON from HOST'],
    ['exists: false', { path: compileJsonPath('$.error'), exists: false }, '$.error is present in the JSON from HOST (found {"detail":"db down"})'],
  ])('fails with assertion when JSON %s does not hold', async (_, expectation, message) => {
    const server = await serve(answer(200, '{"code":"DOWN","data":{"items":[1]},"error":{"detail":"db down"}}'));
    const result = await run(httpCheck(`${server.url}/`, { expect: { json: [expectation] } }));
    expect(result).toMatchObject({ status: 'critical', reason: 'assertion', message: message.replace('HOST', `127.0.0.1:${server.port}`) });
  });

  it('fails with protocol when the body is not JSON', async () => {
    const server = await serve(answer(200, '<!DOCTYPE html><html>maintenance</html>'));
    const result = await run(httpCheck(`${server.url}/`, { expect: { json: [{ path: compileJsonPath('$.code'), equals: 'OK' }] } }));
    expect(result).toMatchObject({ status: 'critical', reason: 'protocol' });
    expect(result.message).toMatch(new RegExp(`^body from 127\\.0\\.0\\.1:${server.port} is not valid JSON \\(.+\\)$`));
  });

  it('fails with protocol when the server closes without answering', async () => {
    const server = await serve((request) => {
      request.socket.destroy();
    });
    const result = await run(httpCheck(`${server.url}/`));
    expect(result).toMatchObject({ status: 'critical', reason: 'protocol', message: `127.0.0.1:${server.port} closed the connection without answering` });
  });

  it('stops reading at maxBodyBytes with body_too_large', async () => {
    const totalBytes = 64 * 1024 * 1024;
    const server = await startHugeBodyServer(totalBytes);
    servers.push(server);
    const result = await run(httpCheck(`${server.url}/`, { expect: { maxBodyBytes: 1024 * 1024 } }));
    expect(result).toMatchObject({ status: 'critical', reason: 'body_too_large', httpStatus: 200 });
    expect(result.message).toBe(`body from 127.0.0.1:${server.port} is larger than maxBodyBytes (1048576 bytes)`);
    // The prober hung up: the server never got to write the rest (socket buffers hold a few MiB at most).
    expect(server.bytesWritten()).toBeLessThan(totalBytes / 2);
  });
});

describe('probeHttp timeouts', () => {
  it('ends a server that accepts and never answers at the deadline with reason timeout', async () => {
    const server = await startSilentServer();
    servers.push(server);
    const result = await run(httpCheck(`http://127.0.0.1:${server.port}/`, { timeoutSeconds: 0.5 }));
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', message: 'no answer before the deadline (during ttfb)' });
    expect(result.phases.connect).toBeDefined();
    expect(result.phases.ttfb).toBeUndefined();
    expect(result.durationSeconds).toBeGreaterThanOrEqual(0.45);
    expect(result.durationSeconds).toBeLessThan(0.5 + SLACK_SECONDS);
  });

  it('ends a drip-feed response at the deadline with reason timeout', async () => {
    const server = await startDripServer(200);
    servers.push(server);
    const result = await run(httpCheck(`${server.url}/`, { timeoutSeconds: 0.8 }));
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', message: 'no answer before the deadline (during transfer)' });
    expect(result.phases.ttfb).toBeDefined();
    expect(result.phases.transfer).toBeUndefined();
    expect(result.durationSeconds).toBeLessThan(0.8 + SLACK_SECONDS);
  });

  it('ends a TLS handshake that never completes at the deadline', async () => {
    const server = await startSilentServer();
    servers.push(server);
    const result = await run(httpCheck(`https://127.0.0.1:${server.port}/`, { timeoutSeconds: 0.5 }));
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', message: 'no answer before the deadline (during tls)' });
    expect(result.durationSeconds).toBeLessThan(0.5 + SLACK_SECONDS);
  });
});

describe('probeHttp over https', () => {
  it('trusts a private CA through tls.ca and reports tls phase and certificate', async () => {
    const server = await serveTls(answer(200, 'ok'), goodLeaf);
    const result = await run(httpCheck(`https://portal.test:${server.port}/`, { tls: trusted() }), lookupFor({ 'portal.test': ['127.0.0.1'] }));
    expect(result).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(Object.keys(result.phases).sort()).toEqual(['connect', 'dns', 'tls', 'transfer', 'ttfb']);
    expect(result.tls?.expiresAt.getTime()).toBe(goodLeaf.notAfter.getTime());
    expect(result.tls?.daysLeft).toBe(39);
  });

  it('accepts an IP target through an IP SAN', async () => {
    const server = await serveTls(answer(200, 'ok'), goodLeaf);
    const result = await run(httpCheck(`${server.url}/`, { tls: trusted() }));
    expect(result.status).toBe('ok');
  });

  it.skipIf(!ipv6)('accepts an IPv6 literal through an IP SAN (skipped only when this machine has no ::1)', async () => {
    const server = await serveTls(answer(200, 'ok'), goodLeaf, '::1');
    const result = await run(httpCheck(`${server.url}/`, { tls: trusted(), ipFamily: 6 }));
    expect(result).toMatchObject({ status: 'ok', message: `HTTP 200 from [::1]:${server.port}` });
  });

  it('warns when the certificate expires within minDaysLeft, and only when nothing else failed', async () => {
    const soon = await createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notAfter: daysFromNow(5.5) });
    const server = await serveTls((request, response) => answer(request.url === '/down' ? 503 : 200, 'ok')(request, response), soon);
    const warned = await run(httpCheck(`${server.url}/`, { tls: { ...trusted(), minDaysLeft: 14 } }));
    expect(warned).toMatchObject({ status: 'warning', reason: 'tls', httpStatus: 200 });
    expect(warned.message).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${server.port}: certificate expires in 5 days \\(notAfter \\d{4}-\\d\\d-\\d\\d, minDaysLeft 14\\)$`),
    );
    const down = await run(httpCheck(`${server.url}/down`, { tls: { ...trusted(), minDaysLeft: 14 } }));
    expect(down).toMatchObject({ status: 'critical', reason: 'http_status' });
  });

  it('accepts an untrusted self-signed certificate when verify is false', async () => {
    const selfSigned = await createLeafCertificate({ names: ['127.0.0.1'] });
    const server = await serveTls(answer(200, 'ok'), selfSigned);
    const result = await run(httpCheck(`${server.url}/`, { tls: { verify: false } }));
    expect(result.status).toBe('ok');
    expect(result.tls?.daysLeft).toBe(29);
  });

  describe('fails with tls, saying which problem, before sending the request', () => {
    const cases: [string, () => Promise<IssuedCertificate & { chainPem?: string }>, RegExp][] = [
      [
        'an expired certificate',
        () => createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notBefore: daysFromNow(-90), notAfter: daysFromNow(-3.5) }),
        /: certificate expired 3 days ago \(notAfter \d{4}-\d\d-\d\d\)$/,
      ],
      [
        'a certificate not valid yet',
        () => createLeafCertificate({ names: ['127.0.0.1'], issuer: root, notBefore: daysFromNow(2.5), notAfter: daysFromNow(90) }),
        /: certificate is not valid yet: notBefore \d{4}-\d\d-\d\d is 2 days away$/,
      ],
      [
        'a certificate for another host',
        () => createLeafCertificate({ names: ['other.example', 'www.other.example'], issuer: root }),
        /: certificate is for other\.example, www\.other\.example, not 127\.0\.0\.1$/,
      ],
      [
        'an untrusted self-signed certificate',
        () => createLeafCertificate({ names: ['127.0.0.1'] }),
        /: certificate is self-signed and not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
      ],
      [
        'a chain missing its intermediate',
        async () => {
          const intermediate = await createAuthority({ commonName: 'dvc-sentinel test intermediate', issuer: root });
          return createLeafCertificate({ names: ['127.0.0.1'], issuer: intermediate });
        },
        /: certificate chain not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) — the server may be missing an intermediate/,
      ],
    ];
    it.each(cases)('%s', async (_, makeCertificate, message) => {
      let requests = 0;
      const server = await serveTls(
        (request, response) => {
          requests += 1;
          answer(200, 'ok')(request, response);
        },
        await makeCertificate(),
      );
      const result = await run(httpCheck(`${server.url}/`, { tls: trusted(), headers: { authorization: 'Bearer s3cret' } }));
      expect(result).toMatchObject({ status: 'critical', reason: 'tls' });
      expect(result.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${server.port}`));
      expect(result.message).toMatch(message);
      expect(result.tls).toBeDefined();
      expect(result.phases.tls).toBeDefined();
      // The credentials never reached a server that failed verification.
      expect(requests).toBe(0);
    });
  });

  it('succeeds once the server sends its intermediate', async () => {
    const intermediate = await createAuthority({ commonName: 'dvc-sentinel test intermediate', issuer: root });
    const leaf = await createLeafCertificate({ names: ['127.0.0.1'], issuer: intermediate });
    const server = await serveTls(answer(200, 'ok'), { ...leaf, chainPem: intermediate.certPem });
    const result = await run(httpCheck(`${server.url}/`, { tls: trusted() }));
    expect(result.status).toBe('ok');
  });

  it('fails with tls when the port does not speak TLS', async () => {
    const server = await startPlainTextServer();
    servers.push(server);
    const result = await run(httpCheck(`https://127.0.0.1:${server.port}/`));
    expect(result).toMatchObject({ status: 'critical', reason: 'tls' });
    expect(result.message).toBe(`TLS handshake with 127.0.0.1:${server.port} failed: the server does not speak TLS on this port (wrong version number)`);
  });
});

describe('judgeHttp', () => {
  const NOW = new Date('2026-11-26T08:00:00Z');
  const at = (days: number): Date => new Date(NOW.getTime() + days * 86_400_000);
  const check = httpCheck('https://portal.test/api?token=s3cret', {
    tls: { verify: true, minDaysLeft: 14 },
    expect: { status: [200], bodyContains: '"code"', json: [{ path: compileJsonPath('$.code'), equals: 'OK' }] },
  });
  const facts = (overrides: Partial<Omit<HttpResponseFacts, 'body'>> & { body?: string } = {}): HttpMeasurement => ({
    kind: 'response',
    host: 'portal.test',
    phases: { dns: 0.001, connect: 0.002, tls: 0.01, ttfb: 0.05, transfer: 0.001 },
    durationSeconds: 0.07,
    measuredAt: NOW,
    redirects: 0,
    httpStatus: 200,
    headers: {},
    tls: { servername: 'portal.test', authorized: true, peer: fakePeer({ names: ['portal.test'], notBefore: at(-60), notAfter: at(60) }) },
    ...overrides,
    body: Buffer.from(overrides.body ?? '{"code":"OK"}'),
  });
  const expiringSoon = { servername: 'portal.test', authorized: true, peer: fakePeer({ names: ['portal.test'], notBefore: at(-60), notAfter: at(5.5) }) };
  const untrusted = { ...expiringSoon, authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' };

  it.each([
    ['a healthy answer', facts(), 'ok', undefined, 'HTTP 200 from portal.test'],
    [
      'a certificate close to expiry',
      facts({ tls: expiringSoon }),
      'warning',
      'tls',
      'portal.test: certificate expires in 5 days (notAfter 2026-12-01, minDaysLeft 14)',
    ],
    [
      'a transport failure, before anything else',
      {
        kind: 'failure',
        host: 'portal.test',
        phases: { dns: 0.001 },
        durationSeconds: 0.4,
        measuredAt: NOW,
        redirects: 0,
        failure: new ProbeFailure('connect', 'connection refused by portal.test (10.0.0.1:443)', {
          detail: { code: 'connect_failed', params: { endpoint: 'portal.test (10.0.0.1:443)', code: 'ECONNREFUSED' } },
        }),
      } satisfies HttpMeasurement,
      'critical',
      'connect',
      'connection refused by portal.test (10.0.0.1:443)',
    ],
    [
      'an untrusted chain, before the firewall',
      facts({ tls: untrusted, httpStatus: 403 }),
      'critical',
      'tls',
      'portal.test: certificate chain not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE) — the server may be missing an intermediate, or the issuing CA needs tls.caFile',
    ],
    [
      'a firewall status, before the status check',
      facts({ httpStatus: 429, tls: expiringSoon }),
      'critical',
      'blocked',
      'the firewall in front of portal.test refused the prober (HTTP 429)',
    ],
    [
      'a firewall page, before the status check',
      facts({ httpStatus: 503, body: '<title>Request Rejected</title>' }),
      'critical',
      'blocked',
      'the firewall in front of portal.test refused the prober (HTTP 503, page says "Request Rejected")',
    ],
    ['an unexpected status, before the body', facts({ httpStatus: 500, body: 'oops' }), 'critical', 'http_status', 'HTTP 500 from portal.test'],
    ['a missing text, before JSON', facts({ body: 'not json' }), 'critical', 'assertion', 'body from portal.test does not contain ""code""'],
    ['unparsable JSON', facts({ body: '{"code": OK}' }), 'critical', 'protocol', expect.stringMatching(/^body from portal\.test is not valid JSON \(/)],
    [
      'a wrong JSON value, before the certificate warning',
      facts({ body: '{"code":"ERR"}', tls: expiringSoon }),
      'critical',
      'assertion',
      '$.code in the JSON from portal.test is "ERR", expected "OK"',
    ],
  ] as const)('judges %s', (_, measurement, status, reason, message) => {
    const result = judgeHttp(check, measurement);
    expect(result).toMatchObject({ status, message });
    expect(result.reason).toBe(reason);
    expect(result.phases).toBe(measurement.phases);
  });

  it('keeps found values short and on one line', () => {
    const result = judgeHttp(check, facts({ body: JSON.stringify({ code: 'lỗi hệ thống\n'.repeat(20) }) }));
    expect(result.reason).toBe('assertion');
    expect(result.message).not.toContain('\n');
    expect(result.message.length).toBeLessThan(200);
    expect(result.message).toContain('…');
  });

  it('compares JSON values strictly, null included', () => {
    const nullCheck = httpCheck('https://portal.test/', { expect: { json: [{ path: compileJsonPath('$.error'), equals: null }] } });
    expect(judgeHttp(nullCheck, facts({ body: '{"error":null}' })).status).toBe('ok');
    expect(judgeHttp(nullCheck, facts({ body: '{}' })).message).toBe('$.error in the JSON from portal.test is absent, expected null');
    const numberCheck = httpCheck('https://portal.test/', { expect: { json: [{ path: compileJsonPath('$.total'), equals: 3 }] } });
    expect(judgeHttp(numberCheck, facts({ body: '{"total":"3"}' })).message).toBe('$.total in the JSON from portal.test is "3", expected 3');
  });

  it('reports the certificate on every result of an https probe', () => {
    const result = judgeHttp(check, facts({ certificate: { expiresAt: at(60), daysLeft: 60, subject: 'CN=portal.test', issuer: 'CN=CA' }, httpStatus: 500 }));
    expect(result.tls?.daysLeft).toBe(60);
    expect(result.httpStatus).toBe(500);
  });
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
