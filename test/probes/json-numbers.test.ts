// Numeric JSON expectations and exported values, judged on real HTTP answers from 127.0.0.1: each
// bound, matches, length and oneOf holds or fails with the path, the expectation and the value
// found; exported numbers reach dvc_check_value whatever the verdict; a bad regex is a config
// error with its line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type HttpCheck } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { probeHttp } from '../../src/probes/http.ts';
import { describeProbeMessage } from '../../src/text/probe-message.ts';
import { startHttpServer, type RunningServer } from '../support/http-servers.ts';
import { contextFor } from '../support/probe-context.ts';

// What a provincial service-quality API answers (numbers as JSON numbers and as strings).
const ANSWER = {
  province: 'An Giang',
  score: 87.25,
  scoreText: '85.50',
  rank: 12,
  code: 'DVC-2026-000123',
  status: 'PUBLISHED',
  content: [{ id: 1 }, { id: 2 }, { id: 3 }],
  empty: [],
  meta: { page: 1, size: 20 },
  missing: null,
};

let server: RunningServer;
beforeAll(async () => {
  server = await startHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(ANSWER));
  });
});
afterAll(async () => {
  await server.close();
});

function checkWith(json: readonly unknown[]): HttpCheck {
  const input = ConfigInput.parse({
    checks: [{ name: 'quality-score', system: 'provincial', kind: 'http', url: `${server.url}/api/quality`, expect: { json } }],
  });
  return resolveConfig('numbers.yaml', input, () => '').checks[0] as HttpCheck;
}

async function probe(json: readonly unknown[]) {
  return probeHttp(checkWith(json), contextFor(5000));
}

describe('numeric JSON expectations on a real answer', () => {
  const holding: readonly (readonly [string, Record<string, unknown>])[] = [
    ['gt', { path: '$.score', gt: 87 }],
    ['gte at the limit', { path: '$.score', gte: 87.25 }],
    ['lt', { path: '$.rank', lt: 13 }],
    ['lte at the limit', { path: '$.rank', lte: 12 }],
    ['between, both ends included', { path: '$.rank', between: [12, 12] }],
    ['a decimal sent as a string', { path: '$.scoreText', gte: 85.5 }],
    ['matches', { path: '$.code', matches: '^DVC-\\d{4}-\\d{6}$' }],
    ['matches a number as text', { path: '$.rank', matches: '^1\\d$' }],
    ['length of a list', { path: '$.content', length: { gte: 1 } }],
    ['length as an exact number', { path: '$.content', length: 3 }],
    ['length of a string (characters)', { path: '$.province', length: { between: [8, 8] } }],
    ['length of an object (keys)', { path: '$.meta', length: 2 }],
    ['oneOf', { path: '$.status', oneOf: ['PUBLISHED', 'FINAL'] }],
    ['oneOf with null', { path: '$.missing', oneOf: [null] }],
  ];
  it.each(holding)('%s holds', async (_name, expectation) => {
    const result = await probe([expectation]);
    expect(result).toMatchObject({ status: 'ok', httpStatus: 200 });
  });

  // [name, expectation, reason, code, English message fragment, Vietnamese wording fragment]
  const failing: readonly (readonly [string, Record<string, unknown>, string, string, string])[] = [
    ['gt', { path: '$.score', gt: 90 }, 'json_out_of_range', '$.score in the JSON from 127.0.0.1', 'is 87.25, expected > 90'],
    ['gte', { path: '$.score', gte: 87.5 }, 'json_out_of_range', '$.score', 'is 87.25, expected ≥ 87.5'],
    ['lt', { path: '$.rank', lt: 12 }, 'json_out_of_range', '$.rank', 'is 12, expected < 12'],
    ['lte', { path: '$.rank', lte: 11.5 }, 'json_out_of_range', '$.rank', 'is 12, expected ≤ 11.5'],
    ['between', { path: '$.score', between: [90, 100] }, 'json_out_of_range', '$.score', 'is 87.25, expected between 90 and 100'],
    ['a string that is not a number', { path: '$.code', gt: 1 }, 'json_wrong_type', '$.code', 'is "DVC-2026-000123", not a number'],
    ['an absent value compared', { path: '$.nothing', gte: 0 }, 'json_wrong_type', '$.nothing', 'is absent, not a number'],
    ['null compared', { path: '$.missing', lt: 5 }, 'json_wrong_type', '$.missing', 'is null, not a number'],
    ['matches', { path: '$.code', matches: '^HS-' }, 'json_no_match', '$.code', 'which does not match /^HS-/'],
    ['matches on a list', { path: '$.content', matches: 'x' }, 'json_wrong_type', '$.content', 'not text'],
    ['length of an empty list', { path: '$.empty', length: { gte: 1 } }, 'json_out_of_range', 'the length of $.empty', 'is 0, expected ≥ 1'],
    ['length exactly', { path: '$.content', length: 2 }, 'json_out_of_range', 'the length of $.content', 'is 3, expected = 2'],
    ['length of a number', { path: '$.rank', length: { gte: 1 } }, 'json_wrong_type', '$.rank', 'not a string, list or object'],
    ['oneOf', { path: '$.status', oneOf: ['DRAFT', 'FINAL'] }, 'json_not_one_of', '$.status', 'is "PUBLISHED", expected one of ["DRAFT","FINAL"]'],
    ['oneOf is strict about types', { path: '$.rank', oneOf: ['12'] }, 'json_not_one_of', '$.rank', 'is 12, expected one of ["12"]'],
  ];
  it.each(failing)('%s fails with the path, the expectation and the value found', async (_name, expectation, code, subject, found) => {
    const result = await probe([expectation]);
    expect(result).toMatchObject({ status: 'critical', reason: 'assertion', httpStatus: 200 });
    expect(result.detail?.code).toBe(code);
    expect(result.message).toContain(subject);
    expect(result.message).toContain(found);
  });

  it('words a failed bound in Vietnamese and English with the number as the config wrote it', async () => {
    const result = await probe([{ path: '$.score', gte: 90.5 }]);
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toBe(
      `$.score trong JSON từ ${server.host}:${server.port} là 87.25, mong đợi từ 90,5 trở lên`,
    );
    expect(describeProbeMessage(result.detail, result.message, 'en')).toBe(
      `$.score in the JSON from ${server.host}:${server.port} is 87.25, expected at least 90.5`,
    );
    const length = await probe([{ path: '$.empty', length: { gte: 1 } }]);
    expect(describeProbeMessage(length.detail, length.message, 'vi')).toBe(
      `độ dài của $.empty trong JSON từ ${server.host}:${server.port} là 0, mong đợi từ 1 trở lên`,
    );
  });

  it('judges the keys of one expectation in order, the first failure wins', async () => {
    const result = await probe([
      { path: '$.status', oneOf: ['FINAL'], matches: '^X', length: 1 },
      { path: '$.score', gt: 99 },
    ]);
    expect(result.detail?.code).toBe('json_not_one_of');
  });
});

