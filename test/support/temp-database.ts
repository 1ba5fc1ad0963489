// Real store files in a fresh temp directory per test, a logger whose lines a test can read, and
// real child processes that open the same store (locks, crashes).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../src/log.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { TestClocks } from './test-clocks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

export interface TempDatabaseDir {
  readonly dir: string;
  /** A path inside the directory; the default name is the store file the tests use. */
  path(name?: string): string;
  remove(): void;
}

export function createTempDatabaseDir(): TempDatabaseDir {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-store-'));
  return {
    dir,
    path: (name = 'sentinel.db') => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh temp directory per test and the stores a test opens in it on its test clocks; close() after each test. */
export interface StoreHarness {
  /** Starts a new directory for this test. */
  fresh(): void;
  /** Opens (again) the store in this test's directory, stamped by the test clocks. */
  open(clocks: TestClocks): Store;
  /** The store file's path, for a second, raw reader. */
  path(): string;
  /** Closes every store opened and removes the directory. */
  close(): void;
}

export function createStoreHarness(): StoreHarness {
  let temp: TempDatabaseDir | undefined;
  let stores: Store[] = [];
  const dir = (): TempDatabaseDir => {
    if (temp === undefined) throw new Error('call fresh() first');
    return temp;
  };
  return {
    fresh: () => {
      temp = createTempDatabaseDir();
    },
    open: (clocks) => {
      const store = openStore(dir().path(), { log: createCapturedLog().log, clock: clocks.clock });
      stores.push(store);
      return store;
    },
    path: () => dir().path(),
    close: () => {
      for (const store of stores) store.close();
      stores = [];
      temp?.remove();
      temp = undefined;
    },
  };
}

export interface CapturedLog {
  readonly log: Logger;
  /** Parsed JSON lines written so far. */
  lines(): Array<Record<string, unknown>>;
}

export function createCapturedLog(): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    log: createLogger({ level: 'debug', destination: stream }),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface StoreProcess {
  readonly child: ChildProcess;
  /** Lines the script wrote to stdout so far. */
  lines(): string[];
  /** Resolves with the first line matching, or rejects after timeoutMs or when the process exits. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs an ES module script in a real node process (through tsx, so it may import the project's
 * .ts files); `@src/` in the script stands for the project's src/ directory.
 */
export function startStoreProcess(script: string, env: NodeJS.ProcessEnv = {}): StoreProcess {
  const code = script.replaceAll('@src/', SRC);
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    lines: () => lines,
    exited,
    waitForLine(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) {
            cleanup();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching line within ${timeoutMs} ms; stdout tail: ${lines.slice(-5).join(' | ')}; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before the line; stdout tail: ${lines.slice(-5).join(' | ')}; stderr: ${stderr.slice(-2000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}

/** The pid of a process that has exited (and been reaped), for stale-lock tests. */
export async function findDeadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}
