import { afterEach, describe, expect, it } from 'vitest';
import { renderEmail, type MailContext } from '../../../src/alerting/messages/render-email.ts';
import { DEFAULT_SYSTEM_NAMES } from '../../../src/text/display-system-name.ts';
import type { Notification, NotificationType } from '../../../src/state/notification.ts';
import type { Incident } from '../../../src/state/incident.ts';

// 15:10:05 UTC = 22:10:05 in Vietnam. The machine running the tests is on UTC.
const OPENED = new Date('2026-05-29T15:10:05Z');
const minutesAfterOpen = (minutes: number): Date => new Date(OPENED.getTime() + minutes * 60_000);
const HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> & co';

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'dvcqg-home-abc',
    check: 'dvcqg-home',
    system: 'national-portal',
    severity: 'critical',
    openedAt: OPENED,
    firstReason: 'timeout',
    firstMessage: 'no answer before the deadline (during connect)',
    lastReason: 'timeout',
    lastMessage: 'no answer before the deadline (during connect)',
    probes: 7,
    failedProbes: 5,
    last: {
      at: OPENED,
      status: 'critical',
      reason: 'timeout',
      message: 'no answer before the deadline (during connect)',
      durationSeconds: 15,
      phases: { dns: 0.0123 },
    },
    announced: true,
    ...overrides,
  };
}

function slowIncident(overrides: Partial<Incident> = {}): Incident {
  return incident({
    severity: 'warning',
    firstReason: 'latency',
    lastReason: 'latency',
    lastMessage: 'latency 4.2 s over warn 3 s',
    last: {
      at: OPENED,
      status: 'warning',
      reason: 'latency',
      message: 'latency 4.2 s over warn 3 s',
      durationSeconds: 4.2731,
      phases: { dns: 0.0123, connect: 0.0045, tls: 0.0301, ttfb: 4.2, transfer: 0.012 },
      httpStatus: 200,
    },
    ...overrides,
  });
}

function resolvedIncident(minutes: number, overrides: Partial<Incident> = {}): Incident {
  return incident({
    resolvedAt: minutesAfterOpen(minutes),
    last: {
      at: minutesAfterOpen(minutes),
      status: 'ok',
      message: 'HTTP 200 from dichvucong.gov.vn',
      durationSeconds: 0.3214,
      phases: { dns: 0.01, connect: 0.02, tls: 0.05, ttfb: 0.2, transfer: 0.04 },
      httpStatus: 200,
    },
    ...overrides,
  });
}

function notification(type: NotificationType, options: Partial<Notification> = {}): Notification {
  return { type, riders: [], to: ['trucban@angiang.gov.vn'], createdAt: minutesAfterOpen(1), ...options };
}

const vi: MailContext = {
  locale: 'vi',
  location: 'an-giang',
  links: { dashboard: 'https://grafana.angiang.example/d/dvc', statusPage: 'https://status.angiang.example/' },
  now: minutesAfterOpen(136),
};
const en: MailContext = { ...vi, locale: 'en' };

