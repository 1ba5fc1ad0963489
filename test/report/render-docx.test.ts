// The .docx report opened by a real reader: LibreOffice (headless, Debian libreoffice-writer-nogui)
// converts it to PDF and poppler's pdftotext (Debian poppler-utils) reads the text back, so the
// document is proven to open and to carry the frame, the words and the numbers. Both tools missing
// skip the test on a developer machine; under CI they fail it.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportDocx } from '../../src/report/render-docx.ts';
import type { CheckFigures, Report } from '../../src/report/report-model.ts';
import { findExecutable, isRunnable, requireExecutable, runExecutable } from '../support/run-executable.ts';

const HOSTILE = '<script>alert("x")</script> & </w:t>';
const DAY = 86_400;

function check(name: string, system: string, figures: Partial<CheckFigures>): CheckFigures {
  return {
    name,
    system,
    kind: 'http',
    probes: 2880,
    failures: 0,
    failuresByReason: {},
    latency: { p50: 0.2345, p95: 1.5, max: 2.75 },
    downSeconds: 0,
    observedSeconds: DAY,
    excludedSeconds: 0,
    notObservedSeconds: 0,
    availabilityPercent: 100,
    flaps: 0,
    ...figures,
  };
}

/** A day from 15:30 to 15:30 Vietnam time: an outage across midnight, one still open, a maintenance night. */
function sampleReport(locale: Report['locale']): Report {
  return {
    name: 'daily',
    unit: 'Sở Khoa học và Công nghệ tỉnh An Giang',
    signer: 'Nguyễn Thị Hồng Nhung',
    locale,
    generatedAt: new Date('2026-12-03T08:30:05Z'),
    window: { from: new Date('2026-12-02T08:30:00Z'), to: new Date('2026-12-03T08:30:00Z') },
    verdict: 'outage',
    checks: [
      check('national-home', 'national-portal', {
        failures: 40,
        failuresByReason: { timeout: 40 },
        downSeconds: 1200,
        availabilityPercent: 98.611_111,
      }),
      check('national-tls', 'national-portal', { kind: 'tls', latency: { p50: 0.05, p95: 0.08, max: 0.1 }, tlsDaysLeft: 47 }),
      check('provincial-login', 'provincial', {
        failures: 91,
        failuresByReason: { http_status: 91 },
        downSeconds: 2730,
        observedSeconds: DAY - 3600,
        excludedSeconds: 3600,
        availabilityPercent: 96.702_898,
        sync: { unit: 'seconds', lagMax: 5400, lagP95: 1800, backlogMax: 1234 },
      }),
    ],
    systems: [
      {
        name: 'national-portal',
        probes: 5760,
        failures: 40,
        latency: { p50: 0.2, p95: 1.4, max: 2.75 },
        downSeconds: 1200,
        observedSeconds: DAY,
        excludedSeconds: 0,
        notObservedSeconds: 0,
        availabilityPercent: 98.611_111,
      },
      {
        name: 'provincial',
        probes: 2880,
        failures: 91,
        latency: { p50: 0.2345, p95: 1.5, max: 2.75 },
        downSeconds: 2730,
        observedSeconds: DAY - 3600,
        excludedSeconds: 3600,
        notObservedSeconds: 0,
        availabilityPercent: 96.702_898,
      },
    ],
    incidents: [
      {
        id: 'inc-1',
        check: 'provincial-login',
        system: 'provincial',
        severity: 'critical',
        // 23:40:00 on 2 December to 00:25:30 on 3 December, Vietnam time.
        startedAt: new Date('2026-12-02T16:40:00Z'),
        endedAt: new Date('2026-12-02T17:25:30Z'),
        durationSeconds: 2730,
        reason: 'http_status',
        heldChecks: ['hoso-sync'],
        notificationsSent: 2,
        // What the duty desk wrote, in the Vietnamese sample only (the English one keeps its page layout).
        ...(locale === 'vi'
          ? {
              acknowledgedBy: 'lan',
              acknowledgedAt: new Date('2026-12-02T16:50:00Z'),
              timeToAcknowledgeSeconds: 600,
              timeToResolveSeconds: 2730,
              handling: { cause: `Máy chủ xác thực quá tải ${HOSTILE}`, plan: 'Thêm máy chủ', result: 'Đã bổ sung máy chủ xác thực' },
            }
          : {}),
      },
      {
        id: 'inc-2',
        check: 'national-home',
        system: 'national-portal',
        severity: 'critical',
        startedAt: new Date('2026-12-03T08:10:00Z'),
        durationSeconds: 1200,
        reason: 'timeout',
        heldChecks: [],
        notificationsSent: 1,
      },
    ],
    ...(locale === 'vi'
      ? {
          handling: [
            { system: 'national-portal', incidents: 1, acknowledged: 0, resolved: 0 },
            { system: 'provincial', incidents: 1, acknowledged: 1, medianAcknowledgeSeconds: 600, resolved: 1, medianResolveSeconds: 2730 },
          ],
        }
      : {}),
    maintenance: [
      {
        name: `Nâng cấp máy chủ cơ sở dữ liệu ${HOSTILE}`,
        from: new Date('2026-12-02T19:00:00Z'),
        to: new Date('2026-12-02T20:00:00Z'),
        checks: ['provincial-login'],
      },
    ],
    hours: [],
    objectives: [
      {
        scope: 'system',
        name: 'national-portal',
        target: 99.5,
        period: 'month',
        bounds: { from: new Date('2026-11-30T17:00:00Z'), to: new Date('2026-12-31T17:00:00Z') },
        availabilityPercent: 99.6377,
        downSeconds: 600,
        met: true,
        budgetRemainingSeconds: 12_756,
      },
      {
        scope: 'check',
        name: 'provincial-login',
        target: 99.99,
        period: 'month',
        bounds: { from: new Date('2026-11-30T17:00:00Z'), to: new Date('2026-12-31T17:00:00Z') },
        availabilityPercent: 96.702_898,
        downSeconds: 2730,
        met: false,
        budgetRemainingSeconds: -2462.88,
      },
    ],
  };
}

