// The shape of one locale's words and the choice between them: every word a person reads in a mail,
// on the status page or in `once`. The words live in vi.ts (the default) and en.ts; layouts live
// with their surface (alerting/messages for mail, server/status-page.ts for the page).
import type { Locale } from '../config/alerting-config.ts';
import type { Check } from '../config/config.ts';
import type { FailureReason, Phase } from '../probes/probe.ts';
import type { CheckStatus } from '../state/check-state.ts';
import type { Hold, Severity } from '../state/incident.ts';
import type { NoticeKind as MonitorNoticeKind, NoticeSeverity } from '../state/notification.ts';
import { en } from './en.ts';
import type { Diagnosis } from './probable-cause.ts';
import type { ProbeWords } from './probe-words.ts';
import { vi } from './vi.ts';

/** A notification as a reader tells it apart: type, and for incidents the severity. */
export type NoticeKind =
  | 'firing_critical'
  | 'firing_warning'
  | 'reminder_critical'
  | 'reminder_warning'
  | 'resolved'
  | 'flapping'
  | 'vantage_down'
  | 'vantage_up'
  | 'maintenance_end'
  | 'notice'
  | 'test'
  | 'backend_changed';

/** A notice's words: `param` reads one of its parameters as text ("—" when absent). */
export interface NoticeWords {
  readonly title: (param: (name: string) => string) => string;
  readonly body: (param: (name: string) => string) => string;
}

export interface Words {
  // Mail.
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
  /** An Alertmanager alert's summary: which check, which system, and the headline of its failure. */
  readonly alertSummary: (check: string, system: string, ended: boolean, headline: string) => string;
  /** Notices about the monitor itself, by kind (state/notification.ts NOTICE_KINDS). */
  readonly notices: Readonly<Record<MonitorNoticeKind, NoticeWords>>;
  readonly noticeSeverity: Readonly<Record<NoticeSeverity, string>>;
  // Status page.
  readonly page: PageWords;
  // `once`, the table a technician reads in a terminal.
  readonly once: OnceWords;
  // The daily report, in every format (HTML mail, text, CSV headings, docx).
  readonly report: ReportWords;
  // Probe messages, one wording per code (the compiler checks every code has one).
  readonly probe: ProbeWords;
  // The duty desk on the status page, its form answers and the incident/maintenance commands.
  readonly deskPage: DeskPageWords;
  // The login form and the sign-in link of the status page.
  readonly login: LoginWords;
  // The duty desk: its mails in the incident's thread.
  readonly desk: DeskWords;
  // The short texts of chat channels (Zalo) and the test-notify command.
  readonly channels: ChannelWords;
  // SMS: the values a channel's template is filled with, and its test message.
  readonly sms: SmsWords;
  // The duty roster and escalation: who is on duty, whom to call, why a mail escalates.
  readonly roster: RosterWords;
  // A check that keeps changing status: its notice, its badge on the status page, the report's count.
  readonly flapping: FlappingWords;
  // Mail the mail server refused for good: the self-alert on the other channels and the status page.
  readonly mailRefusals: MailRefusalWords;
  // The store file deleted or replaced while running: the status page's alert.
  readonly storeFile: StoreFileWords;
  // Another server answers a check (cut-over, rollback, a swapped certificate): its notice in mail and chat.
  readonly backend: BackendWords;
  // Catalogue review: the change mail, its table and attachment, the command's tables.
  readonly catalogue: CatalogueWords;
  // The store refusing writes (a full disk): the status page's red line.
  readonly storeWrites: StoreWritesWords;
}

export interface StoreWritesWords {
  /** Since when (formatted), the store's words, how many changes wait in memory (formatted). */
  readonly refused: (since: string, error: string, unsaved: string) => string;
}

/** Why a mail was refused for good: a failed delivery's reason (store DeliveryFailure), or `recipients` when only some refused it. */
export type MailRefusalKind = 'auth' | 'refused' | 'gave_up' | 'recipients';

export interface MailRefusalWords {
  /** "máy chủ thư từ chối: sai mật khẩu". */
  readonly reason: Readonly<Record<MailRefusalKind, string>>;
  /** What to do about it, one sentence. */
  readonly remedy: Readonly<Record<MailRefusalKind, string>>;
  /** The status page block of the last day's refusals. */
  readonly heading: string;
  readonly columns: { readonly at: string; readonly subject: string; readonly recipients: string; readonly reason: string; readonly answer: string };
}

