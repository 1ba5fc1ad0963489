import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../src/config/config-error.ts';
import { expandEnv } from '../../src/config/expand-env.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-secret-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('${file:PATH}', () => {
  it("reads the file's text with one trailing newline trimmed and counts it as a secret", () => {
    const secret = join(dir, 'token');
    writeFileSync(secret, 'zalo-token-from-file\n\n');
    const document = parseDocument(`token: \${file:${secret}}\nheader: "Bearer \${file:${secret}}"\n`);
    const { secrets, issues } = expandEnv(document, {});
    expect(issues).toEqual([]);
    expect(document.toJS()).toEqual({ token: 'zalo-token-from-file\n', header: 'Bearer zalo-token-from-file\n' });
    expect(secrets).toEqual(['zalo-token-from-file\n']);
  });

  it('loads a Zalo token from a file, and reports a missing file at its value without its content', () => {
    const secret = join(dir, 'zalo');
    writeFileSync(secret, '3171829:from-a-file\n');
    const file = join(dir, 'monitor.yaml');
    const config = (tokenRef: string) =>
      [
        'checks:',
        '  - { name: portal-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }',
        'alerting:',
        '  zalo:',
        '    - name: zalo-truc',
        `      token: \${file:${tokenRef}}`,
        '      chatIds: [c1]',
        '',
      ].join('\n');
    writeFileSync(file, config(secret));
    const loaded = loadConfig(file, {});
    expect(loaded.config.alerting.zalo[0]!.token).toBe('3171829:from-a-file');
    expect(loaded.secrets).toContain('3171829:from-a-file');

    writeFileSync(file, config(join(dir, 'absent')));
    try {
      loadConfig(file, {});
      throw new Error('loaded');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      expect(error.issues[0]).toMatchObject({ line: 6, path: 'alerting.zalo[0].token' });
      expect(error.issues[0]!.message).toContain('cannot read the secret file');
      expect(error.issues[0]!.message).toContain('ENOENT');
    }
  });
});
