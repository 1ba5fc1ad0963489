// Runs `promtool check metrics` (Debian package `prometheus`) on exposition text.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of promtool on PATH, or undefined when it is not installed. */
export function findPromtool(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface PromtoolResult {
  /** 0 clean, 3 lint problems, 1 parse error (promtool 2.42). */
  readonly exitCode: number;
  readonly output: string;
}

export function checkMetricsWithPromtool(promtool: string, exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`cannot run ${promtool}`, { cause: error })));
    child.on('close', (code) => resolve({ exitCode: code ?? -1, output }));
    child.stdin.end(exposition);
  });
}
