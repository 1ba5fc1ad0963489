// `run`: the daemon. SIGHUP reloads (an invalid config is refused, the old one keeps running);
// SIGTERM/SIGINT stop cleanly, and a stop that hangs is cut off so the process exits within 10 s.
import type { Logger } from 'pino';
import type { Shard } from '../config/shard.ts';
import { startDaemon } from '../daemon.ts';

const STOP_GRACE_MS = 5000;
const HARD_EXIT_MS = 9000;

export async function runCommand(
  options: { config: string; freshStore?: boolean; shard?: Shard },
  log: Logger,
  hooks: { onSecrets?: (secrets: readonly string[]) => void; beforeExit?: () => Promise<void> } = {},
): Promise<void> {
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
