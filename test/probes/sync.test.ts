// The sync probe against real sync-status APIs on 127.0.0.1: msw handlers served through the
// simulator's getResponse adapter, a fixed clock, and `previous` threaded by hand between probes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig, type SyncCheck } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeContext, ProbeResult } from '../../src/probes/probe.ts';
import { runProbe } from '../../src/probes/registry.ts';
import { probeSync } from '../../src/probes/sync.ts';
import { serveHandlers, type ServedHandlers } from '../../src/sim/serve-handlers.ts';
import { SAMPLE_DOSSIER_CODE } from '../../src/sim/dossier-flow.ts';
import { describeProbeMessage } from '../../src/text/probe-message.ts';
import { createLeafCertificate, type IssuedCertificate } from '../support/certificates.ts';
import { createFakeClock, startTestSimulator, type TestSimulator } from '../sim/sim-fixture.ts';

// 22:00 in Vietnam on 29/05/2026, the cut-over hour.
const NOW = new Date('2026-05-29T15:00:00Z');
const MINUTE_MS = 60_000;

type Reply = (request: Request) => Response | Promise<Response>;

interface SyncApi {
  readonly server: ServedHandlers;
  /** The sync-status endpoint's URL. */
  readonly url: string;
  readonly requests: { method: string; authorization: string | null; contentType: string | null; body: string }[];
  answer(reply: Reply): void;
}

/** One sync-status API (GET or POST /api/sync/status) whose answer each test sets. */
async function startSyncApi(tls?: IssuedCertificate): Promise<SyncApi> {
  let reply: Reply = () => HttpResponse.json({});
  const requests: SyncApi['requests'] = [];
  const respond = async ({ request }: { request: Request }): Promise<Response> => {
    requests.push({
      method: request.method,
      authorization: request.headers.get('authorization'),
      contentType: request.headers.get('content-type'),
      body: request.method === 'GET' ? '' : await request.clone().text(),
    });
    return reply(request);
  };
  const server = await serveHandlers([http.get('*/api/sync/status', respond), http.post('*/api/sync/status', respond)], {
    host: '127.0.0.1',
    port: 0,
    ...(tls ? { tls: { key: tls.keyPem, cert: tls.certPem } } : {}),
  });
  return {
    server,
    url: `${server.url}/api/sync/status`,
    requests,
    answer: (next) => {
      reply = next;
    },
  };
}

