// A real HTTP server on 127.0.0.1 with the daemon's routes and a fake desk. Who asks is told by a
// test-only header ("x-test-principal: operator:an" → operator "an" via basic, "none" → refused; absent → the
// anonymous viewer), standing in for the access layer, which sets the principal the same way.
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach } from 'vitest';
import type { Access } from '../../src/access/access.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createRoutes, type RouteDependencies } from '../../src/server/routes.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import type { Principal } from '../../src/state/desk-records.ts';
import { createFakeDesk, type FakeDesk } from './desk-fake.ts';

export const NOW = new Date('2026-12-03T08:00:00Z');
export const CSRF = 'csrf-token-of-the-session';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

export interface DeskServer {
  readonly url: string;
  readonly desk: FakeDesk;
}

function principalFrom(header: string | string[] | undefined): Principal {
  if (typeof header !== 'string') return { role: 'viewer', via: 'anonymous' };
  const [role, name] = header.split(':');
  if (role === 'none') return { role: 'none', via: 'anonymous' };
  return { role: role as Principal['role'], name: decodeURIComponent(name ?? role!), via: 'basic' };
}

/** Who asks: the real access layer, or by default a stand-in reading the test header. */
export async function serveDesk(extra: Partial<RouteDependencies> = {}, access?: Pick<Access, 'gate'>): Promise<DeskServer> {
  const desk = createFakeDesk(() => NOW);
  const routes = createRoutes({
    metrics: createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
    health: () => ({ ok: true, reasons: [] }),
    status: () => ({
      version: '9.9.9',
      generatedAt: NOW.toISOString(),
      startedAt: NOW.toISOString(),
      summary: { ok: 1, warning: 0, critical: 0, unknown: 0 },
      checks: [],
      incidents: desk
        .listIncidents({ state: 'open' })
        .filter((item) => item.origin === 'probe')
        .map((item) => item.incident),
    }),
    desk,
    clock: () => NOW,
    ...extra,
  });
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    routes,
    log: pino({ level: 'silent' }),
    access: access ?? {
      gate: async (incoming) => {
        const principal = principalFrom(incoming.headers['x-test-principal']);
        return principal.via === 'anonymous' ? { kind: 'admit', principal } : { kind: 'admit', principal, csrfToken: CSRF };
      },
    },
  });
  servers.push(server);
  return { url: server.url, desk };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export async function call(
  url: string,
  options: { method?: 'GET' | 'POST' | 'DELETE'; as?: string; json?: unknown; form?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  // Header values are bytes; names with Vietnamese letters travel percent-encoded.
  if (options.as !== undefined) headers['x-test-principal'] = encodeURI(options.as);
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await request(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}
