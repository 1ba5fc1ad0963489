// CPU time and memory of a process, and how busy the whole machine is, read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStats {
  /** utime + stime of the process (all its threads). */
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** VmHWM: the peak RSS over the process's life. */
  readonly peakRssBytes: number;
  readonly threads: number;
}

export function readProcStats(pid: number): ProcStats {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}: has the process exited?`, { cause: error });
  }
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const number = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return {
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
    rssBytes: number('VmRSS') * 1024,
    peakRssBytes: number('VmHWM') * 1024,
    threads: number('Threads'),
  };
}

export interface MachineCpu {
  /** utime + stime of each running process, by pid. */
  readonly cpuMsByPid: ReadonlyMap<number, number>;
  /** performance.now() when read. */
  readonly atMs: number;
}

/**
 * CPU of every process on the machine. Summed from /proc/PID/stat rather than read from /proc/stat:
 * the machine-wide counters here come from timer-tick sampling and miss work that wakes and sleeps
 * between ticks (a prober's probe timers), while each process's utime+stime is its exact run time.
 */
export function readMachineCpu(): MachineCpu {
  const cpuMsByPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuMsByPid.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // The process exited while we looked.
    }
  }
  return { cpuMsByPid, atMs: performance.now() };
}

/**
 * Share of the machine's CPU (0…1 over all cores) used between two readings by the processes alive
 * at the second one: the target, the harness, the prober and other long-running work. A process that
 * started in between counts from zero; short ones that ended in between are missed (adding the
 * parents' cutime instead counts a whole finished run, however long before the window it began).
 */
export function machineBusyShare(before: MachineCpu, after: MachineCpu): number {
  const wallMs = after.atMs - before.atMs;
  let busyMs = 0;
  for (const [pid, cpuMs] of after.cpuMsByPid) busyMs += cpuMs - (before.cpuMsByPid.get(pid) ?? 0);
  return wallMs > 0 ? busyMs / (wallMs * cpus().length) : Number.NaN;
}

/** What a prober did and cost over one measured window, whichever prober it is. */
export interface WindowCost {
  readonly seconds: number;
  readonly probes: number;
  readonly probesPerSecond: number;
  readonly failures: number;
  readonly skipped: number;
  readonly cpuMs: number;
  readonly cpuMsPerProbe: number;
  readonly cpuCoresBusy: number;
  /** The whole machine over the window, every process included (100 = all cores busy). */
  readonly machineBusyPercent: number;
  /** At the end of the window. */
  readonly rssMB: number;
  /** VmHWM: the peak over the process's whole life, start-up included. */
  readonly peakRssMB: number;
}
