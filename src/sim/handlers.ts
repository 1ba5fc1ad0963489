// msw handlers for the simulated systems, one list per origin. Each list reads the simulator's
// live state on every request, so switching a scenario changes the next answer. Paths start
// with "*/" because msw's getResponse has no base URL to resolve a bare "/path" against in Node.
import { randomUUID } from 'node:crypto';
import { delay, http, HttpResponse, type RequestHandler } from 'msw';
import { toNationalJson, toProvincialJson, type DossierFlow } from './dossier-flow.ts';
import {
  renderCoordinationLogin,
  renderDossierLookup,
  renderNationalHome,
  renderNotFound,
  renderProcedureList,
  renderProvincialLogin,
  renderRequestRejected,
  renderServiceUnavailable,
  renderSsoLogin,
} from './html-pages.ts';
import { PROCEDURES, type Procedure } from './procedures.ts';
import type { FaultName, PortalPhase } from './scenarios.ts';
import { formatVietnamTime } from './vietnam-time.ts';

/** What the handlers read from the running simulator. */
export interface SimState {
  isActive(fault: FaultName): boolean;
  portalPhase(): PortalPhase;
  readonly flow: DossierFlow;
  /** A fresh latency for one slow quantricong answer. */
  slowLatencyMs(): number;
  /** The firewall's support id for one refused request. */
  nextSupportId(): string;
  /** Origin of the provincial login server, for links from the back office. */
  provincialSsoOrigin(): string;
}

export type OriginName = 'national' | 'quantricong' | 'provincial' | 'provincialSso' | 'syncProvincial' | 'syncNational' | 'https';

export const PUBLIC_FORMALITY_PATH = '/api/v1/submitting/formality/list-all-public-formality-by-citizen';
export const OIDC_DISCOVERY_PATH = '/auth/realms/digo/.well-known/openid-configuration';
export const OIDC_TOKEN_PATH = '/auth/realms/digo/protocol/openid-connect/token';
/** The one client the simulated Keycloak knows (client_credentials), for trying `auths:` against `simulate`. */
export const SIM_CLIENT = { id: 'dvc-sentinel', secret: 'demo-secret', lifetimeSeconds: 300 } as const;
export const SYNC_STATUS_PATH = '/api/sync/status';

export function respondHtml(body: string, init: { status?: number; headers?: Record<string, string> } = {}): HttpResponse<string> {
  return new HttpResponse(body, {
    status: init.status ?? 200,
    headers: { 'content-type': 'text/html; charset=utf-8', ...init.headers },
  });
}

const notFound = http.all('*', () => respondHtml(renderNotFound(), { status: 404 }));

export function createHandlers(state: SimState): Record<OriginName, RequestHandler[]> {
  const firewall = http.all('*', ({ request }) => {
    if (!state.isActive('blocked')) return undefined;
    // Pages get the firewall's 200 page, the API a 403: both shapes are seen in front of the portal.
    const isApi = new URL(request.url).pathname.startsWith('/api/');
    return respondHtml(renderRequestRejected(state.nextSupportId()), { status: isApi ? 403 : 200, headers: { 'cache-control': 'no-cache' } });
  });
  const portalOutage = http.all('*', () => {
    if (state.portalPhase() === 'up') return undefined;
    return respondHtml(renderServiceUnavailable(), { status: 503, headers: { 'retry-after': '120' } });
  });
  const portalContent = [
    http.get('*/', () => respondHtml(renderNationalHome())),
    http.get('*/thu-tuc-hanh-chinh', () => respondHtml(renderProcedureList())),
    http.get('*/tra-cuu-ho-so', () => respondHtml(renderDossierLookup())),
    http.post(`*${PUBLIC_FORMALITY_PATH}`, async ({ request }) => listPublicFormalities(request)),
  ];

  const slowness = http.all('*', async () => {
    if (state.isActive('slow-quantricong')) await delay(state.slowLatencyMs());
    return undefined;
  });

  const requireBearer = http.all('*', ({ request }) => {
    if (/^Bearer\s+\S+/i.test(request.headers.get('authorization') ?? '')) return undefined;
    return HttpResponse.json(
      { status: 401, error: 'Unauthorized', message: 'Thiếu mã truy cập (Authorization: Bearer ...)' },
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="digo"' } },
    );
  });

  return {
    national: [portalOutage, firewall, ...portalContent, notFound],
    https: [firewall, ...portalContent, notFound],
    quantricong: [
      slowness,
      http.get('*/', () => respondHtml(renderCoordinationLogin())),
      http.get('*/login', () => respondHtml(renderCoordinationLogin())),
      notFound,
    ],
    provincial: [http.get('*/', () => respondHtml(renderProvincialLogin(state.provincialSsoOrigin()))), notFound],
    provincialSso: [
      http.get(`*${OIDC_DISCOVERY_PATH}`, ({ request }) => HttpResponse.json(openIdConfiguration(new URL(request.url).origin))),
      http.get('*/auth/realms/digo/protocol/openid-connect/auth', () => respondHtml(renderSsoLogin())),
      http.post(`*${OIDC_TOKEN_PATH}`, async ({ request }) => issueToken(request)),
      notFound,
    ],
    syncProvincial: [
      requireBearer,
      http.get(`*${SYNC_STATUS_PATH}`, ({ request }) => {
        const view = state.flow.provincial();
        const code = new URL(request.url).searchParams.get('code');
        const dossiers = code === null ? view.dossiers : [state.flow.findProvincial(code)].flatMap((dossier) => dossier ?? []);
        return HttpResponse.json({
          data: {
            lastUpdated: formatVietnamTime(view.lastUpdatedMs),
            pending: view.pending,
            oldestUnsyncedAt: view.oldestUnsyncedAtMs === undefined ? null : formatVietnamTime(view.oldestUnsyncedAtMs),
            total: view.total,
            dossiers: dossiers.map(toProvincialJson),
          },
        });
      }),
      http.get('*/api/dossiers/:code', ({ params }) => {
        const dossier = state.flow.findProvincial(String(params.code));
        if (!dossier) return HttpResponse.json({ status: 404, error: 'Not Found', message: `Không tìm thấy hồ sơ ${String(params.code)}` }, { status: 404 });
        return HttpResponse.json({ data: toProvincialJson(dossier) });
      }),
      notFound,
    ],
    syncNational: [
      http.get(`*${SYNC_STATUS_PATH}`, ({ request }) => {
        const view = state.flow.national();
        const code = new URL(request.url).searchParams.get('code');
        const dossiers = code === null ? view.dossiers : [state.flow.findNational(code)].flatMap((dossier) => dossier ?? []);
        return HttpResponse.json({ lastSyncedAt: view.lastSyncedAtMs, total: view.total, dossiers: dossiers.map(toNationalJson) });
      }),
      http.get('*/api/dossiers/:code', ({ params }) => {
        const dossier = state.flow.findNational(String(params.code));
        if (!dossier) return HttpResponse.json({ code: 'NOT_FOUND', message: `Dossier ${String(params.code)} not found` }, { status: 404 });
        return HttpResponse.json(toNationalJson(dossier));
      }),
      notFound,
    ],
  };
}

