// What a large answer costs in memory: a sync check whose two sides each answer 10 MB of JSON
// (65,000 dossiers, Vietnamese names), in lag mode (one watermark read) and in parity mode (the
// whole list compared by code), and an http check reading one JSON path from the same answer.
// Each case runs in its own process (peak RSS is per process): RSS before the first probe, and
// the peak (getrusage maxrss) over a few probes; the peak moves with when V8 happens to collect,
// so each case runs --runs times and the median and the highest are shown. Not part of
// `npm run bench`:
//   npx tsx bench/body-memory.ts [--probes 3] [--runs 3] [--items 65000]
// Talks to 127.0.0.1 only; each child is bounded in time.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfigWithPositions } from '../src/config/load-config.ts';
import type { ProbeResult } from '../src/probes/probe.ts';
import { runProbe } from '../src/probes/registry.ts';

const CASES = ['sync-lag', 'sync-parity', 'http-json'] as const;
type Case = (typeof CASES)[number];

const { values } = parseArgs({
  options: {
    probes: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    items: { type: 'string', default: '65000' },
    child: { type: 'string' },
    url: { type: 'string' },
  },
});

function answer(items: number): Buffer {
  const list = Array.from({ length: items }, (_, index) => ({
    code: `000.00.${String(index).padStart(6, '0')}.H01`,
    status: (index % 10) + 1,
    name: 'Đăng ký khai sinh cho trẻ em có yếu tố nước ngoài',
    updatedAt: '2026-05-29T14:59:00+07:00',
  }));
  return Buffer.from(JSON.stringify({ lastUpdated: '2026-05-29T15:00:00+07:00', pending: 3, items: list }));
}

function configFor(kind: Case, url: string): string {
  const common = 'timeout: 60s, interval: 120s';
  const side = (path: string) => `{ url: "${url}${path}", watermark: "$.lastUpdated" }`;
  const check =
    kind === 'sync-lag'
      ? `{ name: big, system: sync, kind: sync, ${common}, source: ${side('/a')}, target: ${side('/b')} }`
      : kind === 'sync-parity'
        ? `{ name: big, system: sync, kind: sync, mode: parity, ${common}, source: { url: "${url}/a", value: "$.items" }, target: { url: "${url}/b", value: "$.items" }, expect: { mismatchFor: 15m } }`
        : `{ name: big, system: portal, kind: http, url: "${url}/a", ${common}, expect: { maxBodyBytes: 16MiB, json: [{ path: "$.pending", lte: 10 }] } }`;
  return `defaults: { maxBodyBytes: 16MiB }\nchecks:\n  - ${check}\n`;
}

async function child(kind: Case, url: string, probes: number): Promise<void> {
  const { config } = loadConfigWithPositions('bench.yaml', configFor(kind, url), {});
  const check = config.checks[0]!;
  const log = pino({ level: 'silent' });
  // A first small probe loads and compiles what probing needs (tsx transforms on first import),
  // so that start-up is not counted as the answer's cost.
  const small = loadConfigWithPositions('bench.yaml', configFor(kind, `${url}/small`), {}).config.checks[0]!;
  await runProbe(small, { signal: AbortSignal.timeout(60_000), clock: () => new Date(), log });
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  // getrusage's maxrss is the whole life's peak (start-up included), so RSS is also sampled.
  const startPeak = process.resourceUsage().maxRSS * 1024;
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 2);
  let result: ProbeResult | undefined;
  let previous: ProbeResult | undefined;
  const started = performance.now();
  for (let index = 0; index < probes; index += 1) {
    result = await runProbe(check, { signal: AbortSignal.timeout(60_000), clock: () => new Date(), log, ...(previous ? { previous } : {}) });
    previous = result;
  }
  const seconds = (performance.now() - started) / 1000 / probes;
  clearInterval(sampler);
  const endPeak = process.resourceUsage().maxRSS * 1024;
  const peak = Math.max(sampled, endPeak > startPeak ? endPeak : 0);
  process.stdout.write(JSON.stringify({ kind, status: result?.status, reason: result?.reason ?? null, before, peak, seconds }));
}

async function main(): Promise<void> {
  const probes = Number(values.probes);
  if (values.child !== undefined) return child(values.child as Case, values.url!, probes);
  const body = answer(Number(values.items));
  const small = answer(10);
  const server = createServer((request, response) => {
    const sent = request.url?.startsWith('/small') ? small : body;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(sent.length) });
    response.end(sent);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const script = fileURLToPath(import.meta.url);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(`answer: ${(body.length / 1e6).toFixed(1)} MB per side; ${probes} probes per case; Node ${process.version}`);
  console.log('| case | result | RSS before (median) | peak − before: median | highest | s per probe (median) |');
  console.log('|---|---|---|---|---|---|');
  const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  try {
    for (const kind of CASES) {
      const rows: { status: string; reason: string | null; before: number; peak: number; seconds: number }[] = [];
      for (let run = 0; run < Number(values.runs); run += 1) {
        const out = await new Promise<string>((resolve, reject) =>
          execFile(
            process.execPath,
            ['--expose-gc', '--import', 'tsx', script, '--child', kind, '--url', url, '--probes', String(probes)],
            { timeout: 300_000, maxBuffer: 1 << 20 },
            (error, stdout, stderr) => (error ? reject(new Error(`${kind}: ${error.message}\n${stderr}`)) : resolve(stdout)),
          ),
        );
        rows.push(JSON.parse(out) as (typeof rows)[number]);
      }
      const grown = rows.map((row) => row.peak - row.before);
      const last = rows.at(-1)!;
      console.log(
        `| ${kind} | ${last.status}${last.reason ? ` (${last.reason})` : ''} | ${mb(median(rows.map((row) => row.before)))} MB | ${mb(median(grown))} MB | ${mb(Math.max(...grown))} MB | ${median(rows.map((row) => row.seconds)).toFixed(2)} |`,
      );
    }
  } finally {
    server.close();
  }
}

await main();
