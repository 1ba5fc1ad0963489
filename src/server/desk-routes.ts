// The operations API of the duty desk: incidents (list, show, open by hand, acknowledge, notes,
// resolve), maintenance opened and closed from a script, silences and the audit log. Every handler
// checks the principal's role, validates its input (desk-input.ts) and speaks to the Desk only.
// The status page's forms post here too (urlencoded): they get a 303 back to the page instead of
// JSON, or a short page saying what was refused.
import type { Clock } from '../clock.ts';
import type { Locale } from '../config/alerting-config.ts';
import { matchesCheckPattern } from '../config/check-pattern.ts';
import type { Desk, DeskFailure } from '../desk/desk.ts';
import type { Actor } from '../state/desk-records.ts';
import {
  isFormPost,
  parseAcknowledge,
  parseAuditQuery,
  parseIncidentQuery,
  parseMaintenance,
  parseNote,
  parseOpenIncident,
  parseResolve,
  parseSilence,
  type InputError,
} from './desk-input.ts';
import { auditJson, deskJson, incidentJson, maintenanceJson, noteJson, silenceJson } from './desk-json.ts';
import { renderRefusal } from './desk-page.ts';
import { pathParameter } from './route-patterns.ts';
import { HTML_CONTENT_TYPE, NO_STORE, type RouteHandler, type RouteMethods, type RouteRequest, type RouteResponse } from './routes-common.ts';

export interface DeskRouteDependencies {
  readonly desk: Desk;
  /** access.hideNames: anonymous viewers see no names of people. */
  readonly hideNames?: () => boolean;
  readonly locale?: () => Locale;
  readonly clock?: Clock;
  /** The configured checks and systems (read anew): a window or a silence naming none of them covers nothing and is refused. */
  readonly known?: () => { readonly checks: readonly string[]; readonly systems: readonly string[] };
}

/** What a request may do: look (viewer), act (operator, admin), or read the audit log (operator, admin). */
type Need = 'read' | 'write' | 'audit';

const INCIDENT = '/api/incidents/{id}';
const ACKNOWLEDGE = '/api/incidents/{id}/acknowledge';
const NOTES = '/api/incidents/{id}/notes';
const RESOLVE = '/api/incidents/{id}/resolve';
const MAINTENANCE = '/api/maintenance/{id}';
// HTML forms cannot send DELETE: the page ends a window through this POST twin of DELETE /api/maintenance/{id}.
const MAINTENANCE_END = '/api/maintenance/{id}/end';

const UNAUTHORIZED_HEADERS = { 'www-authenticate': 'Basic realm="dvc-sentinel"' };

/** Why a principal may not do what it asks: 401 to log in, 403 when logged in without the role; undefined when it may. */
function refusal(request: RouteRequest, need: Need): { status: 401 | 403; error: string } | undefined {
  const { principal } = request;
  if (principal.role === 'none') return { status: 401, error: 'authentication required' };
  if (need === 'read') return undefined;
  if (principal.via === 'anonymous' || principal.name === undefined) return { status: 401, error: 'authentication required' };
  if (principal.role === 'viewer') return { status: 403, error: 'the operator or admin role is required' };
  return undefined;
}

function actorOf(request: RouteRequest): Actor {
  return { user: request.principal.name ?? '', address: request.address };
}

/** Names are hidden from anonymous viewers while access.hideNames is set. */
function hidesNames(request: RouteRequest, deps: DeskRouteDependencies): boolean {
  return request.principal.via === 'anonymous' && (deps.hideNames?.() ?? false);
}

interface Failure {
  readonly status: number;
  readonly body: { readonly error: string; readonly field?: string };
}

function fail(request: RouteRequest, deps: DeskRouteDependencies, failure: Failure): RouteResponse {
  if (!isFormPost(request)) return deskJson(failure.status, failure.body, failure.status === 401 ? UNAUTHORIZED_HEADERS : {});
  // No Basic challenge for the page's forms: a browser would answer it with its own password
  // dialog instead of the page that says what happened.
  const html = renderRefusal(failure.status, failure.body, deps.locale?.() ?? 'vi');
  return { status: failure.status, contentType: HTML_CONTENT_TYPE, body: html, headers: NO_STORE };
}

/** The first name that matches no configured check (patterns allowed) or system, as a 400 naming its field. */
function unknownNames(
  deps: DeskRouteDependencies,
  named: Readonly<Partial<Record<'checks' | 'check' | 'systems' | 'system', readonly string[]>>>,
): InputError | undefined {
  const known = deps.known?.();
  if (known === undefined) return undefined;
  for (const field of ['checks', 'check'] as const) {
    const missing = (named[field] ?? []).find((pattern) => !known.checks.some((check) => matchesCheckPattern(pattern, check)));
    if (missing !== undefined) return { error: `no configured check matches "${missing}"`, field };
  }
  for (const field of ['systems', 'system'] as const) {
    const missing = (named[field] ?? []).find((system) => !known.systems.includes(system));
    if (missing !== undefined) return { error: `no configured system is named "${missing}"; configured: ${known.systems.join(', ')}`, field };
  }
  return undefined;
}

function badInput(problem: InputError): Failure {
  return { status: 400, body: problem };
}

function deskFailure(failure: DeskFailure): Failure {
  return { status: failure.error === 'not_found' ? 404 : 409, body: { error: failure.message } };
}

/** A write done: JSON for API clients, back to the page (at the thing acted on) for its forms. */
function done(request: RouteRequest, status: number, value: unknown, anchor: string): RouteResponse {
  if (!isFormPost(request)) return deskJson(status, value);
  return { status: 303, contentType: 'text/plain; charset=utf-8', body: '', headers: { ...NO_STORE, location: `/#${encodeURIComponent(anchor)}` } };
}

