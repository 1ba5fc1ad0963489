// A simulated clock of dossier flow from the provincial system to the national portal. Dossiers
// arrive and change status as a deterministic function of time, so nothing is stored: the
// provincial view is "as of now", the national view is "as of the sync cursor". Healthy, the
// cursor trails now by a couple of seconds; stalled, it freezes and the backlog grows; on
// recovery it catches up faster than real time, as a sync job draining its queue would.
import { DOSSIER_STATUSES, type DossierStatusCode } from './dossier-status.ts';
import { PROCEDURES, type Procedure } from './procedures.ts';
import { formatDossierDate, formatVietnamTime } from './vietnam-time.ts';

const NEW_DOSSIER_EVERY_MS = 30_000;
const HISTORY_MS = 60 * 60_000;
const LISTED_DOSSIERS = 10;
/** Codes cycle after this many dossiers (four-digit sequence). */
const SEQUENCE_SPAN = 9000;
const SEQUENCE_START = 1001;

/**
 * A long-running dossier whose status keeps moving every minute, so a parity check (same status on
 * both sides) always has something to compare, with a code that does not depend on the start date.
 */
export const SAMPLE_DOSSIER_CODE = 'G22.99-260529-0001';
/** 22:00 on 29/05/2026 in Vietnam, the cut-over, matching the date in the sample's code. */
const SAMPLE_RECEIVED_AT_MS = Date.parse('2026-05-29T22:00:00+07:00');
const SAMPLE_STEP_MS = 60_000;
const SAMPLE_CYCLE: readonly DossierStatusCode[] = [2, 4, 5, 4, 6, 4, 9, 10];

type Schedule = readonly (readonly [offsetSeconds: number, status: DossierStatusCode])[];

// Most dossiers go received → accepted → processing → done → result returned; every few take a
// detour through the other codes, so all ten appear on both sides.
function scheduleOf(index: number): Schedule {
  if (index % 11 === 0)
    return [
      [0, 1],
      [20, 3],
    ];
  if (index % 17 === 0)
    return [
      [0, 1],
      [15, 2],
      [45, 4],
      [150, 8],
    ];
  if (index % 13 === 0)
    return [
      [0, 1],
      [15, 2],
      [90, 7],
    ];
  if (index % 7 === 0)
    return [
      [0, 1],
      [15, 2],
      [45, 4],
      [90, 5],
      [200, 4],
      [300, 9],
      [420, 10],
    ];
  if (index % 5 === 0)
    return [
      [0, 1],
      [15, 2],
      [45, 4],
      [120, 6],
      [180, 4],
      [300, 9],
      [400, 10],
    ];
  return [
    [0, 1],
    [15, 2],
    [45, 4],
    [240, 9],
    [360, 10],
  ];
}

const LIFECYCLE_MS = 420_000;

/** Spreads arrivals over each 30 s slot (0-23 s, fixed per dossier) so changes do not all coincide. */
function arrivalJitterMs(index: number): number {
  return ((index * 7919) % 2300) * 10;
}

export interface DossierView {
  readonly code: string;
  readonly procedure: Procedure;
  readonly receivedAtMs: number;
  readonly status: DossierStatusCode;
  readonly updatedAtMs: number;
  /** Every change of this dossier has reached the national portal. */
  readonly synced: boolean;
}

export interface ProvincialSyncView {
  readonly lastUpdatedMs: number;
  /** Dossiers with a change the national portal has not received. */
  readonly pending: number;
  /** Oldest change not yet synced; undefined when nothing waits. */
  readonly oldestUnsyncedAtMs?: number;
  readonly total: number;
  readonly dossiers: readonly DossierView[];
}

export interface NationalSyncView {
  readonly lastSyncedAtMs: number;
  readonly total: number;
  readonly dossiers: readonly DossierView[];
}

export interface DossierFlowOptions {
  readonly now: () => Date;
  /** How far the national side trails when healthy. */
  readonly syncDelaySeconds?: number;
  /** Simulated seconds of backlog drained per second after a stall. */
  readonly catchUpFactor?: number;
}

