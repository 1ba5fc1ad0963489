// HTML the simulated systems serve: pages with the words a technician and the probes look for
// ("Dịch vụ công", "Đăng nhập", "Request Rejected"). Markup only; no scripts or external assets.
import { escapeHtml } from '../text/escape-html.ts';
import { PROCEDURES } from './procedures.ts';

export const NATIONAL_PORTAL_NAME = 'Cổng Dịch vụ công quốc gia';
export const COORDINATION_SYSTEM_NAME = 'Hệ thống điều phối giải quyết TTHC';
export const PROVINCIAL_SYSTEM_NAME = 'Hệ thống thông tin giải quyết thủ tục hành chính tỉnh An Giang';

function renderPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
</body>
</html>
`;
}

export function renderNationalHome(): string {
  const popular = PROCEDURES.slice(0, 6)
    .map((procedure) => `    <li><a href="/thu-tuc-hanh-chinh?ma=${procedure.code}">${escapeHtml(procedure.name)}</a></li>`)
    .join('\n');
  return renderPage(
    `${NATIONAL_PORTAL_NAME} - Dịch vụ công`,
    `<header>
  <h1>${NATIONAL_PORTAL_NAME}</h1>
  <p>Kết nối, cung cấp thông tin và dịch vụ công mọi lúc, mọi nơi</p>
  <nav>
    <a href="/">Trang chủ</a>
    <a href="/thu-tuc-hanh-chinh">Thủ tục hành chính</a>
    <a href="/tra-cuu-ho-so">Tra cứu hồ sơ</a>
    <a href="/sso">Đăng nhập</a>
  </nav>
</header>
<main>
  <section>
    <h2>Dịch vụ công trực tuyến nổi bật</h2>
    <ul>
${popular}
    </ul>
  </section>
  <section>
    <h2>Thanh toán trực tuyến</h2>
    <p>Nộp phí, lệ phí giải quyết thủ tục hành chính qua Hệ thống thanh toán tập trung.</p>
  </section>
</main>
<footer>Cơ quan chủ quản: Văn phòng Chính phủ. Vận hành tại Trung tâm Dữ liệu quốc gia.</footer>`,
  );
}

export function renderProcedureList(): string {
  const rows = PROCEDURES.map(
    (procedure) =>
      `    <tr><td>${procedure.code}</td><td>${escapeHtml(procedure.name)}</td><td>${escapeHtml(procedure.field)}</td><td>${procedure.level}</td><td>${procedure.onlineLevel}</td></tr>`,
  ).join('\n');
  return renderPage(
    `Thủ tục hành chính - ${NATIONAL_PORTAL_NAME}`,
    `<h1>Tra cứu thủ tục hành chính</h1>
<form action="/thu-tuc-hanh-chinh" method="get"><input name="q" placeholder="Nhập tên thủ tục hành chính"><button>Tìm kiếm</button></form>
<table>
  <thead><tr><th>Mã thủ tục</th><th>Tên thủ tục</th><th>Lĩnh vực</th><th>Cấp thực hiện</th><th>Dịch vụ công</th></tr></thead>
  <tbody>
${rows}
  </tbody>
</table>`,
  );
}

export function renderDossierLookup(): string {
  return renderPage(
    `Tra cứu hồ sơ - ${NATIONAL_PORTAL_NAME}`,
    `<h1>Tra cứu hồ sơ</h1>
<p>Nhập mã hồ sơ được ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.</p>
<form action="/tra-cuu-ho-so" method="get">
  <label>Mã hồ sơ <input name="code" placeholder="G22.99-260529-0001"></label>
  <button>Tra cứu</button>
</form>`,
  );
}

/** What the portal's front proxy shows while the back end is down. */
export function renderServiceUnavailable(): string {
  return renderPage(
    `503 Service Temporarily Unavailable`,
    `<h1>503 Service Temporarily Unavailable</h1>
<p>Hệ thống đang gián đoạn hoặc bảo trì. Vui lòng quay lại sau.</p>`,
  );
}

/** A web application firewall's refusal page: HTTP 200 or 403, a support id, no portal content. */
export function renderRequestRejected(supportId: string): string {
  return renderPage(
    'Request Rejected',
    `<h1>Request Rejected</h1>
<p>The requested URL was rejected. Please consult with your administrator.</p>
<p>Your support ID is: ${escapeHtml(supportId)}</p>
<p><a href="javascript:history.back();">[Go Back]</a></p>`,
  );
}

export function renderCoordinationLogin(): string {
  return renderPage(
    `Đăng nhập - ${COORDINATION_SYSTEM_NAME}`,
    `<h1>${COORDINATION_SYSTEM_NAME}</h1>
<form action="/login" method="post">
  <h2>Đăng nhập</h2>
  <label>Tên đăng nhập <input name="username" autocomplete="username"></label>
  <label>Mật khẩu <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Đăng nhập</button>
</form>`,
  );
}

export function renderProvincialLogin(ssoOrigin: string): string {
  return renderPage(
    `Một cửa điện tử - ${PROVINCIAL_SYSTEM_NAME}`,
    `<h1>${PROVINCIAL_SYSTEM_NAME}</h1>
<p>Phần mềm một cửa điện tử dành cho cán bộ, công chức tiếp nhận và giải quyết hồ sơ.</p>
<a href="${escapeHtml(ssoOrigin)}/auth/realms/digo/protocol/openid-connect/auth?client_id=web-motcua&amp;response_type=code&amp;scope=openid">Đăng nhập</a>`,
  );
}

/** The provincial login server's form (realm digo). */
export function renderSsoLogin(): string {
  return renderPage(
    'Đăng nhập - digo',
    `<h1>Đăng nhập hệ thống</h1>
<form action="/auth/realms/digo/login-actions/authenticate" method="post">
  <label>Tên đăng nhập <input name="username" autocomplete="username"></label>
  <label>Mật khẩu <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Đăng nhập</button>
</form>`,
  );
}

export function renderNotFound(): string {
  return renderPage('404 Không tìm thấy trang', `<h1>404</h1>\n<p>Không tìm thấy trang yêu cầu.</p>`);
}
