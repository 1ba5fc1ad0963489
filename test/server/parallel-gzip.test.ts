import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { createGunzip, gunzipSync, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { gzipInParallel } from '../../src/server/parallel-gzip.ts';

const run = promisify(execFile);

/** Exposition-like text with enough variety that a wrong piece boundary or dictionary would show. */
function pieces(count: number, linesEach: number): Buffer[] {
  const out: Buffer[] = [];
  let line = 0;
  for (let index = 0; index < count; index += 1) {
    const lines: string[] = [];
    for (let each = 0; each < linesEach; each += 1, line += 1)
      lines.push(`dvc_probe_failures_total{check="kiểm-tra-${line % 997}",system="cổng-${line % 13}",reason="timeout"} ${(line * 7919) % 104729}`);
    out.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  return out;
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of source) out.push(piece);
  return out;
}

describe('gzipInParallel', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('makes one gzip member that gunzips to the exact text, large pieces, small ones and pauses mixed', async () => {
    const input = [...pieces(12, 3000), Buffer.alloc(0), ...pieces(40, 5), Buffer.alloc(0), ...pieces(3, 2500)];
    const text = Buffer.concat(input);
    expect(text.length).toBeGreaterThan(2_000_000);
    const out = await collect(gzipInParallel(input, { parallel: 3 }));
    // Pauses come through as empty pieces, so a writer can still give the event loop a turn.
    expect(out.filter((piece) => piece.length === 0)).toHaveLength(2);
    const gzip = Buffer.concat(out);
    expect(gunzipSync(gzip).equals(text)).toBe(true);
    // One member: the deflate stream between the 10-byte header and the 8-byte trailer is the whole text,
    // and the trailer holds the CRC-32 and the length of all of it.
    expect(inflateRawSync(gzip.subarray(10, gzip.length - 8)).equals(text)).toBe(true);
    expect(gzip.readUInt32LE(gzip.length - 4)).toBe(text.length);
    // Still about as small as one zlib stream at level 1.
    expect(gzip.length).toBeLessThan(text.length / 8);
  });

  it('decodes as a stream, piece by piece, as a scraper reads it', async () => {
    const input = pieces(8, 4000);
    const gunzip = createGunzip();
    const decoded: Buffer[] = [];
    gunzip.on('data', (chunk: Buffer) => decoded.push(chunk));
    const ended = new Promise((resolve, reject) => gunzip.on('end', resolve).on('error', reject));
    for await (const piece of gzipInParallel(input)) gunzip.write(piece);
    gunzip.end();
    await ended;
    expect(Buffer.concat(decoded).equals(Buffer.concat(input))).toBe(true);
  });

  it('makes a valid stream of nothing', async () => {
    expect(gunzipSync(Buffer.concat(await collect(gzipInParallel([])))).length).toBe(0);
  });

  it('is read whole by curl --compressed', async () => {
    const input = pieces(10, 3000);
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      void (async () => {
        for await (const piece of gzipInParallel(input)) response.write(piece);
        response.end();
      })();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { stdout } = await run('curl', ['--silent', '--fail', '--compressed', `http://127.0.0.1:${port}/`], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout.equals(Buffer.concat(input))).toBe(true);
  });
});
