import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DnsCheck, HttpCheck, TcpCheck, TlsCheck } from '../../src/config/config.ts';
import { DEFAULTS } from '../../src/config/config.ts';
import { ConfigError, type ConfigIssue } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { KINDS } from '../../src/probes/registry.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

function issuesOf(file: string, env: NodeJS.ProcessEnv = {}): readonly ConfigIssue[] {
  try {
    loadConfig(file, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error(`${file} loaded, but it should be invalid`);
}

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;
function writeConfig(text: string): string {
  scratchCount += 1;
  const file = join(scratch, `config-${scratchCount}.yaml`);
  writeFileSync(file, text);
  return file;
}

// [fixture, line, column, path, message fragment, issues expected (one mistake → usually one)]
const INVALID: readonly (readonly [string, number, number, string, string, number?])[] = [
  ['invalid-alerting-depends-on-cycle.yaml', 3, 97, 'checks[0].dependsOn', 'dependsOn forms a cycle: portal-dns → portal-home → portal-dns'],
  ['invalid-alerting-depends-on-unknown.yaml', 8, 17, 'checks[1].dependsOn[0]', 'no check named "portal-dsn"'],
  ['invalid-alerting-email-address.yaml', 5, 36, 'alerting.email.to[1]', 'must be an e-mail address'],
  ['invalid-alerting-vantage-unknown.yaml', 3, 27, 'alerting.vantage[1]', 'no check named "resolver-ok"'],
  ['invalid-alerting-window-cron.yaml', 4, 37, 'alerting.maintenance[0].cron', 'is not a cron expression'],
  ['invalid-alerting-window-order.yaml', 6, 12, 'alerting.maintenance[0].end', 'the window must end after it starts'],
  ['invalid-alerting-window-time.yaml', 4, 31, 'alerting.maintenance[0].start', 'must be an ISO-8601 time with an offset'],
  ['invalid-ca-file-damaged.yaml', 9, 15, 'checks[0].tls.caFile', 'holds a certificate that cannot be read'],
  ['invalid-ca-file-missing.yaml', 8, 15, 'checks[0].tls.caFile', 'cannot read CA file'],
  ['invalid-ca-file-not-pem.yaml', 7, 20, 'checks[0].tls.caFile', 'holds no PEM certificate'],
  ['invalid-dns-address-family.yaml', 11, 11, 'checks[0].expect.addresses[1]', '"2001:db8::10" is not an IPv4 address'],
  ['invalid-duplicate-name.yaml', 7, 11, 'checks[1].name', 'duplicate check name "portal-home"; first used at line 3'],
  ['invalid-duplicate-yaml-key.yaml', 7, 5, 'checks[0].url', 'duplicate key "url"'],
  ['invalid-duration-no-unit.yaml', 4, 12, 'defaults.timeout', '10 has no unit; write a duration such as "10s"'],
  ['invalid-duration.yaml', 7, 15, 'checks[0].interval', '"30 seconds" is not a duration'],
  ['invalid-empty-checks.yaml', 3, 9, 'checks', 'needs at least one check'],
  ['invalid-env-reference.yaml', 8, 22, 'checks[0].headers.Authorization', 'is not a valid environment variable reference'],
  ['invalid-expectation-outside-expect.yaml', 7, 5, 'checks[0].status', 'unknown key "status"; it belongs under "expect:"'],
  ['invalid-ip-family.yaml', 7, 15, 'checks[0].ipFamily', 'expected 4, 6 or "any", got the number 5'],
  ['invalid-json-path.yaml', 12, 17, 'checks[0].expect.json[1].path', 'malformed at character 7'],
  ['invalid-kind-missing.yaml', 3, 5, 'checks[0].kind', `missing "kind"; it must be one of ${KINDS.join(', ')}`],
  ['invalid-kind.yaml', 5, 11, 'checks[0].kind', `unknown kind "htpp"; kinds are ${KINDS.join(', ')}`],
  ['invalid-latency-order.yaml', 8, 24, 'checks[0].expect.latency.warn', 'warn (5s) must be shorter than critical (2s)'],
  ['invalid-listen.yaml', 3, 11, 'server.listen', '"localhost" must be host:port'],
  ['invalid-max-body-bytes.yaml', 8, 21, 'checks[0].expect.maxBodyBytes', '"1 megabyte" is not a size'],
  ['invalid-method.yaml', 7, 13, 'checks[0].method', 'did you mean "GET"?'],
  ['invalid-missing-checks.yaml', 2, 1, 'checks', 'missing required key "checks"'],
  ['invalid-missing-env.yaml', 8, 22, 'checks[0].headers.Authorization', 'environment variable SENTINEL_FIXTURE_UNSET_TOKEN is not set'],
  ['invalid-multiple-documents.yaml', 7, 1, '', 'more than one YAML document'],
  ['invalid-name-chars.yaml', 3, 11, 'checks[0].name', '"Portal_Home" must be 1-63 characters of a-z, 0-9 and "-"'],
  ['invalid-objective-both.yaml', 3, 32, 'objectives[0].check', 'give either "system" or "check", not both'],
  ['invalid-objective-duplicate.yaml', 4, 14, 'objectives[1].check', 'a second objective for check "portal-home" (also objectives[0])'],
  ['invalid-objective-neither.yaml', 3, 5, 'objectives[0]', 'needs "system" or "check"'],
  ['invalid-objective-period.yaml', 3, 50, 'objectives[0].period', '"year" is not allowed; use one of "month", "week", "day"'],
  ['invalid-objective-target-range.yaml', 3, 35, 'objectives[0].target', '150 must be above 0% and at most 100%'],
  ['invalid-objective-target.yaml', 3, 35, 'objectives[0].target', '"99,5%" is not a percentage; write e.g. "99.5%"'],
  ['invalid-objective-unknown-check.yaml', 3, 14, 'objectives[0].check', 'no check named "portal-hom"'],
  ['invalid-objective-unknown-system.yaml', 3, 15, 'objectives[0].system', 'no check has system "provincial-portal"'],
  ['invalid-port-range.yaml', 3, 92, 'checks[0].port', 'must be at most 65535'],
  ['invalid-record-type.yaml', 7, 17, 'checks[0].recordType', '"SRV" is not allowed; use one of "A", "AAAA", "CNAME", "MX", "NS", "TXT"'],
  ['invalid-report-deadline.yaml', 5, 15, 'reports[0].deadline', '"4pm" must be a local time "HH:MM"'],
  ['invalid-report-duplicate-name.yaml', 4, 13, 'reports[1].name', 'duplicate report name "daily" (also reports[0])'],
  ['invalid-report-missing-to.yaml', 3, 5, 'reports[0].to', 'missing required key "to"'],
  ['invalid-report-schedule.yaml', 4, 15, 'reports[0].schedule', '"75 15 * * *" is not a cron expression'],
  ['invalid-report-timezone.yaml', 5, 15, 'reports[0].timezone', 'unknown time zone "Asia/Saigon_City"'],
  ['invalid-report-window.yaml', 5, 13, 'reports[0].window', '"yesterday" is not allowed; use one of "sincePrevious", "day", "week", "month"'],
  ['invalid-resolver.yaml', 7, 15, 'checks[0].resolver', '"dns.google:53" must be an IP address'],
  ['invalid-retention-too-short.yaml', 4, 20, 'storage.retention.notifications', 'must be at least 1h'],
  ['invalid-root-list.yaml', 2, 1, '', 'expected a map of settings with at least "checks:", got a list'],
  ['invalid-server-headers-timeout.yaml', 4, 19, 'server.headersTimeout', 'must not be longer than requestTimeout (default 30s)'],
  ['invalid-status-code.yaml', 8, 21, 'checks[0].expect.status[1]', 'must be at most 599'],
  ['invalid-timeout-over-default-interval.yaml', 9, 14, 'checks[0].timeout', 'timeout 1m30s is longer than interval 1m (from defaults)'],
  ['invalid-timeout-over-interval.yaml', 8, 14, 'checks[0].timeout', 'timeout 2m is longer than interval 1m'],
  ['invalid-tls-on-http.yaml', 7, 5, 'checks[0].tls', 'tls options apply only to https:// URLs'],
  ['invalid-unknown-key-check.yaml', 7, 5, 'checks[0].interval_s', 'unknown key "interval_s"; did you mean "interval"?'],
  ['invalid-unknown-key-expect.yaml', 9, 7, 'checks[0].expect.bodyContain', 'unknown key "bodyContain"; did you mean "bodyContains"?'],
  ['invalid-unknown-key-top.yaml', 2, 1, 'locaton', 'unknown key "locaton"; did you mean "location"?'],
  ['invalid-url-missing.yaml', 7, 5, 'checks[1].url', 'missing required key "url"'],
  ['invalid-url.yaml', 6, 10, 'checks[0].url', '"dichvucong.gov.vn/" must be an http:// or https:// URL'],
  ['invalid-wrong-type.yaml', 7, 23, 'checks[0].failureThreshold', 'expected a number, got "three"'],
  // One misplaced indent makes the parser stumble three times on the same line.
  ['invalid-yaml-indent.yaml', 5, 1, '', 'YAML: Sequence item without - indicator', 3],
  ['invalid-yaml-syntax.yaml', 5, 18, '', 'a value holding ": " needs quotes'],
  ['invalid-zero-interval.yaml', 7, 15, 'checks[0].interval', '"0s" must be longer than 0'],
];

describe('loadConfig on the broken-config corpus', () => {
  const cases = INVALID.map(([name, line, column, path, fragment, count]) => ({ name, line, column, path, fragment, count: count ?? 1 }));
  it.each(cases)('$name: line $line column $column at "$path"', ({ name, line, column, path, fragment, count }) => {
    const issues = issuesOf(fixture(name));
    expect(issues).toHaveLength(count);
    const [first] = issues;
    expect(first).toMatchObject({ file: fixture(name), line, column, path });
    expect(first!.message).toContain(fragment);
  });

  it('has a table row for every invalid fixture, and at least 20 of them', () => {
    const files = readdirSync(FIXTURES)
      .filter((name) => name.startsWith('invalid-') && name.endsWith('.yaml'))
      .sort();
    expect(INVALID.map(([name]) => name).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(20);
  });
});

describe('loadConfig on valid files', () => {
  it('applies defaults to a minimal file', () => {
    const { config, secrets, warnings } = loadConfig(fixture('valid-minimal.yaml'), {});
    expect(secrets).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config.storagePath).toBe(DEFAULTS.storagePath);
    expect(config.retentionSeconds).toEqual({ notifications: 30 * 86400, incidents: 400 * 86400, raw: 48 * 3600, aggregates: 400 * 86400 });
    const check = config.checks[0] as HttpCheck;
    expect(check).toMatchObject({
      name: 'portal-home',
      kind: 'http',
      method: 'GET',
      intervalSeconds: 60,
      timeoutSeconds: 10,
      failureThreshold: 2,
      ipFamily: 4,
      followRedirects: false,
    });
    expect(check.expect.maxBodyBytes).toBe(1024 * 1024);
  });

  it('reads objectives: the target as percent, the period defaulted to month', () => {
    const file = writeConfig(`objectives:
  - { system: national-portal, target: 99.5% }
  - { check: portal-home, target: 99, period: week }
checks:
  - { name: portal-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }
`);
    expect(loadConfig(file, {}).config.objectives).toEqual([
      { scope: 'system', name: 'national-portal', target: 99.5, period: 'month' },
      { scope: 'check', name: 'portal-home', target: 99, period: 'week' },
    ]);
    expect(loadConfig(fixture('valid-minimal.yaml'), {}).config.objectives).toEqual([]);
  });

  it('reads reports with their defaults', () => {
    const file = writeConfig(`reports:
  - name: daily
    schedule: "30 15 * * *"
    deadline: "15:55"
    to: [pc06@angiang.gov.vn, trucban@angiang.gov.vn]
    unit: "Sở Khoa học và Công nghệ tỉnh An Giang"
  - { name: weekly, schedule: "0 8 * * 1", timezone: UTC, window: week, to: [pc06@angiang.gov.vn], cc: [so@angiang.gov.vn], unit: "Sở KH&CN", signer: "Nguyễn Văn A", locale: en }
checks:
  - { name: portal-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }
`);
    const { config, warnings } = loadConfig(file, {});
    expect(warnings).toEqual([]);
    expect(config.reports).toEqual([
      {
        name: 'daily',
        schedule: '30 15 * * *',
        timezone: 'Asia/Ho_Chi_Minh',
        deadline: '15:55',
        window: 'sincePrevious',
        to: ['pc06@angiang.gov.vn', 'trucban@angiang.gov.vn'],
        cc: [],
        unit: 'Sở Khoa học và Công nghệ tỉnh An Giang',
        signer: undefined,
        locale: 'vi',
      },
      {
        name: 'weekly',
        schedule: '0 8 * * 1',
        timezone: 'UTC',
        deadline: undefined,
        window: 'week',
        to: ['pc06@angiang.gov.vn'],
        cc: ['so@angiang.gov.vn'],
        unit: 'Sở KH&CN',
        signer: 'Nguyễn Văn A',
        locale: 'en',
      },
    ]);
    expect(loadConfig(fixture('valid-minimal.yaml'), {}).config.reports).toEqual([]);
    const empty = writeConfig(`reports:
  - { name: daily, schedule: "30 15 * * *", to: [], unit: "Sở KH&CN" }
checks:
  - { name: portal-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }
`);
    expect(issuesOf(empty)).toMatchObject([{ line: 2, path: 'reports[0].to', message: expect.stringContaining('needs at least one recipient') }]);
  });

  it('reads every kind and option, with env values, CA files and units resolved', () => {
    const ca = join(FIXTURES, 'ca', 'test-ca.pem');
    const env = { SENTINEL_TOKEN: 'fixture-token-123', SENTINEL_SYNC_HOST: 'sync.example.test', SENTINEL_SYNC_PORT: '8443' };
    const { config, secrets } = loadConfig(fixture('valid-full.yaml'), env);
    expect(config.location).toBe('an-giang-dc');
    expect(config.listen).toEqual({ host: '::1', port: 9464 });
    expect(config.maxConcurrency).toBe(8);
    expect(config.checks.map((check) => check.kind)).toEqual(['http', 'tls', 'dns', 'dns', 'tcp']);

    const http = config.checks[0] as HttpCheck;
    expect(http.intervalSeconds).toBe(90);
    expect(http.headers.authorization).toBe('Bearer fixture-token-123');
    expect(http.headers['x-template']).toBe('${NOT_EXPANDED}');
    expect(JSON.parse(http.body!)).toEqual({ limit: 5, lastId: '', q: '' });
    expect(http.expect.maxBodyBytes).toBe(1024 * 1024);
    expect(http.expect.json.map((rule) => rule.path.steps)).toEqual([['code'], ['data', 'items', 0, 'name']]);
    expect(http.latency).toEqual({ warnSeconds: 2, criticalSeconds: 5 });
    expect(http.tls).toMatchObject({ minDaysLeft: 14, caFile: ca, serverName: 'dichvucong.gov.vn' });
    expect(http.tls.ca).toContain('-----BEGIN CERTIFICATE-----');

    const tls = config.checks[1] as TlsCheck;
    expect(tls).toMatchObject({ host: 'sync.example.test', port: 8443, intervalSeconds: 120, timeoutSeconds: 20, ipFamily: 'any' });
    expect(tls.tls.caFile).toBe(ca);

    expect(config.checks[2] as DnsCheck).toMatchObject({ recordType: 'AAAA', resolver: { host: '127.0.0.1', port: 5353 } });
    expect(config.checks[3] as DnsCheck).toMatchObject({ recordType: 'A', resolver: { host: '::1', port: 53 } });
    expect(config.checks[4] as TcpCheck).toMatchObject({ host: '127.0.0.1', port: 587, timeoutSeconds: 5 });

    expect([...secrets].sort()).toEqual(['fixture-token-123', 'sync.example.test', '8443'].sort());
  });

  it('reads storage.retention as durations, each key on its own', () => {
    const checks = 'checks: [{ name: a, system: s, kind: tcp, host: 127.0.0.1, port: 1 }]\n';
    const all = loadConfig(writeConfig(`storage: { retention: { notifications: 7d, incidents: 730d, raw: 72h, aggregates: 800d } }\n${checks}`), {});
    expect(all.config.retentionSeconds).toEqual({ notifications: 7 * 86400, incidents: 730 * 86400, raw: 72 * 3600, aggregates: 800 * 86400 });
    const one = loadConfig(writeConfig(`storage: { path: ./x.db, retention: { incidents: 1d } }\n${checks}`), {});
    expect(one.config.retentionSeconds).toEqual({ notifications: 30 * 86400, incidents: 86400, raw: 48 * 3600, aggregates: 400 * 86400 });
    expect(issuesOf(writeConfig(`storage: { retention: { incidents: 12h } }\n${checks}`))[0]).toMatchObject({
      line: 1,
      path: 'storage.retention.incidents',
      message: expect.stringContaining('must be at least 1d'),
    });
    expect(issuesOf(writeConfig(`storage: { retention: { raw: 30m } }\n${checks}`))[0]).toMatchObject({
      path: 'storage.retention.raw',
      message: expect.stringContaining('must be at least 1h'),
    });
  });

  it('returns a frozen config', () => {
    const { config } = loadConfig(fixture('valid-minimal.yaml'), {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.checks[0])).toBe(true);
  });

  it('warns, without failing, when a gov.vn host is probed more than once a minute', () => {
    const { config, warnings } = loadConfig(fixture('valid-gov-vn-fast.yaml'), {});
    expect(config.checks).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ line: 9, column: 15, path: 'checks[0].interval' });
    expect(warnings[0]!.message).toContain('the national portal throttles clients; probe at most about once a minute');
  });

  it('accepts YAML anchors and merge keys, so checks can share settings', () => {
    const file = writeConfig(
      [
        'checks:',
        '  - &national',
        '    name: portal-home',
        '    system: national-portal',
        '    kind: http',
        '    url: https://dichvucong.gov.vn/',
        '    interval: 2m',
        '  - <<: *national',
        '    name: portal-search',
        '    url: https://dichvucong.gov.vn/tra-cuu-ho-so',
        '',
      ].join('\n'),
    );
    const { config } = loadConfig(file, {});
    expect(config.checks.map((check) => [check.name, check.system, check.intervalSeconds, (check as HttpCheck).url])).toEqual([
      ['portal-home', 'national-portal', 120, 'https://dichvucong.gov.vn/'],
      ['portal-search', 'national-portal', 120, 'https://dichvucong.gov.vn/tra-cuu-ho-so'],
    ]);
  });

  it('warns for a sync check that polls a gov.vn API more than once a minute, but not for a tls check', () => {
    const file = writeConfig(
      [
        'checks:',
        '  - name: sync-lag',
        '    system: sync',
        '    kind: sync',
        '    interval: 30s',
        '    source: { url: "https://apidvc.angiang.gov.vn/pa/x", watermark: "$.t" }',
        '  - { name: cert, system: s, kind: tls, host: dichvucong.gov.vn, interval: 30s }',
        '',
      ].join('\n'),
    );
    const { warnings } = loadConfig(file, {});
    expect(warnings.map((warning) => [warning.line, warning.path])).toEqual([[5, 'checks[0].interval']]);
    expect(warnings[0]!.message).toContain('probes apidvc.angiang.gov.vn every 30s');
  });

  it('warns at defaults.interval when the fast interval comes from defaults', () => {
    const file = writeConfig(
      ['defaults:', '  interval: 30s', 'checks:', '  - { name: a, system: s, kind: http, url: "https://motcua.angiang.gov.vn/" }', ''].join('\n'),
    );
    const { warnings } = loadConfig(file, {});
    expect(warnings.map((warning) => [warning.line, warning.path])).toEqual([[2, 'defaults.interval']]);
  });
});

