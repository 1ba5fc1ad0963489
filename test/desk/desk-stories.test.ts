// The duty desk's stories on one injected clock with a real SQLite file: the incident rules, the
// store and the desk together, as the daemon wires them. What would be mailed is read from the
// outbox (the outbox's own tests cover delivery).
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { LAN, MINH, PORTAL, TRUCBAN, VNEID, VNEID_TEAM, createHarness, describeMail, type Harness } from './desk-harness.ts';

const MINUTE = 60_000;

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

function start(...args: Parameters<typeof createHarness>): Harness {
  harness = createHarness(...args);
  return harness;
}

/** The mails queued since `from` (an index into queued()). */
function mailsSince(h: Harness, from: number): string[] {
  return h.queued().slice(from).map(describeMail);
}

describe('acknowledging an incident', () => {
  it('stops its reminders, keeps them for an incident nobody took, and still holds after a restart', async () => {
    const h = start();
    h.probe(PORTAL, 'critical');
    h.probe(VNEID, 'critical');
    h.tick();
    expect(mailsSince(h, 0)).toEqual([`firing ${PORTAL}`, `firing ${VNEID}`]);
    const portal = h.book.openIncidents().find((incident) => incident.check === PORTAL)!;

    h.clocks.advance(10 * MINUTE);
    h.tick();
    expect(mailsSince(h, 2)).toEqual([`reminder ${PORTAL}`, `reminder ${VNEID}`]);

    h.clocks.advance(2 * MINUTE);
    const acknowledged = h.desk.acknowledge(portal.id, LAN, 'Đang kiểm tra đường truyền');
    expect(acknowledged.ok && acknowledged.value.acknowledgement).toEqual({ by: 'lan', at: h.clocks.now() });
    expect(mailsSince(h, 4)).toEqual([`desk:acknowledged ${PORTAL}`]);
    const ackMail = h.queued()[4]!;
    expect(ackMail.to).toEqual([TRUCBAN]);
    expect(ackMail.desk?.text).toContain('đã được tiếp nhận');
    expect(ackMail.desk?.text).toContain('lan');
    expect(ackMail.desk?.text).toContain('Đang kiểm tra đường truyền');

    // A second acknowledgement keeps the first one's who and when, and mails nothing.
    h.clocks.advance(MINUTE);
    const again = h.desk.acknowledge(portal.id, MINH);
    expect(again.ok && again.value.acknowledgement?.by).toBe('lan');
    expect(h.queued()).toHaveLength(5);

    h.clocks.advance(10 * MINUTE);
    h.tick();
    expect(mailsSince(h, 5)).toEqual([`reminder ${VNEID}`]);

    h.restart();
    expect(h.desk.getIncident(portal.id)?.acknowledgement?.by).toBe('lan');
    h.clocks.advance(10 * MINUTE);
    h.tick();
    expect(mailsSince(h, 6)).toEqual([`reminder ${VNEID}`]);

    // Recovery still ends the thread.
    h.probe(PORTAL, 'ok');
    expect(mailsSince(h, 7)).toEqual([`resolved ${PORTAL}`]);

    const audit = h.desk.listAudit({});
    expect(audit).toEqual([{ at: new Date('2026-05-29T15:12:00Z'), user: 'lan', address: '10.0.0.5', action: 'acknowledge', target: portal.id }]);
  });

  it('stops the escalation reminder of a warning that turns critical', () => {
    const h = start({ alertOn: 'warning' });
    h.probe(PORTAL, 'warning');
    h.tick();
    const incident = h.book.openIncidents()[0]!;
    h.desk.acknowledge(incident.id, LAN);
    const before = h.queued().length;
    h.probe(PORTAL, 'critical');
    h.tick();
    expect(h.book.openIncidents()[0]?.severity).toBe('critical');
    expect(mailsSince(h, before)).toEqual([]);
  });

  it('observes dvc_incident_acknowledge_seconds from the opening to the acknowledgement', async () => {
    const h = start();
    h.probe(VNEID, 'critical');
    h.tick();
    const incident = h.book.openIncidents()[0]!;
    h.clocks.advance(25 * MINUTE);
    h.desk.acknowledge(incident.id, LAN);
    const metrics = createMetrics({ version: 'test', collectProcessMetrics: false });
    for (const { incident: each, seconds } of h.acknowledged) metrics.recordAcknowledge(each.system, each.severity, seconds);
    const { body } = await metrics.render();
    expect(body).toContain('dvc_incident_acknowledge_seconds_count{system="vneid",severity="critical"} 1');
    expect(body).toContain('dvc_incident_acknowledge_seconds_sum{system="vneid",severity="critical"} 1500');
    expect(body).toContain('dvc_incident_acknowledge_seconds_bucket{le="1800",system="vneid",severity="critical"} 1');
    expect(body).toContain('dvc_incident_acknowledge_seconds_bucket{le="900",system="vneid",severity="critical"} 0');
  });

  it('keeps the note of a second acknowledgement as a note of its author, mailed in the thread', () => {
    const h = start();
    h.probe(PORTAL, 'critical');
    h.tick();
    const id = h.book.openIncidents()[0]!.id;
    h.desk.acknowledge(id, LAN);
    const before = h.queued().length;

    h.clocks.advance(MINUTE);
    const again = h.desk.acknowledge(id, MINH, 'Ca trực VNPT đã nhận');
    expect(again.ok && again.value.acknowledgement?.by).toBe('lan');
    expect(again.ok && again.value.notes.map(({ author, at, text, notify }) => ({ author, at, text, notify }))).toEqual([
      { author: 'minh', at: h.clocks.now(), text: 'Ca trực VNPT đã nhận', notify: true },
    ]);
    expect(mailsSince(h, before)).toEqual([`desk:note ${PORTAL}`]);
    expect(h.queued().at(-1)?.desk?.text).toContain('Ca trực VNPT đã nhận');
    expect(h.desk.listAudit({})[0]).toMatchObject({ user: 'minh', action: 'note', target: id });

    // Without a note a second acknowledgement still changes nothing.
    h.desk.acknowledge(id, MINH, '  ');
    expect(h.queued()).toHaveLength(before + 1);
    expect(h.desk.getIncident(id)?.notes).toHaveLength(1);
  });

  it('answers not_found for an unknown incident and conflict for a resolved one', () => {
    const h = start();
    expect(h.desk.acknowledge('nope', LAN)).toMatchObject({ ok: false, error: 'not_found' });
    h.probe(PORTAL, 'critical');
    h.tick();
    const id = h.book.openIncidents()[0]!.id;
    h.probe(PORTAL, 'ok');
    expect(h.desk.acknowledge(id, LAN)).toMatchObject({ ok: false, error: 'conflict' });
    expect(h.desk.listAudit({})).toEqual([]);
  });
});

