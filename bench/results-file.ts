// Renders benchmark results as Markdown tables and appends a run to bench/RESULTS.md (a dated
// section) and bench/results.jsonl (the same run as one JSON object a line). Both files are kept
// in git, so the history of every hot-path change stays next to the code.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchRun, CompareResult, LagResult, ProberSummary, ProberWindow, RenderMetricsLine, SoakResult } from './bench-results.ts';

const RESULTS_MARKDOWN = new URL('./RESULTS.md', import.meta.url);
const RESULTS_JSON_LINES = new URL('./results.jsonl', import.meta.url);

const HEADER = `# Benchmark results

Each \`npm run bench\` appends one dated section here and the same numbers as one JSON object a line
to \`results.jsonl\`; sections marked (quick) are smoke runs with short windows, not measurements.
Everything runs on 127.0.0.1: a target server in its own process (RSA-2048 certificate from a CA made
by the harness), dvc-sentinel (the compiled CLI) and Debian's prometheus-blackbox-exporter started by
hand, each probe on a fresh connection. The harness drives blackbox's \`/probe\` at the daemon's rate,
each target at its own offset in the interval, as Prometheus does; its CPU is charged to neither.

Columns:
- **CPU ms/probe**: the prober's own utime+stime from \`/proc/PID/stat\` over the measured window,
  divided by the probes it finished in it; the median over rounds, then each round. dvc-sentinel's
  includes its state writes and the \`/metrics\` scrapes made every 15 s in the window.
- **blackbox_exporter, gzip**: \`/probe\` asked with \`Accept-Encoding: gzip\`, as Prometheus asks, so
  blackbox compresses every answer. **plain**: without, which leaves the probing alone.
- **dvc-sentinel ÷ this**: ratio of the medians; below 1 means dvc-sentinel is cheaper. Each round
  measures dvc-sentinel then blackbox, one window after another, each prober started afresh.
- **RSS**: \`VmRSS\` at the end of the window; in brackets \`VmHWM\`, the peak over the process's life.
- **lag p50/p99**: dvc-sentinel's own \`dvc_scheduler_lag_seconds\` over the window (how late probes
  start against their slot), estimated from the buckets as \`histogram_quantile\` does.
- **scrape**: wall time of a \`GET /metrics\` made as Prometheus makes it (gzip asked), every 15 s in
  the window, from the request to the last byte; unzipping and parsing are the scraper's work and
  not counted.
- **machine busy**: CPU of every process alive at the window's end (target, harness, prober, other
  users' long-running work) over wall time × cores; near 100 the machine, not the prober, sets the pace.
- **growth**: least-squares slope of RSS samples (every 30 s) after the first minutes of the soak.
`;

/** Which code was measured: the commit, whether src/ had changes on top, and when dist/ was built. */
export function describeBuild(): { commit: string | null; uncommittedChanges: boolean; distBuiltAt: string | null } {
  const git = (args: string[]) => spawnSync('git', args, { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 10_000 });
  const head = git(['rev-parse', '--short', 'HEAD']);
  const status = git(['status', '--porcelain', '--', 'src']);
  const cli = new URL('../dist/cli.js', import.meta.url);
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    uncommittedChanges: status.status === 0 && status.stdout.trim() !== '',
    distBuiltAt: existsSync(cli) ? statSync(cli).mtime.toISOString() : null,
  };
}

