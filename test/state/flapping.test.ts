// Flapping stories through the real rules (check-state.ts thresholds, then incidents.ts), on an
// injected clock, with every change written through the store's own codecs on a restart.
import { describe, expect, it } from 'vitest';
import type { AlertingConfig } from '../../src/config/alerting-config.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { parseAlertingState, serializeAlertingState } from '../../src/state/alerting-state.ts';
import { initialCheckState, nextCheckState, type CheckState } from '../../src/state/check-state.ts';
import type { Incident } from '../../src/state/incident.ts';
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
import type { Notification } from '../../src/state/notification.ts';
import { deserialize, serialize } from '../../src/store/serialize.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { renderStatusPage, type StatusPageSnapshot } from '../../src/server/status-page.ts';
import { renderEmail } from '../../src/alerting/messages/render-email.ts';
import { buildAlerts } from '../../src/alerting/channels/alertmanager.ts';

const T0 = new Date('2026-05-29T08:00:00+07:00');
const CHECK = 'dvcqg-home';
const MINUTE = 60;
const WINDOW = 30 * MINUTE;
const HOLD = 3 * MINUTE;

/** groupWait 10 s as in production, so outages settle before their firing; flapping at its defaults. */
function alertingConfig(overrides: Partial<Omit<AlertingConfig, 'email'>> = {}): AlertingConfig {
  return makeAlerting({ groupWaitSeconds: 10, flapping: { changes: 6, windowSeconds: WINDOW, recoveryHoldSeconds: HOLD }, ...overrides });
}

function probeResult(status: Status): ProbeResult {
  return {
    status,
    reason: status === 'ok' ? undefined : 'timeout',
    message: status === 'ok' ? 'HTTP 200' : 'timed out after 10s',
    durationSeconds: status === 'ok' ? 0.2 : 10,
    phases: {},
  };
}

/** One check in a daemon in miniature: its state, the incidents, the alerting state, what was queued. */
function createWorld(config: AlertingConfig, options: { acknowledged?: () => boolean; policy?: Partial<CheckAlerting['policy']> } = {}) {
  const checks = new Map<string, CheckAlerting>([[CHECK, { system: 'dvcqg', policy: { alertOn: 'critical', dependsOn: [], ...options.policy } }]]);
  let states = new Map<string, CheckState>();
  let store = new Map<string, Incident>();
  let alertingState: AlertingState = initialAlertingState();
  const sent: Notification[] = [];
  let now = T0;
  let elapsed = 0;
  const setTime = (seconds: number) => {
    if (seconds < elapsed) throw new Error(`the story goes back in time at ${seconds}s`);
    elapsed = seconds;
    now = new Date(T0.getTime() + seconds * 1000);
  };
  const view = (): AlertingView => ({
    now,
    config,
    checks,
    states,
    open: new Map([...store.values()].filter((incident) => incident.resolvedAt === undefined).map((incident) => [incident.check, incident])),
    alertingState,
    resolvedRiders: (by, key) =>
      [...store.values()].filter((incident) => incident.resolvedAt !== undefined && incident.hold?.by === by && holdKey(incident.hold) === key),
    desk: { acknowledged: () => options.acknowledged?.() ?? false, silenced: () => false },
  });
  const apply = (decision: Decision): string[] => {
    for (const incident of decision.incidents) store.set(incident.id, incident);
    alertingState = decision.alertingState;
    sent.push(...decision.notifications);
    return decision.notifications.map((notification) => notification.type);
  };
  return {
    result(seconds: number, status: Status): string[] {
      setTime(seconds);
      const result = probeResult(status);
      const next = nextCheckState(states.get(CHECK) ?? initialCheckState(now), result, { failureThreshold: 1, successThreshold: 1 }, now);
      states = new Map(states).set(CHECK, next.state);
      return apply(decideOnResult(CHECK, result, next.change, view()));
    },
    tick(seconds: number): string[] {
      setTime(seconds);
      return apply(decideOnTick(view()));
    },
    /** Results alternating from `first`, one a minute from `fromMinute`, with ticks between. */
    alternate(fromMinute: number, count: number, first: Status = 'critical'): void {
      for (let index = 0; index < count; index += 1) {
        const seconds = (fromMinute + index) * MINUTE;
        this.result(seconds, (index % 2 === 0) === (first === 'critical') ? 'critical' : 'ok');
        this.tick(seconds + 15);
      }
    },
    /** Ticks every 15 s up to `seconds`. */
    ticksUntil(seconds: number): string[] {
      const said: string[] = [];
      for (let at = elapsed - (elapsed % 15) + 15; at <= seconds; at += 15) said.push(...this.tick(at));
      return said;
    },
    /** The daemon dies and comes back: incidents, states and the alerting state go through the store's codecs. */
    restart(): void {
      store = new Map(deserialize<[string, Incident][]>(serialize([...store])));
      states = new Map(deserialize<[string, CheckState][]>(serialize([...states])));
      alertingState = parseAlertingState(serializeAlertingState(alertingState));
    },
    said: () => sent.map((notification) => notification.type),
    sent,
    incidents: () => [...store.values()],
    open: () => view().open.get(CHECK),
    alertingState: () => alertingState,
  };
}

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
/** The notifications after the first flapping notice. */
const afterFlapping = (said: readonly string[]) => said.slice(said.indexOf('flapping'));

