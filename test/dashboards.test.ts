// The Grafana dashboards import as they are and read only what dvc-sentinel really exports: every
// query runs in the real PromQL engine (promtool, Debian package `prometheus`) over the series the
// metrics code (src/metrics/metrics.ts) publishes for a check of every kind, and must return series
// carrying its legend's labels, so a renamed metric or label breaks this test, not a night shift.
// Without promtool those tests are skipped on a developer machine and fail under CI.
import { beforeAll, describe, expect, it } from 'vitest';
import { askPromtool, carriesLabel, returnsSeries, type Question } from './support/promtool.ts';
import { DASHBOARD_FILES, dashboardQueries, readDashboard, setVariables, type DashboardFile } from './support/dashboard-queries.ts';
import {
  EXAMPLE_CHECK_NAMES,
  inputSeriesOf,
  labelNamesBySample,
  LOCATION,
  readExposition,
  renderExampleMetrics,
  TARGET,
  type Exposition,
} from './support/example-metrics.ts';
import { findExecutable, isRunnable, requireExecutable } from './support/run-executable.ts';
import { typeErrors } from './support/type-check-values.ts';

interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
  readonly fieldConfig?: { readonly defaults?: { readonly links?: readonly { readonly url: string }[] }; readonly overrides?: readonly unknown[] };
}

interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query: string };
  readonly datasource?: { readonly type?: string; readonly uid?: string };
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly id: null;
  readonly __inputs: readonly { readonly name: string; readonly type: string; readonly pluginId: string }[];
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
  readonly links: readonly { readonly url?: string }[];
}

const FILES = DASHBOARD_FILES;
const dashboards = new Map(FILES.map((file) => [file, readDashboard<Dashboard>(file)]));
const dashboardOf = (file: DashboardFile): Dashboard => dashboards.get(file)!;

/** Variables Grafana itself provides to queries. */
const BUILTIN_VARIABLES = new Set(['__range', '__range_s', '__range_ms', '__interval', '__interval_ms', '__rate_interval', '__from', '__to']);
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** A Vietnamese title has at least one letter only Vietnamese uses here (a tone mark, đ, ơ, ư, …). */
const VIETNAMESE_LETTER = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}
const queryPanels = (dashboard: Dashboard) => panelsOf(dashboard).filter((panel) => panel.type !== 'row');

function variableQuery(variable: Variable): string | undefined {
  return typeof variable.query === 'object' ? variable.query.query : variable.query;
}

/** Names in $name, ${name} and ${name:format}, and the old [[name]]. */
function variablesUsedIn(text: string): string[] {
  return [...text.matchAll(/\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)\]\]/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/** Does the expression read this metric name (not a longer name it is the start of)? */
function readsMetric(expr: string, name: string): boolean {
  return new RegExp(`(^|[^\\w:])${name}($|[^\\w:])`).test(expr);
}