describe('loadConfig reporting', () => {
  it('lists every issue in one error, sorted by line, with the file name', () => {
    const file = writeConfig(
      [
        'locaton: x', // 1 unknown key
        'checks:',
        '  - name: a',
        '    system: s',
        '    kind: tcp',
        '    host: h',
        '    port: 99999', // 7 out of range
        '  - name: b',
        '    system: s',
        '    kind: http',
        '    url: http://127.0.0.1/',
        '    timeout: 2m', // 12 timeout over the default interval
        '    tls: { verify: false }', // 13 tls on http
        '  - { name: b, system: s, kind: dns, host: "${MISSING_HOST}" }', // 14 duplicate name, missing env
        '',
      ].join('\n'),
    );
    const issues = issuesOf(file);
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [1, 'locaton'],
      [7, 'checks[0].port'],
      [12, 'checks[1].timeout'],
      [13, 'checks[1].tls'],
      [14, 'checks[2].name'],
      [14, 'checks[2].host'],
    ]);
    expect(issues.every((issue) => issue.file === file)).toBe(true);
  });

  it('asks for quotes around ${NAME} inside [ ] or { }, where YAML cannot read it bare', () => {
    const issues = issuesOf(writeConfig('checks:\n  - { name: a, system: s, kind: tcp, host: ${SENTINEL_HOST}, port: 1 }\n'), { SENTINEL_HOST: 'h' });
    expect(issues[0]!.line).toBe(2);
    expect(issues[0]!.message).toContain('inside [ ] or { }, write "${NAME}" in quotes');
  });

  it('allows a timeout equal to the interval, and refuses one a millisecond longer', () => {
    const text = (timeout: string) => `checks:\n  - { name: a, system: s, kind: tcp, host: h, port: 1, interval: 30s, timeout: ${timeout} }\n`;
    expect(loadConfig(writeConfig(text('30s')), {}).config.checks[0]!.timeoutSeconds).toBe(30);
    expect(issuesOf(writeConfig(text('30s1ms')))[0]!.message).toContain('is longer than interval 30s');
  });

  it('names the file when it cannot be read', () => {
    const missing = join(scratch, 'does-not-exist.yaml');
    const error = (() => {
      try {
        loadConfig(missing, {});
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as ConfigError).issues).toEqual([{ file: missing, path: '', message: 'cannot read config file: no such file' }]);
    expect((error as ConfigError).message).toContain(missing);
  });

  it('says what an empty file lacks', () => {
    const issues = issuesOf(writeConfig('# nothing yet\n'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('expected a map of settings with at least "checks:"');
  });

  it('lists allowed keys when no key is close to the unknown one', () => {
    const issues = issuesOf(writeConfig('checks:\n  - { name: a, system: s, kind: tcp, host: h, port: 1, zzz: 1 }\n'));
    expect(issues[0]!.message).toBe(
      'unknown key "zzz"; allowed here: name, system, description, interval, timeout, failureThreshold, successThreshold, resolver, dependsOn, alertOn, flapping, kind, host, port, ipFamily, expect',
    );
  });

  it('does not add a type error on top of an unset variable', () => {
    const issues = issuesOf(writeConfig('checks:\n  - name: a\n    system: s\n    kind: tcp\n    host: h\n    port: ${SENTINEL_UNSET_PORT}\n'));
    expect(issues.map((issue) => issue.message)).toEqual(['environment variable SENTINEL_UNSET_PORT is not set']);
    expect(issues[0]).toMatchObject({ line: 6, column: 11, path: 'checks[0].port' });
  });

  it('reports a bad anchored value at the anchor and where the alias uses it', () => {
    const issues = issuesOf(
      writeConfig(
        ['defaults:', '  timeout: &slow 5 minutes', 'checks:', '  - { name: a, system: s, kind: tcp, host: h, port: 1, timeout: *slow }', ''].join('\n'),
      ),
    );
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [2, 'defaults.timeout'],
      [4, 'checks[0].timeout'],
    ]);
  });

  it('reports the same unreadable CA file for each check that names it', () => {
    const issues = issuesOf(
      writeConfig(
        [
          'checks:',
          '  - { name: a, system: s, kind: tls, host: h, tls: { caFile: nope.pem } }',
          '  - { name: b, system: s, kind: tls, host: h, tls: { caFile: ./nope.pem } }',
          '',
        ].join('\n'),
      ),
    );
    expect(issues.map((issue) => issue.line)).toEqual([2, 3]);
    expect(issues[0]!.message).toContain(join(scratch, 'nope.pem'));
  });
});

