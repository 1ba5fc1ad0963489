import { describe, expect, it } from 'vitest';
import { createSemaphore } from '../../src/scheduler/semaphore.ts';

/** Lets queued promise callbacks run without waiting on any timer. */
async function flushMicrotasks(): Promise<void> {
  for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
}

describe('createSemaphore', () => {
  it('admits up to the limit at once and queues the rest', async () => {
    const gate = createSemaphore(2);
    await gate.acquire();
    await gate.acquire();
    let third = false;
    void gate.acquire().then(() => {
      third = true;
    });
    await flushMicrotasks();
    expect(third).toBe(false);
    expect(gate.inFlight).toBe(2);
    expect(gate.waiting).toBe(1);
  });

  it('admits waiters in arrival order', async () => {
    const gate = createSemaphore(1);
    const first = await gate.acquire();
    const admitted: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c']) {
      void gate.acquire().then((release) => {
        admitted.push(name);
        releases.set(name, release);
      });
    }
    first();
    await flushMicrotasks();
    expect(admitted).toEqual(['a']);
    releases.get('a')?.();
    await flushMicrotasks();
    releases.get('b')?.();
    await flushMicrotasks();
    expect(admitted).toEqual(['a', 'b', 'c']);
    releases.get('c')?.();
    expect(gate.inFlight).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it('hands a released permit to the oldest waiter, not to a newcomer', async () => {
    const gate = createSemaphore(1);
    const holder = await gate.acquire();
    const admitted: string[] = [];
    void gate.acquire().then(() => admitted.push('queued'));
    holder();
    void gate.acquire().then(() => admitted.push('newcomer'));
    await flushMicrotasks();
    expect(admitted).toEqual(['queued']);
    expect(gate.inFlight).toBe(1);
    expect(gate.waiting).toBe(1);
  });

  it('removes an aborted waiter from the queue and rejects it with the abort reason', async () => {
    const gate = createSemaphore(1);
    const holder = await gate.acquire();
    const controller = new AbortController();
    const aborted = gate.acquire(controller.signal);
    const admitted: string[] = [];
    void gate.acquire().then(() => admitted.push('behind'));
    expect(gate.waiting).toBe(2);
    const reason = new Error('job removed');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(gate.waiting).toBe(1);
    holder();
    await flushMicrotasks();
    expect(admitted).toEqual(['behind']);
  });

  it('rejects at once for a signal that is already aborted, even with a free permit', async () => {
    const gate = createSemaphore(1);
    const reason = new Error('already stopped');
    await expect(gate.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(gate.inFlight).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it('frees one permit however often a release is called', async () => {
    const gate = createSemaphore(2);
    const first = await gate.acquire();
    await gate.acquire();
    first();
    first();
    expect(gate.inFlight).toBe(1);
    const queuedRelease = await gate.acquire();
    let fourth = false;
    void gate.acquire().then(() => {
      fourth = true;
    });
    first();
    await flushMicrotasks();
    expect(fourth).toBe(false);
    queuedRelease();
    await flushMicrotasks();
    expect(fourth).toBe(true);
  });

  it('ignores an abort that comes after the permit was granted', async () => {
    const gate = createSemaphore(1);
    const controller = new AbortController();
    const release = await gate.acquire(controller.signal);
    controller.abort();
    expect(gate.inFlight).toBe(1);
    release();
    expect(gate.inFlight).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses limit %s', (limit) => {
    expect(() => createSemaphore(limit)).toThrow(RangeError);
  });
});
