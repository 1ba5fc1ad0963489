// `auths:` and `auth` on http and sync checks: names resolved, inline auths named after their
// check, a side's own auth over the check's, secrets from files kept with the text they were
// written as, and unknown names refused at their line and column.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FlowCheck, HttpCheck, SyncCheck } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dvc-auth-config-'));
const secretFile = join(dir, 'client-secret');
writeFileSync(secretFile, 'cs-from-file-71c2\n');

function write(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const AUTHS = [
  'auths:',
  '  tinh:',
  '    type: oauth2',
  '    tokenUrl: https://ssodvc.angiang.gov.vn/auth/realms/digo/protocol/openid-connect/token',
  '    clientId: dvc-sentinel',
  `    clientSecret: "\${file:${secretFile}}"`,
  '  quocgia: { type: bearer, token: "${NATIONAL_TOKEN}" }',
];

describe('auths', () => {
  it('gives a flow step a named or inline auth, and refuses an unknown name at the step', () => {
    const file = write('flow.yaml', [
      ...AUTHS,
      'checks:',
      '  - name: login',
      '    system: provincial',
      '    kind: flow',
      '    steps:',
      '      - { name: search, request: { url: "https://apidvc.angiang.gov.vn/pa/" }, auth: tinh }',
      '      - { name: legacy, request: { url: "https://apidvc.angiang.gov.vn/ba/" }, auth: { type: basic, username: giamsat, password: "${BASIC_PASS}" } }',
    ]);
    const { config } = loadConfig(file, { NATIONAL_TOKEN: 'nt-0a9b8c7d', BASIC_PASS: 'bp-11223344' });
    const flow = config.checks[0] as FlowCheck;
    expect(flow.steps.map((step) => step.auth)).toEqual(['tinh', 'login-legacy']);
    expect(config.auths['login-legacy']).toMatchObject({ type: 'basic', username: { value: 'giamsat' } });

    const bad = write('flow-bad.yaml', [
      ...AUTHS,
      'checks:',
      '  - name: login',
      '    system: provincial',
      '    kind: flow',
      '    steps:',
      '      - { name: search, request: { url: "https://apidvc.angiang.gov.vn/pa/" }, auth: tinhh }',
    ]);
    let error: unknown;
    try {
      loadConfig(bad, { NATIONAL_TOKEN: 'nt-0a9b8c7d' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      expect.objectContaining({ path: 'checks[0].steps[0].auth', line: 13, message: 'no auth named "tinhh" in auths:; did you mean "tinh"?' }),
    ]);
  });

  it('resolves names, inline auths and a sync side that overrides its check', () => {
    const file = write('ok.yaml', [
      ...AUTHS,
      'checks:',
      '  - { name: api, system: provincial, kind: http, url: "https://apidvc.angiang.gov.vn/pa/", auth: tinh }',
      '  - { name: basic-api, system: provincial, kind: http, url: "https://apidvc.angiang.gov.vn/ba/", auth: { type: basic, username: giamsat, password: "${BASIC_PASS}" } }',
      '  - name: sync-hoso',
      '    system: sync',
      '    kind: sync',
      '    auth: tinh',
      '    source: { url: "https://apidvc.angiang.gov.vn/pa/last", watermark: $.at }',
      '    target: { url: "https://dichvucong.gov.vn/api/last", watermark: $.at, auth: quocgia }',
    ]);
    const { config, secrets } = loadConfig(file, { NATIONAL_TOKEN: 'nt-0a9b8c7d', BASIC_PASS: 'bp-11223344' });
    const [api, basic, sync] = config.checks as [HttpCheck, HttpCheck, SyncCheck];
    expect(api.auth).toBe('tinh');
    expect(basic.auth).toBe('basic-api');
    expect([sync.auth, sync.source.auth, sync.target?.auth]).toEqual(['tinh', 'tinh', 'quocgia']);
    expect(Object.keys(config.auths).sort()).toEqual(['basic-api', 'quocgia', 'tinh']);
    expect(config.auths.tinh).toMatchObject({
      type: 'oauth2',
      grant: 'client_credentials',
      clientId: 'dvc-sentinel',
      clientSecret: { value: 'cs-from-file-71c2', template: `\${file:${secretFile}}` },
    });
    // From the environment: the value alone (it cannot change in a running process).
    expect(config.auths.quocgia).toEqual({ name: 'quocgia', type: 'bearer', token: { value: 'nt-0a9b8c7d' } });
    expect(config.auths['basic-api']).toMatchObject({ type: 'basic', username: { value: 'giamsat' }, password: { value: 'bp-11223344' } });
    expect(secrets).toEqual(expect.arrayContaining(['cs-from-file-71c2', 'nt-0a9b8c7d', 'bp-11223344']));
  });

  it('names an inline auth apart from an entry of auths: that has its check’s name', () => {
    const file = write('clash.yaml', [
      'auths:',
      '  api: { type: bearer, token: tk-shared-1 }',
      'checks:',
      '  - { name: api, system: provincial, kind: http, url: "https://apidvc.angiang.gov.vn/pa/", auth: { type: bearer, token: tk-own-22 } }',
    ]);
    const { config } = loadConfig(file, {});
    expect((config.checks[0] as HttpCheck).auth).toBe('api-2');
    expect(config.auths.api).toMatchObject({ token: { value: 'tk-shared-1' } });
    expect(config.auths['api-2']).toMatchObject({ token: { value: 'tk-own-22' } });
  });

  it('refuses an auth name that is not in auths:, at its line and column, with the nearest name', () => {
    const file = write('unknown.yaml', [
      ...AUTHS,
      'checks:',
      '  - { name: api, system: provincial, kind: http, url: "https://apidvc.angiang.gov.vn/pa/", auth: tinhh }',
      '  - name: sync-hoso',
      '    system: sync',
      '    kind: sync',
      '    source: { url: "https://apidvc.angiang.gov.vn/pa/last", watermark: $.at }',
      '    target:',
      '      url: "https://dichvucong.gov.vn/api/last"',
      '      watermark: $.at',
      '      auth: khongco',
    ]);
    const error = (() => {
      try {
        loadConfig(file, { NATIONAL_TOKEN: 'nt-0a9b8c7d' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('loaded');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map(({ line, column, path, message }) => ({ line, column, path, message }))).toEqual([
      { line: 9, column: 98, path: 'checks[0].auth', message: 'no auth named "tinhh" in auths:; did you mean "tinh"?' },
      { line: 17, column: 13, path: 'checks[1].target.auth', message: 'no auth named "khongco" in auths:; auths: has tinh, quocgia' },
    ]);
  });

  it('asks a password grant for its username and password', () => {
    const file = write('password.yaml', [
      'auths:',
      '  tinh: { type: oauth2, grant: password, tokenUrl: "https://sso.example.vn/token", clientId: x, password: mk-12345 }',
      'checks:',
      '  - { name: api, system: provincial, kind: http, url: "https://apidvc.angiang.gov.vn/pa/", auth: tinh }',
    ]);
    expect(() => loadConfig(file, {})).toThrow(/auths\.tinh.*grant: password needs "username"/s);
  });

  it('loads the shipped provincial API example with its secret read from a file', () => {
    const { config } = loadConfig(join(ROOT, 'config/examples/provincial-api.yaml'), {});
    expect(config.auths['angiang-sso']).toMatchObject({
      type: 'oauth2',
      clientSecret: { template: '${file:config/secrets/angiang-api-client-secret}' },
    });
    expect(config.checks.map((check) => (check.kind === 'sync' ? check.source.auth : check.kind === 'http' ? check.auth : undefined))).toEqual([
      'angiang-sso',
      'angiang-sso',
    ]);
  });
});