describe('flapping', () => {
  it('folds 10 up/down changes in 10 minutes into 1 flapping notice and 1 final resolution, a window after the last change', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 10);
    // The first outage fires; each recovery is held, and the failure a minute later continues it.
    // The seventh change turns it into the episode: no resolved mail and no second firing on the way.
    expect(world.said()).toEqual(['firing', 'flapping']);
    const episode = world.open();
    expect(episode?.flapping).toMatchObject({ since: at(7 * MINUTE), changes: 7 + 3, windowSeconds: WINDOW });

    // Steady (ok) since the tenth change at minute 10: nothing until a whole window has passed.
    expect(world.ticksUntil(10 * MINUTE + WINDOW - 15)).toEqual([]);
    expect(world.tick(10 * MINUTE + WINDOW)).toEqual(['resolved']);
    expect(afterFlapping(world.said())).toEqual(['flapping', 'resolved']);
    expect(world.said().filter((type) => type === 'flapping')).toHaveLength(1);

    const resolved = world.sent.at(-1)!.incident!;
    expect(resolved.id).toBe(episode!.id);
    expect(resolved.resolvedAt).toEqual(at(10 * MINUTE + WINDOW));
    expect(resolved.recoveredAt).toEqual(at(10 * MINUTE));
    expect(resolved.flapping).toEqual({
      since: at(7 * MINUTE),
      endedAt: at(10 * MINUTE + WINDOW),
      changes: 10,
      windowSeconds: WINDOW,
      // The runs of passes inside the episode, which the report does not count as down time.
      up: [{ from: at(8 * MINUTE), to: at(9 * MINUTE) }, { from: at(10 * MINUTE) }],
    });
    expect(world.alertingState().flapChanges).toBeUndefined();
  });

  it('below the threshold, bounces within the recovery hold are one outage: one firing, one resolved dated at the last recovery', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 6);
    expect(world.said()).toEqual(['firing']);
    expect(world.ticksUntil(6 * MINUTE + HOLD - 15), 'the last recovery is still held').toEqual([]);
    expect(world.tick(6 * MINUTE + HOLD)).toEqual(['resolved']);
    const resolved = world.sent.at(-1)!.incident!;
    expect(resolved.id).toBe(world.sent[0]!.incident!.id);
    expect(resolved.failingSince).toEqual(at(1 * MINUTE));
    expect(resolved.recoveredAt).toEqual(at(6 * MINUTE));
    expect(resolved.resolvedAt, 'dated at the recovery, not when the hold ran out').toEqual(at(6 * MINUTE));
    world.ticksUntil(6 * MINUTE + WINDOW + 60);
    expect(world.incidents()).toHaveLength(1);
    expect(world.incidents().every((incident) => incident.flapping === undefined)).toBe(true);
    expect(world.alertingState().flapChanges, 'forgotten once out of the window').toBeUndefined();
  });

  it('below the threshold, outages further apart than the recovery hold are mailed as they come: three firing/resolved pairs', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    for (const start of [1, 6, 11]) {
      world.result(start * MINUTE, 'critical');
      world.tick(start * MINUTE + 15);
      world.result((start + 1) * MINUTE, 'ok');
      world.ticksUntil((start + 1) * MINUTE + HOLD);
    }
    expect(world.said()).toEqual(['firing', 'resolved', 'firing', 'resolved', 'firing', 'resolved']);
    expect(world.incidents().map((incident) => incident.resolvedAt)).toEqual([at(2 * MINUTE), at(7 * MINUTE), at(12 * MINUTE)]);
  });

  it('a failure after the hold has run out is a new outage even when no tick came between', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.result(1 * MINUTE, 'critical');
    world.tick(1 * MINUTE + 15);
    world.result(2 * MINUTE, 'ok');
    expect(world.result(2 * MINUTE + HOLD + 1, 'critical')).toEqual(['resolved']);
    world.tick(2 * MINUTE + HOLD + 15);
    expect(world.said()).toEqual(['firing', 'resolved', 'firing']);
    expect(world.incidents()).toHaveLength(2);
  });

  it('recoveryHold 0s resolves at the first passing probe, as a check without the hold', () => {
    const world = createWorld(alertingConfig({ flapping: { changes: 6, windowSeconds: WINDOW, recoveryHoldSeconds: 0 } }));
    world.result(0, 'ok');
    world.alternate(1, 6);
    expect(world.said()).toEqual(['firing', 'resolved', 'firing', 'resolved', 'firing', 'resolved']);
  });

  it('keeps a recovering incident from reminding, and an acknowledgement does not shorten the hold', () => {
    const world = createWorld(alertingConfig({ repeatIntervalSeconds: 2 * MINUTE }), { acknowledged: () => true });
    world.result(0, 'ok');
    world.result(1 * MINUTE, 'critical');
    world.tick(1 * MINUTE + 15);
    world.result(2 * MINUTE, 'ok');
    expect(world.ticksUntil(2 * MINUTE + HOLD - 15)).toEqual([]);
    expect(world.open()?.recoveringSince).toEqual(at(2 * MINUTE));
    expect(world.tick(2 * MINUTE + HOLD)).toEqual(['resolved']);
  });

  it('counts changes only within the window: the same ten changes spread over an hour never flap', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    for (let index = 0; index < 10; index += 1) {
      world.result((index + 1) * 6 * MINUTE, index % 2 === 0 ? 'critical' : 'ok');
      world.tick((index + 1) * 6 * MINUTE + 15);
    }
    world.ticksUntil(60 * MINUTE + HOLD);
    expect(world.said()).not.toContain('flapping');
    expect(world.said()).toHaveLength(10);
  });

  it('folds the open incident in when the change that exceeds the threshold is a recovery: no resolved mail, one notice in its thread', () => {
    // More than 5 changes: the sixth, a recovery, starts the episode.
    const world = createWorld(alertingConfig({ flapping: { changes: 5, windowSeconds: WINDOW, recoveryHoldSeconds: HOLD } }));
    world.result(0, 'ok');
    world.alternate(1, 6);
    expect(world.said()).toEqual(['firing', 'flapping']);
    const fired = world.sent.at(-2)!.incident!;
    const notice = world.sent.at(-1)!.incident!;
    expect(notice.id, 'the same incident, not a new one').toBe(fired.id);
    expect(notice.resolvedAt).toBeUndefined();
    expect(world.open()?.flapping?.since).toEqual(at(6 * MINUTE));
    expect(world.open()?.flapping?.up).toEqual([{ from: at(6 * MINUTE) }]);
    expect(world.ticksUntil(6 * MINUTE + WINDOW)).toEqual(['resolved']);
    expect(world.sent.at(-1)!.incident!.id).toBe(fired.id);
  });

  it('ends with a firing when the check is down once it has been steady for a window, then behaves as an ordinary outage', () => {
    const world = createWorld(alertingConfig({ repeatIntervalSeconds: 3600 }));
    world.result(0, 'ok');
    world.alternate(1, 9);
    // Still down since minute 9 (the ninth change).
    expect(world.ticksUntil(9 * MINUTE + WINDOW - 15)).toEqual([]);
    expect(world.tick(9 * MINUTE + WINDOW)).toEqual(['firing']);
    expect(afterFlapping(world.said())).toEqual(['flapping', 'firing']);
    const outage = world.open()!;
    expect(outage.flapping?.endedAt).toEqual(at(9 * MINUTE + WINDOW));
    expect(outage.resolvedAt).toBeUndefined();

    expect(world.ticksUntil(9 * MINUTE + WINDOW + 3600)).toEqual(['reminder']);
    expect(world.result(9 * MINUTE + WINDOW + 3700, 'ok'), 'held for the recovery hold').toEqual([]);
    expect(world.tick(9 * MINUTE + WINDOW + 3700 + HOLD)).toEqual(['resolved']);
    expect(world.sent.at(-1)!.incident!.id).toBe(outage.id);
  });

  it('keeps the episode and the changes counted so far across a restart', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 4);
    world.restart();
    world.alternate(5, 3);
    expect(
      world.said().filter((type) => type === 'flapping'),
      'changes before the restart still count',
    ).toHaveLength(1);
    world.restart();
    world.alternate(8, 3, 'ok');
    world.restart();
    expect(world.open()?.flapping?.endedAt).toBeUndefined();
    world.ticksUntil(10 * MINUTE + WINDOW);
    expect(afterFlapping(world.said())).toEqual(['flapping', 'resolved']);
  });

  it('repeats the notice every repeatInterval while flapping, and not once the episode is acknowledged', () => {
    let acknowledged = false;
    const world = createWorld(alertingConfig({ repeatIntervalSeconds: 5 * MINUTE }), { acknowledged: () => acknowledged });
    world.result(0, 'ok');
    world.alternate(1, 7);
    expect(world.tick(7 * MINUTE + 5 * MINUTE)).toEqual(['flapping']);
    acknowledged = true;
    // Still flapping: a change every minute keeps it going.
    world.alternate(13, 10);
    expect(world.ticksUntil(40 * MINUTE)).toEqual([]);
    expect(world.said().filter((type) => type === 'flapping')).toHaveLength(2);
    expect(world.said().filter((type) => type === 'reminder')).toHaveLength(0);
  });

  it('takes a check’s own rule over alerting.flapping', () => {
    const world = createWorld(alertingConfig(), { policy: { flapping: { changes: 2, windowSeconds: 10 * MINUTE, recoveryHoldSeconds: 0 } } });
    world.result(0, 'ok');
    world.alternate(1, 4);
    expect(world.said(), 'its own recoveryHold 0s resolves the first outage at once').toEqual(['firing', 'resolved', 'flapping']);
    expect(world.ticksUntil(4 * MINUTE + 10 * MINUTE)).toEqual(['resolved']);
  });

  it('takes its rule from alerting.flapping', () => {
    const world = createWorld(alertingConfig({ flapping: { changes: 2, windowSeconds: 10 * MINUTE, recoveryHoldSeconds: HOLD } }));
    world.result(0, 'ok');
    world.alternate(1, 4);
    expect(world.said()).toEqual(['firing', 'flapping']);
    expect(world.ticksUntil(4 * MINUTE + 10 * MINUTE)).toEqual(['resolved']);
  });
});

