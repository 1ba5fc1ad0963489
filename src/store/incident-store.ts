// Incidents, open and past. The whole Incident is one JSON column (Dates round-trip through
// serialize.ts); the fields that queries select on (check, times, down time's bounds, the holding
// parent incident) are copied into indexed columns on every upsert.
import type Database from 'better-sqlite3';
import type { Hold, Incident } from '../state/incident.ts';
import { holdKey } from '../state/incidents.ts';
import { deserialize, serialize, toEpochMs } from './serialize.ts';

export interface IncidentStore {
  /** Incidents without resolvedAt, oldest first. */
  loadOpen(): Incident[];
  /** Inserts or replaces the incident with this id. */
  upsert(incident: Incident): void;
  get(id: string): Incident | undefined;
  /**
   * Incidents that overlap [from, to): opened before `to` and not resolved by `from` (still open
   * counts as not resolved). Ordered by openedAt.
   */
  listBetween(from: Date, to: Date): Incident[];
  /**
   * Resolved incidents that a parent hold tied to this incident, now or before the hold ended.
   * A child held by several parent incidents in turn is listed under the latest one.
   */
  resolvedChildrenOf(parentIncidentId: string): Incident[];
  /**
   * Resolved incidents whose hold is still in force: ended under that holder and not yet
   * mentioned in its closing mail. Key as holdKey: the parent's incident id, 'vantage', or the
   * maintenance window's name.
   */
  resolvedHeldBy(by: Hold['by'], key: string): Incident[];
}

interface IncidentRow {
  readonly incident: string;
}

export function createIncidentStore(db: Database.Database): IncidentStore {
  const upsert = db.prepare<{
    id: string;
    check: string;
    system: string;
    severity: string;
    openedAt: number;
    resolvedAt: number | null;
    downFrom: number;
    downTo: number | null;
    holder: string | null;
    holdBy: string | null;
    holdKey: string | null;
    incident: string;
  }>(
    `INSERT INTO incidents (id, check_name, system, severity, opened_at, resolved_at, down_from, down_to, holder_incident_id, hold_by, hold_key, incident)
     VALUES (@id, @check, @system, @severity, @openedAt, @resolvedAt, @downFrom, @downTo, @holder, @holdBy, @holdKey, @incident)
     ON CONFLICT (id) DO UPDATE SET
       check_name = excluded.check_name, system = excluded.system, severity = excluded.severity,
       opened_at = excluded.opened_at, resolved_at = excluded.resolved_at, down_from = excluded.down_from, down_to = excluded.down_to,
       holder_incident_id = coalesce(excluded.holder_incident_id, incidents.holder_incident_id),
       hold_by = excluded.hold_by, hold_key = excluded.hold_key,
       incident = excluded.incident`,
  );
  const selectOpen = db.prepare<[], IncidentRow>('SELECT incident FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at, id');
  const selectOne = db.prepare<[string], IncidentRow>('SELECT incident FROM incidents WHERE id = ?');
  const selectBetween = db.prepare<[number, number], IncidentRow>(
    `SELECT incident FROM incidents
     WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at > ?)
     ORDER BY opened_at, id`,
  );
  const selectResolvedChildren = db.prepare<[string], IncidentRow>(
    `SELECT incident FROM incidents
     WHERE holder_incident_id = ? AND resolved_at IS NOT NULL
     ORDER BY opened_at, id`,
  );
  const selectResolvedHeld = db.prepare<[string, string], IncidentRow>(
    `SELECT incident FROM incidents
     WHERE hold_by = ? AND hold_key = ? AND resolved_at IS NOT NULL
     ORDER BY opened_at, id`,
  );
  const decode = (row: IncidentRow): Incident => deserialize<Incident>(row.incident);

  return {
    loadOpen: () => selectOpen.all().map(decode),
    upsert(incident) {
      upsert.run({
        id: incident.id,
        check: incident.check,
        system: incident.system,
        severity: incident.severity,
        openedAt: toEpochMs(incident.openedAt, `incident ${incident.id} openedAt`),
        resolvedAt: incident.resolvedAt === undefined ? null : toEpochMs(incident.resolvedAt, `incident ${incident.id} resolvedAt`),
        // Down time's bounds (Incident.failingSince, recoveredAt), with their documented fallbacks.
        downFrom: toEpochMs(incident.failingSince ?? incident.openedAt, `incident ${incident.id} failingSince`),
        downTo: endOfDownTime(incident),
        holder: incident.hold?.by === 'parent' ? (incident.hold.incidentId ?? null) : null,
        holdBy: incident.hold?.by ?? null,
        holdKey: incident.hold === undefined ? null : holdKey(incident.hold),
        incident: serialize(incident),
      });
    },
    get(id) {
      const row = selectOne.get(id);
      return row === undefined ? undefined : decode(row);
    },
    listBetween(from, to) {
      return selectBetween.all(toEpochMs(to, 'listBetween to'), toEpochMs(from, 'listBetween from')).map(decode);
    },
    resolvedChildrenOf: (parentIncidentId) => selectResolvedChildren.all(parentIncidentId).map(decode),
    resolvedHeldBy: (by, key) => selectResolvedHeld.all(by, key).map(decode),
  };
}

function endOfDownTime(incident: Incident): number | null {
  const end = incident.recoveredAt ?? incident.resolvedAt;
  return end === undefined ? null : toEpochMs(end, `incident ${incident.id} recoveredAt`);
}
