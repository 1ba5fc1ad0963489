// The daemon's one persistent store: check state, incidents, the outbox and small named values, in
// one SQLite file. All writes are synchronous, so everything one probe run changes goes into one
// store.transaction: a crash keeps all of it or none of it.
//
// The parts below are handed out once (the incident book, the outbox, the history writer keep
// them), yet the connection under them can change: when the file at the store's path is deleted or
// replaced, rewriteFile moves everything to a fresh file there and the same parts go on with it.
import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { createCheckStateStore, type CheckStateStore } from './check-state-store.ts';
import { backupDatabase, closeDatabase, fileStateOf, openDatabase, rewriteDatabaseFile, type StoreFileState } from './database.ts';
import { createDeskStore, type DeskStore } from './desk-store.ts';
import { createEscalationStore, type EscalationStore } from './escalation-store.ts';
import { createHistoryStore, type HistoryStore } from './history-store.ts';
import { createIncidentStore, type IncidentStore } from './incident-store.ts';
import { createMetaStore, type MetaStore } from './meta-store.ts';
import { createOutboxStore, type OutboxStore } from './outbox-store.ts';
import { createPruneStore, type PruneStore } from './prune.ts';
import { createReportStore, type ReportStore } from './report-store.ts';

export type { CheckStateStore } from './check-state-store.ts';
export type { DeskStore } from './desk-store.ts';
export type { HistoryStore } from './history-store.ts';
export type { IncidentStore } from './incident-store.ts';
export type { MetaStore } from './meta-store.ts';
export type { DeliveryFailure, DeliveryRecipients, DeliveryRow, OutboxStore, RefusedRecipient } from './outbox-store.ts';
export type { ReportStore } from './report-store.ts';
export type { StoreFileState } from './database.ts';

export interface Store {
  /**
   * Runs fn in one transaction: commits when it returns, rolls back and rethrows when it throws.
   * fn must be synchronous (a returned promise is refused and rolled back). Nests as a savepoint.
   */
  transaction<T>(fn: () => T): T;
  readonly checkStates: CheckStateStore;
  readonly incidents: IncidentStore;
  readonly outbox: OutboxStore;
  readonly meta: MetaStore;
  /** Probe history: written by history-writer.ts; reads as a report's ReportSource. */
  readonly history: HistoryStore;
  /** Deletes what the retentions no longer keep; driven by prune.ts's pruneExpired. */
  readonly prune: PruneStore;
  /** Reports sent: recorded with their outbox row, accepted with its delivery. */
  readonly reports: ReportStore;
  /** The duty desk's records (acknowledgements, notes, people-reported incidents, API windows, silences, audit). */
  readonly desk: DeskStore;
  /** Escalation steps fired per incident (state/escalation.ts). */
  readonly escalation: EscalationStore;
  /** Closes the file and releases the lock; idempotent. */
  close(): void;
  /** Whether the store's path still names the file in use (always ok for an in-memory store). */
  fileState(): StoreFileState;
  /**
   * Writes everything into a fresh file at the store's path and goes on with it; a file found there
   * is moved aside (returned). Throws, and keeps the file in use, when it cannot.
   */
  rewriteFile(): { readonly movedAside?: string };
  /** A consistent copy of the store, written beside `target` and renamed into place when complete. */
  backup(target: string): Promise<void>;
}

export interface CreateStoreOptions {
  /** Stamps updated_at and outbox createdAt, and is "now" for history's open incidents; default the system clock. */
  readonly clock?: Clock;
  /** How to open the fresh file rewriteFile writes; without it rewriteFile throws. */
  readonly reopen?: OpenStoreOptions;
}

export interface OpenStoreOptions extends CreateStoreOptions {
  readonly log: Logger;
  readonly onCorrupt?: 'fail' | 'fresh';
}

type Parts = Omit<Store, 'close' | 'fileState' | 'rewriteFile' | 'backup'>;

function buildParts(db: Database.Database, clock: Clock): Parts {
  const run = db.transaction((fn: () => unknown) => {
    const result = fn();
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      throw new TypeError('store.transaction was given an async function; its awaited part would run after the commit');
    }
    return result;
  });
  const outbox = createOutboxStore(db, clock);
  const meta = createMetaStore(db, clock);
  return {
    transaction: <T>(fn: () => T): T => run(fn) as T,
    checkStates: createCheckStateStore(db, clock),
    incidents: createIncidentStore(db),
    outbox,
    meta,
    reports: createReportStore(db, outbox, meta),
    history: createHistoryStore(db, clock),
    prune: createPruneStore(db),
    desk: createDeskStore(db),
    escalation: createEscalationStore(db),
  };
}

/** db must be migrated (openDatabase, or migrateDatabase for an in-memory one). */
export function createStore(db: Database.Database, options: CreateStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  let current = db;
  let parts = buildParts(db, clock);
  // Each part is asked for anew at every use, so a holder of store.outbox reaches the new file's.
  const follow = <K extends Exclude<keyof Parts, 'transaction'>>(key: K): Parts[K] =>
    new Proxy({} as Parts[K], {
      get: (_target, name) => Reflect.get(parts[key], name) as unknown,
      has: (_target, name) => Reflect.has(parts[key], name),
      // A wrapper set on a part (a test counting saves, a fault injected) lands on the part in use.
      set: (_target, name, value) => Reflect.set(parts[key], name, value),
      // `{ ...store.outbox }` (a test's wrapper over a part) copies the part in use.
      ownKeys: () => Reflect.ownKeys(parts[key]),
      getOwnPropertyDescriptor: (_target, name) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(parts[key], name);
        return descriptor && { ...descriptor, configurable: true };
      },
    });
  return {
    transaction: <T>(fn: () => T): T => parts.transaction(fn),
    checkStates: follow('checkStates'),
    incidents: follow('incidents'),
    outbox: follow('outbox'),
    meta: follow('meta'),
    reports: follow('reports'),
    history: follow('history'),
    prune: follow('prune'),
    desk: follow('desk'),
    escalation: follow('escalation'),
    close: () => closeDatabase(current),
    fileState: () => fileStateOf(current),
    rewriteFile() {
      if (options.reopen === undefined) throw new Error('store.rewriteFile: this store was not opened from a file');
      const rewritten = rewriteDatabaseFile(current, options.reopen);
      current = rewritten.db;
      parts = buildParts(current, clock);
      return rewritten.movedAside === undefined ? {} : { movedAside: rewritten.movedAside };
    },
    backup: (target) => backupDatabase(current, target),
  };
}

export function openStore(path: string, options: OpenStoreOptions): Store {
  const db = openDatabase(path, options);
  try {
    return createStore(db, { ...options, reopen: options });
  } catch (error) {
    closeDatabase(db);
    throw error;
  }
}
