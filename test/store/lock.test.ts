import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/database.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, findDeadPid, startStoreProcess, type StoreProcess, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
const stores: Store[] = [];
const children: StoreProcess[] = [];
const open = (): Store => {
  const store = openStore(temp.path(), { log: createCapturedLog().log });
  stores.push(store);
  return store;
};
const lockPath = () => `${temp.path()}.lock`;
const lockHolder = () => Number(readFileSync(lockPath(), 'utf8').split('\n')[0]);

beforeEach(() => {
  temp = createTempDatabaseDir();
});
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const child of children.splice(0)) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
  temp.remove();
});

/** Until /proc says the process is in this state (bounded: 200 looks, one event-loop turn apart). */
async function waitForComm(pid: number, comm: string): Promise<void> {
  for (let look = 0; look < 400; look += 1) {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`process ${pid} never became ${comm}`);
}

async function waitForState(pid: number, state: string): Promise<void> {
  for (let look = 0; look < 200; look += 1) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] === state) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`process ${pid} never reached state ${state}`);
}

function expectLockedBy(pid: number): void {
  let thrown: unknown;
  try {
    open();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StoreError);
  expect(thrown).toMatchObject({ code: 'STORE_LOCKED', file: temp.path() });
  expect((thrown as Error).message).toContain(`pid ${pid}`);
  expect((thrown as Error).message).toContain(temp.path());
}

/** Opens the store in another process and keeps it open until killed (or its stdin closes). */
async function holdInAnotherProcess(): Promise<StoreProcess> {
  const holder = startStoreProcess(
    `import { openStore } from '@src/store/store.ts';
     import { createLogger } from '@src/log.ts';
     const store = openStore(process.env.STORE_PATH, { log: createLogger({ level: 'silent' }) });
     console.log('holding');
     process.stdin.on('end', () => store.close()).resume();`,
    { STORE_PATH: temp.path() },
  );
  children.push(holder);
  await holder.waitForLine((line) => line === 'holding');
  return holder;
}

describe('store lock', () => {
  it('refuses a second open in the same process, and allows it after close', () => {
    const first = open();
    expectLockedBy(process.pid);
    first.close();
    expect(existsSync(lockPath())).toBe(false);
    expect(() => open()).not.toThrow();
  });

  it('refuses an open while another live process holds the store, naming its pid', async () => {
    const holder = await holdInAnotherProcess();
    expect(lockHolder()).toBe(holder.child.pid);
    expectLockedBy(holder.child.pid!);
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const holder = await holdInAnotherProcess();
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(lockHolder()).toBe(holder.child.pid);
    open().meta.set('after', 'restart');
    expect(lockHolder()).toBe(process.pid);
  });

  it('releases the lock when the other process closes the store', async () => {
    const holder = await holdInAnotherProcess();
    holder.child.stdin!.end();
    await holder.exited;
    expect(existsSync(lockPath())).toBe(false);
    expect(() => open()).not.toThrow();
  });

  it('takes over a stale lock file naming a dead pid', async () => {
    const deadPid = await findDeadPid();
    writeFileSync(lockPath(), `${deadPid}\n`);
    open();
    expect(lockHolder()).toBe(process.pid);
  });

  it('takes over a lock file naming this pid that this process does not hold (a restarted container)', () => {
    writeFileSync(lockPath(), `${process.pid}\n`);
    open();
    expect(lockHolder()).toBe(process.pid);
  });

  it('takes over a lock file that holds no pid', () => {
    writeFileSync(lockPath(), 'garbage');
    open();
    expect(lockHolder()).toBe(process.pid);
  });

  it.runIf(process.platform === 'linux')('takes over the lock of an owner killed but not yet reaped by its parent (a zombie)', async () => {
    // The shell starts a sleeper, prints its pid, and becomes a process that never reaps it, so the
    // sleeper killed with SIGKILL stays a zombie: kill(pid, 0) still finds it, yet it holds nothing.
    const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const pid = Number(line.toString().trim());
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      writeFileSync(lockPath(), `${pid}\n${start}\n`);
      expectLockedBy(pid);
      // Only once the shell has become `sleep` does nothing reap the sleeper: a shell still running
      // would reap it at once, and there would be no zombie to test.
      await waitForComm(parent.pid!, 'sleep');
      process.kill(pid, 'SIGKILL');
      await waitForState(pid, 'Z');
      open();
      expect(lockHolder()).toBe(process.pid);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it.runIf(process.platform === 'linux')('tells a reused pid from the owner by the process start time', () => {
    // pid 1 is alive in every pid namespace; the lock is only its own if the start time matches.
    const stat = readFileSync('/proc/1/stat', 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(lockPath(), `1\n${start}\n`);
    expectLockedBy(1);
    writeFileSync(lockPath(), `1\n${Number(start) + 1}\n`);
    open();
    expect(lockHolder()).toBe(process.pid);
  });
});