export interface DossierFlow {
  setStalled(stalled: boolean): void;
  isStalled(): boolean;
  /** Puts the national side back in step at once (a fresh start). */
  reset(): void;
  provincial(): ProvincialSyncView;
  national(): NationalSyncView;
  /** The dossier as the provincial system sees it now; undefined when no such code exists yet. */
  findProvincial(code: string): DossierView | undefined;
  /** The dossier as the national portal has it; undefined when it has not arrived. */
  findNational(code: string): DossierView | undefined;
}

interface Dossier {
  readonly index: number; // -1 for the sample dossier
  readonly code: string;
  readonly procedure: Procedure;
  readonly receivedAtMs: number;
}

export function createDossierFlow(options: DossierFlowOptions): DossierFlow {
  const delayMs = (options.syncDelaySeconds ?? 2) * 1000;
  const catchUpFactor = options.catchUpFactor ?? 5;
  const startMs = options.now().getTime();
  const epochMs = Math.floor(startMs / NEW_DOSSIER_EVERY_MS) * NEW_DOSSIER_EVERY_MS - HISTORY_MS;
  const sample: Dossier = { index: -1, code: SAMPLE_DOSSIER_CODE, procedure: PROCEDURES[7]!, receivedAtMs: SAMPLE_RECEIVED_AT_MS };

  let cursorMs = startMs - delayMs;
  let lastAdvanceMs = startMs;
  let stalled = false;

  const receivedAtOf = (index: number): number => epochMs + index * NEW_DOSSIER_EVERY_MS + arrivalJitterMs(index);
  const dossierAt = (index: number): Dossier => {
    const receivedAtMs = receivedAtOf(index);
    const sequence = String(SEQUENCE_START + (index % SEQUENCE_SPAN)).padStart(4, '0');
    return { index, code: `G22.99-${formatDossierDate(receivedAtMs)}-${sequence}`, procedure: PROCEDURES[index % PROCEDURES.length]!, receivedAtMs };
  };
  /** Index of the newest dossier received at or before t (-1 when none). */
  const newestIndexAt = (t: number): number => {
    const slot = Math.floor((t - epochMs) / NEW_DOSSIER_EVERY_MS);
    // The jitter is shorter than a slot, so only the slot's own dossier can still be on its way.
    return slot >= 0 && receivedAtOf(slot) > t ? slot - 1 : slot;
  };

  /** Change instants and statuses of a dossier, in order, up to and including t. */
  const changesUpTo = (dossier: Dossier, t: number): { atMs: number; status: DossierStatusCode }[] => {
    if (dossier.index === -1) {
      const steps = Math.floor((t - dossier.receivedAtMs) / SAMPLE_STEP_MS);
      const first = Math.max(0, steps - 1);
      const changes = [];
      for (let step = first; step <= steps; step += 1)
        changes.push({ atMs: dossier.receivedAtMs + step * SAMPLE_STEP_MS, status: SAMPLE_CYCLE[step % SAMPLE_CYCLE.length]! });
      return changes;
    }
    return scheduleOf(dossier.index)
      .map(([offsetSeconds, status]) => ({ atMs: dossier.receivedAtMs + offsetSeconds * 1000, status }))
      .filter((change) => change.atMs <= t);
  };
  /** The first change strictly after t (the sample dossier always has one). */
  const firstChangeAfter = (dossier: Dossier, t: number): number | undefined => {
    if (dossier.index === -1) {
      if (t < dossier.receivedAtMs) return dossier.receivedAtMs;
      return dossier.receivedAtMs + (Math.floor((t - dossier.receivedAtMs) / SAMPLE_STEP_MS) + 1) * SAMPLE_STEP_MS;
    }
    for (const [offsetSeconds] of scheduleOf(dossier.index)) {
      const atMs = dossier.receivedAtMs + offsetSeconds * 1000;
      if (atMs > t) return atMs;
    }
    return undefined;
  };
  const viewAt = (dossier: Dossier, t: number): DossierView | undefined => {
    const last = changesUpTo(dossier, t).at(-1);
    if (!last) return undefined;
    const lastEver = changesUpTo(dossier, lastAdvanceMs).at(-1);
    return {
      code: dossier.code,
      procedure: dossier.procedure,
      receivedAtMs: dossier.receivedAtMs,
      status: last.status,
      updatedAtMs: last.atMs,
      synced: lastEver === undefined || lastEver.atMs <= cursorMs,
    };
  };
  /** Dossiers that may still change after t: received within one lifecycle of it. */
  const liveDossiers = (fromMs: number, toMs: number): Dossier[] => {
    const dossiers = [sample];
    for (let index = Math.max(0, newestIndexAt(fromMs - LIFECYCLE_MS)); index <= newestIndexAt(toMs); index += 1) dossiers.push(dossierAt(index));
    return dossiers;
  };
  const lastChangeAt = (t: number): number =>
    Math.max(...liveDossiers(t, t).map((dossier) => changesUpTo(dossier, t).at(-1)?.atMs ?? Number.NEGATIVE_INFINITY));
  const listAt = (t: number): DossierView[] => {
    const newest = newestIndexAt(t);
    const dossiers = [sample];
    for (let index = newest; index >= Math.max(0, newest - LISTED_DOSSIERS + 2); index -= 1) dossiers.push(dossierAt(index));
    return dossiers.flatMap((dossier) => viewAt(dossier, t) ?? []);
  };
  const findDossier = (code: string, t: number): Dossier | undefined => {
    if (code === SAMPLE_DOSSIER_CODE) return sample;
    const match = /^G22\.99-\d{6}-(\d{4})$/.exec(code);
    if (!match) return undefined;
    const offset = Number(match[1]) - SEQUENCE_START;
    if (offset < 0 || offset >= SEQUENCE_SPAN) return undefined;
    for (let index = offset; index <= newestIndexAt(t); index += SEQUENCE_SPAN) {
      const dossier = dossierAt(index);
      if (dossier.code === code) return dossier;
    }
    return undefined;
  };

  const advance = (): number => {
    const nowMs = options.now().getTime();
    if (nowMs > lastAdvanceMs) {
      if (!stalled) cursorMs = Math.max(cursorMs, Math.min(nowMs - delayMs, cursorMs + (nowMs - lastAdvanceMs) * catchUpFactor));
      lastAdvanceMs = nowMs;
    }
    return lastAdvanceMs;
  };

  return {
    setStalled(next) {
      advance();
      stalled = next;
    },
    isStalled: () => stalled,
    reset() {
      const nowMs = advance();
      cursorMs = Math.max(cursorMs, nowMs - delayMs);
    },
    provincial() {
      const nowMs = advance();
      let pending = 0;
      let oldest: number | undefined;
      for (const dossier of liveDossiers(cursorMs, nowMs)) {
        const next = firstChangeAfter(dossier, cursorMs);
        if (next === undefined || next > nowMs) continue;
        pending += 1;
        oldest = oldest === undefined ? next : Math.min(oldest, next);
      }
      return {
        lastUpdatedMs: lastChangeAt(nowMs),
        pending,
        oldestUnsyncedAtMs: oldest,
        total: newestIndexAt(nowMs) + 2,
        dossiers: listAt(nowMs),
      };
    },
    national() {
      advance();
      return { lastSyncedAtMs: lastChangeAt(cursorMs), total: newestIndexAt(cursorMs) + 2, dossiers: listAt(cursorMs) };
    },
    findProvincial(code) {
      const nowMs = advance();
      const dossier = findDossier(code, nowMs);
      return dossier && viewAt(dossier, nowMs);
    },
    findNational(code) {
      advance();
      const dossier = findDossier(code, cursorMs);
      return dossier && viewAt(dossier, cursorMs);
    },
  };
}

/** The provincial API's JSON for one dossier: numeric status plus its Vietnamese name. */
export function toProvincialJson(dossier: DossierView): Record<string, unknown> {
  return {
    code: dossier.code,
    procedureCode: dossier.procedure.code,
    procedureName: dossier.procedure.name,
    agency: dossier.procedure.agency,
    status: dossier.status,
    statusName: DOSSIER_STATUSES[dossier.status].vi,
    receivedAt: formatVietnamTime(dossier.receivedAtMs),
    updatedAt: formatVietnamTime(dossier.updatedAtMs),
    synced: dossier.synced,
  };
}

/** The national API's JSON for one dossier: English status name, epoch-ms times. */
export function toNationalJson(dossier: DossierView): Record<string, unknown> {
  return {
    code: dossier.code,
    procedureCode: dossier.procedure.code,
    status: DOSSIER_STATUSES[dossier.status].national,
    receivedAt: dossier.receivedAtMs,
    updatedAt: dossier.updatedAtMs,
  };
}
