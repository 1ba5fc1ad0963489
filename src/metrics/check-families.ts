// The per-check metric families, kept as plain numbers and written straight to exposition text.
// prom-client costs about 5 µs per label set per scrape and blocks the event loop while it
// renders (a quarter of a second at a thousand checks, which delays every probe due meanwhile);
// these families hold nearly all series, so they are rendered here from precomputed label text.
import type { Check } from '../config/config.ts';
import { FAILURE_REASONS, PHASES, type BackendIdentity, type Phase, type ProbeResult } from '../probes/probe.ts';

/** 5 ms (a loopback answer) … 30 s (the longest sensible timeout). */
export const PROBE_DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Everything recorded for one configured check. */
export interface CheckSeries {
  readonly name: string;
  readonly system: string;
  readonly kind: string;
  /** Label text, location included: `check="a",system="b",kind="http",location="x"`. */
  readonly probeLabels: string;
  readonly checkLabels: string;
  readonly statusLabels: string;
  /** `check="a",system="b"` without location, for families that add a label after them. */
  readonly checkSystem: string;
  /** The escaped check name, and `,location="x"` (or empty). */
  readonly nameText: string;
  readonly location: string;
  /** Observations per bucket (not cumulative), then the +Inf overflow. */
  readonly durationBuckets: number[];
  durationSum: number;
  durationCount: number;
  /** Failures by reason, in FAILURE_REASONS order: a small array of integers, not a Map per check (a Map of 14 is 0.5 KB). */
  readonly failures: number[];
  /** A reason outside FAILURE_REASONS (a probe breaking its contract); absent until one comes. */
  otherFailures?: Map<string, number>;
  /** Flow checks: failures a step ended, by reason and step; the step's own series of dvc_probe_failures_total. Absent until the first. */
  stepFailures?: Map<string, { readonly reason: string; readonly step: string; count: number }>;
  skipped: number;
  lastResult?: ProbeResult;
  lastFinishedAtSeconds?: number;
  /** Survives probes without a certificate: the expiry stays true when one probe cannot connect. */
  tlsExpirySeconds?: number;
  statusValue?: number;
  maintenance: boolean;
  /** The check's open incident is a flapping episode now; and how many episodes started since the process did. */
  flapping: boolean;
  flaps: number;
  /** The last server seen answering; survives probes that reached none, like the certificate's expiry. */
  backend?: BackendIdentity;
  /**
   * This check's lines of every family, as UTF-8, reused until something of it changes (see
   * touch); family i ends at byte familyEnds[i]. Bytes rather than strings: a scrape then copies
   * memory instead of joining and encoding tens of megabytes of text at 10,000 checks. The
   * buffer is rewritten in place while the new text fits (a check's text barely changes length
   * between probes), so a steady daemon allocates no new buffer per check and scrape.
   */
  text: Buffer | undefined;
  /** text no longer says what the series hold: render again before use. */
  stale: boolean;
  /** A plain array of small integers: in the heap, where a typed array per check costs two more objects and a native allocation. */
  readonly familyEnds: number[];
}

/** Marks a check's rendered text stale; call after every change to its series. */
export function touch(series: CheckSeries): void {
  series.stale = true;
}

/** Label values here are check and system names and fixed words; escaped all the same. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * V8 keeps a concatenation as a tree of its parts (about 30 bytes a node); these strings live as
 * long as the check, so they are made flat once. Converting a string to a number flattens it in
 * place; the number itself is not used.
 */
function flatten(text: string): string {
  Number(text);
  return text;
}

export function createCheckSeries(check: Check, location: string | undefined): CheckSeries {
  const locationText = location === undefined ? '' : `,location="${escapeLabel(location)}"`;
  const name = escapeLabel(check.name);
  const system = escapeLabel(check.system);
  return {
    name: check.name,
    system: check.system,
    kind: check.kind,
    probeLabels: flatten(`check="${name}",system="${system}",kind="${check.kind}"${locationText}`),
    checkLabels: flatten(`check="${name}"${locationText}`),
    statusLabels: flatten(`check="${name}",system="${system}"${locationText}`),
    checkSystem: flatten(`check="${name}",system="${system}"`),
    nameText: name,
    location: locationText,
    durationBuckets: new Array<number>(PROBE_DURATION_BUCKETS_SECONDS.length + 1).fill(0),
    durationSum: 0,
    durationCount: 0,
    failures: FAILURE_REASONS.map(() => 0),
    skipped: 0,
    maintenance: false,
    flapping: false,
    flaps: 0,
    text: undefined,
    stale: true,
    familyEnds: new Array<number>(FAMILY_COUNT).fill(0),
  };
}

