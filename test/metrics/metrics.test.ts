import { describe, expect, it } from 'vitest';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { PROBE_DURATION_BUCKETS_SECONDS, SCHEDULER_LAG_BUCKETS_SECONDS, createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { FAILURE_REASONS, PHASES, type ProbeResult } from '../../src/probes/probe.ts';
import { checkMetricsWithPromtool } from '../support/promtool.ts';
import { findExecutable, isRunnable, requireExecutable } from '../support/run-executable.ts';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

function select(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = select(exposition, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

async function scrape(metrics: Metrics): Promise<Exposition> {
  return parseExposition((await metrics.render()).body);
}

function makeChecks(checks: readonly unknown[]): readonly Check[] {
  return resolveConfig('metrics.test.yaml', ConfigInput.parse({ checks }), () => '').checks;
}

const portalHome = { name: 'portal-home', system: 'national-portal', kind: 'http', url: 'https://portal.example.test/' };
const igateTcp = { name: 'igate-tcp', system: 'provincial', kind: 'tcp', host: 'igate.example.test', port: 443 };

const allPhases = { dns: 0.002, connect: 0.003, tls: 0.01, ttfb: 0.12, transfer: 0.05 };
const expiresAt = new Date('2027-03-01T00:00:00Z');

const okResult: ProbeResult = {
  status: 'ok',
  message: 'HTTP 200 from portal.example.test',
  durationSeconds: 0.2,
  phases: allPhases,
  httpStatus: 200,
  tls: { expiresAt, daysLeft: 95, subject: 'CN=portal.example.test', issuer: 'CN=Test CA' },
};
const refusedResult: ProbeResult = {
  status: 'critical',
  reason: 'connect',
  message: 'connection refused by igate.example.test:443',
  durationSeconds: 0.004,
  phases: { dns: 0.001 },
};
const finishedAt = new Date('2026-11-26T08:00:00Z');

describe('createMetrics', () => {
  it('publishes the alerting metrics: queue, deliveries, open incidents, maintenance', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [home, tcp] = makeChecks([portalHome, igateTcp]) as [Check, Check];
    metrics.setChecks([home, tcp]);
    metrics.setNotificationsQueued('email', 3);
    metrics.recordNotification('email', 'firing', 'failed');
    metrics.recordNotification('email', 'firing', 'sent');
    metrics.recordNotification('email', 'firing', 'sent');
    metrics.setIncidents([
      { system: 'provincial', severity: 'critical' },
      { system: 'provincial', severity: 'critical' },
      { system: 'sync', severity: 'warning' },
    ]);
    metrics.setMaintenance(new Map([['portal-home', true]]));
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_notifications_queued', { channel: 'email' })).toBe(3);
    expect(valueOf(scraped, 'dvc_notifications_total', { channel: 'email', type: 'firing', result: 'sent' })).toBe(2);
    expect(valueOf(scraped, 'dvc_notifications_total', { channel: 'email', type: 'firing', result: 'failed' })).toBe(1);
    expect(valueOf(scraped, 'dvc_incidents_open', { system: 'provincial', severity: 'critical' })).toBe(2);
    expect(valueOf(scraped, 'dvc_incidents_open', { system: 'sync', severity: 'warning' })).toBe(1);
    expect(valueOf(scraped, 'dvc_maintenance_active', { check: 'portal-home' })).toBe(1);
    expect(valueOf(scraped, 'dvc_maintenance_active', { check: 'igate-tcp' })).toBe(0);
  });

  it('publishes each objective’s error budget by name and scope, and drops objectives no longer given', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    metrics.setObjectiveBudgets([
      { scope: 'system', name: 'national-portal', budgetRemainingSeconds: 10_392 },
      { scope: 'check', name: 'portal-home', budgetRemainingSeconds: -936 },
    ]);
    let scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_objective_budget_remaining_seconds', { objective: 'national-portal', scope: 'system' })).toBe(10_392);
    expect(valueOf(scraped, 'dvc_objective_budget_remaining_seconds', { objective: 'portal-home', scope: 'check' })).toBe(-936);
    metrics.setObjectiveBudgets([{ scope: 'check', name: 'portal-home', budgetRemainingSeconds: 120.5 }]);
    scraped = await scrape(metrics);
    expect(select(scraped, 'dvc_objective_budget_remaining_seconds')).toHaveLength(1);
    expect(valueOf(scraped, 'dvc_objective_budget_remaining_seconds', { objective: 'portal-home', scope: 'check' })).toBe(120.5);
  });

  it('publishes sync lag, backlog and watermarks from the last sync result, and drops them when unknown', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [sync, counter] = makeChecks([
      {
        name: 'hoso-sync',
        system: 'sync',
        kind: 'sync',
        source: { url: 'https://igate.example.test/s', watermark: '$.a' },
        target: { url: 'https://dvc.example.test/s', watermark: '$.b' },
        backlog: '$.n',
      },
      {
        name: 'hoso-count',
        system: 'sync',
        kind: 'sync',
        unit: 'count',
        source: { url: 'https://igate.example.test/c', watermark: '$.a' },
        target: { url: 'https://dvc.example.test/c', watermark: '$.b' },
      },
    ]) as [Check, Check];
    metrics.setChecks([sync, counter]);
    metrics.recordProbe(
      sync,
      {
        ...okResult,
        sync: {
          mode: 'lag',
          unit: 'seconds',
          lag: 420,
          backlog: 37,
          sourceWatermark: 1_800_000_420,
          targetWatermark: 1_800_000_000,
          sourceMovedAt: 1_800_000_421_000,
          targetMovedAt: 1_800_000_001_000,
        },
      },
      finishedAt,
    );
    metrics.recordProbe(counter, { ...okResult, sync: { mode: 'lag', unit: 'items', lag: 12, sourceWatermark: 1012, targetWatermark: 1000 } }, finishedAt);
    let scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_sync_lag_seconds', { check: 'hoso-sync', system: 'sync' })).toBe(420);
    expect(valueOf(scraped, 'dvc_sync_backlog', { check: 'hoso-sync', system: 'sync' })).toBe(37);
    expect(valueOf(scraped, 'dvc_sync_watermark_timestamp_seconds', { check: 'hoso-sync', side: 'target' })).toBe(1_800_000_000);
    expect(valueOf(scraped, 'dvc_sync_watermark_moved_timestamp_seconds', { check: 'hoso-sync', side: 'source' })).toBe(1_800_000_421);
    expect(valueOf(scraped, 'dvc_sync_lag_items', { check: 'hoso-count', system: 'sync' })).toBe(12);
    expect(select(scraped, 'dvc_sync_lag_seconds').map((sample) => sample.labels.check)).toEqual(['hoso-sync']);
    // Counters are not instants: no watermark timestamp for them.
    expect(select(scraped, 'dvc_sync_watermark_timestamp_seconds').every((sample) => sample.labels.check === 'hoso-sync')).toBe(true);

    metrics.recordProbe(
      sync,
      { ...refusedResult, sync: { mode: 'lag', unit: 'seconds', sourceWatermark: 1_800_000_420, targetWatermark: 1_800_000_000 } },
      finishedAt,
    );
    scraped = await scrape(metrics);
    expect(select(scraped, 'dvc_sync_lag_seconds')).toEqual([]);
    expect(select(scraped, 'dvc_sync_backlog')).toEqual([]);
  });

  it('pre-creates the report series per configured report, at 0, and drops those of removed reports', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    metrics.setReports(['daily', 'weekly']);
    metrics.recordReportSuccess('daily', new Date('2026-12-04T08:30:03Z'));
    metrics.recordReportDeadlineMissed('weekly');
    metrics.recordReportDeadlineMissed('unknown');
    let scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_report_last_success_timestamp_seconds', { report: 'daily' })).toBe(1_796_373_003);
    expect(valueOf(scraped, 'dvc_report_last_success_timestamp_seconds', { report: 'weekly' })).toBe(0);
    expect(valueOf(scraped, 'dvc_report_deadline_missed_total', { report: 'daily' })).toBe(0);
    expect(valueOf(scraped, 'dvc_report_deadline_missed_total', { report: 'weekly' })).toBe(1);
    expect(select(scraped, 'dvc_report_deadline_missed_total')).toHaveLength(2);

    metrics.setReports(['daily']);
    scraped = await scrape(metrics);
    expect(select(scraped, 'dvc_report_deadline_missed_total').map((sample) => sample.labels)).toEqual([{ report: 'daily' }]);
    expect(valueOf(scraped, 'dvc_report_last_success_timestamp_seconds', { report: 'daily' })).toBe(1_796_373_003);
  });

  it('publishes every contract metric with its type and labels after a few results', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [home, tcp] = makeChecks([portalHome, igateTcp]) as [Check, Check];
    metrics.setChecks([home, tcp]);
    metrics.recordProbe(home, okResult, finishedAt);
    metrics.recordProbe(tcp, refusedResult, finishedAt);
    metrics.recordCheckStatus(home, 'warning');
    metrics.recordCheckStatus(tcp, 'critical');
    metrics.recordSchedulerLag(0.002);
    metrics.recordSkip(tcp);
    metrics.setInFlight(3);
    metrics.recordConfigReload(true, finishedAt);
    metrics.setShard({ index: 1, total: 3 }, 2, 7);
    const scraped = await scrape(metrics);

    expect(Object.fromEntries([...scraped.types].filter(([name]) => name.startsWith('dvc_')))).toEqual({
      dvc_probe_success: 'gauge',
      dvc_probe_duration_seconds: 'histogram',
      dvc_probe_phase_seconds: 'gauge',
      dvc_probe_failures_total: 'counter',
      dvc_http_status_code: 'gauge',
      dvc_tls_cert_expiry_timestamp_seconds: 'gauge',
      dvc_check_status: 'gauge',
      dvc_probe_last_run_timestamp_seconds: 'gauge',
      dvc_scheduler_skipped_total: 'counter',
      dvc_scheduler_lag_seconds: 'histogram',
      dvc_probes_in_flight: 'gauge',
      dvc_checks_configured: 'gauge',
      dvc_config_last_reload_success: 'gauge',
      dvc_config_last_reload_success_timestamp_seconds: 'gauge',
      dvc_build_info: 'gauge',
      dvc_sync_lag_seconds: 'gauge',
      dvc_sync_lag_items: 'gauge',
      dvc_sync_backlog: 'gauge',
      dvc_sync_watermark_timestamp_seconds: 'gauge',
      dvc_sync_watermark_moved_timestamp_seconds: 'gauge',
      dvc_sync_parity_mismatch_seconds: 'gauge',
      dvc_sync_parity_mismatches: 'gauge',
      dvc_notifications_queued: 'gauge',
      dvc_notifications_total: 'counter',
      dvc_incidents_open: 'gauge',
      dvc_maintenance_active: 'gauge',
      dvc_check_flapping: 'gauge',
      dvc_check_flaps_total: 'counter',
      dvc_flow_step_duration_seconds: 'gauge',
      dvc_flow_step_phase_seconds: 'gauge',
      dvc_report_last_success_timestamp_seconds: 'gauge',
      dvc_report_deadline_missed_total: 'counter',
      dvc_objective_budget_remaining_seconds: 'gauge',
      dvc_incident_acknowledge_seconds: 'histogram',
      dvc_shard_info: 'gauge',
      dvc_checks: 'gauge',
      dvc_instance_info: 'gauge',
      dvc_store_ok: 'gauge',
      dvc_store_replaced_total: 'counter',
      dvc_store_backup_last_success_timestamp_seconds: 'gauge',
      dvc_auth_token_expiry_timestamp_seconds: 'gauge',
      dvc_check_value: 'gauge',
      dvc_backend_info: 'gauge',
      dvc_catalogue_items: 'gauge',
      dvc_catalogue_changes: 'gauge',
      dvc_catalogue_mismatches: 'gauge',
      dvc_catalogue_status: 'gauge',
      dvc_store_write_errors_total: 'counter',
    });

    const homeLabels = { check: 'portal-home', system: 'national-portal', kind: 'http' };
    const tcpLabels = { check: 'igate-tcp', system: 'provincial', kind: 'tcp' };
    expect(select(scraped, 'dvc_probe_success').map((sample) => sample.labels)).toEqual(expect.arrayContaining([homeLabels, tcpLabels]));
    expect(valueOf(scraped, 'dvc_probe_success', homeLabels)).toBe(1);
    expect(valueOf(scraped, 'dvc_probe_success', tcpLabels)).toBe(0);

    expect(valueOf(scraped, 'dvc_probe_duration_seconds_count', homeLabels)).toBe(1);
    expect(valueOf(scraped, 'dvc_probe_duration_seconds_sum', homeLabels)).toBeCloseTo(0.2);
    expect(valueOf(scraped, 'dvc_probe_duration_seconds_bucket', { ...homeLabels, le: '0.1' })).toBe(0);
    expect(valueOf(scraped, 'dvc_probe_duration_seconds_bucket', { ...homeLabels, le: '0.25' })).toBe(1);
    expect(select(scraped, 'dvc_probe_duration_seconds_bucket', homeLabels).map((sample) => sample.labels.le)).toEqual([
      ...PROBE_DURATION_BUCKETS_SECONDS.map(String),
      '+Inf',
    ]);

    for (const phase of PHASES) {
      expect(valueOf(scraped, 'dvc_probe_phase_seconds', { check: 'portal-home', phase })).toBe(allPhases[phase]);
    }
    expect(valueOf(scraped, 'dvc_probe_phase_seconds', { check: 'igate-tcp', phase: 'dns' })).toBe(0.001);

    expect(valueOf(scraped, 'dvc_probe_failures_total', { check: 'igate-tcp', system: 'provincial', reason: 'connect' })).toBe(1);
    expect(valueOf(scraped, 'dvc_probe_failures_total', { check: 'igate-tcp', system: 'provincial', reason: 'dns' })).toBe(0);
    expect(select(scraped, 'dvc_probe_failures_total', { check: 'portal-home' }).every((sample) => sample.value === 0)).toBe(true);

    expect(valueOf(scraped, 'dvc_http_status_code', { check: 'portal-home' })).toBe(200);
    expect(valueOf(scraped, 'dvc_http_status_code', { check: 'igate-tcp' })).toBeUndefined();
    expect(valueOf(scraped, 'dvc_tls_cert_expiry_timestamp_seconds', { check: 'portal-home' })).toBe(expiresAt.getTime() / 1000);
    expect(valueOf(scraped, 'dvc_check_status', { check: 'portal-home', system: 'national-portal' })).toBe(1);
    expect(valueOf(scraped, 'dvc_check_status', { check: 'igate-tcp', system: 'provincial' })).toBe(2);
    expect(valueOf(scraped, 'dvc_probe_last_run_timestamp_seconds', { check: 'igate-tcp' })).toBe(finishedAt.getTime() / 1000);
    expect(valueOf(scraped, 'dvc_scheduler_skipped_total', { check: 'igate-tcp' })).toBe(1);
    expect(valueOf(scraped, 'dvc_scheduler_skipped_total', { check: 'portal-home' })).toBe(0);

    expect(valueOf(scraped, 'dvc_scheduler_lag_seconds_count')).toBe(1);
    expect(valueOf(scraped, 'dvc_scheduler_lag_seconds_bucket', { le: '0.0025' })).toBe(1);
    expect(valueOf(scraped, 'dvc_scheduler_lag_seconds_bucket', { le: '0.001' })).toBe(0);
    expect(select(scraped, 'dvc_scheduler_lag_seconds_bucket').map((sample) => sample.labels.le)).toEqual([
      ...SCHEDULER_LAG_BUCKETS_SECONDS.map(String),
      '+Inf',
    ]);
    expect(valueOf(scraped, 'dvc_probes_in_flight')).toBe(3);
    // The whole config's checks (all shards), this shard's in dvc_checks.
    expect(valueOf(scraped, 'dvc_checks_configured')).toBe(7);
    expect(valueOf(scraped, 'dvc_config_last_reload_success')).toBe(1);
    expect(valueOf(scraped, 'dvc_config_last_reload_success_timestamp_seconds')).toBe(finishedAt.getTime() / 1000);
    expect(select(scraped, 'dvc_build_info')).toEqual([{ name: 'dvc_build_info', labels: { version: '9.9.9' }, value: 1 }]);
    expect(select(scraped, 'dvc_shard_info')).toEqual([{ name: 'dvc_shard_info', labels: { index: '1', total: '3' }, value: 1 }]);
    expect(select(scraped, 'dvc_checks')).toEqual([{ name: 'dvc_checks', labels: { shard: '1/3' }, value: 2 }]);
    expect(select(scraped, 'dvc_instance_info')).toEqual([{ name: 'dvc_instance_info', labels: { shard: '1/3' }, value: 1 }]);
  });

  it('counts warnings as success and only critical results as failures', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [home] = makeChecks([portalHome]) as [Check];
    metrics.setChecks([home]);
    metrics.recordProbe(home, { ...okResult, status: 'warning', reason: 'latency', durationSeconds: 3 }, finishedAt);
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_probe_success', { check: 'portal-home' })).toBe(1);
    expect(valueOf(scraped, 'dvc_probe_failures_total', { check: 'portal-home', reason: 'latency' })).toBe(0);
  });

  it('creates counters and histograms of every check at setChecks, before any probe', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    metrics.setChecks(makeChecks([portalHome]));
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_probe_duration_seconds_count', { check: 'portal-home' })).toBe(0);
    expect(select(scraped, 'dvc_probe_failures_total', { check: 'portal-home' }).map((sample) => sample.labels.reason)).toEqual([...FAILURE_REASONS]);
    expect(valueOf(scraped, 'dvc_scheduler_skipped_total', { check: 'portal-home' })).toBe(0);
    // A gauge of "the last probe" before the first probe would be an invented value.
    expect(select(scraped, 'dvc_probe_success')).toEqual([]);
    expect(select(scraped, 'dvc_probe_phase_seconds')).toEqual([]);
    expect(select(scraped, 'dvc_check_status')).toEqual([]);
  });

  it('removes the series of a phase the last probe never reached instead of publishing 0', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [home] = makeChecks([portalHome]) as [Check];
    metrics.setChecks([home]);
    metrics.recordProbe(home, okResult, finishedAt);
    metrics.recordProbe(
      home,
      { status: 'critical', reason: 'tls', message: 'handshake failed', durationSeconds: 0.02, phases: { dns: 0.001, connect: 0.002 } },
      finishedAt,
    );
    const scraped = await scrape(metrics);
    const phases = select(scraped, 'dvc_probe_phase_seconds', { check: 'portal-home' });
    expect(Object.fromEntries(phases.map((sample) => [sample.labels.phase, sample.value]))).toEqual({ dns: 0.001, connect: 0.002 });
    // No response this time: the old 200 must not read as this probe's answer. The cert expiry stays known.
    expect(valueOf(scraped, 'dvc_http_status_code', { check: 'portal-home' })).toBeUndefined();
    expect(valueOf(scraped, 'dvc_tls_cert_expiry_timestamp_seconds', { check: 'portal-home' })).toBe(expiresAt.getTime() / 1000);
    expect(valueOf(scraped, 'dvc_probe_failures_total', { check: 'portal-home', reason: 'tls' })).toBe(1);
  });

  it('removes the series of checks dropped by setChecks and keeps the counts of checks that stay', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [home, tcp] = makeChecks([portalHome, igateTcp]) as [Check, Check];
    metrics.setChecks([home, tcp]);
    for (const check of [home, tcp]) {
      metrics.recordProbe(check, refusedResult, finishedAt);
      metrics.recordCheckStatus(check, 'critical');
      metrics.recordSkip(check);
    }

    const [reloadedHome] = makeChecks([portalHome]) as [Check];
    metrics.setChecks([reloadedHome]);
    // A probe of the dropped check that was still running during the reload must not bring it back.
    metrics.recordProbe(tcp, refusedResult, finishedAt);
    metrics.recordSkip(tcp);
    metrics.recordCheckStatus(tcp, 'critical');
    const scraped = await scrape(metrics);

    expect(scraped.samples.filter((sample) => sample.labels.check === 'igate-tcp')).toEqual([]);
    expect(valueOf(scraped, 'dvc_probe_failures_total', { check: 'portal-home', reason: 'connect' })).toBe(1);
    expect(valueOf(scraped, 'dvc_probe_duration_seconds_count', { check: 'portal-home' })).toBe(1);
    expect(valueOf(scraped, 'dvc_scheduler_skipped_total', { check: 'portal-home' })).toBe(1);
    expect(valueOf(scraped, 'dvc_checks_configured')).toBe(1);
  });

  it('moves a check to new series when a reload changes its system', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const [home] = makeChecks([portalHome]) as [Check];
    metrics.setChecks([home]);
    metrics.recordProbe(home, okResult, finishedAt);
    const [moved] = makeChecks([{ ...portalHome, system: 'quantricong' }]) as [Check];
    metrics.setChecks([moved]);
    metrics.recordProbe(home, okResult, finishedAt); // the old definition, finishing late: ignored
    const scraped = await scrape(metrics);
    expect(select(scraped, 'dvc_probe_duration_seconds_count', { check: 'portal-home' })).toEqual([
      { name: 'dvc_probe_duration_seconds_count', labels: { check: 'portal-home', system: 'quantricong', kind: 'http' }, value: 0 },
    ]);
    expect(select(scraped, 'dvc_probe_success')).toEqual([]);
    expect(scraped.samples.some((sample) => sample.labels.system === 'national-portal')).toBe(false);
  });

  it('puts the location label on every series, process metrics included', async () => {
    const metrics = createMetrics({ version: '9.9.9', location: 'an-giang-dc' });
    metrics.setChecks(makeChecks([portalHome]));
    const scraped = await scrape(metrics);
    expect(scraped.samples.length).toBeGreaterThan(30);
    expect(scraped.samples.filter((sample) => sample.labels.location !== 'an-giang-dc')).toEqual([]);
    expect(scraped.types.get('process_cpu_seconds_total')).toBe('counter');
  });

  it('renders with the registry content type', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    expect((await metrics.render()).contentType).toBe(metrics.registry.contentType);
  });
});

