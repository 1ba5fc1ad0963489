// Judges a JSON answer against a check's `expect.json` list, without I/O: the first expectation
// that fails says why, with the path, what was expected and what was found. Shared by the http
// probe and every other probe that reads JSON answers with the same expectations. Also reads the
// numbers a check exports (`export: { name }`), whatever the verdict, so a score that falls below
// its threshold is still charted.
//
// Within one expectation the keys are judged in this order, first failure wins: exists → equals →
// oneOf → bounds (gt, gte, lt, lte, between) → matches → length. A number compared may be a JSON
// number or a string holding a plain decimal ("85.50"), as some provincial APIs send them.
import type { JsonExpectation, NumberBounds } from '../config/config.ts';
import { readJsonPath } from '../config/json-path.ts';
import { clip } from './format.ts';
import { MAX_JSON_DEPTH, parseJson, type JsonParse } from './parse-json.ts';
import { probeMessage, type CheckValue, type FailureReason, type JsonBound, type ProbeMessage } from './probe.ts';

export interface JsonVerdict {
  readonly reason: FailureReason;
  readonly message: string;
  readonly detail: ProbeMessage;
}

export interface JsonReading {
  /** The first failed expectation; undefined when all hold. */
  readonly verdict?: JsonVerdict;
  /** Exported numbers, in the order configured. */
  readonly values: readonly CheckValue[];
  /** Exports whose value was absent or not a number: no sample (the caller logs them). */
  readonly unexported: readonly { readonly name: string; readonly path: string; readonly value: string }[];
}

/** The verdict and the exported numbers of the body `text` from `host`. */
export function readJson(expectations: readonly JsonExpectation[], text: string, host: string): JsonReading {
  if (expectations.length === 0) return { values: [], unexported: [] };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const exports = expectations.flatMap((expectation) =>
      expectation.export === undefined ? [] : [{ name: expectation.export.name, path: expectation.path.source, value: 'invalid JSON' }],
    );
    return { verdict: jsonRefused(parsed, host), values: [], unexported: exports };
  }
  const document = parsed.value;
  let verdict: JsonVerdict | undefined;
  const values: CheckValue[] = [];
  const unexported: { name: string; path: string; value: string }[] = [];
  for (const expectation of expectations) {
    const value = readJsonPath(expectation.path, document);
    verdict ??= judgeOne(expectation, value, host);
    if (expectation.export === undefined) continue;
    const number = asNumber(value);
    if (number === undefined) unexported.push({ name: expectation.export.name, path: expectation.path.source, value: describeValue(value) });
    else values.push({ name: expectation.export.name, value: number });
  }
  return { ...(verdict === undefined ? {} : { verdict }), values, unexported };
}

/** Why a body is no JSON to read: not JSON at all, or nested too deep to walk. Both are `protocol`. */
export function jsonRefused(parsed: Extract<JsonParse, { ok: false }>, host: string): JsonVerdict {
  if (parsed.problem === 'too_deep') {
    return {
      reason: 'protocol',
      message: `body from ${host} is ${parsed.message}`,
      detail: probeMessage('json_too_deep', { host, maxDepth: MAX_JSON_DEPTH }),
    };
  }
  return { reason: 'protocol', message: `body from ${host} is not valid JSON (${parsed.message})`, detail: probeMessage('json_invalid', { host }) };
}