describe('renderEmail: subject of one notification', () => {
  it.each<[string, Notification, string, string]>([
    [
      'firing',
      notification('firing', { incident: incident() }),
      '[SỰ CỐ] Cổng DVC quốc gia — dvcqg-home không truy cập được (timeout)',
      '[INCIDENT] National Public Service Portal — dvcqg-home unreachable (timeout)',
    ],
    [
      'firing with a warning severity',
      notification('firing', { incident: slowIncident() }),
      '[CẢNH BÁO] Cổng DVC quốc gia — dvcqg-home phản hồi chậm (latency)',
      '[WARNING] National Public Service Portal — dvcqg-home slow to respond (latency)',
    ],
    [
      'reminder',
      notification('reminder', { incident: incident(), createdAt: minutesAfterOpen(135) }),
      '[VẪN ĐANG SỰ CỐ 2 giờ 15 phút] Cổng DVC quốc gia — dvcqg-home không truy cập được (timeout)',
      '[STILL DOWN 2h 15m] National Public Service Portal — dvcqg-home unreachable (timeout)',
    ],
    [
      'reminder of a warning',
      notification('reminder', { incident: slowIncident(), createdAt: minutesAfterOpen(60) }),
      '[VẪN ĐANG CẢNH BÁO 1 giờ] Cổng DVC quốc gia — dvcqg-home phản hồi chậm (latency)',
      '[STILL WARNING 1h] National Public Service Portal — dvcqg-home slow to respond (latency)',
    ],
    [
      'resolved',
      notification('resolved', { incident: resolvedIncident(42), createdAt: minutesAfterOpen(42) }),
      '[ĐÃ KHẮC PHỤC] Cổng DVC quốc gia — dvcqg-home hoạt động bình thường trở lại sau 42 phút',
      '[RESOLVED] National Public Service Portal — dvcqg-home back to normal after 42m',
    ],
    [
      'http_status',
      notification('firing', {
        incident: incident({ system: 'provincial', check: 'ag-motcua', last: { ...incident().last, reason: 'http_status', httpStatus: 503 } }),
      }),
      '[SỰ CỐ] Hệ thống TTHC tỉnh — ag-motcua báo lỗi HTTP 503 (http_status)',
      '[INCIDENT] Provincial administrative-procedure system — ag-motcua returning HTTP 503 (http_status)',
    ],
    [
      'vantage_down',
      notification('vantage_down'),
      '[MẠNG GIÁM SÁT] Điểm giám sát an-giang mất kết nối — các cảnh báo khác tạm không kết luận được',
      '[MONITORING NETWORK] Prober an-giang lost connectivity — other alerts are inconclusive for now',
    ],
    [
      'vantage_up',
      notification('vantage_up', { riders: [incident(), incident({ check: 'dvcqg-api' })] }),
      '[MẠNG GIÁM SÁT] Điểm giám sát an-giang đã kết nối lại — 2 kiểm tra lỗi trong lúc gián đoạn',
      '[MONITORING NETWORK] Prober an-giang connectivity restored — 2 checks failed meanwhile',
    ],
    [
      'maintenance_end',
      notification('maintenance_end', { window: 'cutover', riders: [incident(), incident({ check: 'ag-motcua', system: 'provincial' })] }),
      '[HẾT BẢO TRÌ] cutover — còn 2 hệ thống gián đoạn',
      '[MAINTENANCE OVER] cutover — 2 systems still down',
    ],
    [
      'maintenance_end with more checks than systems',
      notification('maintenance_end', {
        window: 'cutover',
        riders: [incident(), incident({ check: 'dvcqg-api' }), incident({ check: 'ag-motcua', system: 'provincial' })],
      }),
      '[HẾT BẢO TRÌ] cutover — còn 2 hệ thống gián đoạn (3 kiểm tra)',
      '[MAINTENANCE OVER] cutover — 2 systems still down (3 checks)',
    ],
    [
      'maintenance_end with nothing down',
      notification('maintenance_end', { window: 'cutover' }),
      '[HẾT BẢO TRÌ] cutover — các hệ thống hoạt động bình thường',
      '[MAINTENANCE OVER] cutover — all systems normal',
    ],
    ['test', notification('test'), '[THỬ NGHIỆM] Thư thử nghiệm từ dvc-sentinel (an-giang)', '[TEST] Test mail from dvc-sentinel (an-giang)'],
  ])('%s', (_, single, viSubject, enSubject) => {
    expect(renderEmail([single], vi).subject).toBe(viSubject);
    expect(renderEmail([single], en).subject).toBe(enSubject);
  });

  it('leaves the location out of vantage subjects when none is configured', () => {
    const { location: _, ...noLocation } = vi;
    expect(renderEmail([notification('vantage_down')], noLocation).subject).toBe(
      '[MẠNG GIÁM SÁT] Điểm giám sát mất kết nối — các cảnh báo khác tạm không kết luận được',
    );
  });

  it('counts the dependent checks riding along', () => {
    const mail = renderEmail(
      [
        notification('firing', {
          incident: incident({ check: 'dvcqg-dns', lastReason: 'dns', last: { ...incident().last, reason: 'dns', phases: {} } }),
          riders: [incident(), incident({ check: 'dvcqg-api' })],
        }),
      ],
      vi,
    );
    expect(mail.subject).toBe('[SỰ CỐ] Cổng DVC quốc gia — dvcqg-dns lỗi phân giải tên miền (dns) (+2 kiểm tra phụ thuộc)');
  });
});

