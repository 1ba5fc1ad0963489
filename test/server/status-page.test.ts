import type { Locale } from '../../src/config/alerting-config.ts';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/text/escape-html.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createRoutes, HTML_CONTENT_TYPE } from '../../src/server/routes.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import {
  CERTIFICATE_WARN_DAYS,
  groupChecksBySystem,
  isStatusPageSnapshot,
  renderStatusPage,
  STATUS_PAGE_TITLE,
  type StatusPageCheck,
  type StatusPageSnapshot,
} from '../../src/server/status-page.ts';
import type { Incident } from '../../src/state/incident.ts';

// 22:10:05 in Vietnam (UTC+7).
const NOW = '2026-05-29T15:10:05.000Z';

function check(overrides: Partial<StatusPageCheck> & Pick<StatusPageCheck, 'name' | 'system'>): StatusPageCheck {
  return {
    kind: 'http',
    target: 'GET https://dichvucong.gov.vn',
    status: 'ok',
    since: '2026-05-29T14:28:05.000Z',
    consecutiveFailures: 0,
    intervalSeconds: 60,
    last: {
      at: '2026-05-29T15:09:50.000Z',
      status: 'ok',
      message: 'HTTP 200 from dichvucong.gov.vn',
      durationSeconds: 0.2345,
      phases: { dns: 0.0012, connect: 0.0105, tls: 0.0321, ttfb: 0.1502, transfer: 0.0405 },
      httpStatus: 200,
    },
    ...overrides,
  };
}

function incident(overrides: Partial<Incident> & Pick<Incident, 'check' | 'system'>): Incident {
  const openedAt = new Date('2026-05-29T13:55:05.000Z');
  return {
    id: `${overrides.check}-abc`,
    severity: 'critical',
    openedAt,
    firstReason: 'http_status',
    firstMessage: 'HTTP 503 from dichvucong.gov.vn',
    lastReason: 'http_status',
    lastMessage: 'HTTP 503 from dichvucong.gov.vn',
    probes: 12,
    failedProbes: 11,
    last: {
      at: new Date(NOW),
      status: 'critical',
      reason: 'http_status',
      message: 'HTTP 503 from dichvucong.gov.vn',
      durationSeconds: 0.05,
      phases: {},
      httpStatus: 503,
    },
    announced: true,
    ...overrides,
  };
}

function snapshot(overrides: Partial<StatusPageSnapshot> = {}): StatusPageSnapshot {
  const checks = overrides.checks ?? [
    check({ name: 'national-home', system: 'national-portal' }),
    check({ name: 'provincial-login', system: 'provincial', target: 'GET https://dichvucong.tinh.gov.vn' }),
    check({ name: 'national-tls', system: 'national-portal', kind: 'tls', target: 'dichvucong.gov.vn:443' }),
  ];
  return {
    version: '0.1.0',
    location: 'Sở TT&TT tỉnh',
    startedAt: '2026-05-29T01:00:00.000Z',
    generatedAt: NOW,
    summary: { ok: checks.length, warning: 0, critical: 0, unknown: 0 },
    checks,
    incidents: [],
    ...overrides,
  };
}

/** The HTML of one check's table row. */
function rowOf(html: string, name: string): string {
  const start = html.indexOf(`<tr class="check`, html.indexOf(`data-check="${escapeHtml(name)}"`) - 200);
  const match = new RegExp(`<tr class="check[^>]*data-check="${escapeHtml(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[\\s\\S]*?</tr>`).exec(
    html.slice(start),
  );
  if (!match) throw new Error(`no row for ${name}`);
  return match[0];
}

/** The inner HTML of one labelled cell of a row. */
function cellOf(row: string, label: string): string {
  const match = new RegExp(`<td data-label="${label}"(?: class="none")?><div>(.*?)</div></td>`).exec(row);
  if (!match) throw new Error(`no cell ${label} in ${row}`);
  return match[1] ?? '';
}

function summaryCount(html: string, status: string): number {
  const match = new RegExp(`<li class="s-${status}[^"]*" data-status="${status}"><span class="count">(\\d+)</span>`).exec(html);
  if (!match) throw new Error(`no summary item for ${status}`);
  return Number(match[1]);
}