/** The status page's alert about the store file; path and time arrive formatted. */
export interface StoreFileWords {
  readonly deleted: (path: string, at: string) => string;
  readonly replaced: (path: string, at: string) => string;
  /** After either: everything was written into a fresh file at the path. */
  readonly rewritten: string;
  /** After either: writing a fresh file keeps failing. */
  readonly notRewritten: string;
  readonly movedAside: (path: string) => string;
}

export interface BackendWords {
  /** After the check name in a subject: "máy chủ trả lời đã thay đổi". */
  readonly headline: string;
  readonly lead: (at: string) => string;
  readonly before: string;
  readonly after: string;
  /** The parts of a server, labelled: address, certificate fingerprint, issuer, serial, a header. */
  readonly describe: (parts: { address: string; fingerprint?: string; issuer?: string; serial?: string; headers: readonly string[] }) => string;
  /** One chat line. */
  readonly chat: (system: string, check: string, before: string, after: string) => string;
}

/** Words of catalogue review (src/catalogue): snapshots compared day over day and with a provincial export. */
export interface CatalogueWords {
  /** The mail's subject: "THAY ĐỔI DANH MỤC TTHC"; `check` names the catalogue check. */
  readonly subject: (check: string) => string;
  readonly lead: (check: string, from: string, to: string) => string;
  readonly columns: {
    readonly code: string;
    readonly kind: string;
    readonly field: string;
    readonly old: string;
    readonly new: string;
  };
  readonly kinds: Readonly<Record<'added' | 'removed' | 'changed' | 'mismatch' | 'missingInSource' | 'missingInOther', string>>;
  /** "Không có thay đổi nào." */
  readonly noChanges: string;
  /** Headings of the command's table: snapshots compared, and the export compared with. */
  readonly compared: (from: string, to: string) => string;
  readonly comparedWith: (file: string) => string;
  readonly noSnapshot: (check: string) => string;
  /** The status page's catalogue page (/catalogue). */
  readonly page: {
    readonly title: string;
    readonly none: string;
    readonly lastCrawl: string;
    readonly outcome: Readonly<Record<'complete' | 'failed' | 'busy', string>>;
    readonly snapshot: string;
    readonly items: (source: number, other: number | undefined) => string;
    readonly status: Readonly<Record<'ok' | 'warning' | 'critical', string>>;
    readonly back: string;
    /** The status page's section: one line per catalogue check, linking to /catalogue. */
    readonly columns: {
      readonly check: string;
      readonly status: string;
      readonly lastCrawl: string;
      readonly items: string;
      readonly changes: string;
      readonly mismatches: string;
    };
    readonly details: string;
  };
}

export interface RosterWords {
  /** Label of the row (mail) and of the line (status page) naming the shift on duty. */
  readonly onDuty: string;
  /** "Ca đêm: Trần Văn Cường (Sở KH&CN), …" */
  readonly shift: (shift: string, people: string) => string;
  readonly nobodyOnDuty: string;
  /** Label of the focal points to call. */
  readonly focalPoints: string;
  /** Label of an escalation's row, and its value: no one acknowledged it within `after`. */
  readonly escalation: string;
  readonly escalated: (after: string) => string;
  /** Label of the organisations a route told of the same incident at once. */
  readonly told: string;
}

/** Short words for SMS templates: a carrier's registered template fixes the sentence, these fill it. */
export interface SmsWords {
  /** `{severity}`. */
  readonly severity: Readonly<Record<'warning' | 'critical' | 'info', string>>;
  /** `{status}`: what happened, by notification type. */
  readonly status: Readonly<Record<'firing' | 'reminder' | 'resolved' | 'notice' | 'flapping' | 'escalation' | 'other', string>>;
  /** The text `test-notify` sends (no template: it tells the channel works). */
  readonly test: (channel: string) => string;
}

