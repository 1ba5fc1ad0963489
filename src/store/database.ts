// Opens the store's SQLite file for one daemon: takes the lock, checks the file, sets the pragmas
// and brings the schema up to date. A missing file is created; a corrupt, too new, unwritable or
// locked one ends in a StoreError that says what to do. Knows nothing of what the tables mean.
//
// It also remembers which file it opened (device and inode): a store file deleted or replaced while
// the daemon runs leaves the open connection writing to a file nobody will ever open again, so
// fileStateOf tells the two apart and rewriteDatabaseFile puts a copy of everything back at the path.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { acquireLockFile } from './lock-file.ts';
import { APPLICATION_ID, migrations, type Migration } from './migrations/migrations.ts';

export type StoreErrorCode = 'STORE_CORRUPT' | 'STORE_TOO_NEW' | 'STORE_UNWRITABLE' | 'STORE_LOCKED' | 'STORE_MISSING';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    /** Absolute path of the store file concerned. */
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface OpenDatabaseOptions {
  readonly log: Logger;
  /** fail (default): throw STORE_CORRUPT. fresh: move the file aside and start an empty store. */
  readonly onCorrupt?: 'fail' | 'fresh';
  /** Names the moved-aside file. */
  readonly clock?: Clock;
}

/** Waits this long for a lock held by an outside reader (the sqlite3 shell, a backup) before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

const releaseLocks = new WeakMap<Database.Database, () => void>();

interface FileIdentity {
  readonly file: string;
  readonly dev: number;
  readonly ino: number;
  /** The -wal this connection uses, to tell it from one a replacing file brought along. */
  readonly wal?: { readonly dev: number; readonly ino: number };
}

const identities = new WeakMap<Database.Database, FileIdentity>();

/** ok: the path names the file that is open. deleted: nothing there. replaced: another file is there. */
export type StoreFileState = 'ok' | 'deleted' | 'replaced';

