import { describe, expect, it } from 'vitest';
import type { Notification } from '../../src/state/notification.ts';
import type { AlertingConfig, MaintenanceWindow } from '../../src/config/alerting-config.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { parseAlertingState, serializeAlertingState } from '../../src/state/alerting-state.ts';
import { initialCheckState, nextCheckState, type CheckState, type Thresholds } from '../../src/state/check-state.ts';
import { incidentId, type Incident } from '../../src/state/incident.ts';
import {
  decideOnResult,
  decideOnTick,
  holdKey,
  initialAlertingState,
  type AlertingState,
  type AlertingView,
  type CheckAlerting,
  type Decision,
} from '../../src/state/incidents.ts';
import { ordinaryRecipients } from '../../src/state/recipients.ts';

const T0 = new Date('2026-05-29T08:00:00+07:00');
const TRUCBAN = 'trucban@angiang.gov.vn';

function alertingConfig(overrides: Partial<Omit<AlertingConfig, 'email'>> = {}, email: Partial<AlertingConfig['email']> = {}): AlertingConfig {
  return {
    locale: 'vi',
    groupWaitSeconds: 10,
    groupIntervalSeconds: 60,
    repeatIntervalSeconds: 3600,
    alertOn: 'critical',
    vantage: [],
    maintenance: [],
    links: {},
    webhooks: [],
    zalo: [],
    sms: [],
    flapping: { changes: 6, windowSeconds: 1800, recoveryHoldSeconds: 0 },
    ...overrides,
    email: {
      from: 'dvc-sentinel <giamsat@angiang.gov.vn>',
      to: [TRUCBAN],
      routes: [],
      outboxDir: '/nonexistent',
      retry: { firstSeconds: 5, capSeconds: 300 },
      ...email,
    },
  };
}

interface CheckSetup {
  readonly system?: string;
  readonly alertOn?: 'critical' | 'warning';
  readonly dependsOn?: readonly string[];
  readonly thresholds?: Thresholds;
}

function probeResult(status: Status, message = status === 'ok' ? 'HTTP 200' : 'timed out after 10s'): ProbeResult {
  return {
    status,
    reason: status === 'ok' ? undefined : status === 'warning' ? 'latency' : 'timeout',
    message,
    durationSeconds: status === 'ok' ? 0.2 : 10,
    phases: status === 'ok' ? { dns: 0.01, connect: 0.02, ttfb: 0.15 } : { dns: 0.01 },
  };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** What a store does: JSON out, Dates back in. */
function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) => (typeof item === 'string' && ISO_INSTANT.test(item) ? new Date(item) : item)) as T;
}

/** One line per notification: "firing portal [search,payment✓]". */
function say(notification: Notification): string {
  const subject = notification.incident?.check ?? notification.window;
  const riders = notification.riders.map((rider) => `${rider.check}${rider.resolvedAt ? '✓' : ''}`);
  return [notification.type, subject, riders.length > 0 ? `[${riders.join(',')}]` : undefined].filter(Boolean).join(' ');
}

/**
 * A daemon in miniature: check states, a store of incidents, the alerting state, and what was
 * queued, driven second by second from a start instant.
 */
function createWorld(checks: Record<string, CheckSetup>, config: AlertingConfig, start = T0) {
  const alerting = new Map<string, CheckAlerting>(
    Object.entries(checks).map(([name, setup]) => [
      name,
      { system: setup.system ?? name.split('-')[0]!, policy: { alertOn: setup.alertOn ?? config.alertOn, dependsOn: setup.dependsOn ?? [] } },
    ]),
  );
  let states = new Map<string, CheckState>();
  let store = new Map<string, Incident>();
  let alertingState: AlertingState = initialAlertingState();
  const sent: Notification[] = [];
  let now = start;

  const setTime = (seconds: number) => {
    const next = new Date(start.getTime() + seconds * 1000);
    if (next < now) throw new Error(`the story goes back in time at ${seconds}s`);
    now = next;
  };
  const view = (): AlertingView => ({
    now,
    config,
    checks: alerting,
    states,
    open: new Map([...store.values()].filter((incident) => incident.resolvedAt === undefined).map((incident) => [incident.check, incident])),
    alertingState,
    resolvedRiders: (by, key) =>
      [...store.values()].filter((incident) => incident.resolvedAt !== undefined && incident.hold?.by === by && holdKey(incident.hold) === key),
  });
  const apply = (decision: Decision): string[] => {
    const ids = decision.incidents.map((incident) => incident.id);
    expect(new Set(ids).size, 'each incident is upserted once per decision').toBe(ids.length);
    for (const incident of decision.incidents) store.set(incident.id, incident);
    alertingState = decision.alertingState;
    sent.push(...decision.notifications);
    return decision.notifications.map(say);
  };

  const world = {
    sent,
    /** One probe result of one check at `seconds` after the start. */
    result(seconds: number, check: string, status: Status, message?: string): string[] {
      setTime(seconds);
      const setup = checks[check];
      if (setup === undefined) throw new Error(`unknown check ${check}`);
      const result = probeResult(status, message);
      const next = nextCheckState(states.get(check) ?? initialCheckState(now), result, setup.thresholds ?? { failureThreshold: 2, successThreshold: 2 }, now);
      states = new Map(states).set(check, next.state);
      return apply(decideOnResult(check, result, next.change, view()));
    },
    /** Results for several checks at the same second, in the order given. */
    round(seconds: number, statuses: Record<string, Status>): string[] {
      return Object.entries(statuses).flatMap(([check, status]) => world.result(seconds, check, status));
    },
    tick(seconds: number): string[] {
      setTime(seconds);
      return apply(decideOnTick(view()));
    },
    /** The daemon dies and comes back: everything it knows goes through its store and back. */
    restart(): void {
      store = new Map(throughJson([...store]));
      states = new Map(throughJson([...states]));
      alertingState = parseAlertingState(serializeAlertingState(alertingState));
    },
    /** The latest incident of a check, open or not. */
    incident(check: string): Incident {
      const found = [...store.values()].filter((incident) => incident.check === check).at(-1);
      if (found === undefined) throw new Error(`no incident for ${check}`);
      return found;
    },
    incidents: () => [...store.values()],
    alertingState: () => alertingState,
    said: () => sent.map(say),
  };
  return world;
}

