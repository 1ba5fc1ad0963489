import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, closeDatabase, migrateDatabase, openDatabase } from '../../src/store/database.ts';
import { migrations } from '../../src/store/migrations/migrations.ts';
import { openStore } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
const opened: Database.Database[] = [];
const open = (path: string, options: Partial<Parameters<typeof openDatabase>[1]> = {}): Database.Database => {
  const db = openDatabase(path, { log: createCapturedLog().log, ...options });
  opened.push(db);
  return db;
};

beforeEach(() => {
  temp = createTempDatabaseDir();
});
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
  temp.remove();
});

/** Runs fn and returns the StoreError it throws (fails the test when it throws nothing else). */
function catchStoreError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError, but nothing was thrown');
}

const tableNames = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );

describe('openDatabase', () => {
  it('creates a missing file and its directories, migrates it and logs that it did', () => {
    const path = join(temp.dir, 'nested', 'deeper', 'sentinel.db');
    const { log, lines } = createCapturedLog();
    const db = open(path, { log });
    expect(tableNames(db)).toEqual([
      'audit_log',
      'catalogue_crawl_locks',
      'catalogue_records',
      'catalogue_seen',
      'catalogue_snapshots',
      'check_state',
      'deliveries',
      'desk_acknowledgements',
      'desk_maintenance',
      'desk_notes',
      'desk_silences',
      'escalation_steps',
      'history_checks',
      'history_minutes',
      'history_raw',
      'incidents',
      'meta',
      'outbox',
      'people_incidents',
      'report_sends',
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(lines()).toContainEqual(expect.objectContaining({ level: 30, path, msg: 'store file not found; creating a new store' }));
    expect(lines()).toContainEqual(expect.objectContaining({ version: 1, migration: 'initial', msg: 'store migration applied' }));
  });

  it('sets WAL, synchronous NORMAL, a busy timeout and foreign keys', () => {
    const db = open(temp.path());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('keeps the data of an existing store and does not migrate it again', () => {
    const first = open(temp.path());
    first.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('k', '42', 0)").run();
    closeDatabase(first);
    const { log, lines } = createCapturedLog();
    const again = open(temp.path(), { log });
    expect(again.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: '42' });
    expect(lines().filter((line) => line.msg !== undefined && String(line.msg).startsWith('store'))).toEqual([]);
  });

  it('refuses a file that is not a database, naming it and saying what to do', () => {
    writeFileSync(temp.path(), Buffer.alloc(8192, 0x5a));
    writeFileSync(`${temp.path()}-wal`, 'wal of the broken file');
    const error = catchStoreError(() => open(temp.path()));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.file).toBe(temp.path());
    expect(error.message).toContain(temp.path());
    expect(error.message).toMatch(/move it aside, or start with --fresh-store/);
    // Nothing was changed or left behind: the file and its WAL as they were, no lock.
    expect(readFileSync(temp.path())).toEqual(Buffer.alloc(8192, 0x5a));
    expect(readFileSync(`${temp.path()}-wal`, 'utf8')).toBe('wal of the broken file');
    expect(existsSync(`${temp.path()}-shm`)).toBe(false);
    expect(existsSync(`${temp.path()}.lock`)).toBe(false);
  });

  it('refuses a database whose pages are damaged (quick_check fails)', () => {
    const db = open(temp.path());
    const insert = db.prepare('INSERT INTO meta (key, value, updated_at) VALUES (?, ?, 0)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`key-${i}`, 'x'.repeat(200));
    })();
    closeDatabase(db);
    opened.pop();
    const pageSize = 4096;
    expect(statSync(temp.path()).size).toBeGreaterThan(pageSize * 40);
    const fd = openSync(temp.path(), 'r+');
    writeSync(fd, Buffer.alloc(pageSize * 8, 0x33), 0, pageSize * 8, pageSize * 20);
    closeSync(fd);
    const error = catchStoreError(() => open(temp.path()));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(temp.path());
  });

  it("with onCorrupt 'fresh', moves the corrupt file and its WAL aside and starts an empty store with a warning", () => {
    writeFileSync(temp.path(), 'this is not SQLite '.repeat(500));
    writeFileSync(`${temp.path()}-wal`, 'stale wal');
    const { log, lines } = createCapturedLog();
    const clock = () => new Date('2026-05-30T01:02:03.456Z');
    const db = open(temp.path(), { log, onCorrupt: 'fresh', clock });
    const movedTo = `${temp.path()}.corrupt-2026-05-30T01-02-03-456Z`;
    expect(readFileSync(movedTo, 'utf8')).toBe('this is not SQLite '.repeat(500));
    expect(readFileSync(`${movedTo}-wal`, 'utf8')).toBe('stale wal');
    expect(tableNames(db)).toContain('outbox');
    expect(lines()).toContainEqual(
      expect.objectContaining({ level: 40, path: temp.path(), movedTo, msg: 'store file was corrupt; moved it aside and started an empty store' }),
    );
  });

  it('refuses a store written by a newer version, leaving it untouched', () => {
    const newer = new Database(temp.path());
    newer.pragma(`user_version = ${migrations.length + 1}`);
    newer.close();
    const before = readFileSync(temp.path());
    const error = catchStoreError(() => open(temp.path(), { onCorrupt: 'fresh' }));
    expect(error.code).toBe('STORE_TOO_NEW');
    expect(error.message).toContain(temp.path());
    expect(error.message).toContain(`schema version ${migrations.length + 1}`);
    expect(readFileSync(temp.path())).toEqual(before);
  });

  it("refuses another application's database as not a store", () => {
    const foreign = new Database(temp.path());
    foreign.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    foreign.close();
    const error = catchStoreError(() => open(temp.path()));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(/another application/);
  });

  it('refuses a path whose directory cannot be created (a regular file is in the way)', () => {
    writeFileSync(join(temp.dir, 'plain-file'), 'x');
    const path = join(temp.dir, 'plain-file', 'data', 'sentinel.db');
    const error = catchStoreError(() => open(path));
    expect(error.code).toBe('STORE_UNWRITABLE');
    expect(error.file).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('ENOTDIR');
  });

  it('refuses a path under /proc, where nothing can be created (and does not hang)', () => {
    const path = '/proc/dvc-sentinel-test/data/sentinel.db';
    const error = catchStoreError(() => open(path));
    expect(error.code).toBe('STORE_UNWRITABLE');
    expect(error.message).toContain(path);
  });

  it('refuses a path that is a directory', () => {
    mkdirSync(temp.path());
    const error = catchStoreError(() => open(temp.path()));
    expect(error.code).toBe('STORE_UNWRITABLE');
    expect(error.message).toContain(temp.path());
    expect(readdirSync(temp.dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
  });
});

describe('migrateDatabase', () => {
  it('applies only the migrations a database lacks, each recorded in user_version', () => {
    const db = new Database(':memory:');
    migrateDatabase(db);
    const next = { version: migrations.length + 1, name: 'probe-history', sql: 'CREATE TABLE probe_results (id INTEGER PRIMARY KEY) STRICT;' };
    migrateDatabase(db, undefined, [...migrations, next]);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    expect(tableNames(db)).toContain('probe_results');
    db.close();
  });

  it('rolls back a failing migration whole, version included', () => {
    const db = new Database(':memory:');
    migrateDatabase(db);
    const broken = { version: migrations.length + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); SELECT * FROM no_such_table;' };
    expect(() => migrateDatabase(db, undefined, [...migrations, broken])).toThrow(/no_such_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(tableNames(db)).not.toContain('half');
    db.close();
  });

  it('refuses a migration list with a gap in its versions', () => {
    const db = new Database(':memory:');
    expect(() => migrateDatabase(db, undefined, [...migrations, { version: migrations.length + 2, name: 'gap', sql: '' }])).toThrow(
      new RegExp(`has version ${migrations.length + 2}; expected ${migrations.length + 1}`),
    );
    db.close();
  });
});

describe('openStore', () => {
  it('opens a usable store and releases its lock on close', () => {
    const store = openStore(temp.path(), { log: createCapturedLog().log });
    expect(existsSync(`${temp.path()}.lock`)).toBe(true);
    store.meta.set('k', 'v');
    store.close();
    expect(existsSync(`${temp.path()}.lock`)).toBe(false);
  });
});
