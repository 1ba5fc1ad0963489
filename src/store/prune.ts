// Deletes what the retentions (storage.retention.*) no longer keep. One rule per retention, each a
// few DELETE statements of at most `batchRows` rows; a batch runs every statement of a rule once in
// one short transaction, and the event loop turns between batches, so a backlog of months is worked
// off without holding up a probe, a scrape or a mail. startPruner runs it now and then, off the
// probe path.
//
// Never deleted: a notification not yet delivered (pending, or in a delivery still being tried),
// an open incident, an incident a queued notification names, and a resolved incident whose hold is
// still in force (it waits to be listed in its holder's closing mail).
//
// Probe history is pruned from its front: raw results are appended in time order without an index
// (rowid order is time order, a row is a second's batch), so a batch looks at the oldest
// `batchRows` rows only; the minutes are keyed minute first.
//
// To prune a new table, add its key to RetentionSeconds in config/config.ts and its statements to
// RULES below; the compiler asks for the second once the first is there.
import type Database from 'better-sqlite3';
import { systemMonotonic, type Clock, type MonotonicClock } from '../clock.ts';
import type { RetentionSeconds } from '../config/config.ts';
import type { Logger } from '../log.ts';

export type RetentionTarget = keyof RetentionSeconds;

/** Order of work: notifications first, so incidents whose mails just went have nothing left naming them. */
const TARGETS: readonly RetentionTarget[] = ['notifications', 'incidents', 'raw', 'aggregates'];

/** Delivered mails older than the cut-off that no longer carry any row: every rule that deletes rows leaves these. */
const EMPTIED_DELIVERIES = `DELETE FROM deliveries WHERE id IN (
  SELECT d.id FROM deliveries d
  WHERE d.delivered_at IS NOT NULL AND d.delivered_at < @cutoff
    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.delivery_id = d.id)
  LIMIT @limit)`;

/** Each statement deletes at most `limit` rows stamped before `cutoff` (epoch ms) and says how many went. */
type Statement = (cutoff: number, limit: number) => number;