describe('flapping metrics', () => {
  const [check] = resolveConfig(
    'flapping.test.yaml',
    ConfigInput.parse({ checks: [{ name: CHECK, system: 'dvcqg', kind: 'http', url: 'https://dvcqg.example.test/' }] }),
    () => '',
  ).checks;

  async function sample(metrics: Metrics, name: string): Promise<string | undefined> {
    const { body } = await metrics.render();
    return body.split('\n').find((line) => line.startsWith(`${name}{`));
  }

  it('shows dvc_check_flapping 1 while the episode lasts and counts each episode once in dvc_check_flaps_total', async () => {
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    metrics.setChecks([check!]);
    const world = createWorld(alertingConfig());
    const publish = () => metrics.setIncidents(world.open() === undefined ? [] : [world.open()!]);
    publish();
    world.result(0, 'ok');
    expect(await sample(metrics, 'dvc_check_flapping')).toBe('dvc_check_flapping{check="dvcqg-home",system="dvcqg"} 0');

    for (let minute = 1; minute <= 10; minute += 1) {
      world.result(minute * MINUTE, minute % 2 === 1 ? 'critical' : 'ok');
      world.tick(minute * MINUTE + 15);
      publish();
    }
    expect(await sample(metrics, 'dvc_check_flapping')).toBe('dvc_check_flapping{check="dvcqg-home",system="dvcqg"} 1');
    expect(await sample(metrics, 'dvc_check_flaps_total')).toBe('dvc_check_flaps_total{check="dvcqg-home",system="dvcqg"} 1');

    world.ticksUntil(10 * MINUTE + WINDOW);
    publish();
    expect(await sample(metrics, 'dvc_check_flapping')).toBe('dvc_check_flapping{check="dvcqg-home",system="dvcqg"} 0');
    expect(await sample(metrics, 'dvc_check_flaps_total')).toBe('dvc_check_flaps_total{check="dvcqg-home",system="dvcqg"} 1');
  });

  it('does not count again an episode that was already open when the process started', async () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 8);
    const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
    metrics.setChecks([check!]);
    metrics.setIncidents([world.open()!]);
    metrics.setIncidents([world.open()!]);
    expect(await sample(metrics, 'dvc_check_flapping')).toBe('dvc_check_flapping{check="dvcqg-home",system="dvcqg"} 1');
    expect(await sample(metrics, 'dvc_check_flaps_total')).toBe('dvc_check_flaps_total{check="dvcqg-home",system="dvcqg"} 0');
  });
});

