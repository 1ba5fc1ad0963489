import { describe, expect, it } from 'vitest';
import { diagnose, probableCause, suggestRemedy } from '../../src/text/probable-cause.ts';
import { FAILURE_REASONS, type FailureReason, type Phase } from '../../src/probes/probe.ts';

type Phases = Partial<Record<Phase, number>>;

describe('probableCause', () => {
  it.each<[FailureReason | undefined, Phases, number | undefined, string, string]>([
    [
      'dns',
      {},
      undefined,
      'lỗi phân giải tên miền (DNS) — kiểm tra bản ghi DNS, nhất là khi chuyển đổi sang Trung tâm Dữ liệu quốc gia',
      'DNS resolution failed',
    ],
    ['connect', { dns: 0.01 }, undefined, 'không kết nối được tới máy chủ', 'could not connect to the server'],
    ['tls', { dns: 0.01, connect: 0.02 }, undefined, 'chứng chỉ SSL/TLS', 'certificate'],
    [
      'timeout',
      { dns: 0.01 },
      undefined,
      'không thiết lập được kết nối TCP trong thời hạn — có thể máy chủ hoặc đường truyền gặp sự cố',
      'could not establish a TCP connection in time',
    ],
    ['timeout', {}, undefined, 'không thiết lập được kết nối TCP trong thời hạn (hoặc chưa phân giải xong tên miền)', 'or name resolution did not finish'],
    [
      'timeout',
      { dns: 0.01, connect: 0.02, tls: 0.05 },
      undefined,
      'đã kết nối được nhưng máy chủ không phản hồi trong thời hạn',
      'connected, but the server did not answer in time',
    ],
    ['timeout', { dns: 0.01, connect: 0.02, ttfb: 3 }, 200, 'không truyền hết nội dung trong thời hạn', 'did not send the whole body in time'],
    ['timeout', { dns: 0.01, connect: 0.02, ttfb: 3, transfer: 1 }, 200, 'không hoàn tất yêu cầu trong thời hạn', 'did not complete in time'],
    ['http_status', {}, 500, 'máy chủ trả về HTTP 500 — lỗi phía máy chủ', 'HTTP 500 — server-side error'],
    ['http_status', {}, 503, 'HTTP 503 — dịch vụ tạm ngừng hoặc quá tải (lỗi phía máy chủ)', 'HTTP 503 — service unavailable'],
    ['http_status', {}, 502, 'HTTP 502 — cổng kết nối/proxy', 'HTTP 502 — a gateway/proxy'],
    ['http_status', {}, 404, 'HTTP 404 — không tìm thấy địa chỉ', 'HTTP 404 — address not found'],
    ['http_status', {}, 403, 'HTTP 403 — bị từ chối truy cập', 'HTTP 403 — access refused'],
    ['http_status', {}, 429, 'HTTP 429 — máy giám sát bị giới hạn tần suất', 'HTTP 429 — the prober is being rate-limited'],
    ['http_status', {}, 301, 'HTTP 301 — chuyển hướng không như mong đợi', 'HTTP 301 — unexpected redirect'],
    ['http_status', {}, undefined, 'mã trạng thái HTTP không như mong đợi', 'unexpected HTTP status'],
    ['blocked', {}, 403, 'tường lửa của Cổng từ chối máy giám sát (không phải Cổng ngừng hoạt động)', "portal's firewall is refusing the prober"],
    ['assertion', {}, 200, 'nội dung phản hồi không như mong đợi', 'unexpected response content'],
    ['body_too_large', {}, 200, 'lớn vượt giới hạn', 'over the size limit'],
    [
      'latency',
      { dns: 0.012, connect: 0.02, tls: 0.05, ttfb: 4.2, transfer: 0.3 },
      200,
      'phản hồi chậm, vượt ngưỡng cho phép — chậm nhất ở giai đoạn chờ phản hồi đầu tiên (TTFB): 4.200,0 ms',
      'slowest phase: waiting for the first byte (TTFB), 4,200.0 ms',
    ],
    ['latency', {}, 200, 'phản hồi chậm, vượt ngưỡng cho phép', 'slow responses, over the threshold'],
    ['protocol', {}, undefined, 'phản hồi không hợp lệ hoặc kết nối bị ngắt giữa chừng', 'invalid response or connection dropped midway'],
    [
      'sync_lag',
      {},
      undefined,
      'đồng bộ hồ sơ chậm hoặc ngưng trệ',
      'dossier sync between the province and the National Public Service Portal is slow or stalled',
    ],
    [undefined, {}, undefined, 'chưa xác định được nguyên nhân', 'cause not determined'],
  ])('%s with phases %j and status %s', (reason, phases, httpStatus, vi, en) => {
    expect(probableCause(reason, phases, httpStatus, 'vi')).toContain(vi);
    expect(probableCause(reason, phases, httpStatus, 'en')).toContain(en);
  });

  it('ends a latency cause at the slowest phase only, not at the total', () => {
    const text = probableCause('latency', { dns: 0.001, connect: 2.5, ttfb: 0.4 }, 200, 'vi');
    expect(text).toContain('kết nối TCP: 2.500,0 ms');
    expect(text).not.toContain('TTFB');
  });

  it('has wording for every failure reason in both locales', () => {
    for (const reason of FAILURE_REASONS) {
      for (const locale of ['vi', 'en'] as const) {
        expect(probableCause(reason, {}, 500, locale).length, `${reason} ${locale}`).toBeGreaterThan(10);
        expect(suggestRemedy(reason, {}, 500, locale)?.length ?? 0, `${reason} ${locale}`).toBeGreaterThan(10);
      }
    }
  });
});

describe('suggestRemedy', () => {
  it('suggests checking A/AAAA records for DNS failures', () => {
    expect(suggestRemedy('dns', {}, undefined, 'vi')).toContain('kiểm tra bản ghi A/AAAA với nhà cung cấp DNS');
    expect(suggestRemedy('dns', {}, undefined, 'en')).toContain('A/AAAA records');
  });

  it('tells server errors apart from client errors', () => {
    expect(suggestRemedy('http_status', {}, 503, 'vi')).toContain('nhật ký ứng dụng');
    expect(suggestRemedy('http_status', {}, 404, 'vi')).toContain('đường dẫn');
  });

  it('has nothing to suggest without a reason', () => {
    expect(suggestRemedy(undefined, {}, undefined, 'vi')).toBeUndefined();
  });
});

describe('diagnose', () => {
  it.each<[Phases, string]>([
    [{}, 'before-connect'],
    [{ dns: 0.1 }, 'connect'],
    [{ connect: 0.1 }, 'response'],
    [{ dns: 0.1, connect: 0.1, tls: 0.2 }, 'response'],
    [{ dns: 0.1, connect: 0.1, ttfb: 0.2 }, 'transfer'],
    [{ dns: 0.1, connect: 0.1, ttfb: 0.2, transfer: 0.3 }, 'late'],
  ])('places a timeout with phases %j at %s', (phases, stage) => {
    expect(diagnose('timeout', phases, undefined).timeoutStage).toBe(stage);
  });

  it('gives no timeout stage to other reasons', () => {
    expect(diagnose('latency', { dns: 0.1 }, 200)).toEqual({ reason: 'latency', httpStatus: 200, slowest: { phase: 'dns', seconds: 0.1 } });
  });
});
