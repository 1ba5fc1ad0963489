// Incidents, notifications, an alerting config and a log capture for the delivery tests.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';
import type { Notification, NotificationType } from '../../src/state/notification.ts';
import type { AlertingConfig, SmtpConfig } from '../../src/config/alerting-config.ts';
import type { Incident } from '../../src/state/incident.ts';

export const OPENED = new Date('2026-05-29T15:10:05Z');

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  const check = overrides.check ?? 'dvcqg-home';
  const openedAt = overrides.openedAt ?? OPENED;
  return {
    id: `${check}-${openedAt.getTime().toString(36)}`,
    check,
    system: 'national-portal',
    severity: 'critical',
    openedAt,
    firstReason: 'timeout',
    firstMessage: 'no answer before the deadline (during connect)',
    lastReason: 'timeout',
    lastMessage: 'no answer before the deadline (during connect)',
    probes: 3,
    failedProbes: 3,
    last: {
      at: openedAt,
      status: 'critical',
      reason: 'timeout',
      message: 'no answer before the deadline (during connect)',
      durationSeconds: 15,
      phases: { dns: 0.01 },
    },
    announced: true,
    ...overrides,
  };
}

export function makeNotification(type: NotificationType, options: Partial<Notification> = {}): Notification {
  return { type, riders: [], to: ['trucban@angiang.gov.vn'], createdAt: new Date(), ...options };
}

export function makeAlerting(overrides: { email?: Partial<AlertingConfig['email']> } & Partial<Omit<AlertingConfig, 'email'>> = {}): AlertingConfig {
  const { email, ...rest } = overrides;
  return {
    locale: 'vi',
    groupWaitSeconds: 0.3,
    groupIntervalSeconds: 0.8,
    repeatIntervalSeconds: 3600,
    alertOn: 'critical',
    vantage: [],
    maintenance: [],
    links: {},
    webhooks: [],
    zalo: [],
    sms: [],
    flapping: { changes: 6, windowSeconds: 1800, recoveryHoldSeconds: 0 },
    ...rest,
    email: {
      from: 'dvc-sentinel <giamsat@angiang.gov.vn>',
      to: ['trucban@angiang.gov.vn'],
      routes: [],
      outboxDir: '/nonexistent',
      retry: { firstSeconds: 5, capSeconds: 300 },
      ...email,
    },
  };
}

export function plainSmtp(port: number, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, secure: false, requireTLS: false, tls: { verify: true }, timeoutSeconds: 3, ...overrides };
}

export interface CapturedLog {
  readonly log: Logger;
  lines(): Array<Record<string, unknown>>;
  text(): string;
}

/** A real pino logger writing JSON lines into memory. */
export function captureLog(level = 'debug'): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    log: createLogger({ level, destination }),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
