import { describe, expect, it, vi } from 'vitest';
import { isCancelled, raceAbort, RunCancelled } from '../src/cancellation.ts';

describe('isCancelled', () => {
  it('knows a cancellation by its type, not by a name or a code that look alike', () => {
    const cancelled = new AbortController();
    cancelled.abort(new RunCancelled('portal-home', 'removed'));
    expect(isCancelled(cancelled.signal)).toBe(true);

    const lookalike = new AbortController();
    lookalike.abort(Object.assign(new Error('run aborted'), { name: 'RunCancelled', code: 'RUN_ABORTED' }));
    expect(isCancelled(lookalike.signal)).toBe(false);

    const deadline = new AbortController();
    deadline.abort(new DOMException('probe deadline reached', 'TimeoutError'));
    expect(isCancelled(deadline.signal)).toBe(false);
    expect(isCancelled(new AbortController().signal)).toBe(false);
  });
});

describe('raceAbort', () => {
  it('settles as the promise does while the signal stays quiet, and removes its listener', async () => {
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const reason = vi.fn(() => new Error('aborted'));
    await expect(raceAbort(Promise.resolve(42), controller.signal, reason)).resolves.toBe(42);
    await expect(raceAbort(Promise.reject(new Error('refused')), controller.signal, reason)).rejects.toThrow('refused');
    expect(removed).toHaveBeenCalledTimes(2);
    controller.abort();
    expect(reason).not.toHaveBeenCalled();
  });

  it('rejects with the reason as soon as the signal aborts, and stops the work, whose own rejection goes unheard', async () => {
    const controller = new AbortController();
    let rejectWork: (error: Error) => void = () => {};
    const work = new Promise<number>((_, reject) => (rejectWork = reject));
    const stop = vi.fn(() => rejectWork(new Error('ECANCELLED')));
    const raced = raceAbort(work, controller.signal, () => new Error('deadline'), stop);
    controller.abort();
    await expect(raced).rejects.toThrow('deadline');
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const never = new Promise<number>(() => {});
    await expect(raceAbort(never, controller.signal, () => new Error('too late'))).rejects.toThrow('too late');
  });
});