const REASON_INDEX = new Map<string, number>(FAILURE_REASONS.map((reason, index) => [reason, index]));

/** Counts a critical probe under its reason (and its step, for a flow check). */
export function countFailure(series: CheckSeries, reason: string, step: string | undefined): void {
  if (step === undefined) {
    const index = REASON_INDEX.get(reason);
    if (index !== undefined) series.failures[index]! += 1;
    else {
      series.otherFailures ??= new Map();
      series.otherFailures.set(reason, (series.otherFailures.get(reason) ?? 0) + 1);
    }
  } else {
    series.stepFailures ??= new Map();
    const key = `${reason}\n${step}`;
    const counted = series.stepFailures.get(key);
    if (counted === undefined) series.stepFailures.set(key, { reason, step, count: 1 });
    else counted.count += 1;
  }
  touch(series);
}

export function observeDuration(series: CheckSeries, seconds: number): void {
  let index = 0;
  while (index < PROBE_DURATION_BUCKETS_SECONDS.length && seconds > PROBE_DURATION_BUCKETS_SECONDS[index]!) index += 1;
  series.durationBuckets[index]! += 1;
  series.durationSum += seconds;
  series.durationCount += 1;
  touch(series);
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter' | 'histogram';
  readonly help: string;
  /** Appends this check's sample lines. */
  readonly write: (series: CheckSeries, out: string[]) => void;
}

const BUCKET_BOUNDS = [...PROBE_DURATION_BUCKETS_SECONDS.map(String), '+Inf'];
const PHASE_LABELS: readonly Phase[] = PHASES;
const FAILURE_REASON_TEXT = FAILURE_REASONS.map(escapeLabel);