describe('notes', () => {
  it('follow the incident to a webhook whose routes take it, and never to Zalo', () => {
    const h = start({
      webhooks: [
        {
          kind: 'webhook',
          name: 'ioc',
          url: 'https://ioc.example.test/hook',
          method: 'POST',
          headers: {},
          timeoutSeconds: 10,
          tls: { verify: true },
          routes: [],
        },
      ],
      zalo: [{ kind: 'zalo', name: 'zalo-truc', token: 'z-token', chatIds: ['c1'], apiBase: 'https://zalo.example.test', timeoutSeconds: 10, routes: [] }],
    });
    h.probe(VNEID, 'critical');
    h.tick();
    const id = h.book.openIncidents()[0]!.id;
    const hooked = () => h.store.outbox.pending('ioc').map((row) => row.notification);
    const before = hooked().length;
    h.desk.addNote(id, LAN, { cause: 'Mất kết nối tới máy chủ VNeID' }, true);
    expect(
      hooked()
        .slice(before)
        .map((notification) => [notification.type, notification.desk?.kind]),
    ).toEqual([['desk', 'note']]);
    expect(hooked().at(-1)?.desk?.text).toContain('Nguyên nhân: Mất kết nối tới máy chủ VNeID');
    expect(h.store.outbox.pending('zalo-truc').filter((row) => row.notification.type === 'desk')).toEqual([]);
  });

  it('keep every change with its author and time, and mail only those asked to', () => {
    const h = start();
    h.probe(VNEID, 'critical');
    h.tick();
    const id = h.book.openIncidents()[0]!.id;
    const before = h.queued().length;

    h.clocks.advance(5 * MINUTE);
    const first = h.desk.addNote(id, LAN, { cause: 'Mất kết nối tới máy chủ VNeID' }, false);
    expect(first.ok).toBe(true);
    expect(mailsSince(h, before)).toEqual([]);

    h.clocks.advance(15 * MINUTE);
    const expectedFixAt = new Date('2026-05-29T17:00:00Z');
    h.desk.addNote(id, MINH, { cause: 'Chứng chỉ TLS của cổng VNeID hết hạn', plan: 'Gia hạn chứng chỉ', expectedFixAt }, true);
    expect(mailsSince(h, before)).toEqual([`desk:note ${VNEID}`]);
    const mail = h.queued()[before]!;
    expect(mail.to).toEqual([TRUCBAN, VNEID_TEAM]);
    expect(mail.desk?.text).toContain('Nguyên nhân: Chứng chỉ TLS của cổng VNeID hết hạn');
    expect(mail.desk?.text).toContain('Phương án xử lý: Gia hạn chứng chỉ');
    expect(mail.desk?.text).toContain('Thời gian dự kiến hoàn thành: 30/05/2026 00:00:00');

    h.restart();
    const notes = h.desk.getIncident(id)!.notes;
    expect(notes.map(({ author, at, cause, plan, notify }) => ({ author, at, cause, plan, notify }))).toEqual([
      { author: 'lan', at: new Date('2026-05-29T15:05:00Z'), cause: 'Mất kết nối tới máy chủ VNeID', plan: undefined, notify: false },
      { author: 'minh', at: new Date('2026-05-29T15:20:00Z'), cause: 'Chứng chỉ TLS của cổng VNeID hết hạn', plan: 'Gia hạn chứng chỉ', notify: true },
    ]);
    expect(notes[1]?.expectedFixAt).toEqual(expectedFixAt);

    // The final result after the probe incident resolved itself.
    h.probe(VNEID, 'ok');
    h.desk.addNote(id, LAN, { result: 'Đã gia hạn chứng chỉ, dịch vụ hoạt động bình thường' }, true);
    expect(h.queued().at(-1)?.desk?.text).toContain('Kết quả xử lý: Đã gia hạn chứng chỉ');

    expect(
      h.desk
        .listAudit({})
        .map(({ user, action, target }) => `${user} ${action} ${target}`)
        .reverse(),
    ).toEqual([`lan note ${id}`, `minh note ${id}`, `lan note ${id}`]);
    expect(h.desk.addNote('nope', LAN, { text: 'x' }, false)).toMatchObject({ ok: false, error: 'not_found' });
  });
});

