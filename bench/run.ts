// `npm run bench`: every benchmark in turn, each as its own process so one's memory and JIT state
// do not colour the next; then one dated section appended to bench/RESULTS.md and one JSON line to
// bench/results.jsonl. A crashed part makes the exit code 1; a missed goal does not (goals are reported).
//   npm run bench -- --quick                     smoke run: short windows, 120 s soak
//   npm run bench -- --only compare,soak         parts: compare (= compare-http,compare-https), lag, render, soak
//   npm run bench -- --skip-build --no-write     measure the dist/ already built; print only
//   npm run bench -- --only compare --compare-window 3,5,15   rounds, warm-up and window seconds of the comparison
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { BenchRun, CompareResult, LagResult, RenderMetricsLine, SoakResult } from './bench-results.ts';
import { spawnTracked } from './process-cleanup.ts';
import { appendResults, describeBuild, describeMachine, renderRunSection } from './results-file.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'soak-seconds': { type: 'string' },
    'compare-window': { type: 'string' },
  },
});
const quick = values.quick;

interface Part {
  readonly name: string;
  readonly group: string;
  readonly file: string;
  readonly args: readonly string[];
}

const soakSeconds = values['soak-seconds'] ?? (quick ? '120' : '600');
function compareWindowArgs(): string[] {
  const given = values['compare-window'];
  if (given === undefined) return quick ? ['--rounds', '1', '--warmup', '3', '--seconds', '10'] : [];
  const [rounds, warmup, seconds] = given.split(',').map((part) => part.trim());
  if (!rounds || !warmup || !seconds || [rounds, warmup, seconds].some((part) => !(Number(part) > 0)))
    throw new Error(`--compare-window takes rounds,warm-up,seconds such as 3,5,15; got "${given}"`);
  return ['--rounds', rounds, '--warmup', warmup, '--seconds', seconds];
}
const compareWindow = compareWindowArgs();
const allParts: Part[] = [
  { name: 'compare-http', group: 'compare', file: 'compare-blackbox.ts', args: ['--protocols', 'http', ...compareWindow] },
  { name: 'compare-https', group: 'compare', file: 'compare-blackbox.ts', args: ['--protocols', 'https', ...compareWindow] },
  {
    name: 'lag',
    group: 'lag',
    file: 'scheduler-lag.ts',
    args: ['--checks', '1000', '--interval', '1s', ...(quick ? ['--seconds', '15', '--warmup', '3'] : ['--seconds', '60'])],
  },
  { name: 'render-1k', group: 'render', file: 'render-metrics.ts', args: ['--checks', '1000'] },
  { name: 'render-10k', group: 'render', file: 'render-metrics.ts', args: ['--checks', '10000'] },
  {
    name: 'soak',
    group: 'soak',
    file: 'soak.ts',
    args: ['--checks', '10000', '--interval', '60s', '--seconds', soakSeconds, ...(Number(soakSeconds) < 300 ? ['--settle', '30'] : [])],
  },
];
const wanted = values.only
  ?.split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
for (const name of wanted ?? []) {
  if (!allParts.some((part) => part.name === name || part.group === name)) {
    throw new Error(`--only: unknown part "${name}"; parts are ${[...new Set(allParts.flatMap((part) => [part.group, part.name]))].join(', ')}`);
  }
}
const parts = allParts.filter((part) => !wanted || wanted.includes(part.name) || wanted.includes(part.group));

/** Runs one part, copying its output through; resolves with the JSON objects it printed, one a line. */
async function runPart(part: Part): Promise<{ ok: boolean; objects: Record<string, unknown>[] }> {
  process.stdout.write(`\n## ${part.name}: ${part.file} ${part.args.join(' ')}\n`);
  const child = spawnTracked(process.execPath, ['--import', 'tsx', new URL(part.file, import.meta.url).pathname, ...part.args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const objects: Record<string, unknown>[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    process.stdout.write(`${line}\n`);
    if (!line.startsWith('{')) continue;
    try {
      objects.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line that only looks like JSON is output for humans.
    }
  }
  const code = child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode))));
  if (code !== 0) process.stderr.write(`bench part ${part.name} failed (exit ${String(code)})\n`);
  return { ok: code === 0, objects };
}

if (!values['skip-build']) {
  // Benchmarks measure the compiled daemon, as deployed.
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { machine, node, loadAverage } = describeMachine();
const measuredCode = describeBuild();
const date = new Date().toISOString();
const compare: CompareResult[] = [];
const lag: LagResult[] = [];
const render: RenderMetricsLine[] = [];
const soak: SoakResult[] = [];
const failedParts: string[] = [];
for (const part of parts) {
  const { ok, objects } = await runPart(part);
  if (!ok) failedParts.push(part.name);
  for (const object of objects) {
    if (object.bench === 'compare') compare.push(object as unknown as CompareResult);
    else if (object.bench === 'lag') lag.push(object as unknown as LagResult);
    else if (object.bench === 'soak') soak.push(object as unknown as SoakResult);
    else if (part.group === 'render' && typeof object.checks === 'number') render.push(object as unknown as RenderMetricsLine);
  }
}

const distRebuiltDuringRun = describeBuild().distBuiltAt !== measuredCode.distBuiltAt;
const run: BenchRun = {
  date,
  machine,
  node,
  quick,
  ...measuredCode,
  distRebuiltDuringRun,
  loadAverageAtStart: loadAverage,
  compare,
  lag,
  render,
  soak,
  failedParts,
};
process.stdout.write(`\n${renderRunSection(run)}`);
if (!values['no-write']) {
  appendResults(run);
  process.stdout.write('\nAppended to bench/RESULTS.md and bench/results.jsonl.\n');
}
process.exitCode = failedParts.length > 0 ? 1 : 0;
