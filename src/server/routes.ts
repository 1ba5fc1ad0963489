// The HTTP endpoints of the daemon: /metrics, /healthz, /api/status, the status page at / and the report routes
// (report-routes.ts), and with a desk its operations API (desk-routes.ts). Each handler turns one
// dependency into a response; sockets, 404/405/HEAD and failures are the server's job.
import { systemClock, systemMonotonic, type Clock, type MonotonicClock } from '../clock.ts';
import type { Locale } from '../config/alerting-config.ts';
import type { Roster } from '../config/roster-config.ts';
import type { Desk } from '../desk/desk.ts';
import { deskPageView, type DeskPageView } from './desk-page.ts';
import { createDeskRoutes } from './desk-routes.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createReportRoutes, type ReportRouteDependencies } from './report-routes.ts';
import {
  HTML_CONTENT_TYPE,
  jsonResponse,
  NO_STORE,
  type Method,
  type RouteHandler,
  type RouteMethods,
  type RouteRequest,
  type Routes,
  type TextResponse,
} from './routes-common.ts';
import { createRenderCache, type RenderCache } from './render-cache.ts';
import { describeDuty, type DutyLines } from '../state/roster.ts';
import type { StatusFigures } from '../state/status-snapshot.ts';
import { wordsFor } from '../text/locale.ts';
import { isStatusPageSnapshot, renderStatusPage } from './status-page.ts';
import { renderCataloguePage, type CatalogueView } from './catalogue-page.ts';

export { HTML_CONTENT_TYPE, type Routes } from './routes-common.ts';

export interface Health {
  readonly ok: boolean;
  /** Why the daemon is unhealthy, one short line each; empty when ok. */
  readonly reasons: readonly string[];
}

export interface RouteDependencies extends ReportRouteDependencies {
  readonly metrics: Metrics;
  readonly health: () => Health;
  /** A JSON-serialisable snapshot of every check's last result and state. */
  readonly status: () => unknown;
  /** The status page's language (alerting.locale, read anew so a reload changes it); Vietnamese when absent. */
  readonly locale?: () => Locale;
  /** The last 24 hours per check and the objectives, as last computed (never computed per request). */
  readonly recent?: () => StatusFigures['recent'];
  /** The duty desk: its API routes and the page's desk parts exist only when it is given. */
  readonly desk?: Desk;
  /** The wall clock for the desk (expiries must lie ahead); the system's when absent. */
  readonly clock?: Clock;
  /** The configured checks and systems: a window or a silence naming none of them is refused. */
  readonly known?: () => { readonly checks: readonly string[]; readonly systems: readonly string[] };
  /** The duty roster, read anew so a reload changes it: the page says who is on duty. */
  readonly roster?: () => Roster | undefined;
  /** The catalogue checks' last crawls and reviews (/catalogue, /api/catalogue); absent = none. */
  readonly catalogues?: () => readonly CatalogueView[];
  /**
   * A number that changes whenever a check's result or state is recorded: the status page and
   * /api/status are rendered once per change (and at most RENDER_MAX_AGE_MS apart), not per
   * request. Absent = rendered for every request.
   */
  readonly changes?: () => number;
  /** For the renders' age; performance.now() when absent. */
  readonly monotonic?: MonotonicClock;
}

/** How stale a kept render may get when nothing recorded a change (clock-driven parts: the duty roster, maintenance, figures). */
const RENDER_MAX_AGE_MS = 1_000;

