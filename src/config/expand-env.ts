// Replaces ${NAME} in the parsed YAML document's string values with environment variables, in
// place, so line numbers stay those of the file. Keys are left alone. `$${NAME}` is a literal `${NAME}`.
import { isMap, isScalar, isSeq, type Document, type Scalar } from 'yaml';
import type { PathKey } from './config-error.ts';

export interface EnvIssue {
  readonly path: readonly PathKey[];
  readonly message: string;
}

export interface EnvExpansion {
  /** Every substituted value of 4 or more characters, for the logger to scrub. */
  readonly secrets: readonly string[];
  readonly issues: readonly EnvIssue[];
}

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Shorter values (a port, "on") would scrub unrelated text from every log line. */
const MIN_SECRET_LENGTH = 4;

export function expandEnv(document: Document, env: NodeJS.ProcessEnv): EnvExpansion {
  const secrets = new Set<string>();
  const issues: EnvIssue[] = [];

  const expandScalar = (node: Scalar, path: readonly PathKey[]): void => {
    if (typeof node.value !== 'string' || !node.value.includes('$')) return;
    let substituted = false;
    const expanded = node.value.replace(REFERENCE, (whole, escape: string, name: string) => {
      if (escape === '$') return whole.slice(1);
      if (!NAME.test(name)) {
        issues.push({ path, message: `"\${${name}}" is not a valid environment variable reference; names are letters, digits and _ (write $\${...} for a literal \${...})` });
        return whole;
      }
      const value = env[name];
      if (value === undefined) {
        issues.push({ path, message: `environment variable ${name} is not set` });
        return whole;
      }
      substituted = true;
      if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
      return value;
    });
    if (expanded === node.value) return;
    // An unquoted `port: ${PORT}` must become the number YAML would have read had the value been written there.
    node.value = substituted && node.type === 'PLAIN' ? typePlainScalar(document, expanded) : expanded;
  };

  const walk = (node: unknown, path: readonly PathKey[]): void => {
    if (isScalar(node)) expandScalar(node, path);
    else if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    }
    // Aliases point at a node that is expanded where its anchor is written.
  };

  walk(document.contents, []);
  return { secrets: [...secrets], issues };
}

/** Types a plain scalar's text by the document schema's own rules (null, bool, int, float), else keeps the text. */
function typePlainScalar(document: Document, text: string): unknown {
  // An empty variable stays an empty string; YAML would read it as null, which no config field accepts.
  if (text === '') return text;
  for (const tag of document.schema.tags) {
    if (!('test' in tag) || !tag.test || !tag.default) continue;
    if (!tag.test.test(text)) continue;
    // Some tags (bool, float, null) answer with a Scalar that remembers how it was written.
    const resolved = tag.resolve(text, () => undefined, document.options);
    return isScalar(resolved) ? resolved.value : resolved;
  }
  return text;
}
