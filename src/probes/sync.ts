// The sync probe: reads a sync-status answer from the source (provincial system) and, when
// configured, the target (national portal side), concurrently, then judges lag or parity.
// This file does the I/O; sync-lag.ts and sync-parity.ts judge without it.
//
// How a sync check is judged (the contract technicians and dashboards rely on):
// - Each side is one HTTP request through measureHttp (fresh timed connection, capped body, TLS
//   judged as for http checks, the check's deadline). A side fails the ordinary way: dns,
//   connect, tls, timeout, blocked, http_status (any answer outside 200-299), a body that is not
//   JSON → protocol. The message names the side: "target: HTTP 503 from host". When both sides
//   fail, the reason is the source's and the message names both.
// - A watermark, value or backlog path absent from the JSON (or a watermark that is null) →
//   assertion, naming the side and path. A value in no known format → protocol (watermark.ts).
// - mode lag, unit time: two-sided lag = source − target watermark, one-sided lag = now −
//   source watermark; never negative (a target ahead of the source is lag 0 and no error).
//   Two-sided lag compares two remote clocks and ignores ours; one-sided lag reads our wall clock
//   (context.clock), so it moves with a step of it, as it must: the watermark is a wall time.
//   The stall and mismatch clocks are ours alone and run on rule time (context.steady).
//   unit count: lag = source − target, in items. emptyMeans caughtUp: a null, absent or empty
//   source watermark means nothing is waiting, so lag 0.
// - Levels, each "at or above": lag ≥ critical → critical, ≥ warn → warning; backlog likewise;
//   stalled → critical. The worst wins and the reason is sync_lag.
// - stalled: the target watermark has not moved for expect.stalled while the source one moved
//   after it last did, and the lag is above 0. Moves are tracked from probe to probe through
//   context.previous (sourceMovedAt / targetMovedAt). The first sighting of a watermark counts as
//   a move, so a stall is timed from when this check first saw the target, never from before.
// - mode parity: `value` on each side is either one value, compared whole, or a list of objects
//   with a `code`, matched by code and compared on each item's `status`. The source's list is the
//   reference: its items missing on the target differ, items only the target lists are ignored
//   (outside the source's window, not a sync problem). compare exact: the same JSON value (5 and "5" are the same);
//   dossierStatus: codes 1-10 equal the national names receiving … done. Each differing item
//   carries the time it began to differ (mismatchSinceByKey), so a busy list in which every
//   dossier syncs within a minute never adds up to a long mismatch. The oldest difference ≥
//   expect.mismatchFor → critical sync_lag; a younger one is ok, because status sync is
//   asynchronous and a difference of a minute is normal; its age is still in the message and in
//   result.sync.mismatchSeconds for dashboards.
// - A certificate nearing minDaysLeft on either side makes an otherwise ok result a tls warning.
// - result.sync is filled in whenever both answers were read, even when thresholds fail, so
//   metrics can show the lag. When a side failed or a value could not be read, result.sync
//   carries the previous watermarks and move/mismatch times unchanged (so one failed probe does
//   not restart the stall or mismatch clock) and leaves lag, backlog and mismatchSeconds out:
//   they are unknown.
// - result.phases are the source side's. httpStatus is the source's, or when a side failed, that
//   side's (absent if it never answered). result.tls is whichever side's certificate expires first.
//   durationSeconds covers the whole probe, both sides.
import { monotonicMs, secondsSince } from '../clock.ts';
import type { HttpCheck, SyncCheck, SyncSide } from '../config/config.ts';
import { judgeHttp, measureHttp, type HttpMeasurement } from './http.ts';
import {
  carriedSync,
  probeMessage,
  type CertificateInfo,
  type FailureReason,
  type Probe,
  type ProbeContext,
  type ProbeMessage,
  type ProbeResult,
  type SyncObservation,
} from './probe.ts';
import { readJsonPath, type JsonPath } from '../config/json-path.ts';
import { measureWithAuth } from './measure-with-auth.ts';
import { jsonRefused } from './json-expectations.ts';
import { parseJson } from './parse-json.ts';
import { failureFields, ProbeFailure } from './probe-failure.ts';
import type { SideAnswer, SideName, SyncVerdict } from './sync-answer.ts';
import { judgeSyncLag } from './sync-lag.ts';
import { judgeSyncParity } from './sync-parity.ts';

