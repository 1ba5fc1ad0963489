import http from 'node:http';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { createRoutes, type Health, type Routes } from '../../src/server/routes.ts';
import { acceptsGzip, ListenError, startHttpServer, type HttpServer } from '../../src/server/server.ts';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(url: string, options: { method?: string; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: options.method ?? 'GET', agent: options.agent ?? false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function requestBytes(url: string, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function captureLog(): { lines: Array<Record<string, unknown>>; log: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(routes: Routes, log = captureLog().log): Promise<HttpServer> {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes, log });
  servers.push(server);
  return server;
}

function createTestRoutes(overrides: { metrics?: Metrics; health?: () => Health; status?: () => unknown } = {}): Routes {
  return createRoutes({
    metrics: overrides.metrics ?? createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
    health: overrides.health ?? (() => ({ ok: true, reasons: [] })),
    status: overrides.status ?? (() => ({ checks: [{ name: 'portal-home', status: 'ok' }] })),
  });
}

describe('startHttpServer with createRoutes', () => {
  it('serves /metrics as Prometheus text with the registry content type', async () => {
    const server = await startServer(createTestRoutes());
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const reply = await request(`${server.url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.body).toContain('dvc_build_info{version="9.9.9"} 1');
  });

  it('answers /healthz with 200 ok, and 503 with the reasons when the daemon is stuck', async () => {
    let health: Health = { ok: true, reasons: [] };
    const server = await startServer(createTestRoutes({ health: () => health }));
    const healthy = await request(`${server.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(healthy.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(healthy.body)).toEqual({ status: 'ok' });

    health = { ok: false, reasons: ['scheduler loop has not ticked for 93 s'] };
    const stuck = await request(`${server.url}/healthz`);
    expect(stuck.status).toBe(503);
    expect(JSON.parse(stuck.body)).toEqual({ status: 'stuck', reasons: ['scheduler loop has not ticked for 93 s'] });
  });

  it('answers /api/status with the JSON of the status snapshot', async () => {
    const snapshot = { generatedAt: '2026-11-26T08:00:00.000Z', checks: [{ name: 'portal-home', status: 'warning' }] };
    const server = await startServer(createTestRoutes({ status: () => snapshot }));
    const reply = await request(`${server.url}/api/status?pretty=1`);
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(reply.body)).toEqual(snapshot);
  });

  it('answers an unknown path with 404 JSON', async () => {
    const server = await startServer(createTestRoutes());
    for (const path of ['/nope', '/metrics/', '//metrics']) {
      const reply = await request(`${server.url}${path}`);
      expect(reply.status, path).toBe(404);
      expect(JSON.parse(reply.body), path).toEqual({ error: 'not found' });
    }
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const server = await startServer(createTestRoutes());
    const reply = await request(`${server.url}/metrics`, { method: 'POST' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(reply.body)).toEqual({ error: 'method not allowed', allowed: ['GET', 'HEAD'] });
  });

  it('answers HEAD on a GET route with the headers and no body', async () => {
    const server = await startServer(createTestRoutes());
    for (const path of ['/api/status', '/metrics']) {
      const get = await request(`${server.url}${path}`);
      const head = await request(`${server.url}${path}`, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(head.body, path).toBe('');
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
      // A streamed body's length is not known before it is written.
      if (path === '/metrics') expect(head.headers['content-length']).toBeUndefined();
      else expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(get.body));
    }
  });

  it('streams /metrics in chunks, whole, without a content-length', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const server = await startServer(createTestRoutes({ metrics }));
    const reply = await request(`${server.url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.body).toBe((await metrics.render()).body);
  });

  it('gzips /metrics for a client that asks, as Prometheus does, and not for one that does not', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const server = await startServer(createTestRoutes({ metrics }));
    const expected = (await metrics.render()).body;
    const raw = await requestBytes(`${server.url}/metrics`, { 'accept-encoding': 'gzip' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(raw.body).toString()).toBe(expected);
    const plain = await requestBytes(`${server.url}/metrics`, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(expected);
  });

  it('reads Accept-Encoding as HTTP means it', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('br, identity')).toBe(false);
  });

  it('cuts the connection when a streamed body fails halfway, and logs why', async () => {
    const { lines, log } = captureLog();
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('# HELP dvc_partial a first chunk\n');
      throw new Error('store closed while rendering');
    }
    const broken: Metrics = { ...metrics, renderChunks: () => ({ contentType: 'text/plain', chunks: failing() }) };
    const server = await startServer(createTestRoutes({ metrics: broken }), log);
    // A truncated chunked body: the client sees an error, never a short but complete-looking scrape.
    await expect(request(`${server.url}/metrics`)).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
    expect(lines.find((line) => line.msg === 'http handler failed while writing its response')).toMatchObject({ level: 50, path: '/metrics' });
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
  });

  it('turns a throwing handler into 500 JSON and a log line, and keeps serving', async () => {
    const { lines, log } = captureLog();
    const server = await startServer(
      createTestRoutes({
        status: () => {
          throw new Error('status store is closed');
        },
      }),
      log,
    );
    const failed = await request(`${server.url}/api/status`);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ error: 'internal error' });
    expect(failed.body).not.toContain('status store is closed');
    const logged = lines.find((line) => line.msg === 'http handler failed');
    expect(logged).toMatchObject({ level: 50, method: 'GET', path: '/api/status', err: { message: 'status store is closed' } });

    const after = await request(`${server.url}/healthz`);
    expect(after.status).toBe(200);
  });

  it('turns a rejected async handler into 500', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const broken: Metrics = {
      ...metrics,
      renderChunks: () => {
        throw new Error('registry gone');
      },
    };
    const server = await startServer(createTestRoutes({ metrics: broken }));
    expect((await request(`${server.url}/metrics`)).status).toBe(500);
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
  });

  it('rejects with "host:port is already in use" when the port is taken', async () => {
    const first = await startServer(createTestRoutes());
    const attempt = startHttpServer({ host: '127.0.0.1', port: first.port, routes: createTestRoutes(), log: captureLog().log });
    await expect(attempt).rejects.toThrow(`127.0.0.1:${first.port} is already in use`);
    await expect(attempt).rejects.toBeInstanceOf(ListenError);
    await expect(attempt).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect((await request(`${first.url}/healthz`)).status).toBe(200);
  });
});

describe('HttpServer.close', () => {
  it('resolves at once while a client holds an idle keep-alive connection', async () => {
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: createTestRoutes(), log: captureLog().log });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await request(`${server.url}/healthz`, { agent });
      const socket = Object.values(agent.freeSockets).flat()[0];
      expect(socket, 'the agent keeps the connection open').toBeDefined();
      const socketClosed = new Promise<void>((resolve) => socket!.once('close', () => resolve()));

      const started = performance.now();
      await server.close();
      // The in-flight grace is 1 s; an idle socket must not wait for it (Node's keep-alive timeout is 5 s).
      expect(performance.now() - started).toBeLessThan(900);
      await socketClosed;
    } finally {
      agent.destroy();
    }
  });

  it('cuts a request still running after the grace period instead of waiting for it', async () => {
    let renderStarted!: () => void;
    const rendering = new Promise<void>((resolve) => (renderStarted = resolve));
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    // eslint-disable-next-line require-yield -- a body whose first chunk never comes
    async function* never(): AsyncGenerator<Uint8Array> {
      renderStarted();
      await new Promise(() => {});
    }
    const hanging: Metrics = { ...metrics, renderChunks: () => ({ contentType: 'text/plain', chunks: never() }) };
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routes: createTestRoutes({ metrics: hanging }),
      log: captureLog().log,
    });
    const scrape = request(`${server.url}/metrics`);
    await rendering;

    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    await expect(scrape).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('can be called twice', async () => {
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: createTestRoutes(), log: captureLog().log });
    await Promise.all([server.close(), server.close()]);
    await expect(server.close()).resolves.toBeUndefined();
    await expect(request(`${server.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