describe('renderEmail: subject of a batch', () => {
  const firing = (check: string): Notification => notification('firing', { incident: incident({ check }) });

  it('summarises notifications of one kind with their check names', () => {
    const batch = ['dvcqg-home', 'dvcqg-api', 'dvcqg-search', 'dvcqg-login', 'dvcqg-dns'].map(firing);
    expect(renderEmail(batch, vi).subject).toBe('[SỰ CỐ] 5 kiểm tra gặp sự cố: dvcqg-home, dvcqg-api, dvcqg-search, dvcqg-login, dvcqg-dns');
    expect(renderEmail(batch, en).subject).toBe('[INCIDENT] 5 checks down: dvcqg-home, dvcqg-api, dvcqg-search, dvcqg-login, dvcqg-dns');
  });

  it('shows as many names as fit under 150 characters and counts the rest', () => {
    const names = Array.from({ length: 12 }, (_, index) => `quantricong-endpoint-${index + 1}`);
    const subject = renderEmail(names.map(firing), vi).subject;
    expect([...subject].length).toBeLessThanOrEqual(150);
    const match = /^\[SỰ CỐ\] 12 kiểm tra gặp sự cố: (.+) \(\+(\d+)\)$/u.exec(subject);
    expect(match, subject).not.toBeNull();
    const shown = match?.[1]?.split(', ') ?? [];
    expect(shown).toEqual(names.slice(0, shown.length));
    expect(shown.length + Number(match?.[2])).toBe(12);
  });

  it('summarises mixed kinds by count, most urgent tag first', () => {
    const batch = [
      notification('resolved', { incident: resolvedIncident(42, { check: 'ag-motcua' }) }),
      firing('dvcqg-home'),
      firing('dvcqg-api'),
      firing('dvcqg-search'),
    ];
    expect(renderEmail(batch, vi).subject).toBe('[SỰ CỐ] 3 sự cố mới, 1 đã khắc phục: dvcqg-home, dvcqg-api, dvcqg-search, ag-motcua');
    expect(renderEmail(batch, en).subject).toBe('[INCIDENT] 3 new incidents, 1 resolved: dvcqg-home, dvcqg-api, dvcqg-search, ag-motcua');
  });

  it('uses the resolved tag when everything is back', () => {
    const batch = [resolvedIncident(10, { check: 'a' }), resolvedIncident(20, { check: 'b' })].map((item) => notification('resolved', { incident: item }));
    expect(renderEmail(batch, vi).subject).toBe('[ĐÃ KHẮC PHỤC] 2 kiểm tra hoạt động bình thường trở lại: a, b');
    expect(renderEmail(batch, en).subject).toBe('[RESOLVED] 2 checks back to normal: a, b');
  });

  it('leads with the monitoring network when it is down', () => {
    const batch = [firing('dvcqg-home'), notification('vantage_down'), notification('reminder', { incident: slowIncident({ check: 'qtc-login' }) })];
    expect(renderEmail(batch, vi).subject).toBe('[MẠNG GIÁM SÁT] mạng giám sát mất kết nối, 1 sự cố mới, 1 vẫn đang cảnh báo: dvcqg-home, qtc-login');
  });

  it('lists every notification in an intro and orders sections by urgency', () => {
    const batch = [notification('resolved', { incident: resolvedIncident(42, { check: 'ag-motcua' }) }), firing('dvcqg-home')];
    const { text } = renderEmail(batch, vi);
    expect(text).toContain('Thư này gồm 2 thông báo:');
    expect(text.indexOf('[SỰ CỐ] Cổng DVC quốc gia — dvcqg-home')).toBeLessThan(text.indexOf('[ĐÃ KHẮC PHỤC] Cổng DVC quốc gia — ag-motcua'));
  });

  it('refuses an empty batch', () => {
    expect(() => renderEmail([], vi)).toThrow(/at least one notification/);
  });
});

