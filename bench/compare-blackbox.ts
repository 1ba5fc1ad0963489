// Benchmark: dvc-sentinel and blackbox_exporter doing the same probes (N http or https targets on
// 127.0.0.1, each once per interval, a fresh connection per probe), measured in one run in
// alternating windows (daemon, blackbox, daemon, blackbox, …) so a noisy machine shifts both.
// Each window starts its prober afresh, warms up, then measures CPU (utime+stime) and RSS from /proc.
// blackbox is measured twice a round: asked with Accept-Encoding: gzip as Prometheus asks (it then
// compresses each /probe answer), and without (the probing alone).
//   npx tsx bench/compare-blackbox.ts --protocols http,https --rounds 2 --seconds 30 --blackbox-variants gzip,plain
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/config/units.ts';
import type { BlackboxVariant, CompareResult, ProberSummary, ProberWindow } from './bench-results.ts';
import { BLACKBOX_MODULES, readBlackboxVersion, startBlackbox, ensureBlackboxInstalled } from './blackbox-process.ts';
import { createBenchCertificates, type BenchCertificates } from './create-bench-certificates.ts';
import { startDaemon, type Protocol } from './daemon-process.ts';
import { measureDaemonWindow } from './daemon-window.ts';
import { startProbeDriver } from './probe-driver.ts';
import { machineBusyShare, readMachineCpu, readProcStats } from './proc-stats.ts';
import { renderCompareTable } from './results-file.ts';
import { median, round } from './statistics.ts';
import { startTarget, type LatencyProfile, type TargetProcess } from './target-process.ts';

const { values } = parseArgs({
  options: {
    protocols: { type: 'string', default: 'http,https' },
    checks: { type: 'string' },
    'http-checks': { type: 'string', default: '500' },
    'https-checks': { type: 'string', default: '200' },
    interval: { type: 'string', default: '1s' },
    timeout: { type: 'string', default: '900ms' },
    rounds: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '256' },
    'scrape-every': { type: 'string', default: '15' },
    connections: { type: 'string', default: '64' },
    'blackbox-variants': { type: 'string', default: 'gzip,plain' },
    'slow-share': { type: 'string', default: '0' },
    'slow-ms': { type: 'string', default: '2000' },
    'fail-share': { type: 'string', default: '0' },
  },
});

const protocols = values.protocols.split(',').map((name) => name.trim());
for (const protocol of protocols) if (protocol !== 'http' && protocol !== 'https') throw new Error(`--protocols takes http and/or https, got "${protocol}"`);
const intervalSeconds = parseDuration(values.interval);
if (intervalSeconds === undefined || intervalSeconds <= 0) throw new Error(`--interval "${values.interval}" is not a duration such as 1s`);
const rounds = Number(values.rounds);
const warmupSeconds = Number(values.warmup);
const windowSeconds = Number(values.seconds);
const variants = values['blackbox-variants'].split(',').map((name) => name.trim()) as BlackboxVariant[];
for (const variant of variants) if (variant !== 'gzip' && variant !== 'plain') throw new Error(`--blackbox-variants takes gzip and/or plain, got "${variant}"`);
const profile: LatencyProfile = { slowShare: Number(values['slow-share']), slowMs: Number(values['slow-ms']), failShare: Number(values['fail-share']) };
const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

function checksFor(protocol: Protocol): number {
  return Number(values.checks ?? (protocol === 'http' ? values['http-checks'] : values['https-checks']));
}