/** "2026-05-29T21:43:00+07:00": how the provincial system prints times. */
function vietnamIso(ms: number): string {
  return `${new Date(ms + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;
}

function minutesBefore(minutes: number, at = NOW): number {
  return at.getTime() - minutes * MINUTE_MS;
}

/** A sync check built the way the daemon builds it: schema, then defaults. */
function syncCheck(fields: Record<string, unknown>, readCa: (file: string) => string = () => ''): SyncCheck {
  const input = ConfigInput.parse({ checks: [{ name: 'hoso-sync', system: 'sync', kind: 'sync', timeout: '5s', ...fields }] });
  const check = resolveConfig('test.yaml', input, readCa).checks[0];
  if (check?.kind !== 'sync') throw new Error('expected a sync check');
  return check;
}

function contextAt(now: Date, previous?: ProbeResult, timeoutMs = 5000): ProbeContext {
  return { signal: AbortSignal.timeout(timeoutMs), clock: () => now, log: pino({ level: 'silent' }), ...(previous ? { previous } : {}) };
}

function hostOf(api: SyncApi): string {
  return new URL(api.url).host;
}

let source: SyncApi;
let target: SyncApi;

beforeAll(async () => {
  [source, target] = await Promise.all([startSyncApi(), startSyncApi()]);
});

afterAll(async () => {
  await Promise.all([source.server.close(), target.server.close()]);
});

beforeEach(() => {
  source.requests.length = 0;
  target.requests.length = 0;
});

afterEach(async () => {
  await Promise.all([source.server.resume(), target.server.resume()]);
});

/** The check of the issue: provincial ISO times against national epoch milliseconds. */
function twoSided(expect: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): SyncCheck {
  return syncCheck({
    source: { url: source.url, headers: { Authorization: 'Bearer test-token' }, watermark: '$.data.lastUpdated' },
    target: { url: target.url, watermark: '$.lastSyncedAt' },
    backlog: '$.data.pending',
    expect: { lag: { warn: '5m', critical: '15m' }, backlog: { warn: 50, critical: 500 }, ...expect },
    ...extra,
  });
}

function answerWatermarks(sourceMs: number, targetMs: number, pending = 3): void {
  source.answer(() => HttpResponse.json({ data: { lastUpdated: vietnamIso(sourceMs), pending } }));
  target.answer(() => HttpResponse.json({ lastSyncedAt: targetMs }));
}

describe('probeSync, two-sided lag', () => {
  it('computes source − target across formats and reports critical sync_lag with lag and backlog in words', async () => {
    answerWatermarks(minutesBefore(1), minutesBefore(18), 612);
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.status).toBe('critical');
    expect(result.reason).toBe('sync_lag');
    expect(result.message).toBe('sync lag 17 min (critical at 15 min), 612 dossiers waiting (critical at 500)');
    // Mails and the status page word the same finding from its code.
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toBe(
      'đồng bộ chậm 17 phút (nghiêm trọng từ 15 phút), 612 hồ sơ đang chờ (nghiêm trọng từ 500)',
    );
    expect(result.sync).toEqual({
      mode: 'lag',
      unit: 'seconds',
      lag: 17 * 60,
      backlog: 612,
      sourceWatermark: minutesBefore(1) / 1000,
      targetWatermark: minutesBefore(18) / 1000,
      sourceMovedAt: NOW.getTime(),
      targetMovedAt: NOW.getTime(),
    });
    expect(result.httpStatus).toBe(200);
    expect(result.phases.connect).toBeGreaterThan(0);
    expect(result.phases.ttfb).toBeGreaterThan(0);
    expect(result.durationSeconds).toBeGreaterThanOrEqual(result.phases.connect! + result.phases.ttfb!);
    expect(source.requests).toEqual([{ method: 'GET', authorization: 'Bearer test-token', contentType: null, body: '' }]);
    expect(target.requests.map((request) => request.authorization)).toEqual([null]);
  });

  it.each([
    ['ok under warn', 2, 10, 'ok', 'sync lag 2 min, 10 dossiers waiting'],
    ['warning at warn', 5, 10, 'warning', 'sync lag 5 min (warning at 5 min), 10 dossiers waiting'],
    ['critical at critical', 15, 10, 'critical', 'sync lag 15 min (critical at 15 min), 10 dossiers waiting'],
    ['backlog warning alone', 1, 50, 'warning', 'sync lag 1 min, 50 dossiers waiting (warning at 50)'],
    ['backlog critical over a lag warning', 6, 700, 'critical', 'sync lag 6 min (warning at 5 min), 700 dossiers waiting (critical at 500)'],
    ['one dossier', 0.5, 1, 'ok', 'sync lag 30 s, 1 dossier waiting'],
  ] as const)('%s', async (_, lagMinutes, pending, status, message) => {
    answerWatermarks(minutesBefore(0), minutesBefore(lagMinutes), pending);
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect([result.status, result.reason, result.message]).toEqual([status, status === 'ok' ? undefined : 'sync_lag', message]);
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toMatch(/^đồng bộ chậm .*hồ sơ đang chờ/);
  });

  it('reports lag 0 and no error when the target is ahead of the source', async () => {
    answerWatermarks(minutesBefore(10), minutesBefore(7));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.status).toBe('ok');
    expect(result.reason).toBeUndefined();
    expect(result.sync?.lag).toBe(0);
    expect(result.message).toBe('sync lag 0 s (target ahead of source by 3 min), 3 dossiers waiting');
  });

  it('counts a backlog given as a list by its length', async () => {
    source.answer(() => HttpResponse.json({ data: { lastUpdated: vietnamIso(NOW.getTime()), pending: [{ code: 'a' }, { code: 'b' }] } }));
    target.answer(() => HttpResponse.json({ lastSyncedAt: NOW.getTime() }));
    const result = await probeSync(twoSided({ backlog: { warn: 2 } }), contextAt(NOW));
    expect(result.sync?.backlog).toBe(2);
    expect(result.status).toBe('warning');
  });

  it('sends a POST with a JSON body when the side has one', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(0));
    const check = syncCheck({
      source: { url: source.url, body: { madonvi: 'G22', service: 'TraCuuHoSo' }, watermark: '$.data.lastUpdated' },
      target: { url: target.url, watermark: '$.lastSyncedAt' },
    });
    const result = await probeSync(check, contextAt(NOW));
    expect(result.status).toBe('ok');
    expect(source.requests).toEqual([
      { method: 'POST', authorization: null, contentType: 'application/json', body: '{"madonvi":"G22","service":"TraCuuHoSo"}' },
    ]);
  });

  it('runs through the registry, which knows the sync kind', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(1));
    const result = await runProbe(twoSided(), contextAt(NOW));
    expect(result.sync?.lag).toBe(60);
  });
});

describe('probeSync, one-sided lag', () => {
  const oneSided = (fields: Record<string, unknown> = {}) =>
    syncCheck({
      source: { url: source.url, watermark: '$.data.lastSyncedAt' },
      expect: { lag: { warn: '5m', critical: '15m' } },
      ...fields,
    });

  it('measures now − source watermark with the probe clock', async () => {
    source.answer(() => HttpResponse.json({ data: { lastSyncedAt: String(minutesBefore(20) / 1000) } }));
    const result = await probeSync(oneSided(), contextAt(NOW));
    expect(result.status).toBe('critical');
    expect(result.message).toBe('sync lag 20 min (critical at 15 min)');
    expect(result.sync).toMatchObject({ mode: 'lag', unit: 'seconds', lag: 1200, sourceWatermark: minutesBefore(20) / 1000 });
    expect(result.sync?.targetWatermark).toBeUndefined();
    expect(target.requests).toEqual([]);
  });

  it('takes a time without offset as Vietnam time', async () => {
    source.answer(() => HttpResponse.json({ data: { lastSyncedAt: vietnamIso(minutesBefore(3)).slice(0, 19) } }));
    const result = await probeSync(oneSided(), contextAt(NOW));
    expect(result.sync?.lag).toBe(180);
  });

  it('reports lag 0 for a watermark in the future, with a hint about clocks and time zones', async () => {
    // A UTC time printed without offset is read as Vietnam time: 7 h in the future here.
    source.answer(() => HttpResponse.json({ data: { lastSyncedAt: '2026-05-29T22:00:00' } }));
    const utcAsLocal = await probeSync(oneSided(), contextAt(new Date('2026-05-29T08:00:00Z')));
    expect(utcAsLocal.status).toBe('ok');
    expect(utcAsLocal.sync?.lag).toBe(0);
    expect(utcAsLocal.message).toBe('sync lag 0 s (the source watermark is 7 h in the future: a clock or time-zone mismatch?)');
  });

  describe('emptyMeans', () => {
    const oldestUnsynced = (emptyMeans?: string) =>
      syncCheck({
        source: { url: source.url, headers: { Authorization: 'Bearer t' }, watermark: '$.data.oldestUnsyncedAt' },
        ...(emptyMeans ? { emptyMeans } : {}),
        expect: { lag: { warn: '5m', critical: '15m' } },
      });

    it.each([
      ['null', { data: { oldestUnsyncedAt: null } }],
      ['absent', { data: {} }],
      ['an empty string', { data: { oldestUnsyncedAt: '' } }],
    ])('caughtUp: %s means nothing is waiting, lag 0', async (_, body) => {
      source.answer(() => HttpResponse.json(body));
      const result = await probeSync(oldestUnsynced('caughtUp'), contextAt(NOW));
      expect(result.status).toBe('ok');
      expect(result.sync).toEqual({ mode: 'lag', unit: 'seconds', lag: 0 });
      expect(result.message).toBe('sync lag 0 s (nothing waiting: $.data.oldestUnsyncedAt is empty)');
    });

    it('caughtUp: the age of the oldest unsynced dossier is the lag', async () => {
      source.answer(() => HttpResponse.json({ data: { oldestUnsyncedAt: vietnamIso(minutesBefore(16)) } }));
      const result = await probeSync(oldestUnsynced('caughtUp'), contextAt(NOW));
      expect([result.status, result.sync?.lag]).toEqual(['critical', 960]);
    });

    it('error (the default): null is an assertion failure naming the path', async () => {
      source.answer(() => HttpResponse.json({ data: { oldestUnsyncedAt: null } }));
      const result = await probeSync(oldestUnsynced(), contextAt(NOW));
      expect(result.status).toBe('critical');
      expect(result.reason).toBe('assertion');
      expect(result.message).toBe(`source: $.data.oldestUnsyncedAt is null in the JSON from ${hostOf(source)}`);
    });
  });
});

describe('probeSync, unit count', () => {
  const counters = () =>
    syncCheck({
      unit: 'count',
      source: { url: source.url, watermark: '$.data.seq' },
      target: { url: target.url, watermark: '$.seq' },
      expect: { lag: { warn: 100, critical: 1000 } },
    });

  it('measures the lag in items', async () => {
    source.answer(() => HttpResponse.json({ data: { seq: 1500 } }));
    target.answer(() => HttpResponse.json({ seq: '1380' }));
    const result = await probeSync(counters(), contextAt(NOW));
    expect(result.status).toBe('warning');
    expect(result.reason).toBe('sync_lag');
    expect(result.message).toBe('sync lag 120 items (warning at 100 items)');
    expect(result.sync).toMatchObject({ mode: 'lag', unit: 'items', lag: 120, sourceWatermark: 1500, targetWatermark: 1380 });
  });

  it('treats a target counter ahead of the source as lag 0', async () => {
    source.answer(() => HttpResponse.json({ data: { seq: 10 } }));
    target.answer(() => HttpResponse.json({ seq: 11 }));
    const result = await probeSync(counters(), contextAt(NOW));
    expect([result.status, result.sync?.lag]).toEqual(['ok', 0]);
  });

  it('refuses a counter that is not a whole number, as protocol', async () => {
    source.answer(() => HttpResponse.json({ data: { seq: 10.5 } }));
    target.answer(() => HttpResponse.json({ seq: 11 }));
    const result = await probeSync(counters(), contextAt(NOW));
    expect(result.reason).toBe('protocol');
    expect(result.message).toBe(`source: $.data.seq from ${hostOf(source)} is 10.5, not a count (a whole number, 0 or more)`);
  });
});

describe('probeSync, stalled', () => {
  const stallCheck = () => twoSided({ lag: undefined, backlog: undefined, stalled: '30m' });

  /** Probes at each minute mark in turn, the source moving to `sourceAt(minute)`, the target to `targetAt(minute)`. */
  async function probeAlong(steps: readonly { minute: number; source: number; target: number; targetDown?: boolean }[]): Promise<ProbeResult[]> {
    const results: ProbeResult[] = [];
    for (const step of steps) {
      const at = new Date(NOW.getTime() + step.minute * MINUTE_MS);
      source.answer(() => HttpResponse.json({ data: { lastUpdated: vietnamIso(NOW.getTime() + step.source * MINUTE_MS), pending: 1 } }));
      target.answer(() =>
        step.targetDown
          ? HttpResponse.json({ error: 'maintenance' }, { status: 503 })
          : HttpResponse.json({ lastSyncedAt: NOW.getTime() + step.target * MINUTE_MS }),
      );
      results.push(await probeSync(stallCheck(), contextAt(at, results.at(-1))));
    }
    return results;
  }

  it('goes critical once the target has stood still for `stalled` while the source moved, and recovers when it moves', async () => {
    const results = await probeAlong([
      { minute: 0, source: 0, target: -1 },
      { minute: 10, source: 10, target: -1 },
      { minute: 29, source: 29, target: -1 },
      { minute: 32, source: 32, target: -1 },
      { minute: 33, source: 33, target: 32 },
    ]);
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok', 'critical', 'ok']);
    expect(results[3]!.reason).toBe('sync_lag');
    expect(results[3]!.message).toBe(
      'target watermark has not moved for 32 min while the source moved (critical at 30 min); sync lag 33 min, 1 dossier waiting',
    );
    expect(results[3]!.sync).toMatchObject({ sourceMovedAt: NOW.getTime() + 32 * MINUTE_MS, targetMovedAt: NOW.getTime() });
    expect(results[4]!.sync?.targetMovedAt).toBe(NOW.getTime() + 33 * MINUTE_MS);
  });

  it('does not call a quiet night a stall: neither watermark moves', async () => {
    const results = await probeAlong([
      { minute: 0, source: -5, target: -6 },
      { minute: 40, source: -5, target: -6 },
      { minute: 90, source: -5, target: -6 },
    ]);
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('keeps timing the stall across a probe in which the target failed', async () => {
    const results = await probeAlong([
      { minute: 0, source: 0, target: -1 },
      { minute: 10, source: 10, target: -1 },
      { minute: 20, source: 20, target: -1, targetDown: true },
      { minute: 31, source: 31, target: -1 },
    ]);
    expect(results.map((result) => result.reason)).toEqual([undefined, undefined, 'http_status', 'sync_lag']);
    expect(results[2]!.sync).toEqual({
      mode: 'lag',
      unit: 'seconds',
      sourceWatermark: (NOW.getTime() + 10 * MINUTE_MS) / 1000,
      targetWatermark: (NOW.getTime() - MINUTE_MS) / 1000,
      sourceMovedAt: NOW.getTime() + 10 * MINUTE_MS,
      targetMovedAt: NOW.getTime(),
    });
    expect(results[3]!.message).toContain('target watermark has not moved for 31 min');
  });

  it('ignores a previous result from another mode (a reload changed the check)', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(40));
    const parityBefore: ProbeResult = {
      status: 'ok',
      message: 'x',
      durationSeconds: 0,
      phases: {},
      sync: { mode: 'parity', unit: 'seconds', sourceMovedAt: 0, targetMovedAt: 0 },
    };
    const result = await probeSync(stallCheck(), contextAt(NOW, parityBefore));
    expect(result.status).toBe('ok');
    expect(result.sync?.targetMovedAt).toBe(NOW.getTime());
  });
});

describe('probeSync, parity', () => {
  const parity = (compare: 'exact' | 'dossierStatus', sourcePath: string, targetPath: string) =>
    syncCheck({
      mode: 'parity',
      compare,
      source: { url: source.url, value: sourcePath },
      target: { url: target.url, value: targetPath },
      expect: { mismatchFor: '15m' },
    });

  async function probeAt(check: SyncCheck, minute: number, previous?: ProbeResult): Promise<ProbeResult> {
    return probeSync(check, contextAt(new Date(NOW.getTime() + minute * MINUTE_MS), previous));
  }

  describe('exact', () => {
    const check = () => parity('exact', '$.data.total', '$.total');

    it('agrees when a number and its text are the same', async () => {
      source.answer(() => HttpResponse.json({ data: { total: 1234 } }));
      target.answer(() => HttpResponse.json({ total: '1234' }));
      const result = await probeAt(check(), 0);
      expect(result.status).toBe('ok');
      expect(result.message).toBe('source and target agree (1234)');
      expect(result.sync).toEqual({ mode: 'parity', unit: 'seconds', mismatchCount: 0, comparedCount: 1 });
    });

    it('times a mismatch across probes: ok while young, critical at mismatchFor, clear when equal again', async () => {
      source.answer(() => HttpResponse.json({ data: { total: 1234 } }));
      target.answer(() => HttpResponse.json({ total: 1230 }));
      const first = await probeAt(check(), 0);
      expect(first.status).toBe('ok');
      expect(first.message).toBe('source and target differ for 0 s (allowed 15 min): source 1234, target 1230');
      expect(first.sync).toMatchObject({ mismatchSince: NOW.getTime(), mismatchSeconds: 0, mismatchCount: 1 });

      const second = await probeAt(check(), 10, first);
      expect([second.status, second.sync?.mismatchSeconds]).toEqual(['ok', 600]);

      const third = await probeAt(check(), 15, second);
      expect(third.status).toBe('critical');
      expect(third.reason).toBe('sync_lag');
      expect(third.message).toBe('source and target differ for 15 min (critical at 15 min): source 1234, target 1230');
      expect(describeProbeMessage(third.detail, third.message, 'vi')).toBe(
        'bên nguồn và bên đích lệch nhau đã 15 phút (nghiêm trọng từ 15 phút): nguồn 1234, đích 1230',
      );

      target.answer(() => HttpResponse.json({ total: 1234 }));
      const fourth = await probeAt(check(), 16, third);
      expect(fourth.status).toBe('ok');
      expect(fourth.sync?.mismatchSince).toBeUndefined();
      expect(fourth.sync?.mismatchSeconds).toBeUndefined();
    });

    it('compares objects whole, whatever the key order', async () => {
      source.answer(() => HttpResponse.json({ data: { total: { a: 1, b: [1, 2] } } }));
      target.answer(() => HttpResponse.json({ total: { b: [1, 2], a: 1 } }));
      expect((await probeAt(check(), 0)).status).toBe('ok');
    });

    it('refuses to compare a list by code with a single value, as protocol', async () => {
      source.answer(() => HttpResponse.json({ data: { total: [{ code: 'A', status: 1 }] } }));
      target.answer(() => HttpResponse.json({ total: 1 }));
      const result = await probeAt(check(), 0);
      expect(result.reason).toBe('protocol');
      expect(result.message).toBe('source $.data.total is a list of items with a code, target $.total is a single value: they cannot be compared');
    });
  });

  describe('dossierStatus', () => {
    const check = () => parity('dossierStatus', '$.data.dossiers', '$.dossiers');
    const provincial = (dossiers: [string, number][]) =>
      source.answer(() => HttpResponse.json({ data: { dossiers: dossiers.map(([code, status]) => ({ code, status, statusName: 'x' })) } }));
    const national = (dossiers: [string, string][]) =>
      target.answer(() => HttpResponse.json({ dossiers: dossiers.map(([code, status]) => ({ code, status })) }));

    it('matches provincial codes 1-10 with national names, dossier by dossier', async () => {
      provincial([
        ['G22-0001', 1],
        ['G22-0002', 4],
        ['G22-0003', 10],
      ]);
      national([
        ['G22-0003', 'done'],
        ['G22-0001', 'receiving'],
        ['G22-0002', 'processing'],
      ]);
      const result = await probeAt(check(), 0);
      expect(result.status).toBe('ok');
      expect(result.message).toBe('source and target agree on all 3 dossiers');
      expect(result.sync).toMatchObject({ mismatchCount: 0, comparedCount: 3 });
    });

    it('times each dossier apart, so the oldest difference decides, and lists the differences', async () => {
      provincial([
        ['A', 4],
        ['B', 5],
        ['C', 2],
      ]);
      national([
        ['A', 'processing'],
        ['B', 'processing'],
      ]);
      const first = await probeAt(check(), 0);
      expect(first.status).toBe('ok');
      expect(first.message).toBe('2 of 3 dossiers differ, the oldest for 0 s (allowed 15 min): B waiting ≠ processing; C not on target');
      expect(first.sync?.mismatchSinceByKey).toEqual({ B: NOW.getTime(), C: NOW.getTime() });

      // C arrives; B still differs; a new dossier D is not on the national side yet.
      provincial([
        ['A', 4],
        ['B', 5],
        ['C', 2],
        ['D', 1],
      ]);
      national([
        ['A', 'processing'],
        ['B', 'processing'],
        ['C', 'new'],
      ]);
      const second = await probeAt(check(), 10, first);
      expect(second.sync?.mismatchSinceByKey).toEqual({ B: NOW.getTime(), D: NOW.getTime() + 10 * MINUTE_MS });

      const third = await probeAt(check(), 16, second);
      expect(third.status).toBe('critical');
      expect(third.reason).toBe('sync_lag');
      expect(third.message).toBe('2 of 4 dossiers differ, the oldest for 16 min (critical at 15 min): B waiting ≠ processing; D not on target');
      expect(third.sync).toMatchObject({ mismatchCount: 2, comparedCount: 4, mismatchSince: NOW.getTime(), mismatchSeconds: 960 });
    });

    it('takes the source list as the reference: dossiers only the target lists are ignored', async () => {
      provincial([
        ['B', 4],
        ['C', 1],
      ]);
      national([
        ['A', 'done'],
        ['B', 'processing'],
        ['C', 'receiving'],
      ]);
      const result = await probeAt(check(), 0);
      expect(result.status).toBe('ok');
      expect(result.message).toBe('source and target agree on all 2 dossiers');
      expect(result.sync).toMatchObject({ mismatchCount: 0, comparedCount: 2 });
    });

    it('never adds up short differences on a busy list: each dossier syncs within minutes', async () => {
      let previous: ProbeResult | undefined;
      const statuses: string[] = [];
      for (let minute = 0; minute <= 40; minute += 5) {
        // Every probe sees one fresh dossier not yet on the national side.
        const synced = Array.from({ length: minute / 5 }, (_, index): [string, number] => [`D${index}`, 2]);
        provincial([...synced, [`D${minute / 5}`, 1]]);
        national(synced.map(([code]) => [code, 'new']));
        previous = await probeAt(check(), minute, previous);
        statuses.push(previous.status);
      }
      expect(statuses.every((status) => status === 'ok')).toBe(true);
      expect(previous?.sync?.mismatchCount).toBe(1);
    });

    it('compares single values too, showing national names', async () => {
      source.answer(() => HttpResponse.json({ data: { status: 5 } }));
      target.answer(() => HttpResponse.json({ status: 'Processing' }));
      const result = await probeAt(parity('dossierStatus', '$.data.status', '$.status'), 0);
      expect(result.message).toBe('source and target differ for 0 s (allowed 15 min): source waiting, target processing');
    });

    it('refuses a status outside 1-10 and the national names, as protocol', async () => {
      provincial([['A', 11]]);
      national([['A', 'processing']]);
      const result = await probeAt(check(), 0);
      expect(result.reason).toBe('protocol');
      expect(result.message).toBe(`source: status of A ($.data.dossiers from ${hostOf(source)}) is 11, not a dossier status (1-10, or receiving, new, … done)`);
    });

    it('keeps the mismatch clock through a failed probe', async () => {
      provincial([['A', 5]]);
      national([['A', 'processing']]);
      const first = await probeAt(check(), 0);
      target.answer(() => new HttpResponse('<html>oops</html>', { status: 502 }));
      const second = await probeAt(check(), 5, first);
      expect(second.reason).toBe('http_status');
      expect(second.sync).toEqual({ mode: 'parity', unit: 'seconds', mismatchSince: NOW.getTime(), mismatchSinceByKey: { A: NOW.getTime() } });
      national([['A', 'processing']]);
      const third = await probeAt(check(), 15, second);
      expect(third.status).toBe('critical');
    });
  });
});

describe('probeSync, failures', () => {
  it('names the side in an HTTP status failure, and keeps the source phases', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(0));
    target.answer(() => new HttpResponse('Service Unavailable', { status: 503 }));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.status).toBe('critical');
    expect(result.reason).toBe('http_status');
    expect(result.message).toBe(`target: HTTP 503 from ${hostOf(target)}`);
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toBe(`bên đích: ${hostOf(target)} trả về mã lỗi HTTP 503`);
    expect(result.httpStatus).toBe(503);
    expect(result.phases.ttfb).toBeGreaterThan(0);
    expect(result.sync).toEqual({ mode: 'lag', unit: 'seconds' });
  });

  it('reports a refused connection on the target as connect', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(0));
    await target.server.suspend();
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.reason).toBe('connect');
    expect(result.message).toMatch(/^target: .*refused/);
    expect(result.httpStatus).toBeUndefined();
  });

  it('gives the source reason and names both sides when both fail', async () => {
    source.answer(() => new HttpResponse('no', { status: 500 }));
    await target.server.suspend();
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.reason).toBe('http_status');
    expect(result.message).toMatch(new RegExp(`^source: HTTP 500 from ${hostOf(source)}; target: .*refused`));
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toMatch(
      new RegExp(`^bên nguồn: ${hostOf(source)} trả về mã lỗi HTTP 500; bên đích: .* từ chối kết nối`),
    );
  });

  it('recognises the portal firewall on a side as blocked', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(0));
    target.answer(() => new HttpResponse('<html>Request Rejected</html>', { status: 403 }));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.reason).toBe('blocked');
    expect(result.message).toMatch(/^target: the firewall/);
  });

  it('treats a body that is not JSON as protocol', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(0));
    source.answer(() => new HttpResponse('<html>login</html>', { headers: { 'content-type': 'text/html' } }));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.reason).toBe('protocol');
    expect(result.message).toMatch(new RegExp(`^source: body from ${hostOf(source)} is not valid JSON \\(`));
  });

  it('treats a missing watermark path as assertion, naming side, path and host', async () => {
    answerWatermarks(minutesBefore(0), minutesBefore(0));
    target.answer(() => HttpResponse.json({ lastSynced: 1 }));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.reason).toBe('assertion');
    expect(result.message).toBe(`target: $.lastSyncedAt is absent in the JSON from ${hostOf(target)}`);
  });

  it('treats a missing backlog path as assertion', async () => {
    source.answer(() => HttpResponse.json({ data: { lastUpdated: vietnamIso(NOW.getTime()) } }));
    target.answer(() => HttpResponse.json({ lastSyncedAt: NOW.getTime() }));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.message).toBe(`source: $.data.pending is absent in the JSON from ${hostOf(source)}`);
  });

  it('treats an unreadable watermark as protocol, quoting the value', async () => {
    source.answer(() => HttpResponse.json({ data: { lastUpdated: 'hôm qua', pending: 0 } }));
    target.answer(() => HttpResponse.json({ lastSyncedAt: NOW.getTime() }));
    const result = await probeSync(twoSided(), contextAt(NOW));
    expect(result.reason).toBe('protocol');
    expect(result.message).toMatch(new RegExp(`^source: \\$\\.data\\.lastUpdated from ${hostOf(source)} is "hôm qua", not a time`));
  });

  it('ends at the deadline with reason timeout when a side never answers, fetching both sides at once', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let sourceAnsweredAt = 0;
    source.answer(() => {
      sourceAnsweredAt = performance.now();
      return HttpResponse.json({ data: { lastUpdated: vietnamIso(NOW.getTime()), pending: 0 } });
    });
    target.answer(async () => {
      await held;
      return HttpResponse.json({ lastSyncedAt: NOW.getTime() });
    });
    const check = syncCheck({
      timeout: '600ms',
      source: { url: source.url, watermark: '$.data.lastUpdated' },
      target: { url: target.url, watermark: '$.lastSyncedAt' },
    });
    const startedAt = performance.now();
    try {
      const result = await probeSync(check, contextAt(NOW, undefined, 600));
      expect(result.reason).toBe('timeout');
      expect(result.message).toMatch(/^target: no answer before the deadline/);
      expect(result.durationSeconds).toBeGreaterThanOrEqual(0.5);
      expect(result.durationSeconds).toBeLessThan(3);
      // The source was asked while the target hung, not after it.
      expect(sourceAnsweredAt - startedAt).toBeLessThan(550);
    } finally {
      release();
    }
  });
});

describe('probeSync over HTTPS', () => {
  let certificate: IssuedCertificate;
  let secure: SyncApi;

  beforeAll(async () => {
    certificate = await createLeafCertificate({ names: ['127.0.0.1'], notAfter: new Date(Date.now() + 5 * 86_400_000) });
    secure = await startSyncApi(certificate);
    secure.answer(() => HttpResponse.json({ lastSyncedAt: Date.now() }));
  });

  afterAll(async () => {
    await secure.server.close();
  });

  const secureTarget = (tls: Record<string, unknown>) =>
    syncCheck(
      {
        source: { url: source.url, watermark: '$.data.lastUpdated' },
        target: { url: secure.url, watermark: '$.lastSyncedAt', tls },
      },
      () => certificate.certPem,
    );

  it('refuses an untrusted certificate on the target as tls', async () => {
    answerWatermarks(Date.now(), Date.now());
    const result = await probeSync(secureTarget({}), contextAt(new Date()));
    expect(result.reason).toBe('tls');
    expect(result.message).toMatch(/^target: /);
  });

  it('trusts a caFile, reports the certificate, and warns when it nears minDaysLeft', async () => {
    // Whole seconds on both sides, so the lag is exactly 0.
    const at = Math.floor(Date.now() / 1000) * 1000;
    answerWatermarks(at, at);
    secure.answer(() => HttpResponse.json({ lastSyncedAt: at }));
    const result = await probeSync(secureTarget({ caFile: 'test-ca.pem', minDaysLeft: 14 }), contextAt(new Date()));
    expect(result.status).toBe('warning');
    expect(result.reason).toBe('tls');
    expect(result.message).toMatch(new RegExp(`^target: ${secure.server.host}:${secure.server.port}: certificate expires in \\d days .*; sync lag 0 s$`));
    expect(result.tls?.daysLeft).toBeLessThanOrEqual(5);
    expect(result.sync?.lag).toBe(0);
  });
});

describe('kind: sync in the config file', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'dvc-sync-config-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function load(lines: readonly string[]) {
    const file = path.join(directory, `config-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, `${lines.join('\n')}\n`);
    return loadConfig(file, { IGATE_TOKEN: 'secret-token' });
  }

  async function issuesOf(lines: readonly string[]): Promise<[number | undefined, string, string][]> {
    try {
      await load(lines);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues.map((issue) => [issue.line, issue.path, issue.message]);
    }
    throw new Error('expected the config to be refused');
  }

  it('reads the example of the issue, with defaults applied', async () => {
    const { config, secrets } = await load([
      'checks:',
      '  - name: hoso-sync',
      '    system: sync',
      '    kind: sync',
      '    source:',
      '      url: https://igate.example/api/sync/status',
      '      headers: { Authorization: "Bearer ${IGATE_TOKEN}" }',
      '      watermark: "$.data.lastUpdated"',
      '    target:',
      '      url: https://dvcqg.example/api/sync/status',
      '      watermark: "$.lastSyncedAt"',
      '    backlog: "$.data.pending"',
      '    expect:',
      '      lag: { warn: 5m, critical: 15m }',
      '      backlog: { warn: 50, critical: 500 }',
      '      stalled: 30m',
    ]);
    const check = config.checks[0] as SyncCheck;
    expect(secrets).toEqual(['secret-token']);
    expect(check).toMatchObject({
      kind: 'sync',
      mode: 'lag',
      unit: 'time',
      emptyMeans: 'error',
      compare: 'exact',
      source: {
        url: 'https://igate.example/api/sync/status',
        method: 'GET',
        headers: { authorization: 'Bearer secret-token' },
        ipFamily: 4,
        tls: { verify: true },
      },
      target: { url: 'https://dvcqg.example/api/sync/status', method: 'GET' },
      expect: { lag: { warn: 300, critical: 900 }, backlog: { warn: 50, critical: 500 }, stalledSeconds: 1800 },
    });
    expect(check.source.watermark?.source).toBe('$.data.lastUpdated');
    expect(check.backlog?.source).toBe('$.data.pending');
  });

  it('reads lag levels in items with unit count, and a parity check', async () => {
    const { config } = await load([
      'checks:',
      '  - { name: seq, system: sync, kind: sync, unit: count, source: { url: "http://a.example/s", watermark: $.seq }, target: { url: "http://b.example/s", watermark: $.seq }, expect: { lag: { warn: 100, critical: 1000 } } }',
      '  - name: parity',
      '    system: sync',
      '    kind: sync',
      '    mode: parity',
      '    compare: dossierStatus',
      '    source: { url: "http://a.example/d", value: $.data.status }',
      '    target: { url: "http://b.example/d", value: $.status }',
      '    expect: { mismatchFor: 15m }',
    ]);
    expect((config.checks[0] as SyncCheck).expect.lag).toEqual({ warn: 100, critical: 1000 });
    expect(config.checks[1]).toMatchObject({ mode: 'parity', compare: 'dossierStatus', expect: { mismatchForSeconds: 900 } });
  });

  it.each([
    [
      'stalled without a target',
      ['    source: { url: "http://a.example/s", watermark: $.t }', '    expect:', '      stalled: 30m'],
      [[7, 'checks[0].expect.stalled', '"stalled" needs a "target": it watches the target watermark stand still while the source moves']],
    ],
    [
      'a lag level without unit in mode time',
      ['    source: { url: "http://a.example/s", watermark: $.t }', '    expect:', '      lag: { warn: 300 }'],
      [[7, 'checks[0].expect.lag.warn', '300 has no unit; write a duration such as "300s" (units: ms, s, m, h, d), or set unit: count for a lag in items']],
    ],
    [
      'a duration as a count lag',
      [
        '    unit: count',
        '    source: { url: "http://a.example/s", watermark: $.t }',
        '    target: { url: "http://b.example/s", watermark: $.t }',
        '    expect:',
        '      lag: { critical: 5m }',
      ],
      [[9, 'checks[0].expect.lag.critical', 'with unit: count the lag is in items; write a whole number']],
    ],
    [
      'a source without a watermark',
      ['    source:', '      url: "http://a.example/s"'],
      [[6, 'checks[0].source', 'missing "watermark": the JSON path of the source watermark, e.g. "$.data.lastUpdated"']],
    ],
    [
      'mismatchFor in mode lag',
      ['    source: { url: "http://a.example/s", watermark: $.t }', '    expect: { mismatchFor: 5m }'],
      [[6, 'checks[0].expect.mismatchFor', '"mismatchFor" applies to mode: parity only']],
    ],
    [
      'a parity check reading watermarks and no mismatchFor',
      ['    mode: parity', '    source: { url: "http://a.example/s", watermark: $.t }', '    target: { url: "http://b.example/s", value: $.t }'],
      [
        [2, 'checks[0]', 'mode: parity needs expect.mismatchFor: how long the sides may differ, e.g. 15m'],
        [6, 'checks[0].source', 'missing "value": the JSON path of the value compared in mode: parity'],
        [6, 'checks[0].source.watermark', '"watermark" is read in mode lag; in mode: parity each side has a "value"'],
      ],
    ],
    [
      'warn not below critical',
      [
        '    source: { url: "http://a.example/s", watermark: $.t }',
        '    backlog: $.n',
        '    expect: { lag: { warn: 15m, critical: 15m }, backlog: { warn: 9, critical: 3 } }',
      ],
      [
        [7, 'checks[0].expect.lag.warn', 'warn must be below critical'],
        [7, 'checks[0].expect.backlog.warn', 'warn must be below critical'],
      ],
    ],
    [
      'tls options on a plain-http side',
      ['    source: { url: "http://a.example/s", watermark: $.t, tls: { verify: false } }'],
      [[5, 'checks[0].source.tls', 'tls options apply only to https:// URLs, and source.url is plain http']],
    ],
    [
      'an unknown key on a side',
      ['    source: { url: "http://a.example/s", watermark: $.t, watermarks: $.u }'],
      [[5, 'checks[0].source.watermarks', 'unknown key "watermarks"; did you mean "watermark"?']],
    ],
  ] as const)('refuses %s, at the right line and path', async (_, body, expected) => {
    const issues = await issuesOf(['checks:', '  - name: s', '    system: sync', '    kind: sync', ...body]);
    expect(issues.map(([, issuePath, message]) => [issuePath, message])).toEqual(expected.map(([, issuePath, message]) => [issuePath, message]));
    expect(issues.map(([line]) => line)).toEqual(expected.map(([line]) => line));
  });
});

