// A JSONPath subset: `$`, `.name`, `['name']`, `[0]`. Compiled once when config loads (the schema checks it), read many times by the probes.

export interface JsonPath {
  readonly source: string;
  readonly steps: readonly (string | number)[];
}

const STEP = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(?:'([^']*)'|"([^"]*)")\]/y;

/** Compiles "$.data.items[0].code"; throws an Error naming the offending position when malformed. */
export function compileJsonPath(source: string): JsonPath {
  if (!source.startsWith('$')) throw new Error(`JSON path must start with "$": ${source}`);
  const steps: (string | number)[] = [];
  STEP.lastIndex = 1;
  while (STEP.lastIndex < source.length) {
    const at = STEP.lastIndex;
    const match = STEP.exec(source);
    if (!match || match.index !== at) {
      throw new Error(`JSON path ${source} is malformed at character ${at + 1} (supported: $.a.b[0]['c'])`);
    }
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(match[3] ?? match[4] ?? '');
  }
  return { source, steps };
}

/** The value at the path, or undefined when any step is absent. */
export function readJsonPath(path: JsonPath, document: unknown): unknown {
  let value: unknown = document;
  for (const step of path.steps) {
    if (value === null || typeof value !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[step];
    } else {
      if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, step)) return undefined;
      value = (value as Record<string, unknown>)[step];
    }
  }
  return value;
}
