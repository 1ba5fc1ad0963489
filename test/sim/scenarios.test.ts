import { describe, expect, it } from 'vitest';
import {
  DEMO_TIMELINE,
  FAULT_NAMES,
  parseTimeline,
  pickLatencyMs,
  portalPhaseAt,
  SLOW_QUANTRICONG_LATENCY_MS,
  switchScenario,
  timelinePositionAt,
  type FaultName,
} from '../../src/sim/scenarios.ts';

describe('switchScenario', () => {
  it('keeps several faults on at once, each with the instant it was switched on', () => {
    const one = switchScenario(new Map(), 'portal-down', true, 1000);
    const two = switchScenario(one, 'sync-stalled', true, 2000);
    expect([...two.entries()]).toEqual([
      ['portal-down', 1000],
      ['sync-stalled', 2000],
    ]);
  });

  it('does not restart a fault that is already on', () => {
    const once = switchScenario(new Map(), 'blocked', true, 1000);
    expect(switchScenario(once, 'blocked', true, 5000).get('blocked')).toBe(1000);
  });

  it('clears every fault when healthy is switched on, and ignores healthy off', () => {
    const faults = new Map<FaultName, number>([
      ['blocked', 1],
      ['dns-changed', 2],
    ]);
    expect(switchScenario(faults, 'healthy', true, 3).size).toBe(0);
    expect(switchScenario(faults, 'healthy', false, 3).size).toBe(2);
  });

  it('switches one fault off without touching the others', () => {
    const faults = new Map<FaultName, number>([
      ['blocked', 1],
      ['dns-changed', 2],
    ]);
    expect([...switchScenario(faults, 'blocked', false, 3).keys()]).toEqual(['dns-changed']);
  });
});

describe('portalPhaseAt', () => {
  it.each([
    [undefined, 0, 'up'],
    [1000, 1000, 'unavailable'],
    [1000, 30_999, 'unavailable'],
    [1000, 31_000, 'refused'],
  ] as const)('portal-down since %s, now %s → %s', (since, nowMs, phase) => {
    const active = new Map<FaultName, number>(since === undefined ? [] : [['portal-down', since]]);
    expect(portalPhaseAt(active, nowMs, 30_000)).toBe(phase);
  });
});

describe('pickLatencyMs', () => {
  it('draws slow-quantricong latencies between 3 and 8 seconds', () => {
    expect(pickLatencyMs(SLOW_QUANTRICONG_LATENCY_MS, () => 0)).toBe(3000);
    expect(pickLatencyMs(SLOW_QUANTRICONG_LATENCY_MS, () => 0.5)).toBe(5500);
    expect(pickLatencyMs(SLOW_QUANTRICONG_LATENCY_MS, () => 0.999_999)).toBeLessThan(8000);
  });
});

describe('parseTimeline', () => {
  it('knows the demo timeline, which shows every fault', () => {
    const timeline = parseTimeline('demo');
    expect(timeline).toBe(DEMO_TIMELINE);
    expect(new Set(timeline.steps.flatMap((step) => step.faults))).toEqual(new Set(FAULT_NAMES));
    expect(timeline.steps[0]!.faults).toEqual([]);
  });

  it('reads steps with several scenarios and units', () => {
    expect(parseTimeline('healthy:60s, portal-down:90, slow-quantricong+sync-stalled:2m').steps).toEqual([
      { faults: [], durationSeconds: 60 },
      { faults: ['portal-down'], durationSeconds: 90 },
      { faults: ['slow-quantricong', 'sync-stalled'], durationSeconds: 120 },
    ]);
  });

  it.each([
    ['nonsense', /not "scenario\[\+scenario\]:duration"/],
    ['portal-gone:10s', /unknown scenario portal-gone/],
    ['healthy:soon', /"soon" is not a duration/],
    ['healthy:0s', /is not a duration/],
  ])('rejects %s with a message naming the step', (spec, message) => {
    expect(() => parseTimeline(spec)).toThrow(message);
  });
});

describe('timelinePositionAt', () => {
  const timeline = parseTimeline('healthy:10s,blocked:20s');

  it.each([
    [0, 0, 0, 10_000],
    [9_999, 0, 0, 10_000],
    [10_000, 1, 0, 30_000],
    [29_999, 1, 0, 30_000],
    [30_000, 0, 1, 40_000],
    [45_000, 1, 1, 60_000],
  ])('at +%s ms is step %s of loop %s, ending at +%s', (elapsedMs, index, loop, endsAtMs) => {
    const position = timelinePositionAt(timeline, 1_000_000, 1_000_000 + elapsedMs);
    expect({ index: position.index, loop: position.loop, endsAtMs: position.endsAtMs - 1_000_000 }).toEqual({ index, loop, endsAtMs });
  });
});