/** Short chat texts: system, state, time and a link, nothing more (no personal data, no internal details). */
export interface ChannelWords {
  /** "🔴 SỰ CỐ nghiêm trọng: Cổng DVC tỉnh — kiểm tra dvc-home, từ 02:13 03/12". */
  readonly firing: (severity: string, system: string, check: string, since: string) => string;
  readonly resolved: (system: string, check: string, duration: string) => string;
  readonly reminder: (severity: string, system: string, check: string, since: string) => string;
  readonly vantageDown: string;
  readonly vantageUp: string;
  readonly maintenanceEnd: (window: string) => string;
  /** A notice about the monitor: its kind's title. */
  readonly notice: (title: string) => string;
  readonly test: (channel: string) => string;
  readonly statusPage: (url: string) => string;
  /** More notifications than a text shows: "… và 3 thông báo khác". */
  readonly more: (count: number) => string;
  /** test-notify's answers. */
  readonly testSent: (channel: string) => string;
  readonly testFailed: (channel: string, reason: string) => string;
  readonly unknownChannel: (channel: string, known: string) => string;
  /** Why it failed, by HTTP status (undefined = no answer). */
  /** Why a test could not be written into a gammu-smsd outbox. */
  readonly spoolFailed: string;
  readonly explainStatus: (status: number | undefined) => string;
  /** A reminder an escalation step sent: `after` is formatted ("10 phút"). */
  readonly escalation: (after: string, severity: string, system: string, check: string, since: string) => string;
  /** A flapping notice: `headline` is the flapping section's ("đang chập chờn (7 lần …)"). */
  readonly flapping: (system: string, check: string, headline: string) => string;
}

/** Words about flapping checks (state/flapping.ts). Counts and durations arrive formatted. */
export interface FlappingWords {
  /** After the check name in a subject: "đang chập chờn (7 lần đổi trạng thái trong 30 phút)". */
  readonly headline: (changes: string, window: string) => string;
  /** The first line of the notice's body. */
  readonly lead: (since: string, window: string) => string;
  /** The row label and value of the changes counted so far. */
  readonly changesLabel: string;
  /** The badge beside the check on the status page, and its tooltip. */
  readonly badge: string;
  readonly badgeTitle: (since: string) => string;
  /** The report's column of flapping episodes per check. */
  readonly reportColumn: string;
}

/** The duty desk's words. Times and names arrive formatted; what a person typed is escaped by the caller. */
export interface DeskWords {
  /** Subject tags, without brackets, by what happened. */
  readonly tag: { readonly acknowledged: string; readonly note: string; readonly opened: string; readonly resolved: string };
  /** The first line of the mail. */
  readonly leads: {
    readonly acknowledged: (user: string, at: string) => string;
    readonly note: (author: string, at: string) => string;
    readonly opened: (openedBy: string, at: string) => string;
    readonly resolved: (user: string, at: string) => string;
  };
  /** The labels the directive names, and the rest of an incident's facts. */
  readonly labels: {
    readonly cause: string;
    readonly plan: string;
    readonly expectedFixAt: string;
    readonly result: string;
    readonly text: string;
    readonly note: string;
    readonly incident: string;
    readonly system: string;
    readonly check: string;
    readonly severity: string;
    readonly startedAt: string;
    readonly resolvedAt: string;
    readonly description: string;
    readonly reportedBy: string;
    readonly openedBy: string;
    readonly acknowledgedBy: string;
  };
  /** In place of a check name for a people-reported incident. */
  readonly reportedByPeople: string;
  /** The report's part about the desk: per system medians, and what was written about each incident. */
  readonly report: {
    readonly heading: string;
    readonly columns: {
      readonly system: string;
      readonly incidents: string;
      readonly acknowledged: string;
      readonly medianAcknowledge: string;
      readonly resolved: string;
      readonly medianResolve: string;
    };
    readonly notesHeading: string;
    /** "tiếp nhận: lan, sau 25 phút" */
    readonly acknowledgedBy: (user: string, after: string) => string;
    /** "kết thúc sau 2 giờ" */
    readonly resolvedAfter: (after: string) => string;
  };
}