const at = (seconds: number, start = T0) => new Date(start.getTime() + seconds * 1000);

describe('one outage', () => {
  it('sends one firing once the incident has settled, and one resolved mail', () => {
    const world = createWorld({ 'dvcqg-home': {} }, alertingConfig());
    expect(world.result(0, 'dvcqg-home', 'ok')).toEqual([]);
    expect(world.result(30, 'dvcqg-home', 'critical')).toEqual([]);
    expect(world.result(60, 'dvcqg-home', 'critical')).toEqual([]);
    expect(world.tick(65)).toEqual([]);
    expect(world.tick(70)).toEqual(['firing dvcqg-home']);
    expect(world.tick(75)).toEqual([]);
    expect(world.result(90, 'dvcqg-home', 'critical')).toEqual([]);
    expect(world.result(120, 'dvcqg-home', 'ok')).toEqual([]);
    expect(world.result(150, 'dvcqg-home', 'ok')).toEqual(['resolved dvcqg-home']);
    expect(world.tick(5000)).toEqual([]);
    expect(world.said()).toEqual(['firing dvcqg-home', 'resolved dvcqg-home']);

    const incident = world.incident('dvcqg-home');
    expect(incident).toMatchObject({
      id: incidentId('dvcqg-home', at(60)),
      system: 'dvcqg',
      severity: 'critical',
      openedAt: at(60),
      resolvedAt: at(150),
      firstReason: 'timeout',
      lastReason: 'timeout',
      lastMessage: 'timed out after 10s',
      probes: 4,
      failedProbes: 2,
      announced: true,
      lastNotifiedAt: at(70),
    });
    expect(incident.last).toMatchObject({ at: at(150), status: 'ok', message: 'HTTP 200' });
    expect(world.sent.map((notification) => notification.to)).toEqual([[TRUCBAN], [TRUCBAN]]);
    expect(world.sent[1]!.incident?.resolvedAt).toEqual(at(150));
  });

  it('fires on the opening result itself when groupWait is 0', () => {
    const world = createWorld({ 'dvcqg-home': {} }, alertingConfig({ groupWaitSeconds: 0 }));
    world.result(0, 'dvcqg-home', 'critical');
    expect(world.result(30, 'dvcqg-home', 'critical')).toEqual(['firing dvcqg-home']);
  });

  it('mails an outage that ends while it settles: firing and resolved together', () => {
    const world = createWorld({ 'dvcqg-home': { thresholds: { failureThreshold: 1, successThreshold: 1 } } }, alertingConfig({ groupWaitSeconds: 60 }));
    world.result(0, 'dvcqg-home', 'ok');
    expect(world.result(10, 'dvcqg-home', 'critical')).toEqual([]);
    expect(world.result(20, 'dvcqg-home', 'ok')).toEqual(['firing dvcqg-home', 'resolved dvcqg-home']);
    expect(world.tick(100)).toEqual([]);
  });

  it('announces checks of one recipient set that fail together in one decision, when the first has settled', () => {
    const thresholds = { failureThreshold: 1, successThreshold: 1 };
    const world = createWorld(
      { 'dvcqg-home': { thresholds }, 'dvcqg-search': { thresholds }, 'sync-hoso': { system: 'sync', thresholds } },
      alertingConfig({}, { routes: [{ match: { system: 'sync' }, to: ['vnpt-ag@example.vn'] }] }),
    );
    world.result(0, 'dvcqg-home', 'critical');
    world.result(4, 'dvcqg-search', 'critical');
    world.result(5, 'sync-hoso', 'critical');
    expect(world.tick(9)).toEqual([]);
    // dvcqg-search has settled only 6 s, but it goes to the same people as dvcqg-home: one mail.
    // sync-hoso has other recipients and waits its own groupWait.
    expect(world.tick(10)).toEqual(['firing dvcqg-home', 'firing dvcqg-search']);
    expect(world.sent.map((notification) => notification.createdAt)).toEqual([at(10), at(10)]);
    expect(world.tick(14)).toEqual([]);
    expect(world.tick(15)).toEqual(['firing sync-hoso']);
  });

  it('sends nothing for flapping that never reaches the thresholds', () => {
    const world = createWorld({ 'dvcqg-home': {} }, alertingConfig());
    const statuses: Status[] = ['ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok'];
    statuses.forEach((status, index) => {
      world.result(index * 30, 'dvcqg-home', status);
      world.tick(index * 30 + 15);
    });
    expect(world.said()).toEqual([]);
    expect(world.incidents()).toEqual([]);
  });

  it('opens a second incident for a second outage', () => {
    const world = createWorld({ 'dvcqg-home': { thresholds: { failureThreshold: 1, successThreshold: 1 } } }, alertingConfig({ groupWaitSeconds: 0 }));
    world.result(0, 'dvcqg-home', 'critical');
    world.result(30, 'dvcqg-home', 'ok');
    world.result(60, 'dvcqg-home', 'critical');
    world.result(90, 'dvcqg-home', 'ok');
    expect(world.said()).toEqual(['firing dvcqg-home', 'resolved dvcqg-home', 'firing dvcqg-home', 'resolved dvcqg-home']);
    expect(new Set(world.sent.map((notification) => notification.incident?.id)).size).toBe(2);
  });
});

