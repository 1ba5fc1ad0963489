// Answers that broke probes on real sockets: JSON nested 100,000 levels deep (a stack overflow on
// every probe), bodies compressed with gzip, deflate or br (never decoded, so bodyContains and
// JSON failed) and a gzip bomb (must end as body_too_large without inflating beyond the cap).
import type { ServerResponse } from 'node:http';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type HttpCheck, type SyncCheck } from '../../src/config/config.ts';
import { compileJsonPath } from '../../src/config/json-path.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { probeHttp } from '../../src/probes/http.ts';
import { probeSync } from '../../src/probes/sync.ts';
import { describeProbeMessage } from '../../src/text/probe-message.ts';
import { startHttpServer, type Handler, type RunningServer } from '../support/http-servers.ts';
import { contextFor } from '../support/probe-context.ts';
import { httpCheck as baseCheck } from '../support/http-check.ts';

const servers: RunningServer[] = [];
async function serve(handler: Handler): Promise<RunningServer> {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function httpCheck(url: string, expect: Partial<HttpCheck['expect']>): HttpCheck {
  return baseCheck(url, { timeoutSeconds: 10, failureThreshold: 1, successThreshold: 1, expect });
}

const LEVELS = 100_000;
const deepJson = (key: string): string => `{"${key}": ${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}}`;

function sendJson(text: string): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(text);
  };
}

describe('JSON nested 100,000 levels deep', () => {
  it('fails an http check with protocol, "JSON lồng quá sâu", and no crash', async () => {
    const server = await serve(sendJson(deepJson('status')));
    const check = httpCheck(`${server.url}/api`, { json: [{ path: compileJsonPath('$.status'), equals: 'ok' }] });
    const result = await probeHttp(check, contextFor(10_000));
    expect(result).toMatchObject({ status: 'critical', reason: 'protocol', detail: { code: 'json_too_deep', params: { maxDepth: 1000 } } });
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toMatch(/^JSON lồng quá sâu từ 127\.0\.0\.1:\d+ \(quá 1\.000 tầng\)$/);
    // The whole result can be stored and shown.
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it('fails a sync check with protocol on the side that sent it', async () => {
    const server = await serve(sendJson(deepJson('lastUpdated')));
    const input = ConfigInput.parse({
      checks: [{ name: 'hoso-sync', system: 'sync', kind: 'sync', timeout: '10s', source: { url: `${server.url}/sync`, watermark: '$.lastUpdated' } }],
    });
    const check = resolveConfig('test.yaml', input, () => '').checks[0] as SyncCheck;
    const result = await probeSync(check, contextFor(10_000));
    expect(result).toMatchObject({
      status: 'critical',
      reason: 'protocol',
      detail: { code: 'sync_side', params: { side: 'source', detail: { code: 'json_too_deep' } } },
    });
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it('still reads JSON nested exactly 1,000 levels', async () => {
    const server = await serve(sendJson(`{"status": "ok", "deep": ${'['.repeat(999)}${']'.repeat(999)}}`));
    const check = httpCheck(`${server.url}/api`, { json: [{ path: compileJsonPath('$.status'), equals: 'ok' }] });
    expect(await probeHttp(check, contextFor(10_000))).toMatchObject({ status: 'ok' });
  });
});

const PAGE = `<html><body><h1>Cổng Dịch vụ công quốc gia</h1>${'<p>thủ tục hành chính</p>'.repeat(200)}</body></html>`;
const JSON_ANSWER = JSON.stringify({ status: 'ok', items: Array.from({ length: 50 }, (_, index) => ({ code: `1.00${index}`, name: 'Đăng ký khai sinh' })) });

const ENCODERS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: (bytes) => gzipSync(bytes),
  deflate: (bytes) => deflateSync(bytes),
  'deflate (raw, as some servers send it)': (bytes) => deflateRawSync(bytes),
  br: (bytes) => brotliCompressSync(bytes),
};

function sendEncoded(body: string, type: string, encoding: string, encode: (bytes: Buffer) => Buffer): Handler {
  return (_request, response: ServerResponse) => {
    const bytes = encode(Buffer.from(body));
    response.writeHead(200, { 'content-type': type, 'content-encoding': encoding, 'content-length': String(bytes.length) });
    response.end(bytes);
  };
}

describe('a compressed answer', () => {
  for (const [name, encode] of Object.entries(ENCODERS)) {
    const encoding = name.split(' ')[0]!;
    it(`is decoded from ${name} for bodyContains and JSON expectations`, async () => {
      const page = await serve(sendEncoded(PAGE, 'text/html; charset=utf-8', encoding, encode));
      const pageResult = await probeHttp(httpCheck(`${page.url}/`, { bodyContains: 'Cổng Dịch vụ công quốc gia' }), contextFor(10_000));
      expect(pageResult).toMatchObject({ status: 'ok', httpStatus: 200 });
      const api = await serve(sendEncoded(JSON_ANSWER, 'application/json', encoding, encode));
      const json = [
        { path: compileJsonPath('$.status'), equals: 'ok' },
        { path: compileJsonPath('$.items[49].code'), equals: '1.0049' },
      ];
      expect(await probeHttp(httpCheck(`${api.url}/api`, { json }), contextFor(10_000))).toMatchObject({ status: 'ok' });
    });
  }

  it('that is not what its header says fails with protocol, naming the encoding', async () => {
    const server = await serve(sendEncoded(PAGE, 'text/html', 'gzip', (bytes) => bytes));
    const result = await probeHttp(httpCheck(`${server.url}/`, { bodyContains: 'Cổng' }), contextFor(10_000));
    expect(result).toMatchObject({ status: 'critical', reason: 'protocol', detail: { code: 'body_undecodable', params: { encoding: 'gzip' } } });
  });

  it('ends as body_too_large when it inflates beyond maxBodyBytes, without inflating the rest (a gzip bomb)', async () => {
    // 32 gzip members of 16 MiB of zeros each: 512 MiB once inflated, half of maxBodyBytes on the wire.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const members = 32;
    let written = 0;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      const next = (): void => {
        while (written < members) {
          written += 1;
          if (!response.write(member)) {
            response.once('drain', next);
            return;
          }
        }
        response.end();
      };
      next();
    });
    const maxBodyBytes = 1024 * 1024;
    const before = process.memoryUsage();
    const started = performance.now();
    const result = await probeHttp(httpCheck(`${server.url}/`, { bodyContains: 'Cổng', maxBodyBytes }), contextFor(20_000));
    const after = process.memoryUsage();
    expect(result).toMatchObject({ status: 'critical', reason: 'body_too_large', detail: { code: 'body_too_large', params: { maxBodyBytes } } });
    // Inflating stopped at the cap: memory grew by far less than the 512 MiB the members hold.
    expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
