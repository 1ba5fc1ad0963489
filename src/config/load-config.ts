// Reads a config file into a validated, defaults-applied Config, or throws one ConfigError that
// lists every problem with its line and path. Synchronous and local: reads files, never the network.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { resolveConfig, type Config } from './config.ts';
import { ConfigError, formatIssuePath, type ConfigIssue, type PathKey } from './config-error.ts';
import { expandEnv, templateKey } from './expand-env.ts';
import { listenFromEnv, withListen } from './listen-from-env.ts';
import { findAuthIssues, NO_TEMPLATES, type TemplateAt } from './auth-config.ts';
import { findConfigWarnings } from './find-config-warnings.ts';
import { findAccessIssues } from './find-access-issues.ts';
import { findAlertingIssues } from './find-alerting-issues.ts';
import { EMPTY_ROSTER, findRosterIssues } from './roster-config.ts';
import { namedChannels } from './alerting-config.ts';
import { findCrossFieldIssues } from './find-cross-field-issues.ts';
import { findObjectiveIssues } from './find-objective-issues.ts';
import { findReportIssues } from './find-report-issues.ts';
import { createYamlLocator, type YamlLocator } from './locate-yaml-node.ts';
import { readCaFiles } from './read-ca-files.ts';
import { expandEnvInValue, hasPath, readYamlQuickly } from './read-yaml-quickly.ts';
import { ConfigInput } from './schema.ts';
import { translateZodIssues, type PathIssue } from './translate-zod-issues.ts';

export interface LoadedConfig {
  readonly config: Config;
  /** Values substituted from the environment; the logger scrubs them from output. */
  readonly secrets: readonly string[];
  readonly warnings: readonly ConfigIssue[];
}

/** Throws ConfigError listing every issue found; nothing else is thrown for bad input. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const source = readSource(file);
  return loadValidConfigQuickly(file, source, env) ?? loadConfigWithPositions(file, source, env);
}

/**
 * A file that is valid and draws no warning, read without positions: ten times quicker at
 * 10,000 checks (start-up, and a SIGHUP reload that would otherwise stall probes for a second).
 * Undefined on any problem at all, so that loadConfigWithPositions reports it with its line.
 */
export function loadValidConfigQuickly(file: string, source: string, env: NodeJS.ProcessEnv): LoadedConfig | undefined {
  // Merged keys exist in the value but not where the full parse looks for them (has()); rare enough to leave to it.
  if (source.includes('<<')) return undefined;
  const read = readYamlQuickly(source);
  if (read === undefined) return undefined;
  const expansion = expandEnvInValue(read, env, source);
  if (expansion.issues.length > 0) return undefined;
  const parsed = ConfigInput.safeParse(expansion.value);
  if (!parsed.success) return undefined;
  const fromEnv = listenFromEnv(env);
  if (fromEnv.issue !== undefined) return undefined;
  const has = (path: readonly PathKey[]): boolean => hasPath(expansion.value, path);
  const indexes = parsed.data.checks.map((_, index) => index);
  const { config, issues } = checkSemantics(file, withListen(parsed.data, fromEnv.listen), indexes, has, () => 0, templatesOf(expansion.templates));
  if (issues.length > 0) return undefined;
  const alerting = findAlertingIssues(parsed.data, config);
  if (findReportIssues(parsed.data).length > 0 || findObjectiveIssues(parsed.data).length > 0 || findAccessIssues(parsed.data, file).length > 0)
    return undefined;
  if (findRosterIssues(parsed.data, config.alerting.roster ?? EMPTY_ROSTER, namedChannels(config.alerting)).length > 0) return undefined;
  if (alerting.issues.length > 0 || alerting.warnings.length > 0 || findConfigWarnings(config, has).length > 0) return undefined;
  return { config, secrets: expansion.secrets, warnings: [] };
}

