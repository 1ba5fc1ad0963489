// What the duty desk records about incidents and the night: acknowledgements, notes (kept as a
// history, never overwritten), people-reported incidents, maintenance opened through the API,
// silences and the audit log. Types only; the desk service (src/desk/) applies them, the store
// keeps them and the server shows them.
import type { Severity } from './incident.ts';

/** Who may do what. viewer: look; operator: work incidents, maintenance, silences; admin: also the audit log's every entry. */
export type Role = 'viewer' | 'operator' | 'admin';

/** Who did something and from where (the remote address of the request), for the records and the audit log. */
export interface Actor {
  readonly user: string;
  readonly address: string;
}

/** The fields the directive names, plus free text. JSON names are a contract (API, store, report). */
export interface NoteFields {
  /** nguyên nhân */
  readonly cause?: string;
  /** phương án xử lý */
  readonly plan?: string;
  /** thời gian dự kiến hoàn thành */
  readonly expectedFixAt?: Date;
  /** kết quả xử lý */
  readonly result?: string;
  readonly text?: string;
}

export interface Note extends NoteFields {
  readonly id: number;
  readonly incidentId: string;
  readonly author: string;
  readonly at: Date;
  /** Mailed at once in the incident's thread to its recipients. */
  readonly notify: boolean;
}

export interface Acknowledgement {
  readonly by: string;
  readonly at: Date;
}

/** An incident no probe sees, opened by a person (e.g. VNeID login failing at a commune centre). */
export interface PeopleReport {
  readonly title: string;
  readonly description: string;
  readonly reportedBy: string;
  /** The operator who recorded it. */
  readonly openedBy: string;
}

export interface OpenPeopleIncident {
  readonly title: string;
  readonly system: string;
  readonly severity: Severity;
  readonly description: string;
  readonly reportedBy: string;
}

/** A maintenance window opened and closed from the API (a cut-over script), kept in the store. */
export interface MaintenanceRecord {
  readonly id: string;
  readonly name: string;
  /** Check name patterns (`*` wildcard); empty with no systems = every check. */
  readonly checks: readonly string[];
  readonly systems: readonly string[];
  readonly reason?: string;
  readonly startedAt: Date;
  /** Planned end; the window also ends when closed through the API (endedAt). */
  readonly until?: Date;
  readonly endedAt?: Date;
  readonly startedBy: string;
  readonly endedBy?: string;
}

/** Mutes notifications (never probes) for a check or a system until `until`. */
export interface Silence {
  readonly id: string;
  readonly check?: string;
  readonly system?: string;
  readonly until: Date;
  readonly reason?: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export type AuditAction = 'acknowledge' | 'note' | 'open' | 'resolve' | 'maintenance.start' | 'maintenance.end' | 'silence' | 'login' | 'login.failed';

export interface AuditEntry {
  readonly at: Date;
  /** The user name; for login.failed the name that was tried. */
  readonly user: string;
  readonly address: string;
  readonly action: AuditAction;
  /** The incident id, maintenance id, silence id, or '' (login). */
  readonly target: string;
}

/**
 * Who is asking, as the server's access layer established it before any route runs. Anonymous
 * requests have no name and the role `access.anonymous` gives them ('none' = may see nothing but
 * /metrics and /healthz).
 */
export interface Principal {
  readonly name?: string;
  readonly role: Role | 'none';
  readonly via: 'anonymous' | 'session' | 'basic' | 'bearer';
}
