// Starts bench/floor-client.ts as its own process and reads its probe counts per window.
import { createInterface } from 'node:readline';
import { stopChild } from '../test/support/cli-process.ts';
import { spawnTracked } from './process-cleanup.ts';

export interface FloorOptions {
  readonly protocol: 'http' | 'https';
  readonly port: number;
  readonly checks: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The certificate the target's chain ends in (HTTPS). */
  readonly caFile?: string;
}

export interface FloorCounts {
  readonly probes: number;
  readonly failures: number;
  readonly skipped: number;
}

export interface FloorProcess {
  readonly pid: number;
  /** Counts since the previous call (or the start), and starts a new window. */
  window(): Promise<FloorCounts>;
  stop(): Promise<void>;
}

export async function startFloor(options: FloorOptions): Promise<FloorProcess> {
  const args = [
    '--import',
    'tsx',
    new URL('./floor-client.ts', import.meta.url).pathname,
    '--protocol',
    options.protocol,
    '--port',
    String(options.port),
    '--checks',
    String(options.checks),
    '--interval-ms',
    String(options.intervalMs),
    '--timeout-ms',
    String(options.timeoutMs),
    ...(options.caFile === undefined ? [] : ['--ca-file', options.caFile]),
  ];
  const child = spawnTracked(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((counts: FloorCounts) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the floor client did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`the floor client exited (code ${String(code)})`)));
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event: string } & FloorCounts;
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (event.event === 'window') {
        waiting.shift()?.({ probes: event.probes, failures: event.failures, skipped: event.skipped });
      }
    });
  });
  await ready;
  return {
    pid: child.pid!,
    window() {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin!.write('window\n');
      });
    },
    async stop() {
      await stopChild(child, 3000);
    },
  };
}
