import { describe, expect, it } from 'vitest';
import { createDossierFlow, SAMPLE_DOSSIER_CODE } from '../../src/sim/dossier-flow.ts';
import { createFakeClock } from './sim-fixture.ts';

describe('createDossierFlow', () => {
  it('keeps the national watermark within seconds of the provincial one when healthy', () => {
    const clock = createFakeClock();
    const flow = createDossierFlow({ now: clock.now, syncDelaySeconds: 2 });
    for (let step = 0; step < 60; step += 1) {
      clock.advanceSeconds(7);
      const provincial = flow.provincial();
      const national = flow.national();
      expect(provincial.lastUpdatedMs).toBeLessThanOrEqual(clock.now().getTime());
      expect(clock.now().getTime() - provincial.lastUpdatedMs).toBeLessThan(30_000);
      const lagMs = provincial.lastUpdatedMs - national.lastSyncedAtMs;
      expect(lagMs).toBeGreaterThanOrEqual(0);
      expect(lagMs).toBeLessThan(30_000);
      expect(provincial.pending).toBeLessThanOrEqual(2);
    }
  });

  it('freezes the national watermark and grows the backlog while stalled, then catches up', () => {
    const clock = createFakeClock();
    const flow = createDossierFlow({ now: clock.now, syncDelaySeconds: 2, catchUpFactor: 5 });
    clock.advanceSeconds(5);
    flow.setStalled(true);
    const frozenAt = flow.national().lastSyncedAtMs;
    const backlogs: number[] = [];
    for (let step = 0; step < 4; step += 1) {
      clock.advanceSeconds(60);
      expect(flow.national().lastSyncedAtMs).toBe(frozenAt);
      const provincial = flow.provincial();
      expect(provincial.lastUpdatedMs).toBeGreaterThan(frozenAt);
      expect(provincial.oldestUnsyncedAtMs).toBeGreaterThan(frozenAt - 1);
      backlogs.push(provincial.pending);
    }
    expect(backlogs[0]).toBeGreaterThan(0);
    expect(backlogs[3]).toBeGreaterThan(backlogs[0]!);

    flow.setStalled(false);
    clock.advanceSeconds(10);
    const partly = flow.national().lastSyncedAtMs;
    expect(partly).toBeGreaterThan(frozenAt);
    expect(flow.provincial().lastUpdatedMs - partly).toBeGreaterThan(60_000);
    clock.advanceSeconds(60);
    const provincial = flow.provincial();
    expect(provincial.lastUpdatedMs - flow.national().lastSyncedAtMs).toBeLessThan(30_000);
    expect(provincial.pending).toBeLessThanOrEqual(2);
  });

  it('reports nothing waiting as oldestUnsyncedAt undefined', () => {
    const clock = createFakeClock();
    const flow = createDossierFlow({ now: clock.now, syncDelaySeconds: 0 });
    clock.advanceSeconds(1);
    const provincial = flow.provincial();
    expect(provincial.pending).toBe(0);
    expect(provincial.oldestUnsyncedAtMs).toBeUndefined();
  });

  it('moves dossiers through every status code 1-10 over time', () => {
    const clock = createFakeClock();
    const flow = createDossierFlow({ now: clock.now });
    const seen = new Set<number>();
    for (let step = 0; step < 240; step += 1) {
      clock.advanceSeconds(15);
      for (const dossier of flow.provincial().dossiers) seen.add(dossier.status);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('lists the sample dossier first and codes in the G22.99-yymmdd-nnnn shape', () => {
    const clock = createFakeClock('2026-05-30T08:00:00+07:00');
    const flow = createDossierFlow({ now: clock.now });
    const { dossiers } = flow.provincial();
    expect(dossiers).toHaveLength(10);
    expect(dossiers[0]!.code).toBe(SAMPLE_DOSSIER_CODE);
    for (const dossier of dossiers.slice(1)) expect(dossier.code).toMatch(/^G22\.99-2605(29|30)-\d{4}$/);
  });

  it('finds a dossier by code on each side; the national side only once it has arrived', () => {
    const clock = createFakeClock();
    const flow = createDossierFlow({ now: clock.now, syncDelaySeconds: 2 });
    flow.setStalled(true);
    clock.advanceSeconds(120);
    const newest = flow.provincial().dossiers[1]!;
    expect(flow.findProvincial(newest.code)?.receivedAtMs).toBe(newest.receivedAtMs);
    expect(flow.findNational(newest.code)).toBeUndefined();
    expect(flow.findProvincial('G22.99-991231-0001')).toBeUndefined();

    flow.setStalled(false);
    clock.advanceSeconds(120);
    expect(flow.findNational(newest.code)?.code).toBe(newest.code);
  });

  it('lets the sample dossier differ between the sides while stalled (parity breaks)', () => {
    const clock = createFakeClock('2026-05-30T09:00:00+07:00');
    const flow = createDossierFlow({ now: clock.now });
    flow.setStalled(true);
    const statuses: [number, number][] = [];
    for (let step = 0; step < 5; step += 1) {
      clock.advanceSeconds(60);
      statuses.push([flow.findProvincial(SAMPLE_DOSSIER_CODE)!.status, flow.findNational(SAMPLE_DOSSIER_CODE)!.status]);
    }
    expect(new Set(statuses.map(([, national]) => national)).size).toBe(1);
    expect(statuses.some(([provincial, national]) => provincial !== national)).toBe(true);
  });
});
