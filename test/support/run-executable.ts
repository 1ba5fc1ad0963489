// Finds and runs the Debian tools the config tests use (promtool, amtool, prometheus). A tool
// missing on a developer machine skips its tests; under CI (CI set) it fails them instead.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of an executable on PATH, or undefined when it is not installed. */
export function findExecutable(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Whether tests needing the tool run: it is installed, or CI wants them to fail loudly without it. */
export function isRunnable(executable: string | undefined): boolean {
  return executable !== undefined || process.env.CI !== undefined;
}

/** The tool's path, or an error naming the Debian package that provides it. */
export function requireExecutable(executable: string | undefined, name: string, debianPackage: string): string {
  if (executable === undefined) throw new Error(`${name} not found on PATH: apt-get install -y --no-install-recommends ${debianPackage}`);
  return executable;
}

export interface ExecutableResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  /** stdout and stderr, interleaved as they arrived. */
  readonly output: string;
}

/** Runs to completion, fed `input` on stdin when given; killed (exit code null) after timeoutMs. */
export function runExecutable(
  file: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<ExecutableResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    // Without input, stdin is closed at once: the tool reads end of file, as with 'ignore'. A tool
    // that exits before reading its input breaks the pipe; its exit code tells what happened.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${file} ${args.join(' ')}`, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, output });
    });
  });
}
