// The metric names and label names dvc-sentinel really exports, read from the running metrics code
// (not from a list someone keeps by hand), plus what Prometheus adds: the target labels job and
// instance, the `up` series, and the recording rules of config/prometheus/rules.yml.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';
import { checkPromql, type MetricCatalog } from './check-promql.ts';

/** Labels Prometheus attaches to every scraped series. */
export const TARGET_LABELS = ['job', 'instance'] as const;

export const RULES_FILE = new URL('../../config/prometheus/rules.yml', import.meta.url);

export interface ExportedMetrics {
  /** Family name → type, from the `# TYPE` lines. */
  readonly families: ReadonlyMap<string, string>;
  /** Sample name → label names, target labels included. */
  readonly catalog: MetricCatalog;
}

const finishedAt = new Date('2026-05-29T22:05:00+07:00');
const okResult: ProbeResult = {
  status: 'ok',
  message: 'HTTP 200 from dichvucong.example.test',
  durationSeconds: 0.31,
  phases: { dns: 0.004, connect: 0.012, tls: 0.03, ttfb: 0.2, transfer: 0.06 },
  httpStatus: 200,
  tls: { expiresAt: new Date('2026-08-01T00:00:00Z'), daysLeft: 63, subject: 'CN=dichvucong.example.test', issuer: 'CN=Test CA' },
};

function makeChecks(): readonly Check[] {
  const sync = (path: string) => ({ url: `https://igate.example.test${path}`, watermark: '$.at' });
  const input = ConfigInput.parse({
    checks: [
      { name: 'portal-home', system: 'national-portal', kind: 'http', url: 'https://dichvucong.example.test/' },
      { name: 'igate-tcp', system: 'provincial', kind: 'tcp', host: 'igate.example.test', port: 443 },
      { name: 'hoso-sync', system: 'sync', kind: 'sync', source: sync('/s'), target: sync('/t'), backlog: '$.pending' },
      { name: 'hoso-count', system: 'sync', kind: 'sync', unit: 'count', source: sync('/cs'), target: sync('/ct') },
      {
        name: 'hoso-parity',
        system: 'sync',
        kind: 'sync',
        mode: 'parity',
        source: { url: 'https://igate.example.test/d', value: '$.status' },
        target: { url: 'https://dvc.example.test/d', value: '$.status' },
        expect: { mismatchFor: '15m' },
      },
    ],
  });
  return resolveConfig('catalog.yaml', input, () => '').checks;
}

/** Renders a registry that has seen one result of every kind, so every series the code can publish is present. */
export async function renderExampleMetrics(): Promise<string> {
  const metrics = createMetrics({ location: 'an-giang-dc', version: '0.0.0-test' });
  const [home, tcp, sync, count, parity] = makeChecks() as [Check, Check, Check, Check, Check];
  metrics.setChecks([home, tcp, sync, count, parity]);
  metrics.recordProbe(home, okResult, finishedAt);
  metrics.recordProbe(tcp, { status: 'critical', reason: 'connect', message: 'refused', durationSeconds: 0.002, phases: { dns: 0.001 } }, finishedAt);
  metrics.recordProbe(
    sync,
    {
      ...okResult,
      sync: {
        mode: 'lag',
        unit: 'seconds',
        lag: 120,
        backlog: 4,
        sourceWatermark: 1_780_066_000,
        targetWatermark: 1_780_065_880,
        sourceMovedAt: 1_780_066_000_000,
        targetMovedAt: 1_780_065_880_000,
      },
    },
    finishedAt,
  );
  metrics.recordProbe(count, { ...okResult, sync: { mode: 'lag', unit: 'items', lag: 12, sourceWatermark: 1012, targetWatermark: 1000 } }, finishedAt);
  metrics.recordProbe(
    parity,
    { ...okResult, sync: { mode: 'parity', unit: 'items', mismatchCount: 1, comparedCount: 1, mismatchSeconds: 300, mismatchSince: 1_780_065_700_000 } },
    finishedAt,
  );
  for (const check of [home, tcp, sync, count, parity]) metrics.recordCheckStatus(check, check === tcp ? 'critical' : 'ok');
  metrics.recordSchedulerLag(0.003);
  metrics.recordSkip(tcp);
  metrics.setInFlight(1);
  metrics.recordConfigReload(true, finishedAt);
  metrics.setNotificationsQueued('email', 2);
  metrics.recordNotification('email', 'firing', 'sent');
  metrics.setIncidents([{ system: 'provincial', severity: 'critical' }]);
  metrics.setMaintenance(new Map([['portal-home', true]]));
  return (await metrics.render()).body;
}

export function readExposition(text: string): ExportedMetrics {
  const families = new Map<string, string>();
  const catalog = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) throw new Error(`unreadable exposition line: ${line}`);
    const labels = catalog.get(sample[1]!) ?? new Set<string>(TARGET_LABELS);
    for (const match of (sample[2] ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) labels.add(match[1]!);
    catalog.set(sample[1]!, labels);
  }
  return { families, catalog };
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string; labels?: Record<string, string> }[] }[];
}

export function readRules(text = readFileSync(RULES_FILE, 'utf8')): RuleFile {
  return parse(text) as RuleFile;
}

/** The exported metrics plus `up` and each recording rule, whose labels are inferred from its expression. */
export async function buildMetricCatalog(rules: RuleFile = readRules()): Promise<ExportedMetrics> {
  const exported = readExposition(await renderExampleMetrics());
  const catalog = new Map<string, ReadonlySet<string>>(exported.catalog);
  catalog.set('up', new Set(TARGET_LABELS));
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      if (rule.record === undefined) continue;
      const { value } = checkPromql(rule.expr, catalog);
      const labels = value.type === 'vector' ? value.labels : new Set<string>();
      catalog.set(rule.record, new Set([...labels, ...Object.keys(rule.labels ?? {})]));
    }
  }
  return { families: exported.families, catalog };
}