describe('renderStatusPage', () => {
  it('escapes every text that comes from the snapshot, in content and in attributes', () => {
    const hostile = (field: string) => `<img src=x onerror="alert('${field}')">&<script>${field}</script>`;
    const page = renderStatusPage(
      snapshot({
        version: hostile('version'),
        location: hostile('location'),
        summary: { ok: 0, warning: 1, critical: 1, unknown: 0 },
        checks: [
          check({
            name: hostile('name'),
            system: hostile('system'),
            target: hostile('target'),
            status: 'critical',
            last: {
              at: NOW,
              status: 'critical',
              reason: hostile('reason'),
              message: hostile('message'),
              durationSeconds: 1,
              phases: {},
              addresses: [hostile('address')],
            },
          }),
        ],
        incidents: [
          incident({
            id: hostile('id'),
            check: hostile('incident-check'),
            system: hostile('incident-system'),
            severity: 'warning',
            lastReason: hostile('incident-reason') as Incident['lastReason'],
            lastMessage: hostile('incident-message'),
            hold: { by: 'maintenance', name: hostile('window'), since: new Date(NOW) },
          }),
        ],
      }),
    );
    for (const field of [
      'version',
      'location',
      'name',
      'system',
      'target',
      'reason',
      'message',
      'address',
      'id',
      'incident-check',
      'incident-system',
      'incident-reason',
      'incident-message',
      'window',
    ]) {
      expect(page, field).toContain(escapeHtml(hostile(field)));
    }
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<script');
    expect(page).not.toMatch(/"alert/);
    // Attribute values cannot be closed early either.
    expect(page).toContain(`data-check="${escapeHtml(hostile('name'))}"`);
  });

  it('shows an unexpected status value as Chưa rõ, never as a class name or raw text', () => {
    const page = renderStatusPage(snapshot({ checks: [check({ name: 'odd', system: 'provincial', status: 'x" onclick="y' as StatusPageCheck['status'] })] }));
    expect(rowOf(page, 'odd')).toContain('<span class="badge s-unknown">Chưa rõ</span>');
    expect(page).not.toContain('onclick');
  });

  it('ignores a dangerous time string rather than printing it', () => {
    const page = renderStatusPage(snapshot({ checks: [check({ name: 'odd-time', system: 'provincial', since: '<b>yesterday</b>' })] }));
    expect(page).not.toContain('yesterday');
    expect(cellOf(rowOf(page, 'odd-time'), 'Từ lúc')).toBe('—');
  });

  it('has the title, the location and the generation time in Vietnam time, and loads nothing from outside', () => {
    const page = renderStatusPage(snapshot());
    expect(page).toContain(`<title>${STATUS_PAGE_TITLE}</title>`);
    expect(page).toContain('<h1>Giám sát Cổng Dịch vụ công — dvc-sentinel</h1>');
    expect(page).toContain('Điểm giám sát: <strong>Sở TT&amp;TT tỉnh</strong>');
    expect(page).toContain('Cập nhật lúc <strong>29/05/2026 22:10:05</strong> (giờ Việt Nam, UTC+7)');
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta http-equiv="refresh" content="30">');
    expect(page).toContain('<html lang="vi">');
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\/(?!dichvucong)/);
  });

  it('prints Vietnam time whatever the process time zone, crossing midnight correctly', () => {
    const previous = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // 17:30 UTC on the 29th is 00:30 on the 30th in Vietnam.
      const page = renderStatusPage(
        snapshot({
          generatedAt: '2026-05-29T17:30:00.000Z',
          checks: [check({ name: 'national-home', system: 'national-portal', since: '2026-05-29T16:50:00.000Z' })],
        }),
      );
      expect(page).toContain('Cập nhật lúc <strong>30/05/2026 00:30:00</strong>');
      // Since 23:50 on the day before: the date is shown, and the age.
      expect(rowOf(page, 'national-home')).toContain('23:50:00 ngày 29/05/2026<span class="sub">đã 40 phút</span>');
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('counts the summary from the snapshot and says what needs attention first', () => {
    const page = renderStatusPage(snapshot({ summary: { ok: 4, warning: 2, critical: 1, unknown: 3 } }));
    expect(summaryCount(page, 'ok')).toBe(4);
    expect(summaryCount(page, 'warning')).toBe(2);
    expect(summaryCount(page, 'critical')).toBe(1);
    expect(summaryCount(page, 'unknown')).toBe(3);
    expect(page).toMatch(/data-status="critical">.*Sự cố.*data-status="warning">.*Cảnh báo.*data-status="unknown">.*Chưa rõ.*data-status="ok">.*Bình thường/);
    expect(page).toContain('<p class="overall">1 kiểm tra đang gặp sự cố; 2 kiểm tra có cảnh báo; 3 kiểm tra chưa rõ tình trạng.</p>');
    expect(renderStatusPage(snapshot({ summary: { ok: 2, warning: 1, critical: 0, unknown: 0 } }))).toContain('<p class="overall">1 kiểm tra có cảnh báo.</p>');
    expect(renderStatusPage(snapshot())).toContain('<p class="overall">Tất cả kiểm tra đều bình thường.</p>');
  });

  it('groups checks by system under display names, in the order systems first appear', () => {
    const page = renderStatusPage(
      snapshot({
        checks: [
          check({ name: 'national-home', system: 'national-portal' }),
          check({ name: 'payment-gateway', system: 'kho-bac' }),
          check({ name: 'provincial-login', system: 'provincial' }),
          check({ name: 'national-tls', system: 'national-portal' }),
        ],
      }),
    );
    const groups = [...page.matchAll(/<tbody data-system="([^"]*)"><tr class="system"><th colspan="9" scope="rowgroup">(.*?)<\/th><\/tr>(.*?)<\/tbody>/g)].map(
      (match) => ({
        system: match[1],
        heading: match[2],
        checks: [...(match[3] ?? '').matchAll(/data-check="([^"]*)"/g)].map((row) => row[1]),
      }),
    );
    expect(groups).toEqual([
      { system: 'national-portal', heading: 'Cổng DVC quốc gia <span class="sub-inline">(national-portal)</span>', checks: ['national-home', 'national-tls'] },
      { system: 'kho-bac', heading: 'kho-bac', checks: ['payment-gateway'] },
      { system: 'provincial', heading: 'Hệ thống TTHC tỉnh <span class="sub-inline">(provincial)</span>', checks: ['provincial-login'] },
    ]);
    expect(groupChecksBySystem([]).length).toBe(0);
  });

  it('shows each status as a coloured badge with its word', () => {
    const page = renderStatusPage(
      snapshot({
        checks: (['ok', 'warning', 'critical', 'unknown'] as const).map((status) => check({ name: `c-${status}`, system: 'provincial', status })),
      }),
    );
    expect(rowOf(page, 'c-ok')).toContain('<span class="badge s-ok">Bình thường</span>');
    expect(rowOf(page, 'c-warning')).toContain('<span class="badge s-warning">Cảnh báo</span>');
    expect(rowOf(page, 'c-critical')).toContain('<span class="badge s-critical">Sự cố</span>');
    expect(rowOf(page, 'c-unknown')).toContain('<span class="badge s-unknown">Chưa rõ</span>');
  });

  it('shows a check row with target, since and age, last result, latency with a decimal comma, phases and HTTP status', () => {
    const row = rowOf(renderStatusPage(snapshot()), 'national-home');
    expect(row).toContain('<strong class="name">national-home</strong><span class="sub target">HTTP · GET https://dichvucong.gov.vn</span>');
    expect(cellOf(row, 'Từ lúc')).toBe('21:28:05<span class="sub">đã 42 phút</span>');
    expect(row).toContain('<span class="message">HTTP 200 from dichvucong.gov.vn</span><span class="sub">lúc 22:09:50</span>');
    expect(cellOf(row, 'Độ trễ')).toBe('234,5 ms<span class="sub">DNS 1,2 ms · TCP 10,5 ms · TLS 32,1 ms · TTFB 150,2 ms · Tải nội dung 40,5 ms</span>');
    expect(cellOf(row, 'HTTP')).toBe('200');
    // Nothing to say: a dash on wide screens, left out of the phone's card.
    expect(row).toContain('<td data-label="Chứng chỉ" class="none"><div>—</div></td>');
    expect(row).toContain('<td data-label="Đồng bộ" class="none"><div>—</div></td>');
  });

  it('names the failure in Vietnamese above the probe message and counts consecutive failures', () => {
    const row = rowOf(
      renderStatusPage(
        snapshot({
          checks: [
            check({
              name: 'national-home',
              system: 'national-portal',
              status: 'critical',
              consecutiveFailures: 7,
              since: '2026-05-29T12:55:05.000Z',
              last: {
                at: NOW,
                status: 'critical',
                reason: 'http_status',
                message: 'HTTP 503 from dichvucong.gov.vn',
                durationSeconds: 0.0503,
                phases: { connect: 0.001, ttfb: 0.049 },
                httpStatus: 503,
              },
            }),
          ],
        }),
      ),
      'national-home',
    );
    expect(row).toContain('<span class="badge s-critical">Sự cố</span><span class="sub">7 lần lỗi liên tiếp</span>');
    expect(row).toContain('<strong class="headline">báo lỗi HTTP 503</strong><span class="message">HTTP 503 from dichvucong.gov.vn</span>');
    expect(row).toContain('đã 2 giờ 15 phút');
    expect(row).toContain('50,3 ms<span class="sub">TCP 1,0 ms · TTFB 49,0 ms</span>');
    expect(row).toContain('class="check s-critical-row"');
  });

  it.each([
    [90, false, 'còn 90 ngày'],
    [CERTIFICATE_WARN_DAYS, false, 'còn 14 ngày'],
    [CERTIFICATE_WARN_DAYS - 1, true, 'còn 13 ngày — sắp hết hạn'],
    [0, true, 'còn 0 ngày — sắp hết hạn'],
    [-3, true, 'đã hết hạn'],
  ])('shows %i certificate days left, highlighted: %s', (daysLeft, highlighted, words) => {
    const row = rowOf(
      renderStatusPage(
        snapshot({
          checks: [
            check({
              name: 'national-tls',
              system: 'national-portal',
              kind: 'tls',
              last: {
                at: NOW,
                status: 'ok',
                message: 'certificate ok',
                durationSeconds: 0.03,
                phases: { connect: 0.001, tls: 0.02 },
                certificateDaysLeft: daysLeft,
                certificateExpiresAt: '2026-08-27T04:00:00.000Z',
              },
            }),
          ],
        }),
      ),
      'national-tls',
    );
    const cell = cellOf(row, 'Chứng chỉ');
    expect(cell).toContain(words);
    expect(cell).toContain('<span class="sub">hết hạn 27/08/2026</span>');
    expect(cell.includes('class="cert-low"')).toBe(highlighted);
  });

  it('shows sync lag, backlog and mismatches when the snapshot carries them', () => {
    const sync = (name: string, facts: NonNullable<NonNullable<StatusPageCheck['last']>['sync']>) =>
      check({ name, system: 'sync', kind: 'sync', last: { at: NOW, status: 'ok', message: 'lag 2 s', durationSeconds: 0.01, phases: {}, sync: facts } });
    const page = renderStatusPage(
      snapshot({
        checks: [
          sync('lag-seconds', { mode: 'lag', unit: 'seconds', lag: 8100, backlog: 1234 }),
          sync('lag-items', { mode: 'lag', unit: 'items', lag: 42 }),
          sync('parity', { mode: 'parity', unit: 'items', mismatchCount: 3, comparedCount: 1500 }),
        ],
      }),
    );
    expect(cellOf(rowOf(page, 'lag-seconds'), 'Đồng bộ')).toBe('chậm 2 giờ 15 phút<br>tồn 1.234 hồ sơ');
    expect(cellOf(rowOf(page, 'lag-items'), 'Đồng bộ')).toBe('chậm 42 hồ sơ');
    expect(cellOf(rowOf(page, 'parity'), 'Đồng bộ')).toBe('lệch 3 / 1.500');
  });

  it('lists DNS addresses with the last result', () => {
    const row = rowOf(
      renderStatusPage(
        snapshot({
          checks: [
            check({
              name: 'portal-dns',
              system: 'national-portal',
              kind: 'dns',
              target: 'dichvucong.gov.vn A',
              last: { at: NOW, status: 'ok', message: 'resolved', durationSeconds: 0.004, phases: { dns: 0.004 }, addresses: ['203.0.113.10', '203.0.113.11'] },
            }),
          ],
        }),
      ),
      'portal-dns',
    );
    expect(row).toContain('<span class="sub">Địa chỉ: 203.0.113.10, 203.0.113.11</span>');
    expect(row).toContain('DNS · dichvucong.gov.vn A');
  });

  it('lists open incidents, critical and oldest first, with severity, opening time, duration, last error and hold', () => {
    const page = renderStatusPage(
      snapshot({
        incidents: [
          incident({
            check: 'provincial-login',
            system: 'provincial',
            severity: 'warning',
            openedAt: new Date('2026-05-29T11:00:00.000Z'),
            lastReason: 'latency',
            lastMessage: 'took 8.2 s (limit 3 s)',
          }),
          incident({ check: 'national-home', system: 'national-portal' }),
          incident({
            check: 'national-tls',
            system: 'national-portal',
            openedAt: new Date('2026-05-29T14:00:00.000Z'),
            hold: { by: 'parent', name: 'national-home', incidentId: 'national-home-abc', since: new Date('2026-05-29T14:00:05.000Z') },
          }),
        ],
      }),
    );
    expect(page).toContain('<h2 id="incidents">Sự cố đang mở (3)</h2>');
    const order = [...page.matchAll(/<li class="incident"[^>]*data-check="([^"]*)"/g)].map((match) => match[1]);
    expect(order).toEqual(['national-home', 'national-tls', 'provincial-login']);

    const home = /<li class="incident"[^>]*data-check="national-home">.*?<\/li>/.exec(page)?.[0] ?? '';
    expect(home).toContain('<span class="badge s-critical">Nghiêm trọng</span> <span class="name">national-home</span>');
    expect(home).toContain('Cổng DVC quốc gia · GET https://dichvucong.gov.vn');
    expect(home).toContain('<dt>Phát hiện lúc</dt><dd>20:55:05</dd>');
    expect(home).toContain('<dt>Thời gian gián đoạn</dt><dd>1 giờ 15 phút</dd>');
    expect(home).toContain('<dt>Lỗi gần nhất</dt><dd><strong>báo lỗi HTTP 503</strong> — <span class="message">HTTP 503 from dichvucong.gov.vn</span></dd>');
    expect(home).toContain('<dt>Số lần kiểm tra lỗi</dt><dd>11 / 12 lần kiểm tra</dd>');
    expect(home).not.toContain('tạm hoãn');

    const tls = /<li class="incident"[^>]*data-check="national-tls">.*?<\/li>/.exec(page)?.[0] ?? '';
    expect(tls).toContain('<dt>Tạm hoãn thông báo</dt><dd><strong class="held">Đã bị tạm hoãn thông báo từ 21:00:05 do national-home đang sự cố</strong></dd>');

    const provincial = /<li class="incident"[^>]*data-check="provincial-login">.*?<\/li>/.exec(page)?.[0] ?? '';
    expect(provincial).toContain('<span class="badge s-warning">Trung bình</span>');
    expect(provincial).toContain('<strong>phản hồi chậm</strong> — <span class="message">took 8.2 s (limit 3 s)</span>');
    expect(provincial).toContain('<dd>4 giờ 10 phút</dd>');
  });

  it.each([
    [{ by: 'vantage', name: 'vantage' }, 'do mạng giám sát gián đoạn (chưa kết luận)'],
    [{ by: 'maintenance', name: 'Nâng cấp máy chủ' }, 'do bảo trì theo kế hoạch “Nâng cấp máy chủ”'],
  ] as const)('says why mail is held: %o', (hold, why) => {
    const page = renderStatusPage(
      snapshot({ incidents: [incident({ check: 'national-home', system: 'national-portal', hold: { ...hold, since: new Date(NOW) } })] }),
    );
    expect(page).toContain(`Đã bị tạm hoãn thông báo từ 22:10:05 ${why}`);
  });

  it('says plainly that an incident caused by the monitor itself is not the system’s outage', () => {
    const own = incident({
      check: 'national-home',
      system: 'national-portal',
      firstReason: 'internal',
      lastReason: 'internal',
      lastMessage: "internal error: Cannot read properties of undefined (reading 'statusCode')",
      lastDetail: { code: 'internal', params: {} },
    });
    const page = renderStatusPage(snapshot({ incidents: [own, incident({ check: 'national-tls', system: 'national-portal' })] }));
    const home = /<li class="incident"[^>]*data-check="national-home">.*?<\/li>/.exec(page)?.[0] ?? '';
    expect(home).toContain('<strong>chưa kiểm tra được: lỗi của chính hệ thống giám sát</strong>');
    expect(home).toContain('<dt>Ghi chú</dt><dd><strong class="own-fault">Lỗi của chính hệ thống giám sát, không phải của hệ thống được giám sát;');
    expect(home).not.toContain('Cannot read properties');
    const other = /<li class="incident"[^>]*data-check="national-tls">.*?<\/li>/.exec(page)?.[0] ?? '';
    expect(other).not.toContain('Ghi chú');
    expect(renderStatusPage(snapshot({ incidents: [own] }), 'en')).toContain('A fault in the monitor itself, not in the watched system');
  });

  it('says so when there are no checks, no incidents or no result yet', () => {
    const empty = renderStatusPage(
      snapshot({ checks: [], summary: { ok: 0, warning: 0, critical: 0, unknown: 0 }, incidents: undefined, location: undefined }),
    );
    expect(empty).toContain('<p class="empty">Chưa cấu hình kiểm tra nào.</p>');
    expect(empty).toContain('<p class="empty">Không có sự cố nào đang mở.</p>');
    expect(empty).toContain('<p class="overall">Chưa có kiểm tra nào.</p>');
    expect(empty).not.toContain('Điểm giám sát');
    expect(empty).not.toContain('<table');

    const waiting = renderStatusPage(
      snapshot({
        checks: [check({ name: 'national-home', system: 'national-portal', status: 'unknown', last: undefined })],
        summary: { ok: 0, warning: 0, critical: 0, unknown: 1 },
      }),
    );
    const row = rowOf(waiting, 'national-home');
    expect(row).toContain('<span class="muted">Chưa có kết quả</span>');
    expect(cellOf(row, 'Độ trễ')).toBe('—');
    expect(waiting).toContain('<p class="overall">Đang chờ kết quả kiểm tra đầu tiên.</p>');
  });

  it('labels every cell, so that narrow screens can show a row as a card', () => {
    const row = rowOf(renderStatusPage(snapshot()), 'national-home');
    const labels = [...row.matchAll(/<td data-label="([^"]*)"/g)].map((match) => match[1]);
    expect(labels).toEqual(['Tình trạng', 'Kiểm tra', 'Từ lúc', 'Kết quả gần nhất', 'Độ trễ', 'HTTP', 'Chứng chỉ', 'Đồng bộ', '24 giờ qua']);
    expect(renderStatusPage(snapshot())).toMatch(/@media \(max-width:600px\)\{[^]*\.checks td::before\{content:attr\(data-label\)/);
  });
});

describe('isStatusPageSnapshot', () => {
  it.each([
    [snapshot(), true],
    [{ ...snapshot(), incidents: undefined }, true],
    [{ checks: [{ name: 'portal-home', status: 'ok' }] }, false],
    [{ ...snapshot(), incidents: 'none' }, false],
    [null, false],
    ['<html>', false],
  ])('%#: %s', (value, expected) => {
    expect(isStatusPageSnapshot(value)).toBe(expected);
  });
});

describe('GET / on the daemon server', () => {
  const servers: HttpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function serve(status: () => unknown, locale?: () => Locale): Promise<HttpServer> {
    const routes = createRoutes({
      metrics: createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
      health: () => ({ ok: true, reasons: [] }),
      status,
      ...(locale ? { locale } : {}),
    });
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes, log: pino({ level: 'silent' }) });
    servers.push(server);
    return server;
  }

  it('serves the page as UTF-8 HTML, not cached, and answers HEAD with the same headers', async () => {
    const server = await serve(() => snapshot());
    const get = await request(`${server.url}/`);
    const body = await get.body.text();
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe(HTML_CONTENT_TYPE);
    expect(HTML_CONTENT_TYPE).toBe('text/html; charset=utf-8');
    expect(get.headers['cache-control']).toBe('no-store');
    expect(body).toContain('Giám sát Cổng Dịch vụ công');
    expect(Number(get.headers['content-length'])).toBe(Buffer.byteLength(body));

    const head = await request(`${server.url}/`, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe(HTML_CONTENT_TYPE);
    expect(await head.body.text()).toBe('');
  });

  it('speaks the configured locale, read on every request so a reload changes it', async () => {
    let locale: Locale = 'en';
    const server = await serve(
      () => snapshot(),
      () => locale,
    );
    const english = await (await request(`${server.url}/`)).body.text();
    expect(english).toContain('<html lang="en">');
    expect(english).not.toContain('Giám sát Cổng Dịch vụ công');
    locale = 'vi';
    expect(await (await request(`${server.url}/`)).body.text()).toContain('Giám sát Cổng Dịch vụ công');
  });

  it('answers 500 rather than a half page when status() returns something else', async () => {
    const server = await serve(() => ({ checks: 'none' }));
    const reply = await request(`${server.url}/`);
    expect(reply.statusCode).toBe(500);
    expect(await reply.body.text()).not.toContain('<html');
  });
});
