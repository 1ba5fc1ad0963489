// The resolved `roster:` and `alerting.escalation`, and the rules that span their fields: an
// organisation named must exist, shifts must not overlap or be empty, and every target an
// escalation step names must be an address, a named channel, `onDuty` or an organisation.
import type { PathIssue } from './translate-zod-issues.ts';
import { WEEKDAYS, type EscalationInput, type RosterInput } from './roster-schema.ts';

/** How a person or a focal point is reached, per channel. */
export interface RosterContact {
  readonly name: string;
  readonly email?: string;
  /** Zalo chat id. */
  readonly zalo?: string;
  readonly phone?: string;
}

export interface RosterPerson extends RosterContact {
  readonly organisation?: string;
}

export interface Organisation {
  readonly name: string;
  readonly focalPoints: readonly RosterContact[];
}

/** A shift in Asia/Ho_Chi_Minh local time; `toMinute` ≤ `fromMinute` = it ends the next day. */
export interface Shift {
  readonly name: string;
  /** Days it starts on (0 = Monday). */
  readonly days: readonly number[];
  readonly fromMinute: number;
  readonly toMinute: number;
  readonly people: readonly RosterPerson[];
}

export interface Roster {
  readonly organisations: readonly Organisation[];
  readonly shifts: readonly Shift[];
}

/** The target an escalation step or a route names for the people of the shift at firing time. */
export const ON_DUTY = 'onDuty';

export interface EscalationStep {
  readonly afterSeconds: number;
  /** Addresses, named channels, `onDuty`, organisation names, as written. */
  readonly notify: readonly string[];
  readonly unless: 'acknowledged' | 'none';
}

export const EMPTY_ROSTER: Roster = { organisations: [], shifts: [] };

const minuteOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export function resolveRoster(input: RosterInput | undefined): Roster {
  return {
    organisations: (input?.organisations ?? []).map((organisation) => ({ name: organisation.name, focalPoints: organisation.focalPoints ?? [] })),
    shifts: (input?.shifts ?? []).map((shift) => ({
      name: shift.name,
      days: shift.days === undefined ? [0, 1, 2, 3, 4, 5, 6] : [...new Set(shift.days.map((day) => WEEKDAYS.indexOf(day)))].sort(),
      fromMinute: minuteOf(shift.from),
      toMinute: minuteOf(shift.to),
      people: shift.people,
    })),
  };
}

export function resolveEscalation(input: EscalationInput | undefined): EscalationStep[] {
  return (input ?? [])
    .map((step) => ({ afterSeconds: step.after, notify: step.notify, unless: step.unless ?? 'acknowledged' }))
    .sort((a, b) => a.afterSeconds - b.afterSeconds);
}

/** Is this target an e-mail address (as opposed to a channel, `onDuty` or an organisation)? */
export function isAddressTarget(target: string): boolean {
  return /^[^\s@<>]+@[^\s@<>]+$/.test(target);
}

/**
 * The names of the named channels some escalation step names. A channel in this set that no
 * route names receives only its escalations, not every notification.
 */
export function escalationOnlyCandidates(alerting: {
  readonly escalation?: readonly EscalationStep[];
  readonly webhooks: readonly { readonly name: string }[];
  readonly zalo: readonly { readonly name: string }[];
  readonly sms: readonly { readonly name: string }[];
}): ReadonlySet<string> {
  const channels = new Set([...alerting.webhooks, ...alerting.zalo, ...alerting.sms].map((channel) => channel.name));
  return new Set((alerting.escalation ?? []).flatMap((step) => step.notify).filter((target) => channels.has(target)));
}

const WEEK_MINUTES = 7 * 24 * 60;

/** The minutes of the week (0 = Monday 00:00) a shift covers. */
function shiftMinutes(shift: Shift): number[] {
  const length = (shift.toMinute - shift.fromMinute + 1440) % 1440;
  return shift.days.flatMap((day) => Array.from({ length }, (_, offset) => (day * 1440 + shift.fromMinute + offset) % WEEK_MINUTES));
}

