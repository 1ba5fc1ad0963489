// Owns every dvc_* Prometheus metric. Records what callers report and renders the exposition
// text. Decides nothing about check state itself.
//
// Series policy: counters and histograms of each configured check exist (at zero) from setChecks on,
// so rate() sees the first failure. Gauges that describe "the last probe" appear with the first probe
// (any earlier value would be invented). A phase the last probe never reached has no series, never 0.
//
// Cost: the per-check families (nearly every series) are plain numbers rendered straight to text
// (check-families.ts); prom-client keeps the few daemon-wide metrics and the process metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Check } from '../config/config.ts';
import type { ProbeResult, Status } from '../probes/probe.ts';
import { countFailure, createCheckSeries, observeDuration, renderCheckFamilyChunks, touch, type CheckSeries } from './check-families.ts';

export { PROBE_DURATION_BUCKETS_SECONDS } from './check-families.ts';

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
  recordNotification(channel: string, type: string, result: 'sent' | 'failed' | 'gave_up' | 'rejected'): void;
  /** Declares the configured reports: their series exist (at 0) from here on; those of removed reports go. */
  setReports(names: readonly string[]): void;
  /** The report's mail was accepted by the mail server at `at` (also the value restored from the store at start). */
  recordReportSuccess(report: string, at: Date): void;
  /** The report's mail was not accepted by its deadline. */
  recordReportDeadlineMissed(report: string): void;
  /**
   * Open incidents now, and which checks a maintenance window covers now. A flapping episode on an
   * open incident sets its check's dvc_check_flapping; one not seen before (since the first call,
   * which only takes note of those already open) counts in dvc_check_flaps_total.
   */
  setIncidents(open: readonly OpenIncidentFigures[]): void;
  setMaintenance(activeByCheck: ReadonlyMap<string, boolean>): void;
  /** Each objective's error budget left in its period (README, "Objectives"); objectives not given lose their series. */
  setObjectiveBudgets(budgets: readonly { readonly scope: 'system' | 'check'; readonly name: string; readonly budgetRemainingSeconds: number }[]): void;
  /** An incident was acknowledged at the duty desk, `seconds` after it opened. */
  recordAcknowledge(system: string, severity: string, seconds: number): void;
  /** The whole exposition text at once (tests, tools). */
  render(): Promise<{ contentType: string; body: string }>;
  /**
   * The same text in UTF-8 chunks, for the /metrics route: at 10,000 checks the text is tens of
   * megabytes, and writing it chunk by chunk lets probes run between chunks instead of waiting
   * for one long render, and never holds the whole text in memory at once.
   */
  renderChunks(): { contentType: string; chunks: AsyncIterable<Uint8Array> };
  /**
   * Which shard this instance is (`--shard`, `shard:`; 0 of 1 when the checks are not split), how
   * many checks it runs and how many the whole config has (dvc_checks_configured). Call after setChecks.
   */
  setShard(shard: { readonly index: number; readonly total: number }, running: number, configured: number): void;
  /** Whether the store's path names the file in use (dvc_store_ok). */
  setStoreOk(ok: boolean): void;
  /** The store file was found deleted or replaced while running (dvc_store_replaced_total). */
  recordStoreReplaced(cause: 'deleted' | 'replaced'): void;
  /** A storage.backup copy was written at `at` (dvc_store_backup_last_success_timestamp_seconds). */
  recordStoreBackup(at: Date): void;
  /** When the token of an auth expires (epoch seconds); undefined removes the auth's series (no token, or the auth is gone). */
  setAuthTokenExpiry(auth: string, epochSeconds: number | undefined): void;
  /**
   * A catalogue check's newest review: procedures per side (source = the crawl, other = the
   * compared export), changes since the previous snapshot by kind, and mismatches by field. The
   * check's earlier series are replaced.
   */
  recordCatalogue(check: string, figures: CatalogueFigures): void;
  /** The store refused a write (disk full, I/O error); what was decided is kept in memory (dvc_store_write_errors_total). */
  recordStoreWriteError(): void;
}

export interface CatalogueFigures {
  /** warning: changes or mismatches; critical: the crawl failed. */
  readonly status: Status;
  readonly items: Readonly<Record<'source' | 'other', number | undefined>>;
  readonly changes: Readonly<Record<'added' | 'removed' | 'changed', number>>;
  readonly mismatches: Readonly<Record<string, number>>;
}

