// Escalation stories on an injected clock, through the real incident book, escalator and a store
// file: the step fires once, only to its targets, not after an acknowledgement or the resolution,
// and a restart in between never fires it twice.
import { afterEach, describe, expect, it } from 'vitest';
import { createEscalator } from '../../src/checks/escalator.ts';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { resolveEscalation, resolveRoster } from '../../src/config/roster-config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { storeDeskLookup } from '../../src/desk/desk-lookup.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { initialCheckState, nextCheckState } from '../../src/state/check-state.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const T0 = Date.parse('2026-05-29T02:00:00+07:00');
const TRUCBAN = 'trucban@angiang.gov.vn';
const GIAMDOC = 'giamdoc@skhcn.angiang.gov.vn';
const PC06 = 'pc06@congan.angiang.gov.vn';

const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

const [CHECK] = resolveConfig(
  'escalation.yaml',
  ConfigInput.parse({
    checks: [{ name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: 'https://dichvucong.gov.vn/', failureThreshold: 1, successThreshold: 1 }],
  }),
  () => '',
).checks as [Check];

const ALERTING = makeAlerting({
  groupWaitSeconds: 0,
  email: { to: [TRUCBAN] },
  escalation: resolveEscalation([
    { after: 600, notify: [GIAMDOC] },
    { after: 1800, notify: ['Công an tỉnh PC06'] },
  ]),
  roster: resolveRoster({ organisations: [{ name: 'Công an tỉnh PC06', focalPoints: [{ name: 'Trực ban PC06', email: PC06 }] }] }),
});

function setup(alerting = ALERTING) {
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  let nowMs = T0;
  const clock = () => new Date(nowMs);
  const { log } = createCapturedLog();
  const start = () => {
    const store = openStore(dir.path(), { log, clock });
    stores.push(store);
    const desk = storeDeskLookup(store);
    const book = createIncidentBook({ store, alerting, checks: [CHECK], log, desk, escalator: createEscalator({ store, log, desk }) });
    return { store, book };
  };
  let running = start();
  const probe = (status: Status) => {
    const result: ProbeResult = {
      status,
      reason: status === 'ok' ? undefined : 'http_status',
      message: 'HTTP',
      durationSeconds: 0.1,
      phases: {},
      httpStatus: 503,
    };
    const before = running.book.states.get(CHECK.name) ?? initialCheckState(new Date(0));
    const next = nextCheckState(before, result, CHECK, clock());
    running.book.record(CHECK, next.state, running.book.decide(CHECK, next.state, result, next.change, clock()), clock());
  };
  /** Moves the clock to T0 + seconds, ticking every second on the way as the daemon does. */
  const runUntil = (seconds: number) => {
    while (nowMs < T0 + seconds * 1000) {
      nowMs = Math.min(nowMs + 1000, T0 + seconds * 1000);
      running.book.tick(clock());
    }
  };
  const escalations = () =>
    running.store.outbox
      .pending('email')
      .filter((row) => row.notification.escalation !== undefined)
      .map((row) => ({ after: row.notification.escalation?.afterSeconds, to: row.notification.to, at: (row.createdAt.getTime() - T0) / 1000 }));
  const restart = () => {
    running.store.close();
    stores.splice(stores.indexOf(running.store), 1);
    running = start();
  };
  const incidentId = () => running.book.openIncidents()[0]!.id;
  return { probe, runUntil, escalations, restart, incidentId, store: () => running.store, clock };
}

describe('escalation', () => {
  it('fires a step once, within 2 s of its after, only to the targets it names', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(1);
    story.runUntil(599);
    expect(story.escalations()).toEqual([]);
    story.runUntil(602);
    expect(story.escalations()).toEqual([{ after: 600, to: [GIAMDOC], at: 600 }]);
    story.runUntil(1200);
    expect(story.escalations()).toHaveLength(1);
  });

  it('does not escalate an incident acknowledged before the step', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(300);
    story.store().desk.acknowledge(story.incidentId(), { by: 'trucban', at: story.clock() });
    story.runUntil(2000);
    expect(story.escalations()).toEqual([]);
  });

  it('escalates once when acknowledged only after the step, and fires no later step', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(700);
    story.store().desk.acknowledge(story.incidentId(), { by: 'trucban', at: story.clock() });
    story.runUntil(2000);
    expect(story.escalations()).toEqual([{ after: 600, to: [GIAMDOC], at: 600 }]);
  });

  it('fires a step once across a restart between the step and the next tick', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(650);
    story.restart();
    story.runUntil(700);
    story.restart();
    story.runUntil(1000);
    expect(story.escalations()).toEqual([{ after: 600, to: [GIAMDOC], at: 600 }]);
  });

  it('fires a step that fell due while the daemon was down, once, when it comes back', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(300);
    story.restart();
    story.runUntil(900);
    expect(story.escalations()).toEqual([{ after: 600, to: [GIAMDOC], at: 600 }]);
  });

  it('stops at the resolution: no step after the incident ended', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(500);
    story.probe('ok');
    story.runUntil(2000);
    expect(story.escalations()).toEqual([]);
  });

  it('fires two steps in turn, the second to the organisation it names', () => {
    const story = setup();
    story.probe('critical');
    story.runUntil(1801);
    expect(story.escalations()).toEqual([
      { after: 600, to: [GIAMDOC], at: 600 },
      { after: 1800, to: [PC06], at: 1800 },
    ]);
    // The ordinary recipients got the firing, never an escalation.
    const ordinary = story
      .store()
      .outbox.pending('email')
      .filter((row) => row.notification.to.includes(TRUCBAN));
    expect(ordinary.map((row) => row.notification.type)).toEqual(['firing']);
  });

  it('fires a step with unless: none even after an acknowledgement, and only that one', () => {
    const story = setup({
      ...ALERTING,
      escalation: resolveEscalation([
        { after: 600, notify: [GIAMDOC] },
        { after: 1800, notify: ['Công an tỉnh PC06'], unless: 'none' },
      ]),
    });
    story.probe('critical');
    story.runUntil(60);
    story.store().desk.acknowledge(story.incidentId(), { by: 'trucban', at: story.clock() });
    story.runUntil(1801);
    expect(story.escalations()).toEqual([{ after: 1800, to: [PC06], at: 1800 }]);
  });
});
