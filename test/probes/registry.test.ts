import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/probes/probe.ts';
import { CheckInput } from '../../src/config/schema.ts';
import { judgeLatency, KINDS, probes } from '../../src/probes/registry.ts';

const base: ProbeResult = { status: 'ok', message: 'HTTP 200', durationSeconds: 3, phases: { ttfb: 2.9 } };

describe('judgeLatency', () => {
  it.each([
    ['under both levels', { warnSeconds: 5, criticalSeconds: 10 }, 'ok', undefined],
    ['over warn only', { warnSeconds: 2, criticalSeconds: 10 }, 'warning', 'latency'],
    ['over critical', { warnSeconds: 1, criticalSeconds: 2.5 }, 'critical', 'latency'],
    ['critical only, over it', { criticalSeconds: 2 }, 'critical', 'latency'],
    ['no thresholds', undefined, 'ok', undefined],
  ] as const)('%s', (_, latency, status, reason) => {
    const judged = judgeLatency(base, latency);
    expect(judged.status).toBe(status);
    expect(judged.reason).toBe(reason);
  });

  it('says how slow in the message', () => {
    expect(judgeLatency(base, { criticalSeconds: 2 }).message).toBe('slow: answered in 3 s, over the 2 s limit');
  });

  it('keeps the reason of a probe that already failed', () => {
    const failed: ProbeResult = { ...base, status: 'critical', reason: 'http_status', message: 'HTTP 503' };
    expect(judgeLatency(failed, { criticalSeconds: 1 })).toBe(failed);
  });

  it('turns a certificate warning critical when too slow, not the reverse', () => {
    const warned: ProbeResult = { ...base, status: 'warning', reason: 'tls', message: 'certificate expires in 5 days' };
    expect(judgeLatency(warned, { warnSeconds: 1 })).toBe(warned);
    expect(judgeLatency(warned, { criticalSeconds: 1 }).reason).toBe('latency');
  });
});

describe('KINDS, the one list of kinds', () => {
  it('holds every kind the config schema accepts, each once, with a probe', () => {
    // A catalogue check is crawled on its cron (src/catalogue), not probed.
    const declared = CheckInput.options.map((option) => option.shape.kind.value).filter((kind) => kind !== 'catalogue');
    expect([...KINDS].sort()).toEqual([...declared].sort());
    expect(new Set(KINDS).size).toBe(KINDS.length);
    for (const kind of KINDS) expect(typeof probes[kind], kind).toBe('function');
  });
});
