import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportSource } from '../../src/report/report-model.ts';
import { createSketch } from '../../src/state/latency-sketch.ts';
import { migrateDatabase } from '../../src/store/database.ts';
import { migrations } from '../../src/store/migrations/migrations.ts';
import { createStore } from '../../src/store/store.ts';
import { makeIncident } from '../support/alerting-fixtures.ts';
import { createStoreHarness } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const T0 = new Date('2026-12-01T08:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const harness = createStoreHarness();
afterEach(() => harness.close());

describe('history incidents', () => {
  it('makes the store a report source (checked by the compiler: the store does not import the report)', () => {
    harness.fresh();
    const source: ReportSource = harness.open(createTestClocks(at(0))).history;
    expect([...source.minutes({ from: at(0), to: at(60) })]).toEqual([]);
    expect(source.incidents({ from: at(0), to: at(60) })).toEqual([]);
  });

  it('round-trips failingSince and recoveredAt as Dates, and still loads rows stored without them', () => {
    harness.fresh();
    const clocks = createTestClocks(at(3600));
    const store = harness.open(clocks);
    const bounded = makeIncident({ openedAt: at(80), failingSince: at(60), resolvedAt: at(110), recoveredAt: at(100) });
    store.incidents.upsert(bounded);
    const loaded = store.incidents.get(bounded.id)!;
    expect(loaded.failingSince).toBeInstanceOf(Date);
    expect(loaded).toMatchObject({ failingSince: at(60), recoveredAt: at(100) });

    const old = makeIncident({ check: 'old', openedAt: at(200) }); // open, stored before the bounds were kept
    store.incidents.upsert(old);
    expect(store.history.incidents({ from: at(250), to: at(300) }).map((incident) => incident.id)).toEqual([old.id]);
    expect(store.history.incidents({ from: at(7200), to: at(8000) })).toEqual([]); // after now: an open incident ends now
  });

  it('dates incidents stored before migration 2 by their opening and resolution', () => {
    const db = new Database(':memory:');
    try {
      migrateDatabase(db, undefined, migrations.slice(0, 1));
      db.prepare(
        `INSERT INTO incidents (id, check_name, system, severity, opened_at, resolved_at, incident) VALUES ('x', 'a', 's', 'critical', 1000, 5000, ?)`,
      ).run(JSON.stringify(makeIncident({ check: 'a', openedAt: new Date(1000) })));
      migrateDatabase(db);
      expect(db.prepare('SELECT down_from, down_to FROM incidents').get()).toEqual({ down_from: 1000, down_to: 5000 });
      const store = createStore(db, { clock: () => new Date(10_000) });
      expect(store.history.incidents({ from: new Date(4000), to: new Date(4500) })).toHaveLength(1);
      expect(store.history.incidents({ from: new Date(5000), to: new Date(6000) })).toHaveLength(0);
    } finally {
      db.close();
    }
  });
});

describe('history writes', () => {
  it('forgets the check ids a failed batch added: the rollback took them back', () => {
    harness.fresh();
    const store = harness.open(createTestClocks(at(0)));
    const result = (check: string, seconds: number) => ({ check, at: at(seconds), status: 'ok' as const, durationMs: 80, httpStatus: 200 });
    const broken = { check: 'new', minute: new Date(Number.NaN), probes: 1, failuresByReason: {}, latency: createSketch() };
    expect(() => store.history.write([result('new', 1)], [broken])).toThrow(/not a valid Date/);
    store.history.write([result('new', 2)], []);
    store.history.write([result('other', 3)], []);
    const window = { from: at(0), to: at(60) };
    expect(store.history.raw('new', window).map((row) => row.at)).toEqual([at(2)]);
    expect(store.history.raw('other', window).map((row) => row.at)).toEqual([at(3)]);
  });
});

describe('history minutes as availability reads them', () => {
  it('gives each probed minute as watched or wholly our own fault, without its latency, the same as the full minutes say', () => {
    harness.fresh();
    const store = harness.open(createTestClocks(at(3600)));
    const minute = (check: string, offset: number, probes: number, failuresByReason: Record<string, number> = {}) => ({
      check,
      minute: at(offset),
      probes,
      failuresByReason,
      latency: createSketch(),
    });
    store.history.write(
      [],
      [
        minute('home', 0, 2),
        minute('home', 60, 2, { internal: 2 }), // every probe our own fault: blind
        minute('home', 120, 3, { internal: 2, timeout: 1 }), // one real failure: watched
        minute('sync', 0, 1, { http_status: 1 }),
        minute('sync', 180, 0), // no probe: not a minute availability sees
      ],
    );
    const visited: [string, number, string][] = [];
    store.history.observedMinutes({ from: at(0), to: at(240) }, (check, minuteMs, observation) => visited.push([check, minuteMs, observation]));
    expect(visited.sort()).toEqual(
      [
        ['home', at(0).getTime(), 'seen'],
        ['home', at(60).getTime(), 'blind'],
        ['home', at(120).getTime(), 'seen'],
        ['sync', at(0).getTime(), 'seen'],
      ].sort(),
    );
    // Bounds as minutes() has them: from inclusive, to exclusive.
    const inner: number[] = [];
    store.history.observedMinutes({ from: at(60), to: at(120) }, (_check, minuteMs) => inner.push(minuteMs));
    expect(inner).toEqual([at(60).getTime()]);
  });
});
