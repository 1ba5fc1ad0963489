// The daemon's HTTP server (node:http, or node:https with server.tls): dispatches a route table,
// answers 404/405/HEAD, runs the access layer (src/access/) before every route and turns handler
// failures into 500s without ever taking the process down. Knows nothing of the routes' content.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, DropArgument } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Access, Refusal } from '../access/access.ts';
import { createRateLimiter } from '../access/rate-limiter.ts';
import { systemMonotonic, type MonotonicClock } from '../clock.ts';
import { SERVER_DEFAULTS, type ServerLimits } from '../config/config.ts';
import type { Principal } from '../state/desk-records.ts';
import { gzipInParallel } from './parallel-gzip.ts';
import { findPatternRoute } from './route-patterns.ts';
import {
  HTML_CONTENT_TYPE,
  isUrlencoded,
  jsonResponse,
  MAX_BODY_BYTES,
  type Method,
  NO_STORE,
  type RouteHandler,
  type RouteMethods,
  type RouteResponse,
  type Routes,
  type TextResponse,
} from './routes-common.ts';

export interface HttpServer {
  /** Base URL, e.g. http://127.0.0.1:9464 (with the real port when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  /** Stops listening, drops idle keep-alive sockets at once and cuts requests still running after a short grace. */
  close(): Promise<void>;
}

export interface HttpServerOptions {
  readonly host: string;
  /** 0 lets the OS choose. */
  readonly port: number;
  readonly routes: Routes;
  readonly log: Logger;
  /** Who may do what; absent = everyone is an anonymous viewer (the daemon always passes one). */
  readonly access?: Pick<Access, 'gate'>;
  /** The short page a refused form post gets instead of JSON (in the page's language); JSON without it. */
  readonly refusalPage?: (refusal: Refusal) => string;
  /** PEM certificate chain and key: serve HTTPS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** What clients may take (server.*); SERVER_DEFAULTS when absent. */
  readonly limits?: ServerLimits;
  /** For the rate limit's window; performance.now() when absent. */
  readonly monotonic?: MonotonicClock;
  /** Addresses never rate-limited; loopback when absent (the local Prometheus, health checks, the duty desk's own machine). */
  readonly unlimited?: (address: string) => boolean;
}

/** Raised when the server cannot listen; `code` is Node's (EADDRINUSE, EACCES, ...). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    readonly code: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

// Long enough for a scrape already being written to finish; short enough for SIGTERM's 10 s budget.
const CLOSE_GRACE_MS = 1_000;
/** Paths a rate limit never refuses: Prometheus and health checks poll them by design. */
const UNLIMITED_PATHS = new Set(['/metrics', '/healthz']);

export function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { host, routes, log } = options;
  const limits = options.limits ?? SERVER_DEFAULTS;
  const monotonic = options.monotonic ?? systemMonotonic;
  const limiter = createRateLimiter(limits.rateLimit, monotonic);
  const unlimited = options.unlimited ?? isLoopback;
  const retryAfter = String(Math.ceil(limits.rateLimit.windowMs / 1000));
  const onRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    // Refused before anything is parsed, routed, read or rendered: a refusal costs next to nothing.
    const address = request.socket.remoteAddress ?? '';
    if (!unlimited(address) && !UNLIMITED_PATHS.has(pathOf(request.url)) && !limiter.take(address)) {
      refusals.count('rate', address);
      writeResponse(response, { ...jsonResponse(429, { error: 'too many requests' }), headers: { 'retry-after': retryAfter, connection: 'close' } });
      return;
    }
    handleRequest(routes, log, options, request, response).catch((error: unknown) => {
      // Reached only if writing the response itself failed (e.g. the client went away).
      log.warn({ err: error, method: request.method, path: request.url }, 'http response failed');
      response.destroy();
    });
  };
  // Node checks the header and request timeouts (which also close a client that connects and sends
  // nothing) only every 30 s by default, which let such a client keep its socket for 30-40 s;
  // checked ten times per headersTimeout, it is closed by 1.1 of it.
  const checkingMs = Math.max(50, Math.min(1_000, Math.round(limits.headersTimeoutMs / 10)));
  const serverOptions = { connectionsCheckingInterval: checkingMs };
  const server =
    options.tls === undefined
      ? http.createServer(serverOptions, onRequest)
      : https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, onRequest);
  const scheme = options.tls === undefined ? 'http' : 'https';
  // A scraper or browser that stalls must not hold a socket for the Node defaults (60 s / 300 s).
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;

  // Past the cap Node closes new connections at once, before any byte of theirs is read.
  server.maxConnections = limits.maxConnections;
  const refusals = createRefusalLog(log, limits, monotonic);
  server.on('drop', (dropped?: DropArgument) => refusals.count('connections', dropped?.remoteAddress ?? ''));
  return new Promise<HttpServer>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(toListenError(error, host, options.port));
    };
    const onListening = (): void => {
      server.off('error', onError);
      server.on('error', (error) => log.error({ err: error }, 'http server error'));
      const { port } = server.address() as AddressInfo;
      resolve({ url: `${scheme}://${formatHostPort(host, port)}`, port, close: createClose(server) });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port: options.port });
  });
}

