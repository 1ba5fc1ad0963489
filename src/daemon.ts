// Composition root: builds every part from a Config, starts them in order, stops them in reverse.
// The only module (with commands/) that imports from everywhere.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createAccess, type Access } from './access/access.ts';
import { createOidcSignIn } from './access/oidc.ts';
import { createAlertmanagerPoster, startAlertmanagerLoop, type AlertmanagerLoop } from './alerting/channels/alertmanager.ts';
import type { DeliveryChannel } from './alerting/channel.ts';
import { createChannels } from './alerting/channels/registry.ts';
import { createOutbox, type Outbox } from './alerting/outbox.ts';
import { createUnsavedOutbox, type UnsavedOutbox } from './alerting/unsaved-outbox.ts';
import { createRefusalNotifier, recentMailRefusals, reopenAfterSmtpChange } from './alerting/mail-refusals.ts';
import { enqueueNotice } from './alerting/notices.ts';
import { createSteadyClock, systemClock, systemMonotonic, type Clock, type MonotonicClock } from './clock.ts';
import { createAlertingTicker, type AlertingTicker } from './checks/alerting-ticker.ts';
import { createIncidentBook, type StoreRefusal } from './checks/incident-book.ts';
import { runCheck } from './checks/run-check.ts';
import { createSecretScrubber, SCRUBBED } from './scrub-secrets.ts';
import { VERSION, type Check, type Config } from './config/config.ts';
import { ConfigError, formatConfigIssue } from './config/config-error.ts';
import { loadConfig } from './config/load-config.ts';
import { createAuthBroker } from './probes/auth/auth-broker.ts';
import { planReload } from './config/reload-plan.ts';
import { applyShard, type Shard } from './config/shard.ts';
import type { Desk } from './desk/desk.ts';
import { storeDeskLookup } from './desk/desk-lookup.ts';
import { createEscalator } from './checks/escalator.ts';
import { createStoreDesk } from './desk/store-desk.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import type { Lookup } from './probes/probe.ts';
import { createReportScheduler } from './reporting/report-scheduler.ts';
import { catalogueViews, createCatalogueScheduler } from './catalogue/catalogue-scheduler.ts';
import { reportObjectiveOf } from './report/build-report.ts';
import { budgetsOf, createLiveFigures, startLiveFigures } from './report/live-figures.ts';
import { reportBuilder } from './report/report-request.ts';
import { createScheduler, type Job } from './scheduler/scheduler.ts';
import { renderAccessRefusal } from './server/desk-page.ts';
import type { StoreFileNotice, StoreWritesNotice } from './server/status-page.ts';
import { createLoginRoutes } from './server/login-routes.ts';
import { createRoutes } from './server/routes.ts';
import { startHttpServer, type HttpServer } from './server/server.ts';
import { withDeskWindows } from './state/desk-rules.ts';
import { buildStatusSnapshot } from './state/status-snapshot.ts';
import { createHistoryWriter } from './store/history-writer.ts';
import { startPruner } from './store/prune.ts';
import { startStoreBackups } from './store/store-backups.ts';
import { openStore, type Store } from './store/store.ts';
import { startStoreWatch, type StoreFileEvent } from './store/store-watch.ts';

export interface DaemonOptions {
  readonly configFile: string;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  /** Every wait and duration inside the daemon; default performance.now(). */
  readonly monotonic?: MonotonicClock;
  readonly lookup?: Lookup;
  /** A corrupt store is moved aside and a fresh one started, instead of refusing to start. */
  readonly freshStore?: boolean;
  /** Receives the env values substituted into the config, so the logger can scrub them. */
  readonly onSecrets?: (secrets: readonly string[]) => void;
  /** Each login and failed login (form, HTTP Basic, bearer token, single sign-on), for the audit log. */
  readonly onAudit?: Parameters<typeof createAccess>[0]['onAudit'];
  /** --shard: run only this share of the checks; wins over the file's `shard:`, and is kept across reloads. */
  readonly shard?: Shard;
  /** Handed the store once it is open, before anything reads it (a test making its writes fail on demand). */
  readonly onStoreOpened?: (store: Store) => void;
}

