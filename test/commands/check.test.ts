import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/commands/check.ts';
import { KINDS } from '../../src/probes/registry.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/config');

function run(config: string, env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = checkCommand({ config }, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) }, env);
  return { code, stdout, stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('checkCommand', () => {
  it('prints a summary of a valid config and exits 0', () => {
    const file = join(scratch, 'ok.yaml');
    writeFileSync(
      file,
      [
        'checks:',
        '  - { name: a, system: s, kind: http, url: "http://127.0.0.1/" }',
        '  - { name: b, system: s, kind: http, url: "http://127.0.0.1/b" }',
        '  - { name: c, system: s, kind: tcp, host: 127.0.0.1, port: 1 }',
        '  - { name: d, system: s, kind: dns, host: example.test }',
        '',
      ].join('\n'),
    );
    expect(run(file)).toEqual({ code: 0, stdout: [`${file}: OK, 4 checks (2 http, 1 dns, 1 tcp)`], stderr: [] });
  });

  it('counts every kind, sync included, in the order of the probe registry', () => {
    const file = join(scratch, 'every-kind.yaml');
    const side = (path: string) => `{ url: "http://127.0.0.1/${path}", watermark: "$.at" }`;
    writeFileSync(
      file,
      [
        'checks:',
        `  - { name: s, system: s, kind: sync, source: ${side('s')}, target: ${side('t')} }`,
        '  - { name: t, system: s, kind: tcp, host: 127.0.0.1, port: 1 }',
        '  - { name: d, system: s, kind: dns, host: example.test }',
        '  - { name: l, system: s, kind: tls, host: example.test }',
        '  - { name: h, system: s, kind: http, url: "http://127.0.0.1/" }',
        '  - { name: f, system: s, kind: flow, steps: [{ name: a, request: { url: "http://127.0.0.1/" } }] }',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = run(file);
    expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
    expect(stdout).toEqual([`${file}: OK, 6 checks (${KINDS.map((kind) => `1 ${kind}`).join(', ')})`]);
    expect(stdout[0]).toContain('1 sync');
  });

  it('counts the shipped config by kind', () => {
    const file = join(ROOT, 'config/monitor.yaml');
    const { code, stdout, stderr } = run(file);
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    expect(stdout).toEqual([`${file}: OK, 14 checks (7 http, 4 tls, 3 dns)`]);
  });

  it('says "1 check" for one', () => {
    expect(run(join(FIXTURES, 'valid-minimal.yaml')).stdout[0]).toMatch(/: OK, 1 check \(1 http\)$/);
  });

  it('prints every issue as file:line:column path: message, then a count, and exits 2', () => {
    const file = join(scratch, 'bad.yaml');
    writeFileSync(
      file,
      [
        'checks:',
        '  - name: portal',
        '    system: national-portal',
        '    kind: http',
        '    url: https://dichvucong.gov.vn/',
        '    interval_s: 60s',
        '    expect:',
        '      latency: { warn: 5s, critical: 2 }',
        '  - { name: dns, system: s, kind: dns, host: h, resolver: "${SENTINEL_DNS}" }',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = run(file);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      `${file}:6:5 checks[0].interval_s: unknown key "interval_s"; did you mean "interval"?`,
      `${file}:8:38 checks[0].expect.latency.critical: 2 has no unit; write a duration such as "2s" (units: ms, s, m, h, d)`,
      `${file}:9:59 checks[1].resolver: environment variable SENTINEL_DNS is not set`,
      `3 errors in ${file}`,
    ]);
  });

  it('keeps the path as the user typed it in messages', () => {
    const file = relative(process.cwd(), join(FIXTURES, 'invalid-latency-order.yaml'));
    const { code, stderr } = run(file);
    expect(code).toBe(2);
    expect(stderr).toEqual([`${file}:8:24 checks[0].expect.latency.warn: warn (5s) must be shorter than critical (2s)`, `1 error in ${file}`]);
  });

  it('prints warnings as "warning: ..." and still exits 0', () => {
    const file = join(FIXTURES, 'valid-gov-vn-fast.yaml');
    const { code, stdout, stderr } = run(file);
    expect(code).toBe(0);
    expect(stderr).toEqual([
      `warning: ${file}:9:15 checks[0].interval: check "portal-home" probes dichvucong.gov.vn every 15s; the national portal throttles clients; probe at most about once a minute`,
    ]);
    expect(stdout).toEqual([`${file}: OK, 2 checks (2 http)`]);
  });

  it('exits 2 naming a file that does not exist', () => {
    const file = join(scratch, 'missing.yaml');
    expect(run(file)).toEqual({
      code: 2,
      stdout: [],
      stderr: [`${file}: cannot read config file: no such file`, `1 error in ${file}`],
    });
  });

  it('uses the environment it is given', () => {
    const file = join(scratch, 'env.yaml');
    writeFileSync(file, 'checks:\n  - name: t\n    system: s\n    kind: tcp\n    host: 127.0.0.1\n    port: ${SENTINEL_PORT}\n');
    expect(run(file, {}).code).toBe(2);
    expect(run(file, { SENTINEL_PORT: '8080' }).code).toBe(0);
    // A value from the environment may be a token: messages show it masked.
    expect(run(file, { SENTINEL_PORT: 'eighty' }).stderr[0]).toBe(`${file}:6:11 checks[0].port: expected a number, got "***"`);
  });
});
