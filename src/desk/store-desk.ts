// The duty desk on the store: every act is written in ONE store.transaction with its audit entry
// and the mail it causes (an outbox row: durable, delivered exactly once), so a crash keeps all of
// it or none. Acknowledgements and silences take effect in the incident rules through the store
// (desk-lookup.ts); API maintenance windows through onMaintenanceChanged, which hands them to the
// rules as configured windows (state/desk-rules.ts).
//
// People-reported incidents live in a table of their own (store/desk-store.ts): they show in
// every list and thread their mails like probe incidents, but the incident rules, Alertmanager and
// the availability figures never see them. Their `check` is '' (no probe watches them).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { AlertingConfig } from '../config/alerting-config.ts';
import { renderDeskMail } from '../alerting/messages/desk-mail.ts';
import { enqueueOnNamedChannels } from '../alerting/named-queue.ts';
import type { Actor, AuditAction, MaintenanceRecord, NoteFields, Silence } from '../state/desk-records.ts';
import type { Incident } from '../state/incident.ts';
import type { DeskMail, Notification } from '../state/notification.ts';
import { ordinaryRecipients, routeKey } from '../state/recipients.ts';
import type { PeopleIncidentRow } from '../store/desk-store.ts';
import type { Store } from '../store/store.ts';
import type { Desk, DeskIncident, DeskResult } from './desk.ts';

export interface StoreDeskOptions {
  readonly store: Store;
  /** Stamps every record and audit entry. */
  readonly clock: Clock;
  /** The running alerting config (recipients, locale), read at each act. */
  readonly alerting: () => AlertingConfig;
  /** The prober's location label, for mail footers. */
  readonly location?: string;
  readonly systemNames?: Readonly<Record<string, string>>;
  /** After a commit that queued a mail (wakes the outbox). */
  readonly onQueued?: () => void;
  /** After an acknowledgement is committed (dvc_incident_acknowledge_seconds). */
  readonly onAcknowledged?: (incident: Incident, at: Date) => void;
  /** After a window was opened or closed through the desk: the rules must see the new set. */
  readonly onMaintenanceChanged?: () => void;
  /** After a silence was made (Alertmanager leaves its alerts out from now on). */
  readonly onSilenced?: () => void;
}

const AUDIT_LIMIT_DEFAULT = 100;
const AUDIT_LIMIT_MAX = 1000;

