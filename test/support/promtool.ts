// promtool (Debian package `prometheus`): lints an exposition, and asks the real PromQL engine
// whether queries parse and return series, instead of a parser of our own.
//
// promtool has no query command without a server, so each
// question becomes an alert rule that fires when the answer is "no": `absent(<query>)` fires when
// the query returns nothing. `promtool check rules` reports what does not parse; `promtool test rules`
// evaluates every alert over the given input series and reports the ones that fired.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runExecutable, type ExecutableResult } from './run-executable.ts';

/** `promtool check metrics` on exposition text: exit 0 clean, 3 lint problems, 1 parse error (promtool 2.42). */
export function checkMetricsWithPromtool(promtool: string, exposition: string): Promise<ExecutableResult> {
  return runExecutable(promtool, ['check', 'metrics'], { input: exposition });
}

export interface Question {
  /** How a failure is reported, e.g. `overview.json "Máy giám sát" A`. */
  readonly name: string;
  /** PromQL that returns series exactly when the answer is no. */
  readonly firesWhenNot: string;
}

/** The query returns at least one series (for any one of the alternatives, e.g. one per $check). */
export function returnsSeries(name: string, alternatives: readonly string[]): Question {
  return { name: `${name}: returns no series`, firesWhenNot: alternatives.map((expr) => `absent(${expr})`).join(' and on () ') };
}

/** At least one series of the query carries the label (a legend {{label}}, a label_values variable). */
export function carriesLabel(name: string, alternatives: readonly string[], label: string): Question {
  // vector(1) has no labels, so `unless on (label)` drops exactly the series whose label is empty.
  const withLabel = (expr: string) => `absent(count by (${label}) (${expr}) unless on (${label}) vector(1))`;
  return { name: `${name}: no series carries label "${label}"`, firesWhenNot: alternatives.map(withLabel).join(' and on () ') };
}

interface PromtoolAnswer {
  /** promtool's own words for each question that does not parse (or for a file it refuses). */
  readonly unparsable: readonly string[];
  /** Names of the questions answered no. */
  readonly failed: readonly string[];
}

/**
 * Evaluates every question at `evalTime` over `inputSeries` (promtool series notation, one sample
 * per `interval`), next to `ruleFiles` (absolute paths) so questions may read their recorded series.
 */
export async function askPromtool(
  promtool: string,
  questions: readonly Question[],
  options: { inputSeries: readonly { series: string; values: string }[]; interval: string; evalTime: string; ruleFiles?: readonly string[] },
): Promise<PromtoolAnswer> {
  const alertName = (index: number) => `Question_${index}`;
  const nameOf = (text: string) => text.replace(/Question_(\d+)/g, (whole, index: string) => questions[Number(index)]?.name ?? whole);
  const dir = await mkdtemp(path.join(tmpdir(), 'dvc-promtool-'));
  try {
    const questionsFile = path.join(dir, 'questions.yml');
    await writeFile(
      questionsFile,
      stringify({ groups: [{ name: 'questions', rules: questions.map((question, index) => ({ alert: alertName(index), expr: question.firesWhenNot })) }] }),
    );
    const checked = await runExecutable(promtool, ['check', 'rules', questionsFile]);
    if (checked.exitCode !== 0) return { unparsable: [nameOf(checked.output)], failed: [] };

    const testFile = path.join(dir, 'questions.test.yml');
    await writeFile(
      testFile,
      stringify({
        rule_files: [...(options.ruleFiles ?? []), questionsFile],
        evaluation_interval: options.interval,
        tests: [
          {
            interval: options.interval,
            input_series: options.inputSeries,
            alert_rule_test: questions.map((_, index) => ({ eval_time: options.evalTime, alertname: alertName(index), exp_alerts: [] })),
          },
        ],
      }),
    );
    const tested = await runExecutable(promtool, ['test', 'rules', testFile]);
    if (tested.exitCode === 0) return { unparsable: [], failed: [] };
    const failed = [...tested.output.matchAll(/alertname: Question_(\d+),/g)].map((match) => questions[Number(match[1])]!.name);
    // A non-zero exit with no failed alert means promtool refused the test itself: show why.
    return failed.length > 0 ? { unparsable: [], failed } : { unparsable: [nameOf(tested.output)], failed: [] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
