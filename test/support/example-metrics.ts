// What dvc-sentinel really exports, read from the running metrics code (not from a list someone
// keeps by hand): a registry that has seen results of every kind of check, its exposition text,
// and that text turned into the input series of a promtool rule test, as a scrape would store it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resolveConfig, type Check, type CheckKind } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';

/** Labels Prometheus attaches to every scraped series, with the values the examples use. */
export const TARGET = { job: 'dvc-sentinel', instance: '127.0.0.1:9464' } as const;
export const LOCATION = 'an-giang-dc';

export const RULES_FILE = new URL('../../config/prometheus/rules.yml', import.meta.url);

const finishedAt = new Date('2026-05-29T22:05:00+07:00');
const certificate = { expiresAt: new Date('2026-08-01T00:00:00Z'), daysLeft: 63, subject: 'CN=dichvucong.example.test', issuer: 'CN=Test CA' };
const okResult: ProbeResult = {
  status: 'ok',
  message: 'HTTP 200 from dichvucong.example.test',
  durationSeconds: 0.31,
  phases: { dns: 0.004, connect: 0.012, tls: 0.03, ttfb: 0.2, transfer: 0.06 },
  httpStatus: 200,
  tls: certificate,
};
const syncSide = (path: string) => ({ url: `https://igate.example.test${path}`, watermark: '$.at' });

interface Example {
  readonly check: Record<string, unknown>;
  readonly result: ProbeResult;
}