describe('flapping on the status page', () => {
  /** What /api/status serves: the snapshot as JSON, incidents included. */
  function pageOf(incidents: readonly Incident[], locale: 'vi' | 'en' = 'vi'): string {
    const snapshot: StatusPageSnapshot = {
      version: '0.1.0',
      startedAt: T0.toISOString(),
      generatedAt: at(12 * MINUTE).toISOString(),
      summary: { ok: 1, warning: 0, critical: 0, unknown: 0 },
      checks: [
        {
          name: CHECK,
          system: 'dvcqg',
          kind: 'http',
          target: 'GET https://dichvucong.gov.vn',
          status: 'ok',
          since: at(10 * MINUTE).toISOString(),
          consecutiveFailures: 0,
          intervalSeconds: 60,
        },
        {
          name: 'dvcqg-login',
          system: 'dvcqg',
          kind: 'http',
          target: 'GET https://dichvucong.gov.vn',
          status: 'ok',
          since: T0.toISOString(),
          consecutiveFailures: 0,
          intervalSeconds: 60,
        },
      ],
      incidents,
    };
    return renderStatusPage(JSON.parse(JSON.stringify(snapshot)) as StatusPageSnapshot, locale);
  }
  const rowOf = (html: string, check: string): string =>
    [...html.matchAll(/<tr class="check[^>]*data-check="([^"]*)"[\s\S]*?<\/tr>/g)].find((match) => match[1] === check)?.[0] ?? '';

  it('shows the badge beside a flapping check and its incident, with when it began, and nowhere else', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 10);
    const html = pageOf([world.open()!]);
    expect(rowOf(html, CHECK)).toContain('<span class="badge flapping" title="Đang chập chờn từ 08:07:00">chập chờn</span>');
    expect(rowOf(html, 'dvcqg-login')).not.toContain('flapping');
    expect(html.match(/class="badge flapping"/g)).toHaveLength(2);
    expect(pageOf([world.open()!], 'en')).toContain('>flapping</span>');
  });

  it('drops the badge once the episode has ended', () => {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 9);
    world.ticksUntil(9 * MINUTE + WINDOW);
    expect(world.open()?.flapping?.endedAt).toBeDefined();
    expect(pageOf([world.open()!])).not.toContain('badge flapping');
  });
});