describe('shipped configs', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));

  it('loads config/monitor.yaml without credentials or warnings, politely timed', () => {
    const { config, warnings, secrets } = loadConfig(join(ROOT, 'config/monitor.yaml'), {});
    expect(warnings).toEqual([]);
    expect(secrets).toEqual([]);
    expect(config.location).toBe('an-giang');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config.storagePath).toBe('./data/sentinel.db');
    for (const check of config.checks) {
      expect(check.intervalSeconds, check.name).toBeGreaterThanOrEqual(60);
      expect(check.timeoutSeconds, check.name).toBeGreaterThanOrEqual(10);
      expect(check.timeoutSeconds, check.name).toBeLessThanOrEqual(20);
      if (check.kind === 'http') expect(check.headers.authorization, check.name).toBeUndefined();
    }
    expect(new Set(config.checks.map((check) => check.system))).toEqual(new Set(['national-portal', 'quantricong', 'provincial', 'payment', 'vneid']));
    const api = config.checks.find((check) => check.kind === 'http' && check.method === 'POST') as HttpCheck;
    expect(api.url).toBe('https://dichvucong.gov.vn/api/v1/submitting/formality/list-all-public-formality-by-citizen');
    expect(JSON.parse(api.body!)).toEqual({ limit: 5, lastId: '', q: '', categoryId: '', departmentCode: '' });
    expect(api.expect.status).toEqual([200, 201]);
    expect(api.expect.json.map((rule) => [rule.path.source, rule.equals])).toEqual([['$.code', 'OK']]);
  });

  const EXAMPLE_ENV = {
    IGATE_TOKEN: 'dummy-igate-token',
    SMTP_HOST: 'mail.example.test',
    SMTP_PORT: '587',
    SMTP_USER: 'giamsat',
    SMTP_PASS: 'dummy-smtp-pass',
  };
  const examples = readdirSync(join(ROOT, 'config/examples')).filter((name) => name.endsWith('.yaml'));

  it('ships at least one example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('loads config/examples/%s with its variables set', (name) => {
    const { config, warnings } = loadConfig(join(ROOT, 'config/examples', name), EXAMPLE_ENV);
    expect(config.checks.length).toBeGreaterThan(0);
    expect(warnings).toEqual([]);
  });

  it('sends the iGate token from the environment and reads the SMTP port as a number', () => {
    const sync = loadConfig(join(ROOT, 'config/examples/sync-apis.yaml'), EXAMPLE_ENV);
    const gateway = sync.config.checks.find((check) => check.name === 'apidvc-angiang') as HttpCheck;
    expect(gateway.headers.authorization).toBe('Bearer dummy-igate-token');
    expect(gateway.expect.status).toEqual([200, 401]);
    expect(sync.secrets).toContain('dummy-igate-token');
    const network = loadConfig(join(ROOT, 'config/examples/provincial-network.yaml'), EXAMPLE_ENV);
    expect((network.config.checks[0] as TcpCheck).port).toBe(587);
  });
});