/** At least one check of every kind with a result; the mapped type will not compile without a new kind. */
const EXAMPLES: { readonly [K in CheckKind]: readonly Example[] } = {
  http: [
    {
      check: { name: 'portal-home', system: 'national-portal', kind: 'http', url: 'https://dichvucong.example.test/' },
      result: {
        ...okResult,
        values: [{ name: 'dossiers_today', value: 1520 }],
        backend: { address: '203.0.113.10', fingerprint: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89' },
      },
    },
  ],
  tls: [
    {
      check: { name: 'portal-tls', system: 'national-portal', kind: 'tls', host: 'dichvucong.example.test' },
      result: { status: 'ok', message: 'certificate valid', durationSeconds: 0.05, phases: { dns: 0.004, connect: 0.012, tls: 0.03 }, tls: certificate },
    },
  ],
  dns: [
    {
      check: { name: 'portal-dns', system: 'national-portal', kind: 'dns', host: 'dichvucong.example.test' },
      result: { status: 'ok', message: 'resolved', durationSeconds: 0.004, phases: { dns: 0.004 }, dns: { addresses: ['203.0.113.10'] } },
    },
  ],
  tcp: [
    {
      check: { name: 'igate-tcp', system: 'provincial', kind: 'tcp', host: 'igate.example.test', port: 443 },
      result: { status: 'critical', reason: 'connect', message: 'refused', durationSeconds: 0.002, phases: { dns: 0.001 } },
    },
  ],
  sync: [
    {
      check: { name: 'hoso-sync', system: 'sync', kind: 'sync', source: syncSide('/s'), target: syncSide('/t'), backlog: '$.pending' },
      result: {
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
    },
    {
      check: { name: 'hoso-count', system: 'sync', kind: 'sync', unit: 'count', source: syncSide('/cs'), target: syncSide('/ct') },
      result: { ...okResult, sync: { mode: 'lag', unit: 'items', lag: 12, sourceWatermark: 1012, targetWatermark: 1000 } },
    },
    {
      check: {
        name: 'hoso-parity',
        system: 'sync',
        kind: 'sync',
        mode: 'parity',
        source: { url: 'https://igate.example.test/d', value: '$.status' },
        target: { url: 'https://dvc.example.test/d', value: '$.status' },
        expect: { mismatchFor: '15m' },
      },
      result: {
        ...okResult,
        sync: { mode: 'parity', unit: 'items', mismatchCount: 1, comparedCount: 1, mismatchSeconds: 300, mismatchSince: 1_780_065_700_000 },
      },
    },
  ],
  flow: [
    {
      check: {
        name: 'provincial-login-flow',
        system: 'provincial',
        kind: 'flow',
        steps: [
          { name: 'discovery', request: { url: 'https://sso.example.test/.well-known/openid-configuration' }, capture: { tokenUrl: '$.token_endpoint' } },
          { name: 'token', request: { method: 'POST', url: '{{tokenUrl}}', form: { grant_type: 'client_credentials' } } },
        ],
      },
      result: {
        status: 'critical',
        reason: 'http_status',
        message: 'step token: HTTP 401 from sso.example.test',
        durationSeconds: 0.08,
        phases: { dns: 0.002, connect: 0.004, tls: 0.02, ttfb: 0.04, transfer: 0.001 },
        httpStatus: 401,
        flow: {
          steps: [
            { name: 'discovery', durationSeconds: 0.05, phases: { dns: 0.001, connect: 0.002, tls: 0.01, ttfb: 0.03, transfer: 0.001 }, httpStatus: 200 },
            { name: 'token', durationSeconds: 0.03, phases: { dns: 0.001, connect: 0.002, tls: 0.01, ttfb: 0.01 }, httpStatus: 401 },
          ],
          failedStep: 'token',
        },
      },
    },
  ],
};

const examples = Object.values(EXAMPLES).flat();

/** The example checks' names, for queries that pick one check (a dashboard's $check). */
export const EXAMPLE_CHECK_NAMES: readonly string[] = examples.map((example) => String(example.check.name));

/** Renders a registry that has seen one result of every kind, so every series the code can publish is present. */
export async function renderExampleMetrics(): Promise<string> {
  const metrics = createMetrics({ location: LOCATION, version: '0.0.0-test' });
  const checks: readonly Check[] = resolveConfig('examples.yaml', ConfigInput.parse({ checks: examples.map((example) => example.check) }), () => '').checks;
  metrics.setChecks(checks);
  for (const [index, check] of checks.entries()) {
    const { result } = examples[index]!;
    metrics.recordProbe(check, result, finishedAt);
    metrics.recordCheckStatus(check, result.status);
  }
  metrics.recordSkip(checks.find((check) => check.kind === 'tcp')!);
  metrics.recordSchedulerLag(0.003);
  metrics.setInFlight(1);
  metrics.recordConfigReload(true, finishedAt);
  metrics.setNotificationsQueued('email', 2);
  metrics.recordNotification('email', 'firing', 'sent');
  metrics.setIncidents([{ system: 'provincial', severity: 'critical' }]);
  metrics.recordAcknowledge('provincial', 'critical', 420);
  metrics.setMaintenance(new Map([['portal-home', true]]));
  metrics.setReports(['daily']);
  metrics.recordReportSuccess('daily', finishedAt);
  metrics.recordReportDeadlineMissed('daily');
  metrics.setObjectiveBudgets([{ scope: 'system', name: 'national-portal', budgetRemainingSeconds: 10_392 }]);
  metrics.setAuthTokenExpiry('angiang-sso', finishedAt.getTime() / 1000 + 3600);
  metrics.recordCatalogue('national-catalogue', {
    status: 'warning',
    items: { source: 6312, other: 1890 },
    changes: { added: 0, removed: 1, changed: 2 },
    mismatches: { fees: 3 },
  });
  metrics.setShard({ index: 0, total: 1 }, checks.length, checks.length);
  metrics.recordStoreBackup(finishedAt);
  return (await metrics.render()).body;
}

interface Sample {
  readonly name: string;
  /** Label name → value, as exported (target labels not included). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  /** Family name → type, from the `# TYPE` lines. */
  readonly families: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

export function readExposition(text: string): Exposition {
  const families = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`unreadable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = JSON.parse(`"${match[2]!}"`) as string;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { families, samples };
}

/** Sample name → label names a scrape stores (target labels included). */
export function labelNamesBySample(exposition: Exposition): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>([['up', new Set(Object.keys(TARGET))]]);
  for (const sample of exposition.samples) {
    const labels = names.get(sample.name) ?? new Set<string>(Object.keys(TARGET));
    for (const label of Object.keys(sample.labels)) labels.add(label);
    names.set(sample.name, labels);
  }
  return names;
}

/** Whether a sample only ever grows: a counter, or a histogram's or summary's bucket, count or sum. */
function isCounterLike(name: string, families: ReadonlyMap<string, string>): boolean {
  if (families.get(name) === 'counter') return true;
  const family = /^(.*)_(bucket|count|sum)$/.exec(name)?.[1];
  return family !== undefined && ['histogram', 'summary'].includes(families.get(family) ?? '');
}

/** A label set in PromQL's series notation. */
function seriesNotation(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}{${Object.entries(labels)
    .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
    .join(',')}}`;
}

/**
 * The exposition as promtool input series, `steps` scrapes one interval apart: counters grow by 1
 * a scrape (so rate and increase see traffic), gauges keep their value; plus `up`.
 */
export function inputSeriesOf(exposition: Exposition, steps: number): { series: string; values: string }[] {
  const valuesOf = (sample: Sample): string => {
    // "NaNx60" reads as one word to promtool; a non-finite value (an idle event-loop gauge) is written out.
    if (!Number.isFinite(sample.value)) return Array.from({ length: steps + 1 }, () => String(sample.value)).join(' ');
    // String(number) never writes a "+" (promtool would read it as the step) below 1e21.
    return isCounterLike(sample.name, exposition.families) ? `${String(sample.value)}+1x${steps}` : `${String(sample.value)}x${steps}`;
  };
  const series = exposition.samples.map((sample) => ({ series: seriesNotation(sample.name, { ...TARGET, ...sample.labels }), values: valuesOf(sample) }));
  return [{ series: seriesNotation('up', TARGET), values: `1x${steps}` }, ...series];
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

export function readRules(text = readFileSync(RULES_FILE, 'utf8')): RuleFile {
  return parse(text) as RuleFile;
}
