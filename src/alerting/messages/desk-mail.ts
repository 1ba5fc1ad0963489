// What an operator did to an incident → the mail in its thread: acknowledged, a note, a
// people-reported incident opened or resolved by hand. Rendered once, when queued (DeskMail), in
// the mail's locale. Everything a person typed is made one line where it is a name, and escaped
// in HTML; multi-line text keeps its lines. Pure.
import type { Locale } from '../../config/alerting-config.ts';
import type { NoteFields, PeopleReport } from '../../state/desk-records.ts';
import type { Incident } from '../../state/incident.ts';
import type { DeskMail } from '../../state/notification.ts';
import { displaySystemName } from '../../text/display-system-name.ts';
import { escapeHtml } from '../../text/escape-html.ts';
import { formatDateTime } from '../../text/format-time.ts';
import { wordsFor } from '../../text/locale.ts';
import { toSingleLine } from './describe-notice.ts';
import { SUBJECT_MAX_CHARS } from './render-subject.ts';

export interface DeskMailInput {
  readonly kind: DeskMail['kind'];
  readonly incident: Incident;
  /** Present for a people-reported incident. */
  readonly report?: PeopleReport;
  /** Who did it, and when. */
  readonly user: string;
  readonly at: Date;
  /** The note's fields (a note, an acknowledgement's note as `text`, a resolution's `result`). */
  readonly fields?: NoteFields;
}

export interface DeskMailContext {
  readonly locale: Locale;
  readonly location?: string;
  readonly systemNames?: Readonly<Record<string, string>>;
}

interface Row {
  readonly label: string;
  readonly value: string;
}

const RULE = '='.repeat(64);

export function renderDeskMail(input: DeskMailInput, context: DeskMailContext): DeskMail {
  const words = wordsFor(context.locale);
  const desk = words.desk;
  const { incident, report } = input;
  const when = (date: Date): string => formatDateTime(date, context.locale);
  const system = toSingleLine(displaySystemName(incident.system, context.locale, context.systemNames));
  const name = report === undefined ? toSingleLine(incident.check) : toSingleLine(report.title);
  // Laid out as the incident's own mails are: the system, then what the mail is about.
  const subject = clip(toSingleLine(`[${desk.tag[input.kind]}] ${system} — ${name}`));
  const user = toSingleLine(input.user);
  const lead = desk.leads[input.kind](user, when(input.at));

  const facts: Row[] = [
    { label: desk.labels.incident, value: name },
    { label: desk.labels.system, value: system },
    ...(report === undefined ? [{ label: desk.labels.check, value: toSingleLine(incident.check) }] : []),
    { label: desk.labels.severity, value: words.severity[incident.severity] },
    { label: desk.labels.startedAt, value: when(incident.openedAt) },
    ...(incident.resolvedAt === undefined ? [] : [{ label: desk.labels.resolvedAt, value: when(incident.resolvedAt) }]),
    ...(report === undefined
      ? []
      : [
          { label: desk.labels.reportedBy, value: toSingleLine(report.reportedBy) },
          { label: desk.labels.openedBy, value: toSingleLine(report.openedBy) },
          { label: desk.labels.description, value: report.description },
        ]),
  ];
  const fields = input.fields ?? {};
  const noteRows: Row[] = [
    ...(fields.cause === undefined ? [] : [{ label: desk.labels.cause, value: fields.cause }]),
    ...(fields.plan === undefined ? [] : [{ label: desk.labels.plan, value: fields.plan }]),
    ...(fields.expectedFixAt === undefined ? [] : [{ label: desk.labels.expectedFixAt, value: when(fields.expectedFixAt) }]),
    ...(fields.result === undefined ? [] : [{ label: desk.labels.result, value: fields.result }]),
    ...(fields.text === undefined ? [] : [{ label: desk.labels.text, value: fields.text }]),
  ];
  const rows = [...noteRows, ...facts];
  const footer = words.footer(context.location === undefined ? undefined : toSingleLine(context.location), when(input.at));

  const text = [`${RULE}\n${subject}\n${RULE}`, lead, rows.map((row) => `${row.label}: ${row.value}`).join('\n'), `-- \n${footer}`].join('\n\n');
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${words.lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<h2>${escapeHtml(subject)}</h2>`,
    `<p>${escapeHtml(lead)}</p>`,
    '<table>',
    ...rows.map((row) => `<tr><th align="left">${escapeHtml(row.label)}</th><td>${escapeMultiline(row.value)}</td></tr>`),
    '</table>',
    `<hr>\n<p><small>${escapeHtml(footer)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { kind: input.kind, subject, text: `${text}\n`, html: `${html}\n` };
}

function escapeMultiline(value: string): string {
  return value.split(/\r?\n/).map(escapeHtml).join('<br>');
}

function clip(subject: string): string {
  const characters = [...subject];
  return characters.length <= SUBJECT_MAX_CHARS ? subject : `${characters.slice(0, SUBJECT_MAX_CHARS - 1).join('')}…`;
}