/** The duty desk's words: acknowledgement and notes on incidents, the operators' forms, and the CLI's tables and errors. */
export interface DeskPageWords {
  readonly heading: string;
  readonly acknowledged: (by: string | undefined, at: string) => string;
  readonly notAcknowledged: string;
  readonly notesHeading: string;
  readonly noteBy: (author: string | undefined, at: string) => string;
  /** The directive's fields and free text, as labels. */
  readonly fields: {
    readonly cause: string;
    readonly plan: string;
    readonly expectedFixAt: string;
    readonly result: string;
    readonly text: string;
  };
  readonly notify: string;
  readonly notified: string;
  readonly peopleHeading: string;
  readonly noPeopleIncidents: string;
  readonly reportedBy: (who: string | undefined) => string;
  readonly forms: {
    readonly acknowledge: string;
    readonly acknowledgeNote: string;
    readonly addNote: string;
    readonly resolve: string;
    readonly resolveResult: string;
    readonly openHeading: string;
    readonly title: string;
    readonly system: string;
    readonly severity: string;
    readonly description: string;
    readonly reportedBy: string;
    readonly open: string;
    readonly maintenanceHeading: string;
    readonly maintenanceName: string;
    readonly checks: string;
    readonly systems: string;
    readonly reason: string;
    readonly until: string;
    readonly startMaintenance: string;
    readonly endMaintenance: string;
    readonly silenceHeading: string;
    readonly silenceCheck: string;
    readonly silenceSystem: string;
    readonly silence: string;
  };
  readonly maintenanceLine: (name: string, until: string | undefined, by: string | undefined) => string;
  readonly noMaintenance: string;
  readonly silenceLine: (target: string, until: string, by: string | undefined) => string;
  readonly noSilences: string;
  /** The page a form gets back when its request was refused. */
  readonly refused: {
    readonly title: string;
    readonly badField: (field: string, error: string) => string;
    readonly notLoggedIn: string;
    readonly notAllowed: string;
    /** The form's CSRF token is from an older page (a new login since, or a restart). */
    readonly staleForm: string;
    readonly limited: string;
    readonly notFound: string;
    readonly conflict: (message: string) => string;
    readonly back: string;
  };
  /** `dvc-sentinel incident …` and `maintenance …`. */
  readonly cli: {
    readonly columns: {
      readonly id: string;
      readonly severity: string;
      readonly state: string;
      readonly system: string;
      readonly check: string;
      readonly startedAt: string;
      readonly acknowledged: string;
    };
    readonly state: { readonly open: string; readonly resolved: string };
    readonly noIncidents: string;
    readonly origin: { readonly probe: string; readonly people: string };
    readonly done: (what: string) => string;
    readonly maintenanceStarted: (id: string) => string;
    readonly unreachable: (url: string, message: string) => string;
    readonly notLoggedIn: string;
    readonly notAllowed: string;
    readonly notFound: (what: string) => string;
    readonly badField: (field: string, error: string) => string;
    readonly failed: (status: number, error: string) => string;
  };
}

/**
 * The report's words, laid out as an administrative status report: operation, incidents, causes,
 * what was done, proposals. Numbers, times and durations arrive already formatted.
 */
