// Vietnamese words (the default locale) for mails, the status page and probe messages, in the terms
// technicians on duty use: sự cố, đã khắc phục, thời gian gián đoạn, nguyên nhân ban đầu, biện pháp xử lý.
import type { CertificateProblem, JsonBound, ProbeMessage, ProbeMessageParams, Status } from '../probes/probe.ts';
import { formatMilliseconds, formatNumber } from './format-number.ts';
import { formatDuration } from './format-duration.ts';
import type { MailRefusalWords, Words } from './locale.ts';
import { capitalize, mailRefusalKindOf } from './mail-refusal.ts';
import { wordWith, type ProbeWords } from './probe-words.ts';
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
    case 'internal':
      return 'lỗi của chính hệ thống giám sát (dvc-sentinel), không phải của hệ thống được giám sát — lần kiểm tra này không cho biết tình trạng thực của hệ thống';
    case 'auth':
      return 'không lấy được thông tin xác thực (token) để gọi hệ thống — máy chủ đăng nhập từ chối hoặc không trả lời; chưa kiểm tra được bản thân API';
    case 'backend':
      return 'máy chủ trả lời không phải máy chủ mong đợi (địa chỉ, chứng chỉ hoặc tiêu đề phản hồi khác) — lưu lượng có thể đang đi tới trung tâm dữ liệu cũ hoặc sai';
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
    case 'internal':
      return 'báo đơn vị vận hành dvc-sentinel kèm nhật ký lỗi (mức error); trong lúc chờ, kiểm tra hệ thống bằng cách khác';
    case 'auth':
      return 'kiểm tra máy chủ đăng nhập (Keycloak), client id và secret, tài khoản giám sát còn hiệu lực; sau khi đổi secret, gửi SIGHUP để nạp lại';
    case 'backend':
      return 'kiểm tra DNS, bộ cân bằng tải và việc chuyển đổi trung tâm dữ liệu; đối chiếu địa chỉ và chứng chỉ với đơn vị vận hành';
  }
}

/** "2026-06-01" (UTC day) as "01/06/2026". */
function day(iso: string): string {
  const [year, month, date] = iso.split('-');
  return year === undefined || month === undefined || date === undefined ? iso : `${date}/${month}/${year}`;
}

function days(count: number): string {
  return count === 0 ? 'chưa đến một ngày' : `${formatNumber(count, 'vi')} ngày`;
}

function seconds(value: number): string {
  return value < 1 ? `${formatNumber(value * 1000, 'vi')} ms` : `${formatNumber(value, 'vi', value < 10 ? 2 : 1)} giây`;
}

const CONNECT_ERRORS: Readonly<Record<string, (endpoint: string) => string>> = {
  ECONNREFUSED: (endpoint) => `${endpoint} từ chối kết nối`,
  ECONNRESET: (endpoint) => `${endpoint} ngắt kết nối đột ngột`,
  EHOSTUNREACH: (endpoint) => `không có đường tới máy chủ ${endpoint} (EHOSTUNREACH)`,
  ENETUNREACH: (endpoint) => `mạng không tới được ${endpoint} (ENETUNREACH)`,
  ETIMEDOUT: (endpoint) => `kết nối tới ${endpoint} quá thời gian chờ của hệ điều hành (ETIMEDOUT)`,
  EADDRNOTAVAIL: (endpoint) => `máy giám sát không kết nối được tới ${endpoint} (EADDRNOTAVAIL)`,
};

const DNS_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'tên miền không tồn tại (NXDOMAIN)',
  ENODATA: 'không có bản ghi loại này',
  ESERVFAIL: 'máy chủ DNS gặp lỗi (SERVFAIL)',
  EREFUSED: 'máy chủ DNS từ chối truy vấn',
  ETIMEOUT: 'máy chủ DNS không trả lời',
  ECONNREFUSED: 'máy chủ DNS từ chối kết nối',
  EAI_AGAIN: 'máy chủ DNS tạm thời gặp lỗi',
  ECANCELLED: 'truy vấn bị hủy',
};

const UNTRUSTED_CHAIN = 'chuỗi chứng chỉ không được tin cậy — máy chủ có thể thiếu chứng chỉ trung gian, hoặc cần khai báo tls.caFile';
const CHAIN_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'chứng chỉ tự ký, không được tin cậy; tin cậy nó bằng tls.caFile hoặc đặt tls.verify: false',
  SELF_SIGNED_CERT_IN_CHAIN: 'chuỗi chứng chỉ kết thúc ở chứng chỉ gốc tự ký không được tin cậy',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED_CHAIN,
  UNABLE_TO_GET_ISSUER_CERT: UNTRUSTED_CHAIN,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED_CHAIN,
  CERT_HAS_EXPIRED: 'một chứng chỉ trong chuỗi đã hết hạn',
  CERT_NOT_YET_VALID: 'một chứng chỉ trong chuỗi chưa có hiệu lực',
  CERT_REVOKED: 'chứng chỉ đã bị thu hồi',
};

function describeCertificate(problem: CertificateProblem): string {
  switch (problem.kind) {
    case 'missing':
      return 'máy chủ không gửi chứng chỉ';
    case 'expired':
      return `chứng chỉ đã hết hạn ${days(problem.daysAgo)} trước (ngày hết hạn ${day(problem.notAfter)})`;
    case 'not_yet_valid':
      return `chứng chỉ chưa có hiệu lực: bắt đầu từ ${day(problem.notBefore)}, còn ${days(problem.daysAway)} nữa`;
    case 'wrong_name':
      return `chứng chỉ cấp cho ${problem.names}, không phải ${problem.hostname}`;
    case 'untrusted':
      return problem.code === undefined
        ? 'chuỗi chứng chỉ không được tin cậy'
        : `${CHAIN_PROBLEMS[problem.code] ?? 'chuỗi chứng chỉ không được tin cậy'} (${problem.code})`;
    case 'expiring':
      return `chứng chỉ sắp hết hạn: còn ${days(problem.daysLeft)} (ngày hết hạn ${day(problem.notAfter)}, ngưỡng ${formatNumber(problem.minDaysLeft, 'vi')} ngày)`;
  }
}

const SIDES = { source: 'bên nguồn', target: 'bên đích' } as const;

function shape(keyed: boolean): string {
  return keyed ? 'danh sách mục có mã' : 'một giá trị';
}

function describeSyncValue({ side, path, host, problem, value, item, backlog }: ProbeMessageParams['sync_value']): string {
  const where =
    item === undefined
      ? `${SIDES[side]}: ${path} từ ${host}${backlog ? ' (số hồ sơ tồn)' : ''}`
      : `${SIDES[side]}: trạng thái của ${item} (${path} từ ${host})`;
  switch (problem) {
    case 'absent':
      return `${SIDES[side]}: không có ${path} trong JSON từ ${host}`;
    case 'null':
      return `${SIDES[side]}: ${path} trong JSON từ ${host} là null`;
    case 'not_time':
      return `${where} là ${value ?? '?'}, không phải thời điểm (ISO-8601, yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss, hoặc epoch giây/mili giây)`;
    case 'not_count':
      return `${where} là ${value ?? '?'}, không phải số đếm (số nguyên từ 0 trở lên)`;
    case 'not_status':
      return `${where} là ${value ?? '?'}, không phải trạng thái hồ sơ (1-10, hoặc receiving, new, … done)`;
  }
}

