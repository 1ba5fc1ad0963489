// Judges a sync check in mode lag from the sides' answers: watermarks → lag, backlog, stall.
// Pure (no I/O, time from the caller); the rules are written out atop sync.ts.
import type { SyncCheck, SyncLevels } from '../config/config.ts';
import { formatAge } from './format-age.ts';
import { readJsonPath, type JsonPath } from '../config/json-path.ts';
import { probeMessage, type Status, type SyncObservation } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';
import { describeWhere, placeOf, plural, readAnswerPath, worstOf, type SideAnswer, type SyncVerdict } from './sync-answer.ts';
import { parseWatermark } from './watermark.ts';

/** A source watermark in the future by more than this hints at a clock or time-zone mismatch. */
const FUTURE_HINT_SECONDS = 60;

/**
 * Throws ProbeFailure for a missing path ('assertion') or an unreadable value ('protocol').
 * `previous` is the last observation of this check (same mode and unit), for the stall rule.
 */
export function judgeSyncLag(
  check: SyncCheck,
  source: SideAnswer,
  target: SideAnswer | undefined,
  previous: SyncObservation | undefined,
  now: Date,
  /** Rule time for the moved-at clocks (they are ours alone, so a wall-clock step must not move them); default `now`. */
  steadyNow: Date = now,
): SyncVerdict {
  const nowMs = now.getTime();
  const steadyMs = steadyNow.getTime();
  const sourceWatermark = readSourceWatermark(check, source);
  const targetWatermark = target && check.target?.watermark ? readWatermark(check, target, check.target.watermark) : undefined;
  const backlog = check.backlog === undefined ? undefined : readBacklog(source, check.backlog);

  let lag = 0;
  let targetAhead = 0;
  let sourceAhead = 0;
  if (sourceWatermark !== undefined) {
    const difference = targetWatermark === undefined ? nowMs / 1000 - sourceWatermark : sourceWatermark - targetWatermark;
    lag = Math.max(0, difference);
    if (targetWatermark === undefined) sourceAhead = Math.max(0, -difference);
    else targetAhead = Math.max(0, -difference);
  }

  const sourceMovedAt = movedAt(previous?.sourceWatermark, previous?.sourceMovedAt, sourceWatermark, steadyMs);
  const targetMovedAt = target ? movedAt(previous?.targetWatermark, previous?.targetMovedAt, targetWatermark, steadyMs) : undefined;
  const stalledSeconds = check.expect.stalledSeconds;
  const frozenSeconds =
    targetMovedAt === undefined || sourceMovedAt === undefined || lag <= 0 || sourceMovedAt <= targetMovedAt ? 0 : (steadyMs - targetMovedAt) / 1000;
  const stalled = stalledSeconds !== undefined && frozenSeconds >= stalledSeconds;

  const count = check.unit === 'count';
  const renderLag = (value: number): string => (count ? plural(value, 'item') : formatAge(value));
  const lagLevel = levelOf(lag, check.expect.lag);
  const backlogLevel = backlog === undefined ? 'ok' : levelOf(backlog, check.expect.backlog);

  let lagText = `sync lag ${renderLag(lag)}${levelNote(lagLevel, check.expect.lag, renderLag)}`;
  if (sourceWatermark === undefined) lagText += ` (nothing waiting: ${check.source.watermark?.source ?? 'the watermark'} is empty)`;
  else if (targetAhead >= 1) lagText += ` (target ahead of source by ${renderLag(targetAhead)})`;
  else if (sourceAhead > FUTURE_HINT_SECONDS) lagText += ` (the source watermark is ${formatAge(sourceAhead)} in the future: a clock or time-zone mismatch?)`;
  const parts = [lagText];
  if (backlog !== undefined) parts.push(`${plural(backlog, 'dossier')} waiting${levelNote(backlogLevel, check.expect.backlog, String)}`);
  const stallText = stalled
    ? `target watermark has not moved for ${formatAge(frozenSeconds)} while the source moved (critical at ${formatAge(stalledSeconds)}); `
    : '';

  const lagAt = levelAt(lagLevel, check.expect.lag);
  const backlogAt = levelAt(backlogLevel, check.expect.backlog);
  const detail = probeMessage('sync_lag', {
    unit: count ? 'items' : 'seconds',
    lag,
    level: lagLevel,
    ...(lagAt === undefined ? {} : { levelAt: lagAt }),
    ...(sourceWatermark === undefined ? { emptyPath: check.source.watermark?.source ?? '' } : {}),
    ...(sourceWatermark !== undefined && targetAhead >= 1 ? { targetAhead } : {}),
    ...(sourceWatermark !== undefined && targetAhead < 1 && sourceAhead > FUTURE_HINT_SECONDS ? { sourceInFuture: sourceAhead } : {}),
    ...(backlog === undefined ? {} : { backlog: { count: backlog, level: backlogLevel, ...(backlogAt === undefined ? {} : { levelAt: backlogAt }) } }),
    ...(stalled && stalledSeconds !== undefined ? { stalled: { frozenSeconds, stalledSeconds } } : {}),
  });

  return {
    ...worstOf([lagLevel, backlogLevel, stalled ? 'critical' : 'ok']),
    message: `${stallText}${parts.join(', ')}`,
    detail,
    sync: {
      mode: 'lag',
      unit: count ? 'items' : 'seconds',
      lag,
      ...(backlog === undefined ? {} : { backlog }),
      ...(sourceWatermark === undefined ? {} : { sourceWatermark }),
      ...(targetWatermark === undefined ? {} : { targetWatermark }),
      ...(sourceMovedAt === undefined ? {} : { sourceMovedAt }),
      ...(targetMovedAt === undefined ? {} : { targetMovedAt }),
    },
  };
}