export interface ReportWords {
  /** "BÁO CÁO": the document type line of the title. */
  readonly title: string;
  /** The title's second line, for the window: "Tình hình vận hành … từ 15 giờ 30 ngày 02/12/2026 đến 15 giờ 30 ngày 03/12/2026". */
  readonly subtitle: (from: string, to: string) => string;
  /** The frame of the administrative document (.docx): Decree 30/2020/NĐ-CP's lines around the content. */
  readonly frame: ReportFrameWords;
  readonly sections: {
    readonly operation: string;
    readonly incidents: string;
    readonly causes: string;
    readonly results: string;
    readonly proposals: string;
    readonly maintenance: string;
    readonly rules: string;
  };
  readonly verdict: Readonly<Record<'normal' | 'degraded' | 'outage', string>>;
  readonly columns: {
    readonly system: string;
    readonly check: string;
    readonly availability: string;
    readonly downtime: string;
    readonly probes: string;
    readonly failures: string;
    readonly latencyP50: string;
    readonly latencyP95: string;
    readonly latencyMax: string;
    readonly syncLag: string;
    readonly backlog: string;
    readonly tlsDaysLeft: string;
    readonly startedAt: string;
    readonly endedAt: string;
    readonly duration: string;
    readonly reason: string;
    readonly probableCause: string;
    readonly heldChecks: string;
    readonly notifications: string;
  };
  readonly hourState: Readonly<Record<'up' | 'down' | 'excluded' | 'not_observed', string>>;
  /** An incident still open at the window's end. */
  readonly ongoing: string;
  readonly noIncidents: string;
  readonly noMaintenance: string;
  readonly notObserved: string;
  readonly excluded: string;
  /** Said when the report goes out after its time because the monitor was not running then. */
  readonly late: (scheduledFor: string) => string;
  /** The report mail's subject: who reports, the window's ends (formatted), whether it is late. */
  readonly mailSubject: (unit: string, from: string, to: string, late: boolean) => string;
  /** The attachments' names, without extension: "bao-cao" + the window's end date. */
  readonly fileName: string;
  /** The footer's availability rules, one sentence each. */
  readonly rules: readonly string[];
  /** A moment in formal writing: vi "15 giờ 30 ngày 02/12/2026"; clock and date already formatted. */
  readonly instant: (clock: string, date: string) => string;
  /** The last line: who made the report and when. */
  readonly generated: (at: string) => string;
  readonly bySystem: string;
  readonly byCheck: string;
  /** The heading of the per-hour strips, and what a cell is. */
  readonly hours: string;
  readonly hoursLegend: string;
  /** A CSV heading whose values are in seconds. */
  readonly inSeconds: (heading: string) => string;
  /** A CSV heading whose values are percentages. */
  readonly inPercent: (heading: string) => string;
  /** What was done, per incident: back to normal at, or still being handled. */
  readonly recovered: (check: string, at: string) => string;
  readonly stillDown: (check: string, since: string) => string;
  /** An incident the monitor caused itself: listed, never counted as down time. */
  readonly ownFault: string;
  readonly noResults: string;
  readonly renewCertificate: (check: string, days: string) => string;
  readonly followUp: (check: string) => string;
  readonly noProposals: string;
  /** Before a check's failures by reason: "Lỗi theo loại". */
  readonly failuresByReason: string;
  /** Section 1's table of availability objectives, each over its period up to the window's end. */
  readonly objectives: {
    readonly heading: string;
    readonly columns: {
      readonly objective: string;
      readonly target: string;
      readonly period: string;
      readonly soFar: string;
      readonly verdict: string;
      readonly budget: string;
    };
    readonly system: (name: string) => string;
    readonly check: (name: string) => string;
    /** The target and how long its period is: "99,5% mỗi tháng". */
    readonly target: (percent: string, period: 'month' | 'week' | 'day') => string;
    /** The period's first and last day, already formatted. */
    readonly span: (first: string, last: string) => string;
    readonly met: string;
    readonly notMet: string;
    /** Down time the target still allows in the period, or by how much it was exceeded. */
    readonly budgetLeft: (duration: string) => string;
    readonly budgetOver: (duration: string) => string;
    /** Its check or system is not in the config any more. */
    readonly unknown: string;
  };
}

/** The lines an administrative document carries around its content; what they hold arrives already formatted. */
export interface ReportFrameWords {
  /** The national emblem line, in capitals. */
  readonly nation: string;
  readonly motto: string;
  /** "Số: 12/BC-SKHCN"; an empty number leaves room to write one in. */
  readonly number: (number: string, symbol: string) => string;
  /** "An Giang, ngày 03 tháng 12 năm 2026": local calendar fields zero-padded, and the date as formatDate writes it. */
  readonly placeAndDate: (place: string, date: { readonly day: string; readonly month: string; readonly year: string; readonly formatted: string }) => string;
  readonly addressee: (to: string) => string;
  /** Who the report goes to when the unit names nobody. */
  readonly defaultAddressee: string;
  readonly bySystem: string;
  readonly byCheck: string;
  /** A system's time that counts neither way, durations already formatted. */
  readonly uncounted: (system: string, excluded: string, notObserved: string) => string;
  readonly restored: (check: string, at: string, duration: string) => string;
  readonly stillOngoing: (check: string, since: string) => string;
  /** A line left for the technicians to complete where the monitor knows nothing. */
  readonly fillIn: string;
  readonly recipients: string;
  readonly asAbove: string;
  readonly archive: string;
  readonly signerTitle: string;
  readonly signHint: string;
}

/** The `once` table's words; durations and counts arrive already formatted. */
export interface OnceWords {
  readonly columns: {
    readonly check: string;
    readonly system: string;
    readonly kind: string;
    readonly status: string;
    readonly latency: string;
    readonly syncLag: string;
    readonly phases: string;
    readonly reason: string;
    readonly message: string;
  };
  readonly status: Readonly<Record<'ok' | 'warning' | 'critical', string>>;
  readonly syncEqual: string;
  readonly syncDiffers: (duration: string) => string;
  readonly syncItems: (count: string) => string;
  readonly syncWaiting: (lag: string, count: string) => string;
  readonly summary: (counts: { readonly total: number; readonly ok: number; readonly warning: number; readonly critical: number }) => string;
}

