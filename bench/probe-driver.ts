// Drives blackbox_exporter the way Prometheus does with N probe targets at one interval: each
// target asks /probe once per interval at its own fixed offset (offsets spread evenly over the
// interval), never twice at once (a slot whose previous probe is still running is skipped), over
// keep-alive connections. Runs in the harness process, so its CPU is charged to neither prober.
import { gunzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { prometheusScrapeHeaders } from './prometheus-scrape-headers.ts';
import { quantile, round } from './statistics.ts';

export interface ProbeDriverOptions {
  readonly blackboxUrl: string;
  readonly module: string;
  readonly targets: readonly string[];
  readonly intervalSeconds: number;
  /** Keep-alive connections to blackbox (default 64). */
  readonly connections?: number;
  /** Ask for gzip, as Prometheus does (default true). */
  readonly gzip?: boolean;
}

export interface DriverWindow {
  readonly seconds: number;
  readonly probes: number;
  readonly probesPerSecond: number;
  /** probe_success 0, an HTTP error from /probe, or no answer. */
  readonly failures: number;
  readonly skipped: number;
  /** /probe wall time as the driver saw it. */
  readonly probeMsP50: number;
  readonly probeMsP99: number;
  /** Up to five, to tell why probes failed. */
  readonly failureSamples: readonly string[];
}

export interface ProbeDriver {
  /** Starts counting a new window (counts of the previous one are dropped). */
  markWindowStart(): void;
  readWindow(): DriverWindow;
  /** Stops issuing probes and waits (bounded) for those in flight. */
  stop(): Promise<void>;
}

export function startProbeDriver(options: ProbeDriverOptions): ProbeDriver {
  const count = options.targets.length;
  if (count === 0) throw new Error('the probe driver needs at least one target');
  const intervalMs = options.intervalSeconds * 1000;
  const slotMs = intervalMs / count;
  // Prometheus's scrape timeout may not exceed the interval (default 10 s); blackbox takes its own
  // timeout from this header, less half a second.
  const headers = prometheusScrapeHeaders({ timeoutSeconds: Math.min(10, options.intervalSeconds), gzip: options.gzip ?? true });
  const pool = new Pool(options.blackboxUrl, { connections: options.connections ?? 64, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const paths = options.targets.map((target) => `/probe?target=${encodeURIComponent(target)}&module=${encodeURIComponent(options.module)}`);
  const inFlight = new Uint8Array(count);
  let inFlightTotal = 0;
  let stopped = false;

  let windowStartedAt = performance.now();
  let probes = 0;
  let failures = 0;
  let skipped = 0;
  let durationsMs: number[] = [];
  let failureSamples: string[] = [];
  const noteFailure = (sample: string) => {
    failures += 1;
    if (failureSamples.length < 5) failureSamples.push(sample);
  };

  const probe = async (index: number) => {
    inFlight[index] = 1;
    inFlightTotal += 1;
    const started = performance.now();
    try {
      const response = await pool.request({ path: paths[index]!, method: 'GET', headers });
      const raw = Buffer.from(await response.body.arrayBuffer());
      const text = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      durationsMs.push(performance.now() - started);
      probes += 1;
      if (response.statusCode !== 200) noteFailure(`${options.targets[index]}: /probe answered HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
      else if (!/^probe_success 1$/m.test(text)) {
        const status = /^probe_http_status_code (\S+)$/m.exec(text)?.[1] ?? '?';
        noteFailure(`${options.targets[index]}: probe_success 0 (probe_http_status_code ${status})`);
      }
    } catch (error) {
      probes += 1;
      noteFailure(`${options.targets[index]}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      inFlight[index] = 0;
      inFlightTotal -= 1;
    }
  };

  const origin = performance.now();
  let nextSlot = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - origin) / slotMs);
    // After a stall of the harness, at most one interval's worth is started at once.
    if (due - nextSlot >= count) {
      skipped += due - nextSlot + 1 - count;
      nextSlot = due + 1 - count;
    }
    for (; nextSlot <= due; nextSlot += 1) {
      const index = nextSlot % count;
      if (inFlight[index] === 1) skipped += 1;
      else void probe(index);
    }
    timer = setTimeout(tick, Math.max(0, origin + nextSlot * slotMs - performance.now()));
  };
  tick();

  return {
    markWindowStart() {
      windowStartedAt = performance.now();
      probes = 0;
      failures = 0;
      skipped = 0;
      durationsMs = [];
      failureSamples = [];
    },
    readWindow() {
      const seconds = (performance.now() - windowStartedAt) / 1000;
      return {
        seconds: round(seconds),
        probes,
        probesPerSecond: round(probes / seconds),
        failures,
        skipped,
        probeMsP50: round(quantile(durationsMs, 0.5)),
        probeMsP99: round(quantile(durationsMs, 0.99)),
        failureSamples: [...failureSamples],
      };
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const deadline = performance.now() + 10_000;
      while (inFlightTotal > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await pool.destroy();
    },
  };
}
