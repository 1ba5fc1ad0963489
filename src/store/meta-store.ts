// Small named JSON values that outlive a restart: the alerting engine's state, the last daily
// report's date. Not for anything with many rows; those get a table of their own.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { deserialize, serialize } from './serialize.ts';

export interface MetaStore {
  /** The caller vouches for T; Dates inside come back as Dates. */
  get<T>(key: string): T | undefined;
  /** Setting undefined removes the key. */
  set(key: string, value: unknown): void;
}

export function createMetaStore(db: Database.Database, clock: Clock): MetaStore {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');

  return {
    get<T>(key: string): T | undefined {
      const row = select.get(key);
      return row === undefined ? undefined : deserialize<T>(row.value);
    },
    set(key, value) {
      if (value === undefined) remove.run(key);
      else upsert.run(key, serialize(value), clock().getTime());
    },
  };
}
