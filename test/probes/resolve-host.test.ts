import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lookup } from '../../src/probes/probe.ts';
import { ProbeFailure } from '../../src/probes/probe-failure.ts';
import { describeDnsError, formatServer, resolveHost } from '../../src/probes/resolve-host.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';

// Names under .test (RFC 6761), so a query that missed the test server would ask about no real name.
const PORTAL = 'dichvucong.test';
const SLACK_MS = 3000;

async function failureOf(pending: Promise<unknown>): Promise<ProbeFailure> {
  const error = await pending.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ProbeFailure);
  return error as ProbeFailure;
}

const refusingLookup: Lookup = async () => {
  throw new Error('this test must not look anything up');
};

describe('resolveHost through a configured resolver', () => {
  let server: TestDnsServer;

  beforeAll(async () => {
    server = await startDnsServer({
      zone: {
        [PORTAL]: { A: ['203.0.113.10', '203.0.113.11'], AAAA: ['2001:db8::10'] },
        'v4only.angiang.test': { A: ['203.0.113.30'] },
        'v6only.angiang.test': { AAAA: ['2001:db8::30'] },
      },
      modes: { 'silent.test': 'drop', 'servfail.test': 'servfail' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('returns the A records for family 4 and asks only for A', async () => {
    const before = server.queriesFor(PORTAL).length;

    const addresses = await resolveHost(PORTAL, { family: 4, resolver: server.resolver, signal: AbortSignal.timeout(5000) });

    expect([...addresses].sort()).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(
      server
        .queriesFor(PORTAL)
        .slice(before)
        .map((query) => query.type),
    ).toEqual(['A']);
  });

  it('returns the AAAA records for family 6', async () => {
    const addresses = await resolveHost(PORTAL, { family: 6, resolver: server.resolver, signal: AbortSignal.timeout(5000) });

    expect(addresses).toEqual(['2001:db8::10']);
  });

  it('returns IPv4 then IPv6 for family any', async () => {
    const addresses = await resolveHost(PORTAL, { family: 'any', resolver: server.resolver, signal: AbortSignal.timeout(5000) });

    expect(addresses.slice(0, 2).sort()).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(addresses.slice(2)).toEqual(['2001:db8::10']);
  });

  it('finds an IPv6-only name with family any', async () => {
    const addresses = await resolveHost('v6only.angiang.test', { family: 'any', resolver: server.resolver, signal: AbortSignal.timeout(5000) });

    expect(addresses).toEqual(['2001:db8::30']);
  });

  it('fails with reason dns for family 6 on a name with only A records', async () => {
    const failure = await failureOf(resolveHost('v4only.angiang.test', { family: 6, resolver: server.resolver, signal: AbortSignal.timeout(5000) }));

    expect(failure).toMatchObject({ reason: 'dns', phase: 'dns', message: 'v4only.angiang.test: no record of that type' });
  });

  it.each([
    { host: 'missing.test', said: 'name not found (NXDOMAIN)' },
    { host: 'servfail.test', said: 'resolver failed (SERVFAIL)' },
  ])('fails with reason dns for $host: $said', async ({ host, said }) => {
    const failure = await failureOf(resolveHost(host, { family: 4, resolver: server.resolver, signal: AbortSignal.timeout(5000) }));

    expect(failure).toMatchObject({ reason: 'dns', message: `${host}: ${said}` });
  });

  it('ends at the deadline with reason timeout when the resolver never answers', async () => {
    const timeoutMs = 800;
    const startedMs = performance.now();

    const failure = await failureOf(resolveHost('silent.test', { family: 4, resolver: server.resolver, signal: AbortSignal.timeout(timeoutMs) }));
    const elapsedMs = performance.now() - startedMs;

    expect(failure).toMatchObject({ reason: 'timeout', phase: 'dns', message: 'no answer before the deadline (during dns)' });
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsedMs).toBeLessThan(timeoutMs + SLACK_MS);
  });

  it('stops waiting with reason timeout when aborted mid-query', async () => {
    const controller = new AbortController();
    const pending = failureOf(resolveHost('silent.test', { family: 4, resolver: server.resolver, signal: controller.signal }));
    await server.nextQuery('silent.test');
    const abortedMs = performance.now();
    controller.abort();

    const failure = await pending;

    expect(performance.now() - abortedMs).toBeLessThan(SLACK_MS);
    expect(failure.reason).toBe('timeout');
  });

  it('prefers an injected lookup over the configured resolver', async () => {
    const before = server.queries.length;
    const lookup: Lookup = async () => [{ address: '203.0.113.77', family: 4 }];

    const addresses = await resolveHost(PORTAL, { family: 4, resolver: server.resolver, lookup, signal: AbortSignal.timeout(5000) });

    expect(addresses).toEqual(['203.0.113.77']);
    expect(server.queries.length).toBe(before);
  });

  it('does no lookup at all for an IP literal', async () => {
    const before = server.queries.length;
    const options = { family: 4 as const, resolver: server.resolver, lookup: refusingLookup, signal: AbortSignal.timeout(5000) };

    expect(await resolveHost('203.0.113.10', options)).toEqual(['203.0.113.10']);
    expect(await resolveHost('[2001:db8::10]', options)).toEqual(['2001:db8::10']);
    expect(await resolveHost('::1', options)).toEqual(['::1']);
    expect(server.queries.length).toBe(before);
  });
});

describe('resolveHost with an injected lookup', () => {
  it('passes the host and family to the lookup', async () => {
    const calls: [string, number][] = [];
    const lookup: Lookup = async (host, family) => {
      calls.push([host, family]);
      return [{ address: '203.0.113.10', family: 4 }];
    };

    await resolveHost(PORTAL, { family: 4, lookup, signal: AbortSignal.timeout(5000) });
    await resolveHost(PORTAL, { family: 6, lookup, signal: AbortSignal.timeout(5000) });
    await resolveHost(PORTAL, { family: 'any', lookup, signal: AbortSignal.timeout(5000) });

    expect(calls).toEqual([
      [PORTAL, 4],
      [PORTAL, 6],
      [PORTAL, 0],
    ]);
  });

  it('turns a failing lookup into reason dns with the code said plainly', async () => {
    const lookup: Lookup = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };

    const failure = await failureOf(resolveHost(PORTAL, { family: 4, lookup, signal: AbortSignal.timeout(5000) }));

    expect(failure).toMatchObject({ reason: 'dns', phase: 'dns', message: `${PORTAL}: name not found (NXDOMAIN)` });
    expect((failure.cause as { code?: string }).code).toBe('ENOTFOUND');
  });

  it.each([
    { family: 4 as const, said: 'has no IPv4 address' },
    { family: 6 as const, said: 'has no IPv6 address' },
    { family: 'any' as const, said: 'has no address' },
  ])('fails with reason dns when the lookup finds nothing for family $family', async ({ family, said }) => {
    const failure = await failureOf(resolveHost(PORTAL, { family, lookup: async () => [], signal: AbortSignal.timeout(5000) }));

    expect(failure).toMatchObject({ reason: 'dns', message: `${PORTAL} ${said}` });
  });

  it('stops waiting for a lookup that never settles when the signal aborts', async () => {
    const controller = new AbortController();
    let started: () => void = () => {};
    const lookupStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const lookup: Lookup = () => {
      started();
      return new Promise(() => {});
    };
    const pending = failureOf(resolveHost(PORTAL, { family: 4, lookup, signal: controller.signal }));
    await lookupStarted;

    controller.abort();

    expect(await pending).toMatchObject({ reason: 'timeout', phase: 'dns' });
  });

  it('fails with reason timeout without looking up when the deadline has already passed', async () => {
    const failure = await failureOf(resolveHost(PORTAL, { family: 4, lookup: refusingLookup, signal: AbortSignal.abort() }));

    expect(failure.reason).toBe('timeout');
  });
});

describe('resolveHost with the system resolver', () => {
  // Only localhost: /etc/hosts answers it, so no query leaves the machine.
  it('resolves localhost for family 4 through the hosts file', async () => {
    const addresses = await resolveHost('localhost', { family: 4, signal: AbortSignal.timeout(5000) });

    expect(addresses).toContain('127.0.0.1');
  });
});

describe('formatServer', () => {
  it.each([
    [{ host: '127.0.0.1', port: 5353 }, '127.0.0.1:5353'],
    [{ host: '::1', port: 53 }, '[::1]:53'],
  ])('%o → %s', (resolver, text) => {
    expect(formatServer(resolver)).toBe(text);
  });
});

describe('describeDnsError', () => {
  it.each([
    ['ENOTFOUND', 'name not found (NXDOMAIN)'],
    ['ENODATA', 'no record of that type'],
    ['ESERVFAIL', 'resolver failed (SERVFAIL)'],
    ['EREFUSED', 'resolver refused the query'],
    ['ETIMEOUT', 'resolver did not answer'],
    ['EWHATEVER', 'EWHATEVER'],
  ])('says %s as "%s"', (code, said) => {
    expect(describeDnsError(PORTAL, Object.assign(new Error('x'), { code }))).toBe(`${PORTAL}: ${said}`);
  });

  it('falls back to the error message when there is no code', () => {
    expect(describeDnsError(PORTAL, new Error('socket closed'))).toBe(`${PORTAL}: socket closed`);
  });
});
