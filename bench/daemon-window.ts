// One measured window of a running daemon: what it did (probes, failures, skipped slots, its own
// scheduler lag) from its /metrics before and after, what it cost (CPU, RSS) from /proc, and how
// long the /metrics scrapes Prometheus would make meanwhile took. The scrapes' own cost is charged
// to the daemon on purpose: Prometheus scrapes it in production.
import { histogramQuantile, parseHistogram, subtractHistogram } from './histogram.ts';
import type { DaemonProcess } from './daemon-process.ts';
import { machineBusyShare, readMachineCpu, readProcStats, type WindowCost } from './proc-stats.ts';
import { median, round } from './statistics.ts';

export interface RssSample {
  /** Seconds since the window started. */
  readonly atSeconds: number;
  readonly rssMB: number;
}

export interface DaemonWindow extends WindowCost {
  readonly lagCount: number;
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMeanMs: number;
  readonly rssSamples: readonly RssSample[];
  readonly scrapeMs: readonly number[];
  readonly scrapeMsMedian: number;
  readonly scrapeMsMax: number;
  /** Size of the last scrape's body as sent (compressed when the daemon compresses). */
  readonly scrapeMB: number;
}

export interface WindowOptions {
  readonly seconds: number;
  readonly scrapeEverySeconds: number;
  /** Sample RSS this often (0 = only at the end). */
  readonly rssEverySeconds?: number;
}

/** Sum of every sample of a counter, gauge or histogram part (e.g. `x_count`) over all label sets. */
export function sumSamples(text: string, name: string): number {
  let total = 0;
  let from = 0;
  // indexOf over the text, not split('\n'): a 10,000-check scrape is tens of MB.
  for (;;) {
    const at = text.indexOf(`\n${name}`, from);
    if (at < 0) break;
    const lineEnd = text.indexOf('\n', at + 1);
    const line = text.slice(at + 1, lineEnd < 0 ? undefined : lineEnd);
    from = at + 1;
    const next = line.charAt(name.length);
    if (next !== '{' && next !== ' ') continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function measureDaemonWindow(daemon: DaemonProcess, options: WindowOptions): Promise<DaemonWindow> {
  const before = await daemon.scrape();
  const cpuBefore = readProcStats(daemon.pid);
  const machineBefore = readMachineCpu();
  const startedAt = performance.now();
  const endAt = startedAt + options.seconds * 1000;
  const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

  // Prometheus scrapes on a fixed grid; the first one half a period in, so short windows get one too.
  const scrapeMs: number[] = [];
  let lastScrapeBytes = before.bytes;
  const scrapeLoop = async () => {
    const everyMs = options.scrapeEverySeconds * 1000;
    for (let at = startedAt + Math.min(everyMs, options.seconds * 1000) / 2; at < endAt; at += everyMs) {
      if (performance.now() > at) continue;
      await sleepUntil(at);
      const scrape = await daemon.scrape();
      scrapeMs.push(scrape.ms);
      lastScrapeBytes = scrape.bytes;
    }
  };
  const rssSamples: RssSample[] = [{ atSeconds: 0, rssMB: round(cpuBefore.rssBytes / 1e6) }];
  const rssLoop = async () => {
    const everyMs = (options.rssEverySeconds ?? 0) * 1000;
    if (everyMs <= 0) return;
    for (let at = startedAt + everyMs; at < endAt; at += everyMs) {
      await sleepUntil(at);
      rssSamples.push({ atSeconds: round((performance.now() - startedAt) / 1000), rssMB: round(readProcStats(daemon.pid).rssBytes / 1e6) });
    }
  };
  await Promise.all([scrapeLoop(), rssLoop(), sleepUntil(endAt)]);
  const cpuAfter = readProcStats(daemon.pid);
  const machineAfter = readMachineCpu();
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  rssSamples.push({ atSeconds: round(elapsedSeconds), rssMB: round(cpuAfter.rssBytes / 1e6) });
  const after = await daemon.scrape();

  const lag = subtractHistogram(parseHistogram(after.text, 'dvc_scheduler_lag_seconds'), parseHistogram(before.text, 'dvc_scheduler_lag_seconds'));
  const delta = (name: string) => sumSamples(after.text, name) - sumSamples(before.text, name);
  const probes = delta('dvc_probe_duration_seconds_count');
  const cpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
  return {
    seconds: round(elapsedSeconds),
    probes,
    probesPerSecond: round(probes / elapsedSeconds),
    failures: delta('dvc_probe_failures_total'),
    skipped: delta('dvc_scheduler_skipped_total'),
    lagCount: lag.count,
    lagP50Ms: round(histogramQuantile(lag, 0.5) * 1000),
    lagP99Ms: round(histogramQuantile(lag, 0.99) * 1000),
    lagMeanMs: round((lag.sum / Math.max(lag.count, 1)) * 1000),
    cpuMs,
    cpuMsPerProbe: round(cpuMs / Math.max(probes, 1), 3),
    cpuCoresBusy: round(cpuMs / 1000 / elapsedSeconds),
    machineBusyPercent: round(machineBusyShare(machineBefore, machineAfter) * 100, 1),
    rssMB: round(cpuAfter.rssBytes / 1e6),
    peakRssMB: round(cpuAfter.peakRssBytes / 1e6),
    rssSamples,
    scrapeMs: scrapeMs.map((ms) => round(ms)),
    scrapeMsMedian: round(median(scrapeMs)),
    scrapeMsMax: scrapeMs.length === 0 ? Number.NaN : round(Math.max(...scrapeMs)),
    scrapeMB: round(lastScrapeBytes / 1e6),
  };
}
