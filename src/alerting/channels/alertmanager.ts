// The Alertmanager channel. Two doors, one medium:
// - createAlertmanagerChannel is the outbox's door (channel.ts): notices, and any incident
//   notification queued for this channel, are frozen as alerts and posted once to every URL,
//   retried by the outbox like mail; an answer 4xx (but 408/429) is final, since the same alert
//   would be refused again.
// - createAlertmanagerPoster + startAlertmanagerLoop post incidents to every `{url}/api/v2/alerts`
//   at once on change and again every resendInterval. State, not events: each round sends every
//   open incident and every one resolved lately, so several instances can post side by side
//   (Alertmanager dedups by labels), a lost post is repaired by the next round, and a resolution
//   during an Alertmanager outage still arrives. A firing alert carries an endsAt a few rounds
//   ahead: if this daemon dies, Alertmanager lets the alert expire rather than fire forever.
//
// Times: endsAt is read on the wall clock, which Alertmanager's own clock is compared with.
// Incidents are stamped on the daemon's steady clock (src/clock.ts), which after a step of the
// wall clock differs from it by the step: startsAt and a resolved alert's endsAt are kept at or
// before the wall's now, so a step back neither gets an alert refused (start after end) nor keeps
// a resolved one firing; the loop looks back for resolved incidents on the clock that stamped them.
//
// What is posted is what the mail announced: incidents not yet announced (settling for groupWait,
// or held since opening by a parent, the vantage rule or maintenance) are left out, as in mail.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { Clock } from '../../clock.ts';
import type { Locale } from '../../config/alerting-config.ts';
import type { Logger } from '../../log.ts';
import type { Incident } from '../../state/incident.ts';
import type { Notification, NotificationType } from '../../state/notification.ts';
import type { Store } from '../../store/store.ts';
import { wordsFor } from '../../text/locale.ts';
import { describeProbeMessage } from '../../text/probe-message.ts';
import { formatDateTime } from '../../text/format-time.ts';
import { isFlapping } from '../../state/flapping.ts';
import { noticeLines } from '../messages/notice-mail.ts';
import type { DeliveryResult } from '../outbox.ts';
import { isFrozenContent, type DeliveryChannel, type FrozenContent } from '../channel.ts';

export const ALERT_NAME = 'DvcCheckFailing';
/** The alertname of notices (state/notification.ts): about the monitor, not a check's outage. */
const NOTICE_ALERT_NAME = 'DvcNotice';
/** Firing alerts stay valid this many resend intervals without a new post. */
const FIRING_VALIDITY_ROUNDS = 4;
/** Resolved incidents are re-posted for this many rounds, so one outage of Alertmanager does not lose them. */
const RESOLVED_LOOKBACK_ROUNDS = 3;
const ERROR_BODY_MAX_CHARS = 200;

export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string;
}

export interface AlertmanagerPosterOptions {
  /** Base URLs of Alertmanager instances, e.g. http://127.0.0.1:9093. */
  readonly urls: readonly string[];
  readonly resendIntervalSeconds: number;
  readonly timeoutSeconds: number;
  /** The language of each alert's summary and description (alerting.locale). */
  readonly locale: Locale;
  readonly location?: string;
  readonly links: { readonly statusPage?: string; readonly dashboard?: string };
  readonly log: Logger;
  readonly clock: Clock;
  /** Once per alert per Alertmanager URL and post (dvc_notifications_total{channel="alertmanager"}). */
  readonly onDelivered?: (channel: 'alertmanager', type: 'firing' | 'resolved', result: DeliveryResult) => void;
}

export interface PushOutcome {
  /** URLs that answered 2xx. */
  readonly delivered: readonly string[];
  /** URLs that failed, with why. */
  readonly failed: readonly { readonly url: string; readonly error: string }[];
}

export interface AlertmanagerPoster {
  /** Posts to every URL; never rejects (failures are logged, counted and returned). */
  push(firing: readonly Incident[], resolved: readonly Incident[]): Promise<PushOutcome>;
}

