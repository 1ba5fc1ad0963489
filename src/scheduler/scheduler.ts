// Runs every job on its own fixed grid of slots: first runs spread over the interval, a job never overlaps
// itself, the whole daemon stays under maxConcurrency, and each start's lag is reported. Knows nothing of probes.
//
// Timing model. Slot k of a job is at origin + k × interval, where origin = the moment the job was placed
// plus its spread offset. Timers are armed for the next slot's absolute time, never "interval after the last
// run", so a slow probe or a late timer cannot shift later slots (drift-free). A slot that comes while the
// job's previous run is still queued or running is skipped and counted; the grid is not moved.
//
// Timers. One setTimeout per job, re-armed at each slot. Node keeps timers in a binary heap of expiry lists,
// so a tick touches only the timers that are due and nothing here ever scans idle jobs: the work per due
// slot is O(1) plus Node's O(log n) insert. A hand-written heap behind a single timer would cost the same
// and would need its own lazy deletion for reloads, where clearTimeout already does the job.
import { RunCancelled, type RunCancelCause } from '../cancellation.ts';
import { createSemaphore } from './semaphore.ts';

export interface Job {
  readonly name: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** Equal keys = unchanged job across reloads. */
  readonly key: string;
}

export interface RunContext {
  /** Milliseconds on the scheduler's clock (options.now). */
  readonly scheduledAt: number;
  /** Admission time minus scheduledAt, including the wait for a concurrency permit. */
  readonly lagSeconds: number;
  /** Aborted by stop(), or when the job is removed or changed by update(); the reason is a RunCancelled. */
  readonly signal: AbortSignal;
}

export interface SchedulerOptions {
  readonly maxConcurrency: number;
  /** Never expected to reject; if it does, the error goes to onError and scheduling goes on. */
  readonly run: (job: Job, context: RunContext) => Promise<void>;
  readonly onLag?: (lagSeconds: number, job: Job) => void;
  /**
   * A slot was not run: the job's previous run was still queued or running, or the slot had already
   * passed when a late timer fired (a blocked event loop); missed slots are not made up in a burst.
   */
  readonly onSkip?: (job: Job) => void;
  /** Gets errors thrown by run and by the other hooks. Without it they become process warnings. */
  readonly onError?: (error: unknown, job: Job) => void;
  /** Monotonic milliseconds; default performance.now(). */
  readonly now?: () => number;
}

export interface SchedulerHealth {
  /** Some job is overdue: the loop or the gate is wedged. */
  readonly stuck: boolean;
  /** Names of the jobs whose oldest unstarted slot is older than max(2 × interval, interval + timeout + 5 s). */
  readonly overdue: readonly string[];
  /** Runs holding a concurrency permit, including aborted runs that have not settled yet. */
  readonly running: number;
  /** Runs whose slot has come and that wait for a permit. */
  readonly queued: number;
}

export interface JobState {
  /** Epoch ms of the last run's start; absent until the first run. */
  readonly lastStartedAt?: number;
  /** Epoch ms of the next slot. */
  readonly nextSlotAt: number;
  readonly running: boolean;
  readonly runs: number;
  readonly skipped: number;
}

export interface Scheduler {
  start(jobs: readonly Job[]): void;
  /**
   * Reload. A job with the same name and key keeps its phase and running state. A job whose key changed
   * has its queued or running run aborted; it keeps its phase if its interval is unchanged, otherwise it is
   * placed like a new job. New jobs are spread into the largest gaps of their interval's grid. Removed jobs
   * stop and their run is aborted. Ignored after stop(), so a reload racing shutdown is harmless.
   */
  update(jobs: readonly Job[]): void;
  /** Stops timers, aborts queued and running runs, resolves when they have settled or after graceMs. */
  stop(graceMs?: number): Promise<void>;
  /** For /healthz and /api/status. */
  health(): SchedulerHealth;
  /** Keyed by job name. */
  jobStates(): ReadonlyMap<string, JobState>;
}

const DEFAULT_GRACE_MS = 5_000;
const STUCK_MARGIN_MS = 5_000;
/** Node turns longer delays into 1 ms; a slot further away is reached by re-arming after each early fire. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** One admission attempt for one slot; identity tells a stale completion from the current one. */
interface Attempt {
  readonly slotAt: number;
}

