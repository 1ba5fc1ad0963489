// The shape of one locale's mail wording and the choice between them. The words live in vi.ts and
// en.ts, the layout in render-email.ts.
import type { Locale } from '../../config/alerting-config.ts';
import type { FailureReason, Phase } from '../../probes/probe.ts';
import type { Hold, Severity } from '../../state/incident.ts';
import type { NoticeKind as MonitorNoticeKind, NoticeSeverity } from '../../state/notification.ts';
import { en } from './en.ts';
import type { Diagnosis } from './probable-cause.ts';
import { vi } from './vi.ts';

/** A notification as a reader tells it apart: type, and for incidents the severity. */
export type NoticeKind =
  | 'firing_critical'
  | 'firing_warning'
  | 'reminder_critical'
  | 'reminder_warning'
  | 'resolved'
  | 'vantage_down'
  | 'vantage_up'
  | 'maintenance_end'
  | 'notice'
  | 'test';

/** A notice's words: `param` reads one of its parameters as text ("—" when absent). */
export interface NoticeWords {
  readonly title: (param: (name: string) => string) => string;
  readonly body: (param: (name: string) => string) => string;
}

export interface MailStrings {
  /** The html lang attribute. */
  readonly lang: string;
  /** The bracketed subject tag, without brackets: "SỰ CỐ". */
  readonly tag: Readonly<Record<NoticeKind, string>>;
  /** What is wrong, after the check name: "không truy cập được". */
  readonly headline: (reason: FailureReason | undefined, httpStatus: number | undefined) => string;
  /** After the check name in a resolved subject; duration already formatted. */
  readonly backToNormal: (duration: string) => string;
  readonly vantageDown: (location: string | undefined) => string;
  readonly vantageUp: (location: string | undefined, failedChecks: number) => string;
  readonly maintenanceEnd: (window: string, systemsDown: number, checksDown: number) => string;
  readonly testSubject: (location: string | undefined) => string;
  /** Appended to a single incident subject that carries riders: "(+3 kiểm tra phụ thuộc)". */
  readonly ridersSuffix: (count: number) => string;
  /** Subject of a batch whose notifications are all of one kind: "5 kiểm tra gặp sự cố". */
  readonly batchUniform: Readonly<Record<NoticeKind, (count: number) => string>>;
  /** One part of a mixed batch's subject: "3 sự cố mới". */
  readonly batchCount: Readonly<Record<NoticeKind, (count: number) => string>>;
  readonly batchIntro: (count: number) => string;
  readonly severity: Readonly<Record<Severity, string>>;
  readonly labels: {
    readonly system: string;
    readonly check: string;
    readonly severity: string;
    readonly status: string;
    readonly detectedAt: string;
    readonly resolvedAt: string;
    readonly downtime: string;
    readonly totalDowntime: string;
    readonly cause: string;
    readonly remedy: string;
    readonly lastError: string;
    readonly latency: string;
    readonly phases: string;
    readonly httpStatus: string;
    readonly failedProbes: string;
    readonly hold: string;
    readonly maintenance: string;
    readonly dashboard: string;
    readonly statusPage: string;
    readonly since: string;
    readonly endedAt: string;
    readonly location: string;
    readonly sentAt: string;
  };
  readonly riderColumns: {
    readonly check: string;
    readonly system: string;
    readonly severity: string;
    readonly detectedAt: string;
    readonly resolvedAt: string;
    readonly duration: string;
    readonly reason: string;
    readonly note: string;
  };
  readonly statusValue: { readonly critical: string; readonly warning: string; readonly resolved: string };
  /** A rider still open when the mail was made. */
  readonly ongoing: string;
  readonly asOf: (at: string) => string;
  readonly probeCount: (failed: string, total: string) => string;
  readonly phaseShort: Readonly<Record<Phase, string>>;
  readonly riderGroup: Readonly<Record<Hold['by'], string>>;
  /** "22:10" or "22:10 ngày 29/05/2026": a time shown next to the mail's own day. */
  readonly clockOnDate: (clock: string, date: string | undefined) => string;
  readonly holdNote: (hold: Hold, at: string) => string;
  readonly heldEarlier: (by: readonly Hold['by'][]) => string;
  readonly duringWindow: (window: string) => string;
  readonly leads: {
    readonly vantageDown: (since: string) => string;
    readonly vantageUp: (at: string) => string;
    readonly maintenanceEnd: (window: string, at: string, stillDown: number) => string;
    readonly test: string;
  };
  readonly vantageRemedy: string;
  readonly footer: (location: string | undefined, at: string) => string;
  readonly cause: (diagnosis: Diagnosis) => string;
  readonly remedy: (diagnosis: Diagnosis) => string | undefined;
  /** A window notification without a window name. */
  readonly unnamedWindow: string;
  /** Notices about the monitor itself, by kind (state/notification.ts NOTICE_KINDS). */
  readonly notices: Readonly<Record<MonitorNoticeKind, NoticeWords>>;
  readonly noticeSeverity: Readonly<Record<NoticeSeverity, string>>;
}

const STRINGS: Readonly<Record<Locale, MailStrings>> = { vi, en };

export function stringsFor(locale: Locale): MailStrings {
  return STRINGS[locale];
}