const FAMILIES: readonly Family[] = [
  {
    name: 'dvc_probe_success',
    type: 'gauge',
    help: 'Whether the last probe succeeded (1: status ok or warning, 0: critical).',
    write: (series, out) => {
      if (series.lastResult) out.push(`dvc_probe_success{${series.probeLabels}} ${series.lastResult.status === 'critical' ? 0 : 1}`);
    },
  },
  {
    name: 'dvc_probe_duration_seconds',
    type: 'histogram',
    help: 'Duration of each probe, from start to result, in seconds.',
    write: (series, out) => {
      let cumulative = 0;
      for (let index = 0; index < BUCKET_BOUNDS.length; index += 1) {
        cumulative += series.durationBuckets[index]!;
        out.push(`dvc_probe_duration_seconds_bucket{${series.probeLabels},le="${BUCKET_BOUNDS[index]}"} ${cumulative}`);
      }
      out.push(`dvc_probe_duration_seconds_sum{${series.probeLabels}} ${formatValue(series.durationSum)}`);
      out.push(`dvc_probe_duration_seconds_count{${series.probeLabels}} ${series.durationCount}`);
    },
  },
  {
    name: 'dvc_probe_phase_seconds',
    type: 'gauge',
    help: 'Seconds spent in each phase (dns, connect, tls, ttfb, transfer) by the last probe; a phase it never reached has no series.',
    write: (series, out) => {
      const phases = series.lastResult?.phases;
      if (!phases) return;
      for (const phase of PHASE_LABELS) {
        const seconds = phases[phase];
        if (seconds !== undefined) out.push(`dvc_probe_phase_seconds{check="${series.nameText}",phase="${phase}"${series.location}} ${formatValue(seconds)}`);
      }
    },
  },
  {
    name: 'dvc_probe_failures_total',
    type: 'counter',
    help: 'Probes that ended critical, by failure reason.',
    write: (series, out) => {
      for (let index = 0; index < FAILURE_REASON_TEXT.length; index += 1)
        out.push(`dvc_probe_failures_total{${series.checkSystem},reason="${FAILURE_REASON_TEXT[index]}"${series.location}} ${series.failures[index]}`);
      for (const [reason, count] of series.otherFailures ?? [])
        out.push(`dvc_probe_failures_total{${series.checkSystem},reason="${escapeLabel(reason)}"${series.location}} ${count}`);
      // A flow check's failures that a step ended carry the step; those of the flow as a whole (latency) have none, like every other kind's.

      for (const { reason, step, count } of series.stepFailures?.values() ?? [])
        out.push(`dvc_probe_failures_total{${series.checkSystem},reason="${escapeLabel(reason)}",step="${escapeLabel(step)}"${series.location}} ${count}`);
    },
  },
  {
    name: 'dvc_http_status_code',
    type: 'gauge',
    help: 'HTTP status code of the last probe; absent when that probe got no response.',
    write: (series, out) => {
      // A status from an earlier probe would read as the answer to this one, so none is kept.
      const status = series.lastResult?.httpStatus;
      if (status !== undefined) out.push(`dvc_http_status_code{${series.checkLabels}} ${status}`);
    },
  },
  {
    name: 'dvc_tls_cert_expiry_timestamp_seconds',
    type: 'gauge',
    help: 'Expiry (notAfter) of the last certificate seen, as Unix time; kept when a later probe could not read one.',
    write: (series, out) => {
      if (series.tlsExpirySeconds !== undefined)
        out.push(`dvc_tls_cert_expiry_timestamp_seconds{${series.checkLabels}} ${formatValue(series.tlsExpirySeconds)}`);
    },
  },
  {
    name: 'dvc_check_status',
    type: 'gauge',
    help: 'Check state after thresholds: 0 ok, 1 warning, 2 critical.',
    write: (series, out) => {
      if (series.statusValue !== undefined) out.push(`dvc_check_status{${series.statusLabels}} ${series.statusValue}`);
    },
  },
  {
    name: 'dvc_probe_last_run_timestamp_seconds',
    type: 'gauge',
    help: 'When the last probe of the check finished, as Unix time.',
    write: (series, out) => {
      if (series.lastFinishedAtSeconds !== undefined)
        out.push(`dvc_probe_last_run_timestamp_seconds{${series.checkLabels}} ${formatValue(series.lastFinishedAtSeconds)}`);
    },
  },
  // Sync gauges publish what the last probe knew; a failed probe knows no lag, so its series
  // disappear (absent = unknown) rather than freeze at an old value that could hide a growing lag.
  {
    name: 'dvc_sync_lag_seconds',
    type: 'gauge',
    help: 'Sync lag of the last probe in seconds: source − target watermark, or now − source.',
    write: (series, out) => {
      const sync = series.lastResult?.sync;
      if (sync?.mode === 'lag' && sync.unit === 'seconds' && sync.lag !== undefined)
        out.push(`dvc_sync_lag_seconds{${series.statusLabels}} ${formatValue(sync.lag)}`);
    },
  },
  {
    name: 'dvc_sync_lag_items',
    type: 'gauge',
    help: 'Sync lag of the last probe in items, for counter watermarks (unit: count).',
    write: (series, out) => {
      const sync = series.lastResult?.sync;
      if (sync?.mode === 'lag' && sync.unit === 'items' && sync.lag !== undefined)
        out.push(`dvc_sync_lag_items{${series.statusLabels}} ${formatValue(sync.lag)}`);
    },
  },
  {
    name: 'dvc_sync_backlog',
    type: 'gauge',
    help: 'Items (dossiers) waiting to be synced, as the source reported at the last probe.',
    write: (series, out) => {
      const backlog = series.lastResult?.sync?.backlog;
      if (backlog !== undefined) out.push(`dvc_sync_backlog{${series.statusLabels}} ${formatValue(backlog)}`);
    },
  },
  {
    name: 'dvc_sync_watermark_timestamp_seconds',
    type: 'gauge',
    help: 'Watermark of each side at the last probe, as Unix time (time watermarks only).',
    write: (series, out) => {
      const sync = series.lastResult?.sync;
      if (sync?.unit !== 'seconds') return;
      const check = series.nameText;
      if (sync.sourceWatermark !== undefined)
        out.push(`dvc_sync_watermark_timestamp_seconds{check="${check}",side="source"${series.location}} ${formatValue(sync.sourceWatermark)}`);
      if (sync.targetWatermark !== undefined)
        out.push(`dvc_sync_watermark_timestamp_seconds{check="${check}",side="target"${series.location}} ${formatValue(sync.targetWatermark)}`);
    },
  },
  {
    name: 'dvc_sync_watermark_moved_timestamp_seconds',
    type: 'gauge',
    help: "When each side's watermark was last seen to change, as Unix time; a stall shows as this falling behind.",
    write: (series, out) => {
      const sync = series.lastResult?.sync;
      const check = series.nameText;
      if (sync?.sourceMovedAt !== undefined)
        out.push(`dvc_sync_watermark_moved_timestamp_seconds{check="${check}",side="source"${series.location}} ${formatValue(sync.sourceMovedAt / 1000)}`);
      if (sync?.targetMovedAt !== undefined)
        out.push(`dvc_sync_watermark_moved_timestamp_seconds{check="${check}",side="target"${series.location}} ${formatValue(sync.targetMovedAt / 1000)}`);
    },
  },
  {
    name: 'dvc_sync_parity_mismatch_seconds',
    type: 'gauge',
    help: 'Parity checks: how long the two sides have differed (0 while equal).',
    write: (series, out) => {
      const sync = series.lastResult?.sync;
      if (sync?.mode === 'parity' && sync.mismatchCount !== undefined)
        out.push(`dvc_sync_parity_mismatch_seconds{${series.statusLabels}} ${formatValue(sync.mismatchSeconds ?? 0)}`);
    },
  },
  {
    name: 'dvc_sync_parity_mismatches',
    type: 'gauge',
    help: 'Parity checks: values (or dossiers) that differ between the sides at the last probe.',
    write: (series, out) => {
      const sync = series.lastResult?.sync;
      if (sync?.mode === 'parity' && sync.mismatchCount !== undefined) out.push(`dvc_sync_parity_mismatches{${series.statusLabels}} ${sync.mismatchCount}`);
    },
  },
  {
    name: 'dvc_scheduler_skipped_total',
    type: 'counter',
    help: 'Runs not started because the previous run of the same check was still in progress.',
    write: (series, out) => {
      out.push(`dvc_scheduler_skipped_total{${series.checkLabels}} ${series.skipped}`);
    },
  },
  {
    name: 'dvc_maintenance_active',
    type: 'gauge',
    help: 'Whether a planned maintenance window covers the check now (1) or not (0).',
    write: (series, out) => {
      out.push(`dvc_maintenance_active{${series.checkLabels}} ${series.maintenance ? 1 : 0}`);
    },
  },
  {
    name: 'dvc_check_flapping',
    type: 'gauge',
    help: 'Whether the check is flapping now (1): its status changed more often than alerting.flapping allows; 0 otherwise.',
    write: (series, out) => {
      out.push(`dvc_check_flapping{${series.statusLabels}} ${series.flapping ? 1 : 0}`);
    },
  },
  {
    name: 'dvc_check_flaps_total',
    type: 'counter',
    help: 'Flapping episodes the check began.',
    write: (series, out) => {
      out.push(`dvc_check_flaps_total{${series.statusLabels}} ${series.flaps}`);
    },
  },
  // Flow gauges publish the steps the last probe ran; a step it never reached has no series.
  {
    name: 'dvc_flow_step_duration_seconds',
    type: 'gauge',
    help: 'Flow checks: seconds each step of the last probe took (its redirects and a retry after 401 included).',
    write: (series, out) => {
      for (const step of series.lastResult?.flow?.steps ?? [])
        out.push(
          `dvc_flow_step_duration_seconds{check="${series.nameText}",step="${escapeLabel(step.name)}"${series.location}} ${formatValue(step.durationSeconds)}`,
        );
    },
  },
  {
    name: 'dvc_flow_step_phase_seconds',
    type: 'gauge',
    help: 'Flow checks: seconds each step of the last probe spent in each phase (dns, connect, tls, ttfb, transfer), summed over its hops.',
    write: (series, out) => {
      for (const step of series.lastResult?.flow?.steps ?? []) {
        for (const phase of PHASE_LABELS) {
          const seconds = step.phases[phase];
          if (seconds !== undefined)
            out.push(
              `dvc_flow_step_phase_seconds{check="${series.nameText}",step="${escapeLabel(step.name)}",phase="${phase}"${series.location}} ${formatValue(seconds)}`,
            );
        }
      }
    },
  },
  // A value the last probe could not read (no answer, not a number) has no sample: absent = unknown.
  {
    name: 'dvc_check_value',
    type: 'gauge',
    help: 'A number the last probe read from the answer and the check exports (export: { name } on a JSON expectation).',
    write: (series, out) => {
      for (const value of series.lastResult?.values ?? [])
        out.push(`dvc_check_value{check="${series.nameText}",name="${escapeLabel(value.name)}"${series.location}} ${formatValue(value.value)}`);
    },
  },
  {
    name: 'dvc_backend_info',
    type: 'gauge',
    help: 'The server that last answered the check (1): connected address and certificate SHA-256 fingerprint (empty without TLS).',
    write: (series, out) => {
      const backend = series.backend;
      if (backend !== undefined)
        out.push(
          `dvc_backend_info{check="${series.nameText}",address="${escapeLabel(backend.address)}",fingerprint="${escapeLabel(backend.fingerprint ?? '')}"${series.location}} 1`,
        );
    },
  },
];

