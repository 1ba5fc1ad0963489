// Replaces ${NAME} in the parsed YAML document's string values with environment variables, in
// place, so line numbers stay those of the file, and ${file:PATH} with a file's text (a secret kept
// out of the config). Keys are left alone. `$${NAME}` is a literal `${NAME}`.
import { readFileSync } from 'node:fs';
import { Document, isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { PathKey } from './config-error.ts';

export interface EnvIssue {
  readonly path: readonly PathKey[];
  readonly message: string;
}

export interface EnvExpansion {
  /** Every substituted value of 4 or more characters, for the logger to scrub. */
  readonly secrets: readonly string[];
  readonly issues: readonly EnvIssue[];
  /** Values that read a file (`${file:…}`), as written, by templateKey(path): auth secrets are read again from them. */
  readonly templates: ReadonlyMap<string, string>;
}

/** The key of a value's path in EnvExpansion.templates. */
export function templateKey(path: readonly PathKey[]): string {
  return JSON.stringify(path);
}

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
/** "${" not written as "$${" with no "}" anywhere after it. */
const UNCLOSED = /(?<!\$)\$\{[^}]*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `${file:PATH}` reads a secret from a file (Docker and systemd credentials) instead of the environment. */
const FILE_PREFIX = 'file:';
/** Shorter values (a port, "on") would scrub unrelated text from every log line. */
const MIN_SECRET_LENGTH = 4;

/**
 * One string value with its references replaced. `substituted` is false when only `$${...}`
 * escapes (or failed references) were rewritten: such a value stays text, however it reads.
 */
export function expandText(
  text: string,
  env: NodeJS.ProcessEnv,
  onSubstitute: (value: string) => void,
  onIssue: (message: string) => void,
): { readonly expanded: string; readonly substituted: boolean } {
  let substituted = false;
  // A "${" with no "}" after it would be sent as it stands: a secret that never arrives.
  if (UNCLOSED.test(text)) onIssue('"${" is never closed; write ${NAME} or ${file:/path} (or $${ for a literal "${")');
  const expanded = text.replace(REFERENCE, (whole, escape: string, name: string) => {
    if (escape === '$') return whole.slice(1);
    if (name.startsWith(FILE_PREFIX)) {
      const value = readSecretFile(name.slice(FILE_PREFIX.length), onIssue);
      if (value === undefined) return whole;
      substituted = true;
      onSubstitute(value);
      return value;
    }
    if (!NAME.test(name)) {
      onIssue(`"\${${name}}" is not a valid environment variable reference; names are letters, digits and _ (write $\${...} for a literal \${...})`);
      return whole;
    }
    const value = env[name];
    if (value === undefined) {
      onIssue(`environment variable ${name} is not set`);
      return whole;
    }
    substituted = true;
    onSubstitute(value);
    return value;
  });
  return { expanded, substituted };
}

/** `${file:/run/secrets/zalo-token}`: the file's text, read at load, one trailing newline trimmed (as `echo` leaves it). */
function readSecretFile(path: string, onIssue: (message: string) => void): string | undefined {
  if (path === '') {
    onIssue('"${file:}" names no file; write ${file:/path/to/secret}');
    return undefined;
  }
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    onIssue(`cannot read the secret file ${path} (${code})`);
    return undefined;
  }
}

/** Collects substituted values long enough to scrub, and issues at their paths. */
export function createExpansionLog(): {
  readonly secrets: Set<string>;
  readonly issues: EnvIssue[];
  readonly templates: Map<string, string>;
  expand(text: string, path: readonly PathKey[], env: NodeJS.ProcessEnv): { readonly expanded: string; readonly substituted: boolean };
} {
  const secrets = new Set<string>();
  const issues: EnvIssue[] = [];
  const templates = new Map<string, string>();
  return {
    secrets,
    issues,
    templates,
    expand: (text, path, env) => {
      if (text.includes(`\${${FILE_PREFIX}`)) templates.set(templateKey(path), text);
      return expandText(
        text,
        env,
        (value) => {
          if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
        },
        (message) => issues.push({ path, message }),
      );
    },
  };
}

export function expandEnv(document: Document, env: NodeJS.ProcessEnv): EnvExpansion {
  const log = createExpansionLog();

  const expandScalar = (node: Scalar, path: readonly PathKey[]): void => {
    if (typeof node.value !== 'string' || !node.value.includes('$')) return;
    const { expanded, substituted } = log.expand(node.value, path, env);
    if (expanded === node.value) return;
    // An unquoted `port: ${PORT}` must become the number YAML would have read had the value been written there.
    node.value = substituted && node.type === 'PLAIN' ? typePlainScalar(expanded) : expanded;
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
  return { secrets: [...log.secrets], issues: log.issues, templates: log.templates };
}

// The schema every config document is read with (YAML 1.2 core, merge keys on).
const CONFIG_DOCUMENT = new Document(null, { merge: true });

/** The core schema's tags that type plain scalars (null, bool, int, float), in the order YAML tries them. */
export const PLAIN_SCALAR_TAGS = CONFIG_DOCUMENT.schema.tags.filter(
  (tag): tag is typeof tag & { test: RegExp } => 'test' in tag && tag.test !== undefined && tag.default === true,
);

/** Types a plain scalar's text by the document schema's own rules (null, bool, int, float), else keeps the text. */
export function typePlainScalar(text: string): unknown {
  // An empty variable stays an empty string; YAML would read it as null, which no config field accepts.
  if (text === '') return text;
  for (const tag of PLAIN_SCALAR_TAGS) {
    if (tag.test.test(text)) return resolvePlainScalar(tag, text);
  }
  return text;
}

/** The value one of PLAIN_SCALAR_TAGS gives a text it matched. */
export function resolvePlainScalar(tag: (typeof PLAIN_SCALAR_TAGS)[number], text: string): unknown {
  // Some tags (bool, float, null) answer with a Scalar that remembers how it was written.
  const resolved = tag.resolve(text, () => undefined, CONFIG_DOCUMENT.options);
  return isScalar(resolved) ? resolved.value : resolved;
}
