// Probe history in SQLite (migration 002): every result, packed a batch to a row
// (raw-results-codec.ts), each check's per-minute figures, and the reading side a report needs.
// Written only by history-writer.ts, in one short transaction per batch. Reading implements
// report-model.ts ReportSource by shape: the store never imports the report.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { FailureReason, Status } from '../probes/probe.ts';
import { observationOf, type MinuteFigures, type Observation } from '../state/history.ts';
import type { Incident } from '../state/incident.ts';
import { decodeSketch, encodeSketch } from '../state/latency-sketch.ts';
import { mergeMinutes, startMinute } from '../state/minute-figures.ts';
import { deskRecordsReader, peopleIncidentsReader, type DeskRecordOfIncident, type PeopleIncidentRow } from './desk-store.ts';
import { packResults, unpackResults, type PackedResult } from './raw-results-codec.ts';
import { deserialize, toEpochMs } from './serialize.ts';

/**
 * A failure reason's number in history_raw's packed results. Append-only: a stored number means
 * what it meant when it was written, so a new reason takes the next number and none moves. A
 * Record, so the compiler refuses a reason without a number (it would be stored as another).
 */
const REASON_CODE: Readonly<Record<FailureReason, number>> = {
  dns: 0,
  connect: 1,
  tls: 2,
  timeout: 3,
  http_status: 4,
  blocked: 5,
  assertion: 6,
  body_too_large: 7,
  latency: 8,
  protocol: 9,
  sync_lag: 10,
  internal: 11,
  auth: 12,
  backend: 13,
};
const REASON_CODES: readonly FailureReason[] = (Object.entries(REASON_CODE) as [FailureReason, number][])
  .sort(([, a], [, b]) => a - b)
  .map(([reason]) => reason);
const STATUS_CODES: readonly Status[] = ['ok', 'warning', 'critical'];

/** One probe result as history keeps it: no message (it may quote an endpoint), no secrets. */
export interface RawResult {
  readonly check: string;
  readonly at: Date;
  readonly status: Status;
  readonly reason?: FailureReason;
  readonly durationMs: number;
  readonly httpStatus?: number;
  /** Whole seconds or items, as the check's sync unit. */
  readonly syncLag?: number;
  readonly backlog?: number;
}

/** [from, to) */
export interface HistoryWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface HistoryStore {
  /** Appends raw results and upserts minutes in ONE transaction; a minute already stored is merged with. */
  write(raw: readonly RawResult[], minutes: readonly MinuteFigures[]): void;
  /** Every stored minute of every check with minute in [from, to), by minute then check. */
  minutes(window: HistoryWindow): MinuteFigures[];
  /**
   * The minutes in [from, to) as availability sees them, in minute order, without decoding a
   * sketch: each check's probed minutes, watched (`seen`) or wholly the monitor's own fault (`blind`).
   */
  observedMinutes(window: HistoryWindow, visit: (check: string, minute: number, observation: Observation) => void): void;
  /**
   * Incidents whose down time [failingSince ?? openedAt, recoveredAt ?? resolvedAt ?? now)
   * overlaps the window, by start.
   */
  incidents(window: HistoryWindow): Incident[];
  /** One check's raw results with at in [from, to), as written: the audit trail (reads every batch of the window). */
  raw(check: string, window: HistoryWindow): RawResult[];
  /** What the duty desk recorded about these incidents (desk-store.ts), so a report shows it beside the figures. */
  deskRecords(incidentIds: readonly string[]): ReadonlyMap<string, DeskRecordOfIncident>;
  /** Incidents people reported at the duty desk that overlap the window (desk-store.ts). */
  peopleIncidents(window: HistoryWindow): PeopleIncidentRow[];
}

interface MinuteRow {
  readonly minute: number;
  readonly check_name: string;
  readonly probes: number;
  readonly failures: string | null;
  readonly latency: string;
  readonly sync_lag_max: number | null;
  readonly sync_lag: string | null;
  readonly backlog_max: number | null;
  readonly tls_days_min: number | null;
}

interface RawBatchRow {
  readonly first_at: number;
  readonly results: Buffer;
}

