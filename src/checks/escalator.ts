// Fires the escalation steps due for the open incidents, once a second from the incident book's
// tick. Each fired step is recorded in the SAME transaction as the outbox rows it queues, so a
// crash either keeps both or neither: a restart never repeats a step and never loses one. The rules
// are pure (state/escalation.ts); this module feeds them and persists what they decide.
import type { Logger } from 'pino';
import { deliveriesTo, defaultTargets } from '../state/channel-routes.ts';
import { namedChannels, type AlertingConfig } from '../config/alerting-config.ts';
import type { DeskLookup } from '../state/desk-rules.ts';
import { dueSteps, escalationTargets } from '../state/escalation.ts';
import type { Incident } from '../state/incident.ts';
import type { Notification } from '../state/notification.ts';
import { routeKey } from '../state/recipients.ts';
import type { Store } from '../store/store.ts';

export interface Escalator {
  /**
   * Fires what is due among `open` at `now` (rule time: `after` is a wait, counted on the same
   * clock that stamped the firing); `wall` is the wall clock for who is on duty and silences,
   * default `now`. Returns the notifications it queued (committed).
   */
  tick(now: Date, open: readonly Incident[], alerting: AlertingConfig, wall?: Date): readonly Notification[];
}

export interface EscalatorOptions {
  readonly store: Pick<Store, 'transaction' | 'outbox' | 'escalation'>;
  readonly log: Logger;
  readonly desk?: DeskLookup;
}

export function createEscalator(options: EscalatorOptions): Escalator {
  const { store, log, desk } = options;
  // Both only grow while an incident is open; read from the store once per incident, then kept.
  const firingAt = new Map<string, Date | undefined>();
  const fired = new Map<string, Set<number>>();

  const firingOf = (incident: Incident, now: Date): Date | undefined => {
    if (!firingAt.has(incident.id)) {
      // The firing row commits with `announced`; one pruned from the outbox counts from the opening.
      const stored = store.escalation.firingQueuedAt(incident.id) ?? incident.openedAt;
      // Later than now: stamped by an earlier run whose clock was ahead; counted from this first look instead.
      firingAt.set(incident.id, stored.getTime() > now.getTime() ? now : stored);
    }
    return firingAt.get(incident.id);
  };
  const firedOf = (incident: Incident): Set<number> => {
    let steps = fired.get(incident.id);
    if (steps === undefined) fired.set(incident.id, (steps = store.escalation.firedSteps(incident.id)));
    return steps;
  };

  return {
    tick(now, open, alerting, wall = now) {
      const steps = alerting.escalation ?? [];
      const openIds = new Set(open.map((incident) => incident.id));
      for (const id of [...fired.keys(), ...firingAt.keys()]) {
        if (!openIds.has(id)) {
          fired.delete(id);
          firingAt.delete(id);
        }
      }
      if (steps.length === 0) return [];
      const queued: Notification[] = [];
      for (const incident of open) {
        if (!incident.announced || incident.hold !== undefined || incident.recoveringSince !== undefined) continue;
        const input = { steps, firingAt: firingOf(incident, now), now, fired: firedOf(incident) };
        // The desk is asked only when a step is due: most ticks have none.
        if (dueSteps({ ...input, acknowledged: false }).length === 0) continue;
        if (desk?.silenced(incident.check, incident.system, wall) === true) continue;
        const due = dueSteps({ ...input, acknowledged: desk?.acknowledged(incident.id) === true });
        for (const step of due) {
          const targets = escalationTargets(step.notify, alerting.roster, namedChannels(alerting), wall);
          const base = { type: 'reminder', incident, riders: [], createdAt: now, escalation: { afterSeconds: step.afterSeconds } } as const;
          const rows: { channel: string; notification: Notification; route: string }[] = [];
          if (targets.emails.length > 0) {
            rows.push({
              channel: 'email',
              notification: { ...base, to: targets.emails },
              route: `escalation:${incident.id}:${step.afterSeconds}:${routeKey(targets.emails)}`,
            });
          }
          for (const each of targets.channels) {
            const channel = namedChannels(alerting).find((candidate) => candidate.name === each.channel);
            if (channel === undefined) continue;
            // The step's own targets, and the channel's when the step names the channel itself.
            for (const delivery of deliveriesTo(channel, [...each.to, ...(each.defaults ? defaultTargets(channel) : [])])) {
              rows.push({
                channel: delivery.channel,
                notification: { ...base, to: delivery.targets, targets: each },
                route: `escalation:${incident.id}:${step.afterSeconds}:${delivery.route}`,
              });
            }
          }
          const recorded = store.transaction(() => {
            if (!store.escalation.recordStep(incident.id, step.afterSeconds, now)) return false;
            for (const row of rows) store.outbox.enqueue(row.channel, row.notification, row.route);
            return true;
          });
          input.fired.add(step.afterSeconds);
          if (!recorded) continue;
          queued.push(...rows.map((row) => row.notification));
          const fields = {
            incident: incident.id,
            check: incident.check,
            afterSeconds: step.afterSeconds,
            emails: targets.emails.length,
            channels: targets.channels.map((each) => each.channel),
          };
          if (rows.length === 0) log.warn(fields, 'escalation step due but it names nobody reachable now (no one on duty?)');
          else log.info(fields, 'incident escalated');
        }
      }
      return queued;
    },
  };
}
