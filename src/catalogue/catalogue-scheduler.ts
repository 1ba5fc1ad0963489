// Runs the daemon's catalogue checks on their cron (Asia/Ho_Chi_Minh), never on the interval
// scheduler: crawl, review (changes since the previous snapshot, mismatches with the provincial
// export), metrics, and the change mail queued once per snapshot.
//
// "Once": the mail is recorded as a send of report `catalogue-<check>` for the snapshot's
// completion time, in the same transaction as its outbox row; a snapshot whose send is recorded
// is never mailed again (a restart, a second review). At start the newest snapshot is reviewed
// too, so a snapshot completed by `catalogue crawl` or just before a crash still gets its mail.
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock, MonotonicClock } from '../clock.ts';
import type { CatalogueCheck } from '../config/catalogue-config.ts';
import type { Logger } from '../log.ts';
import type { CatalogueFigures, Metrics } from '../metrics/metrics.ts';
import type { Status } from '../probes/probe.ts';
import type { Notification } from '../state/notification.ts';
import type { Store } from '../store/store.ts';
import { VIETNAM_TIME_ZONE } from '../time-zone.ts';
import { changeMailName, hasChanges, renderChangeMail } from './change-mail.ts';
import { crawlCatalogue, type CrawlOutcome } from './crawl.ts';
import { reviewCatalogue, reviewEntries, type CatalogueReview, type ReviewEntry } from './review.ts';

/** What the status page shows of a catalogue check. */
export interface CatalogueStatus {
  readonly check: string;
  /** warning: changes or mismatches; critical: the last crawl failed. */
  readonly status: Status;
  readonly lastCrawl?: { readonly at: Date; readonly outcome: CrawlOutcome['status']; readonly reason?: string };
  readonly review?: CatalogueReview;
}

export interface CatalogueSchedulerOptions {
  readonly store: Store;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly monotonic: MonotonicClock;
  readonly log: Logger;
  /** Wakes the outbox after a mail is queued. */
  readonly wake: () => void;
}

export interface CatalogueScheduler {
  start(checks: readonly CatalogueCheck[]): void;
  update(checks: readonly CatalogueCheck[]): void;
  /** Runs one check now (tests, or a cron tick). */
  run(check: CatalogueCheck): Promise<CatalogueStatus>;
  statuses(): CatalogueStatus[];
  /** Stops the cron tasks and any running crawl (its position is kept), and waits for it. */
  stop(): Promise<void>;
}

