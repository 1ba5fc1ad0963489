// What every route shares: the request and response shapes, the content types and the JSON
// response. Apart from routes.ts so that route modules can use them without importing each other.
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../state/desk-records.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text ('' for GET/HEAD or none); the server refuses bodies over MAX_BODY_BYTES with 413. */
  readonly body: string;
  /** Who is asking, set by the access layer before the route runs. */
  readonly principal: Principal;
  /** The client's address, for the audit log. */
  readonly address: string;
  /** The session's CSRF token, for forms a browser session posts back (absent for API clients and anonymous viewers). */
  readonly csrfToken?: string;
}

export const MAX_BODY_BYTES = 64 * 1024;

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

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
// Without the charset a browser may guess another encoding and show Vietnamese as mojibake.
export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

// Live state: a cached copy would mislead whoever is looking at an incident.
export const NO_STORE = { 'cache-control': 'no-store' } as const;

/** A body a browser's form posts (urlencoded), as opposed to an API client's JSON. */
export function isUrlencoded(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

export function jsonResponse(status: number, value: unknown): TextResponse {
  return { status, contentType: JSON_CONTENT_TYPE, body: `${JSON.stringify(value) ?? 'null'}\n`, headers: NO_STORE };
}
