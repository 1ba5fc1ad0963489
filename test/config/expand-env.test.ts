import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { expandEnv } from '../../src/config/expand-env.ts';

function expand(source: string, env: NodeJS.ProcessEnv) {
  const document = parseDocument(source);
  const result = expandEnv(document, env);
  return { ...result, value: document.toJS() as Record<string, unknown> };
}

describe('expandEnv', () => {
  it('replaces ${NAME} anywhere in a string value', () => {
    const { value, issues } = expand('auth: "Bearer ${TOKEN}"\nurl: https://${HOST}:8443/${PATH_PART}/x\n', {
      TOKEN: 'abc.def.ghi',
      HOST: 'sync.example.test',
      PATH_PART: 'api',
    });
    expect(issues).toEqual([]);
    expect(value).toEqual({ auth: 'Bearer abc.def.ghi', url: 'https://sync.example.test:8443/api/x' });
  });

  it.each([
    ['an integer', 'port: ${VALUE}', '8443', 8443],
    ['a float', 'ratio: ${VALUE}', '0.5', 0.5],
    ['a boolean', 'verify: ${VALUE}', 'false', false],
    ['a null', 'x: ${VALUE}', 'null', null],
    ['a hex integer', 'port: ${VALUE}', '0x1F', 31],
    ['text', 'host: ${VALUE}', 'mail.example.test', 'mail.example.test'],
    ['a number inside text', 'host: h${VALUE}', '1', 'h1'],
  ])('types an unquoted value that becomes %s as YAML would', (_, source, variable, expected) => {
    const { value } = expand(`${source}\n`, { VALUE: variable });
    expect(Object.values(value)[0]).toEqual(expected);
  });

  it('keeps a quoted value as text', () => {
    const { value } = expand('double: "${VALUE}"\nsingle: \'${VALUE}\'\n', { VALUE: '587' });
    expect(value).toEqual({ double: '587', single: '587' });
  });

  it('keeps an empty variable as empty text rather than null', () => {
    const { value } = expand('x: ${EMPTY}\n', { EMPTY: '' });
    expect(value).toEqual({ x: '' });
  });

  it('reads $${NAME} as the literal ${NAME} and does not look the name up', () => {
    const { value, issues, secrets } = expand('a: $${NAME}\nb: "cost: $$5 and $${X}${Y}"\n', { Y: 'yyyy' });
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: '${NAME}', b: 'cost: $$5 and ${X}yyyy' });
    expect(secrets).toEqual(['yyyy']);
  });

  it('reports every unset variable with the path of its value', () => {
    const { issues, value } = expand('checks:\n  - headers: { Authorization: "Bearer ${TOKEN}" }\n    host: ${HOST}\n', {});
    expect(issues).toEqual([
      { path: ['checks', 0, 'headers', 'Authorization'], message: 'environment variable TOKEN is not set' },
      { path: ['checks', 0, 'host'], message: 'environment variable HOST is not set' },
    ]);
    // The text is left as written, so nothing pretends the value exists.
    expect((value.checks as Record<string, unknown>[])[0]!.host).toBe('${HOST}');
  });

  it('rejects a reference whose name is not a variable name', () => {
    const { issues } = expand('x: ${not a name}\n', {});
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('is not a valid environment variable reference');
  });

  it('collects substituted values of 4 or more characters as secrets, once each', () => {
    const { secrets } = expand('a: ${LONG}\nb: ${LONG}\nc: ${SHORT}\n', { LONG: 's3cr3t', SHORT: 'on' });
    expect(secrets).toEqual(['s3cr3t']);
  });

  it('leaves keys alone and expands values inside lists and nested maps', () => {
    const { value } = expand('${KEY}: 1\nlist: ["${A}", { inner: "${A}" }]\nmap:\n  deep: [x, "${A}-y"]\n', { KEY: 'replaced', A: 'alpha' });
    expect(value).toEqual({ '${KEY}': 1, list: ['alpha', { inner: 'alpha' }], map: { deep: ['x', 'alpha-y'] } });
  });

  it('leaves line positions untouched', () => {
    const document = parseDocument('a: 1\nb: ${B}\n');
    const before = JSON.stringify(document.contents);
    expandEnv(document, { B: 'a much longer value than the reference itself' });
    const after = document.contents as unknown as { items: { value: { range: number[] } }[] };
    expect(after.items[1]!.value.range[0]).toBe(8);
    expect(before).not.toBe(JSON.stringify(document.contents));
  });
});
