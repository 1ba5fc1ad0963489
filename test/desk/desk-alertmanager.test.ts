// A silence made at the desk mutes the incident's Alertmanager alert too (the daemon hands the
// loop the store's silences as `muted`), and only while it is in force.
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertmanagerLoop, type AlertmanagerPoster } from '../../src/alerting/channels/alertmanager.ts';
import { createStoreDesk } from '../../src/desk/store-desk.ts';
import type { Incident } from '../../src/state/incident.ts';
import { openStore } from '../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident } from '../support/alerting-fixtures.ts';
import { createTempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('a silence and Alertmanager', () => {
  it('leaves the silenced system’s alerts out of every push until it expires', async () => {
    const dir = createTempDatabaseDir();
    cleanups.push(() => dir.remove());
    const clocks = createTestClocks('2026-05-29T15:00:00Z');
    const { log } = captureLog('warn');
    const store = openStore(dir.path(), { log, clock: clocks.clock });
    cleanups.push(() => store.close());
    store.incidents.upsert(makeIncident({ check: 'dvcqg-home', system: 'national-portal', openedAt: clocks.now() }));
    store.incidents.upsert(makeIncident({ check: 'vneid-login', system: 'vneid', openedAt: clocks.now() }));
    const desk = createStoreDesk({ store, clock: clocks.clock, alerting: () => makeAlerting() });
    desk.silence({ user: 'lan', address: '10.0.0.5' }, { system: 'national-portal', until: new Date(clocks.now().getTime() + 30 * 60_000) });

    const pushes: string[][] = [];
    let pushed: () => void = () => {};
    const channel: AlertmanagerPoster = {
      async push(firing: readonly Incident[]) {
        pushes.push(firing.map((incident) => incident.check));
        pushed();
        return { delivered: ['test'], failed: [] };
      },
    };
    const nextPush = () => new Promise<void>((resolve) => (pushed = resolve));
    const first = nextPush();
    const loop = startAlertmanagerLoop({
      channel,
      store,
      intervalSeconds: 3600,
      log,
      clock: clocks.clock,
      muted: (incident, now) => store.desk.isSilenced(incident.check, incident.system, now),
    });
    cleanups.push(() => loop.stop());
    await first;
    expect(pushes).toEqual([['vneid-login']]);

    clocks.advance(31 * 60_000);
    const second = nextPush();
    loop.wake();
    await second;
    expect(pushes[1]).toEqual(['dvcqg-home', 'vneid-login']);
  });
});
