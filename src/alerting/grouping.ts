// Which routes have a mail to make now (Alertmanager's grouping model). Pure: the outbox passes
// the pending rows, what the store knows of earlier mails, and the time.
//
// - Notifications of one route that arise within groupWait go out as ONE mail: a route becomes
//   ready groupWait after its oldest pending notification's groupWaitFrom. groupWait is counted
//   once per notification, from the moment the thing it reports happened (state/notification.ts
//   groupWaitStartOf): a firing's groupWait was spent settling the incident (state/incidents.ts),
//   so a firing is ready when queued; resolved, reminder, vantage, window and notice mails wait
//   here, so that five checks recovering together are one mail.
// - After a mail to a route, the next one waits until groupInterval after it was delivered.
// - A route that still has a mail on its way (frozen, not yet delivered) makes no new one: its
//   pending notifications wait and then go out together, so the order per route stays strict.

export interface PendingRow {
  readonly id: number;
  readonly route: string;
  /** When this row's groupWait began (not necessarily when it was queued). */
  readonly groupWaitFrom: Date;
}

export interface GroupingInput<R extends PendingRow> {
  /** Not yet in any mail, in id (FIFO) order. */
  readonly pending: readonly R[];
  readonly lastDeliveredAt: (route: string) => Date | undefined;
  /** Routes with a mail still on its way. */
  readonly blockedRoutes: ReadonlySet<string>;
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly now: Date;
}

export interface ReadyRoute<R extends PendingRow> {
  readonly route: string;
  /** Every pending row of the route, FIFO: they form one mail. */
  readonly rows: readonly R[];
}

export interface GroupingPlan<R extends PendingRow> {
  /** Ordered by each route's oldest row, so the longest-waiting route goes first. */
  readonly ready: readonly ReadyRoute<R>[];
  /** The earliest time a route that is not ready now becomes ready; absent when none will by time alone. */
  readonly nextDueAt?: Date;
}

export function planGroups<R extends PendingRow>(input: GroupingInput<R>): GroupingPlan<R> {
  const byRoute = new Map<string, R[]>();
  for (const row of [...input.pending].sort((a, b) => a.id - b.id)) {
    const rows = byRoute.get(row.route);
    if (rows) rows.push(row);
    else byRoute.set(row.route, [row]);
  }
  const ready: ReadyRoute<R>[] = [];
  let nextDueMs: number | undefined;
  for (const [route, rows] of byRoute) {
    if (input.blockedRoutes.has(route)) continue;
    const dueMs = routeDueAt(rows, input.lastDeliveredAt(route), input).getTime();
    if (dueMs <= input.now.getTime()) ready.push({ route, rows });
    else nextDueMs = nextDueMs === undefined ? dueMs : Math.min(nextDueMs, dueMs);
  }
  return nextDueMs === undefined ? { ready } : { ready, nextDueAt: new Date(nextDueMs) };
}

/** max(oldest pending + groupWait, last delivered + groupInterval). */
export function routeDueAt(
  rows: readonly PendingRow[],
  lastDeliveredAt: Date | undefined,
  timing: { readonly groupWaitSeconds: number; readonly groupIntervalSeconds: number },
): Date {
  const oldestMs = Math.min(...rows.map((row) => row.groupWaitFrom.getTime()));
  const afterWaitMs = oldestMs + timing.groupWaitSeconds * 1000;
  const afterIntervalMs = lastDeliveredAt === undefined ? -Infinity : lastDeliveredAt.getTime() + timing.groupIntervalSeconds * 1000;
  return new Date(Math.max(afterWaitMs, afterIntervalMs));
}
