// What an incident is. Types only; the rules that open, hold, remind and resolve incidents live
// in incidents.ts (pure), and the store persists them.
import type { FailureReason, Phase, ProbeMessage } from '../probes/probe.ts';

export type Severity = 'warning' | 'critical';

/**
 * Why an incident's mail is held back. parent: a check it dependsOn has an open incident;
 * vantage: the prober's own network is down, so the failure is inconclusive;
 * maintenance: a planned window covers the check (and names no recipients of its own).
 */
export interface Hold {
  readonly by: 'parent' | 'vantage' | 'maintenance';
  /** Parent check name, 'vantage', or the maintenance window's name. */
  readonly name: string;
  /** The parent's incident id, for parent holds. */
  readonly incidentId?: string;
  readonly since: Date;
}

/** The last probe's facts, as shown in mails: latency and phases. */
export interface ResultSnapshot {
  readonly at: Date;
  readonly status: 'ok' | 'warning' | 'critical';
  readonly reason?: FailureReason;
  readonly message: string;
  /** The message as a code and parameters; absent in snapshots stored before codes existed. */
  readonly detail?: ProbeMessage;
  readonly durationSeconds: number;
  readonly phases: Partial<Record<Phase, number>>;
  readonly httpStatus?: number;
}

/** A flapping episode (state/flapping.ts), kept on the incident it holds open. */
export interface FlappingEpisode {
  readonly since: Date;
  /** When the check had been steady for a whole window; absent while it flaps. */
  readonly endedAt?: Date;
  /** Changes of status counted in the episode, the ones that started it included. */
  readonly changes: number;
  /** The rule's window when it started: the notice says "N changes in <window>". */
  readonly windowSeconds: number;
  /**
   * The runs of passing probes while it flapped (first pass to first failure; the last one open
   * while the check passes), so the report does not count them as down time. Absent = none.
   */
  readonly up?: readonly { readonly from: Date; readonly to?: Date }[];
}

export interface Incident {
  /** Stable and unique: "<check>-<openedAt epoch ms base36>". */
  readonly id: string;
  readonly check: string;
  readonly system: string;
  readonly severity: Severity;
  readonly openedAt: Date;
  readonly resolvedAt?: Date;
  readonly firstReason?: FailureReason;
  readonly firstMessage: string;
  readonly lastReason?: FailureReason;
  readonly lastMessage: string;
  /**
   * The first and last messages as codes and parameters, so each surface words them in its own
   * locale. Stored in the incident's JSON (no column of their own); incidents stored before codes
   * existed have none and show their English text.
   */
  readonly firstDetail?: ProbeMessage;
  readonly lastDetail?: ProbeMessage;
  /** Probes while open, and how many of them failed. */
  readonly probes: number;
  readonly failedProbes: number;
  readonly last: ResultSnapshot;
  /** Present while mail is held back; cleared when the holder ends. */
  readonly hold?: Hold;
  /** Every hold it ever had, so a resolved mail can say "was inconclusive" or "in maintenance". */
  readonly wasHeldBy?: readonly Hold['by'][];
  /** A firing notification has been queued (false while held since opening). */
  readonly announced: boolean;
  /** When the last firing/reminder was queued; reminders are due repeatInterval after it. */
  readonly lastNotifiedAt?: Date;
  /**
   * Down time's true bounds, which thresholds never shorten: the first failed probe of the run of
   * failures that opened the incident, and the first passing probe of the run that closed it.
   * Absent on incidents stored before they were kept (openedAt and resolvedAt stand in), and
   * recoveredAt while the incident is open, unless it is recovering (waiting for its children).
   */
  readonly failingSince?: Date;
  readonly recoveredAt?: Date;
  /**
   * The check recovered while dependents it holds were still failing: the incident waits up to
   * groupWait for them before it resolves (as of this time), so they end in its resolved mail
   * instead of firing on their own a moment before they recover too.
   */
  readonly recoveringSince?: Date;
  /**
   * The check flapped while this incident was open: the incident is the episode, held open through
   * every change until the check is steady again (state/flapping.ts). Kept after the episode ends.
   */
  readonly flapping?: FlappingEpisode;
}

export function incidentId(check: string, openedAt: Date): string {
  return `${check}-${openedAt.getTime().toString(36)}`;
}