describe('renderEmail: body of an incident', () => {
  it('gives system, check, severity, times, cause, action, message, latency, probes and links (vi)', () => {
    const { text, html } = renderEmail([notification('reminder', { incident: incident(), createdAt: minutesAfterOpen(135) })], vi);
    for (const phrase of [
      'Hệ thống: Cổng DVC quốc gia',
      'Kiểm tra: dvcqg-home',
      'Mức độ: Nghiêm trọng',
      'Tình trạng: Đang sự cố',
      'Thời điểm phát hiện: 29/05/2026 22:10:05',
      'Thời gian gián đoạn: 2 giờ 15 phút (tính đến 30/05/2026 00:25:05)',
      'Nguyên nhân ban đầu: không thiết lập được kết nối TCP trong thời hạn — có thể máy chủ hoặc đường truyền gặp sự cố',
      'Biện pháp xử lý: ',
      'Lỗi gần nhất: no answer before the deadline (during connect)',
      'Độ trễ: 15.000,0 ms',
      'Các giai đoạn: DNS 12,3 ms',
      'Số lần kiểm tra lỗi: 5 / 7 lần kiểm tra',
      'Bảng điều khiển: https://grafana.angiang.example/d/dvc',
      'Trang trạng thái: https://status.angiang.example/',
      'Thư gửi tự động từ dvc-sentinel · Điểm giám sát: an-giang · Tạo lúc 30/05/2026 00:26:05',
    ]) {
      expect(text).toContain(phrase);
    }
    expect(html).toContain('<a href="https://grafana.angiang.example/d/dvc"');
    expect(html).toContain('29/05/2026 22:10:05');
  });

  it('gives the same facts in English', () => {
    const { text } = renderEmail([notification('reminder', { incident: incident(), createdAt: minutesAfterOpen(135) })], en);
    for (const phrase of [
      'System: National Public Service Portal',
      'Check: dvcqg-home',
      'Severity: Critical',
      'Detected at: 29 May 2026 22:10:05',
      'Downtime: 2h 15m (as of 30 May 2026 00:25:05)',
      'Probable cause: could not establish a TCP connection in time',
      'Suggested action: ',
      'Latency: 15,000.0 ms',
      'Failed probes: 5 of 7 probes',
      'Sent automatically by dvc-sentinel · Location: an-giang',
    ]) {
      expect(text).toContain(phrase);
    }
    expect(text).not.toMatch(/Hệ thống|Mức độ/);
  });

  it('shows a warning as medium severity with every measured phase and the HTTP status', () => {
    const { text, html } = renderEmail([notification('firing', { incident: slowIncident() })], vi);
    expect(text).toContain('Mức độ: Trung bình');
    expect(text).toContain('Tình trạng: Đang cảnh báo');
    expect(text).toContain('Mã trạng thái HTTP: 200');
    expect(text).toContain('Độ trễ: 4.273,1 ms');
    expect(text).toContain('Các giai đoạn: DNS 12,3 ms · TCP 4,5 ms · TLS 30,1 ms · TTFB 4.200,0 ms · Tải nội dung 12,0 ms');
    expect(text).toContain('chậm nhất ở giai đoạn chờ phản hồi đầu tiên (TTFB): 4.200,0 ms');
    expect(html).toContain('#b45309');
  });

  it('gives the total downtime and the resolution time once resolved, without an action', () => {
    const { text, html } = renderEmail([notification('resolved', { incident: resolvedIncident(65), createdAt: minutesAfterOpen(65) })], vi);
    expect(text).toContain('Tình trạng: Đã khắc phục');
    expect(text).toContain('Thời điểm khắc phục: 29/05/2026 23:15:05');
    expect(text).toContain('Tổng thời gian gián đoạn: 1 giờ 5 phút');
    expect(text).toContain('Nguyên nhân ban đầu: không thiết lập được kết nối TCP');
    expect(text).not.toContain('Biện pháp xử lý');
    expect(html).toContain('#15803d');
  });

  it('says when the mail goes to a maintenance window’s own recipients', () => {
    const { text } = renderEmail([notification('firing', { incident: incident(), window: 'cutover' })], vi);
    expect(text).toContain('Bảo trì: trong đợt bảo trì “cutover”');
  });

  it('notes an earlier hold of the incident itself', () => {
    const { text } = renderEmail([notification('firing', { incident: incident({ wasHeldBy: ['maintenance'] }) })], vi);
    expect(text).toContain('Tạm hoãn thông báo: trước đó đã bị tạm hoãn thông báo do bảo trì theo kế hoạch');
  });

  it('leaves link rows out when no links are configured', () => {
    const { text } = renderEmail([notification('firing', { incident: incident() })], { ...vi, links: {} });
    expect(text).not.toContain('Bảng điều khiển');
    expect(text).not.toContain('Trang trạng thái');
  });

  it('names systems from the context, then the defaults, then the raw label', () => {
    const batch = [
      notification('firing', { incident: incident({ system: 'national-portal', check: 'a' }) }),
      notification('firing', { incident: incident({ system: 'igate', check: 'b' }) }),
      notification('firing', { incident: incident({ system: 'constructor', check: 'c' }) }),
    ];
    const { text } = renderEmail(batch, { ...vi, systemNames: { igate: 'Một cửa điện tử An Giang' } });
    expect(text).toContain('Hệ thống: Cổng DVC quốc gia');
    expect(text).toContain('Hệ thống: Một cửa điện tử An Giang');
    expect(text).toContain('Hệ thống: constructor');
    expect(DEFAULT_SYSTEM_NAMES.sync).toEqual({ vi: 'Đồng bộ hồ sơ', en: 'Dossier sync' });
  });
});

