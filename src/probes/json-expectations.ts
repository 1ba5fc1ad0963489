// Judges a JSON answer against a check's `expect.json` list, without I/O: the first expectation
// that fails says why, with the path, what was expected and what was found. Shared by the http
// probe and every other probe that reads JSON answers with the same expectations.
import type { JsonExpectation } from '../config/config.ts';
import { readJsonPath } from '../config/json-path.ts';
import { clip } from './format.ts';
import { probeMessage, type FailureReason, type ProbeMessage } from './probe.ts';

export interface JsonVerdict {
  readonly reason: FailureReason;
  readonly message: string;
  readonly detail: ProbeMessage;
}

/** The first failed expectation of the body `text` from `host`, or undefined when all hold. */
export function judgeJson(expectations: readonly JsonExpectation[], text: string, host: string): JsonVerdict | undefined {
  if (expectations.length === 0) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return {
      reason: 'protocol',
      message: `body from ${host} is not valid JSON (${clip((error as Error).message)})`,
      detail: probeMessage('json_invalid', { host }),
    };
  }
  for (const expectation of expectations) {
    const value = readJsonPath(expectation.path, document);
    const path = expectation.path.source;
    if (expectation.exists === true && value === undefined) {
      return { reason: 'assertion', message: `${path} is absent in the JSON from ${host}`, detail: probeMessage('json_absent', { host, path }) };
    }
    if (expectation.exists === false && value !== undefined) {
      const found = describeValue(value);
      return {
        reason: 'assertion',
        message: `${path} is present in the JSON from ${host} (found ${found})`,
        detail: probeMessage('json_present', { host, path, value: found }),
      };
    }
    if (expectation.equals !== undefined && value !== expectation.equals) {
      const found = describeValue(value);
      const expected = describeValue(expectation.equals);
      return {
        reason: 'assertion',
        message: `${path} in the JSON from ${host} is ${found}, expected ${expected}`,
        detail: probeMessage('json_differs', { host, path, value: found, expected }),
      };
    }
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'absent';
  return clip(JSON.stringify(value) ?? typeof value);
}
