// Procedure catalogue snapshots (migration 006): versions of records, the running crawl's position,
// and the lock that keeps two crawls of one check apart. Knows nothing of HTTP or of how a record
// is made; src/catalogue hands it normalised records and their hashes.
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';

/** A procedure as the catalogue compares it: its code and each field's values as a sorted set. */
export interface CatalogueRecord {
  readonly code: string;
  /** The portal's own id, for links; absent when the list gives none. */
  readonly id?: string;
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export interface CatalogueSnapshot {
  readonly id: number;
  readonly check: string;
  readonly state: 'running' | 'complete';
  readonly startedAt: Date;
  readonly completedAt?: Date;
  readonly items: number;
  readonly requests: number;
  /** Cursor of the page being read ('' = the first page). */
  readonly cursor: string;
  /** How many items of that page are stored. */
  readonly pageDone: number;
  /** Why the last attempt stopped short (blocked, timeout…), while running. */
  readonly reason?: string;
}

export type CrawlLockAttempt = { readonly taken: true } | { readonly taken: false; readonly pid: number; readonly host: string; readonly heartbeatAt: Date };

export interface CatalogueStore {
  /** Runs fn in one transaction (nests as a savepoint). */
  transaction<T>(fn: () => T): T;
  /**
   * Takes the check's crawl lock for `owner`. A lock is stale, and taken over, when its holder on
   * this host is no longer alive or its heartbeat is older than staleMs.
   */
  takeCrawlLock(check: string, owner: string, now: Date, staleMs: number): CrawlLockAttempt;
  heartbeat(check: string, owner: string, now: Date): void;
  releaseCrawlLock(check: string, owner: string): void;
  /** The check's running snapshot, or a new one started now. */
  openSnapshot(check: string, now: Date): CatalogueSnapshot;
  /** Stores one record of the running snapshot and the crawl's position after it, in one transaction. */
  putRecord(snapshot: number, check: string, record: CatalogueRecord, hash: string, position: { cursor: string; pageDone: number }): void;
  /** The page at `cursor` is next, none of its items stored yet. */
  advancePage(snapshot: number, cursor: string): void;
  countRequests(snapshot: number, requests: number): void;
  noteStop(snapshot: number, reason: string | undefined): void;
  /** Closes the versions the crawl did not see (removed procedures) and marks the snapshot complete. */
  completeSnapshot(snapshot: number, check: string, now: Date): CatalogueSnapshot;
  /** Complete snapshots, newest first. */
  snapshots(check: string): CatalogueSnapshot[];
  latestAttempt(check: string): CatalogueSnapshot | undefined;
  /** Every record of a complete snapshot, read one at a time. */
  records(check: string, snapshot: number): IterableIterator<CatalogueRecord>;
  /** Deletes complete snapshots that ended before `before` (never the newest) and the versions only they held. */
  prune(check: string, before: Date): number;
}

interface SnapshotRow {
  id: number;
  check_name: string;
  state: 'running' | 'complete';
  started_at: number;
  completed_at: number | null;
  items: number;
  requests: number;
  cursor: string;
  page_done: number;
  reason: string | null;
}

function snapshotOf(row: SnapshotRow): CatalogueSnapshot {
  return {
    id: row.id,
    check: row.check_name,
    state: row.state,
    startedAt: new Date(row.started_at),
    completedAt: row.completed_at === null ? undefined : new Date(row.completed_at),
    items: row.items,
    requests: row.requests,
    cursor: row.cursor,
    pageDone: row.page_done,
    reason: row.reason ?? undefined,
  };
}

export function createCatalogueStore(db: Database.Database): CatalogueStore {
  const host = hostname();
  const lockRow = db.prepare<[string], { owner: string; pid: number; host: string; heartbeat_at: number }>(
    'SELECT owner, pid, host, heartbeat_at FROM catalogue_crawl_locks WHERE check_name = ?',
  );
  const putLock = db.prepare<[string, string, number, string, number]>(
    `INSERT INTO catalogue_crawl_locks (check_name, owner, pid, host, heartbeat_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (check_name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, heartbeat_at = excluded.heartbeat_at`,
  );
  const beat = db.prepare<[number, string, string]>('UPDATE catalogue_crawl_locks SET heartbeat_at = ? WHERE check_name = ? AND owner = ?');
  const dropLock = db.prepare<[string, string]>('DELETE FROM catalogue_crawl_locks WHERE check_name = ? AND owner = ?');
  const running = db.prepare<[string], SnapshotRow>("SELECT * FROM catalogue_snapshots WHERE check_name = ? AND state = 'running' ORDER BY id DESC LIMIT 1");
  const latest = db.prepare<[string], SnapshotRow>('SELECT * FROM catalogue_snapshots WHERE check_name = ? ORDER BY id DESC LIMIT 1');
  const byId = db.prepare<[number], SnapshotRow>('SELECT * FROM catalogue_snapshots WHERE id = ?');
  const start = db.prepare<[string, number]>("INSERT INTO catalogue_snapshots (check_name, state, started_at) VALUES (?, 'running', ?)");
  const current = db.prepare<[string, string], { from_snapshot: number; hash: string }>(
    'SELECT from_snapshot, hash FROM catalogue_records WHERE check_name = ? AND code = ? AND to_snapshot IS NULL',
  );
  const close = db.prepare<[number, string, string, number]>(
    'UPDATE catalogue_records SET to_snapshot = ? WHERE check_name = ? AND code = ? AND from_snapshot = ?',
  );
  const dropVersion = db.prepare<[string, string, number]>('DELETE FROM catalogue_records WHERE check_name = ? AND code = ? AND from_snapshot = ?');
  const insertVersion = db.prepare<[string, string, number, string, string]>(
    'INSERT INTO catalogue_records (check_name, code, from_snapshot, to_snapshot, hash, record) VALUES (?, ?, ?, NULL, ?, ?)',
  );
  const see = db.prepare<[number, string]>('INSERT OR IGNORE INTO catalogue_seen (snapshot_id, code) VALUES (?, ?)');
  const position = db.prepare<[string, number, number]>('UPDATE catalogue_snapshots SET cursor = ?, page_done = ? WHERE id = ?');
  const addRequests = db.prepare<[number, number]>('UPDATE catalogue_snapshots SET requests = requests + ? WHERE id = ?');
  const setReason = db.prepare<[string | null, number]>('UPDATE catalogue_snapshots SET reason = ? WHERE id = ?');
  const closeUnseen = db.prepare<[number, string, number]>(
    `UPDATE catalogue_records SET to_snapshot = ?
     WHERE check_name = ? AND to_snapshot IS NULL AND code NOT IN (SELECT code FROM catalogue_seen WHERE snapshot_id = ?)`,
  );
  const countSeen = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM catalogue_seen WHERE snapshot_id = ?');
  const finish = db.prepare<[number, number, number]>(
    "UPDATE catalogue_snapshots SET state = 'complete', completed_at = ?, items = ?, reason = NULL, cursor = '', page_done = 0 WHERE id = ?",
  );
  const forgetSeen = db.prepare<[number]>('DELETE FROM catalogue_seen WHERE snapshot_id = ?');
  const complete = db.prepare<[string], SnapshotRow>("SELECT * FROM catalogue_snapshots WHERE check_name = ? AND state = 'complete' ORDER BY id DESC");
  const recordsOf = db.prepare<[string, number, number], { code: string; record: string }>(
    `SELECT code, record FROM catalogue_records
     WHERE check_name = ? AND from_snapshot <= ? AND (to_snapshot IS NULL OR to_snapshot > ?) ORDER BY code`,
  );
  const oldSnapshots = db.prepare<[string, number, string], { id: number }>(
    `SELECT id FROM catalogue_snapshots WHERE check_name = ? AND state = 'complete' AND completed_at < ?
       AND id < (SELECT max(id) FROM catalogue_snapshots WHERE check_name = ? AND state = 'complete') ORDER BY id`,
  );
  const dropSnapshot = db.prepare<[number]>('DELETE FROM catalogue_snapshots WHERE id = ?');
  // A version no kept snapshot holds: it ended at or before the oldest one kept.
  const dropEnded = db.prepare<[string, number]>('DELETE FROM catalogue_records WHERE check_name = ? AND to_snapshot IS NOT NULL AND to_snapshot <= ?');
  const oldestKept = db.prepare<[string], { id: number | null }>('SELECT min(id) AS id FROM catalogue_snapshots WHERE check_name = ?');

  const store: CatalogueStore = {
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    takeCrawlLock: db.transaction((check: string, owner: string, now: Date, staleMs: number): CrawlLockAttempt => {
      const held = lockRow.get(check);
      if (held !== undefined && held.owner !== owner) {
        const dead = held.host === host && !isAlive(held.pid);
        const stale = now.getTime() - held.heartbeat_at > staleMs;
        if (!dead && !stale) return { taken: false, pid: held.pid, host: held.host, heartbeatAt: new Date(held.heartbeat_at) };
      }
      putLock.run(check, owner, process.pid, host, now.getTime());
      return { taken: true };
    }),
    heartbeat: (check, owner, now) => void beat.run(now.getTime(), check, owner),
    releaseCrawlLock: (check, owner) => void dropLock.run(check, owner),
    openSnapshot: db.transaction((check: string, now: Date): CatalogueSnapshot => {
      const row = running.get(check);
      if (row !== undefined) return snapshotOf(row);
      const id = Number(start.run(check, now.getTime()).lastInsertRowid);
      return snapshotOf(byId.get(id)!);
    }),
    putRecord: db.transaction((snapshot: number, check: string, record: CatalogueRecord, hash: string, at: { cursor: string; pageDone: number }) => {
      const now = current.get(check, record.code);
      if (now === undefined || now.hash !== hash) {
        // A version begun by this very crawl (a code listed twice) is replaced, not closed empty.
        if (now?.from_snapshot === snapshot) dropVersion.run(check, record.code, snapshot);
        else if (now !== undefined) close.run(snapshot, check, record.code, now.from_snapshot);
        insertVersion.run(check, record.code, snapshot, hash, JSON.stringify({ id: record.id, fields: record.fields }));
      }
      see.run(snapshot, record.code);
      position.run(at.cursor, at.pageDone, snapshot);
    }),
    advancePage: (snapshot, cursor) => void position.run(cursor, 0, snapshot),
    countRequests: (snapshot, requests) => void addRequests.run(requests, snapshot),
    noteStop: (snapshot, reason) => void setReason.run(reason ?? null, snapshot),
    completeSnapshot: db.transaction((snapshot: number, check: string, now: Date): CatalogueSnapshot => {
      closeUnseen.run(snapshot, check, snapshot);
      finish.run(now.getTime(), countSeen.get(snapshot)!.n, snapshot);
      forgetSeen.run(snapshot);
      return snapshotOf(byId.get(snapshot)!);
    }),
    snapshots: (check) => complete.all(check).map(snapshotOf),
    latestAttempt: (check) => {
      const row = latest.get(check);
      return row === undefined ? undefined : snapshotOf(row);
    },
    *records(check, snapshot) {
      for (const row of recordsOf.iterate(check, snapshot, snapshot)) {
        const stored = JSON.parse(row.record) as { id?: string; fields: Record<string, string[]> };
        yield { code: row.code, id: stored.id, fields: stored.fields };
      }
    },
    prune: db.transaction((check: string, before: Date): number => {
      const old = oldSnapshots.all(check, before.getTime(), check);
      for (const { id } of old) dropSnapshot.run(id);
      const oldest = oldestKept.get(check)?.id;
      if (oldest !== null && oldest !== undefined) dropEnded.run(check, oldest);
      return old.length;
    }),
  };
  return store;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