export interface Daemon {
  readonly url: string;
  /** The duty desk on this daemon's store, outbox and clock (what the desk's routes and the CLI act through). */
  readonly desk: Desk;
  /** Re-reads the config file; an invalid one is refused and the running one kept. */
  reload(): Promise<boolean>;
  /** Stops probing, delivers what is in flight, stops serving, closes the store. */
  stop(graceMs?: number): Promise<void>;
}

export function jobOf(check: Check): Job {
  let key: string | undefined;
  return {
    name: check.name,
    intervalSeconds: check.intervalSeconds,
    timeoutSeconds: check.timeoutSeconds,
    // Read only when a reload compares jobs, so start-up does not pay for 10,000 digests (50 ms);
    // a digest, not the JSON itself, which would be 0.5 MB per thousand checks.
    get key() {
      key ??= createHash('sha256').update(JSON.stringify(check)).digest('base64');
      return key;
    },
  };
}

/** Delivery parts built from the alerting config; rebuilt when a reload changes it. */
interface Delivery {
  readonly channels: readonly DeliveryChannel[];
  readonly outbox: Outbox;
  readonly alertmanager?: AlertmanagerLoop;
}

/** The store file's loss, for /api/status and the page, with times as ISO text like the rest of the snapshot. */
function storeNotice(event: StoreFileEvent | undefined): { storeFile?: StoreFileNotice } {
  if (event === undefined) return {};
  return {
    storeFile: {
      cause: event.cause,
      foundAt: event.foundAt.toISOString(),
      path: event.path,
      rewritten: event.rewritten,
      ...(event.movedAside === undefined ? {} : { movedAside: event.movedAside }),
    },
  };
}

/** The store refusing writes, for /api/status: since when, why, and how much waits in memory. */
function storeWritesNotice(refusal: StoreRefusal | undefined): { storeWrites?: StoreWritesNotice } {
  if (refusal === undefined) return {};
  return { storeWrites: { refusedSince: refusal.since.toISOString(), error: refusal.error, unsaved: refusal.unsaved } };
}

/** API maintenance windows that ended longer ago than this no longer reach the rules (they only need the end's transition). */
const DESK_WINDOW_LOOKBACK_MS = 86_400_000;

/** /healthz's line while the store refuses writes. */
function storeRefusalReason(refusal: StoreRefusal | undefined): string[] {
  if (refusal === undefined) return [];
  return [
    `store refuses writes since ${refusal.since.toISOString()} (${refusal.error}); ` +
      `${refusal.unsaved} changes kept in memory, written once it accepts writes again`,
  ];
}

/** `steady` times the outbox's waits (the clock its rows are stamped with); `clock` is the wall, for what mails show. */
function startDelivery(
  config: Config,
  store: Store,
  metrics: Metrics,
  clock: Clock,
  steady: Clock,
  log: Logger,
  unsaved: UnsavedOutbox,
  onChanged: () => void,
): Delivery {
  const { alerting } = config;
  const channels = createChannels({ alerting, location: config.location, log });
  const outbox = createOutbox({
    store,
    unsaved,
    alerting,
    clock: steady,
    wall: clock,
    log,
    channels,
    backoff: alerting.email.retry,
    onQueued: (channel, count) => metrics.setNotificationsQueued(channel, count),
    onDelivered: (channel, type, result) => {
      metrics.recordNotification(channel, type, result);
      onChanged();
    },
    // Mail refused for good is told on the other channels (alerting/mail-refusals.ts).
    onRefused: createRefusalNotifier({ store, alerting: () => alerting, clock: steady, log, wake: () => outbox.wake() }),
  });
  outbox.start();
  const alertmanager = alerting.alertmanager
    ? startAlertmanagerLoop({
        channel: createAlertmanagerPoster({
          urls: alerting.alertmanager.urls,
          resendIntervalSeconds: alerting.alertmanager.resendIntervalSeconds,
          timeoutSeconds: alerting.alertmanager.timeoutSeconds,
          locale: alerting.locale,
          location: config.location,
          links: alerting.links,
          log,
          clock,
          onDelivered: (channel, type, result) => metrics.recordNotification(channel, type, result),
        }),
        store,
        // A silence made at the duty desk mutes Alertmanager too.
        muted: (incident, now) => store.desk.isSilenced(incident.check, incident.system, now),
        intervalSeconds: alerting.alertmanager.resendIntervalSeconds,
        log,
        clock,
        steady,
      })
    : undefined;
  log.info({ email: channels[0]?.target, alertmanager: alerting.alertmanager?.urls.length ?? 0 }, 'alert delivery ready');
  return { channels, outbox, alertmanager };
}

