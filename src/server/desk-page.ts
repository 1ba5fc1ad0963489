// The duty desk on the status page: under each open incident who acknowledged it and the notes
// kept on it (for everybody, names hidden from anonymous viewers when access.hideNames is set),
// and for operators and admins the forms that act on it — plain HTML forms posting urlencoded
// to the operations API with the session's CSRF token, no script, one column on a phone. Also the
// short page a refused form gets back. Pure; every typed word is escaped here.
import type { Locale } from '../config/alerting-config.ts';
import type { Desk, DeskIncident } from '../desk/desk.ts';
import type { MaintenanceRecord, Note, Silence } from '../state/desk-records.ts';
import { escapeHtml } from '../text/escape-html.ts';
import { wordsFor, type DeskPageWords, type Words } from '../text/locale.ts';
import type { RouteRequest } from './routes-common.ts';

/** What the page shows of the desk for one request. */
export interface DeskPageView {
  /** Open incidents as the desk knows them (acknowledgement, notes, people-reported ones). */
  readonly incidents: readonly DeskIncident[];
  /** Maintenance opened through the API and not yet ended. */
  readonly maintenance: readonly MaintenanceRecord[];
  readonly silences: readonly Silence[];
  /** Operators and admins get the forms. */
  readonly canAct: boolean;
  readonly csrfToken?: string;
  readonly hideNames: boolean;
  /** Who is signed in through the login form or single sign-on (they get a logout button); absent otherwise. */
  readonly signedIn?: string;
  /** Nobody signed in: the page offers the login form. */
  readonly anonymous: boolean;
}

/** How the status page lends its words and time format to the desk's parts. */
export interface DeskPageContext {
  readonly words: Words;
  readonly locale: Locale;
  /** An instant as the page writes it. */
  readonly at: (date: Date) => string;
}

/** The desk's view for this request: what is open, what is active now, and whether the forms are shown. */
export function deskPageView(desk: Desk, request: RouteRequest, options: { readonly hideNames: boolean; readonly now: Date }): DeskPageView {
  const { principal } = request;
  const now = options.now.getTime();
  const canAct = principal.via !== 'anonymous' && (principal.role === 'operator' || principal.role === 'admin');
  return {
    incidents: desk.listIncidents({ state: 'open' }),
    maintenance: desk.listMaintenance().filter((record) => record.endedAt === undefined && (record.until === undefined || record.until.getTime() > now)),
    silences: desk.listSilences().filter((silence) => silence.until.getTime() > now),
    canAct,
    ...(request.csrfToken === undefined ? {} : { csrfToken: request.csrfToken }),
    hideNames: principal.via === 'anonymous' && options.hideNames,
    ...(principal.via === 'session' && principal.name !== undefined ? { signedIn: principal.name } : {}),
    anonymous: principal.via === 'anonymous',
  };
}

function text(value: string): string {
  return escapeHtml(value);
}

function shownName(name: string | undefined, view: DeskPageView): string | undefined {
  return view.hideNames ? undefined : name;
}

function form(action: string, view: DeskPageView, className: string, fields: string, submit: string): string {
  const csrf = view.csrfToken === undefined ? '' : `<input type="hidden" name="_csrf" value="${text(view.csrfToken)}">`;
  return `<form method="post" action="${text(action)}" class="desk-form ${className}">${csrf}${fields}<button type="submit">${text(submit)}</button></form>`;
}

function input(label: string, name: string, options: { type?: string; required?: boolean; list?: string; maxLength?: number } = {}): string {
  const attributes = [
    `type="${options.type ?? 'text'}"`,
    `name="${name}"`,
    options.required ? 'required' : '',
    options.list === undefined ? '' : `list="${options.list}"`,
    `maxlength="${options.maxLength ?? 200}"`,
  ].filter((attribute) => attribute !== '');
  return `<label>${text(label)}<input ${attributes.join(' ')}></label>`;
}

function textarea(label: string, name: string, required = false): string {
  return `<label>${text(label)}<textarea name="${name}" rows="2" maxlength="4000"${required ? ' required' : ''}></textarea></label>`;
}

function renderNote(note: Note, view: DeskPageView, context: DeskPageContext): string {
  const words = context.words.deskPage;
  const rows: [string, string][] = [];
  if (note.cause !== undefined) rows.push([words.fields.cause, note.cause]);
  if (note.plan !== undefined) rows.push([words.fields.plan, note.plan]);
  if (note.expectedFixAt !== undefined) rows.push([words.fields.expectedFixAt, context.at(note.expectedFixAt)]);
  if (note.result !== undefined) rows.push([words.fields.result, note.result]);
  if (note.text !== undefined) rows.push([words.fields.text, note.text]);
  const head = `${text(words.noteBy(shownName(note.author, view), context.at(note.at)))}${note.notify ? ` <span class="sub-inline">(${text(words.notified)})</span>` : ''}`;
  return `<li class="note" data-note="${note.id}"><p class="note-head">${head}</p><dl>${rows.map(([label, value]) => `<dt>${text(label)}</dt><dd class="typed">${text(value)}</dd>`).join('')}</dl></li>`;
}