function levelNote(level: Status, at: number | undefined, amount: (value: number) => string): string {
  if (at === undefined || level === 'ok') return '';
  return level === 'critical' ? ` (nghiêm trọng từ ${amount(at)})` : ` (cảnh báo từ ${amount(at)})`;
}

function describeSyncLag(params: ProbeMessageParams['sync_lag']): string {
  const amount = (value: number): string => (params.unit === 'items' ? `${formatNumber(value, 'vi')} mục` : formatDuration(value, 'vi'));
  let lag = `đồng bộ chậm ${amount(params.lag)}${levelNote(params.level, params.levelAt, amount)}`;
  if (params.emptyPath !== undefined) lag += ` (không có hồ sơ chờ: ${params.emptyPath || 'mốc đồng bộ'} trống)`;
  else if (params.targetAhead !== undefined) lag += ` (bên đích đi trước bên nguồn ${amount(params.targetAhead)})`;
  else if (params.sourceInFuture !== undefined)
    lag += ` (mốc bên nguồn ở tương lai ${formatDuration(params.sourceInFuture, 'vi')}: lệch đồng hồ hoặc múi giờ?)`;
  const parts = [lag];
  const backlog = params.backlog;
  if (backlog !== undefined)
    parts.push(`${formatNumber(backlog.count, 'vi')} hồ sơ đang chờ${levelNote(backlog.level, backlog.levelAt, (value) => formatNumber(value, 'vi'))}`);
  const stalled = params.stalled;
  const stall =
    stalled === undefined
      ? ''
      : `mốc bên đích không đổi trong ${formatDuration(stalled.frozenSeconds, 'vi')} dù bên nguồn đã thay đổi (nghiêm trọng từ ${formatDuration(stalled.stalledSeconds, 'vi')}); `;
  return `${stall}${parts.join(', ')}`;
}

function describeSyncParity(params: ProbeMessageParams['sync_parity']): string {
  const noun = params.noun === 'dossier' ? 'hồ sơ' : 'mục';
  if (params.mismatchSeconds === undefined) {
    if (!params.keyed) return `bên nguồn và bên đích khớp nhau (${params.agreed ?? 'không có'})`;
    return params.compared === 0
      ? `bên nguồn không liệt kê ${noun} nào để so sánh`
      : `bên nguồn và bên đích khớp nhau ở cả ${formatNumber(params.compared, 'vi')} ${noun}`;
  }
  const allowed =
    params.allowedSeconds === undefined
      ? ''
      : params.critical
        ? ` (nghiêm trọng từ ${formatDuration(params.allowedSeconds, 'vi')})`
        : ` (cho phép ${formatDuration(params.allowedSeconds, 'vi')})`;
  const age = `đã ${formatDuration(params.mismatchSeconds, 'vi')}${allowed}`;
  const [only] = params.differences;
  if (!params.keyed && only !== undefined) return `bên nguồn và bên đích lệch nhau ${age}: nguồn ${only.source}, đích ${only.target ?? 'không có'}`;
  const listed = params.differences.map((difference) =>
    difference.target === undefined ? `${difference.key} không có ở bên đích` : `${difference.key} ${difference.source} ≠ ${difference.target}`,
  );
  const more = params.total > params.differences.length ? `; và ${formatNumber(params.total - params.differences.length, 'vi')} ${noun} khác` : '';
  return `${formatNumber(params.total, 'vi')} trên ${formatNumber(params.compared, 'vi')} ${noun} lệch nhau, lâu nhất ${age}: ${listed.join('; ')}${more}`;
}

const CAPTURE_SOURCES = { json: 'đường dẫn JSON', header: 'tiêu đề', cookie: 'cookie', regex: 'biểu thức' } as const;

