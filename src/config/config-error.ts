// The one error type for bad config: every problem found in a file, each with its line and
// path, so a technician can fix them all in one pass. Raised before anything starts.

export interface ConfigIssue {
  readonly file: string;
  /** 1-based; absent when the problem is the file as a whole (unreadable). */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** Where in the document, e.g. `checks[3].expect.latency.warn`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    const file = issues[0]?.file ?? 'config';
    super(`${countProblems(issues.length)} in ${file}:\n${issues.map(formatConfigIssue).join('\n')}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** `config/x.yaml:12:7 checks[3].expect.latency.warn: message`; `config/x.yaml:3:1: message` without a path. */
export function formatConfigIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const line = issue.path === '' ? `${where}: ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
  return withVisibleControls(line);
}

/** A value quoted from the file can hold a line break or an escape sequence: shown as \n, \u001b, never sent to the terminal. */
function withVisibleControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) =>
    char === '\n' ? '\\n' : char === '\r' ? '\\r' : char === '\t' ? '\\t' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export type PathKey = string | number;

/** ['checks', 3, 'headers', 'x-token'] → `checks[3].headers["x-token"]`. */
export function formatIssuePath(path: readonly PathKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}

/** "1 error", "3 errors". */
export function countProblems(count: number, noun = 'error'): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
