import { describe, expect, it } from 'vitest';
import { packResults, unpackResults, type PackedResult } from '../../src/store/raw-results-codec.ts';

const T0 = new Date('2026-12-01T08:00:00.000Z');

describe('packed raw results', () => {
  it('round-trips every field, a wall-clock step back and numbers past 32 bits, at a few bytes a result', () => {
    const base = T0.getTime();
    const results: PackedResult[] = [
      { checkId: 1, atMs: base, status: 0, durationMs: 84, httpStatus: 200 },
      { checkId: 999, atMs: base + 999, status: 2, reason: 3, durationMs: 10_000 },
      { checkId: 70_000, atMs: base - 250, status: 1, reason: 10, durationMs: 0, httpStatus: 503, syncLag: 2 ** 40, backlog: 0 },
      { checkId: 0, atMs: base + 5, status: 2, reason: 11, durationMs: 3, backlog: 12 },
    ];
    const packed = packResults(results, base);
    expect(unpackResults(packed, base)).toEqual(results);
    expect(packResults([results[0]!], base).length).toBe(6);
    expect(() => unpackResults(packed.subarray(0, packed.length - 1), base)).toThrow(/ends inside a number/);
  });
});