// A flood must not flood the log as well: refusals are counted and told at most once a minute.
const REFUSAL_LOG_EVERY_MS = 60_000;

/** Counts refused requests and connections; the first of a minute is logged at once, the rest with the next. */
function createRefusalLog(log: Logger, limits: ServerLimits, monotonic: MonotonicClock): { count(kind: 'rate' | 'connections', address: string): void } {
  let loggedAt = -Infinity;
  let pending = { rate: 0, connections: 0 };
  const addresses = new Set<string>();
  return {
    count(kind, address) {
      pending[kind] += 1;
      // A few addresses are enough to say who it is; the set stays small.
      if (addresses.size < 5) addresses.add(address);
      const now = monotonic();
      if (now - loggedAt < REFUSAL_LOG_EVERY_MS) return;
      log.warn(
        {
          refusedRequests: pending.rate,
          refusedConnections: pending.connections,
          addresses: [...addresses],
          maxConnections: limits.maxConnections,
          rateLimit: `${limits.rateLimit.allowance} per ${limits.rateLimit.windowMs / 1000}s`,
        },
        'http clients refused (server.rateLimit / server.maxConnections); counted since the last such line',
      );
      loggedAt = now;
      pending = { rate: 0, connections: 0 };
      addresses.clear();
    },
  };
}

/** The path of a request target, without its query; "" when there is none. */
function pathOf(target: string | undefined): string {
  if (target === undefined) return '';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (a dual-stack listener reports ::ffff:127.0.0.1). */
function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function createClose(server: http.Server): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve, reject) => {
      const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      grace.unref();
      server.close((error) => {
        clearTimeout(grace);
        if (error) reject(error);
        else resolve();
      });
      // Keep-alive sockets would otherwise hold close() open until their own timeout.
      server.closeIdleConnections();
    });
    return closing;
  };
}

async function handleRequest(
  routes: Routes,
  log: Logger,
  options: Pick<HttpServerOptions, 'access' | 'refusalPage'>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  const target = request.url ?? '/';
  // Origin-form only; prefixing keeps "//x" a path instead of a host.
  const url = target.startsWith('/') ? URL.parse(`http://localhost${target}`) : null;
  if (url === null) {
    writeResponse(response, jsonResponse(400, { error: 'bad request target' }));
    return;
  }
  const handlers = routes.get(url.pathname) ?? findPatternRoute(routes, url.pathname);
  if (handlers === undefined) {
    writeResponse(response, jsonResponse(404, { error: 'not found' }));
    return;
  }
  const handler = handlerFor(handlers, method);
  if (handler === undefined) {
    const allowed = Object.keys(handlers).filter((name) => handlerFor(handlers, name) !== undefined);
    if (handlers.GET !== undefined) allowed.push('HEAD');
    writeResponse(response, {
      ...jsonResponse(405, { error: 'method not allowed', allowed }),
      headers: { allow: allowed.join(', ') },
    });
    return;
  }
  const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(request);
  if (body === undefined) {
    writeResponse(response, { ...jsonResponse(413, { error: 'request body too large' }), headers: { connection: 'close' } });
    return;
  }
  const address = request.socket.remoteAddress ?? '';
  const { access } = options;
  const admission = access === undefined ? undefined : await access.gate({ method, path: url.pathname, headers: request.headers, address, body });
  if (admission?.kind === 'refuse') {
    writeResponse(response, refusalResponse(admission, isUrlencoded(request.headers) ? options.refusalPage : undefined));
    return;
  }
  const principal = admission?.principal ?? ANONYMOUS_VIEWER;
  const csrfToken = admission?.csrfToken;
  const handled = await runHandler(handler, log, {
    method,
    url,
    headers: request.headers,
    body,
    principal,
    address,
    ...(csrfToken === undefined ? {} : { csrfToken }),
  });
  const setCookie = admission?.setCookie;
  const result =
    setCookie === undefined || handled.headers?.['set-cookie'] !== undefined
      ? handled
      : { ...handled, headers: { ...handled.headers, 'set-cookie': setCookie } };
  if (typeof result.body === 'string') writeResponse(response, { ...result, body: result.body });
  else {
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    await writeStreamedResponse(response, result, result.body, { headOnly: method === 'HEAD', gzip, log, path: url.pathname });
  }
}