describe('down time bounds', () => {
  it('starts at the first failure of the run that opened it: a 3-failure threshold does not shorten the outage', () => {
    const world = createWorld({ 'dvcqg-home': { thresholds: { failureThreshold: 3, successThreshold: 2 } } }, alertingConfig());
    world.result(0, 'dvcqg-home', 'ok');
    world.result(30, 'dvcqg-home', 'critical');
    world.result(60, 'dvcqg-home', 'critical');
    world.result(90, 'dvcqg-home', 'critical');
    expect(world.incident('dvcqg-home')).toMatchObject({ openedAt: at(90), failingSince: at(30) });
    expect(world.incident('dvcqg-home').recoveredAt).toBeUndefined();
    world.result(120, 'dvcqg-home', 'ok');
    world.result(150, 'dvcqg-home', 'ok');
    expect(world.incident('dvcqg-home')).toMatchObject({ failingSince: at(30), resolvedAt: at(150), recoveredAt: at(120) });
  });

  it('ends at the first pass of the run that closed it (successThreshold 2), and survives a restart', () => {
    const world = createWorld({ 'dvcqg-home': { thresholds: { failureThreshold: 2, successThreshold: 2 } } }, alertingConfig());
    world.result(0, 'dvcqg-home', 'critical');
    world.result(30, 'dvcqg-home', 'critical');
    world.restart();
    // A pass that the next failure cancels starts no recovery.
    world.result(60, 'dvcqg-home', 'ok');
    world.result(90, 'dvcqg-home', 'critical');
    world.result(120, 'dvcqg-home', 'ok');
    world.restart();
    world.result(150, 'dvcqg-home', 'ok');
    expect(world.incident('dvcqg-home')).toMatchObject({ openedAt: at(30), failingSince: at(0), resolvedAt: at(150), recoveredAt: at(120) });
  });

  it('keeps a recovering parent’s first pass while it waits for its children, and drops it when it fails again', () => {
    const thresholds = { failureThreshold: 1, successThreshold: 2 };
    const world = createWorld({ portal: { system: 'dvcqg', thresholds }, search: { dependsOn: ['portal'], thresholds } }, alertingConfig());
    world.round(0, { portal: 'critical', search: 'critical' });
    world.tick(10);
    world.round(100, { portal: 'ok' });
    world.round(102, { portal: 'ok' });
    expect(world.incident('portal')).toMatchObject({ recoveringSince: at(102), recoveredAt: at(100) });
    world.round(104, { portal: 'critical' });
    expect(world.incident('portal').recoveredAt).toBeUndefined();
    world.round(200, { portal: 'ok' });
    world.round(205, { portal: 'ok' });
    world.tick(215);
    expect(world.incident('portal')).toMatchObject({ failingSince: at(0), resolvedAt: at(205), recoveredAt: at(200) });
  });
});

describe('reminders', () => {
  it('reminds every repeatInterval after the last mail, and not before', () => {
    const world = createWorld({ 'dvcqg-home': {} }, alertingConfig());
    world.result(0, 'dvcqg-home', 'critical');
    world.result(30, 'dvcqg-home', 'critical');
    expect(world.tick(40)).toEqual(['firing dvcqg-home']);
    expect(world.tick(40 + 3599)).toEqual([]);
    world.result(40 + 3599, 'dvcqg-home', 'critical');
    expect(world.tick(40 + 3600)).toEqual(['reminder dvcqg-home']);
    expect(world.tick(40 + 3605)).toEqual([]);
    expect(world.tick(40 + 7199)).toEqual([]);
    expect(world.tick(40 + 7200)).toEqual(['reminder dvcqg-home']);
    expect(world.incident('dvcqg-home').lastNotifiedAt).toEqual(at(40 + 7200));
    expect(world.incident('dvcqg-home').probes).toBe(2);
  });
});

