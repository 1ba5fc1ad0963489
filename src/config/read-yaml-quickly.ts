// The quick way to read a config file: js-yaml builds the structure (several times faster than
// yaml's parser, which keeps every token's position: about a second for 10,000 checks), while
// every plain scalar is typed by yaml's own core-schema tags, so both ways read the same values.
// Nothing here knows a line number; the loader goes back to the full parse for any problem.
import jsyaml from 'js-yaml';
import type { PathKey } from './config-error.ts';
import { createExpansionLog, PLAIN_SCALAR_TAGS, resolvePlainScalar, typePlainScalar, type EnvExpansion } from './expand-env.ts';

/** A plain (unquoted) scalar holding a `${...}`: typed only after substitution, as the full parse does. */
class PlainReference {
  constructor(readonly text: string) {}
  // Used when js-yaml turns it into a mapping key, which is never expanded.
  toString(): string {
    return this.text;
  }
}

const HAS_REFERENCE = /\$\$?\{/;

// js-yaml applies implicit types to plain scalars only; quoted ones stay strings, as in YAML.
const QUICK_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:dvc-sentinel,2026:plain-reference', {
      kind: 'scalar',
      resolve: (data: unknown) => typeof data === 'string' && HAS_REFERENCE.test(data),
      construct: (data: string) => new PlainReference(data),
    }),
    ...PLAIN_SCALAR_TAGS.map(
      (tag, index) =>
        new jsyaml.Type(`${tag.tag}#${index}`, {
          kind: 'scalar',
          resolve: (data: unknown) => typeof data === 'string' && tag.test.test(data),
          construct: (data: string) => resolvePlainScalar(tag, data),
        }),
    ),
  ],
});

/** The document's value, or undefined when js-yaml refuses it (the full parse then says why, and where). */
export function readYamlQuickly(source: string): unknown {
  try {
    return jsyaml.load(source, { schema: QUICK_SCHEMA });
  } catch {
    return undefined;
  }
}

/** Environment references replaced in every string value, as expandEnv does on a parsed document; `source` is the file's text. */
export function expandEnvInValue(value: unknown, env: NodeJS.ProcessEnv, source: string): EnvExpansion & { readonly value: unknown } {
  // No `${` anywhere in the file: nothing to expand, and no copy to make of 10,000 checks.
  if (!source.includes('${')) return { value, secrets: [], issues: [], templates: new Map() };
  const log = createExpansionLog();
  const walk = (node: unknown, path: readonly PathKey[]): unknown => {
    if (node instanceof PlainReference) {
      const { expanded, substituted } = log.expand(node.text, path, env);
      return substituted ? typePlainScalar(expanded) : expanded;
    }
    if (typeof node === 'string') return node.includes('$') ? log.expand(node, path, env).expanded : node;
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object' && !(node instanceof Date)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) copy[key] = walk(item, [...path, key]);
      return copy;
    }
    return node;
  };
  const expanded = walk(value, []);
  return { value: expanded, secrets: [...log.secrets], issues: log.issues, templates: log.templates };
}

/** Whether the value holds something at `path` (a key present, even with a null value). */
export function hasPath(value: unknown, path: readonly PathKey[]): boolean {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return false;
    if (!Object.hasOwn(node, key)) return false;
    node = (node as Record<PathKey, unknown>)[key];
  }
  return true;
}
