// The report as data: what build-report computes from history and incidents, and what every
// renderer (JSON, CSV, text, HTML, docx) reads. Field names in CheckFigures, SystemFigures,
// ReportIncident and Report.window are a contract with users' scripts (`report --format json`).
// Times are Dates here and ISO-8601 in JSON; every duration is in seconds.
import type { Locale } from '../config/alerting-config.ts';
import type { ObjectivePeriod } from '../config/objective-config.ts';
import type { FailureReason } from '../probes/probe.ts';
import type { Acknowledgement, Note, PeopleReport } from '../state/desk-records.ts';
import type { Incident } from '../state/incident.ts';
import type { MinuteFigures, Observation } from '../state/history.ts';
import type { Diagnosis } from '../text/probable-cause.ts';

export interface ReportWindow {
  readonly from: Date;
  readonly to: Date;
}

/** Seconds; a figure is absent when nothing was measured. */
export interface LatencyFigures {
  readonly p50?: number;
  readonly p95?: number;
  readonly max?: number;
}

/** The availability arithmetic every row shares (README, "Availability rules"). */
export interface AvailabilityFigures {
  /** 100 × (observed − down) / observed; absent when nothing was observed. */
  readonly availabilityPercent?: number;
  readonly downSeconds: number;
  /** The window less excluded and not-observed time. */
  readonly observedSeconds: number;
  /** Maintenance: neither up nor down. */
  readonly excludedSeconds: number;
  /** The monitor's own fault (reason internal, its network down per the vantage checks, not running). */
  readonly notObservedSeconds: number;
}

export interface SyncFigures {
  readonly unit: 'seconds' | 'items';
  readonly lagMax?: number;
  readonly lagP95?: number;
  readonly backlogMax?: number;
}

export interface CheckFigures extends AvailabilityFigures {
  readonly name: string;
  readonly system: string;
  readonly kind: string;
  readonly probes: number;
  /** Failed probes, all reasons. */
  readonly failures: number;
  readonly failuresByReason: Readonly<Partial<Record<FailureReason, number>>>;
  readonly latency: LatencyFigures;
  readonly sync?: SyncFigures;
  /** The fewest days left on a certificate seen in the window. */
  readonly tlsDaysLeft?: number;
  /** Flapping episodes (state/flapping.ts) that began in the window. */
  readonly flaps: number;
}

export interface SystemFigures extends AvailabilityFigures {
  readonly name: string;
  readonly probes: number;
  readonly failures: number;
  readonly latency: LatencyFigures;
}

export interface ReportIncident {
  readonly id: string;
  readonly check: string;
  readonly system: string;
  readonly severity: Incident['severity'];
  /** The first failed probe of the run that opened it. */
  readonly startedAt: Date;
  /** The first passing probe of the run that closed it; absent while it goes on ("đang diễn ra"). */
  readonly endedAt?: Date;
  /** Inside the window only. */
  readonly durationSeconds: number;
  readonly reason?: FailureReason;
  /** What the incident's failures point to, for the probable-cause words; from its first reason and last result. */
  readonly cause?: Diagnosis;
  /** The monitor's own fault (reason internal): listed, never counted as down time. */
  readonly ownFault?: boolean;
  /** The checks it held (dependents, inconclusive failures), by name. */
  readonly heldChecks: readonly string[];
  readonly notificationsSent: number;
  /** Who took it at the duty desk, and when; absent when nobody did (or the source keeps no desk records). */
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: Date;
  /** From its opening to its acknowledgement. */
  readonly timeToAcknowledgeSeconds?: number;
  /** From its opening to its resolution; absent while open. */
  readonly timeToResolveSeconds?: number;
  /** The latest value of each field the desk's notes gave it; absent when none did. */
  readonly handling?: IncidentHandling;
  /** Present for an incident a person reported at the duty desk (no probe saw it; `check` is empty). */
  readonly people?: { readonly title: string; readonly description: string; readonly reportedBy: string };
}

/** What the duty desk wrote about an incident, each field as last written (the notes' history is in the API). */
export interface IncidentHandling {
  readonly cause?: string;
  readonly plan?: string;
  readonly expectedFixAt?: Date;
  readonly result?: string;
}

/** Per system, over the window's incidents: how fast the desk took them and how long they took to resolve. */
export interface SystemHandling {
  readonly system: string;
  readonly incidents: number;
  readonly acknowledged: number;
  readonly medianAcknowledgeSeconds?: number;
  readonly resolved: number;
  readonly medianResolveSeconds?: number;
}

