// Benchmark: dvc-sentinel, the floor (a bare Node client, bench/floor-client.ts) and
// blackbox_exporter doing the same probes (N http or https targets on 127.0.0.1, each once per
// interval, a fresh connection and a full handshake per probe), measured in one run in alternating
// windows (daemon, floor, blackbox, daemon, …) so a noisy machine shifts all of them.
// Conditions: each protocol at each rate (--http-checks, --https-checks: lists), HTTPS with each
// kind of certificate (--certificates ca,self-signed: a leaf from a CA, or a self-signed leaf
// trusted as its own tls.caFile).
// Each window starts its prober afresh, warms up, then measures CPU (utime+stime) and RSS from /proc.
// blackbox is measured twice a round: asked with Accept-Encoding: gzip as Prometheus asks (it then
// compresses each /probe answer), and without (the probing alone).
//   npx tsx bench/compare-blackbox.ts --protocols http,https --rounds 3 --seconds 30 --blackbox-variants gzip,plain --certificates ca,self-signed
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/config/units.ts';
import type { BlackboxVariant, CompareResult, ProberSummary, ProberWindow } from './bench-results.ts';
import { BLACKBOX_MODULES, readBlackboxVersion, startBlackbox, ensureBlackboxInstalled } from './blackbox-process.ts';
import { certificateFiles, createBenchCertificates, type BenchCertificates, type CertificateKind } from './create-bench-certificates.ts';
import { startFloor } from './floor-process.ts';
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
    'http-checks': { type: 'string', default: '200,500' },
    'https-checks': { type: 'string', default: '200,500' },
    certificates: { type: 'string', default: 'ca,self-signed' },
    'no-floor': { type: 'boolean', default: false },
    interval: { type: 'string', default: '1s' },
    timeout: { type: 'string', default: '900ms' },
    rounds: { type: 'string', default: '3' },
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

const certificateKinds = values.certificates.split(',').map((name) => name.trim()) as CertificateKind[];
for (const kind of certificateKinds) if (kind !== 'ca' && kind !== 'self-signed') throw new Error(`--certificates takes ca and/or self-signed, got "${kind}"`);

function checksFor(protocol: Protocol): number[] {
  const list = values.checks ?? (protocol === 'http' ? values['http-checks'] : values['https-checks']);
  const counts = list.split(',').map((count) => Number(count.trim()));
  for (const count of counts) if (!(Number.isInteger(count) && count > 0)) throw new Error(`--${protocol}-checks takes whole numbers, got "${list}"`);
  return counts;
}

/** What one condition's target serves and its probers trust. */
interface Condition {
  readonly protocol: Protocol;
  readonly checks: number;
  readonly certificate?: CertificateKind;
  readonly caFile: string;
}

