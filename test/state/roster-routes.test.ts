// Routes naming `onDuty` and organisations (§7c: one incident to several units at once): resolved
// to addresses when the mail is queued, and the mail names the units told and who is on duty.
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/alerting/messages/render-email.ts';
import { resolveRoster } from '../../src/config/roster-config.ts';
import { ordinaryRecipients } from '../../src/state/recipients.ts';
import { makeAlerting, makeIncident, makeNotification } from '../support/alerting-fixtures.ts';

const ROSTER = resolveRoster({
  organisations: [
    { name: 'Công an tỉnh PC06', focalPoints: [{ name: 'Trực ban PC06', email: 'pc06@congan.angiang.gov.vn', phone: '+84296111222' }] },
    { name: 'VNPT', focalPoints: [{ name: 'NOC VNPT', email: 'noc@vnpt.vn' }] },
    { name: 'Văn phòng UBND tỉnh' },
  ],
  shifts: [
    { name: 'Ca ngày', from: '07:30', to: '17:00', people: [{ name: 'An', email: 'an@skhcn.angiang.gov.vn', organisation: 'Văn phòng UBND tỉnh' }] },
    { name: 'Ca đêm', from: '17:00', to: '07:30', people: [{ name: 'Cường', email: 'cuong@skhcn.angiang.gov.vn' }] },
  ],
});

const ALERTING = makeAlerting({
  email: {
    to: ['trucban@angiang.gov.vn'],
    routes: [
      { match: { system: 'national-portal' }, to: ['onDuty'] },
      { match: { check: 'dvcqg-*' }, to: ['Công an tỉnh PC06', 'VNPT', 'Văn phòng UBND tỉnh'] },
    ],
  },
  roster: ROSTER,
});

const DAY = new Date('2026-06-01T10:00:00+07:00');
const NIGHT = new Date('2026-06-01T23:00:00+07:00');

describe('routes naming the roster', () => {
  it('sends to the people on duty at firing time and to every unit the route names', () => {
    expect(ordinaryRecipients(ALERTING, 'dvcqg-home', 'national-portal', DAY)).toEqual([
      'an@skhcn.angiang.gov.vn',
      'noc@vnpt.vn',
      'pc06@congan.angiang.gov.vn',
      'trucban@angiang.gov.vn',
    ]);
    expect(ordinaryRecipients(ALERTING, 'dvcqg-home', 'national-portal', NIGHT)).toEqual([
      'cuong@skhcn.angiang.gov.vn',
      'noc@vnpt.vn',
      'pc06@congan.angiang.gov.vn',
      'trucban@angiang.gov.vn',
    ]);
    expect(ordinaryRecipients(ALERTING, 'sync-hoso', 'sync', NIGHT)).toEqual(['trucban@angiang.gov.vn']);
  });

  it('says in the mail who is on duty, whom to call, and which units were told at once', () => {
    const incident = makeIncident({ openedAt: NIGHT });
    const mail = renderEmail([makeNotification('firing', { incident, createdAt: NIGHT })], {
      locale: 'vi',
      links: {},
      now: NIGHT,
      roster: ROSTER,
      routes: ALERTING.email.routes,
    });
    expect(mail.text).toContain('Đang trực');
    expect(mail.text).toContain('Ca đêm: Cường');
    expect(mail.text).toContain('Công an tỉnh PC06: Trực ban PC06 · +84296111222');
    expect(mail.text).toContain('Công an tỉnh PC06, VNPT, Văn phòng UBND tỉnh');
    expect(mail.html).toContain('Đã báo đồng thời cho');
    const plain = renderEmail([makeNotification('firing', { incident, createdAt: NIGHT })], { locale: 'vi', links: {}, now: NIGHT });
    expect(plain.text).not.toContain('Đang trực');
  });
});