export function createAlertmanagerPoster(options: AlertmanagerPosterOptions): AlertmanagerPoster {
  const { log } = options;
  const endpoints = options.urls.map((url) => ({ url, endpoint: alertsEndpointOf(url) }));
  return {
    async push(firing, resolved) {
      const alerts = buildAlerts(firing, resolved, options);
      const counts = { firing: alerts.firing.length, resolved: alerts.resolved.length };
      if (counts.firing + counts.resolved === 0) return { delivered: [], failed: [] };
      const body = JSON.stringify([...alerts.firing, ...alerts.resolved]);
      const results = await Promise.all(
        endpoints.map(async ({ url, endpoint }) => {
          try {
            await post(endpoint, body, options.timeoutSeconds);
            count(options, counts, 'sent');
            log.debug({ url, ...counts }, 'alerts posted to alertmanager');
            return { url };
          } catch (error) {
            const message = (error as Error).message ?? String(error);
            count(options, counts, 'failed');
            log.warn({ url, ...counts, error: message }, 'alertmanager post failed; will post again next round');
            return { url, error: message };
          }
        }),
      );
      return {
        delivered: results.filter((result) => result.error === undefined).map((result) => result.url),
        failed: results.flatMap((result) => (result.error === undefined ? [] : [{ url: result.url, error: result.error }])),
      };
    },
  };
}

/** The alerts for one post: labels identify the alert, so they hold only stable, bounded values. */
export function buildAlerts(
  firing: readonly Incident[],
  resolved: readonly Incident[],
  options: Pick<AlertmanagerPosterOptions, 'locale' | 'location' | 'links' | 'resendIntervalSeconds' | 'clock'>,
): { readonly firing: readonly AlertmanagerAlert[]; readonly resolved: readonly AlertmanagerAlert[] } {
  const now = options.clock();
  const words = wordsFor(options.locale);
  const firingEndsAt = new Date(now.getTime() + FIRING_VALIDITY_ROUNDS * options.resendIntervalSeconds * 1000);
  const alertOf = (incident: Incident, endsAt: Date): AlertmanagerAlert => ({
    labels: {
      alertname: ALERT_NAME,
      check: incident.check,
      system: incident.system,
      severity: incident.severity,
      ...(options.location ? { location: options.location } : {}),
    },
    annotations: {
      summary: words.alertSummary(
        incident.check,
        incident.system,
        incident.resolvedAt !== undefined,
        words.headline(incident.lastReason ?? incident.firstReason, incident.last.httpStatus),
      ),
      description: describeProbeMessage(incident.lastDetail, incident.lastMessage, options.locale),
      ...((incident.lastReason ?? incident.firstReason) ? { reason: (incident.lastReason ?? incident.firstReason)! } : {}),
      incident: incident.id,
      // An annotation, not a label: labels identify the alert, and flapping comes and goes on it.
      ...(isFlapping(incident) ? { flapping: words.flapping.badgeTitle(formatDateTime(incident.flapping.since, options.locale)) } : {}),
    },
    startsAt: earliest(incident.openedAt, now).toISOString(),
    endsAt: endsAt.toISOString(),
    ...(options.links.statusPage ? { generatorURL: options.links.statusPage } : {}),
  });
  // Alertmanager identifies an alert by its labels, and a check's next incident has the same ones:
  // an open incident hides the check's earlier resolved ones, and of those only the latest is sent.
  const firingChecks = new Set(firing.map((incident) => incident.check));
  const latestResolved = new Map<string, Incident>();
  for (const incident of resolved) {
    if (firingChecks.has(incident.check)) continue;
    const seen = latestResolved.get(incident.check);
    if (!seen || (incident.resolvedAt?.getTime() ?? 0) > (seen.resolvedAt?.getTime() ?? 0)) latestResolved.set(incident.check, incident);
  }
  return {
    firing: firing.map((incident) => alertOf(incident, firingEndsAt)),
    resolved: [...latestResolved.values()].map((incident) => alertOf(incident, earliest(incident.resolvedAt ?? now, now))),
  };
}

