// `demo`: the simulator and the daemon in one process, so a newcomer sees metrics move, statuses
// change and scenarios play out with no external service. The simulator starts first because
// it writes the CA that config/demo.yaml trusts.
import type { Logger } from 'pino';
import { runCommand } from './run.ts';
import { simulateCommand } from './simulate.ts';

export async function demoCommand(
  options: { config: string; basePort?: number; timeline?: string },
  io: { stdout(line: string): void },
  log: Logger,
  hooks: { onSecrets?: (secrets: readonly string[]) => void } = {},
): Promise<void> {
  const simulator = await simulateCommand(
    { basePort: options.basePort ?? 18080, timeline: options.timeline ?? 'demo' },
    io,
    log.child({ component: 'simulator' }),
  );
  try {
    await runCommand({ config: options.config }, log, { ...hooks, beforeExit: () => simulator.close() });
  } catch (error) {
    await simulator.close();
    throw error;
  }
  io.stdout('');
  io.stdout('Demo running. Look at:');
  io.stdout('  http://127.0.0.1:9464/api/status   every check, its status and last result');
  io.stdout('  http://127.0.0.1:9464/metrics      what Prometheus scrapes (dvc_check_status, dvc_probe_phase_seconds, ...)');
  io.stdout('  the log below                      "check status changed" lines as the timeline plays');
  io.stdout('Stop with Ctrl-C.');
}
