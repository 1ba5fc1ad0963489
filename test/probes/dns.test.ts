import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunCancelled } from '../../src/cancellation.ts';
import type { DnsCheck, DnsRecordType } from '../../src/config/config.ts';
import { canonicalAddress, judgeDns, probeDns } from '../../src/probes/dns.ts';
import type { Lookup, ProbeContext } from '../../src/probes/probe.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';

// Socket tests use names under .test (RFC 6761): should a query ever miss the test server, it
// still asks about no real name.
const PORTAL = 'dichvucong.test';
// Generous: two shared cores, other suites running at the same time.
const SLACK_MS = 3000;

function contextFor(timeoutMs: number, extra: Partial<ProbeContext> = {}): ProbeContext {
  return { signal: AbortSignal.timeout(timeoutMs), clock: () => new Date(), log: pino({ level: 'silent' }), ...extra };
}

function dnsCheck(server: TestDnsServer | undefined, host: string, recordType: DnsRecordType, addresses?: string[], timeoutSeconds = 5): DnsCheck {
  return {
    kind: 'dns',
    name: `${host}-${recordType}`,
    system: 'national-portal',
    intervalSeconds: 60,
    timeoutSeconds,
    failureThreshold: 2,
    successThreshold: 2,
    dependsOn: [],
    alertOn: 'critical',
    resolver: server?.resolver,
    host,
    recordType,
    expect: { addresses },
  };
}

