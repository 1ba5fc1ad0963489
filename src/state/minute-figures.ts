// Folds probe results into one check's figures for one minute (history.ts MinuteFigures): the
// record history keeps for storage.retention.aggregates. Pure; the history writer owns the clock
// and the store.
import type { FailureReason, ProbeResult } from '../probes/probe.ts';
import type { MinuteFigures } from './history.ts';
import { addToSketch, createSketch, mergeSketch, type LatencySketch } from './latency-sketch.ts';

export const MINUTE_MS = 60_000;

/** MinuteFigures while its minute is still being filled. */
export interface MinuteBuilder extends MinuteFigures {
  probes: number;
  readonly failuresByReason: Partial<Record<FailureReason, number>>;
  readonly latency: LatencySketch;
  syncLagMax?: number;
  syncLag?: LatencySketch;
  backlogMax?: number;
  tlsDaysLeftMin?: number;
}

/** Start of the (UTC, so also Asia/Ho_Chi_Minh) minute holding `atMs`, in epoch ms. */
export function minuteOf(atMs: number): number {
  return Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
}

export function startMinute(check: string, minuteMs: number): MinuteBuilder {
  return { check, minute: new Date(minuteMs), probes: 0, failuresByReason: {}, latency: createSketch() };
}

/**
 * Every probe counts, failed ones too: a timeout's duration is what the user waited. A failure
 * without a reason (none is produced today) counts under `internal`, the monitor's own fault.
 */
export function addResult(figures: MinuteBuilder, result: ProbeResult): void {
  figures.probes += 1;
  if (result.status !== 'ok') {
    const reason = result.reason ?? 'internal';
    figures.failuresByReason[reason] = (figures.failuresByReason[reason] ?? 0) + 1;
  }
  addToSketch(figures.latency, result.durationSeconds);
  const lag = result.sync?.lag;
  if (lag !== undefined && Number.isFinite(lag)) {
    figures.syncLagMax = Math.max(figures.syncLagMax ?? lag, lag);
    figures.syncLag ??= createSketch();
    addToSketch(figures.syncLag, lag);
  }
  const backlog = result.sync?.backlog;
  if (backlog !== undefined && Number.isFinite(backlog)) figures.backlogMax = Math.max(figures.backlogMax ?? backlog, backlog);
  const daysLeft = result.tls?.daysLeft;
  if (daysLeft !== undefined && Number.isFinite(daysLeft)) figures.tlsDaysLeftMin = Math.min(figures.tlsDaysLeftMin ?? daysLeft, daysLeft);
}

/** Both minutes of one check in one: a minute written at shutdown and again after the restart. */
export function mergeMinutes(into: MinuteBuilder, from: MinuteFigures): void {
  into.probes += from.probes;
  for (const [reason, count] of Object.entries(from.failuresByReason) as [FailureReason, number][]) {
    into.failuresByReason[reason] = (into.failuresByReason[reason] ?? 0) + count;
  }
  mergeSketch(into.latency, from.latency);
  if (from.syncLag) {
    into.syncLag ??= createSketch();
    mergeSketch(into.syncLag, from.syncLag);
  }
  into.syncLagMax = maxOf(into.syncLagMax, from.syncLagMax);
  into.backlogMax = maxOf(into.backlogMax, from.backlogMax);
  into.tlsDaysLeftMin = from.tlsDaysLeftMin === undefined ? into.tlsDaysLeftMin : Math.min(into.tlsDaysLeftMin ?? from.tlsDaysLeftMin, from.tlsDaysLeftMin);
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