async function stopDelivery(delivery: Delivery): Promise<void> {
  await delivery.alertmanager?.stop();
  await delivery.outbox.stop();
  for (const channel of delivery.channels) channel.close();
}

/**
 * Throws before anything starts when the config is invalid or the store cannot be opened:
 * nothing half-starts. Once it resolves, probes run and mail is delivered.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const clock = options.clock ?? systemClock;
  const monotonic = options.monotonic ?? systemMonotonic;
  // Rule time (src/clock.ts): incidents, check states and outbox rows are stamped with it, so every
  // wait and duration between two stamps is monotonic. Schedules, history minutes, metrics and
  // what pages and mails show as "now" keep the wall clock.
  const steady = createSteadyClock(clock, monotonic);
  const log = options.log;
  const loaded = loadConfig(options.configFile, options.env);
  let configSecrets = loaded.secrets;
  // What every probe result is scrubbed of: the config's secrets and, once the broker exists, its own.
  let allSecrets: readonly string[] = configSecrets;
  const scrub = createSecretScrubber(() => allSecrets, SCRUBBED);
  const secretsChanged = (): void => {
    allSecrets = [...configSecrets, ...auth.secrets()];
    options.onSecrets?.(allSecrets);
  };
  options.onSecrets?.(configSecrets);
  for (const warning of loaded.warnings) log.warn({ file: warning.file, line: warning.line, path: warning.path }, warning.message);
  // Every part below sees only this shard's checks (all of them when the checks are not split).
  let config: Config = applyShard(loaded.config, options.shard);
  let checksByName = new Map(config.checks.map((check) => [check.name, check]));
  const startedAt = clock();

  const store = openStore(config.storagePath, { log, onCorrupt: options.freshStore ? 'fresh' : 'fail', clock: steady });
  options.onStoreOpened?.(store);
  const metrics = createMetrics({ location: config.location, version: VERSION, collectProcessMetrics: true });
  metrics.setChecks(config.checks);
  metrics.setShard(config.shard!, config.checks.length, loaded.config.checks.length);
  metrics.recordConfigReload(true, startedAt);
  // The store file deleted or replaced under the running daemon: noticed, said, and written afresh.
  const storeWatch = startStoreWatch({
    store,
    path: config.storagePath,
    clock,
    monotonic,
    log,
    onFound: (cause) => metrics.recordStoreReplaced(cause),
    onState: (ok) => metrics.setStoreOk(ok),
  });
  // One token cache for every check; tokens and secret files read again join the values the logger scrubs.
  const auth = createAuthBroker({
    auths: config.auths,
    env: options.env ?? process.env,
    log,
    monotonic,
    clock,
    onTokenExpiry: (name, epochSeconds) => metrics.setAuthTokenExpiry(name, epochSeconds),
    onSecretsChanged: secretsChanged,
    // The duty team hears of a token about to lapse before the checks using it turn red.
    onRenewalFailing: (name, expiresAt, failure) => {
      try {
        enqueueNotice(
          store,
          config.alerting,
          {
            kind: 'token_renewal_failed',
            key: `${name}-${Math.round(expiresAt.getTime() / 1000)}`,
            severity: 'warning',
            params: { token: name, error: failure },
          },
          steady(),
        );
        delivery?.outbox.wake();
      } catch (error) {
        log.error({ err: error, authName: name }, 'could not queue the token renewal notice');
      }
    },
  });
  secretsChanged();

  let delivery: Delivery | undefined;
  /** The last day's refused mail for the page and /api/status; a store that cannot be read leaves them standing. */
  const readMailRefusals = () => {
    try {
      return recentMailRefusals(store.outbox, clock());
    } catch (error) {
      log.warn({ err: error }, 'could not read refused mail for the status page');
      return [];
    }
  };
  // The rules and the ticker see the configured windows and those opened through the desk's API.
  const rulesAlerting = () =>
    withDeskWindows(config.alerting, store.desk.listMaintenance(new Date(clock().getTime() - DESK_WINDOW_LOOKBACK_MS)), config.checks);
  // While the store refuses writes, the notifications decided meanwhile wait (and are delivered) here.
  const unsaved = createUnsavedOutbox(clock);
  const book = createIncidentBook({
    store,
    unsaved,
    monotonic,
    onWriteRefused: () => metrics.recordStoreWriteError(),
    alerting: rulesAlerting(),
    checks: config.checks,
    log,
    desk: storeDeskLookup(store),
    escalator: createEscalator({ store, log, desk: storeDeskLookup(store) }),
    wall: clock,
    onQueued: () => delivery?.outbox.wake(),
    onIncidentsChanged: () => {
      metrics.setIncidents(book.openIncidents());
      delivery?.alertmanager?.wake();
    },
  });
  const history = createHistoryWriter({ history: store.history, clock, log });
  for (const [name, state] of book.states) {
    const check = checksByName.get(name);
    if (check && state.status !== 'unknown') metrics.recordCheckStatus(check, state.status);
  }
  metrics.setIncidents(book.openIncidents());

  let ticker: AlertingTicker | undefined;
  // Reports and the live figures count API windows as configured ones (excluded time, listed), all
  // of them as far back as the store keeps them. One object per config and set of windows: the live
  // figures keep their hours while the config they are given stays the same object.
  let deskWindowsVersion = 0;
  let reported: { readonly base: Config; readonly version: number; readonly value: Config } | undefined;
  const reportedConfig = (): Config => {
    if (reported?.base !== config || reported.version !== deskWindowsVersion) {
      const records = store.desk.listMaintenance(new Date(0));
      const value = records.length === 0 ? config : { ...config, alerting: withDeskWindows(config.alerting, records, config.checks) };
      reported = { base: config, version: deskWindowsVersion, value };
    }
    return reported.value;
  };
  const checkNames = (): string[] => config.checks.map((check) => check.name);
  const desk: Desk = createStoreDesk({
    store,
    clock,
    alerting: () => config.alerting,
    ...(config.location === undefined ? {} : { location: config.location }),
    onQueued: () => delivery?.outbox.wake(),
    // How long it took is read on rule time, the clock the incident's opening was stamped with.
    onAcknowledged: (incident) => metrics.recordAcknowledge(incident.system, incident.severity, (steady().getTime() - incident.openedAt.getTime()) / 1000),
    onMaintenanceChanged: () => {
      deskWindowsVersion += 1;
      const alerting = rulesAlerting();
      book.configure(alerting, config.checks, steady());
      ticker?.configure(alerting.maintenance, checkNames());
    },
    onSilenced: () => delivery?.alertmanager?.wake(),
  });

  let inFlight = 0;
  // Bumped after every run, delivery and reload: the status page and /api/status are rendered anew
  // only when it moved (a delivery changes the refused-mail list, a reload the checks).
  let stateChanges = 0;
  const changed = (): void => {
    stateChanges += 1;
  };
  const scheduler = createScheduler({
    maxConcurrency: config.maxConcurrency,
    run: async (job, context) => {
      const check = checksByName.get(job.name);
      if (!check) return;
      metrics.setInFlight(++inFlight);
      try {
        await runCheck(
          check,
          {
            clock,
            steady,
            monotonic,
            log,
            metrics,
            lookup: options.lookup,
            history,
            states: book.states,
            decide: book.decide,
            record: book.record,
            auth,
            scrub,
          },
          context.signal,
        );
      } finally {
        changed();
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
    now: monotonic,
  });

  // The status page's 24 h figures and the objectives, recomputed each minute (report/live-figures.ts).
  const live = createLiveFigures({ config: reportedConfig, source: store.history, clock });
  // Catalogue checks crawl on their own cron, never on the interval scheduler.
  const catalogues = createCatalogueScheduler({ store, metrics, clock, monotonic, log, wake: () => delivery?.outbox.wake() });
  let server: HttpServer | undefined;
  try {
    // Only now: a ListenError (port in use) must not leave a store open behind it.
    // Users and tokens are read anew at each request, so a reload's changes apply at once; TLS waits for a restart.
    const secureCookies = config.tls !== undefined;
    const access: Access = createAccess({
      config: () => config.access,
      log,
      monotonic,
      secureCookies,
      // Logins and failed logins go in the desk's audit log with every other action.
      onAudit: (action, actor) => {
        desk.recordAudit(action, actor, '');
        options.onAudit?.(action, actor);
      },
    });
    const oidc = config.access.oidc === undefined ? undefined : createOidcSignIn({ config: () => config.access.oidc, log, monotonic, secureCookies });
    const routes = createRoutes({
      metrics,
      health: () => {
        const health = scheduler.health();
        const storeReason = storeWatch.healthReason();
        const refusal = storeRefusalReason(book.storeRefusal());
        const reasons = [...health.overdue.map((name) => `check ${name} is overdue`), ...(storeReason === undefined ? [] : [storeReason]), ...refusal];
        return { ok: !health.stuck && storeReason === undefined && refusal.length === 0, reasons };
      },
      status: () => ({
        // Rule time, as the states and incidents it shows are stamped: "for 20 s" stays true after a step.
        ...buildStatusSnapshot(config, book.states, { version: VERSION, startedAt, now: steady() }),
        incidents: book.openIncidents(),
        mailRefusals: readMailRefusals(),
        ...storeNotice(storeWatch.notice()),
        ...storeWritesNotice(book.storeRefusal()),
      }),
      locale: () => config.alerting.locale,
      roster: () => config.alerting.roster,
      recent: () => live.latest(),
      buildReportFor: reportBuilder(reportedConfig, store.history, clock),
      // The reports sent lately, newest first, for the page's "Báo cáo" list and /api/reports.
      reports: () => store.reports.recent(10),
      desk,
      hideNames: () => config.access.hideNames,
      clock,
      known: () => ({ checks: config.checks.map((check) => check.name), systems: [...new Set(config.checks.map((check) => check.system))] }),
      catalogues: () => catalogueViews(config.catalogues, catalogues.statuses()),
      changes: () => stateChanges,
      monotonic,
    });
    const loginRoutes = createLoginRoutes({ access, oidc, locale: () => config.alerting.locale });
    const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.certFile, 'utf8'), key: readFileSync(config.tls.keyFile, 'utf8') };
    server = await startHttpServer({
      host: config.listen.host,
      port: config.listen.port,
      routes: new Map([...routes, ...loginRoutes]),
      log,
      access,
      refusalPage: (refusal) => renderAccessRefusal(refusal, config.alerting.locale),
      tls,
      // Like TLS and listen, read at start: a reload does not reopen the server.
      limits: config.server,
      monotonic,
    });
  } catch (error) {
    storeWatch.stop();
    store.close();
    throw error;
  }
  delivery = startDelivery(config, store, metrics, clock, steady, log, unsaved, changed);

  ticker = createAlertingTicker({ book, metrics, windows: rulesAlerting().maintenance, checks: checkNames(), clock, rules: steady, monotonic, log });
  ticker.start();
  history.start();
  scheduler.start(config.checks.map(jobOf));
  // After delivery: a report missed while the monitor was down is queued now, marked late.
  const reports = createReportScheduler({
    store,
    config: reportedConfig,
    clock,
    monotonic,
    log,
    metrics,
    wake: () => delivery?.outbox.wake(),
    // The live figures' objectives, kept hour by hour: a report never recounts a month inside the daemon.
    objectives: () => live.latest()?.objectives.map(reportObjectiveOf),
    // The same table as the catalogue change mail, for checks whose newest review found something.
    catalogue: () =>
      catalogueViews(config.catalogues, catalogues.statuses())
        .filter((view) => view.entries.length > 0)
        .map((view) => ({ check: view.check, rows: view.entries })),
  });
  reports.start();
  catalogues.start(config.catalogues);
  const liveLoop = startLiveFigures(live, { log, onRefresh: (snapshot) => metrics.setObjectiveBudgets(budgetsOf(snapshot)) });
  const pruner = startPruner({ store, retentionSeconds: () => config.retentionSeconds, clock, monotonic, log });
  const backups = startStoreBackups({
    store,
    storeFile: config.storagePath,
    settings: () => config.backup,
    clock,
    log,
    onBackup: (at, ok) => {
      if (ok) metrics.recordStoreBackup(at);
    },
  });
  log.info(
    { checks: config.checks.length, url: server.url, location: config.location, shard: shardText(config), version: VERSION, store: config.storagePath },
    'dvc-sentinel started',
  );

  return {
    url: server.url,
    desk,
    async reload() {
      try {
        const next = loadConfig(options.configFile, options.env);
        configSecrets = next.secrets;
        secretsChanged();
        // The same --shard applies to the new check list (or the file's shard: as it now reads).
        const sharded = applyShard(next.config, options.shard);
        const plan = planReload(config, sharded);
        const before = config;
        for (const change of plan.waitForRestart) log.warn(change.fields, `${change.key} changed; it takes effect after a restart`);
        config = sharded;
        checksByName = new Map(config.checks.map((check) => [check.name, check]));
        auth.configure(config.auths);
        const alerting = rulesAlerting();
        book.configure(alerting, config.checks, steady());
        metrics.setChecks(config.checks);
        metrics.setShard(config.shard!, config.checks.length, next.config.checks.length);
        scheduler.update(config.checks.map(jobOf));
        catalogues.update(config.catalogues);
        ticker?.configure(alerting.maintenance, checkNames());
        if (plan.restartDelivery && delivery) {
          await stopDelivery(delivery);
          // New SMTP settings (a fixed password): the mails refused for the old credentials go out again.
          const reopened = reopenAfterSmtpChange(store.outbox, before.alerting.email.smtp, config.alerting.email.smtp, steady());
          if (reopened > 0) log.info({ deliveries: reopened }, 'SMTP settings changed; mail refused for its credentials is sent again');
          delivery = startDelivery(config, store, metrics, clock, steady, log, unsaved, changed);
        }
        metrics.recordConfigReload(true, clock());
        // The scheduler reads the running config at every check; look at the new one now.
        void reports.check();
        changed();
        log.info({ checks: config.checks.length, shard: shardText(config), added: plan.checksAdded, removed: plan.checksRemoved }, 'config reloaded');
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
      auth.stop();
      // Every result recorded so far, the unfinished minutes too.
      history.stop();
      ticker?.stop();
      await reports.stop();
      await catalogues.stop();
      if (delivery) await stopDelivery(delivery);
      await pruner.stop();
      await backups.stop();
      await liveLoop.stop();
      await server.close();
      storeWatch.stop();
      store.close();
      log.info('dvc-sentinel stopped');
    },
  };
}

/** `index/total` for the log; undefined when the checks are not split. */
function shardText(config: Config): string | undefined {
  return config.shard === undefined || config.shard.total === 1 ? undefined : `${config.shard.index}/${config.shard.total}`;
}
