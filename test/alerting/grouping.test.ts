import { describe, expect, it } from 'vitest';
import { planGroups, routeDueAt, type PendingRow } from '../../src/alerting/grouping.ts';

const T0 = new Date('2026-05-29T15:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const row = (id: number, route: string, createdSeconds: number): PendingRow => ({ id, route, groupWaitFrom: at(createdSeconds) });
const timing = { groupWaitSeconds: 10, groupIntervalSeconds: 60 };

function plan(pending: PendingRow[], nowSeconds: number, last: Record<string, number> = {}, blocked: string[] = []) {
  return planGroups({
    pending,
    lastDeliveredAt: (route) => (route in last ? at(last[route]!) : undefined),
    blockedRoutes: new Set(blocked),
    ...timing,
    now: at(nowSeconds),
  });
}

describe('planGroups', () => {
  it('holds a new route until groupWait after its oldest notification, then takes every pending row', () => {
    const pending = [row(1, 'a', 0), row(2, 'a', 3), row(3, 'a', 9.5)];
    expect(plan(pending, 9.9)).toEqual({ ready: [], nextDueAt: at(10) });
    const ready = plan(pending, 10);
    expect(ready.ready).toEqual([{ route: 'a', rows: pending }]);
    expect(ready.nextDueAt).toBeUndefined();
  });

  it('after a mail to the route, waits until groupInterval after it was delivered', () => {
    const pending = [row(4, 'a', 20)];
    expect(plan(pending, 30, { a: 15 })).toEqual({ ready: [], nextDueAt: at(75) });
    expect(plan(pending, 75, { a: 15 }).ready).toHaveLength(1);
  });

  it('uses groupWait when the last mail is long past', () => {
    expect(plan([row(5, 'a', 500)], 505, { a: 0 })).toEqual({ ready: [], nextDueAt: at(510) });
  });

  it('keeps rows of each route apart and orders ready routes by their oldest row', () => {
    const pending = [row(7, 'b', 1), row(2, 'a', 0), row(9, 'c', 30), row(8, 'b', 2)];
    const result = plan(pending, 12);
    expect(result.ready.map((group) => [group.route, group.rows.map((r) => r.id)])).toEqual([
      ['a', [2]],
      ['b', [7, 8]],
    ]);
    expect(result.nextDueAt).toEqual(at(40));
  });

  it('makes no mail for a route that still has one on its way, and gives it no due time', () => {
    expect(plan([row(1, 'a', 0)], 100, {}, ['a'])).toEqual({ ready: [] });
  });

  it("counts groupWait from when each row's wait began, so a settled firing is ready when queued", () => {
    // Queued at 50, but its wait began when its incident opened at 40 (the rules settled it meanwhile).
    expect(plan([row(1, 'a', 40)], 50).ready).toHaveLength(1);
  });

  it('routeDueAt is the later of the two rules', () => {
    expect(routeDueAt([row(1, 'a', 100)], at(0), timing)).toEqual(at(110));
    expect(routeDueAt([row(1, 'a', 100)], at(90), timing)).toEqual(at(150));
  });
});
