// Finds the zod schema that governs a path of the config input, so messages can list the keys
// allowed there or say "a duration" instead of "a string". Reads zod's public `_zod.def` tree.
import type { z } from 'zod';
import type { PathKey } from './config-error.ts';

type AnySchema = z.core.$ZodType;

interface DefLike {
  readonly type: string;
  readonly innerType?: AnySchema;
  readonly in?: AnySchema;
  readonly shape?: Record<string, AnySchema>;
  readonly element?: AnySchema;
  readonly valueType?: AnySchema;
  readonly options?: readonly AnySchema[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

const defOf = (schema: AnySchema): DefLike => schema._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

/** Strips optional/nullable/default wrappers; keeps pipes, whose identity (e.g. Duration) matters. */
export function unwrapOptional(schema: AnySchema): AnySchema {
  let current = schema;
  for (let depth = 0; depth < 16; depth += 1) {
    const def = defOf(current);
    if (!WRAPPERS.has(def.type) || !def.innerType) break;
    current = def.innerType;
  }
  return current;
}

/** The schema a user writes against: wrappers removed, transforms replaced by their input side. */
function unwrapForInput(schema: AnySchema): AnySchema {
  let current = schema;
  for (let depth = 0; depth < 16; depth += 1) {
    const unwrapped = unwrapOptional(current);
    const def = defOf(unwrapped);
    if (def.type !== 'pipe' || !def.in) return unwrapped;
    current = def.in;
  }
  return current;
}

/** Picks the union member the input is meant for: by discriminator value, else the first object member. */
function chooseMember(def: DefLike, input: unknown): AnySchema | undefined {
  const options = def.options ?? [];
  if (def.discriminator !== undefined && input !== null && typeof input === 'object') {
    const wanted = (input as Record<string, unknown>)[def.discriminator];
    const match = options.find((option) => {
      const field = defOf(unwrapForInput(option)).shape?.[def.discriminator!];
      return field !== undefined && (defOf(field).values ?? []).includes(wanted);
    });
    if (match) return match;
  }
  return options.find((option) => defOf(unwrapForInput(option)).type === 'object');
}

/** The schema at path (optional wrappers removed), or undefined when the path leaves the schema. */
export function schemaAtPath(root: AnySchema, path: readonly PathKey[], input: unknown): AnySchema | undefined {
  let schema: AnySchema = root;
  let value: unknown = input;
  for (const step of path) {
    let def = defOf(unwrapForInput(schema));
    if (def.type === 'union') {
      const member = chooseMember(def, value);
      if (!member) return undefined;
      def = defOf(unwrapForInput(member));
    }
    let next: AnySchema | undefined;
    if (def.type === 'object' && typeof step === 'string') next = def.shape?.[step];
    else if (def.type === 'record' && typeof step === 'string') next = def.valueType;
    else if (def.type === 'array' && typeof step === 'number') next = def.element;
    if (!next) return undefined;
    schema = next;
    value = value !== null && typeof value === 'object' ? (value as Record<PathKey, unknown>)[step] : undefined;
  }
  return unwrapOptional(schema);
}

/** Keys an object at path accepts (the member chosen by `kind` for checks); empty when it is no object. */
export function keysAtPath(root: AnySchema, path: readonly PathKey[], input: unknown): string[] {
  const schema = schemaAtPath(root, path, input);
  if (!schema) return [];
  let def = defOf(unwrapForInput(schema));
  if (def.type === 'union') {
    const member = chooseMember(def, valueAt(input, path));
    if (!member) return [];
    def = defOf(unwrapForInput(member));
  }
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** The description given with .describe(), looking through a transform to its input side. */
export function describedAs(schema: AnySchema): string | undefined {
  const own = (schema as { description?: string }).description;
  if (own !== undefined) return own;
  const def = defOf(schema);
  return def.type === 'pipe' && def.in ? describedAs(unwrapOptional(def.in)) : undefined;
}

export function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  let value = input;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathKey, unknown>)[step];
  }
  return value;
}