const PROBE_WORDS: ProbeWords = {
  http_ok: ({ status, host }) => `${host} trả lời HTTP ${status}`,
  http_status: ({ status, host }) => `${host} trả về mã lỗi HTTP ${status}`,
  http_blocked: ({ status, host, marker }) =>
    `tường lửa trước ${host} chặn máy giám sát (HTTP ${status}${marker === undefined ? '' : `, trang ghi “${marker}”`})`,
  body_lacks_text: ({ host, text }) => `nội dung từ ${host} không chứa “${text}”`,
  body_has_text: ({ host, text }) => `nội dung từ ${host} có chứa “${text}”`,
  json_invalid: ({ host }) => `nội dung từ ${host} không phải JSON hợp lệ`,
  json_absent: ({ host, path }) => `không có ${path} trong JSON từ ${host}`,
  json_present: ({ host, path, value }) => `JSON từ ${host} có ${path} (giá trị ${value}) dù lẽ ra không có`,
  json_differs: ({ host, path, value, expected }) => `${path} trong JSON từ ${host} là ${value}, mong đợi ${expected}`,
  too_many_redirects: ({ host, max }) => `chuyển hướng quá ${max} lần (lần cuối từ ${host})`,
  bad_redirect: ({ host, status, protocol }) =>
    `HTTP ${status} từ ${host} chuyển hướng tới ${protocol === undefined ? 'một địa chỉ không hợp lệ' : `một địa chỉ ${protocol}`}`,
  connection_closed: ({ host, during }) => (during === 'body' ? `${host} đóng kết nối khi đang truyền nội dung` : `${host} đóng kết nối mà không trả lời`),
  http_exchange_failed: ({ host, code }) =>
    code.startsWith('HPE_') ? `phản hồi HTTP không hợp lệ từ ${host} (${code})` : `trao đổi HTTP với ${host} thất bại (${code})`,
  body_too_large: ({ host, maxBodyBytes }) => `nội dung từ ${host} lớn hơn giới hạn maxBodyBytes (${formatNumber(maxBodyBytes, 'vi')} byte)`,
  timeout: ({ phase }) => `không có phản hồi trước thời hạn${phase === undefined ? '' : ` (ở giai đoạn ${PHASE_WORDS[phase]})`}`,
  aborted: () => 'lần kiểm tra bị hủy do chương trình dừng hoặc nạp lại cấu hình',
  connect_failed: ({ endpoint, code, addresses }) =>
    `${CONNECT_ERRORS[code]?.(endpoint) ?? `không kết nối được tới ${endpoint} (${code})`}${addresses === undefined ? '' : ` (cả ${addresses} địa chỉ đều lỗi)`}`,
  tls_handshake_failed: ({ endpoint, code, detail }) => {
    if (code === 'ECONNRESET') return `bắt tay TLS với ${endpoint} thất bại: máy chủ đóng kết nối giữa chừng`;
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `bắt tay TLS với ${endpoint} thất bại: máy chủ không dùng TLS ở cổng này`;
    return `bắt tay TLS với ${endpoint} thất bại: ${detail}`;
  },
  dns_failed: ({ host, code }) => `${host}: ${DNS_ERRORS[code] ?? `lỗi phân giải tên miền (${code})`}`,
  dns_no_address: ({ host, family }) => `${host} không có địa chỉ${family === undefined ? '' : family === 6 ? ' IPv6' : ' IPv4'}`,
  dns_timeout: ({ host }) => `${host}: máy chủ DNS không trả lời trước thời hạn`,
  dns_answer: ({ host, values }) => `${host} trả lời ${values}`,
  dns_lacks: ({ host, values, expected }) => `${host} trả lời ${values}, thiếu giá trị mong đợi ${expected}`,
  tcp_connected: ({ endpoint }) => `đã kết nối tới ${endpoint}`,
  tls_ok: ({ endpoint, daysLeft, notAfter }) =>
    daysLeft === undefined || notAfter === undefined
      ? `bắt tay TLS với ${endpoint} thành công`
      : `chứng chỉ của ${endpoint} còn hiệu lực ${days(daysLeft)} (ngày hết hạn ${day(notAfter)})`,
  certificate: ({ host, problem }) => `${host}: ${describeCertificate(problem)}`,
  slow: ({ seconds: took, limitSeconds, level }) =>
    `phản hồi chậm: ${seconds(took)}, vượt ${level === 'critical' ? 'ngưỡng' : 'mức cảnh báo'} ${seconds(limitSeconds)}`,
  internal: () => 'lỗi của chính hệ thống giám sát (dvc-sentinel) khi kiểm tra; hệ thống được giám sát chưa được kiểm tra lần này',
  sync_side: ({ side, detail }) => `${SIDES[side]}: ${word(detail)}`,
  sync_joined: ({ parts }) => parts.map(word).join('; '),
  sync_value: describeSyncValue,
  sync_shapes_differ: ({ sourcePath, targetPath, sourceKeyed }) =>
    `bên nguồn ${sourcePath} là ${shape(sourceKeyed)}, bên đích ${targetPath} là ${shape(!sourceKeyed)}: không so sánh được`,
  sync_lag: describeSyncLag,
  sync_parity: describeSyncParity,
  auth_failed: ({ auth, problem, host, status, error }) => {
    const from = host === undefined ? '' : ` từ ${host}`;
    switch (problem) {
      case 'refused':
        return `không lấy được token (auth “${auth}”)${from}: HTTP ${status ?? '?'}${error === undefined ? '' : ` (${error})`}`;
      case 'unreachable':
        return `không kết nối được tới máy chủ cấp token (auth “${auth}”)${from}${error === undefined ? '' : ` (${error})`}`;
      case 'invalid_answer':
        return `máy chủ cấp token${from} trả lời không có token hợp lệ (auth “${auth}”)${error === undefined ? '' : `: ${error}`}`;
      case 'secret_unreadable':
        return `không đọc được tệp bí mật của auth “${auth}”${error === undefined ? '' : ` (${error})`}`;
    }
  },
  flow_ok: ({ steps, host, status }) => `cả ${steps} bước đều đạt (bước cuối: ${host} trả lời HTTP ${status})`,
  flow_step: ({ step, detail }) => `bước ${step}: ${word(detail)}`,
  flow_capture_absent: ({ host, name, from, where }) => `phản hồi từ ${host} không có giá trị cần lấy cho ${name} (${CAPTURE_SOURCES[from]} ${where})`,
  flow_value_missing: ({ name }) => `không có giá trị cho {{${name}}} (chưa bước nào trước đó lấy được)`,
  flow_final_url: ({ host, path, expected }) => `chuỗi chuyển hướng dừng ở ${host}${path}, mong đợi ${expected}`,
  flow_redirects: ({ expected, hosts }) => `chuỗi chuyển hướng không đi qua ${expected} (đã đi: ${hosts})`,
  flow_no_auth: ({ auth }) => `không có thông tin xác thực “${auth}” cho bước này`,
  flow_bad_url: () => 'địa chỉ của bước, sau khi điền giá trị, không phải URL http:// hoặc https://',
  json_wrong_type: ({ host, path, value, wanted }) =>
    `${path} trong JSON từ ${host} là ${value}, không phải ${{ number: 'một số', text: 'chuỗi ký tự', countable: 'chuỗi, danh sách hay đối tượng (để đếm độ dài)' }[wanted]}`,
  json_out_of_range: ({ host, path, of, value, bound }) =>
    `${of === 'length' ? `độ dài của ${path}` : path} trong JSON từ ${host} là ${value}, mong đợi ${describeBound(bound)}`,
  json_no_match: ({ host, path, value, pattern }) => `${path} trong JSON từ ${host} là ${value}, không khớp mẫu ${pattern}`,
  json_not_one_of: ({ host, path, value, expected }) => `${path} trong JSON từ ${host} là ${value}, mong đợi một trong ${expected}`,
  backend_unexpected: ({ host, what, name, value, expected }) =>
    `máy chủ trả lời ${host} không như mong đợi: ${{ address: 'địa chỉ IP', fingerprint: 'dấu vân tay chứng chỉ (SHA-256)', issuer: 'nơi cấp chứng chỉ', header: `tiêu đề ${name ?? ''}` }[what]} là ${value}, mong đợi ${expected}`,
  json_too_deep: ({ host, maxDepth }) => `JSON lồng quá sâu từ ${host} (quá ${formatNumber(maxDepth, 'vi')} tầng)`,
  body_undecodable: ({ host, encoding }) => `nội dung nén (${encoding}) từ ${host} không giải nén được`,
};

/** A bound as written in the config: every decimal it has, none added. */
function exactNumber(value: number): string {
  return formatNumber(value, 'vi', Math.min(6, (String(value).split('.')[1] ?? '').length));
}

function describeBound(bound: JsonBound): string {
  const limit = exactNumber(bound.limit);
  switch (bound.op) {
    case 'gt':
      return `lớn hơn ${limit}`;
    case 'gte':
      return `từ ${limit} trở lên`;
    case 'lt':
      return `nhỏ hơn ${limit}`;
    case 'lte':
      return `không quá ${limit}`;
    case 'eq':
      return `đúng ${limit}`;
    case 'between':
      return `trong khoảng ${limit} đến ${exactNumber(bound.upper)}`;
  }
}

function word(message: ProbeMessage): string {
  return wordWith(PROBE_WORDS, message) ?? message.code;
}

const HOLD_CAUSES = { parent: 'kiểm tra phụ thuộc đang sự cố', vantage: 'mạng giám sát gián đoạn', maintenance: 'bảo trì theo kế hoạch' } as const;