/** What the duty desk recorded about one incident. */
export interface IncidentDeskRecord {
  readonly acknowledgement?: Acknowledgement;
  /** Oldest first. */
  readonly notes: readonly Note[];
}

/** One cell per local hour of the window: the worst that happened in it. */
export type HourState = 'up' | 'down' | 'excluded' | 'not_observed';

export interface HourStrip {
  readonly system: string;
  /** Local (Asia/Ho_Chi_Minh) start of each hour, and what it was. */
  readonly hours: readonly { readonly start: Date; readonly state: HourState }[];
}

export interface MaintenanceSpan {
  readonly name: string;
  readonly from: Date;
  readonly to: Date;
  readonly checks: readonly string[];
}

/** An availability objective over its period up to the report window's end (README, "Objectives"). */
export interface ReportObjective {
  readonly scope: 'system' | 'check';
  readonly name: string;
  /** Percent. */
  readonly target: number;
  readonly period: ObjectivePeriod;
  /** The whole calendar period holding the window's last instant, local midnight to local midnight. */
  readonly bounds: ReportWindow;
  /** From the period's start to the window's end; absent when nothing was observed. */
  readonly availabilityPercent?: number;
  readonly downSeconds: number;
  readonly met: boolean;
  /** Down time the target allows over the whole period less the down time so far; negative once broken. */
  readonly budgetRemainingSeconds: number;
  /** Its check or system is not in the config any more. */
  readonly unknown?: boolean;
}

export type Verdict = 'normal' | 'degraded' | 'outage';

export interface Report {
  /** The report's config name ("daily"); absent for an ad-hoc window. */
  readonly name?: string;
  readonly unit?: string;
  readonly signer?: string;
  readonly locale: Locale;
  readonly generatedAt: Date;
  readonly window: ReportWindow;
  /** Sent after its scheduled time because the monitor was not running then. */
  readonly lateFor?: Date;
  readonly verdict: Verdict;
  readonly checks: readonly CheckFigures[];
  readonly systems: readonly SystemFigures[];
  readonly incidents: readonly ReportIncident[];
  readonly maintenance: readonly MaintenanceSpan[];
  readonly hours: readonly HourStrip[];
  /** Absent when the config sets none. */
  readonly objectives?: readonly ReportObjective[];
  /** Absent when the source keeps no desk records. */
  readonly handling?: readonly SystemHandling[];
  /** Catalogue checks whose newest review has changes or mismatches (src/catalogue); absent = none. */
  readonly catalogue?: readonly ReportCatalogueTable[];
}

/** One catalogue check's review as the change mail tabulates it: a line per change or mismatch. */
export interface ReportCatalogueTable {
  readonly check: string;
  readonly rows: readonly {
    readonly code: string;
    readonly kind: 'added' | 'removed' | 'changed' | 'mismatch' | 'missingInSource' | 'missingInOther';
    readonly field: string;
    readonly old: string;
    readonly new: string;
  }[];
}

/** What build-report reads; the store implements it, tests build it in memory. */
export interface ReportSource {
  /** Every stored minute of every check with minute in [from, to). */
  minutes(window: ReportWindow): Iterable<MinuteFigures>;
  /**
   * The same minutes as availability alone sees them, in minute order, without their latency:
   * each check's probed minutes, watched or wholly the monitor's own fault. Optional: without it,
   * figures that need availability only derive it from minutes().
   */
  observedMinutes?(window: ReportWindow, visit: (check: string, minute: number, observation: Observation) => void): void;
  /** Incidents whose interval overlaps the window, open or resolved. */
  incidents(window: ReportWindow): readonly Incident[];
  /** How many notifications about each incident were delivered (all channels); absent = not known. */
  notificationsSent?(incidentIds: readonly string[]): ReadonlyMap<string, number>;
  /** What the duty desk recorded about each incident (acknowledgement, notes); absent = no desk records. */
  deskRecords?(incidentIds: readonly string[]): ReadonlyMap<string, IncidentDeskRecord>;
  /**
   * Incidents people reported at the duty desk that overlap the window: listed with the others,
   * never counted as down time. Absent = none kept.
   */
  peopleIncidents?(window: ReportWindow): readonly { readonly incident: Incident; readonly report: PeopleReport }[];
}