/** Wraps a handler with the role check and the failure answers. */
function guarded(deps: DeskRouteDependencies, need: Need, handle: (request: RouteRequest) => RouteResponse | Failure): RouteHandler {
  return (request) => {
    const refused = refusal(request, need);
    if (refused !== undefined) return fail(request, deps, { status: refused.status, body: { error: refused.error } });
    const result = handle(request);
    return 'contentType' in result ? result : fail(request, deps, result);
  };
}

/** The {id} of template in the request's path (the server only routes matching paths here). */
function idIn(template: string, request: RouteRequest): string {
  return pathParameter(template, request.url.pathname, 'id') ?? '';
}

const NOT_FOUND: Failure = { status: 404, body: { error: 'no such incident' } };

export function createDeskRoutes(deps: DeskRouteDependencies): [string, RouteMethods][] {
  const { desk } = deps;
  const now = (): Date => deps.clock?.() ?? new Date();
  return [
    [
      '/api/incidents',
      {
        GET: guarded(deps, 'read', (request) => {
          const query = parseIncidentQuery(request.url);
          if (!query.ok) return badInput(query.problem);
          const hide = hidesNames(request, deps);
          return deskJson(200, { incidents: desk.listIncidents(query.value).map((item) => incidentJson(item, hide)) });
        }),
        POST: guarded(deps, 'write', (request) => {
          const input = parseOpenIncident(request);
          if (!input.ok) return badInput(input.problem);
          const opened = desk.openIncident(actorOf(request), input.value);
          return done(request, 201, incidentJson(opened, false), `incident-${opened.incident.id}`);
        }),
      },
    ],
    [
      INCIDENT,
      {
        GET: guarded(deps, 'read', (request) => {
          const found = desk.getIncident(idIn(INCIDENT, request));
          return found === undefined ? NOT_FOUND : deskJson(200, incidentJson(found, hidesNames(request, deps)));
        }),
      },
    ],
    [
      ACKNOWLEDGE,
      {
        POST: guarded(deps, 'write', (request) => {
          const input = parseAcknowledge(request);
          if (!input.ok) return badInput(input.problem);
          const result = desk.acknowledge(idIn(ACKNOWLEDGE, request), actorOf(request), input.value.note);
          return result.ok ? done(request, 200, incidentJson(result.value, false), `incident-${result.value.incident.id}`) : deskFailure(result);
        }),
      },
    ],
    [
      NOTES,
      {
        POST: guarded(deps, 'write', (request) => {
          const input = parseNote(request);
          if (!input.ok) return badInput(input.problem);
          const id = idIn(NOTES, request);
          const result = desk.addNote(id, actorOf(request), input.value.fields, input.value.notify);
          return result.ok ? done(request, 201, noteJson(result.value, false), `incident-${id}`) : deskFailure(result);
        }),
      },
    ],
    [
      RESOLVE,
      {
        POST: guarded(deps, 'write', (request) => {
          const input = parseResolve(request);
          if (!input.ok) return badInput(input.problem);
          const result = desk.resolve(idIn(RESOLVE, request), actorOf(request), input.value.result);
          return result.ok ? done(request, 200, incidentJson(result.value, false), 'incidents') : deskFailure(result);
        }),
      },
    ],
    [
      '/api/maintenance',
      {
        GET: guarded(deps, 'read', (request) => {
          const hide = hidesNames(request, deps);
          return deskJson(200, { maintenance: desk.listMaintenance().map((record) => maintenanceJson(record, hide)) });
        }),
        POST: guarded(deps, 'write', (request) => {
          const input = parseMaintenance(request, now());
          if (!input.ok) return badInput(input.problem);
          const unknown = unknownNames(deps, { checks: input.value.checks ?? [], systems: input.value.systems ?? [] });
          if (unknown !== undefined) return badInput(unknown);
          const record = desk.startMaintenance(actorOf(request), input.value);
          return done(request, 201, maintenanceJson(record), 'desk-maintenance');
        }),
      },
    ],
    [MAINTENANCE, { DELETE: guarded(deps, 'write', (request) => endMaintenance(desk, idIn(MAINTENANCE, request), request)) }],
    [MAINTENANCE_END, { POST: guarded(deps, 'write', (request) => endMaintenance(desk, idIn(MAINTENANCE_END, request), request)) }],
    [
      '/api/silences',
      {
        GET: guarded(deps, 'read', (request) => {
          const hide = hidesNames(request, deps);
          return deskJson(200, { silences: desk.listSilences().map((silence) => silenceJson(silence, hide)) });
        }),
        POST: guarded(deps, 'write', (request) => {
          const input = parseSilence(request, now());
          if (!input.ok) return badInput(input.problem);
          const unknown = unknownNames(deps, {
            ...(input.value.check === undefined ? {} : { check: [input.value.check] }),
            ...(input.value.system === undefined ? {} : { system: [input.value.system] }),
          });
          if (unknown !== undefined) return badInput(unknown);
          return done(request, 201, silenceJson(desk.silence(actorOf(request), input.value)), 'desk-silences');
        }),
      },
    ],
    [
      '/api/audit',
      {
        GET: guarded(deps, 'audit', (request) => {
          const query = parseAuditQuery(request.url);
          if (!query.ok) return badInput(query.problem);
          return deskJson(200, { entries: desk.listAudit(query.value).map(auditJson) });
        }),
      },
    ],
  ];
}

function endMaintenance(desk: Desk, id: string, request: RouteRequest): RouteResponse | Failure {
  const result = desk.endMaintenance(id, actorOf(request));
  if (!result.ok) return result.error === 'not_found' ? { status: 404, body: { error: 'no such maintenance' } } : deskFailure(result);
  return done(request, 200, maintenanceJson(result.value), 'desk-maintenance');
}