export function describeMachine(): { machine: string; node: string; loadAverage: number[] } {
  return {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

function show(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
}

export function renderCompareTable(results: readonly CompareResult[]): string {
  const lines = [
    '| protocol | checks @ interval | prober | CPU ms/probe | per round | spread (min–max) | dvc-sentinel ÷ this | probes/s | RSS MB (peak) | failures | skipped | lag p50 / p99 ms | scrape ms | machine busy % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    const rows: [string, ProberWindow[], ProberSummary | undefined, number | undefined][] = [
      ['dvc-sentinel', result.windows.filter((window) => window.prober === 'dvc-sentinel'), result.daemon, undefined],
      ['floor (bare Node client)', result.windows.filter((window) => window.prober === 'floor'), result.floor, result.cpuRatioFloor],
      ['blackbox_exporter, gzip (as Prometheus asks)', result.windows.filter((window) => window.variant === 'gzip'), result.blackbox, result.cpuRatio],
      ['blackbox_exporter, plain', result.windows.filter((window) => window.variant === 'plain'), result.blackboxPlain, result.cpuRatioPlain],
    ];
    const protocol =
      result.certificate === undefined ? result.protocol : `${result.protocol} (${result.certificate === 'ca' ? 'CA + leaf' : 'self-signed leaf'})`;
    for (const [prober, windows, summary, ratio] of rows) {
      if (!summary) continue;
      const isDaemon = prober === 'dvc-sentinel';
      const perRound = windows.map((window) => window.cpuMsPerProbe);
      const spread = perRound.length === 0 ? '—' : `${show(Math.min(...perRound), 3)}–${show(Math.max(...perRound), 3)}`;
      lines.push(
        `| ${protocol} | ${result.checks} @ ${result.interval} | ${prober} | **${show(summary.cpuMsPerProbe, 3)}** | ${perRound.map((value) => show(value, 3)).join(', ')} | ${spread} | ${ratio === undefined ? '—' : `**${show(ratio)}×**${ratioSpread(result, windows)}`} | ${show(summary.probesPerSecond, 0)} | ${show(summary.rssMB, 0)} (${show(summary.peakRssMB, 0)}) | ${summary.failures} | ${summary.skipped} | ${isDaemon ? `${show(result.daemon.lagP50Ms)} / ${show(result.daemon.lagP99Ms)}` : '—'} | ${isDaemon ? show(result.daemon.scrapeMsMedian, 0) : '—'} | ${windows.map((window) => show(window.machineBusyPercent, 0)).join(', ')} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The ratio round by round (the daemon's window against this prober's in the same round), as " (a–b)". */
function ratioSpread(result: CompareResult, windows: readonly ProberWindow[]): string {
  const ratios = windows.flatMap((window) => {
    const daemon = result.windows.find((candidate) => candidate.prober === 'dvc-sentinel' && candidate.round === window.round);
    return daemon === undefined || window.cpuMsPerProbe <= 0 ? [] : [daemon.cpuMsPerProbe / window.cpuMsPerProbe];
  });
  return ratios.length < 2 ? '' : ` (${show(Math.min(...ratios))}–${show(Math.max(...ratios))})`;
}

export function renderLagTable(results: readonly LagResult[]): string {
  const lines = [
    '| checks @ interval | rate | lag p50 ms | lag p99 ms | CPU ms/probe | cores busy | RSS MB (peak) | scrape ms (median / max) | failures | skipped | start-up → healthy | SIGTERM → exit | machine busy % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    const window = result.window;
    lines.push(
      `| ${result.checks} ${result.protocol} @ ${result.interval} | ${show(window.probesPerSecond, 1)}/s | ${show(window.lagP50Ms)} | **${show(window.lagP99Ms)}** | ${show(window.cpuMsPerProbe, 3)} | ${show(window.cpuCoresBusy)} | ${show(window.rssMB, 0)} (${show(window.peakRssMB, 0)}) | ${show(window.scrapeMsMedian, 0)} / ${show(window.scrapeMsMax, 0)} | ${window.failures} | ${window.skipped} | ${show(result.startupToHealthyMs, 0)} ms | ${show(result.sigtermToExitMs, 0)} ms | ${show(window.machineBusyPercent, 0)} |`,
    );
  }
  return lines.join('\n');
}

export function renderRenderMetricsTable(lines: readonly RenderMetricsLine[]): string {
  // render-metrics.ts decides its own fields; every numeric one becomes a column, in first-seen order.
  const byChecks = new Map<number, Record<string, unknown>>();
  const columns: string[] = [];
  for (const line of lines) {
    byChecks.set(line.checks, { ...byChecks.get(line.checks), ...line });
    for (const [key, value] of Object.entries(line)) if (key !== 'checks' && typeof value === 'number' && !columns.includes(key)) columns.push(key);
  }
  const rows = [`| checks | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---|').join('')}`];
  for (const [checks, row] of [...byChecks].sort((a, b) => a[0] - b[0])) {
    rows.push(`| ${checks} | ${columns.map((column) => (typeof row[column] === 'number' ? show(row[column]) : '—')).join(' | ')} |`);
  }
  return rows.join('\n');
}

export function renderSoakTable(results: readonly SoakResult[]): string {
  const lines = [
    '| checks @ interval | window | rate | lag p50 / p99 ms | CPU ms/probe | cores busy | RSS MB start / end / max sampled (VmHWM) | growth MB per 10 min | scrape ms median / max (MB) | start-up → first probe | → healthy | SIGTERM → exit | failures / skipped |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    const window = result.window;
    lines.push(
      `| ${result.checks} ${result.protocol} @ ${result.interval}${result.cpuList === null ? '' : ` (cpu ${result.cpuList})`} | ${show(window.seconds, 0)} s | ${show(window.probesPerSecond, 1)}/s | ${show(window.lagP50Ms)} / **${show(window.lagP99Ms)}** | ${show(window.cpuMsPerProbe, 3)} | ${show(window.cpuCoresBusy)} | ${show(result.rssStartMB, 0)} / ${show(result.rssEndMB, 0)} / ${show(result.rssMaxSampledMB, 0)} (${show(window.peakRssMB, 0)}) | ${show(result.rssGrowthMBPer10Min, 1)} | ${show(window.scrapeMsMedian, 0)} / ${show(window.scrapeMsMax, 0)} (${show(window.scrapeMB, 1)}) | ${show(result.startupToFirstProbeMs, 0)} ms | ${show(result.startupToHealthyMs, 0)} ms | ${show(result.sigtermToExitMs, 0)} ms | ${window.failures} / ${window.skipped} |`,
    );
  }
  return lines.join('\n');
}

type GoalState = 'met' | 'not met' | 'not measured' | 'not judged';

/** Where each goal of the issue stands; reported, never enforced. */
export function renderGoals(run: BenchRun): string {
  const rows: [string, string, GoalState][] = [];
  const judge = (ok: boolean | undefined): GoalState => (ok === undefined ? 'not measured' : ok ? 'met' : 'not met');
  for (const result of run.compare) {
    const ratios = [result.cpuRatio, result.cpuRatioPlain].filter((ratio): ratio is number => ratio !== undefined);
    const measured = [
      result.cpuRatioFloor === undefined ? undefined : `${show(result.cpuRatioFloor)}× the floor`,
      result.cpuRatio === undefined ? undefined : `${show(result.cpuRatio)}× blackbox as Prometheus drives it (gzip)`,
      result.cpuRatioPlain === undefined ? undefined : `${show(result.cpuRatioPlain)}× its probing alone (plain)`,
    ]
      .filter(Boolean)
      .join('; ');
    const checks = [result.cpuRatioFloor === undefined ? undefined : result.cpuRatioFloor <= 1.3, ...ratios.map((ratio) => ratio <= 1)].filter(
      (ok): ok is boolean => ok !== undefined,
    );
    const state: GoalState = checks.length === 0 ? 'not measured' : checks.every(Boolean) ? 'met' : 'not met';
    const certificate = result.certificate === undefined ? '' : result.certificate === 'ca' ? ', CA + leaf' : ', self-signed leaf';
    rows.push([
      `CPU per probe ≤ 1.3× the floor and ≤ 1.0× blackbox_exporter, ${result.protocol.toUpperCase()}${certificate}, ${result.checks} @ ${result.interval}`,
      measured || '—',
      state,
    ]);
  }
  if (run.compare.length === 0) rows.push(['CPU per probe ≤ 1.3× the floor and ≤ 1.0× blackbox_exporter', '—', 'not measured']);
  const soak = run.soak.find((entry) => entry.checks >= 10_000);
  const soakNote = soak && soak.window.seconds < 590 ? ` (soak of ${show(soak.window.seconds, 0)} s)` : '';
  rows.push([
    '10,000 checks @ 60 s: scheduler lag p99 < 20 ms',
    soak ? `${show(soak.window.lagP99Ms)} ms${soakNote}` : '—',
    judge(soak ? soak.window.lagP99Ms < 20 : undefined),
  ]);
  rows.push([
    '10,000 checks @ 60 s: RSS < 200 MB',
    soak ? `max sampled ${show(soak.rssMaxSampledMB, 0)} MB, VmHWM ${show(soak.window.peakRssMB, 0)} MB` : '—',
    judge(soak ? soak.rssMaxSampledMB < 200 : undefined),
  ]);
  rows.push([
    '10,000 checks @ 60 s: /metrics scrape < 150 ms',
    soak ? `median ${show(soak.window.scrapeMsMedian, 0)} ms, max ${show(soak.window.scrapeMsMax, 0)} ms` : '—',
    judge(soak ? soak.window.scrapeMsMax < 150 : undefined),
  ]);
  const growthState: GoalState =
    !soak || soak.rssGrowthMBPer10Min === null
      ? soak
        ? 'not judged'
        : 'not measured'
      : soak.window.seconds < 590
        ? 'not judged'
        : judge(soak.rssGrowthMBPer10Min <= 5);
  rows.push([
    'no RSS growth over a 10-minute soak (slope ≤ 5 MB per 10 min)',
    soak ? `${show(soak.rssGrowthMBPer10Min, 1)} MB per 10 min${soakNote}` : '—',
    growthState,
  ]);
  const lag = run.lag.find((entry) => entry.checks === 1000);
  rows.push([
    '1,000 checks @ 1 s: scheduler lag p99 < 50 ms',
    lag ? `${show(lag.window.lagP99Ms)} ms` : '—',
    judge(lag ? lag.window.lagP99Ms < 50 : undefined),
  ]);
  rows.push([
    'start-up to first probe < 1 s with 10,000 checks',
    soak ? `${show(soak.startupToFirstProbeMs, 0)} ms` : '—',
    judge(soak ? soak.startupToFirstProbeMs < 1000 : undefined),
  ]);
  rows.push([
    'SIGTERM to exit < 2 s',
    soak ? `${show(soak.sigtermToExitMs, 0)} ms (10,000 checks)` : lag ? `${show(lag.sigtermToExitMs, 0)} ms (1,000 checks)` : '—',
    judge(soak ? soak.sigtermToExitMs < 2000 : lag ? lag.sigtermToExitMs < 2000 : undefined),
  ]);
  return ['| goal | measured | state |', '|---|---|---|', ...rows.map(([goal, measured, state]) => `| ${goal} | ${measured} | ${state} |`)].join('\n');
}

export function renderRunSection(run: BenchRun): string {
  const compare = run.compare[0];
  const parts = [
    `## ${run.date.slice(0, 16).replace('T', ' ')} UTC${run.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${run.machine}, Node ${run.node}, load average at start ${run.loadAverageAtStart.join(' / ')}${compare ? `, blackbox_exporter ${compare.blackboxVersion}, daemon from ${compare.runtime}` : ''}. ` +
      `Code: ${run.commit ?? 'unknown commit'}${run.uncommittedChanges ? ' with uncommitted changes in src/' : ''}${run.distBuiltAt ? `, dist/ built ${run.distBuiltAt.slice(0, 16).replace('T', ' ')} UTC` : ''}.` +
      (run.distRebuiltDuringRun ? ' **dist/ was rebuilt during the run: later parts measured newer code.**' : '') +
      (run.failedParts.length > 0 ? ` **Crashed parts (numbers missing): ${run.failedParts.join(', ')}.**` : ''),
    '',
    '**Goals**',
    '',
    renderGoals(run),
  ];
  if (run.compare.length > 0) {
    parts.push(
      '',
      `**Side by side with the floor and blackbox_exporter** (${compare!.rounds} round(s); each round a dvc-sentinel window then the floor's and the blackbox ones, each ${compare!.windowSeconds} s after ${compare!.warmupSeconds} s warm-up; daemon timeout ${compare!.daemonTimeout})`,
      '',
      renderCompareTable(run.compare),
    );
  }
  if (run.lag.length > 0) parts.push('', '**Scheduler lag**', '', renderLagTable(run.lag));
  if (run.render.length > 0) parts.push('', '**Rendering `/metrics`** (in process)', '', renderRenderMetricsTable(run.render));
  if (run.soak.length > 0) parts.push('', '**Soak**', '', renderSoakTable(run.soak));
  return `${parts.join('\n')}\n`;
}

export function appendResults(run: BenchRun): void {
  if (!existsSync(RESULTS_MARKDOWN)) writeFileSync(RESULTS_MARKDOWN, HEADER);
  appendFileSync(RESULTS_MARKDOWN, `\n${renderRunSection(run)}`);
  appendFileSync(RESULTS_JSON_LINES, `${JSON.stringify(run)}\n`);
}
