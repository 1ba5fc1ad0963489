import type { LookupAddress } from 'node:dns';
import net, { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type ConnectOptions, type OpenedConnection } from '../../src/probes/open-connection.ts';
import type { Lookup } from '../../src/probes/probe.ts';
import { ProbeFailure } from '../../src/probes/probe-failure.ts';
import { createAuthority, createLeafCertificate, type Authority, type IssuedCertificate } from '../support/certificates.ts';
import { findClosedPort, startHttpsServer, startPlainTextServer, startSilentServer, type RunningServer } from '../support/http-servers.ts';

const SLACK_MS = 1500;

function lookupFor(names: Record<string, string[]>): Lookup {
  return async (host) => {
    const addresses = names[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: isIP(address) }));
  };
}

const options = (overrides: Partial<ConnectOptions> = {}): ConnectOptions => ({ family: 4, signal: AbortSignal.timeout(3000), ...overrides });

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});
async function open(...args: Parameters<typeof openConnection>): Promise<OpenedConnection> {
  const connection = await openConnection(...args);
  cleanup.push(() => void connection.socket.destroy());
  return connection;
}
async function track<T extends RunningServer>(server: Promise<T>): Promise<T> {
  const running = await server;
  cleanup.push(() => running.close());
  return running;
}

/** Sends one request over an opened connection and returns the raw answer. */
async function exchange(socket: net.Socket, path: string): Promise<string> {
  socket.write(`GET ${path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let root: Authority;
let leaf: IssuedCertificate;
beforeAll(async () => {
  root = await createAuthority();
  leaf = await createLeafCertificate({ names: ['portal.test', '127.0.0.1'], issuer: root });
});

describe('openConnection over TCP', () => {
  it('connects to an IP literal without a dns phase', async () => {
    const server = await track(startSilentServer());
    const connection = await open({ host: '127.0.0.1', port: server.port }, options());
    expect(connection.remoteAddress).toBe('127.0.0.1');
    expect(Object.keys(connection.phases)).toEqual(['connect']);
    expect(connection.authorized).toBeUndefined();
    expect(connection.certificate).toBeUndefined();
  });

  it('times the dns phase when a name is resolved, into the caller’s phases too', async () => {
    const server = await track(startSilentServer());
    const phases = {};
    const connection = await open({ host: 'portal.test', port: server.port }, options({ lookup: lookupFor({ 'portal.test': ['127.0.0.1'] }), phases }));
    expect(connection.phases).toBe(phases);
    expect(Object.keys(phases).sort()).toEqual(['connect', 'dns']);
  });

  it('falls through to the next address when one refuses', async () => {
    const server = await track(startSilentServer());
    // Nothing listens on ::1 at this port (or there is no ::1 at all): that address fails to connect.
    const connection = await open(
      { host: 'portal.test', port: server.port },
      options({ family: 'any', lookup: lookupFor({ 'portal.test': ['::1', '127.0.0.1'] }) }),
    );
    expect(connection.remoteAddress).toBe('127.0.0.1');
  });

  it('fails with connect naming the host and address when every address refuses', async () => {
    const port = await findClosedPort();
    const single = await openConnection({ host: '127.0.0.1', port }, options()).catch((error: unknown) => error);
    expect(single).toBeInstanceOf(ProbeFailure);
    expect(single).toMatchObject({ reason: 'connect', phase: 'connect', message: `connection refused by 127.0.0.1:${port}` });
    const several = await openConnection(
      { host: 'portal.test', port },
      options({ family: 'any', lookup: lookupFor({ 'portal.test': ['::1', '127.0.0.1'] }) }),
    ).catch((error: unknown) => error);
    expect(several).toMatchObject({ reason: 'connect', message: `connection refused by portal.test (127.0.0.1:${port}) (all 2 addresses failed)` });
  });

  it('fails with dns when the name does not resolve', async () => {
    const failure = await openConnection({ host: 'nowhere.test', port: 80 }, options({ lookup: lookupFor({}) })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'dns', message: 'nowhere.test: name not found (NXDOMAIN)' });
  });

  it('gives up resolving at the deadline', async () => {
    const phases = {};
    const never: Lookup = () => new Promise(() => {});
    const started = performance.now();
    const failure = await openConnection({ host: 'portal.test', port: 80 }, options({ lookup: never, signal: AbortSignal.timeout(300), phases })).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ reason: 'timeout', phase: 'dns', message: 'no answer before the deadline (during dns)' });
    expect(phases).toEqual({});
    expect(performance.now() - started).toBeLessThan(300 + SLACK_MS);
  });

  it('does not connect once the deadline has passed', async () => {
    const server = await track(startSilentServer());
    const failure = await openConnection({ host: '127.0.0.1', port: server.port }, options({ signal: AbortSignal.abort() })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'timeout', phase: 'connect' });
  });
});

describe('openConnection with TLS', () => {
  it('records an untrusted certificate instead of failing', async () => {
    const selfSigned = await createLeafCertificate({ names: ['127.0.0.1'] });
    const server = await track(startHttpsServer((_request, response) => response.end('ok'), selfSigned));
    const connection = await open({ host: '127.0.0.1', port: server.port, tls: { policy: { verify: true } } }, options());
    expect(connection).toMatchObject({ authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(Object.keys(connection.phases)).toEqual(['connect', 'tls']);
    expect(connection.certificate?.expiresAt.getTime()).toBe(selfSigned.notAfter.getTime());
    expect(connection.peer?.subject.CN).toBe('127.0.0.1');
    expect(connection.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('trusts the policy’s CA and leaves the name check to the judge', async () => {
    const server = await track(startHttpsServer((_request, response) => response.end('ok'), leaf));
    // The certificate is for portal.test and 127.0.0.1, not other.test; the chain is still trusted.
    const connection = await open(
      { host: '127.0.0.1', port: server.port, tls: { servername: 'other.test', policy: { verify: true, ca: root.certPem } } },
      options(),
    );
    expect(connection.authorized).toBe(true);
    expect(connection.authorizationError).toBeUndefined();
    // A verified chain hands its certificate over during the handshake; it is read from there.
    expect(connection.certificate?.expiresAt.getTime()).toBe(leaf.notAfter.getTime());
    expect(connection.peer?.subjectaltname).toContain('DNS:portal.test');
    expect(connection.peer?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('sends the name as SNI, and no SNI for an IP', async () => {
    const server = await track(
      startHttpsServer((request, response) => {
        response.end(`sni=${String((request.socket as TLSSocket).servername)}`);
      }, leaf),
    );
    const byName = await open(
      { host: 'portal.test', port: server.port, tls: { policy: { verify: true, ca: root.certPem } } },
      options({ lookup: lookupFor({ 'portal.test': ['127.0.0.1'] }) }),
    );
    expect(await exchange(byName.socket, '/')).toMatch(/sni=portal\.test$/);
    const byIp = await open({ host: '127.0.0.1', port: server.port, tls: { policy: { verify: true, ca: root.certPem } } }, options());
    expect(await exchange(byIp.socket, '/')).toMatch(/sni=false$/);
  });

  it('fails with tls when the port does not speak TLS', async () => {
    const server = await track(startPlainTextServer());
    const failure = await openConnection({ host: '127.0.0.1', port: server.port, tls: { policy: { verify: true } } }, options()).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ reason: 'tls', phase: 'tls' });
    expect((failure as Error).message).toMatch(new RegExp(`^TLS handshake with 127\\.0\\.0\\.1:${server.port} failed: `));
  });

  it('fails with tls when the server hangs up during the handshake', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    const failure = await openConnection({ host: '127.0.0.1', port, tls: { policy: { verify: true } } }, options()).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      reason: 'tls',
      message: `TLS handshake with 127.0.0.1:${port} failed: the server closed the connection during the handshake`,
    });
  });

  it('ends a handshake that never completes at the deadline, keeping the connect phase', async () => {
    const server = await track(startSilentServer());
    const phases = {};
    const started = performance.now();
    const failure = await openConnection(
      { host: '127.0.0.1', port: server.port, tls: { policy: { verify: true } } },
      options({ signal: AbortSignal.timeout(400), phases }),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'timeout', phase: 'tls', message: 'no answer before the deadline (during tls)' });
    expect(Object.keys(phases)).toEqual(['connect']);
    expect(performance.now() - started).toBeLessThan(400 + SLACK_MS);
  });
});