describe('severity', () => {
  it('with alertOn warning: opens on warning, reminds at once on escalation, says nothing on de-escalation', () => {
    const world = createWorld({ 'tthc-ag': { alertOn: 'warning' } }, alertingConfig());
    world.result(0, 'tthc-ag', 'ok');
    world.result(30, 'tthc-ag', 'warning');
    expect(world.result(60, 'tthc-ag', 'warning')).toEqual([]);
    expect(world.tick(70)).toEqual(['firing tthc-ag']);
    expect(world.sent[0]!.incident?.severity).toBe('warning');
    world.result(90, 'tthc-ag', 'critical');
    expect(world.result(120, 'tthc-ag', 'critical')).toEqual(['reminder tthc-ag']);
    expect(world.sent[1]!.incident?.severity).toBe('critical');
    expect(world.tick(120 + 3599)).toEqual([]);
    expect(world.tick(120 + 3600)).toEqual(['reminder tthc-ag']);
    world.result(3750, 'tthc-ag', 'warning');
    expect(world.result(3780, 'tthc-ag', 'warning')).toEqual([]);
    expect(world.incident('tthc-ag').severity).toBe('warning');
    expect(world.incident('tthc-ag').resolvedAt).toBeUndefined();
    world.result(3810, 'tthc-ag', 'ok');
    expect(world.result(3840, 'tthc-ag', 'ok')).toEqual(['resolved tthc-ag']);
    expect(world.incidents()).toHaveLength(1);
  });

  it('with alertOn critical: ignores warnings, and resolves when critical steps down to warning', () => {
    const world = createWorld({ 'tthc-ag': {} }, alertingConfig());
    world.result(0, 'tthc-ag', 'ok');
    world.result(30, 'tthc-ag', 'warning');
    world.result(60, 'tthc-ag', 'warning');
    expect(world.tick(100)).toEqual([]);
    world.result(120, 'tthc-ag', 'critical');
    world.result(150, 'tthc-ag', 'critical');
    expect(world.tick(160)).toEqual(['firing tthc-ag']);
    world.result(180, 'tthc-ag', 'warning');
    expect(world.result(210, 'tthc-ag', 'warning')).toEqual(['resolved tthc-ag']);
    expect(world.incident('tthc-ag').lastReason).toBe('latency');
  });
});

describe('recipients', () => {
  const config = alertingConfig(
    {},
    {
      to: [TRUCBAN],
      routes: [
        { match: { system: 'sync' }, to: ['vnpt-ag@example.vn'] },
        { match: { check: 'dvcqg-*' }, to: ['dvcqg-team@example.vn'] },
        { match: { system: 'sync', check: '*-hoso' }, to: ['hoso@example.vn'] },
        { match: {}, to: ['TrucBan@AnGiang.gov.vn '] },
      ],
    },
  );

  it.each([
    ['sync-hoso', 'sync', ['hoso@example.vn', TRUCBAN, 'vnpt-ag@example.vn']],
    ['sync-payment', 'sync', [TRUCBAN, 'vnpt-ag@example.vn']],
    ['dvcqg-home', 'dvcqg', ['dvcqg-team@example.vn', TRUCBAN]],
    ['tthc-ag', 'tthc', [TRUCBAN]],
    ['dvcqg-hoso', 'dvcqg', ['dvcqg-team@example.vn', TRUCBAN]],
  ])('%s (system %s) goes to %j', (check, system, expected) => {
    expect(ordinaryRecipients(config, check, system, T0)).toEqual(expected);
  });

  it('addresses a parent mail to the riders’ recipients too', () => {
    const world = createWorld({ 'dvcqg-home': {}, 'sync-hoso': { dependsOn: ['dvcqg-home'] } }, config);
    world.round(0, { 'dvcqg-home': 'critical', 'sync-hoso': 'critical' });
    world.round(30, { 'dvcqg-home': 'critical', 'sync-hoso': 'critical' });
    expect(world.tick(40)).toEqual(['firing dvcqg-home [sync-hoso]']);
    expect(world.sent[0]!.to).toEqual(['dvcqg-team@example.vn', 'hoso@example.vn', TRUCBAN, 'vnpt-ag@example.vn']);
  });
});

