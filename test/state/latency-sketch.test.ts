import { describe, expect, it } from 'vitest';
import {
  addToSketch,
  createSketch,
  decodeSketch,
  encodeSketch,
  mergeSketch,
  RELATIVE_ACCURACY,
  sketchQuantile,
  type LatencySketch,
} from '../../src/state/latency-sketch.ts';
import { createSeededRandom } from '../support/seeded-random.ts';

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function sketchOf(values: readonly number[]): LatencySketch {
  const sketch = createSketch();
  for (const value of values) addToSketch(sketch, value);
  return sketch;
}

const next = createSeededRandom(7);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
const DISTRIBUTIONS: Record<string, number[]> = {
  // Answers of a healthy portal page: log-normal around 180 ms.
  'log-normal around 180 ms': Array.from({ length: 20_000 }, () => 0.18 * Math.exp(0.5 * normal())),
  // Most answers fast, a tenth stuck behind a slow backend.
  'bimodal 60 ms / 4 s': Array.from({ length: 20_000 }, () => (next() < 0.9 ? 0.06 + 0.02 * next() : 4 + next())),
  uniform: Array.from({ length: 10_000 }, () => 0.001 + 9.999 * next()),
  // Probe durations as recorded against the simulator (seconds), repeated as a month of minutes would.
  recorded: Array.from({ length: 3_000 }, (_, index) => [0.0123, 0.0118, 0.0131, 0.2011, 0.0127, 1.502, 0.0125, 0.0119, 0.0364, 10.003][index % 10]!),
};

describe('sketchQuantile', () => {
  it.each(Object.entries(DISTRIBUTIONS))('reads p50, p95 and p99 of %s within 2 % of the exact quantiles', (_name, values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const sketch = sketchOf(values);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(sketchQuantile(sketch, q)! - exact) / exact).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-9);
    }
    expect(sketchQuantile(sketch, 1)).toBe(sorted.at(-1));
    expect(sketchQuantile(sketch, 0)).toBe(sorted[0]);
  });

  it('gives the same quantiles for minutes merged as for the whole at once', () => {
    const values = DISTRIBUTIONS['bimodal 60 ms / 4 s']!;
    const whole = sketchOf(values);
    const merged = createSketch();
    for (let start = 0; start < values.length; start += 60) mergeSketch(merged, sketchOf(values.slice(start, start + 60)));
    for (const q of [0.5, 0.95]) expect(sketchQuantile(merged, q)).toBe(sketchQuantile(whole, q));
    expect(merged.count).toBe(values.length);
    expect(merged.max).toBe(whole.max);
  });

  it('is empty until something is added, and ignores values that are not durations', () => {
    const sketch = createSketch();
    expect(sketchQuantile(sketch, 0.5)).toBeUndefined();
    addToSketch(sketch, Number.NaN);
    addToSketch(sketch, -1);
    expect(sketch.count).toBe(0);
    addToSketch(sketch, 0);
    expect(sketchQuantile(sketch, 0.5)).toBe(0);
  });
});

describe('encodeSketch', () => {
  it('round-trips to the same quantiles in a few dozen bytes per minute', () => {
    const minute = sketchOf([0.0123, 0.0118, 0.0131, 0.2011, 0.0127, 0.0125]);
    const text = encodeSketch(minute);
    expect(text.length).toBeLessThan(80);
    const back = decodeSketch(text);
    for (const q of [0.5, 0.95, 1]) expect(sketchQuantile(back, q)).toBeCloseTo(sketchQuantile(minute, q)!, 5);
    expect(back.count).toBe(6);
  });

  it('round-trips an empty sketch and refuses text it did not write', () => {
    const back = decodeSketch(encodeSketch(createSketch()));
    expect(back.count).toBe(0);
    expect(sketchQuantile(back, 0.5)).toBeUndefined();
    expect(() => decodeSketch('not a sketch')).toThrow('not an encoded latency sketch');
  });
});