async function measureDaemon(
  roundIndex: number,
  protocol: Protocol,
  checks: number,
  target: TargetProcess,
  certificates: BenchCertificates,
): Promise<ProberWindow & { runtime: 'dist' | 'tsx' }> {
  const daemon = await startDaemon({
    checks,
    interval: values.interval,
    timeout: values.timeout,
    maxConcurrency: Number(values.concurrency),
    protocol,
    targetPort: protocol === 'https' ? target.httpsPort! : target.httpPort,
    caFile: certificates.caFile,
  });
  try {
    const startupToHealthyMs = await daemon.waitHealthy();
    await sleep(warmupSeconds);
    const window = await measureDaemonWindow(daemon, { seconds: windowSeconds, scrapeEverySeconds: Number(values['scrape-every']) });
    const threads = readProcStats(daemon.pid).threads;
    const sigtermToExitMs = await daemon.stop();
    return {
      round: roundIndex,
      prober: 'dvc-sentinel',
      runtime: daemon.runtime,
      seconds: window.seconds,
      probes: window.probes,
      probesPerSecond: window.probesPerSecond,
      failures: window.failures,
      skipped: window.skipped,
      cpuMs: window.cpuMs,
      cpuMsPerProbe: window.cpuMsPerProbe,
      cpuCoresBusy: window.cpuCoresBusy,
      machineBusyPercent: window.machineBusyPercent,
      rssMB: window.rssMB,
      peakRssMB: window.peakRssMB,
      threads,
      daemon: {
        lagP50Ms: window.lagP50Ms,
        lagP99Ms: window.lagP99Ms,
        lagMeanMs: window.lagMeanMs,
        scrapeMsMedian: window.scrapeMsMedian,
        scrapeMsMax: window.scrapeMsMax,
        scrapeMB: window.scrapeMB,
        startupToHealthyMs: round(startupToHealthyMs),
        sigtermToExitMs: round(sigtermToExitMs),
      },
    };
  } finally {
    await daemon.stop();
  }
}

async function measureBlackbox(
  roundIndex: number,
  variant: BlackboxVariant,
  protocol: Protocol,
  checks: number,
  target: TargetProcess,
  certificates: BenchCertificates,
): Promise<ProberWindow> {
  const blackbox = await startBlackbox({ caFile: certificates.caFile });
  const port = protocol === 'https' ? target.httpsPort! : target.httpPort;
  const driver = startProbeDriver({
    blackboxUrl: blackbox.url,
    module: BLACKBOX_MODULES[protocol],
    intervalSeconds: intervalSeconds!,
    connections: Number(values.connections),
    gzip: variant === 'gzip',
    targets: Array.from({ length: checks }, (_, index) => `${protocol}://127.0.0.1:${port}/c/${index}`),
  });
  try {
    await sleep(warmupSeconds);
    driver.markWindowStart();
    const before = readProcStats(blackbox.pid);
    const machineBefore = readMachineCpu();
    await sleep(windowSeconds);
    const after = readProcStats(blackbox.pid);
    const machineAfter = readMachineCpu();
    const window = driver.readWindow();
    const cpuMs = after.cpuMs - before.cpuMs;
    return {
      round: roundIndex,
      prober: 'blackbox_exporter',
      variant,
      seconds: window.seconds,
      probes: window.probes,
      probesPerSecond: window.probesPerSecond,
      failures: window.failures,
      skipped: window.skipped,
      cpuMs,
      cpuMsPerProbe: round(cpuMs / Math.max(window.probes, 1), 3),
      cpuCoresBusy: round(cpuMs / 1000 / window.seconds),
      machineBusyPercent: round(machineBusyShare(machineBefore, machineAfter) * 100, 1),
      rssMB: round(after.rssBytes / 1e6),
      peakRssMB: round(after.peakRssBytes / 1e6),
      threads: after.threads,
      driver: { probeMsP50: window.probeMsP50, probeMsP99: window.probeMsP99, failureSamples: window.failureSamples },
    };
  } finally {
    await driver.stop();
    await blackbox.stop();
  }
}

/** dist/ may be rebuilt while a benchmark runs, so a daemon that fails to start gets one more go. */
async function retryOnce<T>(label: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    process.stderr.write(`${label} failed (${error instanceof Error ? error.message : String(error)}); trying once more\n`);
    return attempt();
  }
}

