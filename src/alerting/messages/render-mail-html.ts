// The text/html part: one table per notification, inline styles only and no external assets, so
// it looks the same in webmail and desktop clients. Every piece of text is escaped right here.
import type { MailDocument, MailSection, RiderGroup, Tone } from './build-mail-document.ts';
import { escapeHtml } from '../../text/escape-html.ts';

const TONE_COLOURS: Readonly<Record<Tone, string>> = {
  critical: '#b91c1c',
  warning: '#b45309',
  resolved: '#15803d',
  info: '#1d4ed8',
};

const FONT = 'font-family:Arial,Helvetica,sans-serif';
const CELL = 'padding:6px 12px;border-top:1px solid #e5e7eb;vertical-align:top;text-align:left';
const SMALL_CELL = 'padding:4px 6px;border:1px solid #e5e7eb;vertical-align:top;text-align:left';

export function renderMailHtml(document: MailDocument, title: string): string {
  const body: string[] = [];
  if (document.intro !== undefined) {
    body.push(`<p style="margin:0 0 8px">${escapeHtml(document.intro.text)}</p>`);
    body.push(`<ul style="margin:0 0 16px;padding-left:20px">${document.intro.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`);
  }
  for (const section of document.sections) body.push(renderSection(section, document));
  body.push(`<p style="margin:16px 0 0;font-size:12px;color:#6b7280">${escapeHtml(document.footer)}</p>`);
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(document.lang)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    `<body style="margin:0;padding:16px;background-color:#f3f4f6;color:#111827;${FONT};font-size:14px;line-height:1.45">`,
    '<div style="max-width:760px;margin:0 auto">',
    ...body,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderSection(section: MailSection, document: MailDocument): string {
  const colour = TONE_COLOURS[section.tone];
  const rows: string[] = [
    `<tr><td colspan="2" style="background-color:${colour};color:#ffffff;padding:10px 12px;font-size:15px;font-weight:bold">${escapeHtml(section.title)}</td></tr>`,
  ];
  if (section.lead !== undefined) rows.push(`<tr><td colspan="2" style="padding:10px 12px">${escapeHtml(section.lead)}</td></tr>`);
  for (const row of section.rows) {
    const value = row.href === undefined ? escapeHtml(row.value) : `<a href="${escapeHtml(row.href)}" style="color:#1d4ed8">${escapeHtml(row.value)}</a>`;
    const styled = row.tone === undefined ? value : `<span style="color:${TONE_COLOURS[row.tone]};font-weight:bold">${value}</span>`;
    rows.push(
      `<tr><th scope="row" style="${CELL};width:200px;color:#374151;font-weight:normal;white-space:nowrap">${escapeHtml(row.label)}</th><td style="${CELL}">${styled}</td></tr>`,
    );
  }
  for (const group of section.riderGroups) rows.push(`<tr><td colspan="2" style="${CELL}">${renderRiders(group, document)}</td></tr>`);
  return [
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;margin:0 0 20px;background-color:#ffffff;border:1px solid #d1d5db;${FONT};font-size:14px">`,
    ...rows,
    '</table>',
  ].join('\n');
}

function renderRiders(group: RiderGroup, document: MailDocument): string {
  const columns = document.riderColumns;
  const header = [columns.check, columns.system, columns.severity, columns.detectedAt, columns.resolvedAt, columns.duration, columns.reason, columns.note]
    .map((name) => `<th style="${SMALL_CELL};background-color:#f9fafb">${escapeHtml(name)}</th>`)
    .join('');
  const lines = group.riders.map((rider) => {
    const reason = `${escapeHtml(rider.reason)}${rider.message === '' ? '' : `<br><span style="color:#6b7280">${escapeHtml(rider.message)}</span>`}`;
    const cells = [
      escapeHtml(rider.check),
      escapeHtml(rider.system),
      escapeHtml(rider.severity),
      escapeHtml(rider.detectedAt),
      escapeHtml(rider.resolvedAt ?? document.ongoing),
      escapeHtml(rider.duration),
      reason,
      escapeHtml(rider.note ?? ''),
    ];
    return `<tr>${cells.map((cell) => `<td style="${SMALL_CELL}">${cell}</td>`).join('')}</tr>`;
  });
  return [
    `<div style="font-weight:bold;margin:4px 0 6px">${escapeHtml(`${group.title} (${group.riders.length})`)}</div>`,
    `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:13px">`,
    `<tr>${header}</tr>`,
    ...lines,
    '</table>',
  ].join('\n');
}
