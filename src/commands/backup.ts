// `backup`: a consistent copy of the store at --out, made with SQLite's online backup beside a
// running daemon (read-only, no lock taken, nothing written to the store). The copy is written
// under "<out>.partial" and renamed when whole, so --out never names half a store; it is one
// self-contained file (no -wal beside it) that `PRAGMA integrity_check` passes. Exit 0 written,
// 1 the store could not be read or the copy not written, 2 bad config or usage (cli.ts).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { backupDatabase, closeDatabase, openDatabaseReadOnly } from '../store/database.ts';

export interface BackupOptions {
  readonly config: string;
  readonly out: string;
}

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
}

export async function backupCommand(options: BackupOptions, io: Io): Promise<number> {
  const { config } = loadConfig(options.config);
  const out = resolve(options.out);
  if (out === resolve(config.storagePath)) {
    io.stderr(`--out ${out} is the store itself; give the copy another path`);
    return 2;
  }
  let db;
  try {
    db = openDatabaseReadOnly(config.storagePath);
  } catch (error) {
    io.stderr(`dvc-sentinel backup: ${(error as Error).message}`);
    return 1;
  }
  try {
    // Every page in one step: a write by the running daemon between two steps would start the copy over.
    await backupDatabase(db, out, 'all');
  } catch (error) {
    io.stderr(`dvc-sentinel backup: cannot write ${out}: ${(error as Error).message}`);
    return 1;
  } finally {
    closeDatabase(db);
  }
  io.stdout(`${out} (${statSync(out).size} bytes): a copy of ${resolve(config.storagePath)}`);
  return 0;
}