/** undefined = empty and emptyMeans caughtUp (nothing waiting). */
function readSourceWatermark(check: SyncCheck, source: SideAnswer): number | undefined {
  const path = check.source.watermark;
  if (path === undefined) throw new Error(`sync check ${check.name} in mode lag has no source watermark; the schema should have refused it`);
  if (check.emptyMeans === 'caughtUp' && isEmpty(readJsonPath(path, source.document))) return undefined;
  return readWatermark(check, source, path);
}

function readWatermark(check: SyncCheck, answer: SideAnswer, path: JsonPath): number {
  const value = readAnswerPath(answer, path);
  if (value === null) {
    throw new ProbeFailure('assertion', `${answer.side}: ${path.source} is null in the JSON from ${answer.host}`, {
      detail: probeMessage('sync_value', { ...placeOf(answer, path), problem: 'null' }),
    });
  }
  return parseWatermark(value, check.unit, describeWhere(answer, path), placeOf(answer, path));
}

/** A count, or a list whose length is the count. */
function readBacklog(source: SideAnswer, path: JsonPath): number {
  const value = readAnswerPath(source, path);
  if (Array.isArray(value)) return value.length;
  return parseWatermark(value, 'count', `${describeWhere(source, path)} (backlog)`, { ...placeOf(source, path), backlog: true });
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Epoch ms when the watermark last changed; the first sighting counts as a move (we know no better). */
function movedAt(before: number | undefined, movedAtBefore: number | undefined, current: number | undefined, nowMs: number): number | undefined {
  if (current === undefined) return movedAtBefore;
  if (before === undefined || movedAtBefore === undefined || current !== before) return nowMs;
  return movedAtBefore;
}

/** At or above critical → critical; at or above warn → warning. */
export function levelOf(value: number, levels: SyncLevels | undefined): Status {
  if (levels?.critical !== undefined && value >= levels.critical) return 'critical';
  if (levels?.warn !== undefined && value >= levels.warn) return 'warning';
  return 'ok';
}

/** The threshold a level was reached at; undefined for ok. */
function levelAt(level: Status, levels: SyncLevels | undefined): number | undefined {
  if (level === 'critical') return levels?.critical;
  if (level === 'warning') return levels?.warn;
  return undefined;
}

function levelNote(level: Status, levels: SyncLevels | undefined, render: (value: number) => string): string {
  if (level === 'critical' && levels?.critical !== undefined) return ` (critical at ${render(levels.critical)})`;
  if (level === 'warning' && levels?.warn !== undefined) return ` (warning at ${render(levels.warn)})`;
  return '';
}
