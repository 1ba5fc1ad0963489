// Escalation: which steps of `alerting.escalation` are due for an incident, and whom a step tells.
// A step is due `after` its incident's firing notification was queued, while the incident is open
// and (unless the step says `unless: none`) not acknowledged. A step is known by its `after`, so a
// reload that adds or removes steps never fires again one that has fired. Pure: the store records
// which steps fired (store/escalation-store.ts), the book's tick asks (checks/escalator.ts).
import { ON_DUTY, isAddressTarget, type EscalationStep, type Roster, type RosterContact } from '../config/roster-config.ts';
import { normalizeAddresses } from './recipients.ts';
import { organisationContacts, onDutyAt } from './roster.ts';

export interface DueStepsInput {
  readonly steps: readonly EscalationStep[];
  /** When the incident's firing notification was queued; undefined = never (held, or silenced). */
  readonly firingAt: Date | undefined;
  readonly now: Date;
  /** The `after` (seconds) of the steps already fired for this incident. */
  readonly fired: ReadonlySet<number>;
  readonly acknowledged: boolean;
}

/** The steps due now and not yet fired, in order. */
export function dueSteps(input: DueStepsInput): EscalationStep[] {
  const { firingAt, now } = input;
  if (firingAt === undefined) return [];
  const elapsedMs = now.getTime() - firingAt.getTime();
  return input.steps.filter(
    (step) => !input.fired.has(step.afterSeconds) && elapsedMs >= step.afterSeconds * 1000 && !(step.unless === 'acknowledged' && input.acknowledged),
  );
}

/** A named channel as the escalation sees it: its name and which addresses of a person it reads. */
export interface EscalationChannel {
  readonly name: string;
  readonly kind: 'webhook' | 'zalo' | 'sms';
}

/** Who a step tells: mail addresses, and per named channel the extra targets (plus its own when named itself). */
export interface EscalationTargets {
  readonly emails: readonly string[];
  readonly channels: readonly { readonly channel: string; readonly to: readonly string[]; readonly defaults: boolean }[];
}

/**
 * Resolves a step's `notify` at `at`: an address is mailed; a named channel sends to its own
 * targets; `onDuty` and an organisation reach their people by mail, by the first Zalo channel (their
 * chat id) and by the first SMS channel (their phone).
 */
export function escalationTargets(notify: readonly string[], roster: Roster | undefined, channels: readonly EscalationChannel[], at: Date): EscalationTargets {
  const emails: string[] = [];
  const perChannel = new Map<string, { to: string[]; defaults: boolean }>();
  const entry = (channel: string): { to: string[]; defaults: boolean } => {
    let found = perChannel.get(channel);
    if (found === undefined) perChannel.set(channel, (found = { to: [], defaults: false }));
    return found;
  };
  const zalo = channels.find((channel) => channel.kind === 'zalo');
  const sms = channels.find((channel) => channel.kind === 'sms');
  const reach = (people: readonly RosterContact[]): void => {
    for (const person of people) {
      if (person.email !== undefined) emails.push(person.email);
      if (person.zalo !== undefined && zalo !== undefined) entry(zalo.name).to.push(person.zalo);
      if (person.phone !== undefined && sms !== undefined) entry(sms.name).to.push(person.phone);
    }
  };
  for (const target of notify) {
    if (isAddressTarget(target)) emails.push(target);
    else if (channels.some((channel) => channel.name === target)) entry(target).defaults = true;
    else if (target === ON_DUTY) reach(onDutyAt(roster, at));
    else reach(organisationContacts(roster, target, at));
  }
  return {
    emails: normalizeAddresses(emails),
    channels: [...perChannel].map(([channel, { to, defaults }]) => ({ channel, to: [...new Set(to)].sort(), defaults })),
  };
}