interface FormalityQuery {
  readonly limit: number;
  readonly lastId: string;
  readonly q: string;
}

async function listPublicFormalities(request: Request): Promise<HttpResponse<Record<string, unknown>>> {
  let query: FormalityQuery;
  try {
    query = readFormalityQuery(await request.text());
  } catch (error) {
    return HttpResponse.json({ code: 'BAD_REQUEST', message: (error as Error).message }, { status: 400 });
  }
  const needle = query.q.toLocaleLowerCase('vi');
  const matching = PROCEDURES.filter((procedure) => procedure.name.toLocaleLowerCase('vi').includes(needle));
  const start = query.lastId === '' ? 0 : matching.findIndex((procedure) => procedure.id === query.lastId) + 1;
  const items = matching.slice(start, start + query.limit).map(toFormalityItem);
  return HttpResponse.json({ code: 'OK', message: 'Thành công', data: { items, total: matching.length } }, { status: 201 });
}

/** Body {"limit":5,"lastId":"","q":"",...}; an empty body means the defaults. */
function readFormalityQuery(text: string): FormalityQuery {
  const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const limit = fields.limit === undefined ? 10 : Number(fields.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new Error('limit must be an integer from 1 to 50');
  return { limit, lastId: typeof fields.lastId === 'string' ? fields.lastId : '', q: typeof fields.q === 'string' ? fields.q : '' };
}

function toFormalityItem(procedure: Procedure): Record<string, unknown> {
  return {
    id: procedure.id,
    code: procedure.code,
    name: procedure.name,
    fieldName: procedure.field,
    agencyLevel: procedure.level,
    implementingAgency: procedure.agency,
    onlineServiceLevel: procedure.onlineLevel,
  };
}

/**
 * Keycloak's token endpoint for one client and the client_credentials grant: credentials in HTTP
 * Basic or in the form, as Keycloak takes both. A fresh opaque token each time; the sync APIs take
 * any Bearer token, so a check with `auth` and one with a static header both pass.
 */
async function issueToken(request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const [basicId, basicSecret] = basic === undefined ? [] : Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
  const clientId = basicId ?? form.get('client_id');
  const clientSecret = basicSecret ?? form.get('client_secret');
  if (form.get('grant_type') !== 'client_credentials') {
    return HttpResponse.json({ error: 'unsupported_grant_type', error_description: 'Only client_credentials here' }, { status: 400 });
  }
  if (clientId !== SIM_CLIENT.id || clientSecret !== SIM_CLIENT.secret) {
    return HttpResponse.json({ error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' }, { status: 401 });
  }
  return HttpResponse.json({ access_token: `sim-${randomUUID()}`, token_type: 'Bearer', expires_in: SIM_CLIENT.lifetimeSeconds, scope: 'profile email' });
}

/** A Keycloak realm's discovery document, with every endpoint under the request's own origin. */
function openIdConfiguration(origin: string): Record<string, unknown> {
  const realm = `${origin}/auth/realms/digo`;
  const oidc = `${realm}/protocol/openid-connect`;
  return {
    issuer: realm,
    authorization_endpoint: `${oidc}/auth`,
    token_endpoint: `${oidc}/token`,
    userinfo_endpoint: `${oidc}/userinfo`,
    end_session_endpoint: `${oidc}/logout`,
    jwks_uri: `${oidc}/certs`,
    grant_types_supported: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
    response_types_supported: ['code', 'id_token', 'code id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email'],
  };
}