function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

export type AlertmanagerLoopStore = Pick<Store, 'incidents'>;

export interface AlertmanagerLoop {
  /** Incidents changed: post now instead of at the next round. */
  wake(): void;
  stop(): Promise<void>;
}

/** Posts at once, then every intervalSeconds (the resend interval), and on wake(). One post at a time. */
export function startAlertmanagerLoop(options: {
  readonly channel: AlertmanagerPoster;
  readonly store: AlertmanagerLoopStore;
  readonly intervalSeconds: number;
  readonly log: Logger;
  readonly clock: Clock;
  /** A silence made at the duty desk names the incident's check or system now: its alert is left out. */
  readonly muted?: (incident: Incident, now: Date) => boolean;
  /** The clock incidents are stamped with (the daemon's steady clock), for the look back at resolved ones; absent = `clock`. */
  readonly steady?: Clock;
}): AlertmanagerLoop {
  const { channel, store, clock, log } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let again = false;

  const round = async (): Promise<void> => {
    const now = clock();
    const stampNow = options.steady?.() ?? now;
    const from = new Date(stampNow.getTime() - RESOLVED_LOOKBACK_ROUNDS * options.intervalSeconds * 1000);
    const firing = store.incidents.loadOpen().filter((incident) => incident.announced && incident.resolvedAt === undefined);
    const resolved = store.incidents
      .listBetween(from, stampNow)
      .filter((incident) => incident.announced && incident.resolvedAt !== undefined && incident.resolvedAt.getTime() >= from.getTime());
    const heard = (incident: Incident): boolean => options.muted?.(incident, now) !== true;
    await channel.push(firing.filter(heard), resolved.filter(heard));
  };

  const run = (): void => {
    if (stopped) return;
    if (current) {
      again = true; // a change arrived mid-post: post once more right after
      return;
    }
    if (timer) clearTimeout(timer);
    current = round()
      .catch((error: unknown) => log.error({ err: error }, 'alertmanager round failed; will try next round'))
      .finally(() => {
        current = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          setImmediate(run);
          return;
        }
        timer = setTimeout(run, options.intervalSeconds * 1000);
        timer.unref();
      });
  };

  run();
  return {
    wake: () => setImmediate(run),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

function count(options: AlertmanagerPosterOptions, counts: { firing: number; resolved: number }, result: DeliveryResult): void {
  for (let index = 0; index < counts.firing; index += 1) options.onDelivered?.('alertmanager', 'firing', result);
  for (let index = 0; index < counts.resolved; index += 1) options.onDelivered?.('alertmanager', 'resolved', result);
}

async function post(endpoint: string, body: string, timeoutSeconds: number): Promise<void> {
  const response = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw Object.assign(new Error(`HTTP ${response.statusCode} from ${endpoint}: ${text.slice(0, ERROR_BODY_MAX_CHARS).trim()}`), {
      statusCode: response.statusCode,
    });
  }
}

/** `{url}/api/v2/alerts`, keeping a path prefix (Alertmanager behind a proxy at /alertmanager/). */
export function alertsEndpointOf(url: string): string {
  return new URL('api/v2/alerts', url.endsWith('/') ? url : `${url}/`).toString();
}

// ---- the outbox's door -----------------------------------------------------------------------

const FROZEN_ALERTS_VERSION = 1;

/** What an Alertmanager delivery's `content` holds: the alerts exactly as posted. */
export interface FrozenAlerts extends FrozenContent {
  readonly alerts: readonly AlertmanagerAlert[];
}

/** The poster's settings without its logger and clock: the outbox brings those. */
export type AlertmanagerChannelOptions = Pick<AlertmanagerPosterOptions, 'urls' | 'resendIntervalSeconds' | 'timeoutSeconds' | 'locale' | 'location' | 'links'>;

/** Some URL did not take the post; `status` is each failed URL's HTTP status, when it answered. */
class AlertmanagerPostError extends Error {
  constructor(readonly failures: readonly { readonly url: string; readonly status?: number; readonly error: string }[]) {
    super(failures.map((failure) => `${failure.url}: ${failure.error}`).join('; '));
    this.name = 'AlertmanagerPostError';
  }
}

