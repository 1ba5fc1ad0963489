// The status page at "/": the live snapshot as one server-rendered Vietnamese HTML page for the duty
// team, readable on a phone and without colour. Pure (snapshot → string); no script, no external
// asset. Everything taken from the snapshot is escaped here, because check messages quote what
// probed endpoints said.
import { displaySystemName } from '../alerting/messages/display-system-name.ts';
import { escapeHtml } from '../alerting/messages/escape-html.ts';
import {
  formatClock,
  formatDate,
  formatDateTime,
  formatDuration,
  formatMilliseconds,
  formatNumber,
  isSameLocalDate,
  secondsBetween,
} from '../alerting/messages/format-vi.ts';
import { vi } from '../alerting/messages/vi.ts';
import { FAILURE_REASONS, PHASES, type FailureReason, type SyncObservation } from '../probes/probe.ts';
import type { CheckStatus } from '../state/check-state.ts';
import type { Incident } from '../state/incident.ts';
import type { CheckSnapshot, StatusSnapshot } from '../state/status-snapshot.ts';

/** Sync facts the page shows when a snapshot carries them (the snapshot does not yet; see status-snapshot.ts). */
export type StatusPageSync = Pick<SyncObservation, 'mode' | 'unit' | 'lag' | 'backlog' | 'mismatchCount' | 'comparedCount'>;

export type StatusPageCheck = CheckSnapshot & { readonly last?: { readonly sync?: StatusPageSync } };

/** What /api/status serves in process: the snapshot plus the open incidents. */
export type StatusPageSnapshot = Omit<StatusSnapshot, 'checks'> & {
  readonly checks: readonly StatusPageCheck[];
  readonly incidents?: readonly Incident[];
};

export const STATUS_PAGE_TITLE = 'Giám sát Cổng Dịch vụ công — dvc-sentinel';
export const STATUS_PAGE_REFRESH_SECONDS = 30;
/** Certificates with fewer days left are highlighted; the usual renewal lead time. */
export const CERTIFICATE_WARN_DAYS = 14;

const STATUS_WORDS: Readonly<Record<CheckStatus, string>> = {
  ok: 'Bình thường',
  warning: 'Cảnh báo',
  critical: 'Sự cố',
  unknown: 'Chưa rõ',
};
// Summary order: what needs attention first.
const SUMMARY_ORDER: readonly CheckStatus[] = ['critical', 'warning', 'unknown', 'ok'];
const KIND_WORDS: Readonly<Record<CheckSnapshot['kind'], string>> = { http: 'HTTP', tls: 'TLS', dns: 'DNS', tcp: 'TCP', sync: 'Đồng bộ' };
const COLUMNS = ['Tình trạng', 'Kiểm tra', 'Từ lúc', 'Kết quả gần nhất', 'Độ trễ', 'HTTP', 'Chứng chỉ', 'Đồng bộ'] as const;
const NONE = '—';

/** Anything that came from outside, as HTML text. */
function text(value: unknown): string {
  return escapeHtml(String(value));
}

/** A status the page knows, so that an unexpected value can reach neither a class name nor a lookup. */
function knownStatus(status: unknown): CheckStatus {
  return typeof status === 'string' && Object.hasOwn(STATUS_WORDS, status) ? (status as CheckStatus) : 'unknown';
}

function describeKind(kind: string): string {
  return Object.hasOwn(KIND_WORDS, kind) ? KIND_WORDS[kind as CheckSnapshot['kind']] : kind;
}

