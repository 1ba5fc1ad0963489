// The "THAY ĐỔI DANH MỤC TTHC" mail: every change between two snapshots (and every mismatch with
// the provincial export) as a table, with the same rows attached as CSV. Rendered whole when
// queued, like a report mail, so the email channel only copies it. Pure.
import type { CatalogueCheck } from '../config/catalogue-config.ts';
import type { Locale } from '../config/alerting-config.ts';
import type { ReportMail } from '../state/notification.ts';
import { escapeHtml } from '../text/escape-html.ts';
import { formatDateTime } from '../text/format-time.ts';
import { wordsFor } from '../text/locale.ts';
import { reviewHeader, reviewRows, toCsv, type CatalogueReview } from './review.ts';

/** The report name the mail is recorded under; one mail per snapshot (its completion time is the slot). */
export function changeMailName(check: string): string {
  return `catalogue-${check}`;
}

export function renderChangeMail(check: CatalogueCheck, review: CatalogueReview, locale: Locale = 'vi'): ReportMail | undefined {
  if (review.to?.completedAt === undefined || check.notify === undefined) return undefined;
  const words = wordsFor(locale).catalogue;
  const at = (instant: Date | undefined) => (instant === undefined ? '—' : formatDateTime(instant, locale));
  const header = reviewHeader(words);
  const rows = reviewRows(review, words);
  const lead = words.lead(check.name, at(review.from?.completedAt), at(review.to.completedAt));
  const width = header.map((_, column) => Math.min(40, Math.max(...[header, ...rows].map((row) => [...(row[column] ?? '')].length))));
  const text = [
    lead,
    '',
    ...[header, ...rows].map((row) =>
      row
        .map((cell, column) => cell.padEnd(width[column]!))
        .join('  ')
        .trimEnd(),
    ),
  ].join('\n');
  const cell = (tag: 'td' | 'th', value: string) => `<${tag} style="border:1px solid #999;padding:2px 6px;text-align:left">${escapeHtml(value)}</${tag}>`;
  const html = [
    `<!doctype html><html lang="${locale}"><meta charset="utf-8"><body>`,
    `<p>${escapeHtml(lead)}</p>`,
    '<table style="border-collapse:collapse">',
    `<tr>${header.map((value) => cell('th', value)).join('')}</tr>`,
    ...rows.map((row) => `<tr>${row.map((value) => cell('td', value)).join('')}</tr>`),
    '</table></body></html>',
  ].join('\n');
  const stamp = review.to.completedAt.toISOString().slice(0, 10).replace(/-/g, '');
  return {
    name: changeMailName(check.name),
    scheduledFor: review.to.completedAt,
    cc: [...check.notify.cc],
    subject: words.subject(check.name),
    text: `${text}\n`,
    html: `${html}\n`,
    attachments: [
      {
        filename: `thay-doi-danh-muc-${check.name}-${stamp}.csv`,
        contentType: 'text/csv; charset=utf-8',
        contentBase64: Buffer.from(toCsv([header, ...rows]), 'utf8').toString('base64'),
      },
    ],
  };
}

/** Whether a review holds anything the recipients must be told of: a change of the catalogue itself. */
export function hasChanges(review: CatalogueReview): boolean {
  return review.added.length + review.removed.length + review.changes.length > 0;
}