export interface OpenIncidentFigures {
  readonly system: string;
  readonly severity: string;
  readonly check?: string;
  readonly flapping?: { readonly since: Date; readonly endedAt?: Date };
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

/** 1 ms (healthy timer jitter) … 10 s (a stalled loop). */
export const SCHEDULER_LAG_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** 1 min … 1 day: how long an incident waits for someone to take it, from a quick desk to a night nobody watched. */
const ACKNOWLEDGE_BUCKETS_SECONDS: readonly number[] = [60, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];

const STATUS_VALUES: Readonly<Record<Status, number>> = { ok: 0, warning: 1, critical: 2 };

// prom-client's gauges with a _total suffix fail `promtool check metrics`; their per-type
// siblings (nodejs_active_handles{type} etc.) stay, and sum() over them gives the same number.
const LINT_FAILING_PROCESS_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.location !== undefined) registry.setDefaultLabels({ location: options.location });

  let seriesByName = new Map<string, CheckSeries>();

  const schedulerLag = new Histogram({
    name: 'dvc_scheduler_lag_seconds',
    help: 'How late probes started compared with their planned time, in seconds.',
    buckets: [...SCHEDULER_LAG_BUCKETS_SECONDS],
    registers,
  });
  const acknowledgeSeconds = new Histogram<'system' | 'severity'>({
    name: 'dvc_incident_acknowledge_seconds',
    help: 'Time from an incident opening to its acknowledgement at the duty desk, in seconds, by system and severity.',
    labelNames: ['system', 'severity'],
    buckets: [...ACKNOWLEDGE_BUCKETS_SECONDS],
    registers,
  });
  const catalogueItems = new Gauge<'check' | 'source'>({
    name: 'dvc_catalogue_items',
    help: 'Procedures in the newest catalogue snapshot (source) and in the export it is compared with (other).',
    labelNames: ['check', 'source'],
    registers,
  });
  const catalogueChanges = new Gauge<'check' | 'kind'>({
    name: 'dvc_catalogue_changes',
    help: 'Procedures added or removed, and fields changed, between the last two catalogue snapshots.',
    labelNames: ['check', 'kind'],
    registers,
  });
  const catalogueMismatches = new Gauge<'check' | 'field'>({
    name: 'dvc_catalogue_mismatches',
    help: 'Procedures whose field differs between the newest catalogue snapshot and the provincial export, by field.',
    labelNames: ['check', 'field'],
    registers,
  });
  const catalogueStatus = new Gauge<'check'>({
    name: 'dvc_catalogue_status',
    help: 'A catalogue check after its last run: 0 ok, 1 warning (changes or mismatches), 2 critical (the crawl failed).',
    labelNames: ['check'],
    registers,
  });
  const catalogueFields = new Map<string, readonly string[]>();
  const probesInFlight = new Gauge({ name: 'dvc_probes_in_flight', help: 'Probes running right now.', registers });
  const checksConfigured = new Gauge({ name: 'dvc_checks_configured', help: 'Checks in the running configuration.', registers });
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
    help: 'Notifications per delivery attempt: result sent, failed (it stays queued and is retried), gave_up (refused for good, not retried), or rejected (a mail recipient refused it for good).',
    labelNames: ['channel', 'type', 'result'],
    registers,
  });
  const reportLastSuccess = new Gauge<'report'>({
    name: 'dvc_report_last_success_timestamp_seconds',
    help: "When the report's mail was last accepted by the mail server, as Unix time; 0 before the first.",
    labelNames: ['report'],
    registers,
  });
  const reportDeadlineMissed = new Counter<'report'>({
    name: 'dvc_report_deadline_missed_total',
    help: "Scheduled reports whose mail was not accepted by the mail server by the report's deadline.",
    labelNames: ['report'],
    registers,
  });
  let reportNames = new Set<string>();
  /** Flapping episodes open at the last setIncidents, as "check@since"; undefined before the first call. */
  let episodesSeen: Set<string> | undefined;
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
  const objectiveBudget = new Gauge<'objective' | 'scope'>({
    name: 'dvc_objective_budget_remaining_seconds',
    help: 'Down time still allowed in the objective period, in seconds (negative once the objective is broken); objective is the system or check name.',
    labelNames: ['objective', 'scope'],
    registers,
  });
  const buildInfo = new Gauge<'version'>({
    name: 'dvc_build_info',
    help: 'Always 1; the version label says which dvc-sentinel is running.',
    labelNames: ['version'],
    registers,
  });
  buildInfo.set({ version: options.version }, 1);
  const shardInfo = new Gauge<'index' | 'total'>({
    name: 'dvc_shard_info',
    help: 'Always 1; index (from 0) and total say which share of the configured checks this instance runs.',
    labelNames: ['index', 'total'],
    registers,
  });
  const checksRun = new Gauge<'shard'>({
    name: 'dvc_checks',
    help: 'Checks this instance runs; shard is index/total (0/1 when the checks are not split).',
    labelNames: ['shard'],
    registers,
  });
  // location is a default label when configured; otherwise the scrape config may add it as a target label.
  const instanceInfo = new Gauge<'shard'>({
    name: 'dvc_instance_info',
    help: 'Always 1; shard is index/total, location (when configured) where this instance probes from.',
    labelNames: ['shard'],
    registers,
  });
  const storeOk = new Gauge({
    name: 'dvc_store_ok',
    help: '1 while the store path names the file the daemon writes; 0 from finding it deleted or replaced until a fresh file is in its place.',
    registers,
  });
  storeOk.set(1);
  const storeReplaced = new Counter<'cause'>({
    name: 'dvc_store_replaced_total',
    help: 'Times the store file was found deleted or replaced while running (its state was then written into a fresh file).',
    labelNames: ['cause'],
    registers,
  });
  for (const cause of ['deleted', 'replaced']) storeReplaced.inc({ cause }, 0);
  const storeBackupLastSuccess = new Gauge({
    name: 'dvc_store_backup_last_success_timestamp_seconds',
    help: 'When the daemon last wrote a storage.backup copy (Unix seconds); 0 until the first.',
    registers,
  });
  const authTokenExpiry = new Gauge<'auth'>({
    name: 'dvc_auth_token_expiry_timestamp_seconds',
    help: 'When the current token of each auth (auths:) expires, in epoch seconds; it is renewed before then.',
    labelNames: ['auth'],
    registers,
  });
  const storeWriteErrors = new Counter({
    name: 'dvc_store_write_errors_total',
    help: 'Writes the store refused (disk full, I/O error); what they carried is kept in memory and written once the store accepts writes again.',
    registers,
  });

  if (options.collectProcessMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of LINT_FAILING_PROCESS_METRICS) registry.removeSingleMetric(name);
  }

  /** The series of a configured check, or undefined for a check unknown to setChecks. */
  const seriesOf = (check: Check): CheckSeries | undefined => {
    const series = seriesByName.get(check.name);
    if (series === undefined || series.system !== check.system || series.kind !== check.kind) return undefined;
    return series;
  };

  const renderChunks = (): { contentType: string; chunks: AsyncIterable<Uint8Array> } => {
    // The checks as configured when the scrape began; a reload meanwhile shows at the next scrape.
    const series = [...seriesByName.values()];
    return { contentType: registry.contentType, chunks: withDaemonWide(renderCheckFamilyChunks(series), () => registry.metrics()) };
  };

  return {
    registry,

    setChecks(checks) {
      const next = new Map<string, CheckSeries>();
      for (const check of checks) {
        const existing = seriesByName.get(check.name);
        const kept = existing !== undefined && existing.system === check.system && existing.kind === check.kind;
        next.set(check.name, kept ? existing : createCheckSeries(check, options.location));
      }
      seriesByName = next;
      checksConfigured.set(next.size);
    },

    recordProbe(check, result, finishedAt) {
      const series = seriesOf(check);
      if (series === undefined) return;
      series.lastResult = result;
      series.lastFinishedAtSeconds = finishedAt.getTime() / 1000;
      if (result.tls !== undefined) series.tlsExpirySeconds = result.tls.expiresAt.getTime() / 1000;
      if (result.backend !== undefined) series.backend = result.backend;
      observeDuration(series, result.durationSeconds);
      // A critical result without a reason breaks the probe contract; count it rather than lose it.
      if (result.status === 'critical') {
        const reason = result.reason ?? 'unknown';
        countFailure(series, reason, result.flow?.failedStep);
      }
      touch(series);
    },

    recordCheckStatus(check, status) {
      const series = seriesOf(check);
      if (series !== undefined && series.statusValue !== STATUS_VALUES[status]) {
        series.statusValue = STATUS_VALUES[status];
        touch(series);
      }
    },

    recordSchedulerLag(seconds) {
      schedulerLag.observe(seconds);
    },

    recordSkip(check) {
      const series = seriesOf(check);
      if (series !== undefined) {
        series.skipped += 1;
        touch(series);
      }
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

    recordAcknowledge(system, severity, seconds) {
      acknowledgeSeconds.observe({ system, severity }, Math.max(0, seconds));
    },

    recordNotification(channel, type, result) {
      notificationsTotal.inc({ channel, type, result });
    },

    setReports(names) {
      for (const gone of reportNames) {
        if (!names.includes(gone)) {
          reportLastSuccess.remove({ report: gone });
          reportDeadlineMissed.remove({ report: gone });
        }
      }
      for (const report of names) {
        if (!reportNames.has(report)) {
          reportLastSuccess.set({ report }, 0);
          reportDeadlineMissed.inc({ report }, 0);
        }
      }
      reportNames = new Set(names);
    },

    recordReportSuccess(report, at) {
      if (reportNames.has(report)) reportLastSuccess.set({ report }, at.getTime() / 1000);
    },

    recordReportDeadlineMissed(report) {
      if (reportNames.has(report)) reportDeadlineMissed.inc({ report });
    },

    setIncidents(open) {
      openIncidents = open;
      const flapping = new Map<string, string>();
      for (const incident of open) {
        if (incident.check !== undefined && incident.flapping !== undefined && incident.flapping.endedAt === undefined) {
          flapping.set(incident.check, `${incident.check}@${incident.flapping.since.getTime()}`);
        }
      }
      for (const [name, series] of seriesByName) {
        const episode = flapping.get(name);
        const began = episode !== undefined && episodesSeen !== undefined && !episodesSeen.has(episode);
        if (began) series.flaps += 1;
        if (began || series.flapping !== (episode !== undefined)) {
          series.flapping = episode !== undefined;
          touch(series);
        }
      }
      // Only the episodes open now: one that ended never comes back under the same start.
      episodesSeen = new Set(flapping.values());
    },

    setObjectiveBudgets(budgets) {
      objectiveBudget.reset();
      for (const budget of budgets) objectiveBudget.set({ objective: budget.name, scope: budget.scope }, budget.budgetRemainingSeconds);
    },

    setMaintenance(activeByCheck) {
      for (const [name, series] of seriesByName) {
        const active = activeByCheck.get(name) ?? false;
        if (series.maintenance !== active) {
          series.maintenance = active;
          touch(series);
        }
      }
    },

    async render() {
      const { contentType, chunks } = renderChunks();
      const parts: Uint8Array[] = [];
      for await (const chunk of chunks) parts.push(chunk);
      return { contentType, body: Buffer.concat(parts).toString() };
    },

    renderChunks,

    setShard(shard, running, configured) {
      const label = `${shard.index}/${shard.total}`;
      shardInfo.reset();
      shardInfo.set({ index: String(shard.index), total: String(shard.total) }, 1);
      checksRun.reset();
      checksRun.set({ shard: label }, running);
      instanceInfo.reset();
      instanceInfo.set({ shard: label }, 1);
      checksConfigured.set(configured);
    },

    setStoreOk(ok) {
      storeOk.set(ok ? 1 : 0);
    },

    recordStoreReplaced(cause) {
      storeReplaced.inc({ cause });
    },

    recordStoreBackup(at) {
      storeBackupLastSuccess.set(at.getTime() / 1000);
    },

    setAuthTokenExpiry(auth, epochSeconds) {
      if (epochSeconds === undefined) authTokenExpiry.remove({ auth });
      else authTokenExpiry.set({ auth }, epochSeconds);
    },

    recordCatalogue(check, figures) {
      catalogueStatus.set({ check }, figures.status === 'critical' ? 2 : figures.status === 'warning' ? 1 : 0);
      for (const source of ['source', 'other'] as const) {
        const count = figures.items[source];
        if (count === undefined) catalogueItems.remove({ check, source });
        else catalogueItems.set({ check, source }, count);
      }
      for (const kind of ['added', 'removed', 'changed'] as const) catalogueChanges.set({ check, kind }, figures.changes[kind]);
      // A field that no longer differs loses its series rather than reading 0 for ever.
      for (const field of catalogueFields.get(check) ?? []) catalogueMismatches.remove({ check, field });
      for (const [field, count] of Object.entries(figures.mismatches)) catalogueMismatches.set({ check, field }, count);
      catalogueFields.set(check, Object.keys(figures.mismatches));
    },

    recordStoreWriteError() {
      storeWriteErrors.inc();
    },
  };
}

/** The per-check chunks, then the daemon-wide text (rendered last, so its gauges are current). */
async function* withDaemonWide(chunks: Iterable<Buffer>, daemonWide: () => Promise<string>): AsyncGenerator<Uint8Array> {
  yield* chunks;
  yield Buffer.from(await daemonWide());
}
