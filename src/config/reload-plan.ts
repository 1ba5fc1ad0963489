// What a reload (SIGHUP) does with a new, valid config: which settings apply at once, which parts
// of the running daemon restart, and which settings wait for a process restart. Pure: compares two
// configs; the daemon carries the plan out. An invalid config never gets here (it is refused whole).
import type { Config } from './config.ts';

/** Settings read once at start-up: the listening socket, its certificate and limits, the store file and the concurrency gate. */
export interface RestartOnlyChange {
  readonly key: 'server.listen' | 'server.tls' | 'storage.path' | 'defaults.maxConcurrency' | 'server.limits';
  /** For the log line: the new value under its field name. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ReloadPlan {
  /** Changed, but kept as running until the process restarts; each is logged as a warning. */
  readonly waitForRestart: readonly RestartOnlyChange[];
  /** Check names new in this config, and gone from it (their incidents are closed). */
  readonly checksAdded: readonly string[];
  readonly checksRemoved: readonly string[];
  /** Mail and Alertmanager delivery are rebuilt: their settings, the words or the grouping changed. */
  readonly restartDelivery: boolean;
}

/**
 * Always applied at once, with no part restarted: checks (the scheduler starts, stops and
 * re-times only the jobs that changed), incident rules, metrics series, maintenance windows (every
 * window is looked at anew on the next tick), storage.retention (read at the pruner's next run).
 */
export function planReload(running: Config, next: Config): ReloadPlan {
  const waitForRestart: RestartOnlyChange[] = [];
  if (next.listen.host !== running.listen.host || next.listen.port !== running.listen.port) {
    waitForRestart.push({ key: 'server.listen', fields: { listen: next.listen } });
  }
  if (JSON.stringify(next.tls) !== JSON.stringify(running.tls)) waitForRestart.push({ key: 'server.tls', fields: { tls: next.tls ?? null } });
  if (next.storagePath !== running.storagePath) waitForRestart.push({ key: 'storage.path', fields: { path: next.storagePath } });
  if (next.maxConcurrency !== running.maxConcurrency) {
    waitForRestart.push({ key: 'defaults.maxConcurrency', fields: { maxConcurrency: next.maxConcurrency } });
  }
  if (JSON.stringify(next.server) !== JSON.stringify(running.server)) waitForRestart.push({ key: 'server.limits', fields: { server: next.server } });
  const runningNames = new Set(running.checks.map((check) => check.name));
  const nextNames = new Set(next.checks.map((check) => check.name));
  return {
    waitForRestart,
    checksAdded: [...nextNames].filter((name) => !runningNames.has(name)),
    checksRemoved: [...runningNames].filter((name) => !nextNames.has(name)),
    restartDelivery: deliveryKey(next) !== deliveryKey(running),
  };
}

/** Everything delivery is built from; any change rebuilds it. */
function deliveryKey(config: Config): string {
  const { email, alertmanager, locale, links, groupWaitSeconds, groupIntervalSeconds, webhooks, zalo, sms } = config.alerting;
  // Named channels: a channel added by a reload must be delivered on, one removed no longer built.
  return JSON.stringify({ email, alertmanager, locale, links, groupWaitSeconds, groupIntervalSeconds, webhooks, zalo, sms, location: config.location });
}