/**
 * Compares without whitespace: table cells wrap, and the PDF's glyph positions make pdftotext split
 * some justified Vietnamese words ("th ời"), which says nothing about the document.
 */
function squash(value: string): string {
  return value.replace(/\s+/g, '');
}

function expectText(actual: string): { toContain(expected: string): void; not: { toContain(expected: string): void } } {
  return {
    toContain: (expected) => expect(squash(actual), `"${expected}" in the PDF text`).toContain(squash(expected)),
    not: { toContain: (expected) => expect(squash(actual), `"${expected}" not in the PDF text`).not.toContain(squash(expected)) },
  };
}

const soffice = findExecutable('soffice');
const pdftotext = findExecutable('pdftotext');

describe.skipIf(!isRunnable(soffice) || !isRunnable(pdftotext))('the .docx report in LibreOffice', () => {
  let directory: string;
  // The sample in both locales, and a quiet day rendered with no unit, signer or layout options.
  const text: Record<'vi' | 'en' | 'quiet', string> = { vi: '', en: '', quiet: '' };
  let pageInfo = '';

  beforeAll(async () => {
    const office = requireExecutable(soffice, 'soffice', 'libreoffice-writer-nogui');
    const toText = requireExecutable(pdftotext, 'pdftotext', 'poppler-utils');
    directory = await mkdtemp(path.join(tmpdir(), 'dvc-docx-'));
    await writeFile(
      path.join(directory, 'vi.docx'),
      await renderReportDocx(sampleReport('vi'), {
        place: 'An Giang',
        symbol: 'BC-SKHCN',
        addressee: 'Phòng PC06 - Công an tỉnh An Giang',
        recipients: ['Như trên', 'Công an tỉnh (PC06)'],
      }),
    );
    await writeFile(
      path.join(directory, 'en.docx'),
      await renderReportDocx({ ...sampleReport('en'), lateFor: new Date('2026-12-03T08:30:00Z') }, { place: 'An Giang', number: '12' }),
    );
    const { unit: _unit, signer: _signer, ...unnamed } = sampleReport('vi');
    const quiet: Report = { ...unnamed, verdict: 'normal', incidents: [], maintenance: [] };
    await writeFile(path.join(directory, 'quiet.docx'), await renderReportDocx(quiet));
    // Its own profile: parallel runs (and a desktop LibreOffice) would otherwise share one and collide.
    const profile = pathToFileURL(path.join(directory, 'profile')).href;
    const converted = await runExecutable(
      office,
      [
        `-env:UserInstallation=${profile}`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        directory,
        ...['vi', 'en', 'quiet'].map((name) => path.join(directory, `${name}.docx`)),
      ],
      { timeoutMs: 90_000 },
    );
    expect(converted.exitCode, converted.output).toBe(0);
    expect((await readdir(directory)).filter((name) => name.endsWith('.pdf')).sort()).toEqual(['en.pdf', 'quiet.pdf', 'vi.pdf']);
    for (const locale of ['vi', 'en', 'quiet'] as const) {
      const read = await runExecutable(toText, [path.join(directory, `${locale}.pdf`), '-']);
      expect(read.exitCode, read.output).toBe(0);
      text[locale] = read.stdout;
    }
    const pdfinfo = findExecutable('pdfinfo');
    if (pdfinfo !== undefined) pageInfo = (await runExecutable(pdfinfo, [path.join(directory, 'vi.pdf')])).stdout;
  }, 120_000);

  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('carries the administrative frame: unit in capitals, emblem lines, number, place and date, title, addressee, recipients, signer', () => {
    const vi = text.vi;
    expectText(vi).toContain('SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH AN GIANG');
    expectText(vi).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expectText(vi).toContain('Độc lập - Tự do - Hạnh phúc');
    // The number is left blank for the clerk; pdftotext reads the gap as a column break.
    expect(vi).toMatch(/Số:\s/);
    expectText(vi).toContain('/BC-SKHCN');
    // Generated 08:30 UTC on 3 December: the date is Vietnam's.
    expectText(vi).toContain('An Giang, ngày 03 tháng 12 năm 2026');
    expectText(vi).toContain('BÁO CÁO');
    expectText(vi).toContain('từ 02/12/2026 15:30:00 đến 03/12/2026 15:30:00');
    expectText(vi).toContain('Kính gửi: Phòng PC06 - Công an tỉnh An Giang');
    expectText(vi).toContain('Nơi nhận:');
    expectText(vi).toContain('- Như trên; - Công an tỉnh (PC06); - Lưu: VT.');
    expectText(vi).toContain('NGƯỜI BÁO CÁO');
    expectText(vi).toContain('Nguyễn Thị Hồng Nhung');
    if (pageInfo !== '') expect(pageInfo).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
  });

  it('shows what the duty desk wrote: the medians per system, the cause and plan in III, the result in IV', () => {
    const vi = text.vi;
    expectText(vi).toContain('Tiếp nhận và xử lý sự cố:');
    // A system's row: incidents, acknowledged, the median to acknowledge, ended, the median to end.
    expectText(vi).toContain('Hệ thống TTHC tỉnh 1 1 10 phút 1 45 phút');
    expectText(vi).toContain(`Nguyên nhân: Máy chủ xác thực quá tải ${HOSTILE}; Phương án xử lý: Thêm máy chủ.`);
    expectText(vi).toContain('Kết quả xử lý: Đã bổ sung máy chủ xác thực.');
  });

  it('keeps hostile text as plain text', () => {
    expectText(text.vi).toContain(`Nâng cấp máy chủ cơ sở dữ liệu ${HOSTILE}: 03/12/2026 02:00:00 – 03/12/2026 03:00:00 (provincial-login)`);
  });

  it('has the sections in order, the figures with Vietnamese separators and the incidents with their times', () => {
    const vi = text.vi;
    const order = ['I. TÌNH HÌNH HOẠT ĐỘNG', 'II. SỰ CỐ PHÁT SINH', 'III. NGUYÊN NHÂN', 'IV. KẾT QUẢ XỬ LÝ', 'V. KIẾN NGHỊ, ĐỀ XUẤT', 'Cách tính:'].map(
      (heading) => squash(vi).indexOf(squash(heading)),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expectText(vi).toContain('Có hệ thống gián đoạn trong kỳ báo cáo');
    for (const figure of [
      '98,61%',
      '96,70%',
      '100,00%',
      '2.880',
      '5.760',
      '234,5 ms',
      '1.500,0 ms',
      '2.750,0 ms',
      '45 phút',
      '20 phút',
      '1 giờ 30 phút',
      'tồn 1.234 hồ sơ',
      '47',
    ])
      expectText(vi).toContain(figure);
    expectText(vi).toContain('Cổng DVC quốc gia');
    expectText(vi).toContain('Hệ thống TTHC tỉnh: loại trừ (bảo trì) 1 giờ; không quan sát được 0 giây.');
    // The outage across midnight, start and end on their own days; the open one still going on.
    expectText(vi).toContain('02/12/2026 23:40:00');
    expectText(vi).toContain('03/12/2026 00:25:30');
    expectText(vi).toContain('03/12/2026 15:10:00');
    expectText(vi).toContain('đang diễn ra');
    expectText(vi).toContain('hoso-sync');
    expectText(vi).toContain('provincial-login: đã khôi phục lúc 03/12/2026 00:25:30, gián đoạn 45 phút.');
    expectText(vi).toContain('national-home: sự cố đang diễn ra từ 03/12/2026 15:10:00');
    expectText(vi).toContain('(Đơn vị bổ sung nội dung.)');
    // I.3, the objectives: what is left of one budget (rounded down), by how much the other was exceeded (rounded up).
    // The check's name is cut at its hyphen where the narrow cell wraps.
    expect(squash(vi).indexOf(squash('3. Mục tiêu khả dụng'))).toBeLessThan(squash(vi).indexOf(squash('4. Bảo trì')));
    expect(squash(vi).indexOf(squash('4. Bảo trì'))).toBeLessThan(squash(vi).indexOf(squash('II. SỰ CỐ PHÁT SINH')));
    for (const cell of ['Hệ thống Cổng DVC quốc gia', '99,5% mỗi tháng', '01/12/2026 – 31/12/2026', '99,64%', 'Đạt', 'còn 3 giờ 32 phút'])
      expectText(vi).toContain(cell);
    for (const cell of ['Kiểm tra provincial', '99,99% mỗi tháng', 'Không đạt', 'đã vượt 41 phút']) expectText(vi).toContain(cell);
    expectText(vi).toContain('Tỷ lệ sẵn sàng = 100 × (thời gian quan sát − thời gian gián đoạn) / thời gian quan sát');
  });

  it('leaves the unit, place, number and signer for the unit to fill in, and says when nothing happened', () => {
    const quiet = text.quiet;
    expectText(quiet).toContain('……………');
    expectText(quiet).toContain('……………, ngày 03 tháng 12 năm 2026');
    expect(quiet).toMatch(/Số:\s/);
    expectText(quiet).toContain('/BC');
    expectText(quiet).toContain('Kính gửi: Công an tỉnh');
    expectText(quiet).toContain('Các hệ thống hoạt động bình thường trong kỳ báo cáo.');
    expectText(quiet).toContain('Không có sự cố nào trong kỳ báo cáo.');
    expectText(quiet).toContain('Không có đợt bảo trì nào trong kỳ báo cáo.');
    expectText(quiet).toContain('- Như trên; - Lưu: VT.');
    expectText(quiet).toContain('NGƯỜI BÁO CÁO');
    expectText(quiet).not.toContain('đang diễn ra');
  });

  it('speaks English with locale en, frame words included', () => {
    const en = text.en;
    expectText(en).toContain('SOCIALIST REPUBLIC OF VIET NAM');
    expectText(en).toContain('Independence - Freedom - Happiness');
    expectText(en).toContain('No.: 12/BC');
    expectText(en).toContain('An Giang, 3 Dec 2026');
    expectText(en).toContain('REPORT');
    expectText(en).toContain('To: Provincial Police');
    expectText(en).toContain('I. OPERATION');
    expectText(en).toContain('This report is late: it was due at 3 Dec 2026 15:30:00, when the monitor was not running.');
    expectText(en).toContain('98.61%');
    expectText(en).toContain('1,500.0 ms');
    expectText(en).toContain('Availability objectives');
    expectText(en).toContain('exceeded by 41m');
    expectText(en).toContain('ongoing');
    expectText(en).toContain('Recipients:');
    expectText(en).toContain('- As above; - Filed: Office.');
    expectText(en).toContain('REPORTED BY');
    expectText(en).not.toContain('Kính gửi');
    expectText(en).not.toContain('đang diễn ra');
  });
});
