// Benchmark: how big the store grows, per 100 checks per month. Runs the real pipeline's store side
// (check-state rules, the incident book, the store, the pruner with the default retentions) on an
// injected clock, with synthetic probe results, as fast as the machine goes: a month takes minutes.
//   npx tsx bench/store-size.ts                      # 100 checks at 60 s for 60 days
//   npx tsx bench/store-size.ts --days 30 --checks 100 --interval 60 --seed 7
//
// Assumptions (the defaults; each is an option):
// - checks at `--interval` seconds, failureThreshold 2, successThreshold 2, groupWait 10 s,
//   repeatInterval 1 h; mail to the duty address, checks of the national portal to a second one too.
// - outages: each check starts one every `--outage-every-hours` on average (default 72 h: about
//   10 a month), lasting 2-10 min (80 %), 10-60 min (15 %) or 1-6 h (5 %, so reminders go out);
//   and 0.5 % of healthy probes fail alone (below the threshold: no incident).
// - mail leaves within the minute it is due (SMTP up); pending rows of a route go as one mail, as
//   groupInterval 1 m does. Each mail is rendered by the real renderer, as the outbox freezes it.
// - the pruner runs every hour with storage.retention defaults (notifications 30d, incidents 400d).
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pino from 'pino';
import { renderEmail } from '../src/alerting/messages/render-email.ts';
import { createIncidentBook } from '../src/checks/incident-book.ts';
import { resolveConfig, type Check } from '../src/config/config.ts';
import { ConfigInput } from '../src/config/schema.ts';
import type { FailureReason, ProbeResult } from '../src/probes/probe.ts';
import { initialCheckState, nextCheckState } from '../src/state/check-state.ts';
import { pruneExpired } from '../src/store/prune.ts';
import { openStore } from '../src/store/store.ts';
import { createSeededRandom } from '../test/support/seeded-random.ts';

const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '100' },
    interval: { type: 'string', default: '60' },
    days: { type: 'string', default: '60' },
    'outage-every-hours': { type: 'string', default: '72' },
    seed: { type: 'string', default: '7' },
  },
});
const CHECKS = Number(values.checks);
const INTERVAL_S = Number(values.interval);
const DAYS = Number(values.days);
const OUTAGE_EVERY_S = Number(values['outage-every-hours']) * 3600;
const STEP_S = 10;
const DAY_S = 86_400;

const random = createSeededRandom(Number(values.seed));

const SYSTEMS = ['national-portal', 'quantricong', 'payment', 'vneid', 'provincial', 'sync'];
const input = ConfigInput.parse({
  location: 'an-giang',
  defaults: { interval: `${INTERVAL_S}s`, timeout: '10s' },
  alerting: {
    email: { to: ['trucban@angiang.gov.vn'], routes: [{ match: { system: 'national-portal' }, to: ['dvcqg@angiang.gov.vn'] }] },
  },
  checks: Array.from({ length: CHECKS }, (_, index) => ({
    name: `check-${String(index).padStart(3, '0')}`,
    system: SYSTEMS[index % SYSTEMS.length],
    kind: 'http',
    url: `https://host-${index}.angiang.gov.vn/thu-tuc-hanh-chinh`,
  })),
});
const config = resolveConfig('bench.yaml', input, () => '');

const dir = mkdtempSync(join(tmpdir(), 'dvc-store-size-'));
const file = join(dir, 'sentinel.db');
const startMs = Date.parse('2026-06-01T00:00:00.000Z');
let nowMs = startMs;
const clock = (): Date => new Date(nowMs);
const log = pino({ level: 'silent' });
const store = openStore(file, { log, clock });
const book = createIncidentBook({ store, alerting: config.alerting, checks: config.checks, log });