describe('dependsOn', () => {
  const checks = { portal: { system: 'dvcqg' }, search: { dependsOn: ['portal'] }, payment: { dependsOn: ['portal'] } };

  it('sends one firing for a parent and its two children, and never hides a child’s recovery', () => {
    const world = createWorld(checks, alertingConfig());
    world.round(0, { search: 'ok', payment: 'ok', portal: 'ok' });
    world.round(30, { search: 'critical', payment: 'critical', portal: 'critical' });
    // The children cross their threshold before the parent does, within groupWait.
    expect(world.round(60, { search: 'critical', payment: 'critical', portal: 'critical' })).toEqual([]);
    expect(world.tick(70)).toEqual(['firing portal [payment,search]']);
    expect(world.incident('search').hold).toEqual({ by: 'parent', name: 'portal', incidentId: world.incident('portal').id, since: at(60) });

    expect(world.tick(70 + 3600)).toEqual(['reminder portal [payment,search]']);

    world.result(3700, 'payment', 'ok');
    expect(world.result(3730, 'payment', 'ok')).toEqual([]);
    world.result(3760, 'portal', 'ok');
    // The parent is back but search still fails: the parent waits groupWait for it.
    expect(world.result(3790, 'portal', 'ok')).toEqual([]);
    expect(world.incident('portal').recoveringSince).toEqual(at(3790));
    expect(world.tick(3795)).toEqual([]);
    expect(world.tick(3800)).toEqual(['resolved portal [payment✓]', 'firing search']);
    const [resolved, released] = world.sent.slice(-2);
    expect(resolved!.incident).toMatchObject({ check: 'portal', resolvedAt: at(3790) });
    expect(resolved!.riders[0]).toMatchObject({ check: 'payment', openedAt: at(60), resolvedAt: at(3730) });
    expect(released!.incident?.hold).toMatchObject({ by: 'parent', name: 'portal', since: at(60) });
    expect(world.incident('search').hold).toBeUndefined();
    expect(world.incident('search').wasHeldBy).toEqual(['parent']);
    expect(world.incident('payment').hold).toBeUndefined();

    expect(world.tick(3805)).toEqual([]);
    world.result(3820, 'search', 'ok');
    expect(world.result(3850, 'search', 'ok')).toEqual(['resolved search']);
    expect(world.said().filter((line) => line.startsWith('firing'))).toEqual(['firing portal [payment,search]', 'firing search']);
  });

  it('waits for children that recover just after their parent: one resolved mail lists them, none fires', () => {
    const thresholds = { failureThreshold: 1, successThreshold: 1 };
    const world = createWorld(
      { portal: { system: 'dvcqg', thresholds }, search: { dependsOn: ['portal'], thresholds }, payment: { dependsOn: ['portal'], thresholds } },
      alertingConfig(),
    );
    world.round(0, { portal: 'critical', search: 'critical', payment: 'critical' });
    expect(world.tick(10)).toEqual(['firing portal [payment,search]']);
    // The parent recovers first; its children follow a few seconds later, within groupWait.
    expect(world.round(100, { portal: 'ok' })).toEqual([]);
    expect(world.round(103, { search: 'ok' })).toEqual([]);
    expect(world.round(106, { payment: 'ok' })).toEqual(['resolved portal [payment✓,search✓]']);
    const resolved = world.sent.at(-1)!;
    expect(resolved.incident).toMatchObject({ check: 'portal', resolvedAt: at(100) });
    expect(resolved.riders.map((rider) => [rider.check, rider.resolvedAt])).toEqual([
      ['payment', at(106)],
      ['search', at(103)],
    ]);
    expect(world.tick(200)).toEqual([]);
    expect(world.said().filter((line) => line.startsWith('firing'))).toEqual(['firing portal [payment,search]']);
  });

  it('keeps a recovering parent open when it fails again: no resolved mail, no second firing', () => {
    const thresholds = { failureThreshold: 1, successThreshold: 1 };
    const world = createWorld({ portal: { system: 'dvcqg', thresholds }, search: { dependsOn: ['portal'], thresholds } }, alertingConfig());
    world.round(0, { portal: 'critical', search: 'critical' });
    expect(world.tick(10)).toEqual(['firing portal [search]']);
    expect(world.round(100, { portal: 'ok' })).toEqual([]);
    expect(world.round(104, { portal: 'critical' })).toEqual([]);
    expect(world.incident('portal').recoveringSince).toBeUndefined();
    expect(world.tick(120)).toEqual([]);
    expect(world.incident('portal').resolvedAt).toBeUndefined();
    world.round(200, { search: 'ok' });
    expect(world.round(201, { portal: 'ok' })).toEqual(['resolved portal [search✓]']);
  });

  it('holds a child that fails while its parent is already announced; it rides in the reminders', () => {
    const world = createWorld(checks, alertingConfig());
    world.round(0, { portal: 'critical' });
    world.round(30, { portal: 'critical' });
    expect(world.tick(40)).toEqual(['firing portal']);
    world.round(600, { search: 'critical' });
    expect(world.round(630, { search: 'critical' })).toEqual([]);
    expect(world.tick(700)).toEqual([]);
    expect(world.tick(3640)).toEqual(['reminder portal [search]']);
  });

  it('does not hold a child that was announced before its parent failed', () => {
    const world = createWorld(checks, alertingConfig());
    world.round(0, { search: 'critical' });
    world.round(30, { search: 'critical' });
    expect(world.tick(40)).toEqual(['firing search']);
    world.round(100, { portal: 'critical' });
    world.round(130, { portal: 'critical' });
    expect(world.tick(140)).toEqual(['firing portal']);
    expect(world.incident('search').hold).toBeUndefined();
  });

  it('never puts an announced child under its parent, even when a window releases it', () => {
    const window: MaintenanceWindow = { kind: 'absolute', name: 'search-work', checks: ['search'], start: at(600), end: at(1200) };
    const world = createWorld(checks, alertingConfig({ maintenance: [window], repeatIntervalSeconds: 1800 }));
    world.round(0, { search: 'critical' });
    world.round(30, { search: 'critical' });
    expect(world.tick(40)).toEqual(['firing search']);
    world.round(100, { portal: 'critical' });
    world.round(130, { portal: 'critical' });
    expect(world.tick(140)).toEqual(['firing portal']);
    expect(world.tick(600)).toEqual([]);
    expect(world.incident('search').hold?.by).toBe('maintenance');
    expect(world.tick(1200)).toEqual(['maintenance_end search-work [search]']);
    expect(world.incident('search').hold).toBeUndefined();
    expect(world.tick(1940)).toEqual(['reminder portal']);
    expect(world.tick(3000)).toEqual(['reminder search']);
  });

  it('breaks a dependency cycle: exactly one of two mutual parents fires', () => {
    const world = createWorld({ a: { dependsOn: ['b'] }, b: { dependsOn: ['a'] } }, alertingConfig());
    world.round(0, { a: 'critical', b: 'critical' });
    world.round(30, { a: 'critical', b: 'critical' });
    expect(world.tick(40)).toEqual(['firing b [a]']);
    world.round(60, { a: 'ok', b: 'ok' });
    expect(world.round(90, { a: 'ok', b: 'ok' })).toEqual(['resolved b [a✓]']);
  });

  it('hands children that ended under an unannounced parent to the parent’s own holder', () => {
    const window: MaintenanceWindow = { kind: 'absolute', name: 'portal-work', checks: ['portal'], start: at(0), end: at(3600) };
    const world = createWorld(checks, alertingConfig({ maintenance: [window] }));
    world.tick(0);
    world.round(10, { portal: 'critical', search: 'critical' });
    world.round(40, { portal: 'critical', search: 'critical' });
    expect(world.incident('search').hold?.by).toBe('parent');
    world.round(100, { search: 'ok' });
    world.round(130, { search: 'ok' });
    world.round(200, { portal: 'ok' });
    expect(world.round(230, { portal: 'ok' })).toEqual([]);
    expect(world.incident('search').hold).toMatchObject({ by: 'maintenance', name: 'portal-work' });
    expect(world.tick(3600)).toEqual(['maintenance_end portal-work [portal✓,search✓]']);
    expect(world.incidents().every((incident) => incident.hold === undefined)).toBe(true);
  });
});

