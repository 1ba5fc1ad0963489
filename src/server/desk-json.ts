// The desk's records as the operations API serves them: ISO-8601 times, the contract's field names
// (id, check, system, state, startedAt, acknowledgedBy, acknowledgedAt, notes with author and at),
// and every person's name left out (null) for anonymous viewers when access.hideNames is set.
import type { DeskIncident } from '../desk/desk.ts';
import type { AuditEntry, MaintenanceRecord, Note, Silence } from '../state/desk-records.ts';
import { NO_STORE, JSON_CONTENT_TYPE, type TextResponse } from './routes-common.ts';

function iso(date: Date | undefined): string | null {
  return date === undefined ? null : date.toISOString();
}

function name(value: string | undefined, hideNames: boolean): string | null {
  return value === undefined || hideNames ? null : value;
}

export function noteJson(note: Note, hideNames: boolean): Record<string, unknown> {
  return {
    id: note.id,
    author: name(note.author, hideNames),
    at: iso(note.at),
    ...(note.cause === undefined ? {} : { cause: note.cause }),
    ...(note.plan === undefined ? {} : { plan: note.plan }),
    ...(note.expectedFixAt === undefined ? {} : { expectedFixAt: iso(note.expectedFixAt) }),
    ...(note.result === undefined ? {} : { result: note.result }),
    ...(note.text === undefined ? {} : { text: note.text }),
    notify: note.notify,
  };
}

export function incidentJson(item: DeskIncident, hideNames: boolean): Record<string, unknown> {
  const { incident, report, acknowledgement } = item;
  return {
    id: incident.id,
    check: incident.check,
    system: incident.system,
    severity: incident.severity,
    state: incident.resolvedAt === undefined ? 'open' : 'resolved',
    origin: item.origin,
    startedAt: iso(incident.openedAt),
    endedAt: iso(incident.resolvedAt),
    ...(report === undefined
      ? { reason: incident.lastReason ?? null, message: incident.lastMessage }
      : {
          title: report.title,
          description: report.description,
          reportedBy: name(report.reportedBy, hideNames),
          openedBy: name(report.openedBy, hideNames),
        }),
    acknowledgedBy: name(acknowledgement?.by, hideNames),
    acknowledgedAt: iso(acknowledgement?.at),
    ...(item.resolvedBy === undefined ? {} : { resolvedBy: name(item.resolvedBy, hideNames) }),
    notes: item.notes.map((note) => noteJson(note, hideNames)),
  };
}

export function maintenanceJson(record: MaintenanceRecord, hideNames = false): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    checks: record.checks,
    systems: record.systems,
    reason: record.reason ?? null,
    startedAt: iso(record.startedAt),
    until: iso(record.until),
    endedAt: iso(record.endedAt),
    startedBy: name(record.startedBy, hideNames),
    endedBy: name(record.endedBy, hideNames),
  };
}

export function silenceJson(silence: Silence, hideNames = false): Record<string, unknown> {
  return {
    id: silence.id,
    check: silence.check ?? null,
    system: silence.system ?? null,
    until: iso(silence.until),
    reason: silence.reason ?? null,
    createdBy: name(silence.createdBy, hideNames),
    createdAt: iso(silence.createdAt),
  };
}

export function auditJson(entry: AuditEntry): Record<string, unknown> {
  return { at: iso(entry.at), user: entry.user, address: entry.address, action: entry.action, target: entry.target };
}

// "<", ">" and "&" as \u escapes: the same JSON to a parser, and no markup for a browser or a
// careless viewer to act on, whatever a person typed into a note.
const UNSAFE_IN_HTML = /[<>&]/g;

/** A JSON response whose text carries no HTML metacharacters and is never sniffed as anything else. */
export function deskJson(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): TextResponse {
  const body = (JSON.stringify(value) ?? 'null').replace(UNSAFE_IN_HTML, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { status, contentType: JSON_CONTENT_TYPE, body: `${body}\n`, headers: { ...NO_STORE, 'x-content-type-options': 'nosniff', ...headers } };
}
