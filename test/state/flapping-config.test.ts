// alerting.flapping in a real config file: defaults, values, and mistakes pointed at by line and column.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-flapping-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

function configFile(alerting: string): string {
  count += 1;
  const file = join(scratch, `monitor-${count}.yaml`);
  writeFileSync(file, ['checks:', '  - { name: portal-home, system: portal, kind: http, url: "https://portal.example.test/" }', alerting].join('\n'));
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

describe('alerting.flapping', () => {
  it('defaults to more than 6 changes in 30 minutes, and a 3-minute recovery hold', () => {
    expect(loadConfig(configFile(''), {}).config.alerting.flapping).toEqual({ changes: 6, windowSeconds: 1800, recoveryHoldSeconds: 180 });
  });

  it('takes a recovery hold, 0s included, and refuses a negative one by line', () => {
    const file = configFile(['alerting:', '  flapping:', '    recoveryHold: 0s'].join('\n'));
    expect(loadConfig(file, {}).config.alerting.flapping.recoveryHoldSeconds).toBe(0);
    const bad = issuesOf(configFile(['alerting:', '  flapping:', '    recoveryHold: soon'].join('\n')));
    expect(bad).toEqual([expect.objectContaining({ line: 5, path: 'alerting.flapping.recoveryHold' })]);
  });

  it('takes changes and a window with a unit', () => {
    const file = configFile(['alerting:', '  flapping:', '    changes: 4', '    window: 15m'].join('\n'));
    expect(loadConfig(file, {}).config.alerting.flapping).toEqual({ changes: 4, windowSeconds: 900, recoveryHoldSeconds: 180 });
  });

  it('lets a check have its own rule, completed from alerting.flapping', () => {
    count += 1;
    const file = join(scratch, `monitor-${count}.yaml`);
    writeFileSync(
      file,
      [
        'alerting:',
        '  flapping: { window: 10m, recoveryHold: 1m }',
        'checks:',
        '  - { name: portal-home, system: portal, kind: http, url: "https://portal.example.test/", flapping: { changes: 3 } }',
        '  - { name: portal-login, system: portal, kind: http, url: "https://portal.example.test/login" }',
      ].join('\n'),
    );
    const { config } = loadConfig(file, {});
    expect(config.checks.map((check) => [check.name, check.flapping])).toEqual([
      ['portal-home', { changes: 3, windowSeconds: 600, recoveryHoldSeconds: 60 }],
      ['portal-login', undefined],
    ]);
    expect(config.alerting.flapping).toEqual({ changes: 6, windowSeconds: 600, recoveryHoldSeconds: 60 });
  });

  it('points at a count below 1 and at an unknown key, by line and column', () => {
    const zero = issuesOf(configFile(['alerting:', '  flapping:', '    changes: 0'].join('\n')));
    expect(zero).toEqual([expect.objectContaining({ line: 5, column: 14, path: 'alerting.flapping.changes' })]);
    const unknown = issuesOf(configFile(['alerting:', '  flapping:', '    chnages: 4'].join('\n')));
    expect(unknown).toEqual([
      expect.objectContaining({ line: 5, column: 5, path: 'alerting.flapping.chnages', message: 'unknown key "chnages"; did you mean "changes"?' }),
    ]);
  });
});