describe('probeDns', () => {
  let server: TestDnsServer;

  beforeAll(async () => {
    server = await startDnsServer({
      zone: {
        [PORTAL]: { A: ['203.0.113.10', '203.0.113.11'], AAAA: ['2001:db8::10', '2001:db8:0:1::20'] },
        'mail.angiang.test': {
          MX: [
            { exchange: 'mx2.angiang.test', preference: 20 },
            { exchange: 'mx1.angiang.test', preference: 10 },
          ],
        },
        'angiang.test': {
          TXT: ['v=spf1 mx -all', ['google-site-verification=', 'abc123']],
          NS: ['ns2.angiang.test', 'ns1.angiang.test'],
        },
        'www.dichvucong.test': { CNAME: PORTAL },
        'ipv4-only.angiang.test': { A: ['203.0.113.30'] },
      },
      modes: { 'servfail.test': 'servfail', 'refused.test': 'refused', 'silent.test': 'drop' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('passes when the expected addresses are a subset of the answer, asking the configured resolver', async () => {
    const asked = server.queriesFor(PORTAL, 'A').length;

    const result = await probeDns(dnsCheck(server, PORTAL, 'A', ['203.0.113.10']), contextFor(5000));

    expect(result).toMatchObject({
      status: 'ok',
      message: `${PORTAL} A answer 203.0.113.10, 203.0.113.11`,
      dns: { addresses: ['203.0.113.10', '203.0.113.11'] },
    });
    expect(result.reason).toBeUndefined();
    expect(server.queriesFor(PORTAL, 'A')).toHaveLength(asked + 1);
    expect(result.phases.dns).toBeGreaterThan(0);
    expect(result.phases.dns).toBeLessThanOrEqual(result.durationSeconds);
    expect(Object.keys(result.phases)).toEqual(['dns']);
  });

  it('fails with reason assertion once the record moves (the cut-over to the National Data Center)', async () => {
    const moving = 'moving.dichvucong.test';
    server.setRecords(moving, { A: ['203.0.113.10'] });
    const check = dnsCheck(server, moving, 'A', ['203.0.113.10']);
    expect((await probeDns(check, contextFor(5000))).status).toBe('ok');

    server.setRecords(moving, { A: ['203.0.113.99'] });
    const result = await probeDns(check, contextFor(5000));

    expect(result).toMatchObject({
      status: 'critical',
      reason: 'assertion',
      message: `${moving} A answer 203.0.113.99 lacks expected 203.0.113.10`,
      dns: { addresses: ['203.0.113.99'] },
    });
    expect(result.phases.dns).toBeGreaterThan(0);
  });

  it('lists answer and missing values sorted, and truncates long lists', async () => {
    const crowded = 'crowded.dichvucong.test';
    server.setRecords(crowded, { A: ['203.0.113.9', '203.0.113.100', '203.0.113.20', '203.0.113.3', '203.0.113.50', '203.0.113.7', '203.0.113.8'] });

    const result = await probeDns(dnsCheck(server, crowded, 'A', ['203.0.113.12', '203.0.113.3', '203.0.113.11']), contextFor(5000));

    expect(result.reason).toBe('assertion');
    expect(result.message).toBe(
      `${crowded} A answer 203.0.113.3, 203.0.113.7, 203.0.113.8, 203.0.113.9, 203.0.113.20 (+2 more) lacks expected 203.0.113.11, 203.0.113.12`,
    );
    expect(result.dns?.addresses).toEqual(['203.0.113.3', '203.0.113.7', '203.0.113.8', '203.0.113.9', '203.0.113.20', '203.0.113.50', '203.0.113.100']);
  });

  it.each([
    { host: 'missing.test', type: 'A' as const, said: 'name not found (NXDOMAIN)' },
    { host: 'servfail.test', type: 'A' as const, said: 'resolver failed (SERVFAIL)' },
    { host: 'refused.test', type: 'A' as const, said: 'resolver refused the query' },
    { host: 'ipv4-only.angiang.test', type: 'AAAA' as const, said: 'no record of that type' },
    { host: 'ipv4-only.angiang.test', type: 'MX' as const, said: 'no record of that type' },
  ])('fails with reason dns for $host $type: $said', async ({ host, type, said }) => {
    const result = await probeDns(dnsCheck(server, host, type, ['203.0.113.10']), contextFor(5000));

    expect(result).toMatchObject({ status: 'critical', reason: 'dns', message: `${host} ${type} via ${server.address}: ${said}` });
    expect(result.dns).toBeUndefined();
    expect(result.phases.dns).toBeGreaterThan(0);
    expect(server.queriesFor(host, type).length).toBeGreaterThan(0);
  });

  it('ends at the deadline with reason timeout when the resolver never answers', async () => {
    const timeoutMs = 1000;
    const startedMs = performance.now();

    const result = await probeDns(dnsCheck(server, 'silent.test', 'A', undefined, timeoutMs / 1000), contextFor(timeoutMs));
    const elapsedMs = performance.now() - startedMs;

    expect(result).toMatchObject({
      status: 'critical',
      reason: 'timeout',
      message: `silent.test A via ${server.address}: no answer before the deadline (during dns)`,
    });
    expect(result.phases).toEqual({});
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsedMs).toBeLessThan(timeoutMs + SLACK_MS);
    expect(server.queriesFor('silent.test').length).toBeGreaterThan(0);
  });

  it('stops waiting as soon as the signal aborts, and says so for a shutdown', async () => {
    const controller = new AbortController();
    const waited = probeDns(dnsCheck(server, 'silent.test', 'A', undefined, 30), contextFor(30_000, { signal: controller.signal }));
    await server.nextQuery('silent.test');
    const shutdown = new RunCancelled('dns', 'stopped');
    const abortedMs = performance.now();
    controller.abort(shutdown);

    const result = await waited;

    expect(performance.now() - abortedMs).toBeLessThan(SLACK_MS);
    expect(result).toMatchObject({ reason: 'timeout', message: `silent.test A via ${server.address}: probe aborted by shutdown` });
  });

  it('returns timeout without asking when the deadline has already passed', async () => {
    const asked = server.queries.length;

    const result = await probeDns(dnsCheck(server, PORTAL, 'A'), contextFor(5000, { signal: AbortSignal.abort() }));

    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', durationSeconds: 0, phases: {} });
    expect(server.queries.length).toBe(asked);
  });

  it('compares AAAA answers in canonical IPv6 form', async () => {
    const passing = await probeDns(dnsCheck(server, PORTAL, 'AAAA', ['2001:0DB8:0000:0000:0000:0000:0000:0010', ' 2001:db8:0:1:0:0:0:20 ']), contextFor(5000));
    expect(passing).toMatchObject({ status: 'ok', dns: { addresses: ['2001:db8::10', '2001:db8:0:1::20'] } });

    const failing = await probeDns(dnsCheck(server, PORTAL, 'AAAA', ['2001:DB8::11']), contextFor(5000));
    expect(failing).toMatchObject({ reason: 'assertion', message: `${PORTAL} AAAA answer 2001:db8::10, 2001:db8:0:1::20 lacks expected 2001:DB8::11` });
  });

  it.each([
    { host: 'mail.angiang.test', type: 'MX' as const, expected: ['MX1.angiang.test.'], addresses: ['mx1.angiang.test', 'mx2.angiang.test'] },
    { host: 'angiang.test', type: 'NS' as const, expected: ['ns2.angiang.test'], addresses: ['ns1.angiang.test', 'ns2.angiang.test'] },
    {
      host: 'angiang.test',
      type: 'TXT' as const,
      expected: ['google-site-verification=abc123'],
      addresses: ['google-site-verification=abc123', 'v=spf1 mx -all'],
    },
    { host: 'www.dichvucong.test', type: 'CNAME' as const, expected: ['Dichvucong.test'], addresses: [PORTAL] },
  ])('answers $type with the record values ($host)', async ({ host, type, expected, addresses }) => {
    const result = await probeDns(dnsCheck(server, host, type, expected), contextFor(5000));

    expect(result).toMatchObject({ status: 'ok', dns: { addresses } });
  });

  it('compares TXT values exactly and quotes them in the message', async () => {
    const result = await probeDns(dnsCheck(server, 'angiang.test', 'TXT', ['V=SPF1 mx -all']), contextFor(5000));

    expect(result).toMatchObject({
      reason: 'assertion',
      message: 'angiang.test TXT answer "google-site-verification=abc123", "v=spf1 mx -all" lacks expected "V=SPF1 mx -all"',
    });
  });

  it('follows a CNAME to the addresses of its target for an A check', async () => {
    const result = await probeDns(dnsCheck(server, 'www.dichvucong.test', 'A', ['203.0.113.11']), contextFor(5000));

    expect(result).toMatchObject({ status: 'ok', dns: { addresses: ['203.0.113.10', '203.0.113.11'] } });
  });

  it('reaches a resolver listening on [::1]', async () => {
    const v6Server = await startDnsServer({ host: '::1', zone: { [PORTAL]: { A: ['203.0.113.10'] } } });
    try {
      const result = await probeDns(dnsCheck(v6Server, PORTAL, 'A', ['203.0.113.10']), contextFor(5000));

      expect(result.status).toBe('ok');
      expect(v6Server.queriesFor(PORTAL, 'A')).toHaveLength(1);
    } finally {
      await v6Server.close();
    }
  });

  it('fails with reason dns, not timeout, when nothing listens on the resolver port', async () => {
    const gone = await startDnsServer();
    await gone.close();

    const result = await probeDns(dnsCheck(gone, PORTAL, 'A'), contextFor(5000));

    expect(result).toMatchObject({ reason: 'dns', message: `${PORTAL} A via ${gone.address}: resolver refused the connection` });
  });

  it('uses the injected lookup for address records when no resolver is configured', async () => {
    const calls: [string, number][] = [];
    const lookup: Lookup = async (host, family) => {
      calls.push([host, family]);
      return family === 6 ? [{ address: '2001:DB8::10', family: 6 }] : [{ address: '203.0.113.10', family: 4 }];
    };

    const v4 = await probeDns(dnsCheck(undefined, PORTAL, 'A', ['203.0.113.10']), contextFor(5000, { lookup }));
    const v6 = await probeDns(dnsCheck(undefined, PORTAL, 'AAAA', ['2001:db8::10']), contextFor(5000, { lookup }));

    expect(v4).toMatchObject({ status: 'ok', message: `${PORTAL} A answer 203.0.113.10` });
    expect(v6).toMatchObject({ status: 'ok', dns: { addresses: ['2001:db8::10'] } });
    expect(calls).toEqual([
      [PORTAL, 4],
      [PORTAL, 6],
    ]);
  });

  it('turns a failing lookup into reason dns with the code said plainly', async () => {
    const lookup: Lookup = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };

    const result = await probeDns(dnsCheck(undefined, PORTAL, 'A'), contextFor(5000, { lookup }));

    expect(result).toMatchObject({ status: 'critical', reason: 'dns', message: `${PORTAL} A: name not found (NXDOMAIN)` });
  });

  it('fails with reason dns when the lookup finds no address', async () => {
    const result = await probeDns(dnsCheck(undefined, PORTAL, 'A'), contextFor(5000, { lookup: async () => [] }));

    expect(result).toMatchObject({ reason: 'dns', message: `${PORTAL} A: no record of that type` });
  });
});

describe('judgeDns', () => {
  const check = dnsCheck(undefined, 'angiang.gov.vn', 'TXT', ['x'.repeat(80)]);

  it('names what moved: the portal answer against the address the check expects', () => {
    const portal = { ...dnsCheck(undefined, 'dichvucong.gov.vn', 'A'), expect: { addresses: ['203.0.113.10'] } };

    const result = judgeDns(portal, { answer: ['203.0.113.99'], querySeconds: 0.02, durationSeconds: 0.02 });

    expect(result).toEqual({
      status: 'critical',
      reason: 'assertion',
      message: 'dichvucong.gov.vn A answer 203.0.113.99 lacks expected 203.0.113.10',
      detail: { code: 'dns_lacks', params: { host: 'dichvucong.gov.vn A', values: '203.0.113.99', expected: '203.0.113.10' } },
      durationSeconds: 0.02,
      phases: { dns: 0.02 },
      dns: { addresses: ['203.0.113.99'] },
    });
  });

  it('cuts long values in the message but keeps them whole in the result', () => {
    const long = 'y'.repeat(80);

    const result = judgeDns(check, { answer: [long], querySeconds: 0.01, durationSeconds: 0.01 });

    expect(result.message).toBe(`angiang.gov.vn TXT answer "${'y'.repeat(59)}…" lacks expected "${'x'.repeat(59)}…"`);
    expect(result.dns?.addresses).toEqual([long]);
  });

  it('passes with no expectation, whatever the answer', () => {
    const result = judgeDns({ ...check, expect: {} }, { answer: ['anything'], querySeconds: 0.01, durationSeconds: 0.02 });

    expect(result).toEqual({
      status: 'ok',
      message: 'angiang.gov.vn TXT answer "anything"',
      detail: { code: 'dns_answer', params: { host: 'angiang.gov.vn TXT', values: '"anything"' } },
      durationSeconds: 0.02,
      phases: { dns: 0.01 },
      dns: { addresses: ['anything'] },
    });
  });
});

describe('canonicalAddress', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::FFFF:192.0.2.1', '::ffff:192.0.2.1'],
    [' 203.0.113.10 ', '203.0.113.10'],
    ['mx1.angiang.test', 'mx1.angiang.test'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalAddress(input)).toBe(canonical);
  });
});
