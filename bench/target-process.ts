// Starts bench/target-server.ts as its own process and reads what it reports.
import { createInterface } from 'node:readline';
import { stopChild } from '../test/support/cli-process.ts';
import { spawnTracked } from './process-cleanup.ts';

export interface LatencyProfile {
  /** Share (0…1) of answers delayed by slowMs. */
  readonly slowShare: number;
  readonly slowMs: number;
  /** Share (0…1) of answers that are 503. */
  readonly failShare: number;
}

export const NO_LATENCY_PROFILE: LatencyProfile = { slowShare: 0, slowMs: 0, failShare: 0 };

export interface TargetProcess {
  readonly pid: number;
  readonly httpPort: number;
  /** Absent when started without certificates. */
  readonly httpsPort?: number;
  /** Epoch ms of the first request the target received. */
  readonly firstRequestEpochMs: Promise<number>;
  stop(): Promise<void>;
}

export async function startTarget(
  options: { certificates?: { readonly certFile: string; readonly keyFile: string }; profile?: LatencyProfile } = {},
): Promise<TargetProcess> {
  const profile = options.profile ?? NO_LATENCY_PROFILE;
  const args = [
    '--import',
    'tsx',
    new URL('./target-server.ts', import.meta.url).pathname,
    '--slow-share',
    String(profile.slowShare),
    '--slow-ms',
    String(profile.slowMs),
    '--fail-share',
    String(profile.failShare),
    ...(options.certificates ? ['--cert-file', options.certificates.certFile, '--key-file', options.certificates.keyFile] : []),
  ];
  const child = spawnTracked(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let resolveFirstRequest: (epochMs: number) => void = () => undefined;
  const firstRequestEpochMs = new Promise<number>((resolve) => {
    resolveFirstRequest = resolve;
  });
  const listening = new Promise<{ httpPort: number; httpsPort: number | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the target server did not report its ports within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`the target server exited (code ${String(code)}) before listening`)));
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event: string; httpPort?: number; httpsPort?: number | null; epochMs?: number };
      if (event.event === 'listening') {
        clearTimeout(timer);
        resolve({ httpPort: event.httpPort!, httpsPort: event.httpsPort ?? null });
      } else if (event.event === 'first-request') {
        resolveFirstRequest(event.epochMs!);
      }
    });
  });
  const ports = await listening;
  return {
    pid: child.pid!,
    httpPort: ports.httpPort,
    ...(ports.httpsPort === null ? {} : { httpsPort: ports.httpsPort }),
    firstRequestEpochMs,
    async stop() {
      await stopChild(child, 3000);
    },
  };
}