interface Entry {
  job: Job;
  intervalMs: number;
  timeoutMs: number;
  origin: number;
  /** Index of the next slot whose timer has not fired yet. */
  slotIndex: number;
  timer: NodeJS.Timeout | undefined;
  /** Aborts the run in progress; made per run, as 10,000 idle controllers cost megabytes. */
  controller: AbortController | undefined;
  queued: Attempt | undefined;
  /** Scheduled time of the oldest slot not followed by a start (queued or skipped); cleared at each start. */
  oldestUnstartedAt: number | undefined;
  lastStartedAt: number | undefined;
  runs: number;
  skipped: number;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1) {
    throw new RangeError(`maxConcurrency must be a positive integer, got ${options.maxConcurrency}`);
  }
  const now = options.now ?? (() => performance.now());
  const gate = createSemaphore(options.maxConcurrency);
  const entries = new Map<string, Entry>();
  // By name, not by entry: a job removed and re-added while its aborted run is settling must still not overlap it.
  const runningByName = new Map<string, number>();
  const unsettled = new Set<Promise<void>>();
  let state: 'new' | 'started' | 'stopped' = 'new';
  let stopped: Promise<void> | undefined;

  function reportError(error: unknown, job: Job): void {
    try {
      if (options.onError) {
        options.onError(error, job);
        return;
      }
    } catch (hookError) {
      error = hookError;
    }
    process.emitWarning(new Error(`scheduled run of ${job.name} failed`, { cause: error }));
  }

  function callHook(hook: () => void, job: Job): void {
    try {
      hook();
    } catch (error) {
      reportError(error, job);
    }
  }

  function slotAt(entry: Entry, index: number): number {
    return entry.origin + index * entry.intervalMs;
  }

  function isBusy(entry: Entry): boolean {
    return entry.queued !== undefined || (runningByName.get(entry.job.name) ?? 0) > 0;
  }

  function armTimer(entry: Entry): void {
    const delayMs = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.ceil(slotAt(entry, entry.slotIndex) - now())));
    entry.timer = setTimeout(onTimer, delayMs, entry);
  }

  function onTimer(entry: Entry): void {
    entry.timer = undefined;
    const current = now();
    const dueAt = slotAt(entry, entry.slotIndex);
    if (current < dueAt) {
      // Node counts timer starts in whole milliseconds, so a timer can fire a fraction early; a run never does.
      armTimer(entry);
      return;
    }
    const first = entry.slotIndex;
    const last = Math.max(first, Math.floor((current - entry.origin) / entry.intervalMs));
    entry.slotIndex = last + 1;
    armTimer(entry);
    // Slots after the first one passed while this timer was late; they find the job busy and count as skipped.
    for (let index = first; index <= last; index += 1) handleSlot(entry, slotAt(entry, index));
  }

  function handleSlot(entry: Entry, scheduledAt: number): void {
    entry.oldestUnstartedAt ??= scheduledAt;
    if (isBusy(entry)) {
      entry.skipped += 1;
      const job = entry.job;
      if (options.onSkip) callHook(() => options.onSkip?.(job), job);
      return;
    }
    const attempt: Attempt = { slotAt: scheduledAt };
    entry.queued = attempt;
    const controller = new AbortController();
    entry.controller = controller;
    const settled = runSlot(entry, attempt, controller.signal).finally(() => {
      unsettled.delete(settled);
      if (entry.controller === controller) entry.controller = undefined;
    });
    unsettled.add(settled);
  }

  async function runSlot(entry: Entry, attempt: Attempt, signal: AbortSignal): Promise<void> {
    let release: () => void;
    try {
      release = await gate.acquire(signal);
    } catch {
      // Only an abort rejects acquire: the job was removed or changed, or the scheduler stopped.
      if (entry.queued === attempt) entry.queued = undefined;
      return;
    }
    if (entry.queued === attempt) entry.queued = undefined;
    if (signal.aborted) {
      // The permit was handed over in the same turn as the abort; give it back without running.
      release();
      return;
    }
    const job = entry.job;
    const startedAt = now();
    const lagSeconds = (startedAt - attempt.slotAt) / 1000;
    runningByName.set(job.name, (runningByName.get(job.name) ?? 0) + 1);
    entry.runs += 1;
    entry.lastStartedAt = startedAt;
    entry.oldestUnstartedAt = undefined;
    try {
      if (options.onLag) callHook(() => options.onLag?.(lagSeconds, job), job);
      await options.run(job, { scheduledAt: attempt.slotAt, lagSeconds, signal });
    } catch (error) {
      reportError(error, job);
    } finally {
      release();
      const remaining = (runningByName.get(job.name) ?? 1) - 1;
      if (remaining > 0) runningByName.set(job.name, remaining);
      else runningByName.delete(job.name);
    }
  }

  function createEntry(job: Job): Entry {
    return {
      job,
      intervalMs: job.intervalSeconds * 1000,
      timeoutMs: job.timeoutSeconds * 1000,
      origin: Number.NaN,
      slotIndex: 0,
      timer: undefined,
      controller: undefined,
      queued: undefined,
      oldestUnstartedAt: undefined,
      lastStartedAt: undefined,
      runs: 0,
      skipped: 0,
    };
  }

  /** Gives each entry an origin in [current, current + interval) and arms its first timer. */
  function placeEntries(toPlace: readonly Entry[], current: number): void {
    const byInterval = new Map<number, Entry[]>();
    for (const entry of toPlace) {
      const group = byInterval.get(entry.intervalMs);
      if (group) group.push(entry);
      else byInterval.set(entry.intervalMs, [entry]);
    }
    const placing = new Set(toPlace);
    for (const [intervalMs, group] of byInterval) {
      group.sort((a, b) => compareNames(a.job.name, b.job.name));
      const existingPhasesMs: number[] = [];
      for (const entry of entries.values()) {
        if (entry.intervalMs === intervalMs && !placing.has(entry)) {
          existingPhasesMs.push(modulo(entry.origin, intervalMs));
        }
      }
      if (existingPhasesMs.length === 0) {
        // A fresh grid is anchored at now, so the first job runs at once and the rest follow evenly.
        group.forEach((entry, index) => {
          entry.origin = current + (index * intervalMs) / group.length;
        });
      } else {
        const phasesMs = spreadPhases(existingPhasesMs, group.length, intervalMs);
        group.forEach((entry, index) => {
          entry.origin = current + modulo((phasesMs[index] ?? 0) - current, intervalMs);
        });
      }
      for (const entry of group) {
        entry.slotIndex = 0;
        armTimer(entry);
      }
    }
  }

  function abortEntry(entry: Entry, cause: RunCancelCause): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.controller?.abort(new RunCancelled(entry.job.name, cause));
  }

  function start(jobs: readonly Job[]): void {
    if (state !== 'new') throw new Error(`scheduler cannot start: it is already ${state}`);
    validateJobs(jobs);
    state = 'started';
    const toPlace = jobs.map((job) => {
      const entry = createEntry(job);
      entries.set(job.name, entry);
      return entry;
    });
    placeEntries(toPlace, now());
  }

  function update(jobs: readonly Job[]): void {
    if (state === 'stopped') return;
    if (state === 'new') throw new Error('scheduler cannot update before start');
    validateJobs(jobs);
    const incoming = new Set(jobs.map((job) => job.name));
    for (const [name, entry] of entries) {
      if (!incoming.has(name)) {
        abortEntry(entry, 'removed');
        entries.delete(name);
      }
    }
    const toPlace: Entry[] = [];
    for (const job of jobs) {
      const entry = entries.get(job.name);
      if (!entry) {
        const created = createEntry(job);
        entries.set(job.name, created);
        toPlace.push(created);
        continue;
      }
      const intervalMs = job.intervalSeconds * 1000;
      if (entry.job.key === job.key && entry.intervalMs === intervalMs) {
        entry.job = job;
        continue;
      }
      entry.controller?.abort(new RunCancelled(job.name, 'changed'));
      entry.controller = undefined;
      entry.job = job;
      entry.timeoutMs = job.timeoutSeconds * 1000;
      if (entry.intervalMs === intervalMs) continue;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.intervalMs = intervalMs;
      // Its queued run was just aborted; measuring overdue from the old grid would mix two intervals.
      entry.oldestUnstartedAt = undefined;
      toPlace.push(entry);
    }
    placeEntries(toPlace, now());
  }

  function stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    if (stopped) return stopped;
    state = 'stopped';
    for (const entry of entries.values()) abortEntry(entry, 'stopped');
    stopped = waitForSettled([...unsettled], graceMs);
    return stopped;
  }

  function health(): SchedulerHealth {
    const overdue: string[] = [];
    if (state === 'started') {
      const current = now();
      for (const entry of entries.values()) {
        // The next slot counts too: a timer that never fired leaves no queued or skipped slot behind.
        const since = Math.min(entry.oldestUnstartedAt ?? Infinity, slotAt(entry, entry.slotIndex));
        const thresholdMs = Math.max(2 * entry.intervalMs, entry.intervalMs + entry.timeoutMs + STUCK_MARGIN_MS);
        if (current - since > thresholdMs) overdue.push(entry.job.name);
      }
    }
    return { stuck: overdue.length > 0, overdue, running: gate.inFlight, queued: gate.waiting };
  }

  function jobStates(): ReadonlyMap<string, JobState> {
    const epochOffsetMs = Date.now() - now();
    const states = new Map<string, JobState>();
    for (const [name, entry] of entries) {
      states.set(name, {
        ...(entry.lastStartedAt === undefined ? {} : { lastStartedAt: entry.lastStartedAt + epochOffsetMs }),
        nextSlotAt: slotAt(entry, entry.slotIndex) + epochOffsetMs,
        running: (runningByName.get(name) ?? 0) > 0,
        runs: entry.runs,
        skipped: entry.skipped,
      });
    }
    return states;
  }

  return { start, update, stop, health, jobStates };
}

