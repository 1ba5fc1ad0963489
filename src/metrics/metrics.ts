// Owns every dvc_* Prometheus metric; the only module that creates prom-client metrics. Records
// what callers report and renders the registry. Decides nothing about check state itself.
//
// Series policy: counters and histograms of each configured check exist (at zero) from setChecks on,
// so rate() sees the first failure. Gauges that describe "the last probe" appear with the first probe
// (any earlier value would be invented). A phase the last probe never reached has no series, never 0.
//
// Cost: a probe only stores its result and observes the histogram (about 1 µs). The per-check gauges
// are rebuilt from the stored results when scraped, because prom-client's gauge set() allocates and
// hashes on every call: about 9 sets per probe cost 10–20 µs, paid 170–1000 times a second.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Check } from '../config/config.ts';
import { FAILURE_REASONS, PHASES, type Phase, type ProbeResult, type Status } from '../probes/probe.ts';

export interface Metrics {
  readonly registry: Registry;
  /**
   * Declares the checks now configured: creates their series and removes those of checks that are
   * gone or whose system/kind changed (reload). Results for checks not declared here are ignored,
   * so a probe that finishes after a reload cannot bring back a removed check's series.
   */
  setChecks(checks: readonly Check[]): void;
  recordProbe(check: Check, result: ProbeResult, finishedAt: Date): void;
  /** The thresholded check state (after failureThreshold/successThreshold), not one probe's status. */
  recordCheckStatus(check: Check, status: Status): void;
  /** How late a probe started compared with its planned time. */
  recordSchedulerLag(seconds: number): void;
  /** A run was not started because the previous run of the same check was still going. */
  recordSkip(check: Check): void;
  setInFlight(count: number): void;
  /** Call after the first load too; until then dvc_config_last_reload_success reads 0. */
  recordConfigReload(success: boolean, at: Date): void;
  /** Notifications not yet delivered, per channel. */
  setNotificationsQueued(channel: string, count: number): void;
  /** One notification carried by one delivery attempt. */
  recordNotification(channel: string, type: string, result: 'sent' | 'failed'): void;
  /** Open incidents now, and which checks a maintenance window covers now. */
  setIncidents(open: readonly { readonly system: string; readonly severity: string }[]): void;
  setMaintenance(activeByCheck: ReadonlyMap<string, boolean>): void;
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Defaults to a new registry; never the global one. */
  readonly registry?: Registry;
  /** Constant `location` label on every series (several sentinels feeding one Prometheus). */
  readonly location?: string;
  readonly version: string;
  /** Node process metrics (CPU, memory, event loop, GC). Default true; at most once per registry. */
  readonly collectProcessMetrics?: boolean;
}

/** 5 ms (a loopback answer) … 30 s (the longest sensible timeout). */
export const PROBE_DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** 1 ms (healthy timer jitter) … 10 s (a stalled loop). */
export const SCHEDULER_LAG_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const STATUS_VALUES: Readonly<Record<Status, number>> = { ok: 0, warning: 1, critical: 2 };

// prom-client's gauges with a _total suffix fail `promtool check metrics`; their per-type
// siblings (nodejs_active_handles{type} etc.) stay, and sum() over them gives the same number.
const LINT_FAILING_PROCESS_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

type ProbeLabel = 'check' | 'system' | 'kind';

