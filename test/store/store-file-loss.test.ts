// The store file deleted or replaced under an open store: told apart from the file in use, written
// afresh at its path with everything in it (through parts handed out before), a foreign file kept
// aside; and consistent copies through the online backup.
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/store/database.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
let store: Store | undefined;

beforeEach(() => {
  temp = createTempDatabaseDir();
});
afterEach(() => {
  store?.close();
  store = undefined;
  temp.remove();
});

const open = (): Store => (store = openStore(temp.path(), { log: createCapturedLog().log, clock: () => new Date('2026-05-29T01:00:00Z') }));

/** Reads a key of the meta table straight from the file at the path, as a restarted daemon would. */
function metaInFile(path: string, key: string): unknown {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  } finally {
    db.close();
  }
}

describe('store file lost while open', () => {
  it('tells a deleted file, and rewrites it with what was written before and after the loss', () => {
    const opened = open();
    // A part taken before the loss, as the daemon's parts are taken once at start.
    const meta = opened.meta;
    meta.set('before', 1);
    expect(opened.fileState()).toBe('ok');
    rmSync(temp.path());
    expect(opened.fileState()).toBe('deleted');
    meta.set('between', 2);
    expect(opened.rewriteFile()).toEqual({});
    expect(opened.fileState()).toBe('ok');
    meta.set('after', 3);
    expect([metaInFile(temp.path(), 'before'), metaInFile(temp.path(), 'between'), metaInFile(temp.path(), 'after')]).toEqual([1, 2, 3]);
    expect(opened.transaction(() => meta.get('between'))).toBe(2);
  });

  it('tells a replaced file, moves the stranger aside with its own content and its -wal is not replayed', () => {
    const opened = open();
    opened.meta.set('incident', 'open');
    const stranger = temp.path('other.db');
    const other = new Database(stranger);
    other.exec('CREATE TABLE unrelated (x); INSERT INTO unrelated VALUES (42)');
    other.close();
    renameSync(stranger, temp.path());
    expect(opened.fileState()).toBe('replaced');
    const { movedAside } = opened.rewriteFile();
    expect(movedAside).toMatch(/sentinel\.db\.replaced-2026-05-29T01-00-00-000Z$/);
    if (movedAside === undefined) throw new Error('nothing was moved aside');
    const aside = new Database(movedAside, { readonly: true });
    expect(aside.prepare('SELECT x FROM unrelated').get()).toEqual({ x: 42 });
    aside.close();
    opened.meta.set('later', true);
    expect(metaInFile(temp.path(), 'incident')).toBe('open');
    expect(metaInFile(temp.path(), 'later')).toBe(true);
    const check = new Database(temp.path(), { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('a replacing file that brought its own -wal keeps it, and ours is not paired with it', () => {
    const opened = open();
    opened.meta.set('incident', 'open');
    // A WAL-mode stranger whose row lives only in its -wal: copied while its connection is open.
    const source = new Database(temp.path('source.db'));
    source.pragma('journal_mode = WAL');
    source.pragma('wal_autocheckpoint = 0');
    source.exec('CREATE TABLE unrelated (x); INSERT INTO unrelated VALUES (9)');
    copyFileSync(temp.path('source.db'), temp.path('stranger.db'));
    copyFileSync(temp.path('source.db-wal'), temp.path('stranger.db-wal'));
    source.close();
    renameSync(temp.path('stranger.db'), temp.path());
    renameSync(temp.path('stranger.db-wal'), `${temp.path()}-wal`);
    const { movedAside } = opened.rewriteFile();
    if (movedAside === undefined) throw new Error('nothing was moved aside');
    expect(existsSync(`${movedAside}-wal`)).toBe(true);
    const aside = new Database(movedAside, { readonly: true });
    expect(aside.prepare('SELECT x FROM unrelated').get()).toEqual({ x: 9 });
    aside.close();
    expect(metaInFile(temp.path(), 'incident')).toBe('open');
  });

  it('a restart after the rewrite opens the fresh file, lock and all', () => {
    const opened = open();
    opened.meta.set('incident', 'open');
    rmSync(temp.path());
    rmSync(`${temp.path()}.lock`);
    opened.rewriteFile();
    expect(existsSync(`${temp.path()}.lock`)).toBe(true);
    opened.close();
    store = undefined;
    const again = open();
    expect(again.meta.get('incident')).toBe('open');
  });
});

describe('store backup', () => {
  it('writes a whole, self-contained copy and no partial file', async () => {
    const opened = open();
    for (let index = 0; index < 200; index++) opened.meta.set(`key-${index}`, 'x'.repeat(2000));
    const target = temp.path('copy.db');
    await opened.backup(target);
    expect(readdirSync(temp.dir).filter((name) => name.startsWith('copy.db'))).toEqual(['copy.db']);
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect((copy.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'key-%'").get() as { n: number }).n).toBe(200);
    copy.close();
  });

  it('copies from a second, read-only connection in one step', async () => {
    const opened = open();
    opened.meta.set('k', 'v');
    const reader = new Database(temp.path(), { readonly: true });
    await backupDatabase(reader, temp.path('copy.db'), 'all');
    reader.close();
    expect(metaInFile(temp.path('copy.db'), 'k')).toBe('v');
  });
});
