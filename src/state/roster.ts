// Who is on duty at an instant: the shift of the roster whose local hours (Asia/Ho_Chi_Minh, on the
// days it starts) cover it, whatever the machine's own time zone. A night shift that starts on
// Friday at 22:00 covers Saturday until its end. Pure.
import type { Organisation, Roster, RosterContact, RosterPerson, Shift } from '../config/roster-config.ts';
import { toWallClock } from '../time-zone.ts';

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;

/** Minutes since Monday 00:00, Vietnam time. */
function minuteOfWeek(at: Date): number {
  const wall = toWallClock(at);
  // getUTCDay of the wall date: 0 = Sunday; turned into 0 = Monday.
  const weekday = (new Date(Date.UTC(Number(wall.year), Number(wall.month) - 1, Number(wall.day))).getUTCDay() + 6) % 7;
  return weekday * DAY_MINUTES + Number(wall.hour) * 60 + Number(wall.minute);
}

/** The shift on duty at `at`, if any (config validation keeps shifts from overlapping). */
export function shiftAt(roster: Roster | undefined, at: Date): Shift | undefined {
  if (roster === undefined) return undefined;
  const now = minuteOfWeek(at);
  return roster.shifts.find((shift) => {
    const length = (shift.toMinute - shift.fromMinute + DAY_MINUTES) % DAY_MINUTES;
    return shift.days.some((day) => (now - (day * DAY_MINUTES + shift.fromMinute) + WEEK_MINUTES) % WEEK_MINUTES < length);
  });
}

/** The people on duty at `at`; empty when no shift covers it. */
export function onDutyAt(roster: Roster | undefined, at: Date): readonly RosterPerson[] {
  return shiftAt(roster, at)?.people ?? [];
}

/** Whom to reach at an organisation: its focal points, and its people on duty at `at`. */
export function organisationContacts(roster: Roster | undefined, organisation: string, at: Date): readonly RosterContact[] {
  const focal = roster?.organisations.find((each) => each.name === organisation)?.focalPoints ?? [];
  return [...focal, ...onDutyAt(roster, at).filter((person) => person.organisation === organisation)];
}

/** The organisations that have focal points to call, in config order. */
export function focalOrganisations(roster: Roster | undefined): readonly Organisation[] {
  return (roster?.organisations ?? []).filter((organisation) => organisation.focalPoints.length > 0);
}

/** What a reader is shown: the shift on duty and the focal points to call, one line each, plain text. */
export interface DutyLines {
  readonly onDuty: string;
  /** "Công an tỉnh PC06: Trực ban PC06 (+84296111222)", per organisation with focal points. */
  readonly focalPoints: readonly string[];
}

/** The words it needs (text/ RosterWords has them; named here so state does not import text). */
interface DutyWords {
  readonly nobodyOnDuty: string;
  readonly shift: (shift: string, people: string) => string;
}

/** Undefined without a roster (nothing configured, nothing to show). */
export function describeDuty(roster: Roster | undefined, at: Date, words: DutyWords): DutyLines | undefined {
  if (roster === undefined || (roster.shifts.length === 0 && roster.organisations.length === 0)) return undefined;
  const shift = shiftAt(roster, at);
  const person = (contact: RosterPerson): string =>
    [contact.name, contact.organisation === undefined ? '' : ` (${contact.organisation})`, contact.phone === undefined ? '' : ` · ${contact.phone}`].join('');
  return {
    onDuty: shift === undefined ? words.nobodyOnDuty : words.shift(shift.name, shift.people.map(person).join(', ')),
    focalPoints: focalOrganisations(roster).map(
      (organisation) =>
        `${organisation.name}: ${organisation.focalPoints.map((contact) => `${contact.name}${contact.phone === undefined ? '' : ` · ${contact.phone}`}`).join(', ')}`,
    ),
  };
}
