// Real servers on loopback (port 0) for probe tests: plain and TLS HTTP with a handler, and the
// misbehaving kinds — silent, drip-feeding, oversized, closed, not speaking TLS. Tests close them.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type LoopbackHost = '127.0.0.1' | '::1';

export interface RunningServer {
  readonly host: LoopbackHost;
  readonly port: number;
  /** http(s)://host:port — IPv6 hosts in brackets. */
  readonly url: string;
  close(): Promise<void>;
}

export interface TlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  /** Intermediates to send after the leaf; absent = the leaf alone. */
  readonly chainPem?: string;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => unknown;

export function startHttpServer(handler: Handler, host: LoopbackHost = '127.0.0.1'): Promise<RunningServer> {
  return listenHttp(http.createServer(wrap(handler)), 'http', host);
}

export function startHttpsServer(handler: Handler, material: TlsMaterial, host: LoopbackHost = '127.0.0.1'): Promise<RunningServer> {
  const cert = material.chainPem ? `${material.certPem}\n${material.chainPem}` : material.certPem;
  return listenHttp(https.createServer({ cert, key: material.keyPem }, wrap(handler)), 'https', host);
}

/** Accepts connections and never sends a byte: hangs HTTP before headers and TLS mid-handshake. */
export function startSilentServer(host: LoopbackHost = '127.0.0.1'): Promise<RunningServer> {
  return listenNet(() => {}, host);
}

/** Answers anything with plain text: a TLS client sees a server that does not speak TLS. */
export function startPlainTextServer(host: LoopbackHost = '127.0.0.1'): Promise<RunningServer> {
  return listenNet((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'), host);
}

/** Sends headers at once, then one body byte per intervalMs, forever. */
export function startDripServer(intervalMs = 200, host: LoopbackHost = '127.0.0.1'): Promise<RunningServer> {
  return startHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('.');
    const timer = setInterval(() => response.write('.'), intervalMs);
    response.on('close', () => clearInterval(timer));
  }, host);
}

export interface HugeBodyServer extends RunningServer {
  /** Bytes the server managed to hand to the socket so far. */
  bytesWritten(): number;
}

/** Streams totalBytes of 'x' in 64 KiB chunks, respecting backpressure. */
export async function startHugeBodyServer(totalBytes: number, host: LoopbackHost = '127.0.0.1'): Promise<HugeBodyServer> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  const server = await startHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(totalBytes) });
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes && !response.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
        sent += piece.length;
        written += piece.length;
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
      if (sent >= totalBytes) response.end();
    };
    pump();
  }, host);
  return { ...server, bytesWritten: () => written };
}

/** A port nothing listens on (bound by the OS, then released), so connecting is refused. */
export async function findClosedPort(host: LoopbackHost = '127.0.0.1'): Promise<number> {
  const server = await listenNet(() => {}, host);
  await server.close();
  return server.port;
}

/** Whether this machine can listen on ::1 (containers sometimes have no IPv6 loopback). */
export async function hasIpv6Loopback(): Promise<boolean> {
  try {
    const server = await listenNet(() => {}, '::1');
    await server.close();
    return true;
  } catch {
    return false;
  }
}

function wrap(handler: Handler): http.RequestListener {
  return (request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  };
}

function urlOf(scheme: string, host: LoopbackHost, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function listenHttp(server: http.Server | https.Server, scheme: 'http' | 'https', host: LoopbackHost): Promise<RunningServer> {
  // Probes that fail (refused chains, closed handshakes) make the server emit this; it is expected.
  server.on('tlsClientError', () => {});
  await listen(server, host);
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    url: urlOf(scheme, host, port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function listenNet(onConnection: (socket: net.Socket) => void, host: LoopbackHost): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await listen(server, host);
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    url: urlOf('tcp', host, port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listen(server: net.Server, host: LoopbackHost): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