/** Grafana's values for the variables: the example's location, every system, one example check at a time. */
const VARIABLES = { location: LOCATION, system: '.*', job: TARGET.job, __range: '1h', __interval: '5m', __rate_interval: '5m' };
const alternativesOf = (text: string): string[] =>
  /\$\{?check\b/.test(text) ? EXAMPLE_CHECK_NAMES.map((check) => setVariables(text, { ...VARIABLES, check })) : [setVariables(text, VARIABLES)];

/** For each query: it returns series, and they carry the legend's labels; for each label_values variable: its selector does, with that label. */
function questionsOf(file: DashboardFile): Question[] {
  const questions: Question[] = [];
  for (const query of dashboardQueries(file)) {
    const alternatives = alternativesOf(query.expr);
    questions.push(returnsSeries(query.where, alternatives));
    for (const label of query.legendLabels) questions.push(carriesLabel(`${query.where} legend`, alternatives, label));
  }
  for (const variable of dashboardOf(file).templating.list) {
    const labelValues = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec((variableQuery(variable) ?? '').trim());
    if (variable.type !== 'query' || !labelValues?.[1]) continue;
    questions.push(carriesLabel(`${file} variable ${variable.name}`, alternativesOf(labelValues[1]), labelValues[2]!));
  }
  return questions;
}

const promtool = findExecutable('promtool');
let exposition: Exposition;
let stored: Map<string, Set<string>>;
beforeAll(async () => {
  exposition = readExposition(await renderExampleMetrics());
  stored = labelNamesBySample(exposition);
});

describe.each(FILES)('dashboards/%s', (file) => {
  const dashboard = dashboardOf(file);

  it('imports as a shared dashboard: a Prometheus input, a datasource variable, no fixed id', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.id).toBeNull();
    expect(dashboard.uid).toMatch(/^dvc-sentinel-[a-z-]+$/);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const datasource = dashboard.templating.list.find((variable) => variable.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const variable of dashboard.templating.list.filter((candidate) => candidate.type === 'query')) {
      expect(variable.datasource, `variable ${variable.name}`).toEqual(DATASOURCE);
    }
  });

  it('gives every panel a Vietnamese title, an English description, the templated datasource and a query', () => {
    const problems: string[] = [];
    for (const panel of panelsOf(dashboard)) {
      const name = `panel ${panel.id} "${panel.title}"`;
      if (!panel.title || !VIETNAMESE_LETTER.test(panel.title)) problems.push(`${name}: title is not Vietnamese`);
      if (panel.type === 'row') continue;
      if (!/^[A-Z][A-Za-z]/.test(panel.description ?? '')) problems.push(`${name}: description does not start in English`);
      if (JSON.stringify(panel.datasource) !== JSON.stringify(DATASOURCE)) problems.push(`${name}: datasource ${JSON.stringify(panel.datasource)}`);
      if (!panel.targets?.length) problems.push(`${name}: no query`);
      for (const target of panel.targets ?? []) {
        if (!target.expr?.trim()) problems.push(`${name} ${target.refId}: empty expression`);
        if (target.datasource && JSON.stringify(target.datasource) !== JSON.stringify(DATASOURCE))
          problems.push(`${name} ${target.refId}: datasource ${JSON.stringify(target.datasource)}`);
      }
    }
    expect(problems).toEqual([]);
    const titles = queryPanels(dashboard).map((panel) => panel.title);
    expect(
      titles.filter((title, index) => titles.indexOf(title) !== index),
      'repeated titles',
    ).toEqual([]);
  });

  it('lays panels out inside the 24-column grid with unique ids and no overlap', () => {
    const panels = panelsOf(dashboard);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const overlaps: string[] = [];
    for (const [index, a] of panels.entries()) {
      expect(a.gridPos.x + a.gridPos.w, `panel "${a.title}"`).toBeLessThanOrEqual(24);
      expect(a.gridPos.w * a.gridPos.h, `panel "${a.title}"`).toBeGreaterThan(0);
      for (const b of panels.slice(index + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`"${a.title}" and "${b.title}"`);
      }
    }
    expect(overlaps).toEqual([]);
  });

  it.skipIf(!isRunnable(promtool))(
    'runs every query and variable in the real PromQL engine over what the code exports: each returns series with its legend labels',
    async () => {
      const answer = await askPromtool(requireExecutable(promtool, 'promtool', 'prometheus'), questionsOf(file), {
        inputSeries: inputSeriesOf(exposition, 20),
        interval: '1m',
        evalTime: '20m',
      });
      expect(answer).toEqual({ unparsable: [], failed: [] });
    },
  );

  it('fills its variables with label_values, and uses no variable it does not define', () => {
    const defined = new Set(dashboard.templating.list.map((variable) => variable.name));
    const problems: string[] = [];
    for (const variable of dashboard.templating.list) {
      const query = variableQuery(variable);
      if (variable.type !== 'query' || query === undefined) continue;
      const labelValues = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(query.trim());
      if (!labelValues) {
        problems.push(`variable ${variable.name}: "${query}" is not label_values(selector, label)`);
        continue;
      }
      for (const used of variablesUsedIn(query)) if (!defined.has(used)) problems.push(`variable ${variable.name} uses undefined $${used}`);
    }
    for (const panel of queryPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        for (const used of variablesUsedIn(target.expr)) {
          if (!defined.has(used) && !BUILTIN_VARIABLES.has(used)) problems.push(`"${panel.title}" ${target.refId} uses undefined $${used}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('links only to dashboards that exist here', () => {
    const uids = new Set([...dashboards.values()].map((candidate) => candidate.uid));
    const urls = [
      ...dashboard.links.map((link) => link.url ?? ''),
      ...queryPanels(dashboard).flatMap((panel) => (panel.fieldConfig?.defaults?.links ?? []).map((link) => link.url)),
    ].filter((url) => url.startsWith('/d/'));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(uids, url).toContain(/^\/d\/([^/?]+)/.exec(url)?.[1]);
  });
});

describe("dashboards against Grafana's published schema (@grafana/schema)", () => {
  /** The dashboard model, and what Grafana's "Export for sharing externally" adds around it (the DS_PROMETHEUS input). */
  const EXPORTED = [
    "import type { Dashboard } from '@grafana/schema';",
    'type Exported = Dashboard & {',
    "  __inputs: { name: string; label: string; description: string; type: 'datasource'; pluginId: string; pluginName: string }[];",
    '  __elements: Record<string, never>;',
    "  __requires: { type: 'grafana' | 'datasource' | 'panel'; id: string; name: string; version: string }[];",
    '};',
  ].join('\n');
  const typed = (name: string, value: unknown) => ({ name, imports: EXPORTED, type: 'Exported', value });

  it('every dashboard satisfies its Dashboard type; a misspelt key or a value outside a union is refused', () => {
    const overview = dashboardOf('overview.json');
    const [first, ...rest] = overview.panels;
    const misspelt = { ...overview, panels: [{ ...first, gridPoz: first!.gridPos }, ...rest] };
    const wrongMode = JSON.parse(JSON.stringify(overview).replace('"mode":"absolute"', '"mode":"absolut"')) as unknown;
    const errors = typeErrors([...FILES.map((file) => typed(file, dashboardOf(file))), typed('misspelt', misspelt), typed('wrong-mode', wrongMode)]);
    expect(errors.filter((error) => FILES.some((file) => error.startsWith(`${file}:`)))).toEqual([]);
    expect(errors.filter((error) => error.startsWith('misspelt:')).join()).toMatch(/'"gridPoz"' does not exist/);
    expect(errors.filter((error) => error.startsWith('wrong-mode:')).join()).toMatch(/"absolut"/);
  }, 60_000);
});

describe('dashboards together', () => {
  /** The names, among those a scrape stores, that a dashboard's queries read. */
  const metricsOf = (dashboard: Dashboard): Set<string> => {
    const exprs = queryPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    return new Set([...stored.keys()].filter((name) => exprs.some((expr) => readsMetric(expr, name))));
  };

  it('the overview answers the night-duty questions: status, availability, latency, phases, reasons, sync, TLS, incidents, mail, maintenance, prober health', () => {
    const used = metricsOf(dashboardOf('overview.json'));
    for (const name of [
      'dvc_check_status',
      'dvc_probe_success',
      'dvc_probe_duration_seconds_count',
      'dvc_probe_failures_total',
      'dvc_probe_duration_seconds_bucket',
      'dvc_probe_phase_seconds',
      'dvc_sync_lag_seconds',
      'dvc_sync_backlog',
      'dvc_sync_watermark_moved_timestamp_seconds',
      'dvc_tls_cert_expiry_timestamp_seconds',
      'dvc_incidents_open',
      'dvc_notifications_queued',
      'dvc_notifications_total',
      'dvc_maintenance_active',
      'dvc_scheduler_lag_seconds_bucket',
      'dvc_scheduler_skipped_total',
      'dvc_config_last_reload_success',
      'up',
    ]) {
      expect(used, name).toContain(name);
    }
    const overview = dashboardOf('overview.json');
    expect(overview.templating.list.map((variable) => variable.name)).toEqual(expect.arrayContaining(['datasource', 'location', 'system']));
    expect(dashboardOf('check.json').templating.list.map((variable) => variable.name)).toEqual(expect.arrayContaining(['datasource', 'location', 'check']));
  });

  it('the duty desk and reports dashboard answers: open incidents and their acknowledgement, notifications per channel, report deadlines, error budgets', () => {
    const duty = dashboardOf('duty.json');
    const used = metricsOf(duty);
    for (const name of [
      'dvc_incidents_open',
      'dvc_incident_acknowledge_seconds_count',
      'dvc_incident_acknowledge_seconds_bucket',
      'dvc_notifications_total',
      'dvc_notifications_queued',
      'dvc_report_last_success_timestamp_seconds',
      'dvc_report_deadline_missed_total',
      'dvc_objective_budget_remaining_seconds',
    ]) {
      expect(used, name).toContain(name);
    }
    expect(duty.title).toContain('Trực ban và báo cáo');
    const channelPanels = queryPanels(duty).filter((panel) =>
      panel.targets?.some((target) => /dvc_notifications_total/.test(target.expr) && /by \(channel[,)]/.test(target.expr)),
    );
    expect(channelPanels.length).toBeGreaterThanOrEqual(3);
    // Who acknowledged is a person's name, never a label: the desk shows it, and the dashboard links there.
    const desk = duty.templating.list.find((variable) => variable.name === 'desk');
    expect(desk?.type).toBe('textbox');
    expect(duty.links.map((link) => link.url)).toContain('${desk}/');
  });

  it('shows every dvc_ metric family the code exports on one dashboard or the other', () => {
    const used = new Set([...metricsOf(dashboardOf('overview.json')), ...metricsOf(dashboardOf('check.json'))]);
    const shown = (family: string) => [family, `${family}_bucket`, `${family}_count`].some((name) => used.has(name));
    const missing = [...exposition.families.keys()].filter((family) => family.startsWith('dvc_') && !shown(family));
    expect(missing).toEqual([]);
  });

  it('calls out reason "blocked" as our prober refused by the portal firewall, not the portal down', () => {
    const reasonPanels = [...dashboards.values()].flatMap(queryPanels).filter((panel) => panel.targets?.some((target) => /by \(reason\)/.test(target.expr)));
    expect(reasonPanels.length).toBeGreaterThan(0);
    for (const panel of reasonPanels) {
      expect(panel.description, panel.title).toMatch(/prober refused by the portal firewall/);
      expect(JSON.stringify(panel.fieldConfig?.overrides), panel.title).toContain('"options":"blocked"');
    }
  });
});
