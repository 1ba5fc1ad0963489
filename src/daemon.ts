// Composition root: builds every part from a Config, starts them in order, stops them in reverse.
// The only module (with commands/) that imports from everywhere.
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.ts';
import { runCheck } from './checks/run-check.ts';
import { VERSION, type Check, type Config } from './config/config.ts';
import { ConfigError, formatConfigIssue } from './config/config-error.ts';
import { loadConfig } from './config/load-config.ts';
import { createMetrics } from './metrics/metrics.ts';
import type { Lookup } from './probes/probe.ts';
import { createScheduler, type Job } from './scheduler/scheduler.ts';
import { createRoutes } from './server/routes.ts';
import { startHttpServer, type HttpServer } from './server/server.ts';
import type { CheckState } from './state/check-state.ts';
import { buildStatusSnapshot } from './state/status-snapshot.ts';

export interface DaemonOptions {
  readonly configFile: string;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  readonly lookup?: Lookup;
  /** Receives the env values substituted into the config, so the logger can scrub them. */
  readonly onSecrets?: (secrets: readonly string[]) => void;
}

export interface Daemon {
  readonly url: string;
  /** Re-reads the config file; an invalid one is refused and the running one kept. */
  reload(): Promise<boolean>;
  /** Stops probing and serving; in-flight probes are aborted. */
  stop(graceMs?: number): Promise<void>;
}

export function jobOf(check: Check): Job {
  return { name: check.name, intervalSeconds: check.intervalSeconds, timeoutSeconds: check.timeoutSeconds, key: JSON.stringify(check) };
}

/** Throws ConfigError before anything starts when the config is invalid: nothing half-starts. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const loaded = loadConfig(options.configFile, options.env);
  options.onSecrets?.(loaded.secrets);
  for (const warning of loaded.warnings) log.warn({ file: warning.file, line: warning.line, path: warning.path }, warning.message);
  let config: Config = loaded.config;
  let checksByName = new Map(config.checks.map((check) => [check.name, check]));
  const states = new Map<string, CheckState>();
  const startedAt = clock();

  const metrics = createMetrics({ location: config.location, version: VERSION, collectProcessMetrics: true });
  metrics.setChecks(config.checks);
  metrics.recordConfigReload(true, startedAt);

  let inFlight = 0;
  const scheduler = createScheduler({
    maxConcurrency: config.maxConcurrency,
    run: async (job, context) => {
      const check = checksByName.get(job.name);
      if (!check) return;
      metrics.setInFlight(++inFlight);
      try {
        await runCheck(check, { clock, log, metrics, lookup: options.lookup, states }, context.signal);
      } finally {
        metrics.setInFlight(--inFlight);
      }
    },
    onLag: (lagSeconds) => metrics.recordSchedulerLag(lagSeconds),
    onSkip: (job) => {
      const check = checksByName.get(job.name);
      if (check) metrics.recordSkip(check);
      // Counted in dvc_scheduler_skipped_total; at debug so a slow target cannot flood the log.
      log.debug({ check: job.name }, 'previous run still going; slot skipped');
    },
    onError: (error, job) => log.error({ err: error, check: job.name }, 'scheduled run failed'),
  });

  const routes = createRoutes({
    metrics,
    health: () => {
      const health = scheduler.health();
      return { ok: !health.stuck, reasons: health.overdue.map((name) => `check ${name} is overdue`) };
    },
    status: () => buildStatusSnapshot(config, states, { version: VERSION, startedAt, now: clock() }),
  });
  // A ListenError already names the address ("127.0.0.1:9464 is already in use").
  const server: HttpServer = await startHttpServer({ host: config.listen.host, port: config.listen.port, routes, log });
  scheduler.start(config.checks.map(jobOf));
  log.info({ checks: config.checks.length, url: server.url, location: config.location, version: VERSION }, 'dvc-sentinel started');

  return {
    url: server.url,
    async reload() {
      try {
        const next = loadConfig(options.configFile, options.env);
        options.onSecrets?.(next.secrets);
        if (next.config.listen.host !== config.listen.host || next.config.listen.port !== config.listen.port) {
          log.warn({ listen: next.config.listen }, 'server.listen changed; it takes effect after a restart');
        }
        if (next.config.maxConcurrency !== config.maxConcurrency) {
          log.warn({ maxConcurrency: next.config.maxConcurrency }, 'defaults.maxConcurrency changed; it takes effect after a restart');
        }
        config = next.config;
        checksByName = new Map(config.checks.map((check) => [check.name, check]));
        for (const name of [...states.keys()]) if (!checksByName.has(name)) states.delete(name);
        metrics.setChecks(config.checks);
        scheduler.update(config.checks.map(jobOf));
        metrics.recordConfigReload(true, clock());
        log.info({ checks: config.checks.length }, 'config reloaded');
        return true;
      } catch (error) {
        metrics.recordConfigReload(false, clock());
        if (error instanceof ConfigError) {
          log.error({ errors: error.issues.map(formatConfigIssue) }, 'config reload refused; the running config stays');
        } else {
          log.error({ err: error }, 'config reload failed; the running config stays');
        }
        return false;
      }
    },
    async stop(graceMs = 5000) {
      await scheduler.stop(graceMs);
      await server.close();
      log.info('dvc-sentinel stopped');
    },
  };
}
