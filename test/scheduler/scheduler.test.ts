import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunCancelled } from '../../src/cancellation.ts';
import { createScheduler, spreadPhases, type Job, type RunContext, type Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.ts';

interface Start {
  readonly name: string;
  /** ms after the scheduler started */
  readonly atMs: number;
  readonly scheduledAtMs: number;
  readonly lagSeconds: number;
  readonly signal: AbortSignal;
}

function createJob(name: string, intervalSeconds: number, timeoutSeconds = 1): Job {
  return { name, intervalSeconds, timeoutSeconds, key: `${name}/${intervalSeconds}/${timeoutSeconds}` };
}

/** Resolves after `ms` on whatever setTimeout is installed (fake in most tests). */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when the signal aborts: a run that honours cancellation and otherwise never ends. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Records every run's start, its concurrency and overlap per job. `behave` decides how long a run lasts
 * (default: ends at once).
 */
function createRecorder(behave: (job: Job, context: RunContext) => Promise<void> = () => Promise.resolve()) {
  const starts: Start[] = [];
  const activeByName = new Map<string, number>();
  let active = 0;
  let maxActive = 0;
  let maxActivePerJob = 0;
  let originMs = 0;
  const run = async (job: Job, context: RunContext): Promise<void> => {
    starts.push({
      name: job.name,
      atMs: performance.now() - originMs,
      scheduledAtMs: context.scheduledAt - originMs,
      lagSeconds: context.lagSeconds,
      signal: context.signal,
    });
    active += 1;
    maxActive = Math.max(maxActive, active);
    const forJob = (activeByName.get(job.name) ?? 0) + 1;
    activeByName.set(job.name, forJob);
    maxActivePerJob = Math.max(maxActivePerJob, forJob);
    try {
      await behave(job, context);
    } finally {
      active -= 1;
      activeByName.set(job.name, (activeByName.get(job.name) ?? 1) - 1);
    }
  };
  return {
    run,
    starts,
    startsOf: (name: string) => starts.filter((start) => start.name === name),
    /** Call right before scheduler.start(), so times read as offsets from it. */
    markOrigin: () => {
      originMs = performance.now();
    },
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    get maxActivePerJob() {
      return maxActivePerJob;
    },
  };
}

describe('createScheduler', () => {
  let scheduler: Scheduler | undefined;

  function startScheduler(jobs: readonly Job[], options: SchedulerOptions, markOrigin: () => void): Scheduler {
    scheduler = createScheduler(options);
    markOrigin();
    scheduler.start(jobs);
    return scheduler;
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });

  afterEach(async () => {
    const stopping = scheduler?.stop(0);
    scheduler = undefined;
    await vi.runOnlyPendingTimersAsync();
    await stopping;
    vi.useRealTimers();
  });

  describe('spread of first runs', () => {
    it('spaces jobs with the same interval evenly over it, in name order', async () => {
      const recorder = createRecorder();
      const jobs = ['delta', 'alpha', 'charlie', 'bravo'].map((name) => createJob(name, 1));
      startScheduler(jobs, { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(999);
      expect(recorder.starts.map(({ name, scheduledAtMs }) => [name, scheduledAtMs])).toEqual([
        ['alpha', 0],
        ['bravo', 250],
        ['charlie', 500],
        ['delta', 750],
      ]);
      for (const start of recorder.starts) expect(start.atMs - start.scheduledAtMs).toBeLessThanOrEqual(1);
    });

    it('spreads each interval group over its own interval', async () => {
      const recorder = createRecorder();
      const jobs = [createJob('a', 1), createJob('b', 1), createJob('x', 4), createJob('y', 4)];
      startScheduler(jobs, { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(3_999);
      expect(recorder.startsOf('x').map((start) => start.scheduledAtMs)).toEqual([0]);
      expect(recorder.startsOf('y').map((start) => start.scheduledAtMs)).toEqual([2_000]);
      expect(recorder.startsOf('b').map((start) => start.scheduledAtMs)).toEqual([500, 1_500, 2_500, 3_500]);
    });
  });

  describe('grid', () => {
    it('keeps every slot at origin + k × interval while runs take most of the interval', async () => {
      const recorder = createRecorder(() => delay(700));
      startScheduler([createJob('slow', 1), createJob('quick', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(recorder.startsOf('quick').map((start) => start.scheduledAtMs)).toEqual([
        0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000,
      ]);
      expect(recorder.startsOf('slow').map((start) => start.scheduledAtMs)).toEqual([500, 1_500, 2_500, 3_500, 4_500, 5_500, 6_500, 7_500, 8_500, 9_500]);
      for (const start of recorder.starts) expect(start.atMs - start.scheduledAtMs).toBeLessThanOrEqual(1);
    });

    it('runs a late-fired slot, counts the slots that passed meanwhile as skipped, and stays on the grid', async () => {
      const recorder = createRecorder();
      const skipped: string[] = [];
      let clockJumpMs = 0;
      // The scheduler's clock runs ahead of the timers, as after the event loop was blocked.
      const now = () => performance.now() + clockJumpMs;
      startScheduler([createJob('a', 1)], { maxConcurrency: 1, run: recorder.run, now, onSkip: (job) => skipped.push(job.name) }, () => recorder.markOrigin());
      await vi.advanceTimersByTimeAsync(500);
      clockJumpMs = 3_200;
      await vi.advanceTimersByTimeAsync(500);
      // The timer for slot 1 000 fired when the clock said 4 200.
      expect(recorder.starts.map((start) => start.scheduledAtMs)).toEqual([0, 1_000]);
      expect(recorder.starts[1]?.lagSeconds).toBeCloseTo(3.2, 3);
      expect(skipped).toEqual(['a', 'a', 'a']);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(recorder.starts.map((start) => start.scheduledAtMs)).toEqual([0, 1_000, 5_000]);
    });
  });

  describe('overlap', () => {
    it('never runs a job twice at once, skips slots that come while it runs and counts them', async () => {
      const recorder = createRecorder(() => delay(2_500));
      const skipped: string[] = [];
      const current = startScheduler(
        [createJob('a', 1)],
        { maxConcurrency: 10, run: recorder.run, onSkip: (job) => skipped.push(job.name) },
        recorder.markOrigin,
      );
      await vi.advanceTimersByTimeAsync(9_500);
      expect(recorder.starts.map((start) => start.scheduledAtMs)).toEqual([0, 3_000, 6_000, 9_000]);
      expect(recorder.maxActivePerJob).toBe(1);
      expect(skipped).toHaveLength(6);
      expect(current.jobStates().get('a')).toMatchObject({ runs: 4, skipped: 6, running: true });
    });
  });

  describe('maxConcurrency', () => {
    it('admits due runs in slot order when the gate is full, and their lag includes the wait', async () => {
      const recorder = createRecorder(() => delay(900));
      const lags: [string, number][] = [];
      const jobs = ['a', 'b', 'c', 'd', 'e'].map((name) => createJob(name, 1));
      startScheduler(jobs, { maxConcurrency: 2, run: recorder.run, onLag: (lagSeconds, job) => lags.push([job.name, lagSeconds]) }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(1_850);
      // a: 0–900, b: 200–1100; c (due 400) gets a's permit at 900, d (due 600) b's at 1100, e (due 800) c's at 1800.
      expect(recorder.starts.map(({ name, scheduledAtMs, atMs }) => [name, scheduledAtMs, atMs])).toEqual([
        ['a', 0, 0],
        ['b', 200, 200],
        ['c', 400, 900],
        ['d', 600, 1_100],
        ['e', 800, 1_800],
      ]);
      expect(lags.map(([name, lag]) => [name, Math.round(lag * 1000)])).toEqual([
        ['a', 0],
        ['b', 0],
        ['c', 500],
        ['d', 500],
        ['e', 1_000],
      ]);
      expect(recorder.starts.map((start) => start.lagSeconds)).toEqual(lags.map(([, lag]) => lag));
    });

    it('never has more runs in flight than maxConcurrency', async () => {
      const recorder = createRecorder((job) => delay(100 + (job.name.charCodeAt(0) % 7) * 150));
      const jobs = Array.from({ length: 30 }, (_, index) => createJob(`job-${String.fromCharCode(97 + (index % 26))}${index}`, 1 + (index % 3)));
      const current = startScheduler(jobs, { maxConcurrency: 4, run: recorder.run }, recorder.markOrigin);
      let sawQueue = false;
      for (let step = 0; step < 200; step += 1) {
        await vi.advanceTimersByTimeAsync(50);
        const health = current.health();
        expect(health.running).toBeLessThanOrEqual(4);
        sawQueue ||= health.queued > 0;
      }
      expect(recorder.maxActive).toBe(4);
      expect(recorder.maxActivePerJob).toBe(1);
      expect(sawQueue).toBe(true);
    });
  });

  describe('update', () => {
    it('keeps unchanged jobs on their grid and places a new job in the largest gap', async () => {
      const recorder = createRecorder();
      const current = startScheduler([createJob('a', 1), createJob('b', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(1_200);
      current.update([createJob('a', 1), createJob('b', 1), createJob('c', 1)]);
      await vi.advanceTimersByTimeAsync(1_800);
      expect(recorder.startsOf('a').map((start) => start.scheduledAtMs)).toEqual([0, 1_000, 2_000, 3_000]);
      expect(recorder.startsOf('b').map((start) => start.scheduledAtMs)).toEqual([500, 1_500, 2_500]);
      // Phases 0 and 500 leave two equal gaps; c takes the middle of the first one, 250, next reached at 1 250.
      expect(recorder.startsOf('c').map((start) => start.scheduledAtMs)).toEqual([1_250, 2_250]);
    });

    it('keeps the running state of an unchanged job: its run goes on and the next slot is skipped', async () => {
      const recorder = createRecorder((job, context) => (job.name === 'a' ? delay(1_500) : untilAborted(context.signal)));
      const current = startScheduler([createJob('a', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(500);
      current.update([createJob('a', 1)]);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(recorder.starts[0]?.signal.aborted).toBe(false);
      expect(recorder.startsOf('a').map((start) => start.scheduledAtMs)).toEqual([0, 2_000]);
      expect(current.jobStates().get('a')).toMatchObject({ runs: 2, skipped: 1 });
    });

    it('aborts the in-flight run of a removed job and never runs it again', async () => {
      const recorder = createRecorder((_job, context) => untilAborted(context.signal));
      const current = startScheduler([createJob('a', 1), createJob('b', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(600);
      const [aRun, bRun] = [recorder.startsOf('a')[0], recorder.startsOf('b')[0]];
      current.update([createJob('a', 1)]);
      expect(bRun?.signal.aborted).toBe(true);
      expect(bRun?.signal.reason).toBeInstanceOf(RunCancelled);
      expect((bRun?.signal.reason as RunCancelled).cancelCause).toBe('removed');
      expect(aRun?.signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(3_000);
      expect(recorder.startsOf('b')).toHaveLength(1);
      expect([...current.jobStates().keys()]).toEqual(['a']);
    });

    it('removes a job that waits for a permit from the queue', async () => {
      const recorder = createRecorder((_job, context) => untilAborted(context.signal));
      const current = startScheduler([createJob('a', 1), createJob('b', 1)], { maxConcurrency: 1, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(600);
      expect(current.health().queued).toBe(1);
      current.update([createJob('a', 1)]);
      await vi.advanceTimersByTimeAsync(0);
      expect(current.health().queued).toBe(0);
      expect(recorder.startsOf('b')).toHaveLength(0);
    });

    it('aborts the run of a changed job, keeps its phase when the interval is the same, and does not overlap the old run', async () => {
      let settleOld: (() => void) | undefined;
      const recorder = createRecorder((job) => (job.key.endsWith('v1') ? new Promise<void>((resolve) => (settleOld = resolve)) : Promise.resolve()));
      const v1 = { ...createJob('a', 1), key: 'a v1' };
      const current = startScheduler([v1, createJob('b', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(100);
      current.update([{ ...v1, key: 'a v2' }, createJob('b', 1)]);
      expect((recorder.starts[0]?.signal.reason as RunCancelled).cancelCause).toBe('changed');
      // The old run ignores its signal for a while: the slot at 1 000 must not overlap it.
      await vi.advanceTimersByTimeAsync(1_100);
      expect(recorder.startsOf('a')).toHaveLength(1);
      settleOld?.();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(recorder.startsOf('a').map((start) => start.scheduledAtMs)).toEqual([0, 2_000]);
      expect(recorder.maxActivePerJob).toBe(1);
    });

    it('re-places a job whose interval changed on its new interval', async () => {
      const recorder = createRecorder();
      const current = startScheduler([createJob('a', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(300);
      current.update([createJob('a', 2)]);
      await vi.advanceTimersByTimeAsync(4_000);
      expect(recorder.startsOf('a').map((start) => start.scheduledAtMs)).toEqual([0, 300, 2_300, 4_300]);
    });
  });

  describe('stop', () => {
    it('aborts in-flight and queued runs, resolves once they settle and leaves no timer behind', async () => {
      const recorder = createRecorder((_job, context) => untilAborted(context.signal));
      const current = startScheduler([createJob('a', 1), createJob('b', 1)], { maxConcurrency: 1, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(600);
      expect(current.health()).toMatchObject({ running: 1, queued: 1 });
      let stopped = false;
      const stopping = current.stop(10_000).then(() => {
        stopped = true;
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(true);
      await stopping;
      expect((recorder.starts[0]?.signal.reason as RunCancelled).cancelCause).toBe('stopped');
      expect(recorder.starts).toHaveLength(1);
      expect(current.health()).toMatchObject({ running: 0, queued: 0, stuck: false });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('resolves after the grace period when a run ignores its signal', async () => {
      const recorder = createRecorder(() => new Promise<void>(() => {}));
      const current = startScheduler([createJob('a', 1)], { maxConcurrency: 1, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(10);
      let stopped = false;
      const stopping = current.stop(2_000).then(() => {
        stopped = true;
      });
      await vi.advanceTimersByTimeAsync(1_999);
      expect(stopped).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await stopping;
      expect(stopped).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('errors', () => {
    it('reports a run that throws or rejects and keeps scheduling the job', async () => {
      let calls = 0;
      const recorder = createRecorder(async () => {
        calls += 1;
        if (calls === 1) throw new Error('probe bug');
        if (calls === 2) return Promise.reject(new Error('probe rejected'));
      });
      const errors: [string, string][] = [];
      const current = startScheduler(
        [createJob('a', 1)],
        { maxConcurrency: 1, run: recorder.run, onError: (error, job) => errors.push([job.name, (error as Error).message]) },
        recorder.markOrigin,
      );
      await vi.advanceTimersByTimeAsync(3_500);
      expect(errors).toEqual([
        ['a', 'probe bug'],
        ['a', 'probe rejected'],
      ]);
      expect(recorder.starts).toHaveLength(4);
      expect(current.jobStates().get('a')).toMatchObject({ runs: 4, running: false });
      expect(current.health().running).toBe(0);
    });

    it('survives a run that throws synchronously and a hook that throws', async () => {
      const errors: string[] = [];
      let runs = 0;
      const current = startScheduler(
        [createJob('a', 1)],
        {
          maxConcurrency: 1,
          run: () => {
            runs += 1;
            throw new Error('not even a promise');
          },
          onLag: () => {
            throw new Error('lag hook bug');
          },
          onError: (error) => errors.push((error as Error).message),
        },
        () => {},
      );
      await vi.advanceTimersByTimeAsync(1_500);
      expect(runs).toBe(2);
      expect(errors).toEqual(['lag hook bug', 'not even a promise', 'lag hook bug', 'not even a promise']);
      expect(current.health().running).toBe(0);
    });
  });

  describe('health', () => {
    it('reports stuck once a job waits for a permit longer than interval + timeout + 5 s', async () => {
      // a holds the only permit for ever; b (due at 500) can never start.
      const recorder = createRecorder(() => new Promise<void>(() => {}));
      const current = startScheduler([createJob('a', 1, 1), createJob('b', 1, 1)], { maxConcurrency: 1, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(7_500);
      expect(current.health()).toEqual({ stuck: false, overdue: [], running: 1, queued: 1 });
      await vi.advanceTimersByTimeAsync(100);
      expect(current.health()).toEqual({ stuck: true, overdue: ['b'], running: 1, queued: 1 });
      // a's own slots have been skipped behind its never-ending run since 1 000: it is wedged as well.
      await vi.advanceTimersByTimeAsync(500);
      expect(current.health().overdue).toEqual(['a', 'b']);
    });

    it('uses twice the interval when that is longer', async () => {
      const recorder = createRecorder(() => new Promise<void>(() => {}));
      const current = startScheduler([createJob('a', 60, 10), createJob('b', 60, 10)], { maxConcurrency: 1, run: recorder.run }, recorder.markOrigin);
      // b is due at 30 s; the threshold is max(120 s, 75 s).
      await vi.advanceTimersByTimeAsync(149_000);
      expect(current.health().overdue).toEqual([]);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(current.health().overdue).toEqual(['b']);
    });

    it('stays healthy while a loaded gate keeps up and slow runs are skipped', async () => {
      const recorder = createRecorder((job) => delay(job.name === 'slow' ? 2_400 : 300));
      const jobs = [createJob('slow', 1, 3), ...Array.from({ length: 8 }, (_, index) => createJob(`quick-${index}`, 1))];
      const current = startScheduler(jobs, { maxConcurrency: 3, run: recorder.run }, recorder.markOrigin);
      for (let step = 0; step < 60; step += 1) {
        await vi.advanceTimersByTimeAsync(500);
        expect(current.health().stuck).toBe(false);
      }
      expect(current.jobStates().get('slow')?.skipped).toBeGreaterThan(0);
    });
  });

  describe('jobStates', () => {
    it('maps last start and next slot to epoch milliseconds and counts runs', async () => {
      const recorder = createRecorder(() => delay(200));
      const epochAtStart = Date.now();
      const current = startScheduler([createJob('a', 1), createJob('b', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      await vi.advanceTimersByTimeAsync(1_600);
      const states = current.jobStates();
      expect(states.get('a')).toEqual({ lastStartedAt: epochAtStart + 1_000, nextSlotAt: epochAtStart + 2_000, running: false, runs: 2, skipped: 0 });
      expect(states.get('b')).toEqual({ lastStartedAt: epochAtStart + 1_500, nextSlotAt: epochAtStart + 2_500, running: true, runs: 2, skipped: 0 });
    });

    it('omits lastStartedAt before the first run', () => {
      const recorder = createRecorder();
      const current = startScheduler([createJob('a', 1), createJob('b', 1)], { maxConcurrency: 10, run: recorder.run }, recorder.markOrigin);
      expect(current.jobStates().get('b')).not.toHaveProperty('lastStartedAt');
    });
  });

  describe('input', () => {
    it('refuses duplicate names and non-positive intervals', () => {
      const current = createScheduler({ maxConcurrency: 1, run: () => Promise.resolve() });
      expect(() => current.start([createJob('a', 1), createJob('a', 2)])).toThrow(/two jobs named a/);
      expect(() => current.start([createJob('a', 0)])).toThrow(/job a: intervalSeconds/);
      expect(() => createScheduler({ maxConcurrency: 0, run: () => Promise.resolve() })).toThrow(/maxConcurrency/);
    });

    it('ignores update() after stop()', async () => {
      const recorder = createRecorder();
      const current = startScheduler([createJob('a', 1)], { maxConcurrency: 1, run: recorder.run }, recorder.markOrigin);
      await current.stop(0);
      current.update([createJob('a', 1), createJob('b', 1)]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});

describe('spreadPhases', () => {
  it.each([
    { existing: [], count: 4, expected: [0, 250, 500, 750] },
    { existing: [0, 500], count: 1, expected: [250] },
    { existing: [0, 500], count: 2, expected: [250, 750] },
    { existing: [0], count: 3, expected: [250, 500, 750] },
    // One long gap (100 → 1 000 + 0) and one short one (0 → 100): both new jobs go to the long one.
    { existing: [0, 100], count: 2, expected: [400, 700] },
    { existing: [900], count: 1, expected: [400] },
  ])('places $count new jobs among $existing on a 1 s grid', ({ existing, count, expected }) => {
    expect(spreadPhases(existing, count, 1_000)).toEqual(expected);
  });
});

describe('createScheduler on real timers', () => {
  // A quiet run measures p50 ≈ 1 ms and p99 ≈ 5 ms. The bounds are far above that because the two cores are
  // shared: one 120 ms stall of this process (seen once under load) delays every job due in it, which is
  // more than 1 % of the samples. They still catch lag that accumulates, a gate that serialises the jobs,
  // or lag measured from the wrong instant.
  it('starts 50 jobs at 100 ms for about a second with lag p50 under 25 ms and p99 under 250 ms', async () => {
    const lagsMs: number[] = [];
    const targetRuns = 500;
    let reached: () => void = () => {};
    const enoughRuns = new Promise<void>((resolve) => (reached = resolve));
    const scheduler = createScheduler({
      maxConcurrency: 64,
      // A run yields to the event loop like an I/O-bound probe would.
      run: () => new Promise((resolve) => setImmediate(resolve)),
      onLag: (lagSeconds) => {
        lagsMs.push(lagSeconds * 1000);
        if (lagsMs.length === targetRuns) reached();
      },
    });
    scheduler.start(Array.from({ length: 50 }, (_, index) => createJob(`real-${index}`, 0.1)));
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (deadline = setTimeout(() => resolve('timeout'), 5_000)));
    const outcome = await Promise.race([enoughRuns.then(() => 'done' as const), timedOut]);
    clearTimeout(deadline);
    await scheduler.stop(1_000);
    expect(outcome).toBe('done');
    const sorted = [...lagsMs].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Infinity;
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? Infinity;
    expect(p50).toBeLessThan(25);
    expect(p99).toBeLessThan(250);
    expect(sorted[0]).toBeGreaterThanOrEqual(0);
  });
});
