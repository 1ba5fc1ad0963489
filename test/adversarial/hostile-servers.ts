// Endpoints that misbehave on purpose, on 127.0.0.1, each one server shared by several checks:
// the kinds a portal, a proxy in front of it or an attacker on its path can produce.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { startDripServer, startHttpServer, startSilentServer, type RunningServer } from '../support/http-servers.ts';

export interface HostileEndpoint {
  readonly kind: string;
  /** The check's YAML fields after name and system (a flow mapping's inside). */
  checkFields(index: number): string;
  close(): Promise<void>;
}

/** Markup and terminal escapes an answer can carry into messages, the page and mails. */
export const SCRIPT_MARKER = '<script>alert("dvc")</script>';
export const CONTROL_MARKER = '\u001b[31m\u0000\u0007\r\nX-Injected: 1';

async function listenRaw(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function http(server: RunningServer, kind: string, extra = ''): HostileEndpoint {
  return {
    kind,
    checkFields: (index) => `kind: http, url: "http://127.0.0.1:${server.port}/${kind}/${index}"${extra}`,
    close: () => server.close(),
  };
}

/** Every hostile kind, started. */
export async function startHostileEndpoints(): Promise<HostileEndpoint[]> {
  const endpoints: HostileEndpoint[] = [];
  // Accepts and never answers.
  endpoints.push(http(await startSilentServer(), 'hang'));
  // Headers at once, then a byte every 200 ms: never finishes within the deadline.
  endpoints.push(http(await startDripServer(200), 'drip'));
  // A body without end, as fast as the socket takes it.
  const chunk = Buffer.alloc(64 * 1024, 'x');
  endpoints.push(
    http(
      await startHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const pump = (): void => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', pump);
        };
        pump();
      }),
      'endless',
    ),
  );
  // 200 headers of 1 KiB each: far over any header limit.
  const hugeHeaders = await listenRaw((socket) => {
    socket.once('data', () => {
      const lines = Array.from({ length: 200 }, (_, index) => `x-filler-${index}: ${'h'.repeat(1024)}`);
      socket.end(`HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\ncontent-length: 2\r\n\r\nok`);
    });
  });
  endpoints.push({
    kind: 'huge-headers',
    checkFields: (index) => `kind: http, url: "http://127.0.0.1:${hugeHeaders.port}/huge-headers/${index}"`,
    close: hugeHeaders.close,
  });
  // Redirects to itself forever.
  endpoints.push(
    http(
      await startHttpServer((request, response) => {
        response.writeHead(302, { location: request.url ?? '/' });
        response.end();
      }),
      'redirect-loop',
      ', followRedirects: true',
    ),
  );
  // An https check against a server that answers the ClientHello with random bytes.
  const tlsGarbage = await listenRaw((socket) => {
    socket.once('data', () => socket.end(randomBytes(4096)));
  });
  endpoints.push({
    kind: 'tls-garbage',
    checkFields: (index) => `kind: http, url: "https://127.0.0.1:${tlsGarbage.port}/tls-garbage/${index}"`,
    close: tlsGarbage.close,
  });
  // Accepts, then resets the connection (RST) at once.
  const reset = await listenRaw((socket) => socket.resetAndDestroy());
  endpoints.push({
    kind: 'reset',
    checkFields: (index) => `kind: http, url: "http://127.0.0.1:${reset.port}/reset/${index}"`,
    close: reset.close,
  });
  // Markup in the body and a header, on an error status: it reaches messages and snippets.
  endpoints.push(
    http(
      await startHttpServer((_request, response) => {
        response.writeHead(500, { 'content-type': 'text/html', server: SCRIPT_MARKER.replace(/"/g, '') });
        response.end(`<html><body>${SCRIPT_MARKER}<img src=x onerror=alert(2)></body></html>`);
      }),
      'script',
      ', expect: { bodyContains: "Dịch vụ công" }',
    ),
  );
  // Control characters and a forged header line in the body.
  endpoints.push(
    http(
      await startHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(`Lỗi ${CONTROL_MARKER} ${'\u0008'.repeat(20)}`);
      }),
      'control-chars',
      ', expect: { bodyContains: "Dịch vụ công" }',
    ),
  );
  // JSON nested 100,000 levels deep, read through a JSON path.
  const deepJson = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  endpoints.push(
    http(
      await startHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(deepJson);
      }),
      'deep-json',
      ', expect: { json: [{ path: "$.code", equals: "OK" }] }',
    ),
  );
  // 1 KiB on the wire that inflates to 64 MiB, declared gzip.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  endpoints.push(
    http(
      await startHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        response.end(bomb);
      }),
      'gzip-bomb',
      ', expect: { bodyContains: "Dịch vụ công" }',
    ),
  );
  return endpoints;
}
