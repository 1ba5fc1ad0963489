// Who is on duty, in Vietnam time whatever the machine's zone: shift boundaries, a night shift
// across midnight (and across the week's end), weekday lists, and an organisation's contacts.
import { describe, expect, it } from 'vitest';
import { resolveRoster } from '../../src/config/roster-config.ts';
import { escalationTargets } from '../../src/state/escalation.ts';
import { focalOrganisations, onDutyAt, organisationContacts, shiftAt } from '../../src/state/roster.ts';

const ROSTER = resolveRoster({
  organisations: [
    { name: 'Sở KH&CN', focalPoints: [{ name: 'Chánh văn phòng', email: 'cvp@skhcn.angiang.gov.vn', phone: '+84296000001' }] },
    { name: 'VNPT', focalPoints: [{ name: 'NOC VNPT An Giang', email: 'noc@vnpt.vn', zalo: 'zl-noc' }] },
    { name: 'MobiFone' },
  ],
  shifts: [
    {
      name: 'ngày',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '07:30',
      to: '17:00',
      people: [{ name: 'Nguyễn Văn An', organisation: 'Sở KH&CN', email: 'an@skhcn.angiang.gov.vn', zalo: 'zl-an' }],
    },
    { name: 'cuối tuần', days: ['sat', 'sun'], from: '07:30', to: '17:00', people: [{ name: 'Lê Thị Bình', organisation: 'VNPT', phone: '+84912000002' }] },
    { name: 'đêm', from: '17:00', to: '07:30', people: [{ name: 'Trần Văn Cường', organisation: 'Sở KH&CN', email: 'cuong@skhcn.angiang.gov.vn' }] },
  ],
});

const shiftNameAt = (iso: string): string | undefined => shiftAt(ROSTER, new Date(iso))?.name;

describe('shiftAt', () => {
  it('switches exactly at the local boundaries', () => {
    // Monday 1 June 2026.
    expect(shiftNameAt('2026-06-01T07:29:59+07:00')).toBe('đêm');
    expect(shiftNameAt('2026-06-01T07:30:00+07:00')).toBe('ngày');
    expect(shiftNameAt('2026-06-01T16:59:59+07:00')).toBe('ngày');
    expect(shiftNameAt('2026-06-01T17:00:00+07:00')).toBe('đêm');
  });

  it('reads the day in Vietnam, not in UTC: Monday 06:00 there is still Sunday in UTC', () => {
    expect(shiftNameAt('2026-05-31T23:00:00Z')).toBe('đêm');
    expect(shiftNameAt('2026-06-01T00:30:00Z')).toBe('ngày');
    // Friday 17:00 UTC is Saturday 00:00 in Vietnam: the night shift begun on Friday.
    expect(shiftNameAt('2026-06-05T17:00:00Z')).toBe('đêm');
  });

  it('covers the night across midnight and the week end, and keeps weekday lists', () => {
    expect(shiftNameAt('2026-06-06T00:00:00+07:00')).toBe('đêm');
    expect(shiftNameAt('2026-06-06T10:00:00+07:00')).toBe('cuối tuần');
    expect(shiftNameAt('2026-06-07T23:59:00+07:00')).toBe('đêm');
    // Sunday's night shift runs into Monday morning.
    expect(shiftNameAt('2026-06-08T03:00:00+07:00')).toBe('đêm');
  });

  it('finds no one in a gap of the roster, and no one without a roster', () => {
    const dayOnly = resolveRoster({ shifts: [{ name: 'ngày', days: ['mon'], from: '08:00', to: '17:00', people: [{ name: 'An' }] }] });
    expect(onDutyAt(dayOnly, new Date('2026-06-02T09:00:00+07:00'))).toEqual([]);
    expect(onDutyAt(dayOnly, new Date('2026-06-01T09:00:00+07:00')).map((person) => person.name)).toEqual(['An']);
    expect(onDutyAt(undefined, new Date())).toEqual([]);
  });
});

describe('organisations and targets', () => {
  it("reaches an organisation's focal points and its people on duty now", () => {
    const night = new Date('2026-06-01T22:00:00+07:00');
    expect(organisationContacts(ROSTER, 'Sở KH&CN', night).map((contact) => contact.name)).toEqual(['Chánh văn phòng', 'Trần Văn Cường']);
    expect(focalOrganisations(ROSTER).map((organisation) => organisation.name)).toEqual(['Sở KH&CN', 'VNPT']);
  });

  it('resolves onDuty per channel: mail, the Zalo chat id, the phone', () => {
    const channels = [
      { name: 'zalo-truc', kind: 'zalo' as const },
      { name: 'sms-modem', kind: 'sms' as const },
      { name: 'ioc', kind: 'webhook' as const },
    ];
    const weekday = escalationTargets(['onDuty', 'ioc', 'lanhdao@angiang.gov.vn'], ROSTER, channels, new Date('2026-06-01T10:00:00+07:00'));
    expect(weekday).toEqual({
      emails: ['an@skhcn.angiang.gov.vn', 'lanhdao@angiang.gov.vn'],
      channels: [
        { channel: 'zalo-truc', to: ['zl-an'], defaults: false },
        { channel: 'ioc', to: [], defaults: true },
      ],
    });
    const saturday = escalationTargets(['onDuty'], ROSTER, channels, new Date('2026-06-06T10:00:00+07:00'));
    expect(saturday).toEqual({ emails: [], channels: [{ channel: 'sms-modem', to: ['+84912000002'], defaults: false }] });
  });
});