/** Migrated, pragmas set, and locked to this process until closeDatabase (or the store's close()). */
export function openDatabase(path: string, options: OpenDatabaseOptions): Database.Database {
  const file = resolve(path);
  ensureDirectory(dirname(file), file);
  if (existsSync(file) && !statSync(file).isFile()) {
    throw new StoreError('STORE_UNWRITABLE', file, `store ${file} is not a regular file; choose a file path for storage.path`);
  }
  const release = lockStore(file);
  try {
    const db = openCheckedOrFresh(file, options);
    releaseLocks.set(db, release);
    const stat = statSync(file);
    const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`) : undefined;
    identities.set(db, { file, dev: stat.dev, ino: stat.ino, ...(wal === undefined ? {} : { wal: { dev: wal.dev, ino: wal.ino } }) });
    return db;
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Opens an existing store for reading only, beside a running daemon (`report`): takes no lock,
 * applies no migration and writes nothing; in WAL mode the reader never waits for the writer. A
 * store of a newer or of another application is refused as openDatabase would refuse it.
 */
export function openDatabaseReadOnly(path: string): Database.Database {
  const file = resolve(path);
  if (!existsSync(file)) throw new StoreError('STORE_MISSING', file, `store ${file} does not exist; check storage.path, or run the daemon first`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    checkOwnership(db, file);
    return db;
  } catch (error) {
    db?.close();
    throw classifyError(error, file);
  }
}

/**
 * Opens a store a running daemon holds, to write beside it (`catalogue crawl`): takes no lock and
 * applies no migration (the daemon has), and refuses a store that lacks the schema the caller
 * writes. WAL lets both write; each waits for the other's short transactions.
 */
export function openDatabaseBeside(path: string, minimumVersion: number): Database.Database {
  const file = resolve(path);
  if (!existsSync(file)) throw new StoreError('STORE_MISSING', file, `store ${file} does not exist; check storage.path, or run the daemon first`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    checkOwnership(db, file);
    if (readUserVersion(db) < minimumVersion) {
      throw new StoreError(
        'STORE_TOO_NEW',
        file,
        `store ${file} is at schema version ${readUserVersion(db)}; restart the running dvc-sentinel on this version first`,
      );
    }
    return db;
  } catch (error) {
    db?.close();
    throw classifyError(error, file);
  }
}

/** Closes the connection and gives up the lock. Idempotent. */
export function closeDatabase(db: Database.Database): void {
  if (db.open) db.close();
  releaseLocks.get(db)?.();
  releaseLocks.delete(db);
}

/** Whether the store's path still names the file db has open; always ok for a database openDatabase did not open. */
export function fileStateOf(db: Database.Database): StoreFileState {
  const identity = identities.get(db);
  if (identity === undefined) return 'ok';
  try {
    const stat = statSync(identity.file);
    return stat.dev === identity.dev && stat.ino === identity.ino ? 'ok' : 'replaced';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'deleted';
    throw error;
  }
}

export interface RewrittenDatabase {
  /** The new connection, on the fresh file at the store's path; db is closed. */
  readonly db: Database.Database;
  /** Where a file found in the store's place was moved, kept for whoever put it there. */
  readonly movedAside?: string;
}

/**
 * Writes everything db holds into a fresh file at its path and opens that instead. For a store file
 * deleted or replaced under a running daemon: the open connection still reads its own (now
 * nameless) file and WAL, so VACUUM INTO copies all of it, synchronously, between two of the
 * daemon's transactions. A file found at the path is moved to "<file>.replaced-<time>" (with its
 * own -wal, if it brought one); the -wal and -shm left at the path by the old connection (SQLite
 * neither checkpoints nor deletes them for a moved file) would be replayed onto the new file, so
 * they go. On failure (disk full,
 * directory gone read-only) before the fresh file is in place db stays open and in use, and the
 * error is thrown.
 */
export function rewriteDatabaseFile(db: Database.Database, options: OpenDatabaseOptions): RewrittenDatabase {
  const identity = identities.get(db);
  if (identity === undefined) throw new Error('rewriteDatabaseFile: this database was not opened from a file by openDatabase');
  const { file } = identity;
  ensureDirectory(dirname(file), file);
  const draft = `${file}.rewrite-${process.pid}`;
  rmSync(draft, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(draft);
  } catch (error) {
    rmSync(draft, { force: true });
    throw classifyError(error, file);
  }
  let movedAside: string | undefined;
  try {
    // A -wal at the path that is not ours came with the replacing file: it goes aside with it.
    const strangerWal = existsSync(`${file}-wal`) && !sameFile(`${file}-wal`, identity.wal);
    if (existsSync(file)) {
      movedAside = `${file}.replaced-${stampOf((options.clock ?? systemClock)())}`;
      renameSync(file, movedAside);
      if (strangerWal) renameSync(`${file}-wal`, `${movedAside}-wal`);
    }
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
    renameSync(draft, file);
  } catch (error) {
    rmSync(draft, { force: true });
    throw unwritable(file, 'cannot put a fresh file in its place', error);
  }
  // Closed only now: until the fresh file is in place the old connection is the only copy. It
  // neither checkpoints into nor deletes anything at the path, its file having moved.
  closeDatabase(db);
  const next = openDatabase(file, options);
  return movedAside === undefined ? { db: next } : { db: next, movedAside };
}

/**
 * A consistent copy of db at target through SQLite's online backup, written to "<target>.partial"
 * and renamed into place when whole, so a file named target is always a complete store. The
 * daemon copies 100 pages per step so its event loop keeps turning (its own writes meanwhile are
 * carried into the copy); another process's write would restart a stepped copy from the start, so
 * a copy made beside a running daemon takes every page in one step (`all`).
 */
export async function backupDatabase(db: Database.Database, target: string, pages: 'stepped' | 'all' = 'stepped'): Promise<void> {
  const draft = `${target}.partial`;
  rmSync(draft, { force: true });
  try {
    await db.backup(draft, { progress: () => (pages === 'all' ? 0x7fffffff : 100) });
    // One self-contained file: a copy carried elsewhere must not need a -wal beside it.
    const copy = new Database(draft);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(draft, target);
  } catch (error) {
    rmSync(draft, { force: true });
    throw error;
  }
}

/** Applies the migrations a database lacks, each in its own transaction with its version number. */
export function migrateDatabase(db: Database.Database, log?: Logger, known: readonly Migration[] = migrations): void {
  known.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`store migration "${migration.name}" has version ${migration.version}; expected ${index + 1} (versions run 1, 2, 3, … without gaps)`);
    }
  });
  const current = readUserVersion(db);
  for (const migration of known.filter((candidate) => candidate.version > current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    log?.info({ version: migration.version, migration: migration.name }, 'store migration applied');
  }
}

// Node 20's mkdirSync({ recursive: true }) never returns for a path under /proc (it retries the
// ENOENT forever), so the missing levels are created one by one.
function ensureDirectory(directory: string, file: string): void {
  const missing: string[] = [];
  for (let current = directory; !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  try {
    for (const level of missing) mkdirSync(level);
    if (!statSync(directory).isDirectory()) throw Object.assign(new Error(`${directory} is not a directory`), { code: 'ENOTDIR' });
  } catch (error) {
    throw unwritable(file, `cannot create its directory ${directory}`, error);
  }
}

function lockStore(file: string): () => void {
  const lockPath = `${file}.lock`;
  let attempt;
  try {
    attempt = acquireLockFile(lockPath);
  } catch (error) {
    throw unwritable(file, `cannot write its lock file ${lockPath}`, error);
  }
  if (!attempt.acquired) {
    const holder = attempt.holderPid === process.pid ? 'this process' : 'another running dvc-sentinel';
    throw new StoreError(
      'STORE_LOCKED',
      file,
      `store ${file} is in use by ${holder} (pid ${attempt.holderPid}, see ${lockPath}); ` + 'stop that process, or give this one another storage.path',
    );
  }
  return attempt.release;
}

function openCheckedOrFresh(file: string, options: OpenDatabaseOptions): Database.Database {
  if (!existsSync(file)) options.log.info({ path: file }, 'store file not found; creating a new store');
  try {
    return openChecked(file, options.log);
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'STORE_CORRUPT') || options.onCorrupt !== 'fresh') throw error;
    const movedTo = moveAside(file, (options.clock ?? systemClock)());
    options.log.warn({ path: file, movedTo, problem: error.message }, 'store file was corrupt; moved it aside and started an empty store');
    return openChecked(file, options.log);
  }
}

function openChecked(file: string, log: Logger): Database.Database {
  if (existsSync(file)) inspect(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    configure(db, log, file);
    migrateDatabase(db, log);
    return db;
  } catch (error) {
    db?.close();
    throw classifyError(error, file);
  }
}

// Read-only, because closing a read-write connection checkpoints into the main file and deletes
// the -wal, even right after finding the main file corrupt: a refused store is left as it was
// found (and moved aside whole), with whatever its WAL holds.
function inspect(file: string): void {
  const shm = `${file}-shm`;
  const shmExisted = existsSync(shm);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    checkIntegrity(db, file);
    checkOwnership(db, file);
  } catch (error) {
    db?.close();
    db = undefined;
    if (!shmExisted) rmSync(shm, { force: true });
    throw classifyError(error, file);
  } finally {
    db?.close();
  }
}

// quick_check reads every page (seconds for a file of a few GB), but it runs once per start and
// turns a later "database disk image is malformed" in the middle of an incident into a clear
// message now.
function checkIntegrity(db: Database.Database, file: string): void {
  const problems = (db.pragma('quick_check') as { quick_check: string }[]).map((row) => row.quick_check);
  if (problems.length !== 1 || problems[0] !== 'ok') {
    throw corrupt(file, `quick_check found: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`);
  }
}

function configure(db: Database.Database, log: Logger, file: string): void {
  // WAL: readers (the status page, reports) never wait for the writer, and a commit is one append.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') log.warn({ path: file, journalMode: mode }, 'store could not switch to WAL mode (network file system?)');
  // NORMAL in WAL mode syncs at checkpoints, not at every commit: a crashed or killed process
  // loses nothing that was committed, but a power loss or kernel crash may roll the store back by
  // the transactions since the last checkpoint, never leaving it corrupt. Every change travels in
  // one transaction with its outbox rows, so such a rollback can at worst repeat a decision (and
  // re-send a mail with its same Message-ID), not lose one half of it.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
}

function checkOwnership(db: Database.Database, file: string): void {
  const version = readUserVersion(db);
  const latest = migrations.length;
  if (version > latest) {
    throw new StoreError(
      'STORE_TOO_NEW',
      file,
      `store ${file} was written by a newer dvc-sentinel (schema version ${version}; this one knows up to ${latest}): ` +
        'run the newer version, or give this one another storage.path',
    );
  }
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) AS count FROM sqlite_schema WHERE type = 'table'").get() as { count: number };
  if ((applicationId !== 0 && applicationId !== APPLICATION_ID) || (version === 0 && tables.count > 0)) {
    throw corrupt(file, 'it is an SQLite database of another application, not a dvc-sentinel store');
  }
}

/** The file and its -wal and -shm companions go to "<file>.corrupt-<time>", keeping them usable together. */
function moveAside(file: string, now: Date): string {
  const target = `${file}.corrupt-${stampOf(now)}`;
  try {
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
    }
  } catch (error) {
    throw unwritable(file, `cannot move the corrupt file aside to ${target}`, error);
  }
  return target;
}

function sameFile(path: string, identity: { readonly dev: number; readonly ino: number } | undefined): boolean {
  if (identity === undefined) return false;
  const stat = statSync(path);
  return stat.dev === identity.dev && stat.ino === identity.ino;
}

function stampOf(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

function readUserVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function classifyError(error: unknown, file: string): Error {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return corrupt(file, (error as Error).message, error);
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
      return unwritable(file, 'cannot open it for writing', error);
    }
  }
  return new Error(`cannot open store ${file}: ${(error as Error).message}`, { cause: error });
}

function corrupt(file: string, detail: string, cause?: unknown): StoreError {
  return new StoreError(
    'STORE_CORRUPT',
    file,
    `store ${file} is not usable (${detail}): move it aside, or start with --fresh-store to have it moved to ` +
      `${file}.corrupt-<time> and begin with an empty store`,
    cause === undefined ? undefined : { cause },
  );
}

function unwritable(file: string, what: string, cause: unknown): StoreError {
  const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new StoreError('STORE_UNWRITABLE', file, `store ${file}: ${what} (${reason}); choose a writable storage.path`, { cause });
}