function judgeOne(expectation: JsonExpectation, value: unknown, host: string): JsonVerdict | undefined {
  const path = expectation.path.source;
  const found = (): string => describeValue(value);
  const assertion = (message: string, detail: ProbeMessage): JsonVerdict => ({ reason: 'assertion', message, detail });
  if (expectation.exists === true && value === undefined) {
    return assertion(`${path} is absent in the JSON from ${host}`, probeMessage('json_absent', { host, path }));
  }
  if (expectation.exists === false && value !== undefined) {
    return assertion(`${path} is present in the JSON from ${host} (found ${found()})`, probeMessage('json_present', { host, path, value: found() }));
  }
  if (expectation.equals !== undefined && value !== expectation.equals) {
    const expected = describeValue(expectation.equals);
    return assertion(
      `${path} in the JSON from ${host} is ${found()}, expected ${expected}`,
      probeMessage('json_differs', { host, path, value: found(), expected }),
    );
  }
  if (expectation.oneOf !== undefined && !expectation.oneOf.some((allowed) => allowed === value)) {
    const expected = describeValue(expectation.oneOf);
    return assertion(
      `${path} in the JSON from ${host} is ${found()}, expected one of ${expected}`,
      probeMessage('json_not_one_of', { host, path, value: found(), expected }),
    );
  }
  const bounds = boundsOf(expectation);
  if (bounds.length > 0) {
    const number = asNumber(value);
    if (number === undefined) return wrongType(path, host, found(), 'number');
    const broken = bounds.find((bound) => !holds(bound, number));
    if (broken !== undefined) return outOfRange(path, host, 'value', found(), broken);
  }
  if (expectation.matches !== undefined) {
    if (typeof value !== 'string' && typeof value !== 'number') return wrongType(path, host, found(), 'text');
    if (!expectation.matches.test(String(value))) {
      const pattern = clip(expectation.matches.source);
      return assertion(
        `${path} in the JSON from ${host} is ${found()}, which does not match /${pattern}/`,
        probeMessage('json_no_match', { host, path, value: found(), pattern }),
      );
    }
  }
  if (expectation.length !== undefined) {
    const length = lengthOf(value);
    if (length === undefined) return wrongType(path, host, found(), 'countable');
    const lengthBounds = [
      ...(expectation.length.equals === undefined ? [] : [{ op: 'eq', limit: expectation.length.equals } as const]),
      ...boundsOf(expectation.length),
    ];
    const broken = lengthBounds.find((bound) => !holds(bound, length));
    if (broken !== undefined) return outOfRange(path, host, 'length', String(length), broken);
  }
  return undefined;
}

function wrongType(path: string, host: string, found: string, wanted: 'number' | 'text' | 'countable'): JsonVerdict {
  const noun = { number: 'a number', text: 'text', countable: 'a string, list or object' }[wanted];
  return {
    reason: 'assertion',
    message: `${path} in the JSON from ${host} is ${found}, not ${noun}`,
    detail: probeMessage('json_wrong_type', { host, path, value: found, wanted }),
  };
}

function outOfRange(path: string, host: string, of: 'value' | 'length', found: string, bound: JsonBound): JsonVerdict {
  const subject = of === 'length' ? `the length of ${path}` : path;
  return {
    reason: 'assertion',
    message: `${subject} in the JSON from ${host} is ${found}, expected ${describeBound(bound)}`,
    detail: probeMessage('json_out_of_range', { host, path, of, value: found, bound }),
  };
}

function boundsOf(bounds: NumberBounds): JsonBound[] {
  const list: JsonBound[] = [];
  if (bounds.gt !== undefined) list.push({ op: 'gt', limit: bounds.gt });
  if (bounds.gte !== undefined) list.push({ op: 'gte', limit: bounds.gte });
  if (bounds.lt !== undefined) list.push({ op: 'lt', limit: bounds.lt });
  if (bounds.lte !== undefined) list.push({ op: 'lte', limit: bounds.lte });
  if (bounds.between !== undefined) list.push({ op: 'between', limit: bounds.between[0], upper: bounds.between[1] });
  return list;
}

function holds(bound: JsonBound, number: number): boolean {
  switch (bound.op) {
    case 'gt':
      return number > bound.limit;
    case 'gte':
      return number >= bound.limit;
    case 'lt':
      return number < bound.limit;
    case 'lte':
      return number <= bound.limit;
    case 'eq':
      return number === bound.limit;
    case 'between':
      return number >= bound.limit && number <= bound.upper;
  }
}

function describeBound(bound: JsonBound): string {
  if (bound.op === 'between') return `between ${bound.limit} and ${bound.upper}`;
  return `${{ gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=' }[bound.op]} ${bound.limit}`;
}

const DECIMAL = /^\s*-?\d+(\.\d+)?\s*$/;

/** A JSON number, or a string holding a plain decimal; anything else is not a number here. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
}

/** Characters of a string (code points), items of a list, keys of an object. */
function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'absent';
  return clip(JSON.stringify(value) ?? typeof value);
}
