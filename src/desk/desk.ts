// The duty desk's service: what operators do to incidents and the night (acknowledge, notes,
// people-reported incidents, resolve by hand, maintenance, silences) and the audit log. The
// server's routes and the CLI speak to this interface only; the implementation keeps everything in
// the store, tells the incident rules (acknowledged incidents get no reminders), and queues the
// mails in the incident's thread through the outbox.
import type { Incident } from '../state/incident.ts';
import type {
  Acknowledgement,
  Actor,
  AuditAction,
  AuditEntry,
  MaintenanceRecord,
  Note,
  NoteFields,
  OpenPeopleIncident,
  PeopleReport,
  Silence,
} from '../state/desk-records.ts';

/** An incident as the desk shows it: the probe's record (or a people-reported one) with what people did. */
export interface DeskIncident {
  readonly incident: Incident;
  /** 'probe' for incidents checks opened, 'people' for ones an operator opened. */
  readonly origin: 'probe' | 'people';
  readonly report?: PeopleReport;
  readonly acknowledgement?: Acknowledgement;
  /** Oldest first. */
  readonly notes: readonly Note[];
  /** Who resolved a people-reported incident by hand. */
  readonly resolvedBy?: string;
}

export type DeskFailure = { readonly ok: false; readonly error: 'not_found' | 'conflict'; readonly message: string };
export type DeskResult<T> = { readonly ok: true; readonly value: T } | DeskFailure;

export interface IncidentQuery {
  readonly state: 'open' | 'all';
  readonly since?: Date;
}

export interface StartMaintenance {
  readonly name?: string;
  readonly checks?: readonly string[];
  readonly systems?: readonly string[];
  readonly reason?: string;
  /** Planned end; absent = until ended through the API. */
  readonly until?: Date;
}

export interface StartSilence {
  readonly check?: string;
  readonly system?: string;
  readonly until: Date;
  readonly reason?: string;
}

export interface Desk {
  listIncidents(query: IncidentQuery): readonly DeskIncident[];
  getIncident(id: string): DeskIncident | undefined;
  /** Idempotent: a second acknowledgement keeps the first one's who and when (conflict is not an error here); its note is added as a note. */
  acknowledge(id: string, actor: Actor, note?: string): DeskResult<DeskIncident>;
  addNote(id: string, actor: Actor, fields: NoteFields, notify: boolean): DeskResult<Note>;
  openIncident(actor: Actor, input: OpenPeopleIncident): DeskIncident;
  /** People-reported incidents only (conflict for a probe incident or one already resolved); `result` is kept as a note. */
  resolve(id: string, actor: Actor, result?: string): DeskResult<DeskIncident>;
  startMaintenance(actor: Actor, input: StartMaintenance): MaintenanceRecord;
  endMaintenance(id: string, actor: Actor): DeskResult<MaintenanceRecord>;
  listMaintenance(): readonly MaintenanceRecord[];
  silence(actor: Actor, input: StartSilence): Silence;
  listSilences(): readonly Silence[];
  /** Newest first. */
  listAudit(query: { readonly since?: Date; readonly limit?: number }): readonly AuditEntry[];
  /** For actions the desk does not perform itself (login, login.failed). */
  recordAudit(action: AuditAction, actor: Actor, target: string): void;
}