describe('the daily report', () => {
  it('reads the acknowledgement and the notes from the store beside the incident', () => {
    const h = start();
    h.probe(PORTAL, 'critical');
    h.tick();
    const id = h.book.openIncidents()[0]!.id;
    h.clocks.advance(5 * MINUTE);
    h.desk.acknowledge(id, LAN);
    h.desk.addNote(id, LAN, { cause: 'Máy chủ quá tải', plan: 'Thêm máy chủ' }, false);
    h.clocks.advance(25 * MINUTE);
    h.probe(PORTAL, 'ok');
    const report = buildReport(h, h.store.history, { from: new Date('2026-05-29T00:00:00Z'), to: h.clocks.now() }, { locale: 'vi', now: h.clocks.now() });
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]).toMatchObject({
      acknowledgedBy: 'lan',
      timeToAcknowledgeSeconds: 300,
      timeToResolveSeconds: 1800,
      handling: { cause: 'Máy chủ quá tải', plan: 'Thêm máy chủ' },
    });
    expect(report.handling).toEqual([
      { system: 'national-portal', incidents: 1, acknowledged: 1, medianAcknowledgeSeconds: 300, resolved: 1, medianResolveSeconds: 1800 },
    ]);
  });

  it('lists a people-reported incident without counting it as any check’s down time', () => {
    const h = start();
    const opened = h.desk.openIncident(LAN, {
      title: 'Thanh toán lỗi',
      system: 'vneid',
      severity: 'critical',
      description: 'Không thanh toán được',
      reportedBy: 'xã A',
    });
    h.clocks.advance(40 * MINUTE);
    h.desk.resolve(opened.incident.id, MINH);
    const report = buildReport(h, h.store.history, { from: new Date('2026-05-29T00:00:00Z'), to: h.clocks.now() }, { locale: 'vi', now: h.clocks.now() });
    expect(report.incidents.map((incident) => [incident.id, incident.people?.title, incident.timeToResolveSeconds])).toEqual([
      [opened.incident.id, 'Thanh toán lỗi', 2400],
    ]);
    expect(report.checks.map((check) => check.downSeconds)).toEqual([0, 0]);
    expect(report.verdict).toBe('normal');
  });
});

