// System test: a real Prometheus (Debian package `prometheus`, Go's gzip reader) scraping a
// /metrics answer large enough to be compressed in many pieces on several threads
// (src/server/parallel-gzip.ts) reads every series of it, as it reads one zlib stream.
// Everything listens on 127.0.0.1; everything is stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipInParallel } from '../../src/server/parallel-gzip.ts';
import { stopChild } from '../support/cli-process.ts';
import { findExecutable, isRunnable, requireExecutable } from '../support/run-executable.ts';
import { waitFor } from '../support/wait-for.ts';

const SERIES = 20_000;
const prometheusBinary = findExecutable('prometheus');

/** About 2.4 MB of exposition in pieces of about 100 KB, as the daemon's renderer hands them over. */
function exposition(): Buffer[] {
  const pieces: Buffer[] = [Buffer.from('# HELP dvc_gzip_piece_value A value per series.\n# TYPE dvc_gzip_piece_value gauge\n')];
  let lines: string[] = [];
  for (let index = 0; index < SERIES; index += 1) {
    lines.push(`dvc_gzip_piece_value{check="kiem-tra-${index}",system="cong-${index % 17}",location="an-giang"} ${index}`);
    if (lines.length === 1000) {
      pieces.push(Buffer.from(`${lines.join('\n')}\n`));
      lines = [];
    }
  }
  return pieces;
}

describe.skipIf(!isRunnable(prometheusBinary))('Prometheus reading /metrics gzipped in parallel pieces', () => {
  let dir: string;
  let server: http.Server;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let output = '';
  let gzipScrapes = 0;

  beforeAll(async () => {
    const binary = requireExecutable(prometheusBinary, 'prometheus', 'prometheus');
    dir = await mkdtemp(path.join(tmpdir(), 'dvc-system-prometheus-gzip-'));
    const pieces = exposition();
    server = http.createServer((incoming, response) => {
      const gzip = /gzip/.test(incoming.headers['accept-encoding'] ?? '');
      if (gzip) gzipScrapes += 1;
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      void (async () => {
        for await (const piece of gzip ? gzipInParallel(pieces) : pieces) response.write(piece);
        response.end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const configFile = path.join(dir, 'prometheus.yml');
    await writeFile(
      configFile,
      `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n  - job_name: pieces\n    static_configs: [{ targets: ["${target}"] }]\n`,
    );
    const port = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    prometheusUrl = `http://127.0.0.1:${port}`;
    const child = spawn(
      binary,
      [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus = child;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(async () => {
    if (prometheus) await stopChild(prometheus);
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gets every series and every value of the answer', async () => {
    const query = async (promql: string): Promise<number | undefined> => {
      try {
        const response = await request(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
        const body = (await response.body.json()) as { data?: { result: { value: [number, string] }[] } };
        const value = body.data?.result[0]?.value[1];
        return value === undefined ? undefined : Number(value);
      } catch {
        return undefined; // Not listening yet.
      }
    };
    const count = await waitFor(
      'a whole scrape in Prometheus',
      () => query('count(dvc_gzip_piece_value)'),
      (found) => found === SERIES,
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-2000)}`);
    });
    expect(count).toBe(SERIES);
    expect(await query('sum(dvc_gzip_piece_value)')).toBe((SERIES * (SERIES - 1)) / 2);
    expect(await query('up{job="pieces"}')).toBe(1);
    // Prometheus asked for gzip, so what it read was the parallel stream.
    expect(gzipScrapes).toBeGreaterThan(0);
  });
});
