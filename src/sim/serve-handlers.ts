// Serves a list of msw handlers on a real TCP port (HTTP or HTTPS) through msw's getResponse.
// msw's own interception does not see undici.request, and the probes need real sockets anyway
// for DNS/connect/TLS/TTFB phases. The listener can be closed and reopened on the same port,
// which is how the simulator makes a system refuse connections.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { getResponse, type RequestHandler } from 'msw';

export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
}

export interface ServeOptions {
  readonly host: string;
  /** 0 = chosen by the OS; the chosen port is kept for reopening. */
  readonly port: number;
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: TlsIdentity;
}

export interface ServedHandlers {
  readonly host: string;
  readonly port: number;
  /** "http://127.0.0.1:18080" (no trailing slash). */
  readonly url: string;
  isListening(): boolean;
  /** Stops accepting and drops open connections: clients now get ECONNREFUSED. */
  suspend(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  /** Presents another certificate to new TLS connections (HTTPS only). */
  setIdentity(identity: TlsIdentity): void;
  close(): Promise<void>;
}

export async function serveHandlers(handlers: readonly RequestHandler[], options: ServeOptions): Promise<ServedHandlers> {
  const scheme = options.tls ? 'https' : 'http';
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    // A client that hung up while a slow answer was pending is not an error worth a crash.
    res.on('error', () => {});
    void answer(handlers, scheme, req).then(
      async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        const headers: Record<string, string> = Object.fromEntries(response.headers);
        headers['content-length'] = String(body.length);
        res.writeHead(response.status, headers);
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`simulator handler failed: ${(error as Error).message}`);
      },
    );
  };
  const server: http.Server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : http.createServer(onRequest);
  let port = options.port;
  let listening = false;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new Error(`cannot listen on ${options.host}:${port}: ${error.message}`, { cause: error }));
      server.once('error', onError);
      server.listen({ port, host: options.host }, () => {
        server.off('error', onError);
        port = (server.address() as AddressInfo).port;
        listening = true;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen();
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    host: options.host,
    port,
    url: `${scheme}://${host}:${port}`,
    isListening: () => listening,
    suspend: stop,
    resume: async () => {
      if (!listening) await listen();
    },
    setIdentity(identity) {
      if (!(server instanceof https.Server)) throw new Error(`${scheme}://${host}:${port} is not an HTTPS origin`);
      server.setSecureContext({ key: identity.key, cert: identity.cert });
    },
    close: stop,
  };
}

async function answer(handlers: readonly RequestHandler[], scheme: string, req: http.IncomingMessage): Promise<Response> {
  const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) headers.append(req.rawHeaders[index]!, req.rawHeaders[index + 1]!);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(url, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  });
  return (await getResponse([...handlers], request)) ?? new Response('no simulator handler for this request', { status: 404 });
}