function badge(status: unknown): string {
  const known = knownStatus(status);
  return `<span class="badge s-${known}">${text(STATUS_WORDS[known])}</span>`;
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "22:10:05" on the page's own day, "22:10:05 ngày 28/05/2026" otherwise; Vietnam time. */
function formatInstant(value: Date | string | undefined, now: Date | undefined): string {
  const date = toDate(value);
  if (date === undefined) return NONE;
  const clock = formatClock(date, { seconds: true });
  return vi.clockOnDate(clock, now !== undefined && isSameLocalDate(date, now) ? undefined : formatDate(date, 'vi'));
}

function formatAge(value: Date | string | undefined, now: Date | undefined): string | undefined {
  const date = toDate(value);
  return date === undefined || now === undefined ? undefined : `đã ${formatDuration(secondsBetween(date, now), 'vi')}`;
}

function isFailureReason(reason: unknown): reason is FailureReason {
  return typeof reason === 'string' && (FAILURE_REASONS as readonly string[]).includes(reason);
}

/** The mails' short words for a reason ("không truy cập được"); an unknown reason shows as it is. */
function describeReason(reason: unknown, httpStatus: number | undefined): string | undefined {
  if (reason === undefined || reason === null) return undefined;
  return isFailureReason(reason) ? vi.headline(reason, httpStatus) : typeof reason === 'string' ? reason : JSON.stringify(reason);
}

function formatMs(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? formatMilliseconds(seconds * 1000, 'vi') : NONE;
}

function formatPhases(phases: Readonly<Record<string, number>> | undefined): string {
  if (phases === undefined) return '';
  return PHASES.filter((phase) => typeof phases[phase] === 'number')
    .map((phase) => `${vi.phaseShort[phase]} ${formatMs(phases[phase])}`)
    .join(' · ');
}

function renderCertificate(last: StatusPageCheck['last']): string {
  const daysLeft = last?.certificateDaysLeft;
  if (typeof daysLeft !== 'number') return NONE;
  const expires = toDate(last?.certificateExpiresAt);
  const until = expires === undefined ? '' : `<span class="sub">hết hạn ${text(formatDate(expires, 'vi'))}</span>`;
  if (daysLeft >= CERTIFICATE_WARN_DAYS) return `${text(`còn ${formatNumber(daysLeft, 'vi')} ngày`)}${until}`;
  const words = daysLeft < 0 ? 'đã hết hạn' : `còn ${formatNumber(daysLeft, 'vi')} ngày — sắp hết hạn`;
  return `<strong class="cert-low">${text(words)}</strong>${until}`;
}

function renderSync(sync: StatusPageSync | undefined): string {
  if (sync === undefined) return NONE;
  const amount = (value: number): string => (sync.unit === 'seconds' ? formatDuration(value, 'vi') : `${formatNumber(value, 'vi')} hồ sơ`);
  const parts: string[] = [];
  if (typeof sync.lag === 'number') parts.push(`chậm ${amount(sync.lag)}`);
  if (typeof sync.backlog === 'number') parts.push(`tồn ${formatNumber(sync.backlog, 'vi')} hồ sơ`);
  if (typeof sync.mismatchCount === 'number') {
    const of = typeof sync.comparedCount === 'number' ? ` / ${formatNumber(sync.comparedCount, 'vi')}` : '';
    parts.push(`lệch ${formatNumber(sync.mismatchCount, 'vi')}${of}`);
  }
  return parts.length === 0 ? NONE : parts.map(text).join('<br>');
}

function renderLastResult(last: StatusPageCheck['last'], now: Date | undefined): string {
  if (last === undefined) return '<span class="muted">Chưa có kết quả</span>';
  const headline = describeReason(last.reason, last.httpStatus);
  const lines = [
    headline === undefined ? '' : `<strong class="headline">${text(headline)}</strong>`,
    `<span class="message">${text(last.message)}</span>`,
    last.addresses === undefined || last.addresses.length === 0 ? '' : `<span class="sub">Địa chỉ: ${text(last.addresses.join(', '))}</span>`,
    `<span class="sub">lúc ${text(formatInstant(last.at, now))}</span>`,
  ];
  return lines.filter((line) => line !== '').join('');
}

function renderCheckRow(check: StatusPageCheck, now: Date | undefined): string {
  const last = check.last;
  const age = formatAge(check.since, now);
  const failures = check.consecutiveFailures > 0 ? `<span class="sub">${text(`${check.consecutiveFailures} lần lỗi liên tiếp`)}</span>` : '';
  const phases = formatPhases(last?.phases);
  const cells = [
    `${badge(check.status)}${failures}`,
    `<strong class="name">${text(check.name)}</strong><span class="sub target">${text(`${describeKind(check.kind)} · ${check.target}`)}</span>`,
    `${text(formatInstant(check.since, now))}${age === undefined ? '' : `<span class="sub">${text(age)}</span>`}`,
    renderLastResult(last, now),
    last === undefined ? NONE : `${text(formatMs(last.durationSeconds))}${phases === '' ? '' : `<span class="sub">${text(phases)}</span>`}`,
    typeof last?.httpStatus === 'number' ? text(last.httpStatus) : NONE,
    renderCertificate(last),
    renderSync(last?.sync),
  ];
  // One wrapper per cell: on a phone the cell is a two-column grid of its label and this wrapper.
  // Cells with nothing to say are left out of the phone's cards.
  const tds = cells.map((cell, index) => `<td data-label="${text(COLUMNS[index])}"${cell === NONE ? ' class="none"' : ''}><div>${cell}</div></td>`).join('');
  return `<tr class="check s-${knownStatus(check.status)}-row" data-check="${text(check.name)}" data-status="${knownStatus(check.status)}">${tds}</tr>`;
}

/** Systems in the order they first appear in the config, each with its checks in config order. */
export function groupChecksBySystem(checks: readonly StatusPageCheck[]): { system: string; checks: StatusPageCheck[] }[] {
  const groups = new Map<string, StatusPageCheck[]>();
  for (const check of checks) {
    const group = groups.get(check.system);
    if (group) group.push(check);
    else groups.set(check.system, [check]);
  }
  return [...groups].map(([system, members]) => ({ system, checks: members }));
}

function renderChecks(checks: readonly StatusPageCheck[], now: Date | undefined): string {
  if (checks.length === 0) return '<p class="empty">Chưa cấu hình kiểm tra nào.</p>';
  const head = `<thead><tr>${COLUMNS.map((column) => `<th scope="col">${text(column)}</th>`).join('')}</tr></thead>`;
  const bodies = groupChecksBySystem(checks).map(({ system, checks: members }) => {
    const name = displaySystemName(system, 'vi', undefined);
    const label = name === system ? '' : ` <span class="sub-inline">(${text(system)})</span>`;
    const caption = `<tr class="system"><th colspan="${COLUMNS.length}" scope="rowgroup">${text(name)}${label}</th></tr>`;
    return `<tbody data-system="${text(system)}">${caption}${members.map((check) => renderCheckRow(check, now)).join('')}</tbody>`;
  });
  return `<table class="checks">${head}${bodies.join('')}</table>`;
}

function renderSummary(summary: StatusSnapshot['summary'] | undefined): string {
  const items = SUMMARY_ORDER.map((status) => {
    const count = summary?.[status] ?? 0;
    return `<li class="s-${status}${count > 0 ? ' nonzero' : ''}" data-status="${status}"><span class="count">${text(count)}</span> <span class="word">${text(STATUS_WORDS[status])}</span></li>`;
  });
  return `<ul class="summary" aria-label="Tổng hợp">${items.join('')}</ul>`;
}

function describeOverall(summary: StatusSnapshot['summary'] | undefined): string {
  const critical = summary?.critical ?? 0;
  const warning = summary?.warning ?? 0;
  const unknown = summary?.unknown ?? 0;
  const total = critical + warning + unknown + (summary?.ok ?? 0);
  if (total === 0) return 'Chưa có kiểm tra nào.';
  if (unknown === total) return 'Đang chờ kết quả kiểm tra đầu tiên.';
  const parts = [
    critical > 0 ? `${critical} kiểm tra đang gặp sự cố` : undefined,
    warning > 0 ? `${warning} kiểm tra có cảnh báo` : undefined,
    unknown > 0 ? `${unknown} kiểm tra chưa rõ tình trạng` : undefined,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? 'Tất cả kiểm tra đều bình thường.' : `${parts.join('; ')}.`;
}

function severityRank(severity: string): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}

function renderIncident(incident: Incident, checksByName: ReadonlyMap<string, StatusPageCheck>, now: Date | undefined): string {
  const severity = incident.severity === 'critical' || incident.severity === 'warning' ? incident.severity : 'warning';
  const severityClass = severity === 'critical' ? 's-critical' : 's-warning';
  const system = displaySystemName(incident.system, 'vi', undefined);
  const openedAt = toDate(incident.openedAt);
  const duration = openedAt === undefined || now === undefined ? NONE : formatDuration(secondsBetween(openedAt, now), 'vi');
  const reason = describeReason(incident.lastReason, incident.last?.httpStatus);
  const rows: [string, string][] = [
    ['Phát hiện lúc', text(formatInstant(incident.openedAt, now))],
    ['Thời gian gián đoạn', text(duration)],
    ['Lỗi gần nhất', `${reason === undefined ? '' : `<strong>${text(reason)}</strong> — `}<span class="message">${text(incident.lastMessage)}</span>`],
    ['Số lần kiểm tra lỗi', text(vi.probeCount(formatNumber(incident.failedProbes, 'vi'), formatNumber(incident.probes, 'vi')))],
  ];
  if (incident.hold !== undefined) {
    const note = vi.holdNote(incident.hold, formatInstant(incident.hold.since, now));
    rows.push([vi.labels.hold, `<strong class="held">${text(note.charAt(0).toUpperCase() + note.slice(1))}</strong>`]);
  }
  const target = checksByName.get(incident.check)?.target;
  return [
    `<li class="incident" data-incident="${text(incident.id)}" data-check="${text(incident.check)}">`,
    `<h3><span class="badge ${severityClass}">${text(vi.severity[severity])}</span> <span class="name">${text(incident.check)}</span>`,
    ` <span class="sub-inline">${text(system)}${target === undefined ? '' : ` · ${target}`}</span></h3>`,
    `<dl>${rows.map(([label, value]) => `<dt>${text(label)}</dt><dd>${value}</dd>`).join('')}</dl>`,
    '</li>',
  ].join('');
}

function renderIncidents(incidents: readonly Incident[], checks: readonly StatusPageCheck[], now: Date | undefined): string {
  const heading = `<h2 id="incidents">Sự cố đang mở (${text(incidents.length)})</h2>`;
  if (incidents.length === 0) return `${heading}<p class="empty">Không có sự cố nào đang mở.</p>`;
  const checksByName = new Map(checks.map((check) => [check.name, check]));
  // Critical first, then the oldest: the longest outage is the one to read first.
  const sorted = [...incidents].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || (toDate(a.openedAt)?.getTime() ?? 0) - (toDate(b.openedAt)?.getTime() ?? 0),
  );
  return `${heading}<ul class="incidents">${sorted.map((incident) => renderIncident(incident, checksByName, now)).join('')}</ul>`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:16px;background:#f3f4f6;color:#111827;font:14px/1.45 system-ui,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
main{max-width:1320px;margin:0 auto}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:17px;margin:24px 0 8px}
h3{font-size:15px;margin:0 0 6px}
.meta{margin:0 0 12px;color:#374151}
.overall{font-size:16px;font-weight:600;margin:0 0 12px}
.summary{display:flex;flex-wrap:wrap;gap:8px;list-style:none;margin:0 0 16px;padding:0}
.summary li{flex:1 1 130px;background:#fff;border:1px solid #d1d5db;border-left-width:8px;border-radius:6px;padding:8px 12px}
.summary .count{font-size:24px;font-weight:700}
.summary li.s-ok{border-left-color:#15803d}.summary li.s-warning{border-left-color:#b45309}
.summary li.s-critical{border-left-color:#b91c1c}.summary li.s-unknown{border-left-color:#6b7280}
.summary li.s-critical.nonzero{background:#fef2f2}.summary li.s-warning.nonzero{background:#fffbeb}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;border:1px solid transparent;color:#fff;font-weight:700;white-space:nowrap}
.badge.s-ok{background:#15803d}.badge.s-warning{background:#b45309}.badge.s-critical{background:#b91c1c}.badge.s-unknown{background:#4b5563}
table.checks{width:100%;border-collapse:collapse;background:#fff;border:1px solid #d1d5db}
.checks th,.checks td{padding:6px 10px;border-top:1px solid #e5e7eb;text-align:left;vertical-align:top}
.checks thead th{background:#f9fafb;font-size:13px;color:#374151;white-space:nowrap}
.checks tr.system th{background:#e5e7eb;font-size:15px}
.checks tr.s-critical-row{background:#fef2f2}.checks tr.s-warning-row{background:#fffbeb}
.sub{display:block;color:#4b5563;font-size:12px}
.sub-inline{color:#4b5563;font-size:13px;font-weight:400}
.target{font-family:"DejaVu Sans Mono",ui-monospace,monospace;overflow-wrap:anywhere}
.message{overflow-wrap:anywhere}
.muted,.empty{color:#6b7280}
.headline{display:block}
.cert-low{color:#b91c1c;text-decoration:underline}
.incidents{list-style:none;margin:0;padding:0}
.incident{background:#fff;border:1px solid #d1d5db;border-radius:6px;padding:10px 12px;margin:0 0 10px}
.incident dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
.incident dt{color:#374151}.incident dd{margin:0}
.held{color:#1d4ed8}
footer{margin:24px 0 0;color:#6b7280;font-size:12px}
@media (max-width:600px){
body{padding:8px}
.checks thead{display:none}
table.checks,.checks tbody,.checks tr,.checks td,.checks th{display:block;width:100%}
table.checks{border:0;background:none}
.checks tr.system th{border:0;border-radius:6px 6px 0 0;margin-top:12px}
.checks tr.check{background:#fff;border:1px solid #d1d5db;margin:0 0 8px;border-radius:6px}
.checks td{display:grid;grid-template-columns:34% 1fr;gap:8px;border-top:1px solid #f3f4f6}
.checks td.none{display:none}
.checks td::before{content:attr(data-label);color:#4b5563;font-weight:600}
.incident dl{grid-template-columns:1fr}
}
@media print{body{background:#fff}.badge{color:#000;border-color:#000;background:none}}
`;

/** The whole page. Times are Vietnam wall-clock (UTC+7), whatever the machine's time zone. */
export function renderStatusPage(snapshot: StatusPageSnapshot): string {
  const now = toDate(snapshot.generatedAt);
  const checks = snapshot.checks;
  const generated = now === undefined ? NONE : formatDateTime(now, 'vi');
  const started = toDate(snapshot.startedAt);
  const meta = [
    snapshot.location === undefined ? undefined : `${vi.labels.location}: <strong>${text(snapshot.location)}</strong>`,
    `Cập nhật lúc <strong>${text(generated)}</strong> (giờ Việt Nam, UTC+7)`,
  ].filter((part) => part !== undefined);
  const footer = [
    `dvc-sentinel ${text(snapshot.version)}`,
    started === undefined ? undefined : `khởi động lúc ${text(formatDateTime(started, 'vi'))}`,
    `trang tự làm mới mỗi ${STATUS_PAGE_REFRESH_SECONDS} giây`,
    'dữ liệu JSON: <a href="/api/status">/api/status</a>',
  ].filter((part) => part !== undefined);
  return [
    '<!DOCTYPE html>',
    '<html lang="vi">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="refresh" content="${STATUS_PAGE_REFRESH_SECONDS}">`,
    `<title>${text(STATUS_PAGE_TITLE)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${text(STATUS_PAGE_TITLE)}</h1>`,
    `<p class="meta">${meta.join(' · ')}</p>`,
    `<p class="overall">${text(describeOverall(snapshot.summary))}</p>`,
    renderSummary(snapshot.summary),
    '<h2 id="checks">Các kiểm tra theo hệ thống</h2>',
    renderChecks(checks, now),
    renderIncidents(snapshot.incidents ?? [], checks, now),
    `<footer><p>${footer.join(' · ')}</p><p lang="en">Live status of this dvc-sentinel instance, in Vietnamese; machine-readable JSON at /api/status.</p></footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A shallow check that a status() value is a snapshot, so a wrong value fails loudly instead of rendering nonsense. */
export function isStatusPageSnapshot(value: unknown): value is StatusPageSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof StatusPageSnapshot, unknown>>;
  return (
    Array.isArray(candidate.checks) &&
    typeof candidate.generatedAt === 'string' &&
    typeof candidate.summary === 'object' &&
    candidate.summary !== null &&
    (candidate.incidents === undefined || Array.isArray(candidate.incidents))
  );
}
