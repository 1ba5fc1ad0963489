// Judges a sync check in mode parity: does each side hold the same value, and for how long have
// they differed. Pure (no I/O, time from the caller); the rules are written out atop sync.ts.
import type { SyncCheck } from '../config/config.ts';
import { DOSSIER_STATUSES, toDossierStatusCode } from './dossier-status.ts';
import { formatAge } from './format-age.ts';
import { shorten } from './format.ts';
import type { JsonPath } from '../config/json-path.ts';
import { probeMessage, type ProbeMessage, type SyncObservation } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';
import { placeOf, plural, readAnswerPath, worstOf, type SideAnswer, type SyncVerdict, type ValuePlace } from './sync-answer.ts';

/** The key of a value compared whole (not a list of items by code). */
export const WHOLE_VALUE_KEY = '$';
const LISTED_DIFFERENCES = 3;
const SHOWN_VALUE_CHARS = 40;

interface Comparable {
  /** What decides equality. */
  readonly canonical: string;
  /** How the value reads in a message. */
  readonly shown: string;
}

interface SideValues {
  /** true = a list of items matched by code; false = one value compared whole. */
  readonly keyed: boolean;
  readonly items: ReadonlyMap<string, Comparable>;
}

interface Difference {
  readonly key: string;
  readonly source: Comparable;
  readonly target?: Comparable;
  readonly sinceMs: number;
}

/**
 * Throws ProbeFailure for a missing path ('assertion'), or for values that cannot be compared
 * ('protocol': an unknown dossier status, a list on one side and a single value on the other).
 * `now` is rule time (ProbeContext.steady): the mismatch clock is ours alone, so a step of the
 * wall clock must not age a difference.
 */
export function judgeSyncParity(check: SyncCheck, source: SideAnswer, target: SideAnswer, previous: SyncObservation | undefined, now: Date): SyncVerdict {
  const nowMs = now.getTime();
  const sourcePath = check.source.value;
  const targetPath = check.target?.value;
  if (sourcePath === undefined || targetPath === undefined) {
    throw new Error(`sync check ${check.name} in mode parity lacks a value path; the schema should have refused it`);
  }
  const sourceValues = readSideValues(check, source, sourcePath);
  const targetValues = readSideValues(check, target, targetPath);
  if (sourceValues.keyed !== targetValues.keyed) {
    const describe = (values: SideValues, path: JsonPath, side: string) =>
      `${side} ${path.source} is ${values.keyed ? 'a list of items with a code' : 'a single value'}`;
    throw new ProbeFailure(
      'protocol',
      `${describe(sourceValues, sourcePath, 'source')}, ${describe(targetValues, targetPath, 'target')}: they cannot be compared`,
      { detail: probeMessage('sync_shapes_differ', { sourcePath: sourcePath.source, targetPath: targetPath.source, sourceKeyed: sourceValues.keyed }) },
    );
  }

  // The source is the reference: a code listed only by the target lies outside the source's list
  // (an older dossier, a different window) and says nothing about sync.
  const differences: Difference[] = [];
  for (const [key, sourceItem] of sourceValues.items) {
    const targetItem = targetValues.items.get(key);
    if (sourceItem.canonical === targetItem?.canonical) continue;
    differences.push({ key, source: sourceItem, target: targetItem, sinceMs: previous?.mismatchSinceByKey?.[key] ?? nowMs });
  }
  differences.sort((a, b) => a.sinceMs - b.sinceMs || a.key.localeCompare(b.key));

  const mismatchForSeconds = check.expect.mismatchForSeconds;
  const oldest = differences[0];
  const mismatchSeconds = oldest === undefined ? undefined : (nowMs - oldest.sinceMs) / 1000;
  const critical = mismatchSeconds !== undefined && mismatchForSeconds !== undefined && mismatchSeconds >= mismatchForSeconds;
  const noun = check.compare === 'dossierStatus' ? 'dossier' : 'item';

  return {
    ...worstOf([critical ? 'critical' : 'ok']),
    message: describeParity(sourceValues, sourceValues.items.size, differences, mismatchSeconds, mismatchForSeconds, critical, noun),
    detail: parityMessage(sourceValues, differences, mismatchSeconds, mismatchForSeconds, critical, noun),
    sync: {
      mode: 'parity',
      unit: 'seconds',
      mismatchCount: differences.length,
      comparedCount: sourceValues.items.size,
      ...(oldest === undefined
        ? {}
        : {
            mismatchSince: oldest.sinceMs,
            mismatchSeconds,
            mismatchSinceByKey: Object.fromEntries(differences.map((difference) => [difference.key, difference.sinceMs])),
          }),
    },
  };
}

