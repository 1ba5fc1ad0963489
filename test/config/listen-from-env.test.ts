// DVC_LISTEN replaces server.listen: the container image sets it so that any mounted config
// listens where the port is published, and the CLI commands that talk to the daemon follow it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-listen-env-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CHECK = ['checks:', '  - name: portal-home', '    system: national-portal', '    kind: http', '    url: https://dichvucong.example.test/'];
function writeConfig(name: string, lines: readonly string[]): string {
  const file = join(scratch, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const withoutListen = writeConfig('plain.yaml', CHECK);
const withListen = writeConfig('listen.yaml', ['server:', '  listen: 127.0.0.1:9500', ...CHECK]);
// A key the fast reader leaves to the full parse (merge keys), so both ways of loading are seen.
const withMergeKey = writeConfig('merge.yaml', ['defaults: &common { interval: 60s }', ...CHECK, '    <<: *common']);

describe('DVC_LISTEN', () => {
  it('is the listen address when the file sets none, and an anonymous viewer is no longer let in on a public address', () => {
    expect(loadConfig(withoutListen, {}).config.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig(withoutListen, {}).config.access.anonymous).toBe('viewer');
    const loaded = loadConfig(withoutListen, { DVC_LISTEN: '0.0.0.0:9464' });
    expect(loaded.config.listen).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(loaded.config.access.anonymous).toBe('none');
    // An address is not a secret: the logs say where the daemon listens.
    expect(loaded.secrets).toEqual([]);
  });

  it("replaces the file's server.listen, also through the full parse, and an empty value is unset", () => {
    expect(loadConfig(withListen, {}).config.listen).toEqual({ host: '127.0.0.1', port: 9500 });
    expect(loadConfig(withListen, { DVC_LISTEN: '[::]:9600' }).config.listen).toEqual({ host: '::', port: 9600 });
    expect(loadConfig(withMergeKey, { DVC_LISTEN: '0.0.0.0:9601' }).config.listen).toEqual({ host: '0.0.0.0', port: 9601 });
    expect(loadConfig(withListen, { DVC_LISTEN: '' }).config.listen).toEqual({ host: '127.0.0.1', port: 9500 });
  });

  it('refuses a value that is not host:port, naming the variable, the file and server.listen', () => {
    for (const file of [withListen, withMergeKey]) {
      let issues: readonly { file: string; path: string; line?: number; message: string }[] = [];
      try {
        loadConfig(file, { DVC_LISTEN: '9464' });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        issues = error.issues;
      }
      expect(issues).toEqual([
        expect.objectContaining({ file, path: 'server.listen', message: 'environment variable DVC_LISTEN="9464" must be host:port, e.g. 0.0.0.0:9464' }),
      ]);
    }
  });
});