describe('a people-reported incident', () => {
  it('is opened, mailed to its system’s recipients, shown beside probe incidents, and resolved by hand', () => {
    const h = start();
    const opened = h.desk.openIncident(LAN, {
      title: 'VNeID tổ chức không đăng nhập được tại TTPVHCC xã Mỹ Hòa Hưng',
      system: 'vneid',
      severity: 'warning',
      description: 'Cán bộ một cửa báo từ 8 giờ sáng',
      reportedBy: 'TTPVHCC xã Mỹ Hòa Hưng',
    });
    expect(opened.origin).toBe('people');
    expect(opened.report).toEqual({
      title: 'VNeID tổ chức không đăng nhập được tại TTPVHCC xã Mỹ Hòa Hưng',
      description: 'Cán bộ một cửa báo từ 8 giờ sáng',
      reportedBy: 'TTPVHCC xã Mỹ Hòa Hưng',
      openedBy: 'lan',
    });
    const id = opened.incident.id;
    expect(h.queued().map(describeMail)).toEqual([`desk:opened ${id}`]);
    expect(h.queued()[0]?.to).toEqual([TRUCBAN, VNEID_TEAM]);

    // Listed with probe incidents, newest first; never in the incident rules or the probe incidents' table.
    h.clocks.advance(MINUTE);
    h.probe(PORTAL, 'critical');
    h.tick();
    expect(h.desk.listIncidents({ state: 'open' }).map((each) => each.origin)).toEqual(['probe', 'people']);
    expect(h.book.openIncidents().map((incident) => incident.check)).toEqual([PORTAL]);
    expect(h.store.incidents.listBetween(new Date(0), new Date('2027-01-01T00:00:00Z')).map((incident) => incident.id)).not.toContain(id);

    h.clocks.advance(2 * 60 * MINUTE);
    const probeId = h.book.openIncidents()[0]!.id;
    expect(h.desk.resolve(probeId, MINH)).toMatchObject({ ok: false, error: 'conflict' });
    const resolved = h.desk.resolve(id, MINH, 'Đã cấp lại tài khoản tổ chức');
    expect(resolved.ok && resolved.value.incident.resolvedAt).toEqual(h.clocks.now());
    expect(resolved.ok && resolved.value.resolvedBy).toBe('minh');
    expect(resolved.ok && resolved.value.notes.map((note) => note.result)).toEqual(['Đã cấp lại tài khoản tổ chức']);
    expect(h.queued().at(-1)?.desk?.kind).toBe('resolved');
    expect(h.queued().at(-1)?.desk?.text).toContain('Kết quả xử lý: Đã cấp lại tài khoản tổ chức');
    expect(h.desk.resolve(id, MINH)).toMatchObject({ ok: false, error: 'conflict' });

    expect(h.desk.listIncidents({ state: 'open' }).map((each) => each.origin)).toEqual(['probe']);
    expect(h.desk.listIncidents({ state: 'all' }).map((each) => each.incident.id)).toEqual([probeId, id]);
    expect(h.desk.listIncidents({ state: 'all', since: new Date('2026-05-29T18:00:00Z') }).map((each) => each.incident.id)).toEqual([probeId]);
    expect(
      h.desk
        .listAudit({})
        .map(({ user, action, target }) => `${user} ${action} ${target}`)
        .reverse(),
    ).toEqual([`lan open ${id}`, `minh resolve ${id}`]);
  });
});

describe('a silence', () => {
  it('mutes the mails of its system until it expires, while probes and incidents go on', () => {
    const h = start();
    h.desk.silence(LAN, { system: 'national-portal', until: new Date(h.clocks.now().getTime() + 25 * MINUTE), reason: 'Nâng cấp máy chủ' });
    expect(h.desk.listSilences()).toHaveLength(1);
    h.probe(PORTAL, 'critical');
    h.probe(VNEID, 'critical');
    h.tick();
    expect(h.book.openIncidents().map((incident) => incident.check)).toEqual([PORTAL, VNEID]);
    expect(mailsSince(h, 0)).toEqual([`firing ${VNEID}`]);

    h.clocks.advance(10 * MINUTE);
    h.probe(PORTAL, 'critical');
    h.tick();
    expect(mailsSince(h, 1)).toEqual([`reminder ${VNEID}`]);
    expect(h.book.openIncidents()[0]?.probes).toBe(2);

    // Expired: the next reminder is mailed.
    h.clocks.advance(16 * MINUTE);
    h.tick();
    expect(h.desk.listSilences()).toEqual([]);
    expect(mailsSince(h, 2)).toEqual([`reminder ${PORTAL}`, `reminder ${VNEID}`]);
    h.probe(PORTAL, 'ok');
    expect(mailsSince(h, 4)).toEqual([`resolved ${PORTAL}`]);
    expect(h.desk.listAudit({}).map(({ action, user }) => `${user} ${action}`)).toEqual(['lan silence']);
  });

  it('of one check leaves the system’s other checks heard, and survives a restart', () => {
    const h = start();
    h.desk.silence(MINH, { check: VNEID, until: new Date(h.clocks.now().getTime() + 60 * MINUTE) });
    h.restart();
    h.probe(PORTAL, 'critical');
    h.probe(VNEID, 'critical');
    h.tick();
    expect(mailsSince(h, 0)).toEqual([`firing ${PORTAL}`]);
  });
});