function withDetail(detail: ProbeMessage | undefined): { detail?: ProbeMessage } {
  return detail === undefined ? {} : { detail };
}

/** Only 2xx carries a sync status; a redirect here is usually a login page. */
const SUCCESS_STATUS: readonly number[] = Array.from({ length: 100 }, (_, index) => 200 + index);

interface SideReading {
  readonly side: SideName;
  readonly measurement: HttpMeasurement;
  /** The http judgement: ok, or a certificate warning (failures are in `failure`). */
  readonly judged: ProbeResult;
  readonly answer?: SideAnswer;
  readonly failure?: { readonly reason: FailureReason; readonly message: string; readonly detail?: ProbeMessage };
}

/** A side's message as its own: "target: HTTP 503 from host". Uncoded stays uncoded. */
function onSide(side: SideName, detail: ProbeMessage | undefined): ProbeMessage | undefined {
  return detail && probeMessage('sync_side', { side, detail });
}

/** Several coded findings read in order; one missing code leaves the whole line uncoded. */
function joined(parts: readonly (ProbeMessage | undefined)[]): ProbeMessage | undefined {
  if (parts.some((part) => part === undefined)) return undefined;
  const coded = parts as readonly ProbeMessage[];
  return coded.length === 1 ? coded[0] : probeMessage('sync_joined', { parts: coded });
}

export const probeSync: Probe<SyncCheck> = async (check, context) => {
  const startedAt = monotonicMs();
  const [source, target] = await Promise.all([
    readSide(check, 'source', check.source, context),
    check.target === undefined ? undefined : readSide(check, 'target', check.target, context),
  ]);
  const readings = target === undefined ? [source] : [source, target];
  const previous = previousObservation(check, context.previous);
  const certificate = earliestCertificate(readings);
  const base = {
    durationSeconds: secondsSince(startedAt),
    phases: source.measurement.phases,
    ...(certificate === undefined ? {} : { tls: certificate }),
  };

  const failed = readings.filter((reading) => reading.failure !== undefined);
  if (failed.length > 0) {
    const first = failed[0]!;
    const status = first.judged.httpStatus;
    const detail = joined(failed.map((reading) => reading.failure!.detail));
    return {
      ...base,
      ...(status === undefined ? {} : { httpStatus: status }),
      status: 'critical',
      reason: first.failure!.reason,
      message: failed.map((reading) => reading.failure!.message).join('; '),
      ...(detail === undefined ? {} : { detail }),
      sync: carriedObservation(check, previous),
    };
  }

  const answered = { ...base, ...(source.judged.httpStatus === undefined ? {} : { httpStatus: source.judged.httpStatus }) };
  let verdict: SyncVerdict;
  try {
    const now = context.clock();
    verdict = judgeAnswers(check, source.answer!, target?.answer, previous, now, context.steady?.() ?? now);
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { ...answered, status: 'critical', ...failureFields(error), sync: carriedObservation(check, previous) };
  }
  const warned = readings.find((reading) => reading.judged.status === 'warning');
  if (verdict.status === 'ok' && warned !== undefined) {
    return {
      ...answered,
      status: 'warning',
      reason: warned.judged.reason,
      message: `${warned.side}: ${warned.judged.message}; ${verdict.message}`,
      ...withDetail(joined([onSide(warned.side, warned.judged.detail), verdict.detail])),
      sync: verdict.sync,
    };
  }
  return { ...answered, ...verdict };
};

function judgeAnswers(
  check: SyncCheck,
  source: SideAnswer,
  target: SideAnswer | undefined,
  previous: SyncObservation | undefined,
  now: Date,
  steadyNow: Date,
): SyncVerdict {
  if (check.mode === 'lag') return judgeSyncLag(check, source, target, previous, now, steadyNow);
  if (target === undefined) throw new Error(`sync check ${check.name} in mode parity has no target; the schema should have refused it`);
  return judgeSyncParity(check, source, target, previous, steadyNow);
}

const NO_BODY = Buffer.alloc(0);

/**
 * The parts of a parsed answer the judges read (watermark, value, backlog paths), in containers
 * of the same kinds: the rest of a large answer is garbage as soon as its side is parsed, instead
 * of living, with the other side's, until both are judged.
 */
