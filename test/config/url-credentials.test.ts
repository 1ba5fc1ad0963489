// "user:password@host" in a URL is never sent as credentials; `check` refuses it at its line, for
// every URL a probe or a channel requests, and never repeats the password while saying so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/commands/check.ts';

const PASSWORD = 'Mk2024-s3cret';
const scratch = mkdtempSync(join(tmpdir(), 'sentinel-url-credentials-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(lines: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const file = join(scratch, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, [...lines, ''].join('\n'));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = checkCommand({ config: file }, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) }, env);
  return { file, code, stdout, stderr };
}

describe('credentials written into a URL', () => {
  it('are refused on an http check at the URL line, with a hint to use auth, without the password', () => {
    const { file, code, stderr } = check([
      'checks:',
      '  - name: portal',
      '    system: provincial',
      '    kind: http',
      `    url: "https://duty:${PASSWORD}@dvc.example.test/"`,
    ]);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:5:\\d+ checks\\[0\\]\\.url: holds a user name or password before "@"`));
    expect(stderr[0]).toContain('auth: { type: basic');
    expect(stderr.join('\n')).not.toContain(PASSWORD);
  });

  it('are refused wherever a probe or a channel requests a URL, each at its own line', () => {
    const { code, stderr } = check(
      [
        'alerting:',
        '  alertmanager: { urls: ["http://am:Am-pass-77@127.0.0.1:9093"] }',
        'checks:',
        '  - name: hoso-sync',
        '    system: sync',
        '    kind: sync',
        `    source: { url: "https://igate:\${IGATE_PASSWORD}@igate.example.test/api/sync", watermark: "$.at" }`,
        '  - name: login-flow',
        '    system: provincial',
        '    kind: flow',
        '    steps:',
        '      - name: home',
        '        request: { url: "https://duty:Flow-pass-42@sso.example.test/" }',
        '  - name: token-api',
        '    system: provincial',
        '    kind: http',
        '    url: "https://api.example.test/"',
        '    auth: { type: oauth2, tokenUrl: "https://client:Tok-pass-19@sso.example.test/token", clientId: dvc }',
      ],
      { IGATE_PASSWORD: PASSWORD },
    );
    expect(code).toBe(2);
    const refused = stderr.filter((line) => line.includes('before "@"'));
    expect(refused.map((line) => /:(\d+):\d+ (\S+):/.exec(line)?.slice(1, 3))).toEqual([
      ['2', 'alerting.alertmanager.urls[0]'],
      ['7', 'checks[0].source.url'],
      ['13', 'checks[1].steps[0].request.url'],
      ['18', 'checks[2].auth.tokenUrl'],
    ]);
    for (const secret of [PASSWORD, 'Am-pass-77', 'Flow-pass-42', 'Tok-pass-19']) expect(stderr.join('\n')).not.toContain(secret);
  });

  it('leaves an "@" after the host alone (a query or a path may hold one)', () => {
    const { code } = check(['checks:', '  - { name: lookup, system: s, kind: http, url: "https://dvc.example.test/tra-cuu?email=a@b.vn" }']);
    expect(code).toBe(0);
  });
});
