import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { namedChannels } from '../../../src/config/alerting-config.ts';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length > 0) await rm(dirs.pop()!, { recursive: true, force: true });
});

async function load(sms: string, env: NodeJS.ProcessEnv = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dvc-sms-config-'));
  dirs.push(dir);
  const file = join(dir, 'monitor.yaml');
  await writeFile(
    file,
    [
      'location: an-giang',
      'storage: { path: ./sentinel.db }',
      'alerting:',
      '  email: { to: [trucban@angiang.gov.vn] }',
      '  sms:',
      ...sms.split('\n').map((line) => `    ${line}`),
      'checks:',
      '  - { name: dvcqg-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }',
      '',
    ].join('\n'),
  );
  return loadConfig(file, env);
}

describe('alerting.sms', () => {
  it('resolves an HTTP gateway and a gammu spool with their defaults, secrets from the environment', async () => {
    const loaded = await load(
      [
        '- name: brandname',
        '  via: http',
        '  to: ["+84912345678"]',
        '  template: "DVC {severity}: {system} {check} loi tu {since}"',
        '  url: https://sms.example.vn/api/send',
        '  auth: { header: { name: X-Api-Key, value: "${SMS_KEY}" } }',
        '  params: { phone: Phone, text: Content }',
        '  accept: { path: $.CodeResult, equals: "100" }',
        '  routes: [{ match: { severity: critical }, to: ["0987654321"] }]',
        '- name: modem',
        '  via: gammu',
        '  to: ["0987654321"]',
        '  template: "DVC {check} {status}"',
        '  ascii: true',
        '  maxSegments: 2',
        '  outbox: /var/spool/gammu/outbox',
      ].join('\n'),
      { SMS_KEY: 'key-0123456789' },
    );
    const [http, gammu] = loaded.config.alerting.sms;
    expect(http).toMatchObject({
      kind: 'sms',
      name: 'brandname',
      ascii: false,
      maxSegments: 1,
      routes: [{ match: { severity: 'critical' }, to: ['0987654321'] }],
      via: {
        kind: 'http',
        method: 'POST',
        body: 'json',
        timeoutSeconds: 10,
        auth: { kind: 'header', name: 'X-Api-Key', value: 'key-0123456789' },
        params: { phone: 'Phone', text: 'Content', sender: 'sender' },
        accept: { equals: '100' },
      },
    });
    expect(gammu).toMatchObject({ name: 'modem', ascii: true, maxSegments: 2, routes: [], via: { kind: 'gammu', outbox: '/var/spool/gammu/outbox' } });
    expect(loaded.secrets).toContain('key-0123456789');
    expect(namedChannels(loaded.config.alerting).map((channel) => channel.name)).toEqual(['brandname', 'modem']);
  });

  it.each([
    ['an unknown template variable', '- { name: a, via: gammu, to: ["0912345678"], template: "DVC {host}", outbox: /tmp }', 'unknown variable {host}'],
    ['a phone number with letters', '- { name: a, via: gammu, to: ["call-me"], template: "x", outbox: /tmp }', 'must be a phone number'],
    ['an http channel without url', '- { name: a, via: http, to: ["0912345678"], template: "x" }', 'url'],
    ['ten segments', '- { name: a, via: gammu, to: ["0912345678"], template: "x", maxSegments: 10, outbox: /tmp }', 'maxSegments'],
    ['a third medium', '- { name: a, via: smpp, to: ["0912345678"], template: "x" }', 'via'],
  ])('refuses %s', async (_name, sms, message) => {
    const error = await load(sms).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toContain(message);
  });
});
