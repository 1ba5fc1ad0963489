// The subject of one mail: a single notification's own line, or for a batch a summary by kind
// with as many check names as fit. Always one line (no CR/LF can reach the header) and short.
import type { Notification } from '../../state/notification.ts';
import { describeNotice, NOTICE_KINDS_BY_URGENCY, noticeKindOf, orderByUrgency, toSingleLine, windowNameOf, type NoticeContext } from './describe-notice.ts';
import { wordsFor, type NoticeKind } from '../../text/locale.ts';

/** Longer subjects are cut by many mail clients and phone notifications. */
export const SUBJECT_MAX_CHARS = 150;

export function renderSubject(batch: readonly Notification[], context: NoticeContext): string {
  const [first] = batch;
  if (first === undefined) throw new Error('renderSubject: a mail needs at least one notification');
  if (batch.length === 1) {
    const line = describeNotice(first, context);
    return clip(toSingleLine(`[${line.tag}] ${line.text}`));
  }
  const strings = wordsFor(context.locale);
  const counts = new Map<NoticeKind, number>();
  for (const notification of batch) {
    const kind = noticeKindOf(notification);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const kinds = NOTICE_KINDS_BY_URGENCY.filter((kind) => counts.has(kind));
  const lead = kinds[0] ?? 'firing_critical';
  const summary =
    kinds.length === 1 ? strings.batchUniform[lead](batch.length) : kinds.map((kind) => strings.batchCount[kind](counts.get(kind) ?? 0)).join(', ');
  const names = [...new Set(orderByUrgency(batch).flatMap((notification) => nameOf(notification, context)))];
  return withNames(toSingleLine(`[${strings.tag[lead]}] ${summary}`), names);
}

function nameOf(notification: Notification, context: NoticeContext): string[] {
  if (notification.type === 'maintenance_end') return [windowNameOf(notification, context)];
  const check = notification.incident?.check ?? notification.backend?.check;
  return check === undefined ? [] : [toSingleLine(check)];
}

/** "base: a, b, c (+2)" with as many names as fit under the limit. */
function withNames(base: string, names: readonly string[]): string {
  for (let shown = names.length; shown >= 1; shown -= 1) {
    const more = shown < names.length ? ` (+${names.length - shown})` : '';
    const candidate = `${base}: ${names.slice(0, shown).join(', ')}${more}`;
    if (lengthOf(candidate) <= SUBJECT_MAX_CHARS) return candidate;
  }
  return clip(base);
}

function clip(subject: string): string {
  const characters = [...subject];
  return characters.length <= SUBJECT_MAX_CHARS ? subject : `${characters.slice(0, SUBJECT_MAX_CHARS - 1).join('')}…`;
}

function lengthOf(text: string): number {
  return [...text].length;
}