describe('probeSync against the simulator', () => {
  let simulator: TestSimulator;
  const clock = createFakeClock();

  beforeAll(async () => {
    simulator = await startTestSimulator({ now: clock.now });
  });

  afterAll(async () => {
    await simulator.close();
  });

  const urls = () => simulator.sim.urls;
  const lagCheck = () =>
    syncCheck({
      source: { url: `${urls().syncProvincial}/api/sync/status`, headers: { Authorization: 'Bearer demo-token' }, watermark: '$.data.lastUpdated' },
      target: { url: `${urls().syncNational}/api/sync/status`, watermark: '$.lastSyncedAt' },
      backlog: '$.data.pending',
      expect: { lag: { warn: '30s', critical: '90s' }, stalled: '60s' },
    });

  it('reads the simulated provincial and national sync APIs, then sees the sync-stalled scenario stall', async () => {
    const healthy = await probeSync(lagCheck(), contextAt(clock.now()));
    expect(healthy.status).toBe('ok');
    expect(healthy.sync?.lag).toBeLessThan(30);

    simulator.sim.setScenario('sync-stalled', true);
    await simulator.sim.settle();
    let previous = healthy;
    const statuses: string[] = [];
    for (let step = 0; step < 6; step += 1) {
      clock.advanceSeconds(30);
      previous = await probeSync(lagCheck(), contextAt(clock.now(), previous));
      statuses.push(previous.status);
    }
    expect(statuses.at(-1)).toBe('critical');
    expect(previous.reason).toBe('sync_lag');
    expect(previous.message).toMatch(/^target watermark has not moved for \d+ (s|min)/);
    expect(previous.sync?.backlog).toBeGreaterThan(healthy.sync?.backlog ?? 0);
    simulator.sim.setScenario('sync-stalled', false);
  });

  it('finds the sample dossier in the same status on both sides, provincial code against national name', async () => {
    // Whatever ran before, give the national side time to catch up (it drains faster than real time).
    simulator.sim.setScenario('sync-stalled', false);
    clock.advanceSeconds(600);
    await simulator.sim.settle();
    const code = SAMPLE_DOSSIER_CODE;
    const check = syncCheck({
      mode: 'parity',
      compare: 'dossierStatus',
      source: { url: `${urls().syncProvincial}/api/dossiers/${code}`, headers: { Authorization: 'Bearer demo-token' }, value: '$.data.status' },
      target: { url: `${urls().syncNational}/api/dossiers/${code}`, value: '$.status' },
      expect: { mismatchFor: '90s' },
    });
    const result = await probeSync(check, contextAt(clock.now()));
    expect(result.message).toMatch(/^source and target (agree|differ)/);
    expect(result.status).toBe('ok');
  });
});
