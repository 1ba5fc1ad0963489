// The duty desk's records: acknowledgements, the notes' history, people-reported incidents,
// maintenance opened through the API, silences and the audit log (schema in migrations/004-desk.ts).
// Rows only; the desk service (src/desk/) decides what to write, in one store.transaction with the
// audit entry and the mails it causes.
import type Database from 'better-sqlite3';
import type { Incident } from '../state/incident.ts';
import type { Acknowledgement, AuditAction, AuditEntry, MaintenanceRecord, Note, NoteFields, PeopleReport, Silence } from '../state/desk-records.ts';
import { deserialize, serialize, toEpochMs } from './serialize.ts';

/** A people-reported incident as stored. */
export interface PeopleIncidentRow {
  readonly incident: Incident;
  readonly report: PeopleReport;
  readonly resolvedBy?: string;
}

export interface NewNote extends NoteFields {
  readonly incidentId: string;
  readonly author: string;
  readonly at: Date;
  readonly notify: boolean;
}

export interface DeskStore {
  /** The acknowledgement of this incident, if any. */
  acknowledgement(incidentId: string): Acknowledgement | undefined;
  /** False when the incident was already acknowledged (the first one stays). */
  acknowledge(incidentId: string, acknowledgement: Acknowledgement): boolean;
  /** Appends one note; returns it with its id. */
  addNote(note: NewNote): Note;
  /** Oldest first. */
  notes(incidentId: string): Note[];
  /** Inserts or replaces a people-reported incident. */
  savePeopleIncident(row: PeopleIncidentRow): void;
  peopleIncident(id: string): PeopleIncidentRow | undefined;
  /** Open ones, and those that overlap [from, to) when `from` is given; by openedAt. */
  listPeopleIncidents(query: { readonly openOnly: boolean; readonly from?: Date; readonly to: Date }): PeopleIncidentRow[];
  saveMaintenance(record: MaintenanceRecord): void;
  maintenance(id: string): MaintenanceRecord | undefined;
  /** Windows that have not ended by `at` (running or planned), oldest first. */
  listMaintenance(at: Date): MaintenanceRecord[];
  saveSilence(silence: Silence): void;
  /** Silences in force at `at`, oldest first. */
  listSilences(at: Date): Silence[];
  /** Whether a silence in force at `at` names this check or this system. */
  isSilenced(check: string, system: string, at: Date): boolean;
  recordAudit(entry: AuditEntry): void;
  /** Newest first. */
  listAudit(query: { readonly since?: Date; readonly limit: number }): AuditEntry[];
}

/** The desk's records of a store opened read-only beside the daemon; undefined for a store written before the desk existed. */
export function openDeskStoreIfPresent(db: Database.Database): DeskStore | undefined {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'desk_maintenance'").get() === undefined ? undefined : createDeskStore(db);
}

/** What the desk recorded about an incident, as a report reads it (report-model.ts IncidentDeskRecord by shape). */
export interface DeskRecordOfIncident {
  readonly acknowledgement?: Acknowledgement;
  readonly notes: readonly Note[];
}

/**
 * The desk's records of these incidents, for reports. A store written before the desk existed (a
 * report opens it read-only, unmigrated) has none: every incident then has no records.
 */
export function deskRecordsReader(db: Database.Database): (incidentIds: readonly string[]) => ReadonlyMap<string, DeskRecordOfIncident> {
  let desk: DeskStore | undefined;
  let known: boolean | undefined;
  return (incidentIds) => {
    known ??= db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'desk_notes'").get() !== undefined;
    if (!known) return new Map();
    desk ??= createDeskStore(db);
    const records = desk;
    return new Map(
      incidentIds.map((id) => {
        const acknowledgement = records.acknowledgement(id);
        return [id, { ...(acknowledgement === undefined ? {} : { acknowledgement }), notes: records.notes(id) }];
      }),
    );
  };
}

