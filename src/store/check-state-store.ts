// Each check's state (status, counters, last result), one JSON row per check. Saved after every
// probe, so a save is a single prepared UPSERT; run it inside store.transaction together with the
// incident changes and outbox rows it causes.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { CheckState } from '../state/check-state.ts';
import { deserialize, serialize } from './serialize.ts';

export interface CheckStateStore {
  loadAll(): Map<string, CheckState>;
  save(check: string, state: CheckState): void;
  /** For checks removed from the config; absent checks are ignored. */
  remove(check: string): void;
}

export function createCheckStateStore(db: Database.Database, clock: Clock): CheckStateStore {
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO check_state (check_name, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (check_name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  const selectAll = db.prepare<[], { check_name: string; state: string }>('SELECT check_name, state FROM check_state ORDER BY check_name');
  const remove = db.prepare<[string]>('DELETE FROM check_state WHERE check_name = ?');

  return {
    loadAll: () => new Map(selectAll.all().map((row) => [row.check_name, deserialize<CheckState>(row.state)])),
    save(check, state) {
      upsert.run(check, serialize(state), clock().getTime());
    },
    remove(check) {
      remove.run(check);
    },
  };
}
