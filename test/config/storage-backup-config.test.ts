// storage.backup: read as a directory, a duration and a count (default 7); mistakes named with
// their line and path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-backup-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const CHECKS = 'checks: [{ name: a, system: s, kind: tcp, host: 127.0.0.1, port: 1 }]\n';

function write(storage: string): string {
  count += 1;
  const file = join(scratch, `config-${count}.yaml`);
  writeFileSync(file, `storage:\n${storage}\n${CHECKS}`);
  return file;
}

function issuesOf(file: string): readonly ConfigIssue[] {
  try {
    loadConfig(file, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error(`${file} loaded, but it should be invalid`);
}

describe('storage.backup', () => {
  it('is absent unless given, and keeps 7 copies unless told', () => {
    expect(loadConfig(write('  path: ./x.db'), {}).config.backup).toBeUndefined();
    expect(loadConfig(write('  backup: { path: /var/backups/dvc, every: 6h }'), {}).config.backup).toEqual({
      directory: '/var/backups/dvc',
      everySeconds: 6 * 3600,
      keep: 7,
    });
    expect(loadConfig(write('  backup: { path: b, every: 1d, keep: 30 }'), {}).config.backup).toMatchObject({ everySeconds: 86400, keep: 30 });
  });

  it('names the line and path of each mistake', () => {
    expect(issuesOf(write('  path: ./x.db\n  backup:\n    path: b\n    every: 0s'))[0]).toMatchObject({
      line: 5,
      path: 'storage.backup.every',
      message: expect.stringContaining('at least 1s'),
    });
    expect(issuesOf(write('  backup: { path: b, every: 1h, keep: 0 }'))[0]).toMatchObject({ line: 2, path: 'storage.backup.keep' });
    expect(issuesOf(write('  backup: { every: 1h }'))[0]).toMatchObject({ line: 2, path: 'storage.backup.path' });
    expect(issuesOf(write('  backup: { path: b, every: 1h, rotate: 3 }'))[0]).toMatchObject({ line: 2, path: expect.stringContaining('storage.backup') });
  });
});