export function findRosterIssues(
  input: {
    readonly roster?: RosterInput;
    readonly alerting?: { readonly escalation?: EscalationInput; readonly email?: { readonly routes?: readonly { readonly to: readonly string[] }[] } };
  },
  roster: Roster,
  channels: readonly { readonly name: string }[],
): PathIssue[] {
  const issues: PathIssue[] = [];
  const organisations = new Set(roster.organisations.map((organisation) => organisation.name));
  const shifts = input.roster?.shifts;
  if (shifts !== undefined && shifts.length === 0)
    issues.push({ path: ['roster', 'shifts'], at: 'value', message: 'the roster has no shift; list at least one, or leave shifts out' });
  const owner = new Int32Array(WEEK_MINUTES).fill(-1);
  roster.shifts.forEach((shift, index) => {
    if (shift.fromMinute === shift.toMinute) {
      issues.push({ path: ['roster', 'shifts', index, 'to'], at: 'value', message: 'the shift is empty: it ends when it starts' });
      return;
    }
    const clash = shiftMinutes(shift).find((minute) => owner[minute] !== -1);
    if (clash !== undefined) {
      const other = roster.shifts[owner[clash]!]!;
      const when = `${WEEKDAYS[Math.floor(clash / 1440)]} ${String(Math.floor((clash % 1440) / 60)).padStart(2, '0')}:${String(clash % 60).padStart(2, '0')}`;
      issues.push({
        path: ['roster', 'shifts', index, 'from'],
        at: 'value',
        message: `the shift overlaps shift "${other.name}" (both cover ${when}, Asia/Ho_Chi_Minh)`,
      });
      return;
    }
    for (const minute of shiftMinutes(shift)) owner[minute] = index;
    shift.people.forEach((person, position) => {
      if (person.organisation !== undefined && !organisations.has(person.organisation))
        issues.push({
          path: ['roster', 'shifts', index, 'people', position, 'organisation'],
          at: 'value',
          message: unknownOrganisation(person.organisation, organisations),
        });
    });
  });
  const channelNames = new Set(channels.map((channel) => channel.name));
  (input.alerting?.email?.routes ?? []).forEach((route, index) => {
    route.to.forEach((target, position) => {
      if (isAddressTarget(target) || organisations.has(target)) return;
      const path = ['alerting', 'email', 'routes', index, 'to', position];
      if (target === ON_DUTY) {
        if (roster.shifts.length === 0) issues.push({ path, at: 'value', message: 'onDuty needs a roster with shifts' });
        return;
      }
      issues.push({ path, at: 'value', message: `"${target}" is no e-mail address, onDuty or organisation of the roster` });
    });
  });
  const afters = new Set<number>();
  (input.alerting?.escalation ?? []).forEach((step, index) => {
    // A step is known by its `after` (which steps fired is stored by it), so two cannot share one.
    if (afters.has(step.after))
      issues.push({
        path: ['alerting', 'escalation', index, 'after'],
        at: 'value',
        message: `another step has after ${formatAfter(step.after)} already; merge their notify lists`,
      });
    afters.add(step.after);
    step.notify.forEach((target, position) => {
      const path = ['alerting', 'escalation', index, 'notify', position];
      if (isAddressTarget(target) || channelNames.has(target) || organisations.has(target)) return;
      if (target === ON_DUTY) {
        if (roster.shifts.length === 0) issues.push({ path, at: 'value', message: 'onDuty needs a roster with shifts' });
        return;
      }
      issues.push({ path, at: 'value', message: `"${target}" is no e-mail address, named channel, onDuty or organisation of the roster` });
    });
  });
  return issues;
}

function formatAfter(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function unknownOrganisation(name: string, known: ReadonlySet<string>): string {
  return known.size === 0
    ? `unknown organisation "${name}"; list it under roster.organisations`
    : `unknown organisation "${name}"; roster.organisations has ${[...known].map((each) => `"${each}"`).join(', ')}`;
}