describe('maintenance opened through the API', () => {
  /** The same outage under a window that starts at 15:05 and ends at 15:35; the mails it causes. */
  function outageUnderWindow(open: (h: Harness) => void, close: (h: Harness) => void, overrides: Parameters<typeof createHarness>[0] = {}): string[] {
    const h = start(overrides);
    h.clocks.advance(5 * MINUTE);
    open(h);
    h.tick();
    h.clocks.advance(MINUTE);
    h.probe(PORTAL, 'critical');
    h.probe(VNEID, 'critical');
    h.tick();
    h.clocks.advance(20 * MINUTE);
    h.tick();
    expect(h.book.openIncidents().find((incident) => incident.check === PORTAL)?.hold).toMatchObject({ by: 'maintenance' });
    h.clocks.advance(9 * MINUTE);
    close(h);
    h.tick();
    const mails = h.queued().map(describeMail);
    harness?.close();
    harness = undefined;
    return mails;
  }

  it('holds a firing like a configured window, and releases it when ended', () => {
    const configured = outageUnderWindow(
      () => {},
      () => {},
      {
        maintenance: [
          { kind: 'absolute', name: 'nâng cấp', checks: ['dvcqg-*'], start: new Date('2026-05-29T15:05:00Z'), end: new Date('2026-05-29T15:35:00Z') },
        ],
      },
    );
    let windowId = '';
    let audit: string[] = [];
    const api = outageUnderWindow(
      (h) => {
        const record = h.desk.startMaintenance(LAN, { name: 'nâng cấp', checks: ['dvcqg-*'], reason: 'Chuyển đổi máy chủ' });
        windowId = record.id;
        expect(h.desk.listMaintenance().map((window) => window.id)).toEqual([record.id]);
      },
      (h) => {
        const ended = h.desk.endMaintenance(windowId, MINH);
        expect(ended.ok && ended.value.endedBy).toBe('minh');
        expect(h.desk.endMaintenance(windowId, MINH)).toMatchObject({ ok: false, error: 'conflict' });
        expect(h.desk.listMaintenance()).toEqual([]);
        audit = h.desk.listAudit({}).map(({ user, action, target }) => `${user} ${action} ${target}`);
      },
    );
    expect(configured).toEqual([`firing ${VNEID}`, `reminder ${VNEID}`, 'maintenance_end', `firing ${PORTAL}`]);
    expect(api).toEqual(configured);
    expect(audit).toEqual([`minh maintenance.end ${windowId}`, `lan maintenance.start ${windowId}`]);
  });

  it('covers the checks of the systems it names, and survives a restart', () => {
    const h = start();
    h.desk.startMaintenance(LAN, { systems: ['vneid'], until: new Date(h.clocks.now().getTime() + 60 * MINUTE) });
    h.restart();
    h.probe(PORTAL, 'critical');
    h.probe(VNEID, 'critical');
    h.tick();
    expect(mailsSince(h, 0)).toEqual([`firing ${PORTAL}`]);
    expect(h.book.openIncidents().find((incident) => incident.check === VNEID)?.hold?.by).toBe('maintenance');
  });
});

describe('the audit log', () => {
  it('records logins the desk does not perform itself, newest first, from `since`, at most `limit`', () => {
    const h = start();
    h.desk.recordAudit('login.failed', { user: 'mallory', address: '203.0.113.7' }, '');
    h.clocks.advance(MINUTE);
    h.desk.recordAudit('login', LAN, '');
    h.clocks.advance(MINUTE);
    h.desk.silence(LAN, { check: PORTAL, until: new Date(h.clocks.now().getTime() + MINUTE) });
    expect(h.desk.listAudit({}).map(({ action, user, address }) => `${action} ${user} ${address}`)).toEqual([
      'silence lan 10.0.0.5',
      'login lan 10.0.0.5',
      'login.failed mallory 203.0.113.7',
    ]);
    expect(h.desk.listAudit({ limit: 1 }).map((entry) => entry.action)).toEqual(['silence']);
    expect(h.desk.listAudit({ since: new Date('2026-05-29T15:01:00Z') }).map((entry) => entry.action)).toEqual(['silence', 'login']);
  });
});