/** People-reported incidents overlapping a window, for reports; none in a store written before the desk existed. */
export function peopleIncidentsReader(db: Database.Database): (window: { readonly from: Date; readonly to: Date }) => PeopleIncidentRow[] {
  let desk: DeskStore | undefined;
  let known: boolean | undefined;
  return ({ from, to }) => {
    known ??= db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'people_incidents'").get() !== undefined;
    if (!known) return [];
    desk ??= createDeskStore(db);
    return desk.listPeopleIncidents({ openOnly: false, from, to });
  };
}

interface NoteRow {
  readonly id: number;
  readonly incident_id: string;
  readonly author: string;
  readonly at: number;
  readonly notify: number;
  readonly fields: string;
}

interface PeopleRow {
  readonly incident: string;
  readonly report: string;
  readonly resolved_by: string | null;
}

interface AuditRow {
  readonly at: number;
  readonly user: string;
  readonly address: string;
  readonly action: string;
  readonly target: string;
}

const FAR_PAST = -8_640_000_000_000_000;

export function createDeskStore(db: Database.Database): DeskStore {
  const selectAck = db.prepare<[string], { by_user: string; at: number }>('SELECT by_user, at FROM desk_acknowledgements WHERE incident_id = ?');
  const insertAck = db.prepare<[string, string, number]>(
    'INSERT INTO desk_acknowledgements (incident_id, by_user, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const insertNote = db.prepare<[string, string, number, number, string]>(
    'INSERT INTO desk_notes (incident_id, author, at, notify, fields) VALUES (?, ?, ?, ?, ?)',
  );
  const selectNotes = db.prepare<[string], NoteRow>('SELECT id, incident_id, author, at, notify, fields FROM desk_notes WHERE incident_id = ? ORDER BY id');
  const upsertPeople = db.prepare<[string, number, number | null, string | null, string, string]>(
    `INSERT INTO people_incidents (id, opened_at, resolved_at, resolved_by, report, incident) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET opened_at = excluded.opened_at, resolved_at = excluded.resolved_at,
       resolved_by = excluded.resolved_by, report = excluded.report, incident = excluded.incident`,
  );
  const selectPeople = db.prepare<[string], PeopleRow>('SELECT incident, report, resolved_by FROM people_incidents WHERE id = ?');
  const selectPeopleOpen = db.prepare<[], PeopleRow>(
    'SELECT incident, report, resolved_by FROM people_incidents WHERE resolved_at IS NULL ORDER BY opened_at, id',
  );
  const selectPeopleBetween = db.prepare<[number, number], PeopleRow>(
    `SELECT incident, report, resolved_by FROM people_incidents
     WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at > ?) ORDER BY opened_at, id`,
  );
  const upsertMaintenance = db.prepare<[string, number, number | null, number | null, string]>(
    `INSERT INTO desk_maintenance (id, started_at, ends_at, ended_at, record) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, ends_at = excluded.ends_at, ended_at = excluded.ended_at, record = excluded.record`,
  );
  const selectMaintenance = db.prepare<[string], { record: string }>('SELECT record FROM desk_maintenance WHERE id = ?');
  const selectMaintenanceLive = db.prepare<[number], { record: string }>(
    'SELECT record FROM desk_maintenance WHERE ends_at IS NULL OR ends_at > ? ORDER BY started_at, id',
  );
  const insertSilence = db.prepare<[string, string | null, string | null, number, string]>(
    'INSERT OR REPLACE INTO desk_silences (id, check_name, system, until, silence) VALUES (?, ?, ?, ?, ?)',
  );
  const selectSilences = db.prepare<[number], { silence: string }>('SELECT silence FROM desk_silences WHERE until > ? ORDER BY rowid');
  const selectSilenced = db.prepare<[number, string, string], { hit: number }>(
    'SELECT 1 AS hit FROM desk_silences WHERE until > ? AND (check_name = ? OR system = ?) LIMIT 1',
  );
  const insertAudit = db.prepare<[number, string, string, string, string]>('INSERT INTO audit_log (at, user, address, action, target) VALUES (?, ?, ?, ?, ?)');
  const selectAudit = db.prepare<[number, number], AuditRow>(
    'SELECT at, user, address, action, target FROM audit_log WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?',
  );

  const decodeNote = (row: NoteRow): Note => ({
    ...deserialize<NoteFields>(row.fields),
    id: row.id,
    incidentId: row.incident_id,
    author: row.author,
    at: new Date(row.at),
    notify: row.notify === 1,
  });
  const decodePeople = (row: PeopleRow): PeopleIncidentRow => ({
    incident: deserialize<Incident>(row.incident),
    report: deserialize<PeopleReport>(row.report),
    ...(row.resolved_by === null ? {} : { resolvedBy: row.resolved_by }),
  });

  return {
    acknowledgement(incidentId) {
      const row = selectAck.get(incidentId);
      return row === undefined ? undefined : { by: row.by_user, at: new Date(row.at) };
    },
    acknowledge: (incidentId, { by, at }) => insertAck.run(incidentId, by, toEpochMs(at, 'acknowledgement at')).changes === 1,
    addNote(note) {
      const { incidentId, author, at, notify, ...fields } = note;
      const stored: NoteFields = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      const { lastInsertRowid } = insertNote.run(incidentId, author, toEpochMs(at, 'note at'), notify ? 1 : 0, serialize(stored));
      return { ...stored, id: Number(lastInsertRowid), incidentId, author, at, notify };
    },
    notes: (incidentId) => selectNotes.all(incidentId).map(decodeNote),
    savePeopleIncident({ incident, report, resolvedBy }) {
      upsertPeople.run(
        incident.id,
        toEpochMs(incident.openedAt, 'people incident openedAt'),
        incident.resolvedAt === undefined ? null : toEpochMs(incident.resolvedAt, 'people incident resolvedAt'),
        resolvedBy ?? null,
        serialize(report),
        serialize(incident),
      );
    },
    peopleIncident(id) {
      const row = selectPeople.get(id);
      return row === undefined ? undefined : decodePeople(row);
    },
    listPeopleIncidents({ openOnly, from, to }) {
      const rows = openOnly
        ? selectPeopleOpen.all()
        : selectPeopleBetween.all(toEpochMs(to, 'people incidents to'), from === undefined ? FAR_PAST : toEpochMs(from, 'from'));
      return rows.map(decodePeople);
    },
    saveMaintenance(record) {
      const end = record.endedAt ?? record.until;
      upsertMaintenance.run(
        record.id,
        toEpochMs(record.startedAt, 'maintenance startedAt'),
        end === undefined ? null : toEpochMs(end, 'maintenance end'),
        record.endedAt === undefined ? null : toEpochMs(record.endedAt, 'maintenance endedAt'),
        serialize(record),
      );
    },
    maintenance(id) {
      const row = selectMaintenance.get(id);
      return row === undefined ? undefined : deserialize<MaintenanceRecord>(row.record);
    },
    listMaintenance: (at) => selectMaintenanceLive.all(toEpochMs(at, 'maintenance at')).map((row) => deserialize<MaintenanceRecord>(row.record)),
    saveSilence(silence) {
      insertSilence.run(silence.id, silence.check ?? null, silence.system ?? null, toEpochMs(silence.until, 'silence until'), serialize(silence));
    },
    listSilences: (at) => selectSilences.all(toEpochMs(at, 'silences at')).map((row) => deserialize<Silence>(row.silence)),
    isSilenced: (check, system, at) => selectSilenced.get(toEpochMs(at, 'silenced at'), check, system) !== undefined,
    recordAudit(entry) {
      insertAudit.run(toEpochMs(entry.at, 'audit at'), entry.user, entry.address, entry.action, entry.target);
    },
    listAudit: ({ since, limit }) =>
      selectAudit.all(since === undefined ? FAR_PAST : toEpochMs(since, 'audit since'), limit).map((row) => ({
        at: new Date(row.at),
        user: row.user,
        address: row.address,
        action: row.action as AuditAction,
        target: row.target,
      })),
  };
}