/** The status page's own words; numbers, times and durations arrive already formatted. */
export interface PageWords {
  readonly title: string;
  readonly status: Readonly<Record<CheckStatus, string>>;
  readonly kind: Readonly<Record<Check['kind'], string>>;
  readonly columns: {
    readonly status: string;
    readonly check: string;
    readonly since: string;
    readonly lastResult: string;
    readonly latency: string;
    readonly http: string;
    readonly certificate: string;
    readonly sync: string;
    readonly last24h: string;
  };
  readonly noResult: string;
  readonly addresses: (list: string) => string;
  readonly at: (when: string) => string;
  readonly age: (duration: string) => string;
  readonly consecutiveFailures: (count: string) => string;
  readonly certificateExpires: (date: string) => string;
  readonly certificateDaysLeft: (days: string) => string;
  readonly certificateExpiringSoon: (days: string) => string;
  readonly certificateExpired: string;
  readonly syncItems: (count: string) => string;
  readonly syncLag: (amount: string) => string;
  readonly syncBacklog: (count: string) => string;
  readonly syncMismatch: (count: string, compared: string | undefined) => string;
  readonly noChecks: string;
  readonly summaryLabel: string;
  readonly overall: (counts: { readonly critical: number; readonly warning: number; readonly unknown: number; readonly total: number }) => string;
  readonly checksHeading: string;
  readonly incidentsHeading: (count: string) => string;
  readonly noIncidents: string;
  readonly incident: {
    readonly detectedAt: string;
    readonly downtime: string;
    readonly lastError: string;
    readonly failedProbes: string;
    readonly note: string;
  };
  /** Said of an incident whose failures are the monitor's own. */
  readonly ownFault: string;
  readonly updatedAt: { readonly before: string; readonly after: string };
  readonly startedAt: (at: string) => string;
  readonly refresh: (seconds: string) => string;
  readonly jsonData: string;
  /** The last 24 hours of a check: its availability and a strip of one cell per hour. */
  readonly recent: {
    readonly notYet: string;
    readonly noneObserved: string;
    readonly stripLabel: (check: string) => string;
    /** A cell's title: "02:00–03:00 ngày 03/12/2026: gián đoạn". */
    readonly cell: (hours: string, state: string) => string;
  };
  readonly objectives: {
    readonly heading: string;
    readonly notYet: string;
    readonly columns: { readonly objective: string; readonly target: string; readonly soFar: string; readonly verdict: string; readonly budget: string };
    readonly system: (name: string) => string;
    readonly check: (name: string) => string;
    readonly period: Readonly<Record<'month' | 'week' | 'day', string>>;
    readonly target: (percent: string, period: string) => string;
    readonly met: string;
    readonly notMet: string;
    readonly budgetLeft: (duration: string) => string;
    readonly budgetOver: (duration: string) => string;
  };
  readonly reports: {
    /** The heading and the link to it: "Báo cáo". */
    readonly heading: string;
    readonly none: string;
    readonly columns: { readonly report: string; readonly sentAt: string; readonly window: string; readonly recipients: string; readonly result: string };
    readonly accepted: (at: string) => string;
    readonly pending: string;
    readonly late: string;
    readonly view: string;
    readonly jsonData: string;
    /** In red beside a send the mail server had not accepted by the report's deadline: "Quá hạn gửi báo cáo lúc 15:55:00". */
    readonly deadlineMissed: (at: string) => string;
    /** The red line at the top while a report of the last day missed its deadline and is still not accepted; `reports` names them. */
    readonly deadlineAlert: (reports: string) => string;
  };
  /** A line for readers of another language, with its lang; absent when the page is already in it. */
  readonly aside?: { readonly lang: string; readonly text: string };
}

const STRINGS: Readonly<Record<Locale, Words>> = { vi, en };

export function wordsFor(locale: Locale): Words {
  return STRINGS[locale];
}

/** The login form (GET /login) and the sign-in / sign-out link. */
export interface LoginWords {
  readonly title: string;
  readonly name: string;
  readonly password: string;
  readonly submit: string;
  /** The link to the provider's sign-in, when access.oidc is set. */
  readonly singleSignOn: string;
  readonly wrong: string;
  readonly limited: string;
  /** The single sign-on came back without a role this desk knows, or failed. */
  readonly ssoFailed: string;
  readonly signedInAs: (name: string) => string;
  readonly logout: (name: string) => string;
  readonly loginLink: string;
  readonly backToStatus: string;
}