describe('vantage', () => {
  const failing = ['c1', 'c2', 'c3', 'c4', 'c5'];
  const checks: Record<string, CheckSetup> = Object.fromEntries([
    ['vantage-gw', { system: 'vantage' }],
    ['vantage-resolver', { system: 'vantage' }],
    ['early', { system: 'tthc' }],
    ...failing.map((name) => [name, { system: 'dvcqg' }]),
  ]);
  const config = alertingConfig({ vantage: ['vantage-gw', 'vantage-resolver'] });
  const all = (status: Status, names: readonly string[]) => Object.fromEntries(names.map((name) => [name, status]));

  it('sends one vantage_down, holds the failures as inconclusive, and one vantage_up listing all five', () => {
    const world = createWorld(checks, config);
    world.round(0, all('ok', Object.keys(checks)));
    world.round(30, { early: 'critical' });
    world.round(60, { early: 'critical' });
    expect(world.tick(70)).toEqual(['firing early']);

    // The others cross their threshold a moment before the vantage checks do.
    world.round(100, all('critical', [...failing, 'vantage-gw', 'vantage-resolver']));
    expect(world.round(130, all('critical', [...failing, 'vantage-gw', 'vantage-resolver']))).toEqual(['vantage_down [vantage-gw,vantage-resolver]']);
    expect(world.alertingState().vantageDownSince).toEqual(at(130));
    expect(world.tick(140)).toEqual(['firing vantage-gw', 'firing vantage-resolver']);
    for (const name of failing) expect(world.incident(name).hold).toMatchObject({ by: 'vantage', since: at(130) });
    expect(world.incident('early').hold).toBeUndefined();
    expect(world.sent.find((notification) => notification.type === 'vantage_down')!.to).toEqual([TRUCBAN]);

    // Two recover during the outage: no mail now, but they are not forgotten.
    world.round(400, all('ok', ['c4', 'c5']));
    expect(world.round(430, all('ok', ['c4', 'c5']))).toEqual([]);
    for (let seconds = 460; seconds < 600; seconds += 30) world.round(seconds, all('critical', ['vantage-gw', 'vantage-resolver', 'c1', 'c2', 'c3']));

    world.round(600, all('ok', ['vantage-gw', 'vantage-resolver']));
    expect(world.round(630, all('ok', ['vantage-gw', 'vantage-resolver']))).toEqual([
      // One vantage check answering again is enough: the prober's network is back.
      'resolved vantage-gw',
      'vantage_up [c1,c2,c3,c4✓,c5✓]',
      'firing c1',
      'firing c2',
      'firing c3',
      'resolved vantage-resolver',
    ]);
    expect(world.alertingState().vantageDownSince).toBeUndefined();
    const up = world.sent.find((notification) => notification.type === 'vantage_up')!;
    expect(up.riders.find((rider) => rider.check === 'c4')).toMatchObject({ openedAt: at(130), resolvedAt: at(430) });
    for (const name of failing) expect(world.incident(name).wasHeldBy).toEqual(['vantage']);
    for (const name of failing) expect(world.incident(name).hold).toBeUndefined();

    world.round(660, all('ok', ['c1', 'c2', 'c3']));
    expect(world.round(690, all('ok', ['c1', 'c2', 'c3']))).toEqual(['resolved c1', 'resolved c2', 'resolved c3']);
    const count = (type: string) => world.sent.filter((notification) => notification.type === type).length;
    expect([count('vantage_down'), count('vantage_up')]).toEqual([1, 1]);
  });

  it('is not down while one vantage check still answers', () => {
    const world = createWorld(checks, config);
    world.round(0, all('critical', ['vantage-gw', 'c1']));
    world.round(30, all('critical', ['vantage-gw', 'c1']));
    world.round(30, { 'vantage-resolver': 'ok' });
    expect(world.tick(40)).toEqual(['firing vantage-gw', 'firing c1']);
  });
});