/** The full parse: slower, and every issue and warning carries its line and column. */
export function loadConfigWithPositions(file: string, source: string, env: NodeJS.ProcessEnv): LoadedConfig {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *common`) let a technician share settings between checks.
  const document = parseDocument(source, { lineCounter, prettyErrors: false, merge: true });
  const locator = createYamlLocator(document, lineCounter);
  const locate = (issue: PathIssue): ConfigIssue => {
    const position = issue.at === 'key' ? locator.keyAt(issue.path) : locator.valueAt(issue.path);
    return { file, line: position.line, column: position.column, path: formatIssuePath(issue.path), message: issue.message };
  };
  const has = (path: readonly PathKey[]): boolean => locator.has(path);
  const lineOf = (path: readonly PathKey[]): number => locator.valueAt(path).line;

  const yamlWarnings = document.warnings.map((warning) => yamlIssue(file, source, warning, locator));
  // A document that does not parse would only produce noise from the checks below.
  if (document.errors.length > 0) throw new ConfigError(sortIssues(document.errors.map((error) => yamlIssue(file, source, error, locator))));

  const expansion = expandEnv(document, env);
  // Messages quote bad values; one that came from the environment may be a token, and `check` prints to a terminal.
  const fail = (issues: readonly PathIssue[]): ConfigError =>
    new ConfigError(sortIssues(issues.map(locate)).map((issue) => ({ ...issue, message: scrubSecrets(issue.message, expansion.secrets) })));
  const fromEnv = listenFromEnv(env);
  const envIssues: PathIssue[] = [...expansion.issues.map((issue) => ({ ...issue, at: 'value' as const })), ...(fromEnv.issue ? [fromEnv.issue] : [])];
  const input = readDocument(document, file);
  const parsed = ConfigInput.safeParse(input);

  if (!parsed.success) {
    // A value still holding an unset ${NAME} fails validation too; its env issue already says why.
    const envPaths = new Set(envIssues.map((issue) => formatIssuePath(issue.path)));
    const schemaIssues = translateZodIssues(parsed.error.issues, input, ConfigInput).filter(
      (issue) => issue.at === 'key' || !envPaths.has(formatIssuePath(issue.path)),
    );
    // The checks that did validate still get the cross-field rules, so one pass reports everything.
    const partial = validateRemainingChecks(input, parsed.error.issues);
    const semanticIssues = partial ? checkSemantics(file, partial.data, partial.checkIndexes, has, lineOf, NO_TEMPLATES).issues : [];
    throw fail([...envIssues, ...schemaIssues, ...semanticIssues]);
  }

  const indexes = parsed.data.checks.map((_, index) => index);
  const { config, issues } = checkSemantics(file, withListen(parsed.data, fromEnv.listen), indexes, has, lineOf, templatesOf(expansion.templates));
  // Only on a fully valid file: a check that failed validation would read as "no check named …".
  const alerting = findAlertingIssues(parsed.data, config);
  const reports = [
    ...findReportIssues(parsed.data),
    ...findObjectiveIssues(parsed.data),
    ...findAccessIssues(parsed.data, file),
    ...findRosterIssues(parsed.data, config.alerting.roster ?? EMPTY_ROSTER, namedChannels(config.alerting)),
  ];
  if (envIssues.length > 0 || issues.length > 0 || alerting.issues.length > 0 || reports.length > 0) {
    throw fail([...envIssues, ...issues, ...alerting.issues, ...reports]);
  }

  return {
    config,
    secrets: expansion.secrets,
    warnings: sortIssues([...yamlWarnings, ...findConfigWarnings(config, has).map(locate), ...alerting.warnings.map(locate)]),
  };
}

/**
 * Reads CA files, applies defaults and runs the cross-field rules. `checkIndexes[i]` is where
 * `data.checks[i]` sits in the file (they differ when checks that failed validation were left out).
 */
function checkSemantics(
  file: string,
  data: ConfigInput,
  checkIndexes: readonly number[],
  has: (path: readonly PathKey[]) => boolean,
  lineOf: (path: readonly PathKey[]) => number,
  templateAt: TemplateAt,
): { config: Config; issues: PathIssue[] } {
  const toFile = (path: readonly PathKey[]): PathKey[] =>
    path[0] === 'checks' && typeof path[1] === 'number' ? ['checks', checkIndexes[path[1]] ?? path[1], ...path.slice(2)] : [...path];
  const ca = readCaFiles(data, dirname(file));
  const config = resolveConfig(file, ca.input, ca.readCa, (path) => templateAt(toFile(path)));
  const crossField = findCrossFieldIssues({
    input: data,
    config,
    has: (path) => has(toFile(path)),
    lineOf: (path) => lineOf(toFile(path)),
  });
  const issues = [...ca.issues, ...crossField, ...findAuthIssues(data)].map((issue) => ({ ...issue, path: toFile(issue.path) }));
  return { config, issues };
}

/**
 * The checks zod accepted, with `defaults`, validated again so the cross-field rules can run on
 * them; undefined when defaults or the list itself is broken. Other top-level settings do not
 * affect checks and are left out.
 */
function validateRemainingChecks(
  input: unknown,
  issues: readonly { readonly path: readonly PropertyKey[] }[],
): { data: ConfigInput; checkIndexes: number[] } | undefined {
  if (input === null || typeof input !== 'object' || !Array.isArray((input as { checks?: unknown }).checks)) return undefined;
  const { defaults, checks } = input as { defaults?: unknown; checks: unknown[] };
  const failing = new Set<number>();
  for (const issue of issues) {
    const [top, index] = issue.path;
    if (top === 'defaults' || (top === 'checks' && typeof index !== 'number')) return undefined;
    if (top === 'checks') failing.add(index as number);
  }
  const checkIndexes = checks.map((_, index) => index).filter((index) => !failing.has(index));
  if (checkIndexes.length === 0) return undefined;
  const reparsed = ConfigInput.safeParse({ defaults, checks: checkIndexes.map((index) => checks[index]) });
  return reparsed.success ? { data: reparsed.data, checkIndexes } : undefined;
}

function templatesOf(templates: ReadonlyMap<string, string>): TemplateAt {
  return (path) => templates.get(templateKey(path));
}

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ConfigError([{ file, path: '', message: `cannot read config file: ${reason}` }], { cause: error });
  }
}

function readDocument(document: Document, file: string): unknown {
  try {
    return document.toJS();
  } catch (error) {
    // yaml refuses documents whose aliases expand exponentially ("billion laughs").
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: `cannot read the document: ${(error as Error).message}` }], { cause: error });
  }
}

function yamlIssue(file: string, source: string, error: YAMLError, locator: YamlLocator): ConfigIssue {
  const offset = error.pos[0];
  const { line, column } = locator.positionOf(offset);
  if (error.code === 'DUPLICATE_KEY') {
    const path = locator.pathOfKeyAt(offset) ?? [];
    const key = path.at(-1);
    return {
      file,
      line,
      column,
      path: formatIssuePath(path),
      message: `duplicate key${key === undefined ? '' : ` "${String(key)}"`}; a key may appear only once in a map`,
    };
  }
  if (error.code === 'MULTIPLE_DOCS') {
    return { file, line, column, path: '', message: 'the file holds more than one YAML document ("---"); keep a single one' };
  }
  const lineText = source.split('\n')[line - 1] ?? '';
  // Inside [ ] or { }, YAML reads an unquoted ${A} as "$" and the map {A}; the parser's words do not say so.
  const hint =
    /\$\{/.test(lineText) && /[[{]/.test(lineText)
      ? ' (inside [ ] or { }, write "${NAME}" in quotes)'
      : error.code === 'BLOCK_AS_IMPLICIT_KEY'
        ? ' (a value holding ": " needs quotes)'
        : '';
  return { file, line, column, path: '', message: `YAML: ${error.message}${hint}` };
}

function scrubSecrets(message: string, secrets: readonly string[]): string {
  return secrets.reduce((text, secret) => text.split(secret).join('***'), message);
}

function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
