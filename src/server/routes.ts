// The HTTP endpoints of the daemon: /metrics, /healthz, /api/status and the status page at /. Each handler turns one
// dependency into a response; sockets, 404/405/HEAD and failures are the server's job.
import type { IncomingHttpHeaders } from 'node:http';
import type { Locale } from '../config/alerting-config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { isStatusPageSnapshot, renderStatusPage } from './status-page.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
}

export interface TextResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteResponse extends Omit<TextResponse, 'body'> {
  /** A text, or chunks of one written as they come (chunked, no content-length). */
  readonly body: string | AsyncIterable<Uint8Array>;
}

export type RouteHandler = (request: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/** The handler of each method one path answers. A GET handler also answers HEAD. */
export type RouteMethods = Readonly<Partial<Record<Method, RouteHandler>>>;

/** Exact path (no query, no trailing-slash folding) → its methods. */
export type Routes = ReadonlyMap<string, RouteMethods>;

export interface Health {
  readonly ok: boolean;
  /** Why the daemon is unhealthy, one short line each; empty when ok. */
  readonly reasons: readonly string[];
}

export interface RouteDependencies {
  readonly metrics: Metrics;
  readonly health: () => Health;
  /** A JSON-serialisable snapshot of every check's last result and state. */
  readonly status: () => unknown;
  /** The status page's language (alerting.locale, read anew so a reload changes it); Vietnamese when absent. */
  readonly locale?: () => Locale;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
// Without the charset a browser may guess another encoding and show Vietnamese as mojibake.
export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

// Live state: a cached copy would mislead whoever is looking at an incident.
const NO_STORE = { 'cache-control': 'no-store' } as const;

export function jsonResponse(status: number, value: unknown): TextResponse {
  return { status, contentType: JSON_CONTENT_TYPE, body: `${JSON.stringify(value) ?? 'null'}\n`, headers: NO_STORE };
}

export function createRoutes(deps: RouteDependencies): Routes {
  return new Map<string, RouteMethods>([
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
        GET: () => jsonResponse(200, deps.status()),
      },
    ],
    [
      '/',
      {
        GET: () => {
          const snapshot = deps.status();
          // status() is typed unknown for the JSON route; a value of another shape is a wiring bug (→ 500).
          if (!isStatusPageSnapshot(snapshot)) throw new Error('status() did not return a status snapshot; cannot render the status page');
          return { status: 200, contentType: HTML_CONTENT_TYPE, body: renderStatusPage(snapshot, deps.locale?.() ?? 'vi'), headers: NO_STORE };
        },
      },
    ],
  ]);
}
