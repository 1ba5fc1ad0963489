// The escalation steps fired per incident (schema in migrations/005-escalation.ts), and when an
// incident's firing notification was queued. Rows only: checks/escalator.ts decides, and writes a
// step in one store.transaction with the outbox rows it queues.
import type Database from 'better-sqlite3';
import { toEpochMs } from './serialize.ts';

export interface EscalationStore {
  /** The `after` (seconds) of every step fired for this incident. */
  firedSteps(incidentId: string): Set<number>;
  /** False when the step was recorded already (the first stays). */
  recordStep(incidentId: string, afterSeconds: number, at: Date): boolean;
  /** When the incident's first firing notification was queued; undefined when none is in the outbox. */
  firingQueuedAt(incidentId: string): Date | undefined;
}

export function createEscalationStore(db: Database.Database): EscalationStore {
  const selectFired = db.prepare<[string], { after_seconds: number }>('SELECT after_seconds FROM escalation_steps WHERE incident_id = ?');
  const insertStep = db.prepare<[string, number, number]>(
    'INSERT INTO escalation_steps (incident_id, after_seconds, fired_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const selectFiring = db.prepare<[string], { at: number | null }>("SELECT min(created_at) AS at FROM outbox WHERE incident_id = ? AND type = 'firing'");
  return {
    firedSteps: (incidentId) => new Set(selectFired.all(incidentId).map((row) => row.after_seconds)),
    recordStep: (incidentId, afterSeconds, at) => insertStep.run(incidentId, afterSeconds, toEpochMs(at, 'escalation step time')).changes > 0,
    firingQueuedAt(incidentId) {
      const at = selectFiring.get(incidentId)?.at;
      return at === null || at === undefined ? undefined : new Date(at);
    },
  };
}