function keepOnly(document: unknown, paths: readonly JsonPath[]): unknown {
  let kept: unknown;
  for (const path of paths) {
    const value = readJsonPath(path, document);
    if (value === undefined) continue;
    if (path.steps.length === 0) return document;
    kept ??= Array.isArray(document) ? [] : {};
    let into = kept as Record<string | number, unknown>;
    let from = document as Record<string | number, unknown>;
    path.steps.forEach((step, index) => {
      if (index === path.steps.length - 1) {
        into[step] = value;
        return;
      }
      from = from[step] as Record<string | number, unknown>;
      into[step] ??= Array.isArray(from) ? [] : {};
      into = into[step] as Record<string | number, unknown>;
    });
  }
  return kept ?? (Array.isArray(document) ? [] : typeof document === 'object' && document !== null ? {} : document);
}

async function readSide(check: SyncCheck, side: SideName, spec: SyncSide, context: ProbeContext): Promise<SideReading> {
  const request = asHttpCheck(check, side, spec);
  const measurement = await measureWithAuth(measureHttp, request, spec.auth, context);
  // Decoded once, for the firewall's marks and for the JSON; the bytes are not kept beyond this.
  const text = measurement.kind === 'response' ? measurement.body.toString('utf8') : undefined;
  const judged = judgeHttp(request, measurement, text);
  if (judged.status === 'critical') {
    const detail = onSide(side, judged.detail);
    return { side, measurement, judged, failure: { reason: judged.reason ?? 'protocol', message: `${side}: ${judged.message}`, ...withDetail(detail) } };
  }
  if (measurement.kind !== 'response') throw new Error('judgeHttp passed a failed measurement');
  const parsed = parseJson(text ?? '');
  // The reading outlives this function (both sides are judged together): without the body.
  const kept: HttpMeasurement = { ...measurement, body: NO_BODY };
  if (parsed.ok) {
    const read = [spec.watermark, spec.value, check.backlog].filter((path): path is JsonPath => path !== undefined);
    return { side, measurement: kept, judged, answer: { side, host: measurement.host, document: keepOnly(parsed.value, read) } };
  }
  const refused = jsonRefused(parsed, measurement.host);
  return {
    side,
    measurement: kept,
    judged,
    failure: { reason: refused.reason, message: `${side}: ${refused.message}`, ...withDetail(onSide(side, refused.detail)) },
  };
}

/** The request as an http check: 2xx expected, the firewall's marks recognised, no JSON rules. */
function asHttpCheck(check: SyncCheck, side: SideName, spec: SyncSide): HttpCheck {
  return {
    name: `${check.name}-${side}`,
    system: check.system,
    kind: 'http',
    intervalSeconds: check.intervalSeconds,
    timeoutSeconds: check.timeoutSeconds,
    failureThreshold: check.failureThreshold,
    successThreshold: check.successThreshold,
    dependsOn: [],
    alertOn: check.alertOn,
    ...(check.resolver === undefined ? {} : { resolver: check.resolver }),
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    followRedirects: false,
    ipFamily: spec.ipFamily,
    userAgent: spec.userAgent,
    expect: { status: SUCCESS_STATUS, json: [], maxBodyBytes: check.maxBodyBytes },
    tls: spec.tls,
    blocked: check.blocked,
  };
}

/** The previous observation when it was made under the same mode and unit (a reload may change them). */
function previousObservation(check: SyncCheck, previous: ProbeResult | undefined): SyncObservation | undefined {
  const observation = previous?.sync;
  if (observation === undefined || observation.mode !== check.mode) return undefined;
  return check.mode === 'lag' && observation.unit !== unitOf(check) ? undefined : observation;
}

/** What a failed probe reports: what was known before, with the measures that are now unknown left out. */
function carriedObservation(check: SyncCheck, previous: SyncObservation | undefined): SyncObservation {
  const as = { mode: check.mode, unit: unitOf(check) };
  return previous === undefined ? as : carriedSync(previous, as);
}

function unitOf(check: SyncCheck): SyncObservation['unit'] {
  return check.mode === 'lag' && check.unit === 'count' ? 'items' : 'seconds';
}

function earliestCertificate(readings: readonly SideReading[]): CertificateInfo | undefined {
  return readings
    .map((reading) => reading.measurement.certificate)
    .filter((certificate): certificate is CertificateInfo => certificate !== undefined)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())[0];
}
