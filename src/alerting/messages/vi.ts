// Vietnamese mail wording (the default locale), in the terms technicians on duty use: sự cố, đã
// khắc phục, thời gian gián đoạn, nguyên nhân ban đầu, biện pháp xử lý.
import { formatMilliseconds } from './format-vi.ts';
import type { MailStrings } from './mail-strings.ts';
import type { Diagnosis } from './probable-cause.ts';

const PHASE_WORDS = {
  dns: 'phân giải tên miền (DNS)',
  connect: 'kết nối TCP',
  tls: 'bắt tay TLS',
  ttfb: 'chờ phản hồi đầu tiên (TTFB)',
  transfer: 'tải nội dung',
} as const;

function describeHttpStatus(status: number | undefined): string {
  const code = status === undefined ? 'HTTP' : `HTTP ${status}`;
  if (status === undefined) return 'mã trạng thái HTTP không như mong đợi';
  if (status === 502 || status === 504)
    return `máy chủ trả về ${code} — cổng kết nối/proxy không nhận được phản hồi từ máy chủ ứng dụng phía sau (lỗi phía máy chủ)`;
  if (status === 503) return `máy chủ trả về ${code} — dịch vụ tạm ngừng hoặc quá tải (lỗi phía máy chủ)`;
  if (status >= 500) return `máy chủ trả về ${code} — lỗi phía máy chủ (ứng dụng hoặc hệ thống phía sau)`;
  if (status === 404) return `${code} — không tìm thấy địa chỉ, đường dẫn có thể đã thay đổi`;
  if (status === 429) return `${code} — máy giám sát bị giới hạn tần suất truy cập`;
  if (status === 401 || status === 403) return `${code} — bị từ chối truy cập (tường lửa hoặc thay đổi phân quyền)`;
  if (status >= 400) return `${code} — yêu cầu bị máy chủ từ chối`;
  if (status >= 300) return `${code} — chuyển hướng không như mong đợi, địa chỉ có thể đã thay đổi`;
  return `mã trạng thái ${code} không như mong đợi`;
}

function describeTimeout(diagnosis: Diagnosis): string {
  switch (diagnosis.timeoutStage) {
    case 'connect':
      return 'không thiết lập được kết nối TCP trong thời hạn — có thể máy chủ hoặc đường truyền gặp sự cố';
    case 'response':
      return 'đã kết nối được nhưng máy chủ không phản hồi trong thời hạn — ứng dụng có thể bị treo hoặc quá tải';
    case 'transfer':
      return 'máy chủ đã bắt đầu phản hồi nhưng không truyền hết nội dung trong thời hạn — đường truyền chậm hoặc máy chủ quá tải';
    case 'late':
      return 'không hoàn tất yêu cầu trong thời hạn dù các giai đoạn đều đã diễn ra — phản hồi quá chậm';
    default:
      return 'không thiết lập được kết nối TCP trong thời hạn (hoặc chưa phân giải xong tên miền) — có thể máy chủ, đường truyền hoặc máy chủ DNS gặp sự cố';
  }
}

function describeSlowest(diagnosis: Diagnosis): string {
  const slowest = diagnosis.slowest;
  return slowest === undefined ? '' : ` — chậm nhất ở giai đoạn ${PHASE_WORDS[slowest.phase]}: ${formatMilliseconds(slowest.seconds * 1000, 'vi')}`;
}

function describeCause(diagnosis: Diagnosis): string {
  switch (diagnosis.reason) {
    case undefined:
      return 'chưa xác định được nguyên nhân';
    case 'dns':
      return 'lỗi phân giải tên miền (DNS) — kiểm tra bản ghi DNS, nhất là khi chuyển đổi sang Trung tâm Dữ liệu quốc gia';
    case 'connect':
      return 'không kết nối được tới máy chủ (kết nối TCP bị từ chối hoặc không có đường tới máy chủ) — dịch vụ có thể đã ngừng hoặc đường truyền gặp sự cố';
    case 'tls':
      return 'lỗi chứng chỉ SSL/TLS (hết hạn, sai tên miền, thiếu chứng chỉ trung gian) hoặc lỗi bắt tay TLS';
    case 'timeout':
      return describeTimeout(diagnosis);
    case 'http_status':
      return describeHttpStatus(diagnosis.httpStatus);
    case 'blocked':
      return 'tường lửa của Cổng từ chối máy giám sát (không phải Cổng ngừng hoạt động)';
    case 'assertion':
      return 'nội dung phản hồi không như mong đợi — trang hoặc API trả về dữ liệu sai hoặc thiếu';
    case 'body_too_large':
      return 'nội dung phản hồi lớn vượt giới hạn — có thể là trang lỗi hoặc dữ liệu bất thường';
    case 'latency':
      return `phản hồi chậm, vượt ngưỡng cho phép${describeSlowest(diagnosis)}`;
    case 'protocol':
      return 'phản hồi không hợp lệ hoặc kết nối bị ngắt giữa chừng (lỗi giao thức hoặc định dạng dữ liệu)';
    case 'sync_lag':
      return 'đồng bộ hồ sơ chậm hoặc ngưng trệ giữa hệ thống của tỉnh và Cổng DVC quốc gia';
  }
}

