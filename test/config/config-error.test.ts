import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue, formatIssuePath } from '../../src/config/config-error.ts';
import { suggestNearest } from '../../src/config/suggest-nearest.ts';

describe('formatConfigIssue', () => {
  it.each([
    [
      { file: 'config/x.yaml', line: 12, column: 7, path: 'checks[3].expect.latency.warn', message: 'too long' },
      'config/x.yaml:12:7 checks[3].expect.latency.warn: too long',
    ],
    [{ file: 'config/x.yaml', line: 3, column: 1, path: '', message: 'YAML: bad' }, 'config/x.yaml:3:1: YAML: bad'],
    [{ file: 'config/x.yaml', line: 3, path: 'checks', message: 'empty' }, 'config/x.yaml:3 checks: empty'],
    [{ file: 'config/x.yaml', path: '', message: 'cannot read config file: no such file' }, 'config/x.yaml: cannot read config file: no such file'],
  ])('formats %j', (issue, expected) => {
    expect(formatConfigIssue(issue)).toBe(expected);
  });
});

describe('formatIssuePath', () => {
  it.each([
    [[], ''],
    [['location'], 'location'],
    [['checks', 3, 'expect', 'latency', 'warn'], 'checks[3].expect.latency.warn'],
    [['checks', 0, 'headers', 'x-token'], 'checks[0].headers["x-token"]'],
    [['checks', 0, 'expect', 'addresses', 1], 'checks[0].expect.addresses[1]'],
  ])('writes %j as %s', (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });
});

describe('ConfigError', () => {
  it('carries a stable code, every issue, and a message listing them', () => {
    const issues = [
      { file: 'a.yaml', line: 1, column: 1, path: 'x', message: 'one' },
      { file: 'a.yaml', line: 2, column: 3, path: 'y', message: 'two' },
    ];
    const error = new ConfigError(issues);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe('2 errors in a.yaml:\na.yaml:1:1 x: one\na.yaml:2:3 y: two');
  });
});

describe('suggestNearest', () => {
  const keys = ['name', 'system', 'interval', 'timeout', 'failureThreshold', 'maxBodyBytes', 'minDaysLeft', 'host', 'port'];
  it.each([
    ['interval_s', 'interval'],
    ['intervl', 'interval'],
    ['Timeout', 'timeout'],
    ['min_days_left', 'minDaysLeft'],
    ['failure-threshold', 'failureThreshold'],
    ['maxBody', 'maxBodyBytes'],
    ['tiemout', 'timeout'],
    ['sytem', 'system'],
  ])('suggests the key meant by %s', (word, expected) => {
    expect(suggestNearest(word, keys)).toBe(expected);
  });

  it.each(['zzz', 'url', 'address', 'p', ''])('suggests nothing for %j, which is no near miss', (word) => {
    expect(suggestNearest(word, keys)).toBeUndefined();
  });
});