const RULES: { readonly [T in RetentionTarget]: (db: Database.Database) => readonly Statement[] } = {
  notifications: (db) => [
    // Rows of delivered mails first: outbox.delivery_id references deliveries. The mails are
    // found through the deliveries_delivered index: reading delivered_at from the table would
    // read every frozen mail (delivered_at is stored after it).
    deleting(
      db,
      `DELETE FROM outbox WHERE id IN (
         SELECT o.id FROM outbox o
         WHERE o.delivery_id IN (SELECT d.id FROM deliveries d WHERE d.delivered_at IS NOT NULL AND d.delivered_at < @cutoff)
         LIMIT @limit)`,
    ),
    deleting(db, EMPTIED_DELIVERIES),
  ],
  incidents: (db) => {
    // An incident goes when it is resolved before the cut-off, holds nothing back (no hold in
    // force) and no undelivered notification names it. The NOT IN lists are read once per statement.
    const expired = `i.resolved_at IS NOT NULL AND i.resolved_at < @cutoff AND i.hold_by IS NULL
      AND i.id NOT IN (SELECT incident_id FROM outbox WHERE delivered_at IS NULL AND incident_id IS NOT NULL)`;
    return [
      deleting(
        db,
        `DELETE FROM outbox WHERE id IN (
           SELECT o.id FROM incidents i JOIN outbox o ON o.incident_id = i.id
           WHERE ${expired} AND o.delivered_at IS NOT NULL LIMIT @limit)`,
      ),
      // The mails that carried only those rows; a delivery still carrying another incident's row stays.
      deleting(db, EMPTIED_DELIVERIES),
      deleting(
        db,
        `DELETE FROM incidents WHERE id IN (
           SELECT i.id FROM incidents i
           WHERE ${expired} AND i.id NOT IN (SELECT incident_id FROM outbox WHERE incident_id IS NOT NULL)
           LIMIT @limit)`,
      ),
      // The desk's records live as long as incidents: the audit log by its time, people-reported
      // incidents once resolved, windows once over, silences once expired, and acknowledgements and
      // notes once their incident is gone.
      deleting(db, 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < @cutoff ORDER BY at LIMIT @limit)'),
      deleting(
        db,
        `DELETE FROM people_incidents WHERE id IN (
           SELECT id FROM people_incidents WHERE resolved_at IS NOT NULL AND resolved_at < @cutoff
             AND id NOT IN (SELECT incident_id FROM outbox WHERE delivered_at IS NULL AND incident_id IS NOT NULL)
           LIMIT @limit)`,
      ),
      deleting(db, 'DELETE FROM desk_maintenance WHERE id IN (SELECT id FROM desk_maintenance WHERE ends_at IS NOT NULL AND ends_at < @cutoff LIMIT @limit)'),
      deleting(db, 'DELETE FROM desk_silences WHERE id IN (SELECT id FROM desk_silences WHERE until < @cutoff LIMIT @limit)'),
      deleting(
        db,
        `DELETE FROM desk_notes WHERE id IN (
           SELECT n.id FROM desk_notes n WHERE n.at < @cutoff
             AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = n.incident_id)
             AND NOT EXISTS (SELECT 1 FROM people_incidents p WHERE p.id = n.incident_id)
           LIMIT @limit)`,
      ),
      deleting(
        db,
        `DELETE FROM desk_acknowledgements WHERE incident_id IN (
           SELECT a.incident_id FROM desk_acknowledgements a WHERE a.at < @cutoff
             AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = a.incident_id)
             AND NOT EXISTS (SELECT 1 FROM people_incidents p WHERE p.id = a.incident_id)
           LIMIT @limit)`,
      ),
      // Escalation steps fired (migration 005) go with their incident.
      deleting(
        db,
        `DELETE FROM escalation_steps WHERE (incident_id, after_seconds) IN (
           SELECT e.incident_id, e.after_seconds FROM escalation_steps e WHERE e.fired_at < @cutoff
             AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = e.incident_id)
           LIMIT @limit)`,
      ),
    ];
  },
  // The oldest rows only, never a search of the table: a batch whose last result is past the
  // cut-off goes, at most a second after its first one would have. A batch written after a
  // wall-clock step back waits for the ones before it, which is all a step costs. Counted in
  // batches (rows), not results.
  raw: (db) => [
    deleting(
      db,
      `DELETE FROM history_raw WHERE rowid IN (
         SELECT rowid FROM (SELECT rowid, last_at FROM history_raw ORDER BY rowid LIMIT @limit) WHERE last_at < @cutoff)`,
    ),
  ],
  aggregates: (db) => [
    deleting(
      db,
      `DELETE FROM history_minutes WHERE (minute, check_id) IN (
         SELECT minute, check_id FROM history_minutes WHERE minute < @cutoff ORDER BY minute LIMIT @limit)`,
    ),
  ],
};

function deleting(db: Database.Database, sql: string): Statement {
  const statement = db.prepare<{ cutoff: number; limit: number }>(sql);
  return (cutoff, limit) => statement.run({ cutoff, limit }).changes;
}

export interface PruneStore {
  /**
   * One batch of one rule, in one transaction: rows of `target` stamped before `before`, at most
   * `limit` per statement. Returns how many rows went; 0 means the target is done.
   */
  deleteBatch(target: RetentionTarget, before: Date, limit: number): number;
}

export function createPruneStore(db: Database.Database): PruneStore {
  const batches = new Map(
    TARGETS.map((target) => {
      const statements = RULES[target](db);
      return [target, db.transaction((cutoff: number, limit: number) => statements.reduce((sum, statement) => sum + statement(cutoff, limit), 0))];
    }),
  );
  return {
    deleteBatch(target, before, limit) {
      if (!(limit >= 1)) throw new RangeError(`prune batch limit must be at least 1, got ${limit}`);
      return batches.get(target)!(before.getTime(), Math.floor(limit));
    },
  };
}

