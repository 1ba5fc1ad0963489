import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { planReload } from '../../../src/config/reload-plan.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-channels-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
function write(alerting: string): string {
  count += 1;
  const file = join(scratch, `config-${count}.yaml`);
  writeFileSync(file, `checks:\n  - name: dvc-home\n    kind: http\n    url: https://dichvucong.angiang.gov.vn/\n    system: dvc-tinh\nalerting:\n${alerting}`);
  return file;
}

function issuesOf(file: string, env: NodeJS.ProcessEnv = {}): readonly ConfigIssue[] {
  try {
    loadConfig(file, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('loaded, but it should be invalid');
}

describe('alerting.webhooks and alerting.zalo', () => {
  it('resolves a webhook with only name and url to POST, 10s, the default body, and a Zalo channel to the platform address', () => {
    const file = write(
      [
        '  webhooks:',
        '    - name: ioc-tinh',
        '      url: https://ioc.angiang.gov.vn/hook',
        '  zalo:',
        '    - name: zalo-truc',
        '      token: ${ZALO_TOKEN}',
        '      chatIds: ["c1"]',
        '      routes:',
        '        - match: { severity: critical }',
        '          to: ["c2"]',
        '',
      ].join('\n'),
    );
    const { config, secrets } = loadConfig(file, { ZALO_TOKEN: '1234:zalo-secret-token' });
    expect(config.alerting.webhooks).toEqual([
      {
        kind: 'webhook',
        name: 'ioc-tinh',
        routes: [],
        url: 'https://ioc.angiang.gov.vn/hook',
        method: 'POST',
        headers: {},
        timeoutSeconds: 10,
        tls: { verify: true },
      },
    ]);
    expect(config.alerting.zalo).toEqual([
      {
        kind: 'zalo',
        name: 'zalo-truc',
        routes: [{ match: { severity: 'critical' }, to: ['c2'] }],
        token: '1234:zalo-secret-token',
        chatIds: ['c1'],
        apiBase: 'https://bot-api.zaloplatforms.com',
        timeoutSeconds: 10,
      },
    ]);
    expect(secrets).toContain('1234:zalo-secret-token');
  });

  it('refuses a channel name used twice across kinds, or a built-in name, at its line and column', () => {
    const file = write(
      [
        '  webhooks:',
        '    - name: truc-ban',
        '      url: https://ioc.angiang.gov.vn/hook',
        '    - name: email',
        '      url: https://ioc.angiang.gov.vn/hook2',
        '  zalo:',
        '    - name: truc-ban',
        '      token: abcd',
        '      chatIds: ["c1"]',
        '  sms:',
        '    - name: truc-ban',
        '      via: gammu',
        '      outbox: /var/spool/gammu/outbox',
        '      to: ["0912345678"]',
        '      template: "DVC {severity}: {check}"',
        '',
      ].join('\n'),
    );
    const issues = issuesOf(file);
    expect(issues).toHaveLength(3);
    // SMS channels share the one list of names too.
    expect(issues[2]).toMatchObject({ path: 'alerting.sms[0].name' });
    expect(issues[0]).toMatchObject({ line: 10, column: 13, path: 'alerting.webhooks[1].name' });
    expect(issues[0]!.message).toContain('"email" is a built-in channel');
    expect(issues[1]).toMatchObject({ line: 13, column: 13, path: 'alerting.zalo[0].name' });
    expect(issues[1]!.message).toContain('duplicate channel name "truc-ban" (also alerting.webhooks[0])');
  });

  it('refuses a Zalo channel with no chat at all and a route naming an unknown window', () => {
    const file = write(['  zalo:', '    - name: zalo-truc', '      token: abcd', '      routes:', '        - match: { maintenance: nang-cap }', ''].join('\n'));
    const messages = issuesOf(file).map((issue) => issue.message);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringContaining('no maintenance window named "nang-cap"'), expect.stringContaining('no chat to send to')]),
    );
  });

  it('restarts delivery on a reload that adds a channel, so its notifications are delivered at once', () => {
    const before = loadConfig(write('  locale: vi\n'), {}).config;
    const after = loadConfig(write('  zalo:\n    - { name: zalo-truc, token: abcd, chatIds: [c1] }\n'), {}).config;
    expect(planReload(before, after).restartDelivery).toBe(true);
    expect(planReload(after, after).restartDelivery).toBe(false);
  });

  it('refuses a webhook template naming an unknown field, or one that is not JSON once filled', () => {
    const template = (text: string) =>
      write(['  webhooks:', '    - name: ioc', '      url: https://ioc.angiang.gov.vn/hook', `      body: { template: '${text}' }`, ''].join('\n'));
    expect(issuesOf(template('{"a": "{{chek}}"}'))[0]).toMatchObject({ path: 'alerting.webhooks[0].body.template', line: 10 });
    expect(issuesOf(template('{"a": "{{chek}}"}'))[0]!.message).toContain('unknown placeholder {{chek}}');
    expect(issuesOf(template('{"a": {{check}}}'))[0]!.message).toContain('not JSON once filled');
    expect(loadConfig(template('{"a": "{{check}}", "b": "{{ message }}"}'), {}).config.alerting.webhooks[0]!.body).toEqual({
      encoding: 'json',
      template: '{"a": "{{check}}", "b": "{{ message }}"}',
    });
  });
});
