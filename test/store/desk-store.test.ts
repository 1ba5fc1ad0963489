import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RetentionSeconds } from '../../src/config/config.ts';
import type { Incident } from '../../src/state/incident.ts';
import { pruneExpired } from '../../src/store/prune.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeIncident } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const DAY = 86_400_000;
const NOW = new Date('2027-06-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY);
const RETENTION: RetentionSeconds = { notifications: 30 * 86400, incidents: 400 * 86400, raw: 48 * 3600, aggregates: 400 * 86400 };
const ACTOR = { user: 'lan', address: '10.0.0.5' };

let temp: TempDatabaseDir;
let store: Store;
beforeEach(() => {
  temp = createTempDatabaseDir();
  store = openStore(temp.path(), { log: createCapturedLog().log });
});
afterEach(() => {
  store.close();
  temp.remove();
});

function peopleIncident(id: string, openedAt: Date, resolvedAt?: Date): Incident {
  return makeIncident({ id, check: '', openedAt, ...(resolvedAt === undefined ? {} : { resolvedAt }) });
}

describe('the desk store', () => {
  it('keeps the audit log and the desk’s records as long as incidents, and no longer', async () => {
    const report = { title: 't', description: 'd', reportedBy: 'xã', openedBy: 'lan' };
    store.desk.recordAudit({ at: daysAgo(500), ...ACTOR, action: 'login', target: '' });
    store.desk.recordAudit({ at: daysAgo(10), ...ACTOR, action: 'acknowledge', target: 'x' });
    store.desk.savePeopleIncident({ incident: peopleIncident('people-old', daysAgo(520), daysAgo(500)), report });
    store.desk.savePeopleIncident({ incident: peopleIncident('people-open', daysAgo(520)), report });
    store.desk.addNote({ incidentId: 'people-old', author: 'lan', at: daysAgo(510), notify: false, cause: 'c' });
    store.desk.addNote({ incidentId: 'people-open', author: 'lan', at: daysAgo(510), notify: false, cause: 'c' });
    store.desk.acknowledge('people-old', { by: 'lan', at: daysAgo(510) });
    store.desk.saveSilence({ id: 's-old', system: 'vneid', until: daysAgo(450), createdBy: 'lan', createdAt: daysAgo(451) });
    store.desk.saveMaintenance({
      id: 'm-old',
      name: 'm',
      checks: [],
      systems: [],
      startedAt: daysAgo(460),
      endedAt: daysAgo(459),
      startedBy: 'lan',
      endedBy: 'lan',
    });
    store.desk.saveMaintenance({ id: 'm-open', name: 'm', checks: [], systems: [], startedAt: daysAgo(460), startedBy: 'lan' });

    const pruned = await pruneExpired(store, RETENTION, NOW);
    expect(pruned.deleted.incidents).toBe(6);
    expect(store.desk.listAudit({ limit: 10 }).map((entry) => entry.action)).toEqual(['acknowledge']);
    expect(store.desk.peopleIncident('people-old')).toBeUndefined();
    expect(store.desk.peopleIncident('people-open')).toBeDefined();
    expect(store.desk.notes('people-old')).toEqual([]);
    expect(store.desk.notes('people-open')).toHaveLength(1);
    expect(store.desk.acknowledgement('people-old')).toBeUndefined();
    expect(store.desk.maintenance('m-old')).toBeUndefined();
    expect(store.desk.maintenance('m-open')).toBeDefined();
  });

  it('lists the audit log newest first, from `since`, at most `limit` entries', () => {
    for (let minute = 0; minute < 5; minute += 1)
      store.desk.recordAudit({ at: new Date(NOW.getTime() + minute * 60_000), ...ACTOR, action: 'note', target: `i${minute}` });
    expect(store.desk.listAudit({ limit: 2 }).map((entry) => entry.target)).toEqual(['i4', 'i3']);
    expect(store.desk.listAudit({ since: new Date(NOW.getTime() + 3 * 60_000), limit: 10 }).map((entry) => entry.target)).toEqual(['i4', 'i3']);
  });
});
