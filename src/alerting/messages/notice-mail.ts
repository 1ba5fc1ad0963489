// A batch of notices (one route, one mail) → subject, plain text and HTML, in the mail's locale.
// The words come from the message tables (src/text/vi.ts, en.ts: `notices`, `noticeSeverity`);
// every parameter is made one line and escaped in HTML, since it may carry what a remote system
// said. Pure, like render-email.ts, which renders incident mail.
import type { Locale } from '../../config/alerting-config.ts';
import type { Notice, Notification } from '../../state/notification.ts';
import { escapeHtml } from '../../text/escape-html.ts';
import { formatNumber } from '../../text/format-number.ts';
import { formatDateTime } from '../../text/format-time.ts';
import { wordsFor } from '../../text/locale.ts';
import { toSingleLine } from './describe-notice.ts';
import { SUBJECT_MAX_CHARS } from './render-subject.ts';

export interface NoticeMailContext {
  readonly locale: Locale;
  readonly location?: string;
  /** When the mail is made (the footer's time). */
  readonly now: Date;
}

export interface RenderedNoticeMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const RULE = '='.repeat(64);
const MISSING = '—';

export interface NoticeLines {
  readonly title: string;
  readonly body: string;
  readonly severity: string;
}

/** Throws on an empty batch or a notification that is not a notice (a caller bug). */
export function renderNoticeMail(batch: readonly Notification[], context: NoticeMailContext): RenderedNoticeMail {
  const strings = wordsFor(context.locale);
  const notices = batch.map((notification) => {
    if (notification.notice === undefined) throw new Error(`renderNoticeMail: a ${notification.type} notification is not a notice`);
    return notification.notice;
  });
  if (notices.length === 0) throw new Error('renderNoticeMail: a mail needs at least one notice');
  const lines = notices.map((notice) => noticeLines(notice, context.locale));
  const tag = strings.tag.notice;
  const subject =
    lines.length === 1 ? `[${tag}] ${lines[0]!.title}` : `[${tag}] ${strings.batchUniform.notice(lines.length)}: ${lines.map((line) => line.title).join('; ')}`;
  const footer = strings.footer(context.location === undefined ? undefined : toSingleLine(context.location), formatDateTime(context.now, context.locale));
  const text = [
    ...lines.map((line) => `${RULE}\n${line.title}\n${RULE}\n\n${line.body}\n\n${strings.labels.severity}: ${line.severity}`),
    `-- \n${footer}`,
  ].join('\n\n');
  const sections = lines.map(
    (line) =>
      `<h2>${escapeHtml(line.title)}</h2>\n<p>${escapeHtml(line.body)}</p>\n<p><strong>${escapeHtml(strings.labels.severity)}:</strong> ${escapeHtml(line.severity)}</p>`,
  );
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${strings.lang}"><head><meta charset="utf-8"><title>${escapeHtml(clip(subject))}</title></head><body>`,
    ...sections,
    `<hr>\n<p><small>${escapeHtml(footer)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject: clip(toSingleLine(subject)), text: `${text}\n`, html: `${html}\n` };
}

/** A notice's title (one line), body and severity in the locale's words; parameters made one line. */
export function noticeLines(notice: Notice, locale: Locale): NoticeLines {
  const strings = wordsFor(locale);
  const param = (name: string): string => {
    const value = notice.params[name];
    if (value === undefined) return MISSING;
    const text = typeof value === 'number' ? formatNumber(value, locale) : toSingleLine(value);
    return text === '' ? MISSING : text;
  };
  const words = strings.notices[notice.kind];
  return { title: toSingleLine(words.title(param)), body: words.body(param), severity: strings.noticeSeverity[notice.severity] };
}

function clip(subject: string): string {
  const characters = [...subject];
  return characters.length <= SUBJECT_MAX_CHARS ? subject : `${characters.slice(0, SUBJECT_MAX_CHARS - 1).join('')}…`;
}