const MAIL_REFUSALS_VI: MailRefusalWords = {
  reason: {
    auth: 'máy chủ thư từ chối: sai mật khẩu',
    refused: 'máy chủ thư từ chối: mọi người nhận đều bị từ chối',
    gave_up: 'máy chủ thư từ chối thư',
    recipients: 'máy chủ thư từ chối một số người nhận',
  },
  remedy: {
    auth: 'Sửa alerting.email.smtp.auth rồi nạp lại cấu hình (SIGHUP): các thư bị từ chối vì sai mật khẩu sẽ được gửi lại.',
    refused: 'Kiểm tra các địa chỉ nhận trong alerting.email.to và routes.',
    gave_up: 'Kiểm tra alerting.email.from và câu trả lời của máy chủ thư.',
    recipients: 'Những người nhận khác đã nhận thư; kiểm tra các địa chỉ bị từ chối.',
  },
  heading: 'Thư bị máy chủ thư từ chối (24 giờ qua)',
  columns: { at: 'Lúc', subject: 'Tiêu đề', recipients: 'Người nhận', reason: 'Lý do', answer: 'Máy chủ trả lời' },
};

function mailRefusalReasonVi(failure: string): string {
  return MAIL_REFUSALS_VI.reason[mailRefusalKindOf(failure)];
}

