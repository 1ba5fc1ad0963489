// config/prometheus: the Prometheus config, the rules and the Alertmanager routing are valid for
// the real tools (promtool, amtool), the rule unit tests pass, every recording rule returns series
// in the real PromQL engine over what dvc-sentinel exports, and the unit tests feed the rules series
// shaped like a real scrape. promtool comes from the Debian package `prometheus`, amtool from
// `prometheus-alertmanager`; without them these tests are skipped on a developer machine and fail
// under CI.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { askPromtool, returnsSeries } from './support/promtool.ts';
import {
  inputSeriesOf,
  labelNamesBySample,
  readExposition,
  readRules,
  renderExampleMetrics,
  RULES_FILE,
  TARGET,
  type Exposition,
} from './support/example-metrics.ts';
import { findExecutable, isRunnable, requireExecutable, runExecutable } from './support/run-executable.ts';

const CONFIG_DIR = fileURLToPath(new URL('../config/prometheus/', import.meta.url));
const rules = readRules();
const alerts = rules.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined) as {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}[];
const alertNames = [...new Set(alerts.map((rule) => rule.alert))];
const recordNames = rules.groups.flatMap((group) => group.rules).flatMap((rule) => (rule.record === undefined ? [] : [rule.record]));
/** Has one a Vietnamese letter (a tone mark, đ, ơ, ư, …)? */
const VIETNAMESE_LETTER = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

interface AlertCase {
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}
interface RuleTest {
  name: string;
  input_series?: { series: string; values: string }[];
  alert_rule_test?: AlertCase[];
}
const ruleTests = (parse(readFileSync(`${CONFIG_DIR}rules.test.yml`, 'utf8')) as { tests: RuleTest[] }).tests;
const promtool = findExecutable('promtool');

let exposition: Exposition;
beforeAll(async () => {
  exposition = readExposition(await renderExampleMetrics());
});

