import { describe, expect, it } from 'vitest';
import { compileJsonPath, readJsonPath } from '../../src/config/json-path.ts';

describe('compileJsonPath', () => {
  it.each([
    ['$', []],
    ['$.code', ['code']],
    ['$.data.items[0].code', ['data', 'items', 0, 'code']],
    ["$['a b']", ['a b']],
    ['$["x"][2]', ['x', 2]],
    ['$.a-b', ['a-b']],
    ['$.$ref', ['$ref']],
  ])('compiles %s', (source, steps) => {
    expect(compileJsonPath(source)).toEqual({ source, steps });
  });

  it.each([
    ['code', 'JSON path must start with "$": code'],
    ['', 'JSON path must start with "$": '],
    ['$.data..items', 'JSON path $.data..items is malformed at character 7'],
    ['$[abc]', 'malformed at character 2'],
    ['$.0a', 'malformed at character 2'],
    ['$[0', 'malformed at character 2'],
    ['$.a[-1]', 'malformed at character 4'],
    ['$.a.', 'malformed at character 4'],
  ])('refuses %j, saying where', (source, message) => {
    expect(() => compileJsonPath(source)).toThrow(message);
  });
});

describe('readJsonPath', () => {
  const document = {
    code: 'OK',
    data: { items: [{ name: 'first' }, null], total: 0, flag: false, nothing: null },
    list: [1, 2],
  };

  it.each([
    ['$.code', 'OK'],
    ['$.data.items[0].name', 'first'],
    ["$['data']['items'][0]['name']", 'first'],
    ['$.data.items[1]', null],
    ['$.data.total', 0],
    ['$.data.flag', false],
    ['$.data.nothing', null],
    ['$.list[1]', 2],
  ])('reads %s', (source, value) => {
    expect(readJsonPath(compileJsonPath(source), document)).toEqual(value);
  });

  it('reads the whole document at $', () => {
    expect(readJsonPath(compileJsonPath('$'), document)).toBe(document);
    expect(readJsonPath(compileJsonPath('$'), 5)).toBe(5);
  });

  it.each(['$.data.missing', '$.data.items[5]', '$.data.items[1].name', '$.code.length', '$.list.length', '$.data[0]', '$.toString', '$.__proto__'])(
    'gives undefined for the absent %s',
    (source) => {
      expect(readJsonPath(compileJsonPath(source), document)).toBeUndefined();
    },
  );

  it('gives undefined below null or a non-object document', () => {
    expect(readJsonPath(compileJsonPath('$.a'), null)).toBeUndefined();
    expect(readJsonPath(compileJsonPath('$.a'), 'text')).toBeUndefined();
  });
});