/**
 * Phases (ms in [0, interval)) for `count` new jobs joining a grid that already has jobs at
 * `existingPhasesMs`. Each gap between neighbours gets new jobs in proportion to its length, spaced evenly
 * inside it, so existing jobs never move and a reload that adds one check does not bunch it with another.
 * The result is in gap order, starting from the smallest existing phase.
 */
export function spreadPhases(existingPhasesMs: readonly number[], count: number, intervalMs: number): number[] {
  if (count === 0) return [];
  if (existingPhasesMs.length === 0) {
    return Array.from({ length: count }, (_, index) => (index * intervalMs) / count);
  }
  const sorted = existingPhasesMs.map((phase) => modulo(phase, intervalMs)).sort((a, b) => a - b);
  const gaps = sorted.map((startMs, index) => {
    const endMs = index + 1 < sorted.length ? (sorted[index + 1] ?? startMs) : (sorted[0] ?? startMs) + intervalMs;
    const lengthMs = endMs - startMs;
    const share = (count * lengthMs) / intervalMs;
    return { startMs, lengthMs, jobs: Math.floor(share), remainder: share - Math.floor(share) };
  });
  // Largest remainder: the leftover jobs go to the gaps that were shortchanged most by rounding down.
  let leftover = count - gaps.reduce((sum, gap) => sum + gap.jobs, 0);
  const byRemainder = gaps.map((gap, index) => ({ gap, index })).sort((a, b) => b.gap.remainder - a.gap.remainder || a.index - b.index);
  for (const { gap } of byRemainder) {
    if (leftover === 0) break;
    gap.jobs += 1;
    leftover -= 1;
  }
  const phases: number[] = [];
  for (const gap of gaps) {
    for (let index = 0; index < gap.jobs; index += 1) {
      phases.push(modulo(gap.startMs + (gap.lengthMs * (index + 1)) / (gap.jobs + 1), intervalMs));
    }
  }
  return phases;
}

function validateJobs(jobs: readonly Job[]): void {
  const names = new Set<string>();
  for (const job of jobs) {
    if (names.has(job.name)) throw new Error(`scheduler got two jobs named ${job.name}`);
    names.add(job.name);
    if (!(Number.isFinite(job.intervalSeconds) && job.intervalSeconds > 0)) {
      throw new RangeError(`job ${job.name}: intervalSeconds must be a positive number, got ${job.intervalSeconds}`);
    }
    if (!(Number.isFinite(job.timeoutSeconds) && job.timeoutSeconds >= 0)) {
      throw new RangeError(`job ${job.name}: timeoutSeconds must be a non-negative number, got ${job.timeoutSeconds}`);
    }
  }
}

async function waitForSettled(runs: readonly Promise<void>[], graceMs: number): Promise<void> {
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    graceTimer = setTimeout(resolve, graceMs);
  });
  try {
    await Promise.race([Promise.all(runs), graceOver]);
  } finally {
    clearTimeout(graceTimer);
  }
}

// Code-unit order, not localeCompare: the spread must not depend on the machine's locale.
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