describe('the flapping notice', () => {
  function flappingNotice(): Notification {
    const world = createWorld(alertingConfig());
    world.result(0, 'ok');
    world.alternate(1, 7);
    const notice = world.sent.at(-1)!;
    expect(notice.type).toBe('flapping');
    return notice;
  }

  it('reads "đang chập chờn" in the subject and says what comes next in the mail, in Vietnamese and in English', () => {
    const notice = flappingNotice();
    const mail = renderEmail([notice], { locale: 'vi', links: {}, now: notice.createdAt });
    expect(mail.subject).toBe('[CHẬP CHỜN] dvcqg — dvcqg-home đang chập chờn (7 lần đổi trạng thái trong 30 phút)');
    expect(mail.text).toContain('liên tục chuyển qua lại giữa lỗi và bình thường từ 29/05/2026 08:07:00');
    expect(mail.text).toContain('khi trạng thái ổn định liên tục trong 30 phút');
    expect(mail.text).toMatch(/Số lần đổi trạng thái:?\s+7/);
    const english = renderEmail([notice], { locale: 'en', links: {}, now: notice.createdAt });
    expect(english.subject).toContain('[FLAPPING]');
    expect(english.subject).toBe('[FLAPPING] dvcqg — dvcqg-home is flapping (7 changes of status in 30m)');
  });

  it('keeps the Alertmanager alert firing, with the flapping as an annotation and unchanged labels', () => {
    const incident = flappingNotice().incident!;
    const { firing } = buildAlerts([incident], [], { locale: 'vi', links: {}, resendIntervalSeconds: 60, clock: () => at(8 * MINUTE) });
    expect(firing).toHaveLength(1);
    expect(firing[0]!.labels).toEqual({ alertname: expect.any(String), check: CHECK, system: 'dvcqg', severity: 'critical' });
    expect(firing[0]!.annotations.flapping).toBe('Đang chập chờn từ 29/05/2026 08:07:00');
  });
});