/** Rows per DELETE statement: a few milliseconds of work, even on a slow disk. */
const BATCH_ROWS = 500;

export interface PruneOptions {
  readonly batchRows?: number;
  /** Resolves after other work had its turn; default setImmediate. */
  readonly yieldToLoop?: () => Promise<void>;
  /** Checked between batches: an abort (shutdown) stops the run, leaving the rest for next time. */
  readonly signal?: AbortSignal;
  readonly onBatch?: (target: RetentionTarget, deleted: number) => void;
}

export interface PruneReport {
  readonly deleted: Readonly<Record<RetentionTarget, number>>;
  /** Batches that deleted something. */
  readonly batches: number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Everything every retention no longer keeps at `now`, in batches; resolves when done or aborted. */
export async function pruneExpired(
  store: { readonly prune: PruneStore },
  retentionSeconds: RetentionSeconds,
  now: Date,
  options: PruneOptions = {},
): Promise<PruneReport> {
  const limit = options.batchRows ?? BATCH_ROWS;
  const yieldToLoop = options.yieldToLoop ?? nextTurn;
  const deleted = Object.fromEntries(TARGETS.map((target) => [target, 0])) as Record<RetentionTarget, number>;
  let batches = 0;
  for (const target of TARGETS) {
    const before = new Date(now.getTime() - retentionSeconds[target] * 1000);
    for (;;) {
      if (options.signal?.aborted) return { deleted, batches };
      const count = store.prune.deleteBatch(target, before, limit);
      if (count === 0) break;
      deleted[target] += count;
      batches += 1;
      options.onBatch?.(target, count);
      await yieldToLoop();
    }
  }
  return { deleted, batches };
}

export interface PrunerOptions {
  readonly store: { readonly prune: PruneStore };
  /** Read at each run, so a reload's new retentions apply from the next run. */
  readonly retentionSeconds: () => RetentionSeconds;
  readonly clock: Clock;
  readonly monotonic?: MonotonicClock;
  readonly log: Logger;
  /** Default 1 min: after start-up, not during it. */
  readonly firstRunAfterMs?: number;
  /** Default 1 h. Retentions are days long; an hour late is nothing. */
  readonly everyMs?: number;
}

export interface Pruner {
  /** One run now (after the one in progress, if any); a failed run is logged, never thrown. */
  runNow(): Promise<PruneReport | undefined>;
  /** No more runs; the one in progress stops after its current batch. */
  stop(): Promise<void>;
}

export function startPruner(options: PrunerOptions): Pruner {
  const { log, clock } = options;
  const monotonic = options.monotonic ?? systemMonotonic;
  const everyMs = options.everyMs ?? 3_600_000;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PruneReport | undefined> = Promise.resolve(undefined);

  const run = async (): Promise<PruneReport | undefined> => {
    const startedMs = monotonic();
    try {
      const report = await pruneExpired(options.store, options.retentionSeconds(), clock(), { signal: stopping.signal });
      const fields = { deleted: report.deleted, batches: report.batches, tookMs: Math.round(monotonic() - startedMs) };
      if (report.batches > 0) log.info(fields, 'store pruned');
      else log.debug(fields, 'store pruned; nothing was due');
      return report;
    } catch (error) {
      // The next run tries again; a store that cannot delete is also one that cannot write, which
      // the probe path reports loudly.
      log.error({ err: error }, 'store pruning failed; will try again');
      return undefined;
    }
  };
  const runNow = (): Promise<PruneReport | undefined> => {
    running = running.then(() => (stopping.signal.aborted ? undefined : run()));
    return running;
  };
  const schedule = (delayMs: number): void => {
    timer = setTimeout(() => {
      void runNow().then(() => {
        if (!stopping.signal.aborted) schedule(everyMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(options.firstRunAfterMs ?? 60_000);

  return {
    runNow,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
