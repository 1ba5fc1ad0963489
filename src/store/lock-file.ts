// One daemon per store file. Two daemons on one store would both deliver the outbox and mail every
// incident twice, so the store takes "<store>.lock", a file naming the owner's pid. Advisory: it
// binds only processes that use this module.
//
// A lock left behind by a killed process must not block the restart, so the owner's liveness is
// checked rather than the file's existence: process.kill(pid, 0), and on Linux the process start
// time recorded beside the pid, so a pid reused by an unrelated process (or by this very daemon
// after a container restart, where it is often pid 1) does not pass for the owner. The check only
// sees one pid namespace: two containers sharing a volume are not kept apart by it.
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

export type LockAttempt = { readonly acquired: true; readonly release: () => void } | { readonly acquired: false; readonly holderPid: number };

interface Holder {
  readonly pid?: number;
  readonly processStart?: string;
  readonly text: string;
  readonly inode: number;
}

// Lock paths this process holds, so a second open in the same process is refused while a lock
// file naming our own pid without an entry here is a leftover of an earlier process.
const heldInThisProcess = new Set<string>();

// Each round either takes the lock, finds a live owner, or removes one stale file; more rounds
// than this mean other processes keep racing for the same file.
const MAX_ROUNDS = 5;

/** Takes the lock or names its live owner. File-system errors (EACCES, EROFS, ENOSPC) are thrown. */
export function acquireLockFile(lockPath: string): LockAttempt {
  const content = describeThisProcess();
  // Written in full under a private name, then linked into place: the lock file appears atomically
  // and complete, so nobody ever reads a half-written pid.
  const draft = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, content, { flag: 'wx' });
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      try {
        linkSync(draft, lockPath);
        heldInThisProcess.add(lockPath);
        return { acquired: true, release: () => releaseLockFile(lockPath, content) };
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = readHolder(lockPath);
      if (holder === undefined) continue;
      if (isHolderAlive(holder, lockPath)) return { acquired: false, holderPid: holder.pid! };
      removeStaleLock(lockPath, holder);
    }
    throw new Error(`could not take ${lockPath}: other processes kept replacing it (${MAX_ROUNDS} rounds)`);
  } finally {
    rmSync(draft, { force: true });
  }
}

function releaseLockFile(lockPath: string, content: string): void {
  if (!heldInThisProcess.delete(lockPath)) return;
  try {
    if (readFileSync(lockPath, 'utf8') === content) rmSync(lockPath, { force: true });
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function describeThisProcess(): string {
  return `${process.pid}\n${readProcessStat(process.pid)?.start ?? ''}\n`;
}

/** undefined when the file vanished meanwhile; a holder without pid when its text is unreadable. */
function readHolder(lockPath: string): Holder | undefined {
  try {
    const inode = statSync(lockPath).ino;
    const text = readFileSync(lockPath, 'utf8');
    const [pidText = '', startText = ''] = text.split('\n');
    const pid = /^\d+$/.test(pidText.trim()) ? Number(pidText.trim()) : undefined;
    return {
      text,
      inode,
      ...(pid !== undefined && pid > 0 ? { pid } : {}),
      ...(startText.trim() === '' ? {} : { processStart: startText.trim() }),
    };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isHolderAlive(holder: Holder, lockPath: string): boolean {
  if (holder.pid === undefined) return false;
  if (holder.pid === process.pid) return heldInThisProcess.has(lockPath);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if (errorCode(error) !== 'EPERM') return false;
  }
  const stat = readProcessStat(holder.pid);
  // A killed owner whose parent has not reaped it yet (a zombie, or already being torn down) still
  // answers kill(pid, 0), but holds nothing: a restart right after a kill -9 must not wait for it.
  if (stat !== undefined && (stat.state === 'Z' || stat.state === 'X')) return false;
  return holder.processStart === undefined || stat === undefined || stat.start === holder.processStart;
}

// Moves the stale file aside rather than deleting it by name: if another process replaced it since
// we read it, the rename took that process's live lock, and the inode and text tell us to put it back.
function removeStaleLock(lockPath: string, stale: Holder): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    if (statSync(aside).ino !== stale.inode || readFileSync(aside, 'utf8') !== stale.text) {
      try {
        linkSync(aside, lockPath);
      } catch (error) {
        // A third process has linked a lock of its own meanwhile; it now owns the path.
        if (errorCode(error) !== 'EEXIST') throw error;
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

/** The state letter (field 3) and start time (field 22) of /proc/<pid>/stat; undefined off Linux. */
function readProcessStat(pid: number): { readonly state?: string; readonly start?: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