describe('renderEmail: riders', () => {
  const dnsParent = incident({ check: 'dvcqg-dns', lastReason: 'dns', last: { ...incident().last, reason: 'dns', phases: {} } });
  const childHold = { by: 'parent' as const, name: 'dvcqg-dns', incidentId: dnsParent.id, since: minutesAfterOpen(0) };

  it('lists inhibited children with their own times and durations in a resolved mail', () => {
    const riders = [
      incident({ check: 'dvcqg-home', openedAt: minutesAfterOpen(1), resolvedAt: minutesAfterOpen(31), hold: childHold }),
      incident({ check: 'dvcqg-api', openedAt: minutesAfterOpen(2), resolvedAt: minutesAfterOpen(14), hold: childHold }),
    ];
    const parent = { ...dnsParent, resolvedAt: minutesAfterOpen(42) };
    const { text, html } = renderEmail([notification('resolved', { incident: parent, riders, createdAt: minutesAfterOpen(42) })], vi);
    expect(text).toContain('Kiểm tra phụ thuộc bị ảnh hưởng (2):');
    expect(text).toContain('Phát hiện: 29/05/2026 22:11:05 · Khắc phục: 29/05/2026 22:41:05 · Gián đoạn: 30 phút');
    expect(text).toContain('Phát hiện: 29/05/2026 22:12:05 · Khắc phục: 29/05/2026 22:24:05 · Gián đoạn: 12 phút');
    expect(text).toContain('Ghi chú: đã bị tạm hoãn thông báo từ 22:10 do dvcqg-dns đang sự cố');
    expect(text).toContain('Tổng thời gian gián đoạn: 42 phút');
    expect(html).toContain('Kiểm tra phụ thuộc bị ảnh hưởng (2)');
    expect(html).toContain('<td style="padding:4px 6px;border:1px solid #e5e7eb;vertical-align:top;text-align:left">12 phút</td>');
  });

  it('marks riders still open as ongoing, measured to the notification', () => {
    const rider = incident({ check: 'dvcqg-api', openedAt: minutesAfterOpen(5), hold: childHold });
    const { text } = renderEmail([notification('firing', { incident: dnsParent, riders: [rider], createdAt: minutesAfterOpen(20) })], vi);
    expect(text).toContain('Khắc phục: đang diễn ra · Gián đoạn: 15 phút');
  });

  it('dates a hold that began on an earlier day', () => {
    const rider = incident({ check: 'dvcqg-api', hold: { ...childHold, since: new Date('2026-05-28T15:10:00Z') } });
    const { text } = renderEmail([notification('firing', { incident: dnsParent, riders: [rider], createdAt: minutesAfterOpen(20) })], vi);
    expect(text).toContain('đã bị tạm hoãn thông báo từ 22:10 ngày 28/05/2026 do dvcqg-dns đang sự cố');
  });

  it('lists inconclusive checks under the monitoring network notice', () => {
    const vantageHold = { by: 'vantage' as const, name: 'vantage', since: minutesAfterOpen(0) };
    const riders = [incident({ check: 'dvcqg-home', hold: vantageHold }), incident({ check: 'ag-motcua', system: 'provincial', hold: vantageHold })];
    const down = renderEmail([notification('vantage_down', { riders, createdAt: minutesAfterOpen(3) })], vi);
    expect(down.text).toContain('Chưa kết luận (mạng giám sát gián đoạn) (2):');
    expect(down.text).toContain('Tất cả các kiểm tra kết nối của chính điểm giám sát đều lỗi từ 29/05/2026 22:13:05');
    expect(down.text).toContain('Biện pháp xử lý: kiểm tra đường truyền Internet');
    expect(down.text).toContain('do mạng giám sát gián đoạn (chưa kết luận)');
    const up = renderEmail([notification('vantage_up', { riders, createdAt: minutesAfterOpen(30) })], en);
    expect(up.text).toContain('Inconclusive (monitoring network down) (2):');
    expect(up.text).toContain("The prober's network has been working again since 29 May 2026 22:40:05.");
  });

  it('lists what is still down when a maintenance window ends', () => {
    const maintenanceHold = { by: 'maintenance' as const, name: 'cutover', since: new Date('2026-05-29T15:00:00Z') };
    const riders = [incident({ check: 'dvcqg-home', hold: maintenanceHold }), incident({ check: 'ag-motcua', system: 'provincial', hold: maintenanceHold })];
    const { text, html } = renderEmail([notification('maintenance_end', { window: 'cutover', riders, createdAt: new Date('2026-05-29T23:00:00Z') })], vi);
    expect(text).toContain('Đợt bảo trì “cutover” đã kết thúc lúc 30/05/2026 06:00:00. Các kiểm tra dưới đây vẫn còn gián đoạn.');
    expect(text).toContain('Còn gián đoạn sau bảo trì (2):');
    expect(text).toContain('Gián đoạn: 7 giờ 49 phút');
    expect(text).toContain('do bảo trì theo kế hoạch “cutover”');
    expect(html).toContain('Còn gián đoạn sau bảo trì (2)');
    const english = renderEmail([notification('maintenance_end', { window: 'cutover', riders, createdAt: new Date('2026-05-29T23:00:00Z') })], en);
    expect(english.text).toContain('Still down after maintenance (2):');
  });
});