const FAMILY_COUNT = FAMILIES.length;
const FAMILY_HEADERS = FAMILIES.map((family) => Buffer.from(`# HELP ${family.name} ${family.help}\n# TYPE ${family.name} ${family.type}\n`));
const HEADER_ROOM = Math.max(...FAMILY_HEADERS.map((header) => header.length));

/** Rebuilds a check's text of every family. */
function renderCheck(series: CheckSeries): Buffer {
  const parts: string[] = [];
  const lines: string[] = [];
  let bytes = 0;
  for (let index = 0; index < FAMILY_COUNT; index += 1) {
    lines.length = 0;
    FAMILIES[index]!.write(series, lines);
    if (lines.length > 0) {
      const text = `${lines.join('\n')}\n`;
      parts.push(text);
      bytes += Buffer.byteLength(text);
    }
    series.familyEnds[index] = bytes;
  }
  // Its own allocation: a slice of Node's shared pool would keep a whole slab alive after the
  // check's next probe replaces it. Room to spare, so that counters and timestamps growing by a
  // digit still fit in place.
  let text = series.text;
  if (text === undefined || text.length < bytes) text = Buffer.allocUnsafeSlow(bytes + (bytes >> 4) + 32);
  text.write(parts.join(''));
  series.text = text;
  series.stale = false;
  return text;
}

