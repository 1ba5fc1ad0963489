// The resolved `alerting:` block: defaults applied, units parsed, files read.
import { dirname, join } from 'node:path';
import type { AlertingInput } from './alerting-schema.ts';
import type { ChannelRouteInput } from './channel-schema.ts';
import { resolveSms, type SmsSettings } from './sms-config.ts';
import { resolveEscalation, resolveRoster, type EscalationStep, type Roster } from './roster-config.ts';
import type { RosterInput } from './roster-schema.ts';

export type Locale = 'vi' | 'en';

interface WindowBase {
  readonly name: string;
  /** Check names or * patterns; empty = every check. */
  readonly checks: readonly string[];
  /** Recipients during the window; absent = silenced. */
  readonly to?: readonly string[];
}

export type MaintenanceWindow =
  | (WindowBase & { readonly kind: 'absolute'; readonly start: Date; readonly end: Date })
  | (WindowBase & { readonly kind: 'recurring'; readonly cron: string; readonly durationSeconds: number; readonly timezone: string });

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly requireTLS: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly tls: { readonly verify: boolean; readonly ca?: string; readonly serverName?: string };
  readonly timeoutSeconds: number;
}

/** What a route of a named channel matches: every field given must match the notification's incident. */
export interface ChannelMatch {
  readonly system?: string;
  readonly check?: string;
  readonly severity?: 'warning' | 'critical';
  /** The name of a maintenance window the check is in. */
  readonly maintenance?: string;
}

/** A named channel's route: the notifications it receives, and optionally its own targets (chat ids, phone numbers). */
export interface ChannelRoute {
  readonly match: ChannelMatch;
  readonly to?: readonly string[];
}

/**
 * What every named channel (webhook, Zalo, SMS) shares: its name (the `channel` label, what an
 * escalation step names) and its routes; no routes = every notification, as email.
 */
export interface NamedChannelBase {
  readonly name: string;
  readonly routes: readonly ChannelRoute[];
}

export interface WebhookChannelConfig extends NamedChannelBase {
  readonly kind: 'webhook';
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  /** Values may hold secrets (from ${ENV} or ${file:…}): never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** Absent: the documented default JSON document. */
  readonly body?: { readonly encoding: 'json' | 'form'; readonly template: string };
  readonly timeoutSeconds: number;
  readonly tls: { readonly verify: boolean };
}

export interface ZaloChannelConfig extends NamedChannelBase {
  readonly kind: 'zalo';
  /** The bot token: a secret, and part of every request's URL. */
  readonly token: string;
  readonly chatIds: readonly string[];
  readonly apiBase: string;
  readonly timeoutSeconds: number;
}

export interface SmsChannelConfig extends NamedChannelBase, SmsSettings {
  readonly kind: 'sms';
}

export type NamedChannelConfig = WebhookChannelConfig | ZaloChannelConfig | SmsChannelConfig;

/** Every named channel, in config order: webhooks, then Zalo, then SMS. */
export function namedChannels(alerting: Pick<AlertingConfig, 'webhooks' | 'zalo' | 'sms'>): readonly NamedChannelConfig[] {
  return [...alerting.webhooks, ...alerting.zalo, ...alerting.sms];
}

/** When a check counts as flapping, and how long a recovery waits (state/flapping.ts). */
export interface FlappingRule {
  /** More changes than this within the window make a check flapping. */
  readonly changes: number;
  readonly windowSeconds: number;
  /** How long a recovered, announced outage stays open before it resolves; 0 resolves at once. */
  readonly recoveryHoldSeconds: number;
}

export interface AlertingConfig {
  readonly locale: Locale;
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalSeconds: number;
  readonly alertOn: 'critical' | 'warning';
  readonly vantage: readonly string[];
  readonly maintenance: readonly MaintenanceWindow[];
  readonly email: {
    readonly smtp?: SmtpConfig;
    readonly from: string;
    readonly to: readonly string[];
    readonly routes: readonly { readonly match: { readonly system?: string; readonly check?: string }; readonly to: readonly string[] }[];
    /** Where mails go as .eml files when there is no smtp. */
    readonly outboxDir: string;
    /** Backoff between failed deliveries: first wait, doubling up to the cap. */
    readonly retry: { readonly firstSeconds: number; readonly capSeconds: number };
  };
  readonly alertmanager?: { readonly urls: readonly string[]; readonly resendIntervalSeconds: number; readonly timeoutSeconds: number };
  readonly links: { readonly dashboard?: string; readonly statusPage?: string };
  readonly webhooks: readonly WebhookChannelConfig[];
  readonly zalo: readonly ZaloChannelConfig[];
  readonly sms: readonly SmsChannelConfig[];
  /** alerting.escalation, by `after` (always set by resolveAlerting; absent reads as none). */
  readonly escalation?: readonly EscalationStep[];
  /** The top-level `roster:`, kept here because escalation and every alert name its people (absent reads as empty). */
  readonly roster?: Roster;
  /** When a check counts as flapping (state/flapping.ts). */
  readonly flapping: FlappingRule;
}

