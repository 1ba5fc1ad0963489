// Turns zod's validation issues into messages a technician can act on: the unknown key named with
// its likely spelling, the kinds that exist, "30 has no unit". Positions are the caller's job.
import type { z } from 'zod';
import type { PathKey } from './config-error.ts';
import { Bytes, Duration, PositiveDuration } from './schema.ts';
import { describedAs, keysAtPath, schemaAtPath, unwrapOptional, valueAt } from './schema-at-path.ts';
import { suggestNearest } from './suggest-nearest.ts';

export interface PathIssue {
  readonly path: readonly PathKey[];
  /** Point at the key (unknown keys) or at the value. */
  readonly at: 'key' | 'value';
  readonly message: string;
}

type AnySchema = z.core.$ZodType;
type ZodIssue = z.core.$ZodIssue;

const DURATION_TEXT = 'a duration with a unit (ms, s, m, h, d) such as "30s"';
const BYTES_TEXT = 'a size such as 1048576 or "1MiB"';

export function translateZodIssues(issues: readonly ZodIssue[], input: unknown, root: AnySchema): PathIssue[] {
  return issues.flatMap((issue) => translateIssue(issue, input, root));
}

function translateIssue(issue: ZodIssue, input: unknown, root: AnySchema): PathIssue[] {
  const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
  const value = valueAt(input, path);
  const schema = schemaAtPath(root, path, input);
  const at = (message: string): PathIssue[] => [{ path, at: 'value', message }];

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], at: 'key' as const, message: unknownKeyMessage(key, path, input, root) }));

    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: unknown }).discriminator;
      if (typeof discriminator === 'string') return at(discriminatorMessage(discriminator, value, issue));
      return at(`expected ${expectedOfUnion(issue, schema)}, got ${describeValue(value)}`);
    }

    case 'invalid_type':
      if (value === undefined) return at(`missing required key "${String(path.at(-1) ?? '')}"`);
      if (path.length === 0) return at(`expected a map of settings with at least "checks:", got ${describeValue(value)}`);
      if (schema !== undefined && isDuration(schema)) {
        return at(
          typeof value === 'number'
            ? `${value} has no unit; write a duration such as "${value}s" (units: ms, s, m, h, d)`
            : `expected ${DURATION_TEXT}, got ${describeValue(value)}`,
        );
      }
      return at(`expected ${typeName(issue.expected)}, got ${describeValue(value)}`);

    case 'invalid_value': {
      const allowed = issue.values.map(formatLiteral).join(', ');
      const hint = typeof value === 'string' ? suggestNearest(value, issue.values.map(String)) : undefined;
      return at(`${describeValue(value)} is not allowed; use one of ${allowed}${hint ? `; did you mean "${hint}"?` : ''}`);
    }

    case 'too_small':
    case 'too_big':
      return at(isDefaultMessage(issue.message) ? boundMessage(issue) : issue.message);

    default:
      // Custom and format messages come from schema.ts and already say what is wanted ("must be ...").
      if (typeof value === 'string' && /^must\b/.test(issue.message)) return at(`"${value}" ${issue.message}`);
      return at(issue.message);
  }
}

function unknownKeyMessage(key: string, path: readonly PathKey[], input: unknown, root: AnySchema): string {
  const known = keysAtPath(root, path, input);
  const nearest = suggestNearest(key, known);
  if (nearest !== undefined) return `unknown key "${key}"; did you mean "${nearest}"?`;
  // `status:` written on the check instead of under `expect:` is the commonest slip.
  if (known.includes('expect') && keysAtPath(root, [...path, 'expect'], input).includes(key)) {
    return `unknown key "${key}"; it belongs under "expect:"`;
  }
  return known.length > 0 ? `unknown key "${key}"; allowed here: ${known.join(', ')}` : `unknown key "${key}"`;
}

function discriminatorMessage(discriminator: string, value: unknown, issue: ZodIssue): string {
  const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
  const list = options.join(', ');
  if (value === undefined) return `missing "${discriminator}"; it must be one of ${list}`;
  const hint = typeof value === 'string' ? suggestNearest(value, options) : undefined;
  return `unknown ${discriminator} ${formatLiteral(value)}; ${discriminator}s are ${list}${hint ? `; did you mean "${hint}"?` : ''}`;
}

function expectedOfUnion(issue: ZodIssue, schema: AnySchema | undefined): string {
  if (schema !== undefined && unwrapOptional(schema) === unwrapOptional(Bytes)) return BYTES_TEXT;
  const branches = (issue as { errors?: ZodIssue[][] }).errors ?? [];
  const expected = branches.flatMap((branch) => {
    const first = branch[0];
    if (first?.code === 'invalid_type') return [typeName(first.expected)];
    if (first?.code === 'invalid_value') return first.values.map(formatLiteral);
    return [];
  });
  const unique = [...new Set(expected)];
  if (unique.length === 0) return (schema && describedAs(schema)) ?? 'another value';
  return unique.length === 1 ? unique[0]! : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
}

function boundMessage(issue: ZodIssue & { code: 'too_small' | 'too_big' }): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') {
    if (issue.code === 'too_small' && limit <= 1) return 'must not be empty';
    return `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${limit} characters`;
  }
  if (issue.origin === 'array') {
    return issue.code === 'too_small' ? `needs at least ${limit} item${limit === 1 ? '' : 's'}` : `allows at most ${limit} items`;
  }
  if (issue.code === 'too_small') return inclusive ? `must be at least ${limit}` : `must be greater than ${limit}`;
  return inclusive ? `must be at most ${limit}` : `must be less than ${limit}`;
}

/** zod's own wording ("Too small: ...") is replaced; wording given in schema.ts is kept. */
function isDefaultMessage(message: string): boolean {
  return /^(Too small|Too big|Invalid input|Invalid option)/.test(message);
}

function isDuration(schema: AnySchema): boolean {
  const bare = unwrapOptional(schema);
  return bare === Duration || bare === PositiveDuration;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a map';
    case 'null':
      return 'null';
    default:
      return expected;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a map';
}

function formatLiteral(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}