/** Bytes per chunk handed to the HTTP response: a few milliseconds of copying each. */
const CHUNK_BYTES = 256 * 1024;
/** Changed checks rendered between two turns of the event loop: a few milliseconds' work. */
const RENDER_BATCH = 200;
const EMPTY = Buffer.alloc(0);

/**
 * Exposition text of every per-check family, HELP and TYPE included even when empty, in chunks
 * of about CHUNK_BYTES. A check probed once a minute and scraped every 15 s is unchanged at most
 * scrapes, so its text is rebuilt only after touch(); a scrape mostly copies bytes.
 */
export function* renderCheckFamilyChunks(series: readonly CheckSeries[]): Generator<Buffer> {
  // Changed checks first, a batch at a time, with an empty chunk after each: the writer gives
  // the event loop a turn there (2,500 changed checks take tens of milliseconds to render).
  let rendered = 0;
  for (const entry of series) {
    if (!entry.stale) continue;
    renderCheck(entry);
    rendered += 1;
    if (rendered % RENDER_BATCH === 0) yield EMPTY;
  }
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (let index = 0; index < FAMILY_COUNT; index += 1) {
    const header = FAMILY_HEADERS[index]!;
    header.copy(chunk, used);
    used += header.length;
    for (const entry of series) {
      const text = entry.stale ? renderCheck(entry) : entry.text!;
      const start = index === 0 ? 0 : entry.familyEnds[index - 1]!;
      const end = entry.familyEnds[index]!;
      if (end === start) continue;
      // Room is kept for the next header, so a header never needs a check of its own.
      if (used + (end - start) + HEADER_ROOM > chunk.length) {
        yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, end - start + HEADER_ROOM));
        used = 0;
      }
      text.copy(chunk, used, start, end);
      used += end - start;
    }
  }
  if (used > 0) yield chunk.subarray(0, used);
}
