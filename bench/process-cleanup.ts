// Children and temp dirs of a benchmark, removed however the benchmark ends: normally, on an
// error, or on Ctrl-C. Does not measure anything.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const directories = new Set<string>();
let installed = false;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

// SIGTERM, not SIGKILL: a child that is itself a benchmark must get the chance to stop its own
// children (a daemon, blackbox_exporter), which would otherwise outlive us.
function cleanUpNow(): void {
  for (const child of children) if (isRunning(child)) child.kill('SIGTERM');
  children.clear();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  directories.clear();
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const running = [...children].filter(isRunning);
      cleanUpNow();
      // Give them a few seconds to stop theirs, then make sure.
      const deadline = Date.now() + 5000;
      const poll = setInterval(() => {
        if (running.some(isRunning) && Date.now() < deadline) return;
        clearInterval(poll);
        for (const child of running) if (isRunning(child)) child.kill('SIGKILL');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }, 50);
    });
  }
}

/** spawn(), and stop the child when this process exits if it is still running. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  installHandlers();
  const child = spawn(command, args, options);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Removes the directory when this process exits, unless removeNow() did it first. */
export function removeOnExit(directory: string): { removeNow(): void } {
  installHandlers();
  directories.add(directory);
  return {
    removeNow() {
      rmSync(directory, { recursive: true, force: true });
      directories.delete(directory);
    },
  };
}

/** Lines of a child's output copied to our stderr with a prefix, at most maxLines of them. */
export function forwardOutput(stream: NodeJS.ReadableStream | null, prefix: string, maxLines = 20): void {
  if (!stream) return;
  let shown = 0;
  let dropped = 0;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      if (shown < maxLines) {
        shown += 1;
        process.stderr.write(`[${prefix}] ${line.slice(0, 500)}\n`);
      } else {
        dropped += 1;
      }
    }
  });
  stream.on('end', () => {
    if (dropped > 0) process.stderr.write(`[${prefix}] … ${dropped} more lines not shown\n`);
  });
}