export const ALERTING_DEFAULTS = {
  locale: 'vi' as Locale,
  groupWaitSeconds: 10,
  groupIntervalSeconds: 60,
  repeatIntervalSeconds: 3600,
  from: 'dvc-sentinel <dvc-sentinel@localhost>',
  smtpPort: { secure: 465, plain: 587 },
  smtpTimeoutSeconds: 30,
  alertmanagerResendSeconds: 60,
  alertmanagerTimeoutSeconds: 10,
  timezone: 'Asia/Ho_Chi_Minh',
  retryFirstSeconds: 5,
  retryCapSeconds: 300,
  webhookTimeoutSeconds: 10,
  zaloTimeoutSeconds: 10,
  /** The Zalo Bot Platform's HTTP API. */
  zaloApiBase: 'https://bot-api.zaloplatforms.com',
  flappingChanges: 6,
  flappingWindowSeconds: 1800,
  flappingRecoveryHoldSeconds: 180,
} as const;

function resolveRoutes(routes: readonly ChannelRouteInput[] | undefined): ChannelRoute[] {
  return (routes ?? []).map((route) => ({ match: { ...route.match }, ...(route.to === undefined ? {} : { to: route.to }) }));
}

export function resolveAlerting(input: AlertingInput | undefined, storagePath: string, readCa: (path: string) => string, roster?: RosterInput): AlertingConfig {
  const email = input?.email;
  const smtp = email?.smtp;
  return {
    locale: input?.locale ?? ALERTING_DEFAULTS.locale,
    groupWaitSeconds: input?.groupWait ?? ALERTING_DEFAULTS.groupWaitSeconds,
    groupIntervalSeconds: input?.groupInterval ?? ALERTING_DEFAULTS.groupIntervalSeconds,
    repeatIntervalSeconds: input?.repeatInterval ?? ALERTING_DEFAULTS.repeatIntervalSeconds,
    alertOn: input?.alertOn ?? 'critical',
    vantage: input?.vantage ?? [],
    maintenance: (input?.maintenance ?? []).map((window): MaintenanceWindow =>
      'cron' in window
        ? {
            kind: 'recurring',
            name: window.name,
            checks: window.checks ?? [],
            to: window.to,
            cron: window.cron,
            durationSeconds: window.duration,
            timezone: window.timezone ?? ALERTING_DEFAULTS.timezone,
          }
        : { kind: 'absolute', name: window.name, checks: window.checks ?? [], to: window.to, start: window.start, end: window.end },
    ),
    email: {
      smtp: smtp && {
        host: smtp.host,
        port: smtp.port ?? (smtp.secure ? ALERTING_DEFAULTS.smtpPort.secure : ALERTING_DEFAULTS.smtpPort.plain),
        secure: smtp.secure ?? false,
        requireTLS: smtp.requireTLS ?? false,
        auth: smtp.auth,
        tls: { verify: smtp.tls?.verify ?? true, ca: smtp.tls?.caFile === undefined ? undefined : readCa(smtp.tls.caFile), serverName: smtp.tls?.serverName },
        timeoutSeconds: smtp.timeout ?? ALERTING_DEFAULTS.smtpTimeoutSeconds,
      },
      from: email?.from ?? ALERTING_DEFAULTS.from,
      to: email?.to ?? [],
      routes: email?.routes ?? [],
      outboxDir: join(dirname(storagePath), 'outbox-mail'),
      retry: { firstSeconds: email?.retry?.first ?? ALERTING_DEFAULTS.retryFirstSeconds, capSeconds: email?.retry?.max ?? ALERTING_DEFAULTS.retryCapSeconds },
    },
    alertmanager: input?.alertmanager && {
      urls: input.alertmanager.urls,
      resendIntervalSeconds: input.alertmanager.resendInterval ?? ALERTING_DEFAULTS.alertmanagerResendSeconds,
      timeoutSeconds: input.alertmanager.timeout ?? ALERTING_DEFAULTS.alertmanagerTimeoutSeconds,
    },
    links: { dashboard: input?.links?.dashboard, statusPage: input?.links?.statusPage },
    webhooks: (input?.webhooks ?? []).map((webhook): WebhookChannelConfig => ({
      kind: 'webhook',
      name: webhook.name,
      routes: resolveRoutes(webhook.routes),
      url: webhook.url,
      method: webhook.method ?? 'POST',
      headers: webhook.headers ?? {},
      ...(webhook.body === undefined ? {} : { body: { encoding: webhook.body.encoding ?? 'json', template: webhook.body.template } }),
      timeoutSeconds: webhook.timeout ?? ALERTING_DEFAULTS.webhookTimeoutSeconds,
      tls: { verify: webhook.tls?.verify ?? true },
    })),
    zalo: (input?.zalo ?? []).map((zalo): ZaloChannelConfig => ({
      kind: 'zalo',
      name: zalo.name,
      routes: resolveRoutes(zalo.routes),
      token: zalo.token,
      chatIds: zalo.chatIds ?? [],
      apiBase: (zalo.apiBase ?? ALERTING_DEFAULTS.zaloApiBase).replace(/\/+$/, ''),
      timeoutSeconds: zalo.timeout ?? ALERTING_DEFAULTS.zaloTimeoutSeconds,
    })),
    sms: resolveSms(input?.sms),
    escalation: resolveEscalation(input?.escalation),
    roster: resolveRoster(roster),
    flapping: {
      changes: input?.flapping?.changes ?? ALERTING_DEFAULTS.flappingChanges,
      windowSeconds: input?.flapping?.window ?? ALERTING_DEFAULTS.flappingWindowSeconds,
      recoveryHoldSeconds: input?.flapping?.recoveryHold ?? ALERTING_DEFAULTS.flappingRecoveryHoldSeconds,
    },
  };
}
