// kind: catalogue in the config file: defaults, and mistakes reported with file, line and path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { checkCommand } from '../../src/commands/check.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvc-catalogue-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CHECK = `checks:
  - name: national-catalogue
    kind: catalogue
    system: national-portal
    schedule: "0 1 * * *"
    source:
      list:
        url: https://dichvucong.gov.vn/api/v1/submitting/formality/list-all-public-formality-by-citizen
        body: { limit: 50, lastId: "{{cursor}}" }
        items: "$.data.items"
        cursor: "$.data.lastId"
        id: "$.id"
      detail:
        url: https://dichvucong.gov.vn/api/v1/configuring/formality/get-formality-by-citizen
        body: { id: "{{id}}" }
        record: "$.data"
    key: "$.code"
    fields:
      fees: "$.executionMethods[*].fees[*].amount"
`;

function load(text: string) {
  const file = join(dir, 'monitor.yaml');
  writeFileSync(file, text);
  return loadConfig(file);
}

function issuesOf(text: string) {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => ({ line: issue.line, path: issue.path, message: issue.message }));
    throw error;
  }
  throw new Error('loaded');
}

describe('kind: catalogue', () => {
  it('applies the defaults and keeps the check off the interval scheduler', () => {
    const { config } = load(CHECK);
    expect(config.checks).toEqual([]);
    expect(config.catalogues).toHaveLength(1);
    expect(config.catalogues[0]).toMatchObject({ rate: 0.5, deadlineSeconds: 14400, retentionSeconds: 400 * 86400, timeoutSeconds: 60 });
    expect(config.catalogues[0]!.list.method).toBe('POST');
    expect(config.catalogues[0]!.fields.fees!.fansOut).toBe(true);
  });

  it('is counted by `check`', () => {
    load(CHECK);
    const out: string[] = [];
    expect(checkCommand({ config: join(dir, 'monitor.yaml') }, { stdout: (line) => out.push(line), stderr: (line) => out.push(line) })).toBe(0);
    expect(out).toEqual([`${join(dir, 'monitor.yaml')}: OK, 1 check (1 catalogue)`]);
  });

  it('names the line of a schedule that is not a cron expression', () => {
    expect(issuesOf(CHECK.replace('"0 1 * * *"', '"every night"'))).toEqual([
      expect.objectContaining({ line: 5, path: 'checks[0].schedule', message: expect.stringContaining('not a cron expression') }),
    ]);
  });

  it('refuses an export column for a field that is not under fields:', () => {
    const text = `${CHECK}    compareWith:\n      file: provincial.csv\n      columns: { key: "Mã TTHC", fee: "Lệ phí" }\n`;
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ path: 'checks[0].compareWith.columns.fee', message: expect.stringContaining('not under fields') }),
    ]);
  });
});
