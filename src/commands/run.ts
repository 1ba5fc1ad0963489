// `run`: the daemon. SIGHUP reloads (an invalid config is refused, the old one keeps running);
// SIGTERM/SIGINT stop cleanly, and a stop that hangs is cut off so the process exits within 10 s.
import { setFlagsFromString } from 'node:v8';
import type { Logger } from 'pino';
import type { Shard } from '../config/shard.ts';
import { startDaemon } from '../daemon.ts';

const STOP_GRACE_MS = 5000;
/**
 * After a full collection V8 lets the heap grow to up to four times what survived before the next
 * one when the process allocates fast, as a daemon probing 10,000 checks does; that slack was most
 * of its resident memory (heap total 180–300 MB over 70–100 MB live). Twice what survived keeps
 * most of that off for a few per cent more CPU; 50 % took more off but made full collections
 * frequent enough to slow the /metrics scrapes they landed in. A flag given to node wins.
 */
const HEAP_GROWING_FLAG = '--heap-growing-percent';

function limitHeapGrowth(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((argument) => argument.includes(HEAP_GROWING_FLAG.slice(2)));
  if (!given) setFlagsFromString(`${HEAP_GROWING_FLAG}=100`);
}
const HARD_EXIT_MS = 9000;

export async function runCommand(
  options: { config: string; freshStore?: boolean; shard?: Shard },
  log: Logger,
  hooks: { onSecrets?: (secrets: readonly string[]) => void; beforeExit?: () => Promise<void> } = {},
): Promise<void> {
  limitHeapGrowth();
  const daemon = await startDaemon({ configFile: options.config, log, freshStore: options.freshStore, onSecrets: hooks.onSecrets, shard: options.shard });
  let stopping = false;
  process.on('SIGHUP', () => {
    log.info('SIGHUP received; reloading config');
    void daemon.reload();
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.error('stop took too long; exiting anyway');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    daemon
      .stop(STOP_GRACE_MS)
      .then(() => hooks.beforeExit?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