describe('renderEmail: other notification bodies', () => {
  it('explains a test mail in both locales', () => {
    expect(renderEmail([notification('test')], vi).text).toContain('Đây là thư thử nghiệm của dvc-sentinel');
    expect(renderEmail([notification('test')], en).text).toContain('This is a test mail from dvc-sentinel');
  });

  it('says when a window ended with nothing down', () => {
    const { text } = renderEmail([notification('maintenance_end', { window: 'nightly-backup', createdAt: new Date('2026-05-29T18:30:00Z') })], vi);
    expect(text).toContain('Đợt bảo trì “nightly-backup” đã kết thúc lúc 30/05/2026 01:30:00. Không còn kiểm tra nào gián đoạn.');
  });
});

describe('renderEmail: HTML', () => {
  it('is a standalone utf-8 document with inline styles and no external assets', () => {
    const { html } = renderEmail([notification('firing', { incident: incident() })], vi);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<table');
    expect(html).toContain('#b91c1c');
    expect(html).not.toMatch(/<link|<script|<img|<style|url\(|@import/i);
    expect(html).not.toMatch(/\bsrc=/i);
  });

  it('declares English when rendering English', () => {
    expect(renderEmail([notification('test')], en).html).toContain('<html lang="en">');
  });
});

const TEMPLATE_ELEMENTS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'div', 'p', 'ul', 'li', 'table', 'tr', 'th', 'td', 'a', 'span', 'br']);
// "html" is the word after <!DOCTYPE, which the scanner reads as an attribute.
const TEMPLATE_ATTRIBUTES = new Set([
  'lang',
  'charset',
  'name',
  'content',
  'style',
  'role',
  'width',
  'cellpadding',
  'cellspacing',
  'colspan',
  'scope',
  'href',
  'html',
]);