async function measureDaemon(
  roundIndex: number,
  protocol: Protocol,
  checks: number,
  target: TargetProcess,
  caFile: string,
): Promise<ProberWindow & { runtime: 'dist' | 'tsx' }> {
  const daemon = await startDaemon({
    checks,
    interval: values.interval,
    timeout: values.timeout,
    maxConcurrency: Number(values.concurrency),
    protocol,
    targetPort: protocol === 'https' ? target.httpsPort! : target.httpPort,
    caFile,
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
  caFile: string,
): Promise<ProberWindow> {
  const blackbox = await startBlackbox({ caFile });
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

async function measureFloor(roundIndex: number, protocol: Protocol, checks: number, target: TargetProcess, caFile: string): Promise<ProberWindow> {
  const timeoutMs = Math.round((parseDuration(values.timeout) ?? 0.9) * 1000);
  const floor = await startFloor({
    protocol,
    port: protocol === 'https' ? target.httpsPort! : target.httpPort,
    checks,
    intervalMs: intervalSeconds! * 1000,
    timeoutMs,
    caFile,
  });
  try {
    await sleep(warmupSeconds);
    await floor.window();
    const before = readProcStats(floor.pid);
    const machineBefore = readMachineCpu();
    const startedAt = performance.now();
    await sleep(windowSeconds);
    const after = readProcStats(floor.pid);
    const machineAfter = readMachineCpu();
    const counts = await floor.window();
    const seconds = (performance.now() - startedAt) / 1000;
    const cpuMs = after.cpuMs - before.cpuMs;
    return {
      round: roundIndex,
      prober: 'floor',
      seconds: round(seconds),
      probes: counts.probes,
      probesPerSecond: round(counts.probes / seconds),
      failures: counts.failures,
      skipped: counts.skipped,
      cpuMs,
      cpuMsPerProbe: round(cpuMs / Math.max(counts.probes, 1), 3),
      cpuCoresBusy: round(cpuMs / 1000 / seconds),
      machineBusyPercent: round(machineBusyShare(machineBefore, machineAfter) * 100, 1),
      rssMB: round(after.rssBytes / 1e6),
      peakRssMB: round(after.peakRssBytes / 1e6),
      threads: after.threads,
    };
  } finally {
    await floor.stop();
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

async function compareCondition(condition: Condition, certificates: BenchCertificates, blackboxVersion: string): Promise<CompareResult> {
  const { protocol, checks, caFile } = condition;
  const served = certificateFiles(certificates, condition.certificate ?? 'ca');
  const target = await startTarget({ certificates: served, profile });
  const label = `${protocol}${condition.certificate === undefined ? '' : ` (${condition.certificate})`}`;
  try {
    const windows: ProberWindow[] = [];
    let runtime: 'dist' | 'tsx' = 'dist';
    for (let roundIndex = 1; roundIndex <= rounds; roundIndex += 1) {
      process.stderr.write(
        `compare ${label}: round ${roundIndex}/${rounds}, dvc-sentinel (${checks} checks @ ${values.interval}, ${warmupSeconds} s warm-up + ${windowSeconds} s)…\n`,
      );
      const daemonWindow = await retryOnce(`dvc-sentinel window ${roundIndex}`, () => measureDaemon(roundIndex, protocol, checks, target, caFile));
      runtime = daemonWindow.runtime;
      const { runtime: _runtime, ...daemonOnly } = daemonWindow;
      windows.push(daemonOnly);
      if (!values['no-floor']) {
        process.stderr.write(`compare ${label}: round ${roundIndex}/${rounds}, floor…\n`);
        windows.push(await measureFloor(roundIndex, protocol, checks, target, caFile));
      }
      for (const variant of variants) {
        process.stderr.write(`compare ${label}: round ${roundIndex}/${rounds}, blackbox_exporter (${variant})…\n`);
        windows.push(await measureBlackbox(roundIndex, variant, protocol, checks, target, caFile));
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
    const floorWindows = windows.filter((window) => window.prober === 'floor');
    const floor = floorWindows.length === 0 ? undefined : summarize(floorWindows);
    return {
      bench: 'compare',
      protocol,
      checks,
      ...(condition.certificate === undefined ? {} : { certificate: condition.certificate }),
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
      ...(floor ? { floor, cpuRatioFloor: round(daemon.cpuMsPerProbe / floor.cpuMsPerProbe) } : {}),
    };
  } finally {
    await target.stop();
  }
}

ensureBlackboxInstalled();
const blackboxVersion = readBlackboxVersion();
const certificates = await createBenchCertificates();
const results: CompareResult[] = [];
const conditions: Condition[] = (protocols as Protocol[]).flatMap((protocol) =>
  checksFor(protocol).flatMap((checks): Condition[] =>
    protocol === 'http'
      ? [{ protocol, checks, caFile: certificates.caFile }]
      : certificateKinds.map((certificate) => ({ protocol, checks, certificate, caFile: certificateFiles(certificates, certificate).caFile })),
  ),
);
for (const condition of conditions) {
  const result = await compareCondition(condition, certificates, blackboxVersion);
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