const REASONS: readonly FailureReason[] = [
  'timeout',
  'timeout',
  'timeout',
  'timeout',
  'http_status',
  'http_status',
  'http_status',
  'connect',
  'connect',
  'tls',
];
const MESSAGES: Record<string, string> = {
  timeout: 'no answer before the deadline (during ttfb)',
  http_status: 'HTTP 503 from host.angiang.gov.vn: expected one of 200-399',
  connect: 'connection refused by 203.0.113.10:443',
  tls: 'certificate of host.angiang.gov.vn has expired',
};

function healthy(): ProbeResult {
  const ttfb = 0.15 + random() * 0.5;
  return {
    status: 'ok',
    message: 'HTTP 200 from host.angiang.gov.vn',
    durationSeconds: ttfb + 0.06,
    phases: { dns: 0.004, connect: 0.012, tls: 0.03, ttfb, transfer: 0.01 },
    httpStatus: 200,
  };
}

function failing(reason: FailureReason): ProbeResult {
  return {
    status: 'critical',
    reason,
    message: MESSAGES[reason]!,
    durationSeconds: reason === 'timeout' ? 10 : 0.3,
    phases: reason === 'connect' ? { dns: 0.004 } : { dns: 0.004, connect: 0.012, tls: 0.03 },
    ...(reason === 'http_status' ? { httpStatus: 503 } : {}),
  };
}

function outageLengthS(): number {
  const draw = random();
  if (draw < 0.8) return 120 + random() * 480;
  if (draw < 0.95) return 600 + random() * 3000;
  return 3600 + random() * 5 * 3600;
}

interface Plan {
  readonly check: Check;
  /** Offset of its slot inside the interval, so probes spread as the scheduler spreads them. */
  readonly offsetS: number;
  nextProbeMs: number;
  nextOutageMs: number;
  outageEndMs: number;
  reason: FailureReason;
}
const plans: Plan[] = config.checks.map((check, index) => ({
  check,
  offsetS: (index * INTERVAL_S) / CHECKS,
  nextProbeMs: startMs + ((index * INTERVAL_S) / CHECKS) * 1000,
  nextOutageMs: startMs - Math.log(1 - random()) * OUTAGE_EVERY_S * 1000,
  outageEndMs: 0,
  reason: 'timeout',
}));

let probes = 0;
let mails = 0;
const deliverDue = (): void => {
  const byRoute = new Map<string, ReturnType<typeof store.outbox.pending>>();
  for (const row of store.outbox.pending('email')) {
    if (row.createdAt.getTime() > nowMs) continue;
    byRoute.set(row.route, [...(byRoute.get(row.route) ?? []), row]);
  }
  for (const [route, rows] of byRoute) {
    const batch = rows.map((row) => row.notification);
    const rendered = renderEmail(batch, { locale: 'vi', location: 'an-giang', links: {}, now: clock() });
    const content = { version: 1, to: route.split(','), ...rendered, date: clock().toISOString(), boundary: 'b'.repeat(24), references: [], types: [] };
    store.transaction(() => {
      const delivery = store.outbox.createDelivery({
        channel: 'email',
        route,
        rowIds: rows.map((row) => row.id),
        messageId: `<${rows[0]!.id}@bench>`,
        content,
        now: clock(),
      });
      store.outbox.markDelivered(delivery.id, clock());
    });
    mails += 1;
  }
};

interface Sample {
  readonly day: number;
  readonly fileMB: number;
  readonly walMB: number;
  readonly tables: Record<string, number>;
  readonly rows: Record<string, number>;
  readonly incidents: number;
  readonly mails: number;
}
const samples: Sample[] = [];
const sizeMB = (path: string): number => (existsSync(path) ? statSync(path).size / 1e6 : 0);

