// The first notification of an outage, told as a story on one injected clock: a check fails, its
// probes go through the check-state rules and the incident book into the store, and the outbox and
// the Alertmanager loop hand what is due to their channels. The promise under test (README,
// Alerting): the first firing reaches every channel no later than
// failureThreshold × interval + groupWait + 1 s after the outage begins. groupWait is waited once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAlertmanagerLoop, type AlertmanagerPoster } from '../../src/alerting/channels/alertmanager.ts';
import { createEmailChannel, type MailSender, type OutgoingMail } from '../../src/alerting/channels/email.ts';
import { createOutbox } from '../../src/alerting/outbox.ts';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { systemClock } from '../../src/clock.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';
import { initialCheckState, nextCheckState } from '../../src/state/check-state.ts';
import type { Incident } from '../../src/state/incident.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting } from '../support/alerting-fixtures.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const START = new Date('2026-05-29T15:00:00Z');
/** A failing probe runs into its timeout: the result arrives this long after the probe starts. */
const FAILING_PROBE_SECONDS = 1;

const dirs: TempDatabaseDir[] = [];
const closers: Array<() => Promise<void> | void> = [];
beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'Date'] });
});
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) dir.remove();
});

interface Timing {
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly groupWaitSeconds: number;
}

interface Outcome {
  /** Seconds from the start of the first failed probe to the first firing handed to each channel. */
  readonly email: number | undefined;
  readonly alertmanager: number | undefined;
}

/**
 * A daemon in miniature on the fake clock: one check probed every interval (a failing probe takes
 * FAILING_PROBE_SECONDS), the alerting rules ticked every second as the daemon does, the real store,
 * outbox and Alertmanager loop, and channels that note when they are handed something.
 */
async function firstFiring(timing: Timing): Promise<Outcome> {
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  const { log } = captureLog('warn');
  const store: Store = openStore(dir.path(), { log, clock: systemClock });
  closers.push(() => store.close());
  const [check] = resolveConfig(
    'story.yaml',
    ConfigInput.parse({
      checks: [
        {
          name: 'dvcqg-home',
          system: 'national-portal',
          kind: 'http',
          url: 'https://dichvucong.gov.vn/',
          interval: `${timing.intervalSeconds}s`,
          failureThreshold: timing.failureThreshold,
        },
      ],
    }),
    () => '',
  ).checks as [Check];
  const alerting = makeAlerting({ groupWaitSeconds: timing.groupWaitSeconds, groupIntervalSeconds: 60 });

  const handed: { email?: number; alertmanager?: number } = {};
  const secondsNow = () => (Date.now() - START.getTime()) / 1000;
  const email: MailSender = {
    target: 'story',
    async send(mail: OutgoingMail) {
      if (handed.email === undefined && mail.subject.includes('dvcqg-home')) handed.email = secondsNow();
      return { response: '250 OK' };
    },
    async verify() {},
    close() {},
  };
  const alertmanager: AlertmanagerPoster = {
    async push(firing: readonly Incident[]) {
      if (handed.alertmanager === undefined && firing.some((incident) => incident.check === 'dvcqg-home')) handed.alertmanager = secondsNow();
      return { delivered: ['story'], failed: [] };
    },
  };
  const outbox = createOutbox({ store, alerting, clock: systemClock, log, channels: [createEmailChannel({ sender: email, alerting, log })] });
  outbox.start();
  closers.push(() => outbox.stop());
  const loop = startAlertmanagerLoop({ channel: alertmanager, store, intervalSeconds: 60, log, clock: systemClock });
  closers.push(() => loop.stop());
  const book = createIncidentBook({
    store,
    alerting,
    checks: [check],
    log,
    onQueued: () => outbox.wake(),
    onIncidentsChanged: () => loop.wake(),
  });

  // Healthy for a while, then the portal goes down at the start of a probe: that probe is the first failed one.
  const outageBeginsAt = 4 * timing.intervalSeconds;
  const probeStarts = (second: number) => second % timing.intervalSeconds === 0;
  const horizon = outageBeginsAt + 3 * (timing.failureThreshold * timing.intervalSeconds + 2 * timing.groupWaitSeconds);
  for (let second = 0; second <= horizon; second += 1) {
    // A healthy probe answers within the second it starts; a failing one FAILING_PROBE_SECONDS later.
    const healthy = second < outageBeginsAt && probeStarts(second);
    const failedStart = second - FAILING_PROBE_SECONDS;
    const failed = failedStart >= outageBeginsAt && probeStarts(failedStart);
    if (healthy || failed) {
      const result: ProbeResult = failed
        ? { status: 'critical', reason: 'timeout', message: 'no answer before the deadline', durationSeconds: FAILING_PROBE_SECONDS, phases: {} }
        : { status: 'ok', message: 'HTTP 200', durationSeconds: 0.05, phases: {}, httpStatus: 200 };
      const now = new Date();
      const next = nextCheckState(book.states.get(check.name) ?? initialCheckState(START), result, check, now);
      book.record(check, next.state, book.decide(check, next.state, result, next.change, now), now);
    }
    book.tick(new Date());
    await vi.advanceTimersByTimeAsync(1000);
    if (handed.email !== undefined && handed.alertmanager !== undefined) break;
  }
  await outbox.idle();
  const since = (at: number | undefined) => (at === undefined ? undefined : at - outageBeginsAt);
  return { email: since(handed.email), alertmanager: since(handed.alertmanager) };
}

describe('the first firing of an outage', () => {
  it.each([
    // interval, threshold, groupWait: the shipped defaults, a fast check, and a long groupWait.
    { intervalSeconds: 60, failureThreshold: 2, groupWaitSeconds: 10 },
    { intervalSeconds: 5, failureThreshold: 3, groupWaitSeconds: 10 },
    { intervalSeconds: 2, failureThreshold: 1, groupWaitSeconds: 30 },
  ])(
    'reaches the mail and Alertmanager channels within threshold × interval + groupWait + 1 s ($intervalSeconds s × $failureThreshold, groupWait $groupWaitSeconds s)',
    async (timing) => {
      const bound = timing.failureThreshold * timing.intervalSeconds + timing.groupWaitSeconds + 1;
      const outcome = await firstFiring(timing);
      expect(outcome.email, 'seconds until the mail channel is handed the firing').toBeDefined();
      expect(outcome.alertmanager, 'seconds until Alertmanager is posted the firing').toBeDefined();
      expect(outcome.email!).toBeLessThanOrEqual(bound);
      expect(outcome.alertmanager!).toBeLessThanOrEqual(bound);
      // Exactly one groupWait after the incident opened (the threshold-th failed result), to the tick.
      const openedAt = (timing.failureThreshold - 1) * timing.intervalSeconds + FAILING_PROBE_SECONDS;
      expect(outcome.email! - openedAt).toBeGreaterThanOrEqual(timing.groupWaitSeconds);
      expect(outcome.email! - openedAt).toBeLessThanOrEqual(timing.groupWaitSeconds + 1);
    },
  );
});