export function createHistoryStore(db: Database.Database, clock: Clock): HistoryStore {
  const checkIds = new Map<string, number>();
  const insertCheck = db.prepare<[string]>('INSERT OR IGNORE INTO history_checks (check_name) VALUES (?)');
  const selectCheck = db.prepare<[string], { id: number }>('SELECT id FROM history_checks WHERE check_name = ?');
  const insertRaw = db.prepare<[number, number, number, Buffer]>('INSERT INTO history_raw (first_at, last_at, count, results) VALUES (?, ?, ?, ?)');
  const minuteColumns = 'minute, check_id, probes, failures, latency, sync_lag_max, sync_lag, backlog_max, tls_days_min';
  const insertMinute = db.prepare<unknown[]>(`INSERT INTO history_minutes (${minuteColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const replaceMinute = db.prepare<unknown[]>(`INSERT OR REPLACE INTO history_minutes (${minuteColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const selectMinute = db.prepare<[number, number], MinuteRow>(
    `SELECT m.*, c.check_name FROM history_minutes m JOIN history_checks c ON c.id = m.check_id WHERE m.minute = ? AND m.check_id = ?`,
  );
  const selectMinutes = db.prepare<[number, number], MinuteRow>(
    `SELECT m.*, c.check_name FROM history_minutes m JOIN history_checks c ON c.id = m.check_id
     WHERE m.minute >= ? AND m.minute < ? ORDER BY m.minute, c.check_name`,
  );
  const selectObserved = db
    .prepare<[number, number], [number, string, number, string | null]>(
      `SELECT m.minute, c.check_name, m.probes, m.failures FROM history_minutes m JOIN history_checks c ON c.id = m.check_id
       WHERE m.minute >= ? AND m.minute < ? ORDER BY m.minute`,
    )
    .raw(true);
  const selectIncidents = db.prepare<[number, number], { incident: string }>(
    `SELECT incident FROM incidents WHERE down_from < ? AND (down_to IS NULL OR down_to > ?) ORDER BY down_from, id`,
  );
  const selectRaw = db.prepare<[number, number], RawBatchRow>('SELECT first_at, results FROM history_raw WHERE last_at >= ? AND first_at < ? ORDER BY rowid');

  const idOf = (check: string): number => {
    let id = checkIds.get(check);
    if (id === undefined) {
      insertCheck.run(check);
      id = selectCheck.get(check)!.id;
      checkIds.set(check, id);
    }
    return id;
  };
  const minuteValues = (figures: MinuteFigures, checkId: number): unknown[] => [
    toEpochMs(figures.minute, `history minute of ${figures.check}`),
    checkId,
    figures.probes,
    encodeFailures(figures.failuresByReason),
    encodeSketch(figures.latency),
    figures.syncLagMax ?? null,
    figures.syncLag ? encodeSketch(figures.syncLag) : null,
    // Whole numbers in INTEGER columns: a count read as 3.5 must not refuse the whole batch.
    figures.backlogMax === undefined ? null : Math.round(figures.backlogMax),
    figures.tlsDaysLeftMin === undefined ? null : Math.floor(figures.tlsDaysLeftMin),
  ];
  const write = db.transaction((raw: readonly RawResult[], minutes: readonly MinuteFigures[]) => {
    if (raw.length > 0) {
      const packed = raw.map((result) => packedOf(result, idOf(result.check)));
      let firstMs = Infinity;
      let lastMs = -Infinity;
      for (const { atMs } of packed) {
        firstMs = Math.min(firstMs, atMs);
        lastMs = Math.max(lastMs, atMs);
      }
      insertRaw.run(firstMs, lastMs, packed.length, packResults(packed, firstMs));
    }
    for (const figures of minutes) {
      const checkId = idOf(figures.check);
      const values = minuteValues(figures, checkId);
      if (insertMinute.run(...values).changes > 0) continue;
      // Written before, at a shutdown inside this minute: the two halves make the minute.
      const stored = selectMinute.get(values[0] as number, checkId)!;
      const merged = startMinute(figures.check, figures.minute.getTime());
      mergeMinutes(merged, decodeMinute(stored));
      mergeMinutes(merged, figures);
      replaceMinute.run(...minuteValues(merged, checkId));
    }
  });

  return {
    write(raw, minutes) {
      if (raw.length === 0 && minutes.length === 0) return;
      try {
        write(raw, minutes);
      } catch (error) {
        // The rollback took back any check ids this batch added.
        checkIds.clear();
        throw error;
      }
    },
    minutes: (window) => selectMinutes.all(toEpochMs(window.from, 'history from'), toEpochMs(window.to, 'history to')).map(decodeMinute),
    observedMinutes(window, visit) {
      for (const [minute, check, probes, failures] of selectObserved.iterate(toEpochMs(window.from, 'history from'), toEpochMs(window.to, 'history to'))) {
        const observation = observationOf(probes, failures === null ? NO_FAILURES : decodeFailures(failures));
        if (observation !== undefined) visit(check, minute, observation);
      }
    },
    incidents(window) {
      const from = toEpochMs(window.from, 'history from');
      const now = clock().getTime();
      return selectIncidents
        .all(toEpochMs(window.to, 'history to'), from)
        .map((row) => deserialize<Incident>(row.incident))
        .filter((incident) => incident.recoveredAt !== undefined || incident.resolvedAt !== undefined || now > from);
    },
    deskRecords: deskRecordsReader(db),
    peopleIncidents: peopleIncidentsReader(db),
    raw(check, window) {
      const id = checkIds.get(check) ?? selectCheck.get(check)?.id;
      if (id === undefined) return [];
      const from = toEpochMs(window.from, 'history from');
      const to = toEpochMs(window.to, 'history to');
      return selectRaw
        .all(from, to)
        .flatMap((row) => unpackResults(row.results, row.first_at))
        .filter((result) => result.checkId === id && result.atMs >= from && result.atMs < to)
        .map((result) => decodeRaw(check, result));
    },
  };
}

const NO_FAILURES: MinuteFigures['failuresByReason'] = {};

function encodeFailures(failures: MinuteFigures['failuresByReason']): string | null {
  const pairs = Object.entries(failures).filter(([, count]) => count !== undefined && count > 0);
  return pairs.length === 0 ? null : pairs.map(([reason, count]) => `${reason}:${count}`).join(',');
}

function decodeFailures(text: string | null): Partial<Record<FailureReason, number>> {
  const failures: Partial<Record<FailureReason, number>> = {};
  for (const pair of text === null ? [] : text.split(',')) {
    const [reason, count] = pair.split(':');
    failures[reason as FailureReason] = Number(count);
  }
  return failures;
}

function decodeMinute(row: MinuteRow): MinuteFigures {
  return {
    check: row.check_name,
    minute: new Date(row.minute),
    probes: row.probes,
    failuresByReason: decodeFailures(row.failures),
    latency: decodeSketch(row.latency),
    ...(row.sync_lag_max === null ? {} : { syncLagMax: row.sync_lag_max }),
    ...(row.sync_lag === null ? {} : { syncLag: decodeSketch(row.sync_lag) }),
    ...(row.backlog_max === null ? {} : { backlogMax: row.backlog_max }),
    ...(row.tls_days_min === null ? {} : { tlsDaysLeftMin: row.tls_days_min }),
  };
}

function packedOf(result: RawResult, checkId: number): PackedResult {
  return {
    checkId,
    atMs: toEpochMs(result.at, `history result of ${result.check}`),
    status: STATUS_CODES.indexOf(result.status),
    ...(result.reason === undefined ? {} : { reason: REASON_CODE[result.reason] }),
    durationMs: result.durationMs,
    ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    ...(result.syncLag === undefined ? {} : { syncLag: result.syncLag }),
    ...(result.backlog === undefined ? {} : { backlog: result.backlog }),
  };
}

function decodeRaw(check: string, result: PackedResult): RawResult {
  return {
    check,
    at: new Date(result.atMs),
    status: STATUS_CODES[result.status] ?? 'critical',
    ...(result.reason === undefined ? {} : { reason: REASON_CODES[result.reason] ?? 'internal' }),
    durationMs: result.durationMs,
    ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    ...(result.syncLag === undefined ? {} : { syncLag: result.syncLag }),
    ...(result.backlog === undefined ? {} : { backlog: result.backlog }),
  };
}
