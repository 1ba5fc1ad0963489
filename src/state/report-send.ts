// One scheduled report's send, as the store records it in the same transaction as its outbox row:
// what makes a report go out exactly once per scheduled time, and what the status page lists.
// Types only; the scheduling rules decide, the store keeps.

export interface ReportSend {
  /** The report's config name ("daily"). */
  readonly report: string;
  /** The slot it was sent for: the schedule's time, not when it went. */
  readonly scheduledFor: Date;
  readonly window: { readonly from: Date; readonly to: Date };
  /** When it was queued in the outbox (and this record written). */
  readonly queuedAt: Date;
  /** When the mail server accepted it; absent while it waits or retries. */
  readonly acceptedAt?: Date;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** Queued after its scheduled time because the monitor was not running then. */
  readonly late: boolean;
  /** The outbox delivery's Message-ID once frozen, so a reader can find the mail. */
  readonly messageId?: string;
  /** Asked for by hand (`report --send`), not a scheduled slot: it never stands in for one. */
  readonly manual?: boolean;
  /** When the monitor said the mail was not accepted by the report's deadline (the report_late notice); absent otherwise. */
  readonly deadlineMissedAt?: Date;
}