describe('maintenance windows', () => {
  const checks: Record<string, CheckSetup> = {
    'dvcqg-home': {},
    'dvcqg-search': {},
    'dvcqg-pay': {},
    'tthc-ag': {},
  };
  const cutover: MaintenanceWindow = { kind: 'absolute', name: 'cutover', checks: ['dvcqg-*'], start: at(3600), end: at(7200) };

  it('keeps a silent window silent, then fires what is still down and sends one summary at its end', () => {
    const world = createWorld(checks, alertingConfig({ maintenance: [cutover] }));
    world.round(1000, { 'dvcqg-pay': 'critical' });
    world.round(1030, { 'dvcqg-pay': 'critical' });
    expect(world.tick(1040)).toEqual(['firing dvcqg-pay']);

    expect(world.tick(3600)).toEqual([]);
    expect(world.incident('dvcqg-pay').hold).toMatchObject({ by: 'maintenance', name: 'cutover', since: at(3600) });
    world.round(3700, { 'dvcqg-home': 'critical' });
    world.round(3730, { 'dvcqg-home': 'critical' });
    world.round(3800, { 'dvcqg-search': 'critical', 'tthc-ag': 'critical' });
    world.round(3830, { 'dvcqg-search': 'critical', 'tthc-ag': 'critical' });
    expect(world.tick(3840)).toEqual(['firing tthc-ag']);
    world.round(3900, { 'dvcqg-search': 'ok' });
    expect(world.round(3930, { 'dvcqg-search': 'ok' })).toEqual([]);
    expect(world.tick(1040 + 3600)).toEqual([]);

    expect(world.tick(7200)).toEqual(['maintenance_end cutover [dvcqg-pay,dvcqg-home,dvcqg-search✓]', 'firing dvcqg-home']);
    const [summary, firing] = world.sent.slice(-2);
    expect(summary!.to).toEqual([TRUCBAN]);
    expect(summary!.riders.find((rider) => rider.check === 'dvcqg-search')).toMatchObject({ openedAt: at(3830), resolvedAt: at(3930) });
    expect(firing!.incident?.hold).toMatchObject({ by: 'maintenance', name: 'cutover', since: at(3730) });
    expect(world.alertingState().windowsActive).toEqual({});

    // dvcqg-pay was announced before the window: no second firing; its reminder clock restarts at the end.
    expect(world.tick(3840 + 3600)).toEqual(['reminder tthc-ag']);
    expect(world.tick(7200 + 3600)).toEqual(['reminder dvcqg-pay', 'reminder dvcqg-home']);
    expect(world.said().filter((line) => line === 'firing dvcqg-pay')).toHaveLength(1);
  });

  it('still mails the recovery of an incident announced before the window', () => {
    const world = createWorld(checks, alertingConfig({ maintenance: [cutover] }));
    world.round(3000, { 'dvcqg-pay': 'critical' });
    world.round(3030, { 'dvcqg-pay': 'critical' });
    world.tick(3040);
    world.tick(3600);
    world.round(4000, { 'dvcqg-pay': 'ok' });
    expect(world.round(4030, { 'dvcqg-pay': 'ok' })).toEqual(['resolved dvcqg-pay']);
    expect(world.tick(7200)).toEqual([]);
  });

  it('sends no summary for a window in which nothing happened', () => {
    const world = createWorld(checks, alertingConfig({ maintenance: [cutover] }));
    world.tick(3600);
    world.round(4000, { 'dvcqg-home': 'ok' });
    expect(world.tick(7200)).toEqual([]);
    expect(world.alertingState().windowsActive).toEqual({});
  });

  it('routes mail of covered checks to a window’s own `to` instead, then back', () => {
    const team: MaintenanceWindow = { ...cutover, name: 'cutover-team', to: ['cutover@angiang.gov.vn'] };
    const world = createWorld(checks, alertingConfig({ maintenance: [team], repeatIntervalSeconds: 1800 }));
    world.tick(3600);
    world.round(3700, { 'dvcqg-home': 'critical', 'tthc-ag': 'critical' });
    world.round(3730, { 'dvcqg-home': 'critical', 'tthc-ag': 'critical' });
    expect(world.tick(3740)).toEqual(['firing dvcqg-home', 'firing tthc-ag']);
    expect(world.sent.map((notification) => notification.to)).toEqual([['cutover@angiang.gov.vn'], [TRUCBAN]]);
    expect(world.incident('dvcqg-home').hold).toBeUndefined();
    expect(world.tick(3740 + 1800)).toEqual(['reminder dvcqg-home', 'reminder tthc-ag']);
    expect(world.sent.at(-2)!.to).toEqual(['cutover@angiang.gov.vn']);

    expect(world.tick(7200)).toEqual(['maintenance_end cutover-team [dvcqg-home]']);
    expect(world.sent.at(-1)!.to).toEqual(['cutover@angiang.gov.vn', TRUCBAN]);
    // The summary counts as the covered incident's latest mail.
    expect(world.tick(3740 + 3600)).toEqual(['reminder tthc-ag']);
    expect(world.tick(7200 + 1800)).toEqual(['reminder dvcqg-home']);
    expect(world.sent.at(-1)!.to).toEqual([TRUCBAN]);
  });

  it('runs a recurring window across midnight in Asia/Ho_Chi_Minh', () => {
    const start = new Date('2026-05-29T23:00:00+07:00');
    const nightly: MaintenanceWindow = {
      kind: 'recurring',
      name: 'nightly-backup',
      checks: ['sync-*'],
      cron: '30 23 * * *',
      durationSeconds: 3600,
      timezone: 'Asia/Ho_Chi_Minh',
    };
    const world = createWorld({ 'sync-hoso': {}, 'tthc-ag': {} }, alertingConfig({ maintenance: [nightly] }), start);
    const local = (text: string) => (new Date(`${text}+07:00`).getTime() - start.getTime()) / 1000;
    expect(world.tick(local('2026-05-29T23:29:59'))).toEqual([]);
    expect(world.alertingState().windowsActive).toEqual({});
    world.tick(local('2026-05-29T23:30:00'));
    expect(world.alertingState().windowsActive).toEqual({
      'nightly-backup': { start: new Date('2026-05-29T23:30:00+07:00'), end: new Date('2026-05-30T00:30:00+07:00') },
    });
    world.round(local('2026-05-30T00:05:00'), { 'sync-hoso': 'critical' });
    world.round(local('2026-05-30T00:06:00'), { 'sync-hoso': 'critical' });
    expect(world.tick(local('2026-05-30T00:10:00'))).toEqual([]);
    expect(world.tick(local('2026-05-30T00:29:59'))).toEqual([]);
    expect(world.tick(local('2026-05-30T00:30:00'))).toEqual(['maintenance_end nightly-backup [sync-hoso]', 'firing sync-hoso']);
    expect(world.tick(local('2026-05-30T00:30:05'))).toEqual([]);
    // The next night, the window comes back and holds the still-open incident's reminders.
    world.tick(local('2026-05-30T23:30:00'));
    expect(world.incident('sync-hoso').hold).toMatchObject({ by: 'maintenance', name: 'nightly-backup' });
  });
});

