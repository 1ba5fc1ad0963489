// An in-memory Desk for the route, page and CLI tests: keeps what it is told, in the shapes the
// real one returns, and records every call so tests can see what reached the desk.
import type { Desk, DeskIncident, DeskResult } from '../../src/desk/desk.ts';
import type { Actor, AuditEntry, MaintenanceRecord, Note, Silence } from '../../src/state/desk-records.ts';
import type { Incident } from '../../src/state/incident.ts';

export interface FakeDesk extends Desk {
  /** Every call as [method, actor?, ...arguments]. */
  readonly calls: unknown[][];
  addProbeIncident(id: string, overrides?: Partial<Incident>): void;
}

export function probeIncident(id: string, openedAt: Date, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    check: 'dvcqg-home',
    system: 'dvcqg',
    severity: 'critical',
    openedAt,
    firstMessage: 'HTTP 503',
    lastMessage: 'HTTP 503',
    lastReason: 'http_status',
    probes: 3,
    failedProbes: 3,
    last: { at: openedAt, status: 'critical', message: 'HTTP 503', durationSeconds: 0.2, phases: {}, httpStatus: 503 },
    announced: true,
    ...overrides,
  };
}

export function createFakeDesk(clock: () => Date): FakeDesk {
  const incidents = new Map<string, DeskIncident>();
  const maintenance = new Map<string, MaintenanceRecord>();
  const silences: Silence[] = [];
  const audit: AuditEntry[] = [];
  const calls: unknown[][] = [];
  let sequence = 0;

  const record = (action: AuditEntry['action'], actor: Actor, target: string): void => {
    audit.unshift({ at: clock(), user: actor.user, address: actor.address, action, target });
  };
  const missing = (id: string) => ({ ok: false as const, error: 'not_found' as const, message: `no incident ${id}` });

  const desk: FakeDesk = {
    calls,
    addProbeIncident(id, overrides = {}) {
      incidents.set(id, { incident: probeIncident(id, clock(), overrides), origin: 'probe', notes: [] });
    },
    listIncidents(query) {
      return [...incidents.values()].filter(
        (item) => (query.state === 'all' || item.incident.resolvedAt === undefined) && (query.since === undefined || item.incident.openedAt >= query.since),
      );
    },
    getIncident(id) {
      return incidents.get(id);
    },
    acknowledge(id, actor, note) {
      calls.push(['acknowledge', actor, id, note]);
      const item = incidents.get(id);
      if (item === undefined) return missing(id);
      if (item.acknowledgement !== undefined) return { ok: true, value: item };
      const next: DeskIncident = { ...item, acknowledgement: { by: actor.user, at: clock() } };
      incidents.set(id, next);
      record('acknowledge', actor, id);
      if (note !== undefined) return desk.addNote(id, actor, { text: note }, false).ok ? { ok: true, value: incidents.get(id)! } : missing(id);
      return { ok: true, value: next };
    },
    addNote(id, actor, fields, notify): DeskResult<Note> {
      calls.push(['addNote', actor, id, fields, notify]);
      const item = incidents.get(id);
      if (item === undefined) return missing(id);
      const note: Note = { ...fields, id: ++sequence, incidentId: id, author: actor.user, at: clock(), notify };
      incidents.set(id, { ...item, notes: [...item.notes, note] });
      record('note', actor, id);
      return { ok: true, value: note };
    },
    openIncident(actor, input) {
      calls.push(['openIncident', actor, input]);
      const id = `people-${++sequence}`;
      const item: DeskIncident = {
        incident: probeIncident(id, clock(), {
          check: `people:${input.system}`,
          system: input.system,
          severity: input.severity,
          firstMessage: input.title,
          lastMessage: input.title,
        }),
        origin: 'people',
        report: { title: input.title, description: input.description, reportedBy: input.reportedBy, openedBy: actor.user },
        notes: [],
      };
      incidents.set(id, item);
      record('open', actor, id);
      return item;
    },
    resolve(id, actor, result) {
      calls.push(['resolve', actor, id, result]);
      const item = incidents.get(id);
      if (item === undefined) return missing(id);
      if (item.origin !== 'people' || item.incident.resolvedAt !== undefined)
        return { ok: false, error: 'conflict', message: 'only open people-reported incidents are resolved by hand' };
      const notes =
        result === undefined ? item.notes : [...item.notes, { id: ++sequence, incidentId: id, author: actor.user, at: clock(), notify: false, result }];
      const next: DeskIncident = { ...item, incident: { ...item.incident, resolvedAt: clock() }, notes, resolvedBy: actor.user };
      incidents.set(id, next);
      record('resolve', actor, id);
      return { ok: true, value: next };
    },
    startMaintenance(actor, input) {
      calls.push(['startMaintenance', actor, input]);
      const id = `m${++sequence}`;
      const window: MaintenanceRecord = {
        id,
        name: input.name ?? id,
        checks: input.checks ?? [],
        systems: input.systems ?? [],
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(input.until === undefined ? {} : { until: input.until }),
        startedAt: clock(),
        startedBy: actor.user,
      };
      maintenance.set(id, window);
      record('maintenance.start', actor, id);
      return window;
    },
    endMaintenance(id, actor) {
      calls.push(['endMaintenance', actor, id]);
      const window = maintenance.get(id);
      if (window === undefined) return { ok: false, error: 'not_found', message: `no maintenance ${id}` };
      const ended: MaintenanceRecord = { ...window, endedAt: clock(), endedBy: actor.user };
      maintenance.set(id, ended);
      record('maintenance.end', actor, id);
      return { ok: true, value: ended };
    },
    listMaintenance() {
      return [...maintenance.values()];
    },
    silence(actor, input) {
      calls.push(['silence', actor, input]);
      const silence: Silence = { ...input, id: `s${++sequence}`, createdBy: actor.user, createdAt: clock() };
      silences.push(silence);
      record('silence', actor, silence.id);
      return silence;
    },
    listSilences() {
      return silences;
    },
    listAudit(query) {
      return audit.filter((entry) => query.since === undefined || entry.at >= query.since).slice(0, query.limit ?? audit.length);
    },
    recordAudit(action, actor, target) {
      record(action, actor, target);
    },
  };
  return desk;
}
