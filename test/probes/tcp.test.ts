import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TcpCheck } from '../../src/config/config.ts';
import type { Lookup } from '../../src/probes/probe.ts';
import { probeTcp } from '../../src/probes/tcp.ts';
import { findClosedPort, hasIpv6Loopback, startSilentServer, type RunningServer } from '../support/http-servers.ts';
import { contextFor } from '../support/probe-context.ts';

const SLACK_SECONDS = 1.5;
const ipv6 = await hasIpv6Loopback();

function tcpCheck(host: string, port: number, overrides: Partial<TcpCheck> = {}): TcpCheck {
  return {
    name: 'igate-tcp',
    system: 'provincial',
    kind: 'tcp',
    intervalSeconds: 60,
    timeoutSeconds: 5,
    failureThreshold: 2,
    successThreshold: 2,
    dependsOn: [],
    alertOn: 'critical',
    host,
    port,
    ipFamily: 4,
    ...overrides,
  };
}

const run = (check: TcpCheck, lookup?: Lookup) => probeTcp(check, contextFor(check.timeoutSeconds * 1000, lookup));

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function listening(host?: '127.0.0.1' | '::1'): Promise<RunningServer> {
  const server = await startSilentServer(host);
  servers.push(server);
  return server;
}

describe('probeTcp', () => {
  it('succeeds once the port accepts, with only a connect phase for an IP', async () => {
    const server = await listening();
    const result = await run(tcpCheck('127.0.0.1', server.port));
    expect(result).toMatchObject({ status: 'ok', message: `connected to 127.0.0.1:${server.port}` });
    expect(Object.keys(result.phases)).toEqual(['connect']);
    expect(result.durationSeconds).toBeGreaterThanOrEqual(result.phases.connect ?? Infinity);
  });

  it('times dns and connect for a name', async () => {
    const server = await listening();
    const lookup: Lookup = async (host) => (host === 'igate.test' ? [{ address: '127.0.0.1', family: 4 } satisfies LookupAddress] : []);
    const result = await run(tcpCheck('igate.test', server.port), lookup);
    expect(result).toMatchObject({ status: 'ok', message: `connected to igate.test (127.0.0.1:${server.port})` });
    expect(Object.keys(result.phases).sort()).toEqual(['connect', 'dns']);
  });

  it.skipIf(!ipv6)('connects to an IPv6 literal (skipped only when this machine has no ::1)', async () => {
    const server = await listening('::1');
    const result = await run(tcpCheck('::1', server.port, { ipFamily: 6 }));
    expect(result).toMatchObject({ status: 'ok', message: `connected to [::1]:${server.port}` });
  });

  it('fails with connect when the port refuses', async () => {
    const port = await findClosedPort();
    const result = await run(tcpCheck('127.0.0.1', port));
    expect(result).toMatchObject({ status: 'critical', reason: 'connect', message: `connection refused by 127.0.0.1:${port}` });
    expect(result.phases).toEqual({});
  });

  it('fails with dns when the name does not resolve', async () => {
    const lookup: Lookup = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: isIP(host) ? undefined : host });
    };
    const result = await run(tcpCheck('igate.test', 443), lookup);
    expect(result).toMatchObject({ status: 'critical', reason: 'dns', message: 'igate.test: name not found (NXDOMAIN)' });
  });

  it('ends a resolution that never answers at the deadline with reason timeout', async () => {
    const never: Lookup = () => new Promise(() => {});
    const result = await run(tcpCheck('igate.test', 443, { timeoutSeconds: 0.3 }), never);
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', message: 'no answer before the deadline (during dns)' });
    expect(result.durationSeconds).toBeLessThan(0.3 + SLACK_SECONDS);
  });
});
