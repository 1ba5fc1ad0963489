import { describe, expect, it } from 'vitest';
import { backoffSeconds, DEFAULT_BACKOFF } from '../../src/alerting/backoff.ts';

describe('backoffSeconds', () => {
  const middle = () => 0.5; // no jitter

  it('starts at about 5 s and doubles', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffSeconds(attempt, DEFAULT_BACKOFF, middle))).toEqual([5, 10, 20, 40, 80]);
  });

  it('never waits longer than 5 minutes, however many failures', () => {
    for (const attempt of [7, 8, 20, 1000, Number.MAX_SAFE_INTEGER]) {
      for (const random of [0, 0.5, 0.999]) expect(backoffSeconds(attempt, DEFAULT_BACKOFF, () => random)).toBeLessThanOrEqual(300);
    }
    expect(backoffSeconds(50, DEFAULT_BACKOFF, middle)).toBe(300);
  });

  it('spreads retries by ±20 %', () => {
    expect(backoffSeconds(1, DEFAULT_BACKOFF, () => 0)).toBeCloseTo(4);
    expect(backoffSeconds(1, DEFAULT_BACKOFF, () => 0.9999)).toBeCloseTo(6, 2);
    expect(backoffSeconds(3, DEFAULT_BACKOFF, () => 0)).toBeCloseTo(16);
  });

  it('follows a shorter policy', () => {
    expect(backoffSeconds(1, { firstSeconds: 0.1, capSeconds: 0.3 }, middle)).toBeCloseTo(0.1);
    expect(backoffSeconds(4, { firstSeconds: 0.1, capSeconds: 0.3 }, middle)).toBeCloseTo(0.3);
  });
});