function sample(day: number): Sample {
  const reader = new Database(file, { readonly: true });
  try {
    const tables: Record<string, number> = {};
    for (const row of reader.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[]) {
      tables[row.name] = Math.round((row.bytes / 1e6) * 1000) / 1000;
    }
    const rows: Record<string, number> = {};
    for (const table of ['check_state', 'incidents', 'outbox', 'deliveries']) {
      rows[table] = (reader.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    return { day, fileMB: round(sizeMB(file)), walMB: round(sizeMB(`${file}-wal`)), tables, rows, incidents: rows.incidents!, mails };
  } finally {
    reader.close();
  }
}
const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * The longest synchronous piece of pruning (one batch, the last empty one included), per retention:
 * how long it holds the event loop. Wall time, and CPU time (which a busy machine does not inflate).
 */
const longestPruneBatch: Record<string, { wallMs: number; cpuMs: number; batches: number }> = {};
const timedPrune = {
  prune: {
    deleteBatch: (...args: Parameters<typeof store.prune.deleteBatch>): number => {
      const wallStarted = performance.now();
      const cpuStarted = process.cpuUsage();
      const deleted = store.prune.deleteBatch(...args);
      const cpu = process.cpuUsage(cpuStarted);
      const longest = (longestPruneBatch[args[0]] ??= { wallMs: 0, cpuMs: 0, batches: 0 });
      longest.wallMs = Math.max(longest.wallMs, round(performance.now() - wallStarted));
      longest.cpuMs = Math.max(longest.cpuMs, round((cpu.user + cpu.system) / 1000));
      longest.batches += 1;
      return deleted;
    },
  },
};

const started = performance.now();
const endMs = startMs + DAYS * DAY_S * 1000;
let nextPruneMs = startMs + 3600_000;
let nextDeliveryMs = startMs + 60_000;
for (; nowMs < endMs; nowMs += STEP_S * 1000) {
  const stepEndMs = nowMs + STEP_S * 1000;
  for (const plan of plans) {
    while (plan.nextProbeMs < stepEndMs) {
      const at = plan.nextProbeMs;
      plan.nextProbeMs += INTERVAL_S * 1000;
      if (at >= plan.nextOutageMs) {
        plan.outageEndMs = at + outageLengthS() * 1000;
        plan.reason = REASONS[Math.floor(random() * REASONS.length)]!;
        plan.nextOutageMs = plan.outageEndMs - Math.log(1 - random()) * OUTAGE_EVERY_S * 1000;
      }
      const result = at < plan.outageEndMs ? failing(plan.reason) : random() < 0.005 ? failing('timeout') : healthy();
      const atDate = new Date(at);
      const previous = book.states.get(plan.check.name) ?? initialCheckState(atDate);
      const { state, change } = nextCheckState(previous, result, plan.check, atDate);
      book.record(plan.check, state, book.decide(plan.check, state, result, change, atDate), atDate);
      probes += 1;
    }
  }
  book.tick(new Date(stepEndMs));
  if (stepEndMs >= nextDeliveryMs) {
    const saved = nowMs;
    nowMs = stepEndMs;
    deliverDue();
    nowMs = saved;
    nextDeliveryMs += 60_000;
  }
  if (stepEndMs >= nextPruneMs) {
    await pruneExpired(timedPrune, config.retentionSeconds, new Date(stepEndMs));
    nextPruneMs += 3600_000;
  }
  const day = (stepEndMs - startMs) / (DAY_S * 1000);
  if (Number.isInteger(day) && (day % 30 === 0 || day === DAYS)) {
    samples.push(sample(day));
    process.stderr.write(`day ${day}: ${JSON.stringify(samples.at(-1))}\n`);
  }
}
store.close();
const afterClose = { fileMB: round(sizeMB(file)), walMB: round(sizeMB(`${file}-wal`)) };
rmSync(dir, { recursive: true, force: true });

const perMonth = samples.find((each) => each.day === 30);
console.log(
  JSON.stringify(
    {
      checks: CHECKS,
      intervalSeconds: INTERVAL_S,
      days: DAYS,
      outageEveryHours: OUTAGE_EVERY_S / 3600,
      probes,
      seconds: round((performance.now() - started) / 1000),
      samples,
      afterClose,
      firstMonthMB: perMonth && round(perMonth.fileMB + perMonth.walMB),
      longestPruneBatch,
    },
    null,
    2,
  ),
);