describe('kind suggestions', () => {
  it('suggests the kind a typo most likely meant', () => {
    const issues = issuesOf(fixture('invalid-kind.yaml'));
    expect(issues[0]!.message).toMatch(/did you mean "http"\?$/);
  });
});

describe('alerting config', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  it('resolves the example: routes, windows, vantage, per-check alertOn and dependsOn', () => {
    const { config } = loadConfig(join(ROOT, 'config/examples/alerting.yaml'), { SMTP_USER: 'giamsat', SMTP_PASS: 'dummy-smtp-pass' });
    const alerting = config.alerting;
    expect(alerting.locale).toBe('vi');
    expect([alerting.groupWaitSeconds, alerting.groupIntervalSeconds, alerting.repeatIntervalSeconds]).toEqual([10, 60, 3600]);
    expect(alerting.email.smtp).toMatchObject({ host: 'mail.angiang.gov.vn', port: 587, requireTLS: true, auth: { user: 'giamsat', pass: 'dummy-smtp-pass' } });
    expect(alerting.email.outboxDir).toBe(join('./data', 'outbox-mail'));
    expect(alerting.vantage).toEqual(['vantage-gateway', 'vantage-resolver']);
    expect(alerting.maintenance[0]).toMatchObject({
      kind: 'absolute',
      name: 'cutover',
      start: new Date('2026-05-29T15:00:00Z'),
      to: ['tocongtac-chuyendoi@angiang.gov.vn'],
    });
    expect(alerting.maintenance[1]).toMatchObject({
      kind: 'recurring',
      cron: '0 1 * * *',
      durationSeconds: 1800,
      timezone: 'Asia/Ho_Chi_Minh',
      checks: ['igate-*'],
    });
    expect(alerting.alertmanager).toMatchObject({ urls: ['http://127.0.0.1:9093'], resendIntervalSeconds: 60 });
    const byName = new Map(config.checks.map((check) => [check.name, check]));
    expect(byName.get('dvcqg-home')!.dependsOn).toEqual(['dvcqg-dns']);
    expect(byName.get('igate-motcua')!.alertOn).toBe('warning');
    expect(byName.get('dvcqg-dns')!.alertOn).toBe('critical');
  });

  it('defaults to Vietnamese, no SMTP (mail as .eml files beside the store) and 10s/1m/1h timings', () => {
    const { config } = loadConfig(join(ROOT, 'test/fixtures/config/valid-minimal.yaml'));
    expect(config.alerting).toMatchObject({
      locale: 'vi',
      groupWaitSeconds: 10,
      groupIntervalSeconds: 60,
      repeatIntervalSeconds: 3600,
      alertOn: 'critical',
      vantage: [],
      maintenance: [],
    });
    expect(config.alerting.email.smtp).toBeUndefined();
    expect(config.alerting.email.outboxDir).toBe(join('data', 'outbox-mail'));
  });
});