/** Whether the client takes gzip (Prometheus always asks for it); `gzip;q=0` refuses it. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding, ...parameters] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const quality = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    return quality === undefined || Number(quality) > 0;
  });
}

const ANONYMOUS_VIEWER: Principal = { role: 'viewer', via: 'anonymous' };

/** A browser asking for a page is sent to the login form; an API client gets the status and, for 401, a Basic challenge. */
function refusalResponse(refusal: Refusal, page: ((refusal: Refusal) => string) | undefined): TextResponse {
  const headers: Record<string, string> = { ...NO_STORE };
  if (refusal.setCookie !== undefined) headers['set-cookie'] = refusal.setCookie;
  if (refusal.toLogin) return { status: 303, contentType: 'text/plain; charset=utf-8', body: '', headers: { ...headers, location: '/login' } };
  // A browser's form: a page saying why and the way back, never JSON or a Basic password dialog.
  if (page !== undefined) return { status: refusal.status, contentType: HTML_CONTENT_TYPE, body: page(refusal), headers };
  if (refusal.challenge) headers['www-authenticate'] = 'Basic realm="dvc-sentinel", charset="UTF-8"';
  if (refusal.status === 429) headers['retry-after'] = '60';
  return { ...jsonResponse(refusal.status, { error: refusal.error }), headers };
}

/** The body as text, or undefined past MAX_BODY_BYTES (the rest is not read). */
async function readBody(request: http.IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function handlerFor(handlers: RouteMethods, method: string): RouteHandler | undefined {
  // Own keys only: "constructor" must not find Object's.
  if (Object.hasOwn(handlers, method)) return handlers[method as Method];
  return method === 'HEAD' ? handlers.GET : undefined;
}

async function runHandler(handler: RouteHandler, log: Logger, request: Parameters<RouteHandler>[0]): Promise<RouteResponse> {
  try {
    return await handler(request);
  } catch (error) {
    log.error({ err: error, method: request.method, path: request.url.pathname }, 'http handler failed');
    // The message may name internals; the log has it, the client gets a fixed text.
    return jsonResponse(500, { error: 'internal error' });
  }
}

function writeResponse(response: http.ServerResponse, result: TextResponse): void {
  response.writeHead(result.status, {
    ...result.headers,
    'content-type': result.contentType,
    'content-length': Buffer.byteLength(result.body),
  });
  // For HEAD, Node sends the headers (with the GET length) and drops the body itself.
  response.end(result.body);
}

/**
 * Writes chunks as they come, giving the event loop a turn after each one so that probes due
 * meanwhile start on time, and waiting for the client when its socket is full. Compressed when
 * the client asks: /metrics at 10,000 checks is 35 MB, about 18 Mbit/s at a 15 s scrape
 * interval across a provincial link, and a twentieth of that gzipped (zlib works off the event loop, on several pool threads at once).
 * A failure halfway cuts the connection: a truncated body is a failed scrape, never a silently
 * short one.
 */
async function writeStreamedResponse(
  response: http.ServerResponse,
  result: RouteResponse,
  chunks: AsyncIterable<Uint8Array>,
  options: { readonly headOnly: boolean; readonly gzip: boolean; readonly log: Logger; readonly path: string },
): Promise<void> {
  response.writeHead(result.status, {
    ...result.headers,
    'content-type': result.contentType,
    vary: 'accept-encoding',
    ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  if (options.headOnly) {
    response.end();
    return;
  }
  // Compressed a piece per pool thread at once (level 1), so a large body takes a fraction of one zlib stream's wall time.
  const body = options.gzip ? gzipInParallel(chunks) : chunks;
  try {
    for await (const piece of body) {
      if (response.destroyed) {
        // The client went away: nothing to finish and nothing wrong on our side.
        return;
      }
      // An empty piece is only a pause for the event loop.
      if (piece.byteLength === 0 || response.write(piece)) await nextTurn();
      else await untilDrainedOrClosed(response);
    }
    response.end();
  } catch (error) {
    options.log.error({ err: error, path: options.path }, 'http handler failed while writing its response');
    response.destroy();
  }
}

function untilDrainedOrClosed(response: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function toListenError(error: NodeJS.ErrnoException, host: string, port: number): ListenError {
  const where = formatHostPort(host, port);
  const code = error.code ?? 'UNKNOWN';
  const message =
    code === 'EADDRINUSE'
      ? `${where} is already in use`
      : code === 'EACCES'
        ? `permission denied to listen on ${where} (ports below 1024 need privileges)`
        : code === 'EADDRNOTAVAIL'
          ? `cannot listen on ${where}: ${host} is not an address of this machine`
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `cannot listen on ${where}: ${host} does not resolve`
            : `cannot listen on ${where}: ${error.message}`;
  return new ListenError(message, code, { cause: error });
}
