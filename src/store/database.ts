// Opens the store's SQLite file for one daemon: takes the lock, checks the file, sets the pragmas
// and brings the schema up to date. A missing file is created; a corrupt, too new, unwritable or
// locked one ends in a StoreError that says what to do. Knows nothing of what the tables mean.
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
  const target = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
    }
  } catch (error) {
    throw unwritable(file, `cannot move the corrupt file aside to ${target}`, error);
  }
  return target;
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