function summarize(windows: readonly ProberWindow[]): ProberSummary {
  return {
    cpuMsPerProbe: round(median(windows.map((window) => window.cpuMsPerProbe)), 3),
    cpuMsPerProbeRounds: windows.map((window) => window.cpuMsPerProbe),
    probesPerSecond: round(median(windows.map((window) => window.probesPerSecond))),
    rssMB: round(median(windows.map((window) => window.rssMB))),
    peakRssMB: Math.max(...windows.map((window) => window.peakRssMB)),
    failures: windows.reduce((sum, window) => sum + window.failures, 0),
    skipped: windows.reduce((sum, window) => sum + window.skipped, 0),
  };
}

async function compareProtocol(protocol: Protocol, certificates: BenchCertificates, blackboxVersion: string): Promise<CompareResult> {
  const checks = checksFor(protocol);
  const target = await startTarget({ certificates, profile });
  try {
    const windows: ProberWindow[] = [];
    let runtime: 'dist' | 'tsx' = 'dist';
    for (let roundIndex = 1; roundIndex <= rounds; roundIndex += 1) {
      process.stderr.write(
        `compare ${protocol}: round ${roundIndex}/${rounds}, dvc-sentinel (${checks} checks @ ${values.interval}, ${warmupSeconds} s warm-up + ${windowSeconds} s)…\n`,
      );
      const daemonWindow = await retryOnce(`dvc-sentinel window ${roundIndex}`, () => measureDaemon(roundIndex, protocol, checks, target, certificates));
      runtime = daemonWindow.runtime;
      const { runtime: _runtime, ...daemonOnly } = daemonWindow;
      windows.push(daemonOnly);
      for (const variant of variants) {
        process.stderr.write(`compare ${protocol}: round ${roundIndex}/${rounds}, blackbox_exporter (${variant})…\n`);
        windows.push(await measureBlackbox(roundIndex, variant, protocol, checks, target, certificates));
      }
    }
    const daemonWindows = windows.filter((window) => window.prober === 'dvc-sentinel');
    const daemon = summarize(daemonWindows);
    const summarizeVariant = (variant: BlackboxVariant) => {
      const variantWindows = windows.filter((window) => window.prober === 'blackbox_exporter' && window.variant === variant);
      return variantWindows.length === 0 ? undefined : summarize(variantWindows);
    };
    const blackbox = summarizeVariant('gzip');
    const blackboxPlain = summarizeVariant('plain');
    return {
      bench: 'compare',
      protocol,
      checks,
      interval: values.interval,
      daemonTimeout: values.timeout,
      rounds,
      warmupSeconds,
      windowSeconds,
      profile,
      runtime,
      blackboxVersion,
      windows,
      daemon: {
        ...daemon,
        lagP50Ms: round(median(daemonWindows.map((window) => window.daemon!.lagP50Ms))),
        lagP99Ms: round(median(daemonWindows.map((window) => window.daemon!.lagP99Ms))),
        scrapeMsMedian: round(median(daemonWindows.map((window) => window.daemon!.scrapeMsMedian))),
      },
      ...(blackbox ? { blackbox, cpuRatio: round(daemon.cpuMsPerProbe / blackbox.cpuMsPerProbe) } : {}),
      ...(blackboxPlain ? { blackboxPlain, cpuRatioPlain: round(daemon.cpuMsPerProbe / blackboxPlain.cpuMsPerProbe) } : {}),
    };
  } finally {
    await target.stop();
  }
}

ensureBlackboxInstalled();
const blackboxVersion = readBlackboxVersion();
const certificates = await createBenchCertificates();
const results: CompareResult[] = [];
for (const protocol of protocols as Protocol[]) {
  const result = await compareProtocol(protocol, certificates, blackboxVersion);
  results.push(result);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const window of result.windows) {
    for (const sample of window.driver?.failureSamples ?? [])
      process.stderr.write(`blackbox failure (round ${window.round}, ${window.variant ?? ''}): ${sample}\n`);
  }
}
process.stdout.write(
  `\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, blackbox_exporter ${blackboxVersion}\n\n${renderCompareTable(results)}\n`,
);
