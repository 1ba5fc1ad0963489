// Benchmark: a long run of many checks (default 10,000 http checks at 60 s, 600 s). Measures
// start-up to first probe (spawn → the target's first request) and to healthy (/healthz 200),
// scheduler lag over the window, RSS every 30 s (and its growth after the first minutes), the
// /metrics scrapes Prometheus would make every 15 s, CPU per probe, and SIGTERM to exit.
// Prints a Markdown table and its result as one JSON line.
//   npx tsx bench/soak.ts --checks 10000 --interval 60s --seconds 600
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/config/units.ts';
import type { SoakResult } from './bench-results.ts';
import { createBenchCertificates } from './create-bench-certificates.ts';
import { startDaemon, type Protocol } from './daemon-process.ts';
import { measureDaemonWindow } from './daemon-window.ts';
import { describeMachine, renderSoakTable } from './results-file.ts';
import { leastSquaresSlope, round } from './statistics.ts';
import { startTarget, type LatencyProfile } from './target-process.ts';

const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '10000' },
    interval: { type: 'string', default: '60s' },
    timeout: { type: 'string', default: '10s' },
    seconds: { type: 'string', default: '600' },
    warmup: { type: 'string', default: '0' },
    settle: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '256' },
    'scrape-every': { type: 'string', default: '15' },
    'rss-every': { type: 'string', default: '30' },
    protocol: { type: 'string', default: 'http' },
    'cpu-list': { type: 'string' },
    'slow-share': { type: 'string', default: '0' },
    'slow-ms': { type: 'string', default: '2000' },
    'fail-share': { type: 'string', default: '0' },
  },
});
const checks = Number(values.checks);
const protocol = values.protocol as Protocol;
if (protocol !== 'http' && protocol !== 'https') throw new Error(`--protocol takes http or https, got "${values.protocol}"`);
const intervalSeconds = parseDuration(values.interval);
if (intervalSeconds === undefined) throw new Error(`--interval "${values.interval}" is not a duration such as 60s`);
const settleSeconds = Number(values.settle);
const profile: LatencyProfile = { slowShare: Number(values['slow-share']), slowMs: Number(values['slow-ms']), failShare: Number(values['fail-share']) };

const certificates = protocol === 'https' ? await createBenchCertificates() : undefined;
const target = await startTarget({ ...(certificates ? { certificates } : {}), profile });
try {
  const daemon = await startDaemon({
    checks,
    interval: values.interval,
    timeout: values.timeout,
    maxConcurrency: Number(values.concurrency),
    protocol,
    targetPort: protocol === 'https' ? target.httpsPort! : target.httpPort,
    ...(certificates ? { caFile: certificates.caFile } : {}),
    ...(values['cpu-list'] === undefined ? {} : { cpuList: values['cpu-list'] }),
  });
  try {
    // The first probe may come before or after /healthz answers; wait for both.
    const firstProbeLimitMs = (intervalSeconds + 60) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const [startupToHealthyMs, firstRequestEpochMs] = await Promise.all([
      daemon.waitHealthy(120_000),
      Promise.race([
        target.firstRequestEpochMs,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no probe reached the target within ${firstProbeLimitMs / 1000} s of start`)), firstProbeLimitMs);
        }),
      ]).finally(() => clearTimeout(timer)),
    ]);
    await new Promise((resolve) => setTimeout(resolve, Number(values.warmup) * 1000));
    process.stderr.write(`soak: ${checks} checks @ ${values.interval} for ${values.seconds} s…\n`);
    const window = await measureDaemonWindow(daemon, {
      seconds: Number(values.seconds),
      scrapeEverySeconds: Number(values['scrape-every']),
      rssEverySeconds: Number(values['rss-every']),
    });
    const sigtermToExitMs = await daemon.stop();
    const settled = window.rssSamples.filter((sample) => sample.atSeconds >= settleSeconds);
    const slopeMBPerSecond = leastSquaresSlope(settled.map((sample) => ({ x: sample.atSeconds, y: sample.rssMB })));
    const result: SoakResult = {
      bench: 'soak',
      date: new Date().toISOString(),
      runtime: daemon.runtime,
      protocol,
      checks,
      interval: values.interval,
      timeout: values.timeout,
      cpuList: values['cpu-list'] ?? null,
      profile,
      window,
      startupToFirstProbeMs: firstRequestEpochMs - daemon.spawnedAtEpochMs,
      startupToHealthyMs: round(startupToHealthyMs),
      sigtermToExitMs: round(sigtermToExitMs),
      rssStartMB: window.rssSamples[0]!.rssMB,
      rssEndMB: window.rssSamples.at(-1)!.rssMB,
      rssMaxSampledMB: Math.max(...window.rssSamples.map((sample) => sample.rssMB)),
      rssGrowthMBPer10Min: Number.isNaN(slopeMBPerSecond) ? null : round(slopeMBPerSecond * 600),
      settleSeconds,
    };
    const { machine, node } = describeMachine();
    process.stdout.write(`${JSON.stringify(result)}\n\n${machine}, Node ${node}, daemon from ${daemon.runtime}\n\n${renderSoakTable([result])}\n`);
  } finally {
    await daemon.stop();
  }
} finally {
  await target.stop();
}