export const vi: Words = {
  lang: 'vi',
  tag: {
    firing_critical: 'SỰ CỐ',
    firing_warning: 'CẢNH BÁO',
    reminder_critical: 'VẪN ĐANG SỰ CỐ',
    reminder_warning: 'VẪN ĐANG CẢNH BÁO',
    resolved: 'ĐÃ KHẮC PHỤC',
    flapping: 'CHẬP CHỜN',
    vantage_down: 'MẠNG GIÁM SÁT',
    vantage_up: 'MẠNG GIÁM SÁT',
    maintenance_end: 'HẾT BẢO TRÌ',
    notice: 'THÔNG BÁO',
    test: 'THỬ NGHIỆM',
    backend_changed: 'ĐỔI MÁY CHỦ',
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
      case 'internal':
        return 'chưa kiểm tra được: lỗi của chính hệ thống giám sát';
      case 'auth':
        return 'không lấy được token đăng nhập';
      case 'backend':
        return 'máy chủ trả lời không như mong đợi';
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
    flapping: (count) => `${count} kiểm tra đang chập chờn`,
    vantage_down: (count) => `${count} thông báo mạng giám sát mất kết nối`,
    vantage_up: (count) => `${count} thông báo mạng giám sát kết nối lại`,
    maintenance_end: (count) => `${count} đợt bảo trì kết thúc`,
    notice: (count) => `${count} thông báo về hệ thống giám sát`,
    test: (count) => `${count} thư thử nghiệm`,
    backend_changed: (count) => `${count} kiểm tra đổi máy chủ trả lời`,
  },
  batchCount: {
    firing_critical: (count) => `${count} sự cố mới`,
    firing_warning: (count) => `${count} cảnh báo mới`,
    reminder_critical: (count) => `${count} vẫn đang sự cố`,
    reminder_warning: (count) => `${count} vẫn đang cảnh báo`,
    resolved: (count) => `${count} đã khắc phục`,
    flapping: (count) => `${count} đang chập chờn`,
    vantage_down: () => 'mạng giám sát mất kết nối',
    vantage_up: () => 'mạng giám sát kết nối lại',
    maintenance_end: (count) => `${count} đợt bảo trì kết thúc`,
    notice: (count) => `${count} thông báo`,
    test: (count) => `${count} thư thử nghiệm`,
    backend_changed: (count) => `${count} kiểm tra đổi máy chủ trả lời`,
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
  alertSummary: (check, system, ended, headline) => `${check} (${system}) ${ended ? 'đã gặp sự cố' : 'đang gặp sự cố'}: ${headline}`,
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
    mail_refused: {
      title: (param) => capitalize(mailRefusalReasonVi(param('failure'))),
      body: (param) =>
        `Máy chủ thư không nhận thư “${param('subject')}” cho ${param('recipients')} và sẽ không gửi lại (trả lời: ${param('response')}). ${MAIL_REFUSALS_VI.remedy[mailRefusalKindOf(param('failure'))]}`,
    },
    store_unwritable: {
      title: () => 'Không ghi được dữ liệu giám sát',
      body: (param) =>
        `Không ghi được vào kho dữ liệu ${param('path')} (${param('error')}). Trạng thái và thông báo mới có thể mất nếu hệ thống giám sát khởi động lại.`,
    },
  },
  noticeSeverity: { info: 'Thông tin', warning: 'Cảnh báo', critical: 'Nghiêm trọng' },
  probe: PROBE_WORDS,
  report: {
    title: 'BÁO CÁO',
    subtitle: (from, to) => `Tình hình vận hành Cổng Dịch vụ công và hệ thống giải quyết thủ tục hành chính từ ${from} đến ${to}`,
    frame: {
      nation: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      motto: 'Độc lập - Tự do - Hạnh phúc',
      number: (number, symbol) => `Số: ${number}/${symbol}`,
      placeAndDate: (place, { day, month, year }) => `${place}, ngày ${day} tháng ${month} năm ${year}`,
      addressee: (to) => `Kính gửi: ${to}`,
      defaultAddressee: 'Công an tỉnh',
      bySystem: 'Theo hệ thống',
      byCheck: 'Theo từng kiểm tra',
      uncounted: (system, excluded, notObserved) => `${system}: loại trừ (bảo trì) ${excluded}; không quan sát được ${notObserved}.`,
      restored: (check, at, duration) => `${check}: đã khôi phục lúc ${at}, gián đoạn ${duration}.`,
      stillOngoing: (check, since) => `${check}: sự cố đang diễn ra từ ${since}, đang xử lý.`,
      fillIn: '(Đơn vị bổ sung nội dung.)',
      recipients: 'Nơi nhận:',
      asAbove: 'Như trên',
      archive: 'Lưu: VT',
      signerTitle: 'NGƯỜI BÁO CÁO',
      signHint: '(Ký, ghi rõ họ tên)',
    },
    sections: {
      operation: 'Tình hình hoạt động',
      incidents: 'Sự cố phát sinh',
      causes: 'Nguyên nhân',
      results: 'Kết quả xử lý',
      proposals: 'Kiến nghị, đề xuất',
      maintenance: 'Bảo trì theo kế hoạch',
      rules: 'Cách tính',
    },
    verdict: {
      normal: 'Các hệ thống hoạt động bình thường trong kỳ báo cáo.',
      degraded: 'Các hệ thống hoạt động, có gián đoạn hoặc chậm trong kỳ báo cáo.',
      outage: 'Có hệ thống gián đoạn trong kỳ báo cáo; sự cố đang tiếp diễn.',
    },
    columns: {
      system: 'Hệ thống',
      check: 'Kiểm tra',
      availability: 'Tỷ lệ sẵn sàng',
      downtime: 'Thời gian gián đoạn',
      probes: 'Số lần kiểm tra',
      failures: 'Số lần lỗi',
      latencyP50: 'Độ trễ trung vị',
      latencyP95: 'Độ trễ p95',
      latencyMax: 'Độ trễ lớn nhất',
      syncLag: 'Độ chậm đồng bộ',
      backlog: 'Hồ sơ tồn',
      tlsDaysLeft: 'Chứng chỉ còn (ngày)',
      startedAt: 'Bắt đầu',
      endedAt: 'Kết thúc',
      duration: 'Thời gian',
      reason: 'Lỗi',
      probableCause: 'Nguyên nhân có thể',
      heldChecks: 'Kiểm tra bị ảnh hưởng',
      notifications: 'Thông báo đã gửi',
    },
    hourState: { up: 'hoạt động', down: 'gián đoạn', excluded: 'bảo trì', not_observed: 'không quan sát được' },
    ongoing: 'đang diễn ra',
    noIncidents: 'Không có sự cố nào trong kỳ báo cáo.',
    noMaintenance: 'Không có đợt bảo trì nào trong kỳ báo cáo.',
    notObserved: 'Không quan sát được',
    excluded: 'Loại trừ (bảo trì)',
    mailSubject: (unit, from, to, late) => `[BÁO CÁO] ${unit}: tình hình vận hành từ ${from} đến ${to}${late ? ' (gửi muộn)' : ''}`,
    fileName: 'bao-cao',
    late: (scheduledFor) => `Báo cáo này gửi muộn: đến hạn lúc ${scheduledFor} nhưng khi đó hệ thống giám sát không chạy.`,
    rules: [
      'Thời gian gián đoạn của một kiểm tra là hợp các khoảng sự cố, mỗi khoảng từ lần kiểm tra lỗi đầu tiên đến lần kiểm tra đạt đầu tiên.',
      'Thời gian bảo trì được loại trừ; thời gian lỗi do chính hệ thống giám sát (lỗi nội bộ, mạng giám sát mất kết nối, không chạy) là không quan sát được; cả hai không tính là hoạt động hay gián đoạn.',
      'Tỷ lệ sẵn sàng = 100 × (thời gian quan sát − thời gian gián đoạn) / thời gian quan sát; theo hệ thống, tính trên hợp thời gian gián đoạn của các kiểm tra thuộc hệ thống.',
    ],
    instant: (clock, date) => `${clock} ngày ${date}`,
    generated: (at) => `Báo cáo do hệ thống giám sát dvc-sentinel lập tự động lúc ${at}.`,
    bySystem: 'Theo hệ thống',
    byCheck: 'Theo từng kiểm tra',
    hours: 'Diễn biến theo giờ',
    hoursLegend: 'Mỗi ô là một giờ (giờ Việt Nam):',
    inSeconds: (heading) => `${heading} (giây)`,
    inPercent: (heading) => `${heading} (%)`,
    recovered: (check, at) => `${check}: hoạt động trở lại lúc ${at}.`,
    stillDown: (check, since) => `${check}: sự cố từ ${since} đang được xử lý.`,
    ownFault: 'lỗi của chính hệ thống giám sát, không tính là gián đoạn',
    noResults: 'Không có sự cố cần xử lý.',
    renewCertificate: (check, days) => `Gia hạn chứng chỉ số của ${check} (còn ${days} ngày).`,
    followUp: (check) => `Tiếp tục theo dõi, khắc phục sự cố của ${check} và báo cáo kết quả.`,
    noProposals: 'Không có.',
    failuresByReason: 'Lỗi theo loại',
    objectives: {
      heading: 'Mục tiêu khả dụng',
      columns: {
        objective: 'Mục tiêu',
        target: 'Chỉ tiêu',
        period: 'Kỳ',
        soFar: 'Đạt được đến cuối kỳ báo cáo',
        verdict: 'Đánh giá',
        budget: 'Thời gian gián đoạn còn được phép',
      },
      system: (name) => `Hệ thống ${name}`,
      check: (name) => `Kiểm tra ${name}`,
      target: (percent, period) => `${percent} mỗi ${{ month: 'tháng', week: 'tuần', day: 'ngày' }[period]}`,
      span: (first, last) => (first === last ? first : `${first} – ${last}`),
      met: 'Đạt',
      notMet: 'Không đạt',
      budgetLeft: (duration) => `còn ${duration}`,
      budgetOver: (duration) => `đã vượt ${duration}`,
      unknown: 'không còn trong cấu hình',
    },
  },
  once: {
    columns: {
      check: 'KIỂM TRA',
      system: 'HỆ THỐNG',
      kind: 'LOẠI',
      status: 'TÌNH TRẠNG',
      latency: 'ĐỘ TRỄ',
      syncLag: 'ĐỒNG BỘ',
      phases: 'CÁC BƯỚC',
      reason: 'LÝ DO',
      message: 'DIỄN GIẢI',
    },
    status: { ok: 'BÌNH THƯỜNG', warning: 'CẢNH BÁO', critical: 'SỰ CỐ' },
    syncEqual: 'khớp',
    syncDiffers: (duration) => `lệch ${duration}`,
    syncItems: (count) => `${count} hồ sơ`,
    syncWaiting: (lag, count) => `chậm ${lag}, tồn ${count} hồ sơ`,
    summary: ({ total, ok, warning, critical }) => `${total} kiểm tra: ${ok} bình thường, ${warning} cảnh báo, ${critical} sự cố`,
  },
  page: {
    title: 'Giám sát Cổng Dịch vụ công — dvc-sentinel',
    status: { ok: 'Bình thường', warning: 'Cảnh báo', critical: 'Sự cố', unknown: 'Chưa rõ' },
    kind: { http: 'HTTP', tls: 'TLS', dns: 'DNS', tcp: 'TCP', sync: 'Đồng bộ', flow: 'Chuỗi bước' },
    columns: {
      status: 'Tình trạng',
      check: 'Kiểm tra',
      since: 'Từ lúc',
      lastResult: 'Kết quả gần nhất',
      latency: 'Độ trễ',
      http: 'HTTP',
      certificate: 'Chứng chỉ',
      sync: 'Đồng bộ',
      last24h: '24 giờ qua',
    },
    noResult: 'Chưa có kết quả',
    addresses: (list) => `Địa chỉ: ${list}`,
    at: (when) => `lúc ${when}`,
    age: (duration) => `đã ${duration}`,
    consecutiveFailures: (count) => `${count} lần lỗi liên tiếp`,
    certificateExpires: (date) => `hết hạn ${date}`,
    certificateDaysLeft: (days) => `còn ${days} ngày`,
    certificateExpiringSoon: (days) => `còn ${days} ngày — sắp hết hạn`,
    certificateExpired: 'đã hết hạn',
    syncItems: (count) => `${count} hồ sơ`,
    syncLag: (amount) => `chậm ${amount}`,
    syncBacklog: (count) => `tồn ${count} hồ sơ`,
    syncMismatch: (count, compared) => `lệch ${count}${compared === undefined ? '' : ` / ${compared}`}`,
    noChecks: 'Chưa cấu hình kiểm tra nào.',
    summaryLabel: 'Tổng hợp',
    overall: ({ critical, warning, unknown, total }) => {
      if (total === 0) return 'Chưa có kiểm tra nào.';
      if (unknown === total) return 'Đang chờ kết quả kiểm tra đầu tiên.';
      const parts = [
        critical > 0 ? `${critical} kiểm tra đang gặp sự cố` : undefined,
        warning > 0 ? `${warning} kiểm tra có cảnh báo` : undefined,
        unknown > 0 ? `${unknown} kiểm tra chưa rõ tình trạng` : undefined,
      ].filter((part) => part !== undefined);
      return parts.length === 0 ? 'Tất cả kiểm tra đều bình thường.' : `${parts.join('; ')}.`;
    },
    checksHeading: 'Các kiểm tra theo hệ thống',
    incidentsHeading: (count) => `Sự cố đang mở (${count})`,
    noIncidents: 'Không có sự cố nào đang mở.',
    incident: { detectedAt: 'Phát hiện lúc', downtime: 'Thời gian gián đoạn', lastError: 'Lỗi gần nhất', failedProbes: 'Số lần kiểm tra lỗi', note: 'Ghi chú' },
    ownFault: 'Lỗi của chính hệ thống giám sát, không phải của hệ thống được giám sát; không tính vào thời gian gián đoạn của hệ thống.',
    updatedAt: { before: 'Cập nhật lúc', after: '(giờ Việt Nam, UTC+7)' },
    startedAt: (at) => `khởi động lúc ${at}`,
    refresh: (seconds) => `trang tự làm mới mỗi ${seconds} giây`,
    jsonData: 'dữ liệu JSON',
    recent: {
      notYet: 'Đang tính số liệu 24 giờ qua…',
      noneObserved: 'Chưa quan sát được',
      stripLabel: (check) => `Trạng thái từng giờ trong 24 giờ qua của ${check}`,
      cell: (hours, state) => `${hours}: ${state}`,
    },
    objectives: {
      heading: 'Mục tiêu khả dụng',
      notYet: 'Đang tính số liệu của các mục tiêu…',
      columns: { objective: 'Mục tiêu', target: 'Chỉ tiêu', soFar: 'Đạt được đến nay', verdict: 'Đánh giá', budget: 'Thời gian gián đoạn còn được phép' },
      system: (name) => `Hệ thống ${name}`,
      check: (name) => `Kiểm tra ${name}`,
      period: { month: 'tháng này', week: 'tuần này', day: 'hôm nay' },
      target: (percent, period) => `${percent} trong ${period}`,
      met: 'Đạt',
      notMet: 'Chưa đạt',
      budgetLeft: (duration) => `còn ${duration}`,
      budgetOver: (duration) => `đã vượt ${duration}`,
    },
    reports: {
      heading: 'Báo cáo',
      none: 'Chưa gửi báo cáo nào.',
      columns: { report: 'Báo cáo', sentAt: 'Gửi lúc', window: 'Kỳ báo cáo', recipients: 'Người nhận', result: 'Kết quả' },
      accepted: (at) => `Máy chủ thư đã nhận lúc ${at}`,
      pending: 'Máy chủ thư chưa nhận',
      late: 'gửi muộn',
      view: 'Xem báo cáo',
      jsonData: 'danh sách JSON',
      deadlineMissed: (at) => `Quá hạn gửi báo cáo lúc ${at}`,
      deadlineAlert: (reports) => `Quá hạn gửi báo cáo: ${reports} chưa được máy chủ thư nhận`,
    },
    aside: { lang: 'en', text: 'Live status of this dvc-sentinel instance, in Vietnamese; machine-readable JSON at /api/status.' },
  },
  deskPage: {
    heading: 'Bàn trực',
    acknowledged: (by, at) => (by === undefined ? `Đã tiếp nhận lúc ${at}` : `Đã tiếp nhận: ${by} lúc ${at}`),
    notAcknowledged: 'Chưa có ai tiếp nhận',
    notesHeading: 'Ghi chép xử lý',
    noteBy: (author, at) => (author === undefined ? `Lúc ${at}` : `${author} lúc ${at}`),
    fields: {
      cause: 'Nguyên nhân',
      plan: 'Phương án xử lý',
      expectedFixAt: 'Thời gian dự kiến hoàn thành',
      result: 'Kết quả xử lý',
      text: 'Ghi chú',
    },
    notify: 'Gửi thư ngay cho người nhận của sự cố',
    notified: 'đã gửi thư',
    peopleHeading: 'Sự cố do người dùng báo',
    noPeopleIncidents: 'Không có sự cố nào do người dùng báo đang mở.',
    reportedBy: (who) => (who === undefined ? 'Do người dùng báo' : `Người báo: ${who}`),
    forms: {
      acknowledge: 'Tiếp nhận',
      acknowledgeNote: 'Ghi chú khi tiếp nhận',
      addNote: 'Thêm ghi chép',
      resolve: 'Đã khắc phục — đóng sự cố',
      resolveResult: 'Kết quả xử lý',
      openHeading: 'Ghi nhận sự cố do người dùng báo',
      title: 'Tiêu đề',
      system: 'Hệ thống',
      severity: 'Mức độ',
      description: 'Mô tả',
      reportedBy: 'Người báo (đơn vị, số điện thoại)',
      open: 'Ghi nhận sự cố',
      maintenanceHeading: 'Bảo trì',
      maintenanceName: 'Tên đợt bảo trì',
      checks: 'Các kiểm tra (cách nhau bởi dấu phẩy; để trống = tất cả)',
      systems: 'Các hệ thống (cách nhau bởi dấu phẩy)',
      reason: 'Lý do',
      until: 'Đến',
      startMaintenance: 'Bắt đầu bảo trì',
      endMaintenance: 'Kết thúc bảo trì',
      silenceHeading: 'Tạm tắt thông báo',
      silenceCheck: 'Kiểm tra',
      silenceSystem: 'Hoặc hệ thống',
      silence: 'Tạm tắt thông báo',
    },
    maintenanceLine: (name, until, by) => `${name}${until === undefined ? '' : ` — đến ${until}`}${by === undefined ? '' : ` (${by})`}`,
    noMaintenance: 'Không có đợt bảo trì nào mở qua API.',
    silenceLine: (target, until, by) => `${target} — tắt thông báo đến ${until}${by === undefined ? '' : ` (${by})`}`,
    noSilences: 'Không có thông báo nào đang tạm tắt.',
    refused: {
      title: 'Không thực hiện được',
      badField: (field, error) => `Dữ liệu không hợp lệ ở trường "${field}": ${error}`,
      notLoggedIn: 'Cần đăng nhập để thực hiện việc này.',
      notAllowed: 'Tài khoản của bạn không có quyền thực hiện việc này.',
      staleForm: 'Trang này đã cũ (đã đăng nhập lại hoặc hệ thống vừa khởi động lại). Hãy tải lại trang rồi thử lại.',
      limited: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau một phút.',
      notFound: 'Không tìm thấy sự cố hoặc đợt bảo trì này.',
      conflict: (message) => `Không thực hiện được: ${message}`,
      back: 'Quay lại trang trạng thái',
    },
    cli: {
      columns: {
        id: 'Mã sự cố',
        severity: 'Mức độ',
        state: 'Trạng thái',
        system: 'Hệ thống',
        check: 'Kiểm tra',
        startedAt: 'Phát hiện lúc',
        acknowledged: 'Tiếp nhận',
      },
      state: { open: 'Đang mở', resolved: 'Đã khắc phục' },
      noIncidents: 'Không có sự cố nào.',
      origin: { probe: 'do kiểm tra tự động phát hiện', people: 'do người dùng báo' },
      done: (what) => `Đã xong: ${what}`,
      maintenanceStarted: (id) => `Đã bắt đầu bảo trì, mã ${id}`,
      unreachable: (url, message) => `Không kết nối được tới ${url}: ${message}`,
      notLoggedIn: 'Chưa đăng nhập hoặc sai thông tin đăng nhập: đặt DVC_SENTINEL_TOKEN, hoặc DVC_SENTINEL_USER và DVC_SENTINEL_PASSWORD.',
      notAllowed: 'Tài khoản này không có quyền thực hiện việc này (cần vai trò operator hoặc admin).',
      notFound: (what) => `Không tìm thấy ${what}.`,
      badField: (field, error) => `Dữ liệu không hợp lệ ở trường "${field}": ${error}`,
      failed: (status, error) => `Máy chủ trả lời HTTP ${status}: ${error}`,
    },
  },
  login: {
    title: 'Đăng nhập',
    name: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    singleSignOn: 'Đăng nhập một lần (SSO)',
    wrong: 'Sai tên đăng nhập hoặc mật khẩu.',
    limited: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau một phút.',
    ssoFailed: 'Không đăng nhập được qua SSO, hoặc tài khoản chưa được phân quyền trên hệ thống này.',
    signedInAs: (name) => `Đang đăng nhập: ${name}`,
    logout: (name) => `Đăng xuất ${name}`,
    loginLink: 'Đăng nhập',
    backToStatus: 'Về trang trạng thái',
  },
  desk: {
    tag: { acknowledged: 'ĐÃ TIẾP NHẬN', note: 'CẬP NHẬT XỬ LÝ', opened: 'SỰ CỐ DO NGƯỜI BÁO', resolved: 'ĐÃ XỬ LÝ XONG' },
    leads: {
      acknowledged: (user, at) => `Sự cố đã được tiếp nhận: ${user} nhận xử lý lúc ${at}.`,
      note: (author, at) => `${author} cập nhật tình hình xử lý lúc ${at}.`,
      opened: (openedBy, at) => `${openedBy} ghi nhận sự cố do người dùng báo lúc ${at}.`,
      resolved: (user, at) => `${user} xác nhận sự cố đã được xử lý xong lúc ${at}.`,
    },
    labels: {
      cause: 'Nguyên nhân',
      plan: 'Phương án xử lý',
      expectedFixAt: 'Thời gian dự kiến hoàn thành',
      result: 'Kết quả xử lý',
      text: 'Ghi chú',
      note: 'Ghi chú',
      incident: 'Sự cố',
      system: 'Hệ thống',
      check: 'Kiểm tra',
      severity: 'Mức độ',
      startedAt: 'Bắt đầu lúc',
      resolvedAt: 'Kết thúc lúc',
      description: 'Mô tả',
      reportedBy: 'Người báo',
      openedBy: 'Người ghi nhận',
      acknowledgedBy: 'Người tiếp nhận',
    },
    reportedByPeople: 'do người dùng báo',
    report: {
      heading: 'Tiếp nhận và xử lý sự cố',
      columns: {
        system: 'Hệ thống',
        incidents: 'Số sự cố',
        acknowledged: 'Đã tiếp nhận',
        medianAcknowledge: 'Thời gian tiếp nhận (trung vị)',
        resolved: 'Đã kết thúc',
        medianResolve: 'Thời gian đến khi kết thúc (trung vị)',
      },
      notesHeading: 'Ghi nhận của trực ban',
      acknowledgedBy: (user, after) => `tiếp nhận: ${user}, sau ${after}`,
      resolvedAfter: (after) => `kết thúc sau ${after}`,
    },
  },
  channels: {
    firing: (severity, system, check, since) => `🔴 SỰ CỐ ${severity}: ${system} — kiểm tra ${check}, từ ${since}`,
    resolved: (system, check, duration) => `✅ ĐÃ KHẮC PHỤC: ${system} — kiểm tra ${check}, sau ${duration}`,
    reminder: (severity, system, check, since) => `🔴 VẪN ĐANG LỖI (${severity}): ${system} — kiểm tra ${check}, từ ${since}`,
    vantageDown: '⚠️ Mạng của máy giám sát đang gián đoạn: các kết quả kiểm tra tạm không đáng tin',
    vantageUp: '✅ Mạng của máy giám sát đã hoạt động lại',
    maintenanceEnd: (window) => `🔧 Hết khung bảo trì ${window}`,
    notice: (title) => `ℹ️ ${title}`,
    test: (channel) => `Tin thử của dvc-sentinel qua kênh ${channel}. Nếu bạn đọc được tin này, kênh đã hoạt động.`,
    statusPage: (url) => `Trang trạng thái: ${url}`,
    more: (count) => `… và ${count} thông báo khác`,
    testSent: (channel) => `Đã gửi tin thử qua kênh ${channel}.`,
    testFailed: (channel, reason) => `Không gửi được tin thử qua kênh ${channel}: ${reason}`,
    unknownChannel: (channel, known) => `Không có kênh tên "${channel}" trong cấu hình. Các kênh có: ${known}`,
    spoolFailed: 'không ghi được vào thư mục outbox của gammu-smsd; kiểm tra đường dẫn `outbox` và quyền ghi của người dùng chạy dvc-sentinel',
    explainStatus: (status) =>
      status === undefined
        ? 'không kết nối được hoặc máy nhận không trả lời kịp; kiểm tra địa chỉ, tường lửa và mạng'
        : status === 401 || status === 403
          ? `máy nhận từ chối (HTTP ${status}): kiểm tra token hoặc tiêu đề xác thực`
          : status === 404
            ? 'máy nhận báo không tìm thấy (HTTP 404): kiểm tra địa chỉ URL (với Zalo: token của bot)'
            : status === 408 || status === 429 || status >= 500
              ? `máy nhận đang quá tải hoặc gặp lỗi (HTTP ${status}); khi chạy thật, tin sẽ được gửi lại sau`
              : `máy nhận từ chối nội dung (HTTP ${status}); tin như vậy sẽ không được gửi lại`,
    escalation: (after, severity, system, check, since) =>
      `🚨 BÁO CẤP TRÊN: sau ${after} sự cố ${severity} chưa được tiếp nhận xử lý: ${system} — kiểm tra ${check}, từ ${since}`,
    flapping: (system, check, headline) => `🟣 CHẬP CHỜN: ${system} — kiểm tra ${check} ${headline}`,
  },
  sms: {
    severity: { warning: 'CẢNH BÁO', critical: 'NGHIÊM TRỌNG', info: 'THÔNG TIN' },
    status: {
      firing: 'lỗi',
      reminder: 'vẫn lỗi',
      resolved: 'đã hết lỗi',
      notice: 'thông báo',
      flapping: 'chập chờn',
      escalation: 'vẫn lỗi, chưa được tiếp nhận',
      other: 'thông báo',
    },
    test: (channel) => `dvc-sentinel: tin nhắn thử qua kênh ${channel}. Không cần trả lời.`,
  },
  roster: {
    onDuty: 'Đang trực',
    shift: (shift, people) => `${shift}: ${people}`,
    nobodyOnDuty: 'Không có ca trực nào theo lịch lúc này',
    focalPoints: 'Đầu mối liên hệ',
    escalation: 'Báo cấp trên',
    escalated: (after) => `Sau ${after} sự cố chưa được tiếp nhận xử lý`,
    told: 'Đã báo đồng thời cho',
  },
  flapping: {
    headline: (changes, window) => `đang chập chờn (${changes} lần đổi trạng thái trong ${window})`,
    lead: (since, window) =>
      `Kiểm tra này liên tục chuyển qua lại giữa lỗi và bình thường từ ${since}. Các lần đổi được gộp vào thông báo này thay vì báo sự cố rồi báo khắc phục mỗi lần; sẽ có một thông báo kết thúc khi trạng thái ổn định liên tục trong ${window}.`,
    changesLabel: 'Số lần đổi trạng thái',
    badge: 'chập chờn',
    badgeTitle: (since) => `Đang chập chờn từ ${since}`,
    reportColumn: 'Chập chờn',
  },
  mailRefusals: MAIL_REFUSALS_VI,
  storeFile: {
    deleted: (path, at) => `Tệp dữ liệu ${path} đã bị xoá khi hệ thống đang chạy (phát hiện lúc ${at}).`,
    replaced: (path, at) => `Tệp dữ liệu ${path} đã bị thay bằng một tệp khác khi hệ thống đang chạy (phát hiện lúc ${at}).`,
    rewritten: 'Toàn bộ dữ liệu đang giữ (sự cố đang mở, trạng thái kiểm tra, thông báo chưa gửi) đã được ghi vào một tệp mới tại đúng đường dẫn đó.',
    notRewritten: 'Chưa ghi được tệp mới; hệ thống vẫn đang thử lại. Không khởi động lại lúc này kẻo mất các sự cố đang mở.',
    movedAside: (path) => `Tệp lạ tìm thấy ở đó đã được chuyển sang ${path}.`,
  },
  backend: {
    headline: 'máy chủ trả lời đã thay đổi',
    lead: (at) =>
      `Lúc ${at} máy chủ trả lời kiểm tra này khác với lần trước (địa chỉ, chứng chỉ hoặc tiêu đề được ghi nhận). Nếu không có kế hoạch chuyển đổi hay quay lui, cần xác minh lưu lượng đang đi đúng trung tâm dữ liệu.`,
    before: 'Trước',
    after: 'Bây giờ',
    describe: ({ address, fingerprint, issuer, serial, headers }) =>
      [
        `địa chỉ ${address}`,
        ...(fingerprint === undefined ? [] : [`chứng chỉ SHA-256 ${fingerprint}`]),
        ...(issuer === undefined ? [] : [`nơi cấp ${issuer}`]),
        ...(serial === undefined ? [] : [`số sê-ri ${serial}`]),
        ...headers,
      ].join(' · '),
    chat: (system, check, before, after) => `🔀 MÁY CHỦ TRẢ LỜI ĐÃ THAY ĐỔI: ${system} — kiểm tra ${check}: ${before} → ${after}`,
  },
  catalogue: {
    subject: (check) => `THAY ĐỔI DANH MỤC TTHC — ${check}`,
    lead: (check, from, to) =>
      `Danh mục thủ tục hành chính (${check}) thay đổi giữa bản chụp lúc ${from} và bản chụp lúc ${to}. Bảng dưới liệt kê từng thay đổi; tệp đính kèm có cùng nội dung.`,
    columns: { code: 'Mã TTHC', kind: 'Loại', field: 'Trường', old: 'Giá trị cũ', new: 'Giá trị mới' },
    kinds: {
      added: 'Thêm mới',
      removed: 'Bãi bỏ / ngừng công bố',
      changed: 'Thay đổi',
      mismatch: 'Lệch với hệ thống tỉnh',
      missingInSource: 'Chỉ có ở hệ thống tỉnh',
      missingInOther: 'Thiếu ở hệ thống tỉnh',
    },
    noChanges: 'Không có thay đổi nào.',
    compared: (from, to) => `So sánh bản chụp ${from} với ${to}`,
    comparedWith: (file) => `Đối chiếu với ${file}`,
    noSnapshot: (check) => `Chưa có bản chụp hoàn chỉnh nào của ${check}; chạy "dvc-sentinel catalogue crawl" trước.`,
    page: {
      title: 'Rà soát danh mục TTHC',
      none: 'Chưa cấu hình kiểm tra danh mục nào.',
      lastCrawl: 'Lần thu thập gần nhất',
      outcome: { complete: 'hoàn tất', failed: 'thất bại', busy: 'đang chạy ở nơi khác' },
      snapshot: 'Bản chụp mới nhất',
      items: (source, other) => `${source} thủ tục${other === undefined ? '' : `; tệp của tỉnh: ${other} dòng`}`,
      status: { ok: 'Không thay đổi', warning: 'Có thay đổi hoặc sai lệch', critical: 'Thu thập thất bại' },
      back: 'Về trang trạng thái',
      columns: {
        check: 'Kiểm tra',
        status: 'Trạng thái',
        lastCrawl: 'Thu thập gần nhất',
        items: 'Số thủ tục',
        changes: 'Thay đổi',
        mismatches: 'Lệch với tỉnh',
      },
      details: 'Danh sách thay đổi và sai lệch',
    },
  },
  storeWrites: {
    refused: (since, error, unsaved) =>
      `Không ghi được kho dữ liệu từ ${since} (${error}); ${unsaved} thay đổi đang được giữ trong bộ nhớ. Sự cố vẫn được phát hiện và thông báo vẫn được gửi; mọi thứ sẽ được ghi lại một lần khi ghi được. Hãy giải phóng dung lượng đĩa và không khởi động lại lúc này kẻo mất những gì chưa ghi.`,
  },
};