/** Everything kept for one configured check, so recording builds no label objects. */
interface CheckSeries {
  readonly name: string;
  readonly system: string;
  readonly kind: string;
  readonly probeLabels: Readonly<Record<ProbeLabel, string>>;
  readonly checkLabels: Readonly<Record<'check', string>>;
  readonly statusLabels: Readonly<Record<'check' | 'system', string>>;
  readonly phaseLabels: ReadonlyMap<Phase, Readonly<Record<'check' | 'phase', string>>>;
  readonly duration: Histogram.Internal<ProbeLabel>;
  readonly failures: Map<string, { labels: Readonly<Record<'check' | 'system' | 'reason', string>>; counter: Counter.Internal }>;
  readonly skipped: Counter.Internal;
  // Read by the gauges' collect() at scrape time.
  lastResult?: ProbeResult;
  lastFinishedAtSeconds?: number;
  /** Survives probes without a certificate: the expiry stays true when one probe cannot connect. */
  tlsExpirySeconds?: number;
  statusValue?: number;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.location !== undefined) registry.setDefaultLabels({ location: options.location });

  let seriesByName = new Map<string, CheckSeries>();

  /** A gauge whose series are rebuilt from the stored per-check values on every scrape. */
  const createCheckGauge = <T extends string>(
    config: { name: string; help: string; labelNames: readonly T[] },
    publish: (gauge: Gauge<T>, series: CheckSeries) => void,
  ): Gauge<T> => {
    const gauge: Gauge<T> = new Gauge<T>({
      ...config,
      registers,
      collect: () => {
        gauge.reset();
        for (const series of seriesByName.values()) publish(gauge, series);
      },
    });
    return gauge;
  };

  createCheckGauge(
    {
      name: 'dvc_probe_success',
      help: 'Whether the last probe succeeded (1: status ok or warning, 0: critical).',
      labelNames: ['check', 'system', 'kind'],
    },
    (gauge, series) => {
      if (series.lastResult) gauge.set(series.probeLabels, series.lastResult.status === 'critical' ? 0 : 1);
    },
  );
  const probeDuration = new Histogram<ProbeLabel>({
    name: 'dvc_probe_duration_seconds',
    help: 'Duration of each probe, from start to result, in seconds.',
    labelNames: ['check', 'system', 'kind'],
    buckets: [...PROBE_DURATION_BUCKETS_SECONDS],
    registers,
  });
  createCheckGauge(
    {
      name: 'dvc_probe_phase_seconds',
      help: 'Seconds spent in each phase (dns, connect, tls, ttfb, transfer) by the last probe; a phase it never reached has no series.',
      labelNames: ['check', 'phase'],
    },
    (gauge, series) => {
      if (!series.lastResult) return;
      for (const [phase, labels] of series.phaseLabels) {
        const seconds = series.lastResult.phases[phase];
        if (seconds !== undefined) gauge.set(labels, seconds);
      }
    },
  );
  const probeFailures = new Counter<'check' | 'system' | 'reason'>({
    name: 'dvc_probe_failures_total',
    help: 'Probes that ended critical, by failure reason.',
    labelNames: ['check', 'system', 'reason'],
    registers,
  });
  createCheckGauge(
    {
      name: 'dvc_http_status_code',
      help: 'HTTP status code of the last probe; absent when that probe got no response.',
      labelNames: ['check'],
    },
    (gauge, series) => {
      // A status from an earlier probe would read as the answer to this one, so none is kept.
      const status = series.lastResult?.httpStatus;
      if (status !== undefined) gauge.set(series.checkLabels, status);
    },
  );
  createCheckGauge(
    {
      name: 'dvc_tls_cert_expiry_timestamp_seconds',
      help: 'Expiry (notAfter) of the last certificate seen, as Unix time; kept when a later probe could not read one.',
      labelNames: ['check'],
    },
    (gauge, series) => {
      if (series.tlsExpirySeconds !== undefined) gauge.set(series.checkLabels, series.tlsExpirySeconds);
    },
  );
  createCheckGauge(
    {
      name: 'dvc_check_status',
      help: 'Check state after thresholds: 0 ok, 1 warning, 2 critical.',
      labelNames: ['check', 'system'],
    },
    (gauge, series) => {
      if (series.statusValue !== undefined) gauge.set(series.statusLabels, series.statusValue);
    },
  );
  createCheckGauge(
    {
      name: 'dvc_probe_last_run_timestamp_seconds',
      help: 'When the last probe of the check finished, as Unix time.',
      labelNames: ['check'],
    },
    (gauge, series) => {
      if (series.lastFinishedAtSeconds !== undefined) gauge.set(series.checkLabels, series.lastFinishedAtSeconds);
    },
  );
  // Sync gauges publish what the last probe knew; a failed probe knows no lag, so its series
  // disappear (absent = unknown) rather than freeze at an old value that could hide a growing lag.
  const syncOf = (series: CheckSeries) => series.lastResult?.sync;
  createCheckGauge(
    { name: 'dvc_sync_lag_seconds', help: 'Sync lag of the last probe in seconds: source − target watermark, or now − source.', labelNames: ['check', 'system'] },
    (gauge, series) => {
      const sync = syncOf(series);
      if (sync?.mode === 'lag' && sync.unit === 'seconds' && sync.lag !== undefined) gauge.set(series.statusLabels, sync.lag);
    },
  );
  createCheckGauge(
    { name: 'dvc_sync_lag_items', help: 'Sync lag of the last probe in items, for counter watermarks (unit: count).', labelNames: ['check', 'system'] },
    (gauge, series) => {
      const sync = syncOf(series);
      if (sync?.mode === 'lag' && sync.unit === 'items' && sync.lag !== undefined) gauge.set(series.statusLabels, sync.lag);
    },
  );
  createCheckGauge(
    { name: 'dvc_sync_backlog', help: 'Items (dossiers) waiting to be synced, as the source reported at the last probe.', labelNames: ['check', 'system'] },
    (gauge, series) => {
      const backlog = syncOf(series)?.backlog;
      if (backlog !== undefined) gauge.set(series.statusLabels, backlog);
    },
  );
  createCheckGauge(
    { name: 'dvc_sync_watermark_timestamp_seconds', help: 'Watermark of each side at the last probe, as Unix time (time watermarks only).', labelNames: ['check', 'side'] },
    (gauge, series) => {
      const sync = syncOf(series);
      if (sync?.unit !== 'seconds') return;
      if (sync.sourceWatermark !== undefined) gauge.set({ check: series.name, side: 'source' }, sync.sourceWatermark);
      if (sync.targetWatermark !== undefined) gauge.set({ check: series.name, side: 'target' }, sync.targetWatermark);
    },
  );
  createCheckGauge(
    { name: 'dvc_sync_watermark_moved_timestamp_seconds', help: 'When each side\'s watermark was last seen to change, as Unix time; a stall shows as this falling behind.', labelNames: ['check', 'side'] },
    (gauge, series) => {
      const sync = syncOf(series);
      if (sync?.sourceMovedAt !== undefined) gauge.set({ check: series.name, side: 'source' }, sync.sourceMovedAt / 1000);
      if (sync?.targetMovedAt !== undefined) gauge.set({ check: series.name, side: 'target' }, sync.targetMovedAt / 1000);
    },
  );
  createCheckGauge(
    { name: 'dvc_sync_parity_mismatch_seconds', help: 'Parity checks: how long the two sides have differed (0 while equal).', labelNames: ['check', 'system'] },
    (gauge, series) => {
      const sync = syncOf(series);
      if (sync?.mode === 'parity' && sync.mismatchCount !== undefined) gauge.set(series.statusLabels, sync.mismatchSeconds ?? 0);
    },
  );
  createCheckGauge(
    { name: 'dvc_sync_parity_mismatches', help: 'Parity checks: values (or dossiers) that differ between the sides at the last probe.', labelNames: ['check', 'system'] },
    (gauge, series) => {
      const sync = syncOf(series);
      if (sync?.mode === 'parity' && sync.mismatchCount !== undefined) gauge.set(series.statusLabels, sync.mismatchCount);
    },
  );
  const schedulerSkipped = new Counter<'check'>({
    name: 'dvc_scheduler_skipped_total',
    help: 'Runs not started because the previous run of the same check was still in progress.',
    labelNames: ['check'],
    registers,
  });
  const schedulerLag = new Histogram({
    name: 'dvc_scheduler_lag_seconds',
    help: 'How late probes started compared with their planned time, in seconds.',
    buckets: [...SCHEDULER_LAG_BUCKETS_SECONDS],
    registers,
  });
  const probesInFlight = new Gauge({
    name: 'dvc_probes_in_flight',
    help: 'Probes running right now.',
    registers,
  });
  const checksConfigured = new Gauge({
    name: 'dvc_checks_configured',
    help: 'Checks in the running configuration.',
    registers,
  });
  const configReloadSuccess = new Gauge({
    name: 'dvc_config_last_reload_success',
    help: 'Whether the last configuration load or reload succeeded (1) or was refused (0).',
    registers,
  });
  const configReloadSuccessTimestamp = new Gauge({
    name: 'dvc_config_last_reload_success_timestamp_seconds',
    help: 'When the configuration was last loaded successfully, as Unix time; 0 before the first load.',
    registers,
  });
  const notificationsQueued = new Gauge<'channel'>({
    name: 'dvc_notifications_queued',
    help: 'Notifications waiting in the outbox (not yet delivered), per channel.',
    labelNames: ['channel'],
    registers,
  });
  const notificationsTotal = new Counter<'channel' | 'type' | 'result'>({
    name: 'dvc_notifications_total',
    help: 'Notifications per delivery attempt: result sent, or failed (it stays queued and is retried).',
    labelNames: ['channel', 'type', 'result'],
    registers,
  });
  let openIncidents: readonly { readonly system: string; readonly severity: string }[] = [];
  const incidentsOpen: Gauge<'system' | 'severity'> = new Gauge<'system' | 'severity'>({
    name: 'dvc_incidents_open',
    help: 'Incidents open now, by system and severity.',
    labelNames: ['system', 'severity'],
    registers,
    collect: () => {
      incidentsOpen.reset();
      for (const incident of openIncidents) incidentsOpen.inc({ system: incident.system, severity: incident.severity });
    },
  });
  let maintenance: ReadonlyMap<string, boolean> = new Map();
  const maintenanceActive: Gauge<'check'> = new Gauge<'check'>({
    name: 'dvc_maintenance_active',
    help: 'Whether a planned maintenance window covers the check now (1) or not (0).',
    labelNames: ['check'],
    registers,
    collect: () => {
      maintenanceActive.reset();
      for (const name of seriesByName.keys()) maintenanceActive.set({ check: name }, maintenance.get(name) ? 1 : 0);
    },
  });
  const buildInfo = new Gauge<'version'>({
    name: 'dvc_build_info',
    help: 'Always 1; the version label says which dvc-sentinel is running.',
    labelNames: ['version'],
    registers,
  });
  buildInfo.set({ version: options.version }, 1);

  if (options.collectProcessMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of LINT_FAILING_PROCESS_METRICS) registry.removeSingleMetric(name);
  }

  const failureCounter = (series: CheckSeries, reason: string): Counter.Internal => {
    let entry = series.failures.get(reason);
    if (entry === undefined) {
      // Reasons outside FAILURE_REASONS are still bounded: they come from code, not from targets.
      const labels = Object.freeze({ check: series.name, system: series.system, reason });
      entry = { labels, counter: probeFailures.labels(labels) };
      series.failures.set(reason, entry);
    }
    return entry.counter;
  };

  const createSeries = (check: Check): CheckSeries => {
    const probeLabels = Object.freeze({ check: check.name, system: check.system, kind: check.kind });
    const checkLabels = Object.freeze({ check: check.name });
    const series: CheckSeries = {
      name: check.name,
      system: check.system,
      kind: check.kind,
      probeLabels,
      checkLabels,
      statusLabels: Object.freeze({ check: check.name, system: check.system }),
      phaseLabels: new Map(PHASES.map((phase) => [phase, Object.freeze({ check: check.name, phase })])),
      duration: probeDuration.labels(probeLabels),
      failures: new Map(),
      skipped: schedulerSkipped.labels(checkLabels),
    };
    probeDuration.zero(probeLabels);
    series.skipped.inc(0);
    for (const reason of FAILURE_REASONS) failureCounter(series, reason).inc(0);
    return series;
  };

  // Gauges need no removal: they are rebuilt from seriesByName at every scrape.
  const removeSeries = (series: CheckSeries): void => {
    probeDuration.remove(series.probeLabels);
    for (const { labels } of series.failures.values()) probeFailures.remove(labels);
    schedulerSkipped.remove(series.checkLabels);
  };

  /** The series of a configured check, or undefined for a check unknown to setChecks. */
  const seriesOf = (check: Check): CheckSeries | undefined => {
    const series = seriesByName.get(check.name);
    if (series === undefined || series.system !== check.system || series.kind !== check.kind) return undefined;
    return series;
  };

  return {
    registry,

    setChecks(checks) {
      const kept = new Map<string, CheckSeries>();
      for (const check of checks) {
        const existing = seriesByName.get(check.name);
        if (existing !== undefined && existing.system === check.system && existing.kind === check.kind) {
          kept.set(check.name, existing);
        }
      }
      // Remove before creating: a check whose system changed shares its {check} label sets with its successor.
      for (const [name, series] of seriesByName) if (kept.get(name) !== series) removeSeries(series);
      const next = new Map<string, CheckSeries>();
      for (const check of checks) next.set(check.name, kept.get(check.name) ?? createSeries(check));
      seriesByName = next;
      checksConfigured.set(next.size);
    },

    recordProbe(check, result, finishedAt) {
      const series = seriesOf(check);
      if (series === undefined) return;
      series.lastResult = result;
      series.lastFinishedAtSeconds = finishedAt.getTime() / 1000;
      if (result.tls !== undefined) series.tlsExpirySeconds = result.tls.expiresAt.getTime() / 1000;
      series.duration.observe(result.durationSeconds);
      // A critical result without a reason breaks the probe contract; count it rather than lose it.
      if (result.status === 'critical') failureCounter(series, result.reason ?? 'unknown').inc();
    },

    recordCheckStatus(check, status) {
      const series = seriesOf(check);
      if (series !== undefined) series.statusValue = STATUS_VALUES[status];
    },

    recordSchedulerLag(seconds) {
      schedulerLag.observe(seconds);
    },

    recordSkip(check) {
      seriesOf(check)?.skipped.inc();
    },

    setInFlight(count) {
      probesInFlight.set(count);
    },

    recordConfigReload(success, at) {
      configReloadSuccess.set(success ? 1 : 0);
      if (success) configReloadSuccessTimestamp.set(at.getTime() / 1000);
    },

    setNotificationsQueued(channel, count) {
      notificationsQueued.set({ channel }, count);
    },

    recordNotification(channel, type, result) {
      notificationsTotal.inc({ channel, type, result });
    },

    setIncidents(open) {
      openIncidents = open;
    },

    setMaintenance(activeByCheck) {
      maintenance = activeByCheck;
    },

    // One place to add a cached string or a worker later: registry.metrics() blocks the event
    // loop for about 0.3 s at 10k label sets (tooling.md §6).
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