function renderForms(item: DeskIncident, view: DeskPageView, context: DeskPageContext): string {
  const words = context.words.deskPage;
  const base = `/api/incidents/${encodeURIComponent(item.incident.id)}`;
  const forms: string[] = [];
  if (item.acknowledgement === undefined) {
    forms.push(form(`${base}/acknowledge`, view, 'acknowledge', input(words.forms.acknowledgeNote, 'note', { maxLength: 4000 }), words.forms.acknowledge));
  }
  const noteFields = [
    textarea(words.fields.cause, 'cause'),
    textarea(words.fields.plan, 'plan'),
    input(words.fields.expectedFixAt, 'expectedFixAt', { type: 'datetime-local' }),
    textarea(words.fields.result, 'result'),
    textarea(words.fields.text, 'text'),
    `<label class="check"><input type="checkbox" name="notify" value="on"> ${text(words.notify)}</label>`,
  ].join('');
  forms.push(
    `<details class="desk-more"><summary>${text(words.forms.addNote)}</summary>${form(`${base}/notes`, view, 'note', noteFields, words.forms.addNote)}</details>`,
  );
  if (item.origin === 'people') {
    forms.push(form(`${base}/resolve`, view, 'resolve', textarea(words.forms.resolveResult, 'result'), words.forms.resolve));
  }
  return forms.join('');
}

/** Who acknowledged the incident and its notes, and for operators the forms that act on it. */
export function renderIncidentDesk(item: DeskIncident | undefined, view: DeskPageView, context: DeskPageContext): string {
  if (item === undefined) return '';
  const words = context.words.deskPage;
  const acknowledgement =
    item.acknowledgement === undefined
      ? `<p class="ack none-yet">${text(words.notAcknowledged)}</p>`
      : `<p class="ack">${text(words.acknowledged(shownName(item.acknowledgement.by, view), context.at(item.acknowledgement.at)))}</p>`;
  const notes =
    item.notes.length === 0
      ? ''
      : `<h4>${text(words.notesHeading)}</h4><ol class="notes">${item.notes.map((note) => renderNote(note, view, context)).join('')}</ol>`;
  return `<div class="desk">${acknowledgement}${notes}${view.canAct ? renderForms(item, view, context) : ''}</div>`;
}

function renderPeopleIncident(item: DeskIncident, view: DeskPageView, context: DeskPageContext): string {
  const { words } = context;
  const { incident, report } = item;
  const severity = incident.severity === 'critical' ? 'critical' : 'warning';
  const rows: [string, string][] = [[words.page.incident.detectedAt, context.at(incident.openedAt)]];
  if (report !== undefined) {
    rows.push([words.deskPage.forms.system, incident.system]);
    if (report.description !== '') rows.push([words.deskPage.forms.description, report.description]);
    rows.push([words.deskPage.forms.reportedBy, shownName(report.reportedBy, view) ?? words.deskPage.reportedBy(undefined)]);
  }
  return [
    `<li class="incident people" id="incident-${text(incident.id)}" data-incident="${text(incident.id)}">`,
    `<h3><span class="badge s-${severity}">${text(words.severity[severity])}</span> <span class="name typed">${text(report?.title ?? incident.check)}</span></h3>`,
    `<dl>${rows.map(([label, value]) => `<dt>${text(label)}</dt><dd class="typed">${text(value)}</dd>`).join('')}</dl>`,
    renderIncidentDesk(item, view, context),
    '</li>',
  ].join('');
}

function renderOpenForm(view: DeskPageView, context: DeskPageContext, systems: readonly string[]): string {
  const words = context.words.deskPage;
  const options = systems.map((system) => `<option value="${text(system)}">`).join('');
  const severity = `<label>${text(words.forms.severity)}<select name="severity">${(['critical', 'warning'] as const)
    .map((level) => `<option value="${level}">${text(context.words.severity[level])}</option>`)
    .join('')}</select></label>`;
  const fields = [
    input(words.forms.title, 'title', { required: true }),
    input(words.forms.system, 'system', { required: true, list: 'desk-systems', maxLength: 100 }),
    `<datalist id="desk-systems">${options}</datalist>`,
    severity,
    textarea(words.forms.description, 'description'),
    input(words.forms.reportedBy, 'reportedBy', { required: true }),
  ].join('');
  return `<h3>${text(words.forms.openHeading)}</h3>${form('/api/incidents', view, 'open', fields, words.forms.open)}`;
}