export function createAlertmanagerChannel(options: AlertmanagerChannelOptions): DeliveryChannel<FrozenAlerts> {
  const endpoints = options.urls.map((url) => ({ url, endpoint: alertsEndpointOf(url) }));
  return {
    name: 'alertmanager',
    noun: 'alertmanager post',
    target: options.urls.join(', '),
    render(batch, { now, seed }) {
      const content: FrozenAlerts = {
        version: FROZEN_ALERTS_VERSION,
        types: batch.map((notification) => notification.type),
        alerts: batch.flatMap((notification) => alertsOf(notification, now, options)),
      };
      return { id: `<alertmanager.${seed}.${randomBytes(8).toString('hex')}@dvc-sentinel>`, content };
    },
    read(content) {
      if (!isFrozenContent(content) || content.version !== FROZEN_ALERTS_VERSION) return undefined;
      return Array.isArray((content as Partial<FrozenAlerts>).alerts) ? (content as FrozenAlerts) : undefined;
    },
    async send({ content }) {
      // Vantage and window summaries have no alert of their own: nothing to post, nothing lost.
      if (content.alerts.length === 0) return { alerts: 0 };
      const body = JSON.stringify(content.alerts);
      const outcomes = await Promise.all(
        endpoints.map(async ({ url, endpoint }) => {
          try {
            await post(endpoint, body, options.timeoutSeconds);
            return undefined;
          } catch (error) {
            const status = (error as { statusCode?: number }).statusCode;
            return { url, ...(status === undefined ? {} : { status }), error: (error as Error).message ?? String(error) };
          }
        }),
      );
      const failures = outcomes.filter((outcome) => outcome !== undefined);
      // Alertmanager deduplicates by labels, so posting again to the ones that took it is harmless.
      if (failures.length > 0) throw new AlertmanagerPostError(failures);
      return { alerts: content.alerts.length, urls: options.urls.length };
    },
    classify(error) {
      const failures = error instanceof AlertmanagerPostError ? error.failures : [];
      const final = (status: number | undefined) => status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
      return failures.length > 0 && failures.every((failure) => final(failure.status)) ? 'give_up' : 'retry';
    },
    describe: (content) => ({ alerts: content.alerts.length, names: [...new Set(content.alerts.map((alert) => alert.labels.alertname))] }),
    describeFailure: (error) => ({ error: (error as Error).message ?? String(error) }),
    close() {},
  };
}

const INCIDENT_ALERT_TYPES: ReadonlySet<NotificationType> = new Set(['firing', 'reminder', 'resolved', 'flapping']);

function alertsOf(notification: Notification, now: Date, options: AlertmanagerChannelOptions): AlertmanagerAlert[] {
  const firingEndsAt = new Date(now.getTime() + FIRING_VALIDITY_ROUNDS * options.resendIntervalSeconds * 1000);
  const { notice, incident } = notification;
  if (notice) {
    const lines = noticeLines(notice, options.locale);
    return [
      {
        labels: {
          alertname: NOTICE_ALERT_NAME,
          kind: notice.kind,
          key: notice.key,
          severity: notice.severity,
          ...(options.location ? { location: options.location } : {}),
        },
        annotations: { summary: lines.title, description: lines.body },
        startsAt: earliest(notification.createdAt, now).toISOString(),
        // A notice tells of a moment: it shows for a few rounds, then Alertmanager lets it resolve.
        endsAt: firingEndsAt.toISOString(),
        ...(options.links.statusPage ? { generatorURL: options.links.statusPage } : {}),
      },
    ];
  }
  if (incident === undefined || !INCIDENT_ALERT_TYPES.has(notification.type)) return [];
  const built = buildAlerts(incident.resolvedAt ? [] : [incident], incident.resolvedAt ? [incident] : [], { ...options, clock: () => now });
  return [...built.firing, ...built.resolved];
}