export function createRoutes(deps: RouteDependencies): Routes {
  const changes = deps.changes;
  const cache =
    changes === undefined ? undefined : createRenderCache({ version: changes, monotonic: deps.monotonic ?? systemMonotonic, maxAgeMs: RENDER_MAX_AGE_MS });
  const routes = new Map<string, RouteMethods>([
    [
      '/metrics',
      {
        GET: async () => {
          const { contentType, chunks } = deps.metrics.renderChunks();
          return { status: 200, contentType, body: chunks, headers: NO_STORE };
        },
      },
    ],
    [
      '/healthz',
      {
        GET: () => {
          const health = deps.health();
          return health.ok ? jsonResponse(200, { status: 'ok' }) : jsonResponse(503, { status: 'stuck', reasons: health.reasons });
        },
      },
    ],
    [
      '/api/status',
      {
        GET: () => cached(cache, 'api/status', () => jsonResponse(200, deps.status())),
      },
    ],
    [
      '/',
      {
        GET: (request) => {
          const locale = deps.locale?.() ?? 'vi';
          const render = (): TextResponse => {
            const snapshot = deps.status();
            // status() is typed unknown for the JSON route; a value of another shape is a wiring bug (→ 500).
            if (!isStatusPageSnapshot(snapshot)) throw new Error('status() did not return a status snapshot; cannot render the status page');
            const figures: StatusFigures = { recent: deps.recent?.(), reports: readReports(deps), catalogue: catalogueLines(deps.catalogues?.() ?? []) };
            const desk = readDesk(deps, request);
            return {
              status: 200,
              contentType: HTML_CONTENT_TYPE,
              body: renderStatusPage({ ...snapshot, figures, duty: dutyNow(deps) }, locale, desk),
              headers: NO_STORE,
            };
          };
          // A signed-in browser's page carries its own form token and name: rendered for it alone.
          const { principal } = request;
          const shared = request.csrfToken === undefined && principal.via !== 'session';
          return shared ? cached(cache, `page/${locale}/${principal.via}/${principal.role}`, render) : render();
        },
      },
    ],
    [
      '/catalogue',
      {
        GET: () => ({
          status: 200,
          contentType: HTML_CONTENT_TYPE,
          body: renderCataloguePage(deps.catalogues?.() ?? [], deps.locale?.() ?? 'vi'),
          headers: NO_STORE,
        }),
      },
    ],
    [
      '/api/catalogue',
      {
        GET: () => jsonResponse(200, deps.catalogues?.() ?? []),
      },
    ],
    ...createReportRoutes(deps),
    ...(deps.desk === undefined ? [] : createDeskRoutes({ ...deps, desk: deps.desk })),
  ]);
  return cache === undefined ? routes : invalidatingOnWrites(routes, cache);
}

function cached(cache: RenderCache | undefined, key: string, render: () => TextResponse): TextResponse {
  return cache === undefined ? render() : cache.get(key, render);
}

/** A request that may change something (a desk action, a report sent) marks every kept render out of date. */
function invalidatingOnWrites(routes: Map<string, RouteMethods>, cache: RenderCache): Routes {
  const wrapped = new Map<string, RouteMethods>();
  for (const [path, methods] of routes) {
    const entry: Partial<Record<Method, RouteHandler>> = {};
    for (const method of Object.keys(methods) as Method[]) {
      const handler = methods[method];
      if (handler === undefined) continue;
      entry[method] =
        method === 'GET'
          ? handler
          : async (request) => {
              try {
                return await handler(request);
              } finally {
                cache.invalidate();
              }
            };
    }
    wrapped.set(path, entry);
  }
  return wrapped;
}

/** The desk's parts of the page; a desk that cannot be read leaves the rest of the page standing. */
function readDesk(deps: RouteDependencies, request: RouteRequest): DeskPageView | undefined {
  if (deps.desk === undefined) return undefined;
  try {
    return deskPageView(deps.desk, request, { hideNames: deps.hideNames?.() ?? false, now: deps.clock?.() ?? new Date() });
  } catch {
    return undefined;
  }
}

/** The reports sent lately for the page; a list that cannot be read leaves the rest of the page standing. */
function readReports(deps: RouteDependencies): StatusFigures['reports'] {
  try {
    return deps.reports?.() ?? [];
  } catch {
    return [];
  }
}

function dutyNow(deps: RouteDependencies): DutyLines | undefined {
  return describeDuty(deps.roster?.(), (deps.clock ?? systemClock)(), wordsFor(deps.locale?.() ?? 'vi').roster);
}

/** The status page's line per catalogue check: counts only; the rows are on /catalogue. */
function catalogueLines(views: readonly CatalogueView[]): NonNullable<StatusFigures['catalogue']> {
  return views.map((view) => ({
    check: view.check,
    status: view.status,
    lastCrawlAt: view.lastCrawl?.at,
    outcome: view.lastCrawl?.outcome,
    reason: view.lastCrawl?.reason,
    items: view.snapshot?.items,
    changes: view.entries.filter((entry) => entry.kind === 'added' || entry.kind === 'removed' || entry.kind === 'changed').length,
    mismatches: view.entries.length - view.entries.filter((entry) => entry.kind === 'added' || entry.kind === 'removed' || entry.kind === 'changed').length,
  }));
}