export function createCatalogueScheduler(options: CatalogueSchedulerOptions): CatalogueScheduler {
  const { store, metrics, clock, log } = options;
  const tasks = new Map<string, ScheduledTask>();
  const running = new Map<string, Promise<CatalogueStatus>>();
  const statuses = new Map<string, CatalogueStatus>();
  const stop = new AbortController();

  const review = async (check: CatalogueCheck, crawl?: CatalogueStatus['lastCrawl']): Promise<CatalogueStatus> => {
    const result = await reviewCatalogue(check, store.catalogue);
    const mismatches: Record<string, number> = {};
    for (const mismatch of result.mismatches) mismatches[mismatch.field] = (mismatches[mismatch.field] ?? 0) + 1;
    const differs = hasChanges(result) || result.mismatches.length + result.missing.inSource.length + result.missing.inOther.length > 0;
    const status: CatalogueStatus = {
      check: check.name,
      status: crawl?.outcome === 'failed' ? 'critical' : differs ? 'warning' : 'ok',
      lastCrawl: crawl,
      review: result,
    };
    const figures: CatalogueFigures = {
      status: status.status,
      items: { source: result.to?.items, other: result.otherItems },
      changes: { added: result.added.length, removed: result.removed.length, changed: result.changes.length },
      mismatches,
    };
    metrics.recordCatalogue(check.name, figures);
    notifyOnce(check, result);
    statuses.set(check.name, status);
    return status;
  };

  const notifyOnce = (check: CatalogueCheck, result: CatalogueReview): void => {
    if (!hasChanges(result)) return;
    const mail = renderChangeMail(check, result);
    if (mail === undefined || check.notify === undefined) return;
    const name = changeMailName(check.name);
    if (store.reports.find(name, mail.scheduledFor) !== undefined) return;
    const queuedAt = clock();
    const notification: Notification = { type: 'report', riders: [], to: [...check.notify.to], createdAt: queuedAt, report: mail };
    store.reports.record(
      {
        report: name,
        scheduledFor: mail.scheduledFor,
        window: { from: result.from?.completedAt ?? mail.scheduledFor, to: mail.scheduledFor },
        queuedAt,
        to: [...check.notify.to],
        cc: [...check.notify.cc],
        late: false,
      },
      notification,
      `${name}:${mail.scheduledFor.getTime()}`,
    );
    log.info(
      { check: check.name, snapshot: result.to?.id, changes: result.changes.length, added: result.added.length, removed: result.removed.length },
      'catalogue change mail queued',
    );
    options.wake();
  };

  const run = (check: CatalogueCheck): Promise<CatalogueStatus> => {
    const already = running.get(check.name);
    if (already !== undefined) return already;
    const job = (async () => {
      const outcome = await crawlCatalogue(check, { store: store.catalogue, clock, monotonic: options.monotonic, log, signal: stop.signal });
      if (outcome.status === 'busy') {
        log.info({ check: check.name, pid: outcome.pid }, 'catalogue crawl already running elsewhere; this run skipped');
        return statuses.get(check.name) ?? { check: check.name, status: 'ok' as const };
      }
      const crawl = { at: clock(), outcome: outcome.status, reason: outcome.status === 'failed' ? outcome.reason : undefined };
      return review(check, crawl);
    })()
      .catch((error: unknown) => {
        log.error({ err: error, check: check.name }, 'catalogue run failed');
        const status: CatalogueStatus = { check: check.name, status: 'critical', lastCrawl: { at: clock(), outcome: 'failed', reason: 'internal' } };
        statuses.set(check.name, status);
        return status;
      })
      .finally(() => running.delete(check.name));
    running.set(check.name, job);
    return job;
  };

  const schedule = (checks: readonly CatalogueCheck[]): void => {
    for (const task of tasks.values()) void task.destroy();
    tasks.clear();
    for (const check of checks) {
      tasks.set(
        check.name,
        cron.schedule(check.schedule, () => void run(check), { timezone: VIETNAM_TIME_ZONE, name: `catalogue:${check.name}` }),
      );
    }
  };

  return {
    start(checks) {
      schedule(checks);
      for (const check of checks) {
        void review(check).catch((error: unknown) => log.warn({ err: error, check: check.name }, 'catalogue review at start failed'));
      }
    },
    update: schedule,
    run,
    statuses: () => [...statuses.values()],
    async stop() {
      for (const task of tasks.values()) await task.destroy();
      tasks.clear();
      stop.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}

/** What the status page's /catalogue shows of each configured catalogue check, in config order. */
export function catalogueViews(
  checks: readonly CatalogueCheck[],
  statuses: readonly CatalogueStatus[],
): {
  check: string;
  status: Status;
  lastCrawl?: CatalogueStatus['lastCrawl'];
  snapshot?: { at?: Date; items: number; otherItems?: number };
  entries: ReviewEntry[];
  link?: string;
}[] {
  return checks.map((check) => {
    const status = statuses.find((candidate) => candidate.check === check.name);
    const to = status?.review?.to;
    return {
      check: check.name,
      status: status?.status ?? 'ok',
      lastCrawl: status?.lastCrawl,
      snapshot: to === undefined ? undefined : { at: to.completedAt, items: to.items, otherItems: status?.review?.otherItems },
      entries: status?.review === undefined ? [] : reviewEntries(status.review),
      link: check.link,
    };
  });
}