describe('metrics in chunks, as /metrics writes them', () => {
  const manyChecks = (count: number): readonly Check[] =>
    makeChecks(Array.from({ length: count }, (_, index) => ({ name: `xa-${index}`, system: 'igate', kind: 'http', url: `https://xa-${index}.test/` })));

  async function collect(metrics: Metrics): Promise<Buffer[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of metrics.renderChunks().chunks) chunks.push(Buffer.from(chunk));
    return chunks;
  }

  it('gives the same text as render(), split into many chunks, each family once and whole', async () => {
    const metrics = createMetrics({ version: '9.9.9', location: 'tỉnh', collectProcessMetrics: false });
    const checks = manyChecks(3_000);
    metrics.setChecks(checks);
    for (const check of checks) metrics.recordProbe(check, okResult, finishedAt);
    const chunks = await collect(metrics);
    const text = Buffer.concat(chunks).toString();
    expect(chunks.filter((chunk) => chunk.length > 0).length).toBeGreaterThan(10);
    expect(text).toBe((await metrics.render()).body);
    // Every family's lines are contiguous, after its one HELP/TYPE pair.
    const familiesInOrder = text
      .split('\n')
      .filter((line) => line.startsWith('# TYPE '))
      .map((line) => line.split(' ')[2]);
    expect(new Set(familiesInOrder).size).toBe(familiesInOrder.length);
    expect(select(parseExposition(text), 'dvc_probe_duration_seconds_count')).toHaveLength(3_000);
  });

  it("shows a check's next probe at the next scrape, and the unchanged checks as they were", async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const checks = manyChecks(50);
    metrics.setChecks(checks);
    for (const check of checks) metrics.recordProbe(check, okResult, finishedAt);
    const before = parseExposition(Buffer.concat(await collect(metrics)).toString());
    metrics.recordProbe(checks[7]!, refusedResult, finishedAt);
    metrics.recordCheckStatus(checks[7]!, 'critical');
    const after = parseExposition(Buffer.concat(await collect(metrics)).toString());
    expect(valueOf(after, 'dvc_probe_success', { check: 'xa-7' })).toBe(0);
    expect(valueOf(after, 'dvc_check_status', { check: 'xa-7' })).toBe(2);
    expect(valueOf(after, 'dvc_probe_duration_seconds_count', { check: 'xa-7' })).toBe(2);
    expect(valueOf(after, 'dvc_probe_failures_total', { check: 'xa-7', reason: refusedResult.reason! })).toBe(1);
    for (const sample of select(before, 'dvc_probe_duration_seconds_bucket').filter((entry) => entry.labels.check !== 'xa-7')) {
      expect(valueOf(after, sample.name, sample.labels)).toBe(sample.value);
    }
  });

  it("rewrites a check's kept text exactly when it shrinks and when it outgrows its room", async () => {
    const scraped = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    const checks = manyChecks(3);
    scraped.setChecks(checks);
    const check = checks[1]!;
    const longer: ProbeResult = {
      ...okResult,
      backend: { address: '2001:db8::1', fingerprint: 'AB:'.repeat(31) + 'CD' },
      values: Array.from({ length: 30 }, (_, index) => ({ name: `so_ho_so_${index}`, value: index * 1234.5 })),
    };
    const sequence: ProbeResult[] = [okResult, refusedResult, longer, okResult, refusedResult];
    for (const [index, result] of sequence.entries()) {
      scraped.recordProbe(check, result, new Date(finishedAt.getTime() + index * 60_000));
      const text = Buffer.concat(await collect(scraped)).toString();
      // The same history recorded by a daemon never scraped before: its text is rendered afresh.
      const fresh = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
      fresh.setChecks(checks);
      for (const [earlier, result] of sequence.slice(0, index + 1).entries())
        fresh.recordProbe(check, result, new Date(finishedAt.getTime() + earlier * 60_000));
      expect(text).toBe(Buffer.concat(await collect(fresh)).toString());
    }
    const last = parseExposition(Buffer.concat(await collect(scraped)).toString());
    expect(valueOf(last, 'dvc_probe_failures_total', { check: check.name, reason: 'connect' })).toBe(2);
    expect(select(last, 'dvc_check_value', { check: check.name })).toHaveLength(0);
  });
});

