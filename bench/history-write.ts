// Benchmark: what probe history costs. Runs the daemon's history writer (store/history-writer.ts)
// and the real store on an injected clock with synthetic probe results, as fast as the machine
// goes, and prints the CPU per probe of recording and writing, the longest write (how long one
// flush holds the event loop), and the bytes a result and a minute take in the file.
//   npx tsx bench/history-write.ts                               # 1,000 checks at 1 s for 60 s
//   npx tsx bench/history-write.ts --checks 1000 --interval 1 --seconds 600   # size run
//   npx tsx bench/history-write.ts --checks 10000 --interval 60 --seconds 600
// Results: 0.5 % fail (timeout, 10 s, or HTTP 503), the rest take 30–300 ms (log-normal around
// 80 ms); every check answers HTTP 200 when healthy. Not part of `npm run bench`.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pino from 'pino';
import type { ProbeResult } from '../src/probes/probe.ts';
import { createHistoryWriter } from '../src/store/history-writer.ts';
import { pruneExpired } from '../src/store/prune.ts';
import { openStore } from '../src/store/store.ts';
import { createSeededRandom } from '../test/support/seeded-random.ts';

const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: '7' },
  },
});
const CHECKS = Number(values.checks);
const INTERVAL_S = Number(values.interval);
const SECONDS = Number(values.seconds);

const random = createSeededRandom(Number(values.seed));
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
function resultOf(): ProbeResult {
  const roll = random();
  if (roll < 0.0025) return { status: 'critical', reason: 'timeout', message: 'no answer before the deadline', durationSeconds: 10, phases: {} };
  if (roll < 0.005) return { status: 'critical', reason: 'http_status', message: 'HTTP 503', durationSeconds: 0.05, phases: {}, httpStatus: 503 };
  const seconds = Math.min(0.3, Math.max(0.03, 0.08 * Math.exp(0.5 * gaussian())));
  return { status: 'ok', message: 'HTTP 200', durationSeconds: seconds, phases: {}, httpStatus: 200 };
}

const dir = mkdtempSync(join(tmpdir(), 'dvc-history-bench-'));
const path = join(dir, 'sentinel.db');
const log = pino({ level: 'silent' });
const startMs = Date.parse('2026-12-01T00:00:00.000Z');
let nowMs = startMs;
const clock = () => new Date(nowMs);
const store = openStore(path, { log, clock });
const writer = createHistoryWriter({ history: store.history, clock, log });
const names = Array.from({ length: CHECKS }, (_, index) => `check-${String(index).padStart(5, '0')}`);
// Each check probes at its own offset inside its interval, as the scheduler spreads them.
const offsetMs = names.map((_, index) => Math.floor((index / CHECKS) * INTERVAL_S * 1000));

let probes = 0;
let recordCpuUs = 0;
let flushCpuUs = 0;
let longestFlushMs = 0;
let longestMinuteFlushMs = 0;
const flushTimes: number[] = [];
const wallStart = performance.now();
for (let second = 0; second < SECONDS; second += 1) {
  const secondStartMs = startMs + second * 1000;
  const cpu = process.cpuUsage();
  for (let index = 0; index < CHECKS; index += 1) {
    const offset = offsetMs[index]!;
    if (Math.floor(offset / 1000) !== second % INTERVAL_S) continue;
    nowMs = secondStartMs + (offset % 1000);
    writer.record(names[index]!, resultOf(), new Date(nowMs));
    probes += 1;
  }
  const recordUsed = process.cpuUsage(cpu);
  recordCpuUs += recordUsed.user + recordUsed.system;
  nowMs = secondStartMs + 1000;
  const flushCpu = process.cpuUsage();
  const started = performance.now();
  writer.flush();
  const tookMs = performance.now() - started;
  const used = process.cpuUsage(flushCpu);
  flushCpuUs += used.user + used.system;
  longestFlushMs = Math.max(longestFlushMs, tookMs);
  flushTimes.push(tookMs);
  if ((second + 1) % 60 === 0) longestMinuteFlushMs = Math.max(longestMinuteFlushMs, tookMs);
}
const wallSeconds = (performance.now() - wallStart) / 1000;
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

// Sizes: every page of each table, after the WAL is folded into the file.
const db = new Database(path);
db.pragma('wal_checkpoint(TRUNCATE)');
const tableBytes = (name: string): number =>
  (
    db
      .prepare('SELECT sum(pgsize) AS bytes FROM dbstat WHERE name = ? OR name IN (SELECT name FROM sqlite_schema WHERE tbl_name = ? AND type = ?)')
      .get(name, name, 'index') as { bytes: number }
  ).bytes;
const rows = (name: string): number => (db.prepare(`SELECT count(*) AS count FROM ${name}`).get() as { count: number }).count;
const rawRows = (db.prepare('SELECT coalesce(sum(count), 0) AS count FROM history_raw').get() as { count: number }).count;
const minuteRows = rows('history_minutes');
const rawBytes = tableBytes('history_raw');
const minuteBytes = tableBytes('history_minutes');
db.close();

// Pruning all but the last minute's raw results from the front, as the hourly pruner does (500
// rows a batch, a row being one second's results).
let longestBatchMs = 0;
let last = performance.now();
const pruned = await pruneExpired(
  store,
  { notifications: 30 * 86400, incidents: 400 * 86400, raw: 1, aggregates: 400 * 86400 },
  new Date(startMs + (SECONDS - 60) * 1000),
  {
    yieldToLoop: async () => {
      longestBatchMs = Math.max(longestBatchMs, performance.now() - last);
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    },
  },
);
store.close();
const fileBytes = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
rmSync(dir, { recursive: true, force: true });

const perResult = rawBytes / rawRows;
const perMinute = minuteBytes / minuteRows;
const cpuPerProbeUs = (recordCpuUs + flushCpuUs) / probes;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
console.log(
  JSON.stringify(
    {
      checks: CHECKS,
      intervalSeconds: INTERVAL_S,
      simulatedSeconds: SECONDS,
      probes,
      wallSeconds: Number(wallSeconds.toFixed(1)),
      cpuPerProbeUs: Number(cpuPerProbeUs.toFixed(2)),
      recordCpuPerProbeUs: Number((recordCpuUs / probes).toFixed(2)),
      flushCpuPerProbeUs: Number((flushCpuUs / probes).toFixed(2)),
      flushMsP50: Number(quantile(flushTimes, 0.5).toFixed(2)),
      flushMsP99: Number(quantile(flushTimes, 0.99).toFixed(2)),
      longestFlushMs: Number(longestFlushMs.toFixed(2)),
      longestMinuteEndFlushMs: Number(longestMinuteFlushMs.toFixed(2)),
      rawRows,
      rawBytesPerResult: Number(perResult.toFixed(1)),
      minuteRows,
      minuteBytesPerRow: Number(perMinute.toFixed(1)),
      fileBytesAfterPrune: fileBytes,
      prunedRawRows: pruned.deleted.raw,
      longestPruneBatchMs: Number(longestBatchMs.toFixed(2)),
    },
    null,
    2,
  ),
);
const resultsPer48h = (CHECKS / INTERVAL_S) * 48 * 3600;
const minutesPerMonthPer100 = 100 * 30 * 1440;
console.log(`raw history for 48 h at this rate: ${resultsPer48h.toLocaleString('en')} results × ${perResult.toFixed(1)} B = ${gb(resultsPer48h * perResult)}`);
console.log(
  `aggregates per 100 checks per 30 days: ${minutesPerMonthPer100.toLocaleString('en')} minutes × ${perMinute.toFixed(1)} B = ${mb(minutesPerMonthPer100 * perMinute)}`,
);