/** Every element and attribute name in the markup: escaped text can add none beyond the template's own. */
function markupOf(html: string): { elements: Set<string>; attributes: Set<string> } {
  const elements = new Set<string>();
  const attributes = new Set<string>();
  for (const [, tag = ''] of html.matchAll(/<([^>]*)>/g)) {
    const name = /^\/?([!a-zA-Z][a-zA-Z0-9]*)/.exec(tag)?.[1];
    if (name !== undefined) elements.add(name.toLowerCase());
    const rest = tag.replace(/^\/?[!a-zA-Z][a-zA-Z0-9]*/, '').replace(/"[^"]*"/g, '');
    for (const [, attribute = ''] of rest.matchAll(/([^\s=]+)/g)) attributes.add(attribute.toLowerCase());
  }
  return { elements, attributes };
}

describe('renderEmail: hostile input', () => {
  const hostileIncident = incident({
    check: 'dvcqg-<b>home</b>',
    system: 'portal"><img src=x onerror=alert(3)>',
    lastMessage: HOSTILE,
    last: { ...incident().last, message: HOSTILE },
    hold: { by: 'parent', name: '<svg onload=alert(4)>', since: OPENED },
  });
  const hostileRider = incident({ check: 'rider<i>', lastMessage: HOSTILE, hold: { by: 'parent', name: 'x&y', since: OPENED } });
  const hostileContext: MailContext = {
    ...vi,
    location: 'an-giang<script>',
    links: { dashboard: 'https://grafana.example/d/x?a=1&b="2"', statusPage: 'javascript:alert(5)' },
  };

  it('escapes everything that came from an endpoint or the config in the HTML part', () => {
    const mails = [
      renderEmail([notification('firing', { incident: hostileIncident, riders: [hostileRider], window: '<u>cutover</u>' })], hostileContext),
      renderEmail([notification('maintenance_end', { window: 'cut<over>', riders: [hostileRider] })], hostileContext),
      renderEmail([notification('vantage_down', { riders: [hostileRider] }), notification('test')], hostileContext),
    ];
    for (const { html } of mails) {
      expect(html).not.toMatch(/<script|<img|<svg|<b>|<i>|<u>|<over>/i);
      const markup = markupOf(html);
      expect([...markup.elements].filter((name) => !TEMPLATE_ELEMENTS.has(name))).toEqual([]);
      expect([...markup.attributes].filter((name) => !TEMPLATE_ATTRIBUTES.has(name))).toEqual([]);
    }
    const [firing] = mails;
    expect(firing?.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; co');
    expect(firing?.html).toContain('dvcqg-&lt;b&gt;home&lt;/b&gt;');
    expect(firing?.html).toContain('an-giang&lt;script&gt;');
    expect(firing?.html).toContain('&lt;svg onload=alert(4)&gt;');
    expect(firing?.html).toContain('href="https://grafana.example/d/x?a=1&amp;b=&quot;2&quot;"');
    expect(firing?.html).not.toMatch(/href="javascript:/i);
    expect(firing?.html).toContain('<title>[SỰ CỐ] portal&quot;&gt;&lt;img');
  });

  it('keeps the plain-text part plain: the raw characters, no entities', () => {
    const { text } = renderEmail([notification('firing', { incident: hostileIncident, riders: [hostileRider] })], hostileContext);
    expect(text).toContain(HOSTILE);
    expect(text).toContain('Kiểm tra: dvcqg-<b>home</b>');
    expect(text).toContain('do x&y đang sự cố');
    expect(text).not.toMatch(/&(lt|gt|amp|quot|#39);/);
  });

  it('never lets CR or LF into the subject, whatever the check, window or location says', () => {
    const injected = 'dvcqg-home\r\nBcc: everyone@example.vn\r\n\r\n<html>';
    const subjects = [
      renderEmail([notification('firing', { incident: incident({ check: injected, system: 'national-portal\nX-Evil: 1' }) })], vi).subject,
      renderEmail([notification('maintenance_end', { window: 'cutover\r\nBcc: a@b', riders: [incident({ check: injected })] })], vi).subject,
      renderEmail([notification('vantage_down')], { ...vi, location: 'an-giang\r\nBcc: a@b' }).subject,
      renderEmail(
        [notification('firing', { incident: incident({ check: injected }) }), notification('firing', { incident: incident({ check: 'b\u2028c' }) })],
        vi,
      ).subject,
      renderEmail([notification('test')], { ...vi, location: '\u202eevil\t\vlocation' }).subject,
    ];
    for (const subject of subjects) {
      expect(subject).not.toMatch(/[\r\n\t\v\u2028\u2029\u202e]/);
      expect(subject).not.toMatch(/ {2}/);
    }
    expect(subjects[0]).toBe('[SỰ CỐ] national-portal X-Evil: 1 — dvcqg-home Bcc: everyone@example.vn <html> không truy cập được (timeout)');
  });

  it('keeps one-line fields on one line in the text part', () => {
    const { text } = renderEmail([notification('firing', { incident: incident({ lastMessage: 'line one\r\nline two' }) })], vi);
    expect(text).toContain('Lỗi gần nhất: line one line two');
  });

  it('cuts very long endpoint messages', () => {
    const { text } = renderEmail([notification('firing', { incident: incident({ lastMessage: 'x'.repeat(5000) }) })], vi);
    const line = text.split('\n').find((candidate) => candidate.startsWith('Lỗi gần nhất: ')) ?? '';
    expect([...line.slice('Lỗi gần nhất: '.length)].length).toBe(500);
    expect(line.endsWith('…')).toBe(true);
  });

  it('keeps a long single subject under the limit', () => {
    const { subject } = renderEmail([notification('firing', { incident: incident({ check: 'c'.repeat(300) }) })], vi);
    expect([...subject].length).toBe(150);
    expect(subject.endsWith('…')).toBe(true);
  });
});

describe('renderEmail: time zone', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('prints Vietnam wall time whatever the machine zone is', () => {
    process.env.TZ = 'Europe/London';
    const { text } = renderEmail([notification('firing', { incident: incident() })], vi);
    expect(text).toContain('Thời điểm phát hiện: 29/05/2026 22:10:05');
    expect(text).toContain('Tạo lúc 30/05/2026 00:26:05 (giờ Việt Nam, UTC+7)');
  });
});
