// What the server takes from clients (server.*): a per-address rate limit answered 429 before any
// work (loopback, /metrics and /healthz exempt), a connection cap, sockets that send nothing or
// stall in their headers closed after headersTimeout, and the page and API rendered once per change.
import { once } from 'node:events';
import net from 'node:net';
import { pino, type Logger } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_DEFAULTS, type ServerLimits } from '../../src/config/config.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createRoutes, type RouteDependencies } from '../../src/server/routes.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import { captureLog } from '../support/alerting-fixtures.ts';

const servers: HttpServer[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const SNAPSHOT = {
  version: '0.1.0',
  startedAt: '2026-05-29T01:00:00.000Z',
  generatedAt: '2026-05-29T15:10:05.000Z',
  summary: { ok: 0 },
  checks: [],
  incidents: [],
};

function deps(extra: Partial<RouteDependencies> = {}): RouteDependencies {
  return {
    metrics: createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
    health: () => ({ ok: true, reasons: [] }),
    status: () => SNAPSHOT,
    ...extra,
  };
}

async function serve(
  options: { limits?: Partial<ServerLimits>; unlimited?: (address: string) => boolean; deps?: RouteDependencies; log?: Logger } = {},
): Promise<HttpServer> {
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    routes: createRoutes(options.deps ?? deps()),
    log: options.log ?? pino({ level: 'silent' }),
    limits: { ...SERVER_DEFAULTS, ...options.limits },
    ...(options.unlimited === undefined ? {} : { unlimited: options.unlimited }),
  });
  servers.push(server);
  return server;
}

async function statusOf(url: string): Promise<{ status: number; retryAfter: unknown }> {
  const reply = await request(url);
  await reply.body.dump();
  return { status: reply.statusCode, retryAfter: reply.headers['retry-after'] };
}

/** Opens a socket that sends `send` (or nothing) and resolves with how long until the server closed it. */
async function heldFor(server: HttpServer, send?: string): Promise<{ closedAfterMs: number; answer: string }> {
  const started = performance.now();
  const socket = net.connect(server.port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  let answer = '';
  // Read, so that the server's close is seen.
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  await once(socket, 'connect');
  if (send !== undefined) socket.write(send);
  await once(socket, 'close');
  return { closedAfterMs: performance.now() - started, answer };
}

describe('the per-address rate limit', () => {
  it('answers 429 with Retry-After past the allowance, before any work, and never on /metrics or /healthz', async () => {
    let renders = 0;
    const captured = captureLog();
    const server = await serve({
      log: captured.log,
      limits: { rateLimit: { allowance: 3, windowMs: 60_000 } },
      unlimited: () => false,
      deps: deps({
        status: () => {
          renders += 1;
          return SNAPSHOT;
        },
      }),
    });
    const answers = [];
    for (let index = 0; index < 5; index += 1) answers.push(await statusOf(`${server.url}/api/status`));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.retryAfter).toBe('60');
    expect(renders).toBe(3);
    // Told once, not once per refusal: a flood does not flood the log.
    const told = captured.lines().filter((line) => line.level === 40);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ refusedRequests: 1, addresses: ['127.0.0.1'], rateLimit: '3 per 60s' });
    // Prometheus and health checks are never refused.
    for (let index = 0; index < 5; index += 1) {
      expect((await statusOf(`${server.url}/metrics`)).status).toBe(200);
      expect((await statusOf(`${server.url}/healthz?x=1`)).status).toBe(200);
    }
  });

  it('never limits loopback addresses by default (the local Prometheus, the desk machine)', async () => {
    const server = await serve({ limits: { rateLimit: { allowance: 2, windowMs: 60_000 } } });
    const answers = [];
    for (let index = 0; index < 6; index += 1) answers.push((await statusOf(`${server.url}/`)).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
  });
});

describe('slow and surplus clients', () => {
  it('closes a socket that sends nothing, and one stalled in its headers, within headersTimeout', async () => {
    const server = await serve({ limits: { headersTimeoutMs: 600, requestTimeoutMs: 2_000 } });
    const [silent, stalled] = await Promise.all([heldFor(server), heldFor(server, 'GET / HTTP/1.1\r\nHost: x\r\n')]);
    // Checked ten times per headersTimeout: closed by 1.1 of it, plus this machine's slack.
    expect(silent.closedAfterMs).toBeGreaterThanOrEqual(550);
    expect(silent.closedAfterMs).toBeLessThan(600 * 1.1 + 400);
    expect(stalled.closedAfterMs).toBeGreaterThanOrEqual(550);
    expect(stalled.closedAfterMs).toBeLessThan(600 * 1.1 + 400);
    expect(stalled.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections past maxConnections at once and serves again when one is freed', async () => {
    const captured = captureLog();
    const server = await serve({ limits: { maxConnections: 2 }, log: captured.log });
    const held = [net.connect(server.port, '127.0.0.1'), net.connect(server.port, '127.0.0.1')];
    sockets.push(...held);
    await Promise.all(held.map((socket) => once(socket, 'connect')));
    const surplus = await heldFor(server);
    expect(surplus.closedAfterMs).toBeLessThan(500);
    expect(surplus.answer).toBe('');
    expect(captured.lines().filter((line) => line.level === 40)).toMatchObject([{ refusedConnections: 1, maxConnections: 2 }]);
    held[0]!.destroy();
    await once(held[0]!, 'close');
    // The server sees the close on its next turn.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1)
      status = await statusOf(`${server.url}/healthz`).then(
        (reply) => reply.status,
        () => 0,
      );
    expect(status).toBe(200);
  });
});

describe('renders kept between changes', () => {
  it('renders the page and the API once per change, not once per request, and anew after a write', async () => {
    let version = 0;
    let statusCalls = 0;
    const server = await serve({
      deps: deps({
        status: () => {
          statusCalls += 1;
          return SNAPSHOT;
        },
        changes: () => version,
        // The renders' age stands still: only a change renders anew.
        monotonic: () => 0,
      }),
    });
    for (let index = 0; index < 20; index += 1) {
      expect((await statusOf(`${server.url}/`)).status).toBe(200);
      expect((await statusOf(`${server.url}/api/status`)).status).toBe(200);
    }
    expect(statusCalls).toBe(2);
    version += 1;
    await statusOf(`${server.url}/`);
    await statusOf(`${server.url}/`);
    expect(statusCalls).toBe(3);
  });
});