describe('restart', () => {
  it('never announces an incident twice across restarts, and still mails a recovery after one', () => {
    const world = createWorld({ 'dvcqg-home': {} }, alertingConfig());
    world.result(0, 'dvcqg-home', 'critical');
    world.result(30, 'dvcqg-home', 'critical');
    world.restart();
    expect(world.tick(35)).toEqual([]);
    expect(world.tick(40)).toEqual(['firing dvcqg-home']);
    world.restart();
    expect(world.tick(45)).toEqual([]);
    world.result(60, 'dvcqg-home', 'critical');
    world.restart();
    world.result(90, 'dvcqg-home', 'critical');
    expect(world.tick(100)).toEqual([]);
    world.restart();
    world.result(120, 'dvcqg-home', 'ok');
    world.restart();
    expect(world.result(150, 'dvcqg-home', 'ok')).toEqual(['resolved dvcqg-home']);
    expect(world.said()).toEqual(['firing dvcqg-home', 'resolved dvcqg-home']);
    expect(world.incident('dvcqg-home').probes).toBe(5);
  });

  it('remembers the vantage outage and a running window across a restart', () => {
    const window: MaintenanceWindow = { kind: 'absolute', name: 'cutover', checks: ['dvcqg-*'], start: at(0), end: at(3600) };
    const world = createWorld(
      { 'vantage-gw': { system: 'vantage' }, 'tthc-ag': {}, 'dvcqg-home': {} },
      alertingConfig({ vantage: ['vantage-gw'], maintenance: [window] }),
    );
    world.tick(0);
    world.round(10, { 'vantage-gw': 'critical', 'tthc-ag': 'critical', 'dvcqg-home': 'critical' });
    expect(world.round(40, { 'tthc-ag': 'critical', 'dvcqg-home': 'critical', 'vantage-gw': 'critical' })).toEqual(['vantage_down [vantage-gw]']);
    world.restart();
    expect(world.tick(50)).toEqual(['firing vantage-gw']);
    world.restart();
    expect(world.tick(60)).toEqual([]);
    world.round(100, { 'vantage-gw': 'ok' });
    world.restart();
    expect(world.round(130, { 'vantage-gw': 'ok' })).toEqual(['resolved vantage-gw', 'vantage_up [tthc-ag]', 'firing tthc-ag']);
    world.restart();
    expect(world.tick(3600)).toEqual(['maintenance_end cutover [dvcqg-home]', 'firing dvcqg-home']);
    world.restart();
    expect(world.tick(3700)).toEqual([]);
    const count = (type: string) => world.sent.filter((notification) => notification.type === type).length;
    expect([count('vantage_down'), count('vantage_up'), count('maintenance_end'), count('firing')]).toEqual([1, 1, 1, 3]);
  });

  it('ends a window that passed while the daemon was down', () => {
    const window: MaintenanceWindow = { kind: 'absolute', name: 'cutover', checks: [], start: at(0), end: at(600) };
    const world = createWorld({ 'dvcqg-home': {} }, alertingConfig({ maintenance: [window] }));
    world.tick(0);
    world.round(10, { 'dvcqg-home': 'critical' });
    world.round(40, { 'dvcqg-home': 'critical' });
    world.restart();
    expect(world.tick(5000)).toEqual(['maintenance_end cutover [dvcqg-home]', 'firing dvcqg-home']);
  });
});

describe('alerting state serialization', () => {
  it('round-trips through JSON text', () => {
    const state: AlertingState = {
      vantageDownSince: at(5),
      windowsActive: { cutover: { start: at(0), end: at(3600) } },
    };
    expect(parseAlertingState(serializeAlertingState(state))).toEqual(state);
    expect(parseAlertingState(serializeAlertingState(initialAlertingState()))).toEqual(initialAlertingState());
  });

  it.each([
    ['not json', /not JSON/],
    ['[1]', /windowsActive must be an object|must be a JSON object/],
    ['{"vantageDownSince":"yesterday","windowsActive":{}}', /vantageDownSince must be an ISO-8601 time, got "yesterday"/],
    ['{"windowsActive":{"cutover":{"start":"2026-05-29T15:00:00.000Z"}}}', /windowsActive\.cutover\.end/],
  ])('rejects %s', (text, message) => {
    expect(() => parseAlertingState(text)).toThrow(message);
  });
});