describe('promtool check metrics', () => {
  const promtool = findExecutable('promtool');
  // promtool comes from the Debian package `prometheus`. On a developer machine without it the lint
  // cannot run, so these tests are skipped; CI (CI set) must have it and fails instead.
  const runnable = isRunnable(promtool);
  const requirePromtool = (): string => requireExecutable(promtool, 'promtool', 'prometheus');

  it.skipIf(!runnable)('passes on the real output, with process metrics and a location', async () => {
    const metrics = createMetrics({ version: '9.9.9', location: 'an-giang-dc' });
    const [home, tcp] = makeChecks([portalHome, igateTcp]) as [Check, Check];
    metrics.setChecks([home, tcp]);
    metrics.recordProbe(home, okResult, finishedAt);
    metrics.recordProbe(tcp, refusedResult, finishedAt);
    metrics.recordCheckStatus(home, 'ok');
    metrics.recordSchedulerLag(0.01);
    metrics.recordConfigReload(true, finishedAt);
    const result = await checkMetricsWithPromtool(requirePromtool(), await metrics.registry.metrics());
    expect(result.output).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it.skipIf(!runnable)('reports the _total gauges prom-client would add (the reason they are left out)', async () => {
    const result = await checkMetricsWithPromtool(
      requirePromtool(),
      '# HELP nodejs_active_handles_total Total number of active handles.\n# TYPE nodejs_active_handles_total gauge\nnodejs_active_handles_total 3\n',
    );
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('nodejs_active_handles_total');
  });
});

describe('dvc_auth_token_expiry_timestamp_seconds', () => {
  it('holds each auth token expiry and loses the series of an auth that is gone', async () => {
    const metrics = createMetrics({ version: 'test', collectProcessMetrics: false, location: 'an-giang' });
    metrics.setAuthTokenExpiry('angiang-sso', 1_780_000_000);
    metrics.setAuthTokenExpiry('quocgia', 1_780_003_600);
    metrics.setAuthTokenExpiry('angiang-sso', 1_780_086_400);
    let scraped = await scrape(metrics);
    expect(valueOf(scraped, 'dvc_auth_token_expiry_timestamp_seconds', { auth: 'angiang-sso', location: 'an-giang' })).toBe(1_780_086_400);
    expect(valueOf(scraped, 'dvc_auth_token_expiry_timestamp_seconds', { auth: 'quocgia', location: 'an-giang' })).toBe(1_780_003_600);
    metrics.setAuthTokenExpiry('quocgia', undefined);
    scraped = await scrape(metrics);
    expect(select(scraped, 'dvc_auth_token_expiry_timestamp_seconds').map((sample) => sample.labels.auth)).toEqual(['angiang-sso']);
  });
});
