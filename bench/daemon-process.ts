// dvc-sentinel as a real process on a generated config of N checks against a local target,
// with its store in a temp dir. Scrapes its /metrics the way Prometheus does.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { findFreePort } from './find-free-port.ts';
import { prometheusScrapeHeaders } from './prometheus-scrape-headers.ts';
import { stopChild } from '../test/support/cli-process.ts';
import { forwardOutput, removeOnExit, spawnTracked } from './process-cleanup.ts';

export type Protocol = 'http' | 'https';

export interface DaemonOptions {
  readonly checks: number;
  /** Config durations as written in YAML, e.g. "1s", "900ms". */
  readonly interval: string;
  readonly timeout: string;
  readonly maxConcurrency: number;
  readonly protocol: Protocol;
  readonly targetPort: number;
  /** CA the https checks trust (tls.caFile). */
  readonly caFile?: string;
  /** taskset CPU list (e.g. "1") to hold the daemon to those cores. */
  readonly cpuList?: string;
  /** More `server:` keys, as YAML flow entries (e.g. "maxConnections: 256"). */
  readonly server?: string;
  /** Extra Node flags for the daemon, e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]. */
  readonly nodeArgs?: readonly string[];
}

export interface Scrape {
  readonly text: string;
  /** Wall time from sending the request to the last byte (decompressed). */
  readonly ms: number;
  readonly bytes: number;
}

export interface DaemonProcess {
  readonly pid: number;
  readonly url: string;
  /** dist = the compiled CLI (as deployed); tsx only when dist/ is missing. */
  readonly runtime: 'dist' | 'tsx';
  readonly spawnedAtEpochMs: number;
  /** Milliseconds from spawn to the first /healthz 200. */
  waitHealthy(limitMs?: number): Promise<number>;
  scrape(): Promise<Scrape>;
  /** Milliseconds from SIGTERM to exit. */
  stop(): Promise<number>;
}

export function renderDaemonConfig(options: DaemonOptions, listenPort: number, storagePath: string): string {
  const tls = options.protocol === 'https' ? `, tls: { caFile: ${JSON.stringify(options.caFile)} }` : '';
  const lines = [
    'location: bench',
    `server: { listen: "127.0.0.1:${listenPort}"${options.server === undefined ? '' : `, ${options.server}`} }`,
    `storage: { path: ${JSON.stringify(storagePath)} }`,
    `defaults: { interval: ${options.interval}, timeout: ${options.timeout}, maxConcurrency: ${options.maxConcurrency}, failureThreshold: 2 }`,
    'checks:',
  ];
  for (let index = 0; index < options.checks; index += 1) {
    const url = `${options.protocol}://127.0.0.1:${options.targetPort}/c/${index}`;
    lines.push(`  - { name: target-${index}, system: bench, kind: http, url: "${url}", expect: { status: [200] }${tls} }`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startDaemon(options: DaemonOptions): Promise<DaemonProcess> {
  if (options.protocol === 'https' && options.caFile === undefined) throw new Error('https checks need the CA file of the target');
  const dir = mkdtempSync(join(tmpdir(), 'dvc-bench-daemon-'));
  const cleanup = removeOnExit(dir);
  const listenPort = await findFreePort();
  const configFile = join(dir, 'bench.yaml');
  writeFileSync(configFile, renderDaemonConfig(options, listenPort, join(dir, 'sentinel.db')));

  // The compiled CLI is what production (and the Docker image) runs; tsx adds source-map work to
  // every Error and is measured only when dist/ is absent.
  const compiledCli = new URL('../dist/cli.js', import.meta.url).pathname;
  const runtime = existsSync(compiledCli) ? 'dist' : 'tsx';
  const daemonArgs =
    runtime === 'dist'
      ? [...(options.nodeArgs ?? []), compiledCli, 'run', '--config', configFile, '--log-level', 'warn']
      : [
          ...(options.nodeArgs ?? []),
          '--import',
          'tsx',
          new URL('../src/cli.ts', import.meta.url).pathname,
          'run',
          '--config',
          configFile,
          '--log-level',
          'warn',
        ];
  const [command, args] =
    options.cpuList === undefined ? [process.execPath, daemonArgs] : ['taskset', ['-c', options.cpuList, process.execPath, ...daemonArgs]];
  const spawnedAtEpochMs = Date.now();
  const spawnedAt = performance.now();
  const child = spawnTracked(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  forwardOutput(child.stdout, 'daemon');
  forwardOutput(child.stderr, 'daemon');
  const url = `http://127.0.0.1:${listenPort}`;

  return {
    pid: child.pid!,
    url,
    runtime,
    spawnedAtEpochMs,
    async waitHealthy(limitMs = 60_000) {
      const deadline = spawnedAt + limitMs;
      while (performance.now() < deadline) {
        if (child.exitCode !== null)
          throw new Error(
            `the daemon exited with code ${child.exitCode} before /healthz answered 200 (its output is above, prefixed [daemon]; config ${configFile})`,
          );
        try {
          const response = await request(`${url}/healthz`, { headersTimeout: 5000, bodyTimeout: 5000 });
          await response.body.dump();
          if (response.statusCode === 200) return performance.now() - spawnedAt;
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`the daemon did not answer /healthz 200 within ${limitMs} ms (config ${configFile})`);
    },
    async scrape() {
      const started = performance.now();
      const response = await request(`${url}/metrics`, {
        headers: prometheusScrapeHeaders({ timeoutSeconds: 10, gzip: true }),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      const raw = Buffer.from(await response.body.arrayBuffer());
      // Until the last byte arrives: what the daemon controls. Unzipping and parsing are the scraper's.
      const ms = performance.now() - started;
      const body = response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      if (response.statusCode !== 200) throw new Error(`GET ${url}/metrics answered ${response.statusCode}`);
      return { text: body.toString('utf8'), ms, bytes: raw.length };
    },
    async stop() {
      const sigtermToExitMs = await stopChild(child, 15_000);
      cleanup.removeNow();
      return sigtermToExitMs;
    },
  };
}
