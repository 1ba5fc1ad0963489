// `dvc-sentinel check --config FILE`: validates a config and prints every problem with its line
// and path. Reads files only; probes nothing.
import { ConfigError, countProblems, formatConfigIssue } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { KINDS } from '../probes/registry.ts';

export interface CheckIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 2;

/** Returns the exit code: 0 when the config is valid (warnings allowed), 2 when it is not. */
export function checkCommand(options: { config: string }, io: CheckIo, env: NodeJS.ProcessEnv = process.env): number {
  try {
    const { config, warnings } = loadConfig(options.config, env);
    for (const warning of warnings) io.stderr(`warning: ${formatConfigIssue(warning)}`);
    const counts = KINDS.map((kind) => ({ kind, count: config.checks.filter((check) => check.kind === kind).length }))
      .filter(({ count }) => count > 0)
      .map(({ kind, count }) => `${count} ${kind}`);
    // Catalogue checks are crawled on their cron, apart from config.checks; they count all the same.
    if (config.catalogues.length > 0) counts.push(`${config.catalogues.length} catalogue`);
    const total = config.checks.length + config.catalogues.length;
    io.stdout(`${options.config}: OK, ${total} check${total === 1 ? '' : 's'} (${counts.join(', ')})`);
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) io.stderr(formatConfigIssue(issue));
    io.stderr(`${countProblems(error.issues.length)} in ${options.config}`);
    return EXIT_INVALID;
  }
}