function renderMaintenance(view: DeskPageView, context: DeskPageContext): string {
  const words = context.words.deskPage;
  const items = view.maintenance.map((record) => {
    const line = words.maintenanceLine(record.name, record.until === undefined ? undefined : context.at(record.until), shownName(record.startedBy, view));
    const end = view.canAct ? form(`/api/maintenance/${encodeURIComponent(record.id)}/end`, view, 'end-maintenance', '', words.forms.endMaintenance) : '';
    return `<li data-maintenance="${text(record.id)}"><span class="typed">${text(line)}</span>${end}</li>`;
  });
  const list = items.length === 0 ? `<p class="empty">${text(words.noMaintenance)}</p>` : `<ul class="desk-list">${items.join('')}</ul>`;
  const start = view.canAct
    ? form(
        '/api/maintenance',
        view,
        'start-maintenance',
        [
          input(words.forms.maintenanceName, 'name'),
          input(words.forms.checks, 'checks', { maxLength: 2000 }),
          input(words.forms.systems, 'systems', { maxLength: 2000 }),
          input(words.forms.reason, 'reason', { maxLength: 4000 }),
          input(words.forms.until, 'until', { type: 'datetime-local' }),
        ].join(''),
        words.forms.startMaintenance,
      )
    : '';
  return `<h3 id="desk-maintenance">${text(words.forms.maintenanceHeading)}</h3>${list}${start}`;
}

function renderSilences(view: DeskPageView, context: DeskPageContext): string {
  const words = context.words.deskPage;
  const items = view.silences.map((silence) => {
    const target = [silence.check, silence.system].filter((part) => part !== undefined).join(' · ');
    return `<li data-silence="${text(silence.id)}" class="typed">${text(words.silenceLine(target, context.at(silence.until), shownName(silence.createdBy, view)))}</li>`;
  });
  const list = items.length === 0 ? `<p class="empty">${text(words.noSilences)}</p>` : `<ul class="desk-list">${items.join('')}</ul>`;
  const start = view.canAct
    ? form(
        '/api/silences',
        view,
        'silence',
        [
          input(words.forms.silenceCheck, 'check'),
          input(words.forms.silenceSystem, 'system', { list: 'desk-systems', maxLength: 100 }),
          input(words.forms.until, 'until', { type: 'datetime-local', required: true }),
          input(words.forms.reason, 'reason', { maxLength: 4000 }),
        ].join(''),
        words.forms.silence,
      )
    : '';
  return `<h3 id="desk-silences">${text(words.forms.silenceHeading)}</h3>${list}${start}`;
}

/**
 * The desk's own section: open incidents people reported (those the probe list above does not
 * show), then maintenance and silences, and for operators the forms that start them.
 */
export function renderDeskSection(view: DeskPageView, context: DeskPageContext, shown: ReadonlySet<string>, systems: readonly string[]): string {
  const words = context.words.deskPage;
  const people = view.incidents.filter((item) => item.origin === 'people' && !shown.has(item.incident.id));
  const peopleList =
    people.length === 0
      ? `<p class="empty">${text(words.noPeopleIncidents)}</p>`
      : `<ul class="incidents">${people.map((item) => renderPeopleIncident(item, view, context)).join('')}</ul>`;
  return [
    `<section class="desk-section"><h2 id="desk">${text(words.heading)}</h2>`,
    `<h3>${text(words.peopleHeading)}</h3>${peopleList}`,
    view.canAct ? renderOpenForm(view, context, systems) : '',
    renderMaintenance(view, context),
    renderSilences(view, context),
    '</section>',
  ].join('');
}

/** The page a refused form gets: what was wrong, and the way back. */
export function renderRefusal(status: number, body: { readonly error: string; readonly field?: string }, locale: Locale): string {
  const words: DeskPageWords = wordsFor(locale).deskPage;
  const message =
    status === 400
      ? words.refused.badField(body.field ?? 'body', body.error)
      : status === 401
        ? words.refused.notLoggedIn
        : status === 403
          ? words.refused.notAllowed
          : status === 404
            ? words.refused.notFound
            : words.refused.conflict(body.error);
  return refusalPage(message, locale);
}

/** The page a form refused before any route gets (an old CSRF token, too many failed logins, no right). */
export function renderAccessRefusal(refusal: { readonly status: number; readonly staleForm?: boolean }, locale: Locale): string {
  const words = wordsFor(locale).deskPage.refused;
  const message =
    refusal.staleForm === true ? words.staleForm : refusal.status === 429 ? words.limited : refusal.status === 401 ? words.notLoggedIn : words.notAllowed;
  return refusalPage(message, locale);
}

function refusalPage(message: string, locale: Locale): string {
  const words = wordsFor(locale).deskPage.refused;
  return [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(words.title)}</title></head>`,
    `<body><main><h1>${text(words.title)}</h1><p class="refused">${text(message)}</p><p><a href="/">${text(words.back)}</a></p></main></body>`,
    '</html>',
    '',
  ].join('\n');
}