function suggestAction(diagnosis: Diagnosis): string | undefined {
  switch (diagnosis.reason) {
    case undefined:
      return undefined;
    case 'dns':
      return 'kiểm tra bản ghi A/AAAA với nhà cung cấp DNS và máy chủ DNS mà điểm giám sát sử dụng';
    case 'connect':
      return 'kiểm tra dịch vụ đang chạy, tường lửa phía máy chủ và đường truyền tới trung tâm dữ liệu';
    case 'tls':
      return 'kiểm tra hạn, tên miền và chuỗi chứng chỉ (đủ chứng chỉ trung gian) trên máy chủ';
    case 'timeout':
      return 'kiểm tra tải máy chủ và đường truyền; thử truy cập từ mạng khác để khoanh vùng';
    case 'http_status':
      return diagnosis.httpStatus !== undefined && diagnosis.httpStatus >= 500
        ? 'kiểm tra nhật ký ứng dụng, máy chủ phía sau (proxy, cơ sở dữ liệu) và báo đơn vị vận hành'
        : 'kiểm tra đường dẫn và quyền truy cập, đối chiếu tài liệu tích hợp mới nhất';
    case 'blocked':
      return 'liên hệ đơn vị vận hành Cổng để cho phép địa chỉ IP của điểm giám sát; giảm tần suất kiểm tra nếu cần';
    case 'assertion':
      return 'mở trang hoặc API để xem nội dung thực tế; kiểm tra thay đổi giao diện hoặc định dạng dữ liệu';
    case 'body_too_large':
      return 'xem nội dung trả về; nếu kích thước mới là bình thường, tăng maxBodyBytes của kiểm tra';
    case 'latency':
      return 'theo dõi tải máy chủ và đường truyền; báo đơn vị vận hành nếu tình trạng kéo dài';
    case 'protocol':
      return 'kiểm tra proxy, bộ cân bằng tải và phiên bản API phía máy chủ';
    case 'sync_lag':
      return 'kiểm tra nhật ký gọi dịch vụ đồng bộ (adapter), phiên đăng nhập và hàng đợi hồ sơ chưa đồng bộ phía tỉnh';
  }
}

const HOLD_CAUSES = { parent: 'kiểm tra phụ thuộc đang sự cố', vantage: 'mạng giám sát gián đoạn', maintenance: 'bảo trì theo kế hoạch' } as const;