describe('config/prometheus/rules.yml', () => {
  it.skipIf(!isRunnable(promtool))('gives a series for every recording rule in the real PromQL engine over what the code exports', async () => {
    const answer = await askPromtool(
      requireExecutable(promtool, 'promtool', 'prometheus'),
      recordNames.map((record) => returnsSeries(record, [record])),
      { inputSeries: inputSeriesOf(exposition, 20), interval: '1m', evalTime: '20m', ruleFiles: [fileURLToPath(RULES_FILE)] },
    );
    expect(answer).toEqual({ unparsable: [], failed: [] });
  });

  it('is unit-tested on series shaped like a real scrape: names the code exports (or rules record), with exactly their labels', () => {
    const stored = labelNamesBySample(exposition);
    // The label sets a scrape stores for a name: most names have one; a flow check's failures add a step label to its own series.
    const shapesOf = (name: string): string[] => {
      const samples = exposition.samples.filter((sample) => sample.name === name);
      if (samples.length === 0) return [[...stored.get(name)!].sort().join()];
      return [...new Set(samples.map((sample) => [...Object.keys(TARGET), ...Object.keys(sample.labels)].sort().join()))];
    };
    const problems: string[] = [];
    for (const test of ruleTests) {
      for (const input of test.input_series ?? []) {
        const [, name, labelText] = /^([a-zA-Z_:][\w:]*)\{(.*)\}$/.exec(input.series) ?? [];
        const labels = [...(labelText ?? '').matchAll(/(\w+)=/g)].map((match) => match[1]!).sort();
        if (name === undefined) problems.push(`${test.name}: unreadable series ${input.series}`);
        else if (recordNames.includes(name)) continue;
        else if (!stored.has(name)) problems.push(`${test.name}: ${name} is not exported`);
        else if (!shapesOf(name).includes(labels.join()))
          problems.push(`${test.name}: ${name} has labels ${labels.join()}, a scrape has ${shapesOf(name).join(' or ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('states the annotations of every firing case in rules.test.yml, so promtool checks each $labels template renders', () => {
    const templated = new Set(
      alerts.filter((rule) => Object.values(rule.annotations ?? {}).some((text) => text.includes('$labels'))).map((rule) => rule.alert),
    );
    const unchecked = ruleTests
      .flatMap((test) => (test.alert_rule_test ?? []).map((alertCase) => ({ test: test.name, alertCase })))
      .filter(({ alertCase }) => templated.has(alertCase.alertname) && (alertCase.exp_alerts ?? []).some((alert) => alert.exp_annotations === undefined))
      .map(({ test, alertCase }) => `${test}: ${alertCase.alertname}`);
    expect(unchecked).toEqual([]);
  });

  it('names recording rules level:metric:operation and alerts Dvc…', () => {
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      if (rule.record !== undefined) expect(rule.record).toMatch(/^[a-z_]+:dvc_[a-z0-9_]+(:[a-z0-9_]+)?$/);
      if (rule.alert !== undefined) expect(rule.alert).toMatch(/^Dvc[A-Z][A-Za-z]+$/);
    }
  });

  it('has the alerts the duty team relies on, each with a severity and a Vietnamese summary and description', () => {
    expect(alertNames).toEqual(
      expect.arrayContaining([
        'DvcSentinelDown',
        'DvcSchedulerLagging',
        'DvcConfigReloadFailed',
        'DvcNotificationsStuck',
        'DvcCertificateExpiringSoon',
        'DvcSyncLagHigh',
        'DvcProberBlocked',
      ]),
    );
    for (const rule of alerts) {
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toMatch(VIETNAMESE_LETTER);
      expect(rule.annotations?.description, rule.alert).toMatch(VIETNAMESE_LETTER);
    }
  });

  it('is unit-tested in rules.test.yml: every alert has a case where it fires and one where it stays quiet', () => {
    const cases = ruleTests.flatMap((test) => test.alert_rule_test ?? []);
    for (const name of alertNames) {
      const mine = cases.filter((alertCase) => alertCase.alertname === name);
      expect(
        mine.some((alertCase) => (alertCase.exp_alerts ?? []).length > 0),
        `${name} firing`,
      ).toBe(true);
      expect(
        mine.some((alertCase) => (alertCase.exp_alerts ?? []).length === 0),
        `${name} quiet`,
      ).toBe(true);
    }
  });
});

describe('promtool', () => {
  const run = (...args: string[]) => runExecutable(requireExecutable(promtool, 'promtool', 'prometheus'), args, { cwd: CONFIG_DIR });

  it.skipIf(!isRunnable(promtool))('accepts prometheus.yml, with its rule file', async () => {
    const result = await run('check', 'config', 'prometheus.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.exitCode, result.output).toBe(0);
  });

  it.skipIf(!isRunnable(promtool))('accepts rules.yml', async () => {
    const result = await run('check', 'rules', 'rules.yml');
    expect(result.exitCode, result.output).toBe(0);
  });

  it.skipIf(!isRunnable(promtool))('passes the rule unit tests in rules.test.yml', async () => {
    const result = await run('test', 'rules', 'rules.test.yml');
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });
});

describe('amtool', () => {
  const amtool = findExecutable('amtool');
  const run = (...args: string[]) =>
    runExecutable(requireExecutable(amtool, 'amtool', 'prometheus-alertmanager'), ['--no-version-check', ...args], { cwd: CONFIG_DIR });
  const routeOf = async (labels: Record<string, string>): Promise<string> => {
    const result = await run('config', 'routes', 'test', '--config.file=alertmanager.yml', ...Object.entries(labels).map(([key, value]) => `${key}=${value}`));
    expect(result.exitCode, result.output).toBe(0);
    // The receiver names, comma-separated, are all amtool prints on stdout.
    return result.stdout.trim();
  };

  it.skipIf(!isRunnable(amtool))('accepts alertmanager.yml', async () => {
    const result = await run('check-config', 'alertmanager.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.exitCode, result.output).toBe(0);
  });

  it.skipIf(!isRunnable(amtool))('does not mail DvcCheckFailing again (dvc-sentinel mails it): critical ones go to phones, warnings nowhere', async () => {
    expect(await routeOf({ alertname: 'DvcCheckFailing', severity: 'critical', system: 'national-portal', check: 'dvcqg-home' })).toBe('truc-ban-tin-nhan');
    expect(await routeOf({ alertname: 'DvcCheckFailing', severity: 'warning', system: 'sync', check: 'hoso-sync' })).toBe('im-lang');
  });

  it.skipIf(!isRunnable(amtool))('sends every alert of rules.yml to someone, urgently when the prober is down or mute', async () => {
    for (const rule of alerts) {
      const receiver = await routeOf({ alertname: rule.alert, ...rule.labels });
      expect(receiver, `${rule.alert} ${rule.labels?.severity}`).not.toBe('im-lang');
      expect(receiver, `${rule.alert} ${rule.labels?.severity}`).not.toBe('');
    }
    expect(await routeOf({ alertname: 'DvcSentinelDown', severity: 'critical' })).toBe('truc-ban-khan');
    expect(await routeOf({ alertname: 'DvcNotificationsStuck', severity: 'critical' })).toBe('truc-ban-khan');
  });
});