export function createStoreDesk(options: StoreDeskOptions): Desk {
  const { store, clock } = options;
  const records = store.desk;

  /** A probe incident, or (with its row) a people-reported one, with what people did to it. */
  const shown = (incident: Incident, people?: PeopleIncidentRow): DeskIncident => {
    const acknowledgement = records.acknowledgement(incident.id);
    return {
      incident,
      origin: people === undefined ? 'probe' : 'people',
      ...(people === undefined ? {} : { report: people.report }),
      ...(acknowledgement === undefined ? {} : { acknowledgement }),
      notes: records.notes(incident.id),
      ...(people?.resolvedBy === undefined ? {} : { resolvedBy: people.resolvedBy }),
    };
  };

  const find = (id: string): DeskIncident | undefined => {
    const probe = store.incidents.get(id);
    if (probe !== undefined) return shown(probe);
    const people = records.peopleIncident(id);
    return people === undefined ? undefined : shown(people.incident, people);
  };

  const audit = (action: AuditAction, actor: Actor, target: string, at: Date): void => {
    records.recordAudit({ at, user: actor.user, address: actor.address, action, target });
  };

  /** Queues the mail in the incident's thread; call inside the act's transaction. */
  const queueMail = (desk: DeskIncident, kind: DeskMail['kind'], user: string, at: Date, fields?: NoteFields): boolean => {
    const alerting = options.alerting();
    const { incident } = desk;
    const to = ordinaryRecipients(alerting, incident.check, incident.system, at);
    const mail = renderDeskMail(
      { kind, incident, ...(desk.report === undefined ? {} : { report: desk.report }), user, at, ...(fields === undefined ? {} : { fields }) },
      {
        locale: alerting.locale,
        ...(options.location === undefined ? {} : { location: options.location }),
        ...(options.systemNames === undefined ? {} : { systemNames: options.systemNames }),
      },
    );
    const notification: Notification = { type: 'desk', incident, riders: [], to, createdAt: at, desk: mail };
    // A route of its own: a desk mail goes alone and at once, never batched with another.
    if (to.length > 0) store.outbox.enqueue('email', notification, `desk:${uniqueSuffix()}:${routeKey(to)}`);
    // Webhooks whose routes take the incident follow it too (a ticketing system keeps the notes).
    const named = enqueueOnNamedChannels(store.outbox, alerting, notification);
    return to.length > 0 || named.length > 0;
  };

  const notFound = (what: string, id: string): DeskResult<never> => ({ ok: false, error: 'not_found', message: `no ${what} ${id}` });
  const conflict = (message: string): DeskResult<never> => ({ ok: false, error: 'conflict', message });

  /** Appends a note (with its audit entry, and its mail when asked) in one transaction. */
  const appendNote = (current: DeskIncident, actor: Actor, fields: NoteFields, notify: boolean) => {
    const id = current.incident.id;
    const at = clock();
    let queued = false;
    const note = store.transaction(() => {
      const added = records.addNote({ incidentId: id, author: actor.user, at, notify, ...fields });
      audit('note', actor, id, at);
      if (notify) queued = queueMail(current, 'note', actor.user, at, fields);
      return added;
    });
    if (queued) options.onQueued?.();
    return note;
  };

  return {
    listIncidents({ state, since }) {
      const now = clock();
      const to = new Date(now.getTime() + 1);
      const probes = state === 'open' ? store.incidents.loadOpen() : store.incidents.listBetween(since ?? new Date(0), to);
      const people = records.listPeopleIncidents(
        state === 'open' ? { openOnly: true, to } : { openOnly: false, to, ...(since === undefined ? {} : { from: since }) },
      );
      // Newest first: the desk works on what just happened.
      return [...probes.map((incident) => shown(incident)), ...people.map((row) => shown(row.incident, row))].sort(
        (a, b) => b.incident.openedAt.getTime() - a.incident.openedAt.getTime() || a.incident.id.localeCompare(b.incident.id),
      );
    },

    getIncident: find,

    acknowledge(id, actor, note) {
      const current = find(id);
      if (current === undefined) return notFound('incident', id);
      if (current.acknowledgement !== undefined) {
        // The first acknowledgement stands, but what the second one wrote is still its author's note.
        if (note === undefined || note.trim() === '') return { ok: true, value: current };
        appendNote(current, actor, { text: note }, true);
        return { ok: true, value: find(id)! };
      }
      if (current.incident.resolvedAt !== undefined) return conflict(`incident ${id} is resolved`);
      const at = clock();
      let queued = false;
      store.transaction(() => {
        records.acknowledge(id, { by: actor.user, at });
        const fields: NoteFields | undefined = note === undefined || note.trim() === '' ? undefined : { text: note };
        if (fields !== undefined) records.addNote({ incidentId: id, author: actor.user, at, notify: true, ...fields });
        audit('acknowledge', actor, id, at);
        queued = queueMail(current, 'acknowledged', actor.user, at, fields);
      });
      options.onAcknowledged?.(current.incident, at);
      if (queued) options.onQueued?.();
      return { ok: true, value: find(id)! };
    },

    addNote(id, actor, fields, notify) {
      const current = find(id);
      if (current === undefined) return notFound('incident', id);
      return { ok: true, value: appendNote(current, actor, fields, notify) };
    },

    openIncident(actor, input) {
      const at = clock();
      const id = freeId(`people-${at.getTime().toString(36)}`, (candidate) => records.peopleIncident(candidate) !== undefined);
      const incident: Incident = {
        id,
        check: '',
        system: input.system,
        severity: input.severity,
        openedAt: at,
        failingSince: at,
        firstMessage: input.title,
        lastMessage: input.title,
        probes: 0,
        failedProbes: 0,
        last: { at, status: input.severity, message: input.title, durationSeconds: 0, phases: {} },
        announced: true,
        lastNotifiedAt: at,
      };
      const report = { title: input.title, description: input.description, reportedBy: input.reportedBy, openedBy: actor.user };
      let queued = false;
      store.transaction(() => {
        records.savePeopleIncident({ incident, report });
        audit('open', actor, id, at);
        queued = queueMail({ incident, origin: 'people', report, notes: [] }, 'opened', actor.user, at);
      });
      if (queued) options.onQueued?.();
      return find(id)!;
    },

    resolve(id, actor, result) {
      const people = records.peopleIncident(id);
      if (people === undefined)
        return store.incidents.get(id) === undefined ? notFound('incident', id) : conflict(`incident ${id} was opened by a check and resolves itself`);
      if (people.incident.resolvedAt !== undefined) return conflict(`incident ${id} is already resolved`);
      const at = clock();
      const incident: Incident = { ...people.incident, resolvedAt: at, recoveredAt: at };
      const fields: NoteFields | undefined = result === undefined || result.trim() === '' ? undefined : { result };
      let queued = false;
      store.transaction(() => {
        records.savePeopleIncident({ incident, report: people.report, resolvedBy: actor.user });
        if (fields !== undefined) records.addNote({ incidentId: id, author: actor.user, at, notify: true, ...fields });
        audit('resolve', actor, id, at);
        queued = queueMail(shown(incident, { incident, report: people.report, resolvedBy: actor.user }), 'resolved', actor.user, at, fields);
      });
      if (queued) options.onQueued?.();
      return { ok: true, value: find(id)! };
    },

    startMaintenance(actor, input) {
      const at = clock();
      const id = freeId(`m-${at.getTime().toString(36)}`, (candidate) => records.maintenance(candidate) !== undefined);
      const record: MaintenanceRecord = {
        id,
        name: input.name ?? id,
        checks: [...(input.checks ?? [])],
        systems: [...(input.systems ?? [])],
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        startedAt: at,
        ...(input.until === undefined ? {} : { until: input.until }),
        startedBy: actor.user,
      };
      store.transaction(() => {
        records.saveMaintenance(record);
        audit('maintenance.start', actor, id, at);
      });
      options.onMaintenanceChanged?.();
      return record;
    },

    endMaintenance(id, actor) {
      const record = records.maintenance(id);
      if (record === undefined) return notFound('maintenance window', id);
      const at = clock();
      const over = record.endedAt ?? (record.until !== undefined && record.until <= at ? record.until : undefined);
      if (over !== undefined) return conflict(`maintenance window ${id} already ended`);
      const ended: MaintenanceRecord = { ...record, endedAt: at, endedBy: actor.user };
      store.transaction(() => {
        records.saveMaintenance(ended);
        audit('maintenance.end', actor, id, at);
      });
      options.onMaintenanceChanged?.();
      return { ok: true, value: ended };
    },

    listMaintenance: () => records.listMaintenance(clock()),

    silence(actor, input) {
      const at = clock();
      const silence: Silence = {
        id: `s-${at.getTime().toString(36)}-${uniqueSuffix()}`,
        ...(input.check === undefined ? {} : { check: input.check }),
        ...(input.system === undefined ? {} : { system: input.system }),
        until: input.until,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        createdBy: actor.user,
        createdAt: at,
      };
      store.transaction(() => {
        records.saveSilence(silence);
        audit('silence', actor, silence.id, at);
      });
      options.onSilenced?.();
      return silence;
    },

    listSilences: () => records.listSilences(clock()),

    listAudit({ since, limit }) {
      const rows = Math.min(Math.max(1, Math.floor(limit ?? AUDIT_LIMIT_DEFAULT)), AUDIT_LIMIT_MAX);
      return records.listAudit({ ...(since === undefined ? {} : { since }), limit: rows });
    },

    recordAudit(action, actor, target) {
      audit(action, actor, target, clock());
    },
  };
}

function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** `base`, or `base-2`, `base-3`… when taken (two acts within one millisecond). */
function freeId(base: string, taken: (id: string) => boolean): string {
  let id = base;
  for (let n = 2; taken(id); n += 1) id = `${base}-${n}`;
  return id;
}
