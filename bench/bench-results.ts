// The shape of what each benchmark reports: one JSON object a line on its stdout, tagged by
// `bench`, collected by run.ts into bench/results.jsonl and rendered into bench/RESULTS.md.
import type { DaemonWindow } from './daemon-window.ts';
import type { WindowCost } from './proc-stats.ts';
import type { DriverWindow } from './probe-driver.ts';
import type { LatencyProfile } from './target-process.ts';

/** floor: a bare Node client doing the same probes (bench/floor-client.ts). */
export type Prober = 'dvc-sentinel' | 'blackbox_exporter' | 'floor';
/** gzip: /probe asked with Accept-Encoding: gzip as Prometheus asks; plain: without, the probing alone. */
export type BlackboxVariant = 'gzip' | 'plain';

export interface ProberWindow extends WindowCost {
  readonly round: number;
  readonly prober: Prober;
  /** blackbox_exporter only. */
  readonly variant?: BlackboxVariant;
  readonly threads: number;
  /** dvc-sentinel only. */
  readonly daemon?: Pick<DaemonWindow, 'lagP50Ms' | 'lagP99Ms' | 'lagMeanMs' | 'scrapeMsMedian' | 'scrapeMsMax' | 'scrapeMB'> & {
    readonly startupToHealthyMs: number;
    readonly sigtermToExitMs: number;
  };
  /** blackbox_exporter only: /probe as the driver saw it. */
  readonly driver?: Pick<DriverWindow, 'probeMsP50' | 'probeMsP99' | 'failureSamples'>;
}

export interface ProberSummary {
  /** Median over rounds. */
  readonly cpuMsPerProbe: number;
  readonly cpuMsPerProbeRounds: readonly number[];
  readonly probesPerSecond: number;
  readonly rssMB: number;
  readonly peakRssMB: number;
  readonly failures: number;
  readonly skipped: number;
}

export interface CompareResult {
  readonly bench: 'compare';
  readonly protocol: 'http' | 'https';
  readonly checks: number;
  readonly interval: string;
  readonly daemonTimeout: string;
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly windowSeconds: number;
  readonly profile: LatencyProfile;
  readonly runtime: 'dist' | 'tsx';
  readonly blackboxVersion: string;
  readonly windows: readonly ProberWindow[];
  readonly daemon: ProberSummary & { readonly lagP50Ms: number; readonly lagP99Ms: number; readonly scrapeMsMedian: number };
  /** Driven as Prometheus drives it (gzip), when measured. */
  readonly blackbox?: ProberSummary;
  /** Without gzip: the probing alone, when measured. */
  readonly blackboxPlain?: ProberSummary;
  /** daemon / blackbox (gzip) CPU per probe; below 1 means the daemon is cheaper. */
  readonly cpuRatio?: number;
  /** daemon / blackbox (plain) CPU per probe. */
  readonly cpuRatioPlain?: number;
  /** HTTPS: what the target serves (a leaf from a CA, or a self-signed leaf trusted as its own CA file). */
  readonly certificate?: 'ca' | 'self-signed';
  /** The bare Node client, when measured. */
  readonly floor?: ProberSummary;
  /** daemon / floor CPU per probe: how much above the floor the daemon is. */
  readonly cpuRatioFloor?: number;
}

/** One daemon run on a generated config, measured over one window. */
interface DaemonRunResult {
  readonly date: string;
  readonly runtime: 'dist' | 'tsx';
  readonly protocol: 'http' | 'https';
  readonly checks: number;
  readonly interval: string;
  readonly timeout: string;
  readonly window: DaemonWindow;
  readonly startupToHealthyMs: number;
  readonly sigtermToExitMs: number;
}

export interface LagResult extends DaemonRunResult {
  readonly bench: 'lag';
}

export interface SoakResult extends DaemonRunResult {
  readonly bench: 'soak';
  readonly cpuList: string | null;
  readonly profile: LatencyProfile;
  readonly startupToFirstProbeMs: number;
  readonly rssStartMB: number;
  readonly rssEndMB: number;
  /** Highest sampled RSS in the window; peakRssMB in the window is VmHWM over the process life. */
  readonly rssMaxSampledMB: number;
  /** Least-squares slope over the samples after settleSeconds; null when fewer than 2 such samples. */
  readonly rssGrowthMBPer10Min: number | null;
  readonly settleSeconds: number;
}

/** A line of render-metrics.ts: its own fields (each numeric one is a column), keyed by checks. */
export interface RenderMetricsLine {
  readonly checks: number;
  readonly [key: string]: unknown;
}

export interface BenchRun {
  readonly date: string;
  readonly machine: string;
  readonly node: string;
  readonly quick: boolean;
  readonly commit: string | null;
  /** src/ differed from the commit. */
  readonly uncommittedChanges: boolean;
  /** mtime of dist/cli.js at the start of the run. */
  readonly distBuiltAt: string | null;
  /** dist/cli.js changed while the run went on: later parts measured newer code. */
  readonly distRebuiltDuringRun: boolean;
  readonly loadAverageAtStart: readonly number[];
  readonly compare: readonly CompareResult[];
  readonly lag: readonly LagResult[];
  readonly render: readonly RenderMetricsLine[];
  readonly soak: readonly SoakResult[];
  /** Parts that crashed (their numbers are missing). */
  readonly failedParts: readonly string[];
}
