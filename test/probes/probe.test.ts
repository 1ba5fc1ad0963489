import { describe, expect, it } from 'vitest';
import { carriedSync, type SyncObservation } from '../../src/probes/probe.ts';

describe('carriedSync', () => {
  const seen: SyncObservation = {
    mode: 'lag',
    unit: 'seconds',
    lag: 420,
    backlog: 37,
    sourceWatermark: 1_780_066_000,
    targetWatermark: 1_780_065_580,
    sourceMovedAt: 1_780_066_000_000,
    targetMovedAt: 1_780_065_580_000,
  };

  it('keeps the watermarks and the clocks that run across probes, and drops the measures of the moment', () => {
    expect(carriedSync(seen)).toStrictEqual({
      mode: 'lag',
      unit: 'seconds',
      sourceWatermark: 1_780_066_000,
      targetWatermark: 1_780_065_580,
      sourceMovedAt: 1_780_066_000_000,
      targetMovedAt: 1_780_065_580_000,
    });
  });

  it('keeps when a parity mismatch began, per item too, but not how many differ now', () => {
    const parity: SyncObservation = {
      mode: 'parity',
      unit: 'items',
      mismatchCount: 2,
      comparedCount: 10,
      mismatchSeconds: 300,
      mismatchSince: 1_780_065_700_000,
      mismatchSinceByKey: { 'G22.99-260529-0001': 1_780_065_700_000 },
    };
    expect(carriedSync(parity)).toStrictEqual({
      mode: 'parity',
      unit: 'items',
      mismatchSince: 1_780_065_700_000,
      mismatchSinceByKey: { 'G22.99-260529-0001': 1_780_065_700_000 },
    });
  });

  it('takes mode and unit from the check when a reload changed them', () => {
    expect(carriedSync(seen, { mode: 'lag', unit: 'items' })).toMatchObject({ mode: 'lag', unit: 'items', sourceWatermark: 1_780_066_000 });
  });
});