describe('exported values', () => {
  const exports = [
    { path: '$.score', gte: 90, export: { name: 'quality_score' } },
    { path: '$.scoreText', export: { name: 'quality-text' } },
    { path: '$.code', export: { name: 'dossier-code' } },
    { path: '$.rank', export: { name: 'rank' } },
  ];

  it('exports every number read, even when an expectation fails, and gives no sample for a non-number', async () => {
    const result = await probe(exports);
    expect(result).toMatchObject({ status: 'critical', reason: 'assertion' });
    expect(result.values).toEqual([
      { name: 'quality_score', value: 87.25 },
      { name: 'quality-text', value: 85.5 },
      { name: 'rank', value: 12 },
    ]);
  });

  it('publishes them as dvc_check_value{check, name}, and drops them when a probe reads no answer', async () => {
    const check = checkWith(exports);
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false, location: 'an-giang' });
    metrics.setChecks([check]);
    metrics.recordProbe(check, await probeHttp(check, contextFor(5000)), new Date());
    const text = (await metrics.render()).body;
    const lines = text.split('\n').filter((line) => line.startsWith('dvc_check_value{'));
    expect(lines).toEqual([
      'dvc_check_value{check="quality-score",name="quality_score",location="an-giang"} 87.25',
      'dvc_check_value{check="quality-score",name="quality-text",location="an-giang"} 85.5',
      'dvc_check_value{check="quality-score",name="rank",location="an-giang"} 12',
    ]);
    expect(text).toContain('# TYPE dvc_check_value gauge');

    const unreachable = { ...check, url: 'http://127.0.0.1:1/api/quality' };
    metrics.recordProbe(check, await probeHttp(unreachable, contextFor(5000)), new Date());
    const after = (await metrics.render()).body;
    expect(after.split('\n').filter((line) => line.startsWith('dvc_check_value{'))).toEqual([]);
  });
});

describe('config', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sentinel-numbers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const issuesOf = (text: string) => {
    const file = join(scratch, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    try {
      loadConfig(file, {});
    } catch (error) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
    throw new Error('the config loaded, but it should be invalid');
  };
  const config = (json: string) =>
    [
      'checks:',
      '  - name: quality-score',
      '    system: provincial',
      '    kind: http',
      '    url: https://dichvucong.angiang.gov.vn/api/quality',
      '    expect:',
      '      json:',
      json,
    ].join('\n');

  it('refuses a bad regular expression with its file, line and path', () => {
    const issues = issuesOf(config(['        - path: "$.code"', '          matches: "^(DVC-"'].join('\n')));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 9, path: 'checks[0].expect.json[0].matches' });
    expect(issues[0]?.message).toContain('not a valid regular expression');
  });

  it('refuses a reversed between, and one name exported twice', () => {
    const reversed = issuesOf(config(['        - path: "$.score"', '          between: [100, 90]'].join('\n')));
    expect(reversed[0]).toMatchObject({ line: 9, path: 'checks[0].expect.json[0].between' });
    const twice = issuesOf(
      config(['        - path: "$.score"', '          export: { name: score }', '        - path: "$.rank"', '          export: { name: score }'].join('\n')),
    );
    expect(twice[0]).toMatchObject({ line: 11, path: 'checks[0].expect.json[1].export.name' });
    expect(twice[0]?.message).toContain('"score" is exported twice');
  });
});
