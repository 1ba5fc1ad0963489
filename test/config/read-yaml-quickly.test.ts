// The quick read (js-yaml for structure, yaml's own tags for scalars) must give exactly what the
// full parse gives, or give up so that the full parse reports the problem with its line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { HttpCheck } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfigWithPositions, loadValidConfigQuickly, type LoadedConfig } from '../../src/config/load-config.ts';
import { hasPath } from '../../src/config/read-yaml-quickly.ts';

const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sentinel-quick-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface BothWays {
  readonly quick: LoadedConfig | undefined;
  readonly full: LoadedConfig | undefined;
  readonly fullError: ConfigError | undefined;
}

function readBothWays(file: string, source: string, env: NodeJS.ProcessEnv): BothWays {
  const quick = loadValidConfigQuickly(file, source, env);
  try {
    return { quick, full: loadConfigWithPositions(file, source, env), fullError: undefined };
  } catch (error) {
    if (error instanceof ConfigError) return { quick, full: undefined, fullError: error };
    throw error;
  }
}

function expectSameResult(both: BothWays): void {
  if (both.quick === undefined) {
    // Giving up is always allowed; the full parse then decides.
    return;
  }
  expect(both.fullError?.message).toBeUndefined();
  expect(both.full!.warnings).toEqual([]);
  expect(both.quick.config).toEqual(both.full!.config);
  expect([...both.quick.secrets].sort()).toEqual([...both.full!.secrets].sort());
}

function oneCheck(extra: string): string {
  return `checks:\n  - name: portal\n    system: dvc\n    kind: http\n    url: https://dichvucong.test/\n${extra}`;
}

describe('the quick read of a config file', () => {
  it('reads every shipped config exactly as the full parse does', () => {
    const files = [
      ...readdirSync(CONFIG_DIR)
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => join(CONFIG_DIR, name)),
      ...readdirSync(join(CONFIG_DIR, 'examples')).map((name) => join(CONFIG_DIR, 'examples', name)),
    ];
    let quickly = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // Every referenced variable set to a value that fits wherever it is used.
      const env = Object.fromEntries(
        [...source.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => [match[1], /PORT/.test(match[1]!) ? '2525' : `value-of-${match[1]}`]),
      );
      const both = readBothWays(file, source, env);
      // demo.yaml trusts a CA that the simulator writes when it starts; before that, both ways refuse it.
      if (both.fullError !== undefined) expect(both.quick, file).toBeUndefined();
      else expectSameResult(both);
      if (both.quick !== undefined) quickly += 1;
    }
    expect(quickly).toBeGreaterThanOrEqual(3);
  });

  it('types every plain scalar as YAML 1.2 core does, and leaves quoted ones as text', () => {
    const scalars = [
      '0o17',
      '0x1F',
      '017',
      '+12',
      '-0',
      '1_000',
      '1e3',
      '6.5',
      '.5',
      '.inf',
      '-.Inf',
      '.NaN',
      '~',
      'null',
      'Null',
      'NULL',
      '',
      'true',
      'True',
      'FALSE',
      'yes',
      'no',
      'on',
      'off',
      'y',
      '08:00',
      '2026-11-26',
      '2026-11-26T08:00:00+07:00',
      '"12"',
      "'true'",
      '"null"',
      'Dịch vụ công',
      'a: b'.replace(': ', ':'),
      '!!str 12',
    ];
    for (const scalar of scalars) {
      const source = oneCheck(`    expect:\n      json:\n        - path: $.value\n          equals: ${scalar}\n`);
      const both = readBothWays('scalar.yaml', source, {});
      expectSameResult(both);
      if (both.full !== undefined && !scalar.startsWith('!!')) expect(both.quick, `quick read gave up on ${scalar}`).toBeDefined();
    }
    const typed = loadValidConfigQuickly(
      'typed.yaml',
      oneCheck(
        '    expect:\n      json:\n        - { path: $.a, equals: 0x1F }\n        - { path: $.b, equals: "0x1F" }\n        - { path: $.c, equals: yes }\n        - { path: $.d, equals: ~ }\n',
      ),
      {},
    );
    const equals = (typed!.config.checks[0] as HttpCheck).expect.json.map((entry) => entry.equals);
    expect(equals).toEqual([31, '0x1F', 'yes', null]);
  });

  it('substitutes environment variables and types an unquoted one as if written there', () => {
    const source = oneCheck(
      [
        '    timeout: ${TIMEOUT}',
        '    headers:',
        '      authorization: Bearer ${TOKEN}',
        '      x-literal: "$${TOKEN}"',
        '    expect:',
        '      json:',
        ...[
          ['a', '${NUMBER}'],
          ['b', "'${NUMBER}'"],
          ['c', '${FLAG}'],
          ['d', '${EMPTY}'],
          ['e', 'x$${NUMBER}'],
        ].flatMap(([path, value]) => [`        - path: $.${path}`, `          equals: ${value}`]),
        '',
      ].join('\n'),
    );
    const env = { TIMEOUT: '7s', TOKEN: 'secret-token-1234', NUMBER: '42', FLAG: 'true', EMPTY: '' };
    const both = readBothWays('env.yaml', source, env);
    expect(both.fullError?.message).toBeUndefined();
    expect(both.full?.warnings).toEqual([]);
    expect(both.quick).toBeDefined();
    expectSameResult(both);
    const check = both.quick!.config.checks[0] as HttpCheck;
    expect(check.timeoutSeconds).toBe(7);
    expect(check.headers).toEqual({ authorization: 'Bearer secret-token-1234', 'x-literal': '${TOKEN}' });
    expect(check.expect.json.map((entry) => entry.equals)).toEqual([42, '42', true, '', 'x${NUMBER}']);
    // Values of four characters or more are scrubbed from logs, whichever way they were read.
    expect([...both.quick!.secrets].sort()).toEqual(['secret-token-1234', 'true']);
  });

  it('gives up on anything the full parse must explain or place', () => {
    const cases: Record<string, [string, NodeJS.ProcessEnv]> = {
      'an unset variable': [oneCheck('    timeout: ${MISSING}\n'), {}],
      'a duplicate key': [oneCheck('    timeout: 5s\n    timeout: 6s\n'), {}],
      'a schema error': [oneCheck('    timeout: soon\n'), {}],
      'a YAML syntax error': [oneCheck('    headers: { a: b\n'), {}],
      'two documents': [`${oneCheck('')}---\nchecks: []\n`, {}],
      'a merge key': [`common: &common { timeout: 5s }\n${oneCheck('    <<: *common\n')}`, {}],
      'an empty file': ['', {}],
    };
    for (const [name, [source, env]] of Object.entries(cases)) {
      const file = join(scratch, `${name.replaceAll(' ', '-')}.yaml`);
      writeFileSync(file, source);
      expect(loadValidConfigQuickly(file, source, env), name).toBeUndefined();
    }
    // …and the full parse still points at the line.
    const both = readBothWays('late.yaml', oneCheck('    timeout: soon\n'), {});
    expect(both.fullError?.issues[0]).toMatchObject({ line: 6, path: 'checks[0].timeout' });
  });

  it('knows which paths a document holds, null values included', () => {
    const value = { a: { b: null, c: [1, { d: 2 }] } };
    expect(hasPath(value, ['a', 'b'])).toBe(true);
    expect(hasPath(value, ['a', 'c', 1, 'd'])).toBe(true);
    expect(hasPath(value, ['a', 'x'])).toBe(false);
    expect(hasPath(value, ['a', 'b', 'x'])).toBe(false);
    expect(hasPath(value, ['a', 'c', 2])).toBe(false);
  });
});