export const vi: MailStrings = {
  lang: 'vi',
  tag: {
    firing_critical: 'SỰ CỐ',
    firing_warning: 'CẢNH BÁO',
    reminder_critical: 'VẪN ĐANG SỰ CỐ',
    reminder_warning: 'VẪN ĐANG CẢNH BÁO',
    resolved: 'ĐÃ KHẮC PHỤC',
    vantage_down: 'MẠNG GIÁM SÁT',
    vantage_up: 'MẠNG GIÁM SÁT',
    maintenance_end: 'HẾT BẢO TRÌ',
    notice: 'THÔNG BÁO',
    test: 'THỬ NGHIỆM',
  },
  headline: (reason, httpStatus) => {
    switch (reason) {
      case 'connect':
      case 'timeout':
        return 'không truy cập được';
      case 'dns':
        return 'lỗi phân giải tên miền';
      case 'tls':
        return 'lỗi chứng chỉ SSL/TLS';
      case 'http_status':
        return httpStatus === undefined ? 'báo lỗi HTTP' : `báo lỗi HTTP ${httpStatus}`;
      case 'blocked':
        return 'chặn máy giám sát';
      case 'assertion':
        return 'trả về nội dung không đúng';
      case 'body_too_large':
        return 'trả về nội dung quá lớn';
      case 'latency':
        return 'phản hồi chậm';
      case 'protocol':
        return 'phản hồi không hợp lệ';
      case 'sync_lag':
        return 'đồng bộ chậm';
      case undefined:
        return 'gặp sự cố';
    }
  },
  backToNormal: (duration) => `hoạt động bình thường trở lại sau ${duration}`,
  vantageDown: (location) => `Điểm giám sát${location ? ` ${location}` : ''} mất kết nối — các cảnh báo khác tạm không kết luận được`,
  vantageUp: (location, failedChecks) =>
    `Điểm giám sát${location ? ` ${location}` : ''} đã kết nối lại${failedChecks > 0 ? ` — ${failedChecks} kiểm tra lỗi trong lúc gián đoạn` : ''}`,
  maintenanceEnd: (window, systemsDown, checksDown) =>
    checksDown === 0
      ? `${window} — các hệ thống hoạt động bình thường`
      : `${window} — còn ${systemsDown} hệ thống gián đoạn${checksDown === systemsDown ? '' : ` (${checksDown} kiểm tra)`}`,
  testSubject: (location) => `Thư thử nghiệm từ dvc-sentinel${location ? ` (${location})` : ''}`,
  ridersSuffix: (count) => `(+${count} kiểm tra phụ thuộc)`,
  batchUniform: {
    firing_critical: (count) => `${count} kiểm tra gặp sự cố`,
    firing_warning: (count) => `${count} kiểm tra có cảnh báo`,
    reminder_critical: (count) => `${count} kiểm tra vẫn đang sự cố`,
    reminder_warning: (count) => `${count} kiểm tra vẫn đang cảnh báo`,
    resolved: (count) => `${count} kiểm tra hoạt động bình thường trở lại`,
    vantage_down: (count) => `${count} thông báo mạng giám sát mất kết nối`,
    vantage_up: (count) => `${count} thông báo mạng giám sát kết nối lại`,
    maintenance_end: (count) => `${count} đợt bảo trì kết thúc`,
    notice: (count) => `${count} thông báo về hệ thống giám sát`,
    test: (count) => `${count} thư thử nghiệm`,
  },
  batchCount: {
    firing_critical: (count) => `${count} sự cố mới`,
    firing_warning: (count) => `${count} cảnh báo mới`,
    reminder_critical: (count) => `${count} vẫn đang sự cố`,
    reminder_warning: (count) => `${count} vẫn đang cảnh báo`,
    resolved: (count) => `${count} đã khắc phục`,
    vantage_down: () => 'mạng giám sát mất kết nối',
    vantage_up: () => 'mạng giám sát kết nối lại',
    maintenance_end: (count) => `${count} đợt bảo trì kết thúc`,
    notice: (count) => `${count} thông báo`,
    test: (count) => `${count} thư thử nghiệm`,
  },
  batchIntro: (count) => `Thư này gồm ${count} thông báo:`,
  severity: { critical: 'Nghiêm trọng', warning: 'Trung bình' },
  labels: {
    system: 'Hệ thống',
    check: 'Kiểm tra',
    severity: 'Mức độ',
    status: 'Tình trạng',
    detectedAt: 'Thời điểm phát hiện',
    resolvedAt: 'Thời điểm khắc phục',
    downtime: 'Thời gian gián đoạn',
    totalDowntime: 'Tổng thời gian gián đoạn',
    cause: 'Nguyên nhân ban đầu',
    remedy: 'Biện pháp xử lý',
    lastError: 'Lỗi gần nhất',
    latency: 'Độ trễ',
    phases: 'Các giai đoạn',
    httpStatus: 'Mã trạng thái HTTP',
    failedProbes: 'Số lần kiểm tra lỗi',
    hold: 'Tạm hoãn thông báo',
    maintenance: 'Bảo trì',
    dashboard: 'Bảng điều khiển',
    statusPage: 'Trang trạng thái',
    since: 'Từ lúc',
    endedAt: 'Kết thúc lúc',
    location: 'Điểm giám sát',
    sentAt: 'Thời điểm gửi',
  },
  riderColumns: {
    check: 'Kiểm tra',
    system: 'Hệ thống',
    severity: 'Mức độ',
    detectedAt: 'Phát hiện',
    resolvedAt: 'Khắc phục',
    duration: 'Gián đoạn',
    reason: 'Nguyên nhân',
    note: 'Ghi chú',
  },
  statusValue: { critical: 'Đang sự cố', warning: 'Đang cảnh báo', resolved: 'Đã khắc phục' },
  ongoing: 'đang diễn ra',
  asOf: (at) => `(tính đến ${at})`,
  probeCount: (failed, total) => `${failed} / ${total} lần kiểm tra`,
  phaseShort: { dns: 'DNS', connect: 'TCP', tls: 'TLS', ttfb: 'TTFB', transfer: 'Tải nội dung' },
  riderGroup: {
    parent: 'Kiểm tra phụ thuộc bị ảnh hưởng',
    vantage: 'Chưa kết luận (mạng giám sát gián đoạn)',
    maintenance: 'Còn gián đoạn sau bảo trì',
  },
  clockOnDate: (clock, date) => (date === undefined ? clock : `${clock} ngày ${date}`),
  holdNote: (hold, at) => {
    switch (hold.by) {
      case 'parent':
        return `đã bị tạm hoãn thông báo từ ${at} do ${hold.name} đang sự cố`;
      case 'vantage':
        return `đã bị tạm hoãn thông báo từ ${at} do mạng giám sát gián đoạn (chưa kết luận)`;
      case 'maintenance':
        return `đã bị tạm hoãn thông báo từ ${at} do bảo trì theo kế hoạch “${hold.name}”`;
    }
  },
  heldEarlier: (by) => `trước đó đã bị tạm hoãn thông báo do ${[...new Set(by)].map((cause) => HOLD_CAUSES[cause]).join(', ')}`,
  duringWindow: (window) => `trong đợt bảo trì “${window}”`,
  leads: {
    vantageDown: (since) =>
      `Tất cả các kiểm tra kết nối của chính điểm giám sát đều lỗi từ ${since}. Lỗi của các kiểm tra khác trong thời gian này chưa kết luận được là do hệ thống được giám sát.`,
    vantageUp: (at) => `Mạng của điểm giám sát đã hoạt động trở lại lúc ${at}.`,
    maintenanceEnd: (window, at, stillDown) =>
      `Đợt bảo trì “${window}” đã kết thúc lúc ${at}. ${stillDown > 0 ? 'Các kiểm tra dưới đây vẫn còn gián đoạn.' : 'Không còn kiểm tra nào gián đoạn.'}`,
    test: 'Đây là thư thử nghiệm của dvc-sentinel. Nhận được thư này nghĩa là cấu hình gửi thư hoạt động.',
  },
  vantageRemedy: 'kiểm tra đường truyền Internet, cổng ra (gateway) và máy chủ DNS của điểm giám sát',
  footer: (location, at) => `Thư gửi tự động từ dvc-sentinel${location ? ` · Điểm giám sát: ${location}` : ''} · Tạo lúc ${at} (giờ Việt Nam, UTC+7)`,
  cause: describeCause,
  remedy: suggestAction,
  unnamedWindow: 'bảo trì',
  notices: {
    report_late: {
      title: (param) => `Báo cáo ${param('report')} chưa gửi được trước hạn ${param('deadline')}`,
      body: (param) => `Báo cáo “${param('report')}” phải gửi trước ${param('deadline')} nhưng chưa gửi được. Cần kiểm tra cấu hình báo cáo và hàng đợi thư.`,
    },
    token_renewal_failed: {
      title: (param) => `Không gia hạn được mã truy cập ${param('token')}`,
      body: (param) =>
        `Mã truy cập “${param('token')}” không gia hạn được (${param('error')}). Các kiểm tra dùng mã này có thể báo lỗi cho đến khi mã được cấp lại.`,
    },
    catalogue_changed: {
      title: (param) => `Danh mục thủ tục thay đổi (${param('changed')} thủ tục)`,
      body: (param) => `So với lần đối chiếu trước: thêm ${param('added')}, bỏ ${param('removed')}, thay đổi ${param('changed')} thủ tục.`,
    },
    store_unwritable: {
      title: () => 'Không ghi được dữ liệu giám sát',
      body: (param) =>
        `Không ghi được vào kho dữ liệu ${param('path')} (${param('error')}). Trạng thái và thông báo mới có thể mất nếu hệ thống giám sát khởi động lại.`,
    },
  },
  noticeSeverity: { info: 'Thông tin', warning: 'Cảnh báo', critical: 'Nghiêm trọng' },
};
