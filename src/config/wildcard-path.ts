// The JSON path subset of json-path.ts plus `[*]`, which fans out over every element of a list (or
// every value of an object). A path with a wildcard reads a set of values; one without reads at most
// one. Catalogue fields use it ("$.executionMethods[*].fees[*].amount").
import { compileJsonPath } from './json-path.ts';

const WILDCARD = Symbol('wildcard');

export interface WildcardPath {
  readonly source: string;
  readonly steps: readonly (string | number | typeof WILDCARD)[];
  readonly fansOut: boolean;
}

/** Compiles "$.a[*].b"; throws an Error naming the offending position when malformed. */
export function compileWildcardPath(source: string): WildcardPath {
  const parts = source.split('[*]');
  const steps: (string | number | typeof WILDCARD)[] = [];
  parts.forEach((part, index) => {
    if (index > 0) steps.push(WILDCARD);
    // Each piece between wildcards is an ordinary path once it is given a root of its own.
    const text = index === 0 ? part : `$${part}`;
    if (index === 0 && !text.startsWith('$')) throw new Error(`JSON path must start with "$": ${source}`);
    steps.push(...compileJsonPath(text).steps);
  });
  return { source, steps, fansOut: parts.length > 1 };
}

/** Every value the path reaches, in document order; absent steps reach nothing. */
export function readWildcardPath(path: WildcardPath, document: unknown): unknown[] {
  let values: unknown[] = [document];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const value of values) {
      if (value === null || typeof value !== 'object') continue;
      if (step === WILDCARD) next.push(...(Array.isArray(value) ? (value as readonly unknown[]) : (Object.values(value) as unknown[])));
      else if (typeof step === 'number') {
        if (Array.isArray(value) && step < value.length) next.push(value[step]);
      } else if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, step)) next.push((value as Record<string, unknown>)[step]);
    }
    values = next;
  }
  return values.filter((value) => value !== undefined);
}