/** The same verdict as describeParity, as a code and parameters. */
function parityMessage(
  sourceValues: SideValues,
  differences: readonly Difference[],
  mismatchSeconds: number | undefined,
  mismatchForSeconds: number | undefined,
  critical: boolean,
  noun: 'dossier' | 'item',
): ProbeMessage {
  const agreed = sourceValues.keyed || mismatchSeconds !== undefined ? undefined : (sourceValues.items.get(WHOLE_VALUE_KEY)?.shown ?? 'absent');
  return probeMessage('sync_parity', {
    noun,
    keyed: sourceValues.keyed,
    compared: sourceValues.items.size,
    ...(agreed === undefined ? {} : { agreed }),
    ...(mismatchSeconds === undefined ? {} : { mismatchSeconds }),
    ...(mismatchForSeconds === undefined ? {} : { allowedSeconds: mismatchForSeconds }),
    critical,
    differences: differences.slice(0, LISTED_DIFFERENCES).map((difference) => ({
      key: difference.key,
      source: difference.source.shown,
      ...(difference.target === undefined ? {} : { target: difference.target.shown }),
    })),
    total: differences.length,
  });
}

function describeParity(
  sourceValues: SideValues,
  compared: number,
  differences: readonly Difference[],
  mismatchSeconds: number | undefined,
  mismatchForSeconds: number | undefined,
  critical: boolean,
  noun: string,
): string {
  if (mismatchSeconds === undefined) {
    if (!sourceValues.keyed) return `source and target agree (${sourceValues.items.get(WHOLE_VALUE_KEY)?.shown ?? 'absent'})`;
    return compared === 0 ? `no ${noun}s listed by the source to compare` : `source and target agree on all ${plural(compared, noun)}`;
  }
  const allowed =
    mismatchForSeconds === undefined ? '' : critical ? ` (critical at ${formatAge(mismatchForSeconds)})` : ` (allowed ${formatAge(mismatchForSeconds)})`;
  const age = `for ${formatAge(mismatchSeconds)}${allowed}`;
  if (!sourceValues.keyed) {
    const only = differences[0]!;
    return `source and target differ ${age}: source ${only.source.shown}, target ${only.target?.shown ?? 'absent'}`;
  }
  const listed = differences.slice(0, LISTED_DIFFERENCES).map((difference) => {
    if (difference.target === undefined) return `${difference.key} not on target`;
    return `${difference.key} ${difference.source.shown} ≠ ${difference.target.shown}`;
  });
  const more = differences.length > LISTED_DIFFERENCES ? `; ${differences.length - LISTED_DIFFERENCES} more` : '';
  return `${differences.length} of ${plural(compared, noun)} differ, the oldest ${age}: ${listed.join('; ')}${more}`;
}

/**
 * A list whose items are all objects with a `code` is matched by code and compared on each item's
 * `status`; anything else is one value compared whole.
 */
function readSideValues(check: SyncCheck, answer: SideAnswer, path: JsonPath): SideValues {
  const value = readAnswerPath(answer, path);
  if (Array.isArray(value) && value.every(hasCode)) {
    const items = new Map<string, Comparable>();
    for (const item of value) {
      const code = String(item.code);
      items.set(
        code,
        toComparable(check, item.status, () => `${answer.side}: status of ${code} (${path.source} from ${answer.host})`, {
          ...placeOf(answer, path),
          item: code,
        }),
      );
    }
    return { keyed: true, items };
  }
  const whole = toComparable(check, value, () => `${answer.side}: ${path.source} from ${answer.host}`, placeOf(answer, path));
  return { keyed: false, items: new Map([[WHOLE_VALUE_KEY, whole]]) };
}

function hasCode(item: unknown): item is { code: string | number; status?: unknown } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return false;
  const code = (item as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number';
}

/**
 * dossierStatus: codes 1-10 and national or Vietnamese names meet on the code, shown by national
 * name. exact: the same JSON value, except that a number and its decimal text are the same
 * (systems disagree on quoting numbers); object keys may come in any order.
 */
function toComparable(check: SyncCheck, value: unknown, where: () => string, place: ValuePlace): Comparable {
  if (check.compare === 'dossierStatus') {
    const code = toDossierStatusCode(value);
    if (code === undefined) {
      throw new ProbeFailure('protocol', `${where()} is ${showValue(value)}, not a dossier status (1-10, or receiving, new, … done)`, {
        detail: probeMessage('sync_value', { ...place, problem: 'not_status', value: showValue(value) }),
      });
    }
    return { canonical: String(code), shown: DOSSIER_STATUSES[code].national };
  }
  return { canonical: canonicalOf(value), shown: showValue(value) };
}

function canonicalOf(value: unknown): string {
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value === 'string') return /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? `n:${Number(value)}` : `s:${value}`;
  return `j:${stableStringify(value)}`;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? 'absent';
  return shorten(text, SHOWN_VALUE_CHARS);
}
