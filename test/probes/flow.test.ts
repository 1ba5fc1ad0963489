import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type FlowCheck } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { renderStatusPage } from '../../src/server/status-page.ts';
import { initialCheckState, nextCheckState } from '../../src/state/check-state.ts';
import { buildStatusSnapshot } from '../../src/state/status-snapshot.ts';
import { probeFlow } from '../../src/probes/flow.ts';
import type { AuthBroker, ProbeContext, ProbeResult } from '../../src/probes/probe.ts';
import { describeProbeMessage } from '../../src/text/probe-message.ts';
import { createAuthority, createLeafCertificate } from '../support/certificates.ts';
import { startHttpServer, startHttpsServer, type Handler, type RunningServer } from '../support/http-servers.ts';
import { contextFor, lookupFor } from '../support/probe-context.ts';

// Deadlines are short so failures are quick; the slack stays under the 0.6 s a per-step deadline would add.
const DEADLINE_SLACK_SECONDS = 0.5;

/** A flow check as the config loader builds it from the file's shape. */
function flowCheck(fields: Record<string, unknown>, readCa: (path: string) => string = () => ''): FlowCheck {
  const input = ConfigInput.parse({ checks: [{ name: 'login-flow', system: 'provincial', kind: 'flow', timeout: '5s', ...fields }] });
  return resolveConfig('test.yaml', input, readCa).checks[0] as FlowCheck;
}

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server; `seen` keeps each request's method, URL, headers and body, in order. */
async function serve(handler: (request: IncomingMessage, body: string, response: Parameters<Handler>[1]) => void) {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = await startHttpServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
    handler(request, body, response);
  });
  servers.push(server);
  return { ...server, seen };
}

function json(response: Parameters<Handler>[1], status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

const run = (check: FlowCheck, extra: Partial<ProbeContext> = {}): Promise<ProbeResult> =>
  probeFlow(check, { ...contextFor(check.timeoutSeconds * 1000, lookupFor({ localhost: ['127.0.0.1'] })), ...extra });

describe('flow: cookies and captures', () => {
  it('carries the cookies one step receives to the next, on that host only', async () => {
    const portal = await serve((request, _body, response) => {
      if (request.url === '/login') {
        response.writeHead(200, { 'set-cookie': ['SESSION=s-1; Path=/; HttpOnly', 'gone=x; Max-Age=0'] });
        response.end('ok');
      } else {
        response.writeHead(request.headers.cookie === 'SESSION=s-1' ? 200 : 403);
        response.end();
      }
    });
    const other = await serve((_request, _body, response) => response.end('other'));
    const check = flowCheck({
      steps: [
        { name: 'login', request: { url: `${portal.url}/login` } },
        { name: 'inbox', request: { url: `${portal.url}/inbox` }, expect: { status: [200] } },
        { name: 'elsewhere', request: { url: other.url.replace('127.0.0.1', 'localhost') } },
      ],
    });

    const result = await run(check);

    expect(result.status).toBe('ok');
    expect(result.detail).toEqual({ code: 'flow_ok', params: { steps: 3, host: other.url.replace('http://127.0.0.1', 'localhost'), status: 200 } });
    expect(portal.seen.map((request) => request.headers.cookie)).toEqual([undefined, 'SESSION=s-1']);
    expect(other.seen[0]!.headers.cookie).toBeUndefined();
    expect(result.flow?.steps.map((step) => step.name)).toEqual(['login', 'inbox', 'elsewhere']);
  });

  it('captures from JSON, a header, a cookie and a regex, and uses them in the next step', async () => {
    const sso = await serve((request, body, response) => {
      if (request.url === '/.well-known/openid-configuration') {
        json(response, 200, { token_endpoint: `${sso.url}/token` }, { 'x-request-id': 'rid-42', 'set-cookie': 'csrf=c-7; Path=/' });
      } else if (request.url === '/form') {
        response.end('<form><input type="hidden" name="nonce" value="n-123"></form>');
      } else if (request.url === '/token' && request.method === 'POST') {
        const form = new URLSearchParams(body);
        const fine =
          form.get('nonce') === 'n-123' && form.get('client_id') === 'dvc' && request.headers['x-trace'] === 'rid-42' && request.headers['x-csrf'] === 'c-7';
        json(response, fine ? 200 : 400, fine ? { access_token: 'tok-secret-1', expires_in: 300 } : {});
      } else {
        json(response, request.headers.authorization === 'Bearer tok-secret-1' ? 200 : 401, { content: [{ code: '1.001' }] });
      }
    });
    const check = flowCheck({
      steps: [
        {
          name: 'discovery',
          request: { url: `${sso.url}/.well-known/openid-configuration` },
          capture: { tokenUrl: '$.token_endpoint', rid: { header: 'X-Request-Id' }, csrf: { cookie: 'csrf' } },
        },
        { name: 'form', request: { url: `${sso.url}/form` }, capture: { nonce: { regex: 'name="nonce" value="([^"]+)"' } } },
        {
          name: 'token',
          request: {
            method: 'POST',
            url: '{{tokenUrl}}',
            headers: { 'X-Trace': '{{rid}}', 'X-Csrf': '{{csrf}}' },
            form: { client_id: 'dvc', nonce: '{{nonce}}' },
          },
          capture: { token: '$.access_token' },
          expect: { status: [200] },
        },
        {
          name: 'search',
          request: { url: `${sso.url}/api/search`, headers: { Authorization: 'Bearer {{token}}' } },
          expect: { status: [200], json: [{ path: '$.content[0].code', exists: true }] },
        },
      ],
    });

    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    const result = await run(check, { log });

    expect(result.status).toBe('ok');
    // Captured values can be tokens: they are in no log line, even at trace.
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.join('')).not.toMatch(/tok-secret-1|n-123|c-7|rid-42/);
    const token = sso.seen.find((request) => request.url === '/token')!;
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token.body).toBe('client_id=dvc&nonce=n-123');
    expect(sso.seen.at(-1)!.headers.authorization).toBe('Bearer tok-secret-1');
    // A captured value can be a token: it is in no message.
    expect(JSON.stringify(result)).not.toContain('tok-secret-1');
  });

  it('fails the step whose capture is absent, naming the value and where it was looked for', async () => {
    const sso = await serve((_request, _body, response) => json(response, 200, { issuer: 'x' }));
    const check = flowCheck({
      steps: [
        { name: 'discovery', request: { url: sso.url }, capture: { tokenUrl: '$.token_endpoint' } },
        { name: 'token', request: { url: '{{tokenUrl}}' } },
      ],
    });

    const result = await run(check);

    expect(result).toMatchObject({ status: 'critical', reason: 'protocol', flow: { failedStep: 'discovery' } });
    expect(result.message).toBe(`step discovery: nothing to capture as tokenUrl (json $.token_endpoint) in the answer from ${sso.url.slice(7)}`);
    expect(sso.seen).toHaveLength(1);
  });
});

describe('flow: redirect chains', () => {
  /** The portal on 127.0.0.1 sends the browser to the SSO host (localhost) and back; `ssoSendsTo` is where SSO sends it. */
  async function loginChain(ssoSendsTo: (portal: string) => string) {
    const portal = await serve((request, _body, response) => {
      if (request.url === '/login') {
        response.writeHead(302, { location: `http://localhost:${sso.port}/auth?response_type=code&client_id=sso-c12-dvc-web&state=s1` });
        response.end();
      } else if (request.url?.startsWith('/sso?code=')) {
        response.end('<h1>Đăng nhập</h1>');
      } else {
        response.writeHead(404);
        response.end('not found');
      }
    });
    const sso = await serve((request, _body, response) => {
      if (request.url?.startsWith('/auth')) {
        response.writeHead(302, { location: ssoSendsTo(portal.url), 'set-cookie': 'AUTH_SESSION=a1; Path=/' });
        response.end();
      } else {
        response.writeHead(200);
        response.end(`error page; cookie ${request.headers.cookie ?? 'none'}`);
      }
    });
    const check = flowCheck({
      steps: [
        {
          name: 'login',
          request: { url: `${portal.url}/login` },
          followRedirects: true,
          expect: { status: [200], redirects: [`localhost:${sso.port}`], finalUrl: `${portal.url}/sso` },
        },
      ],
    });
    return { portal, sso, check };
  }

  it('passes when the chain goes through the SSO host and comes back to the portal', async () => {
    const { portal, sso, check } = await loginChain((portal) => `${portal}/sso?code=c-1`);

    const result = await run(check);

    expect(result.status).toBe('ok');
    expect(portal.seen.map((request) => request.url)).toEqual(['/login', '/sso?code=c-1']);
    expect(sso.seen).toHaveLength(1);
    // The SSO host's cookie stays on the SSO host.
    expect(portal.seen[1]!.headers.cookie).toBeUndefined();
    expect(result.flow?.steps[0]!.httpStatus).toBe(200);
  });

  it('fails "the login redirect goes to an error page", saying where the chain ended', async () => {
    const { sso, check } = await loginChain(() => `http://localhost:${sso.port}/error?code=invalid_client`);

    const result = await run(check);

    expect(result).toMatchObject({ status: 'critical', reason: 'assertion', httpStatus: 200, flow: { failedStep: 'login' } });
    expect(result.detail).toMatchObject({
      code: 'flow_step',
      params: { step: 'login', detail: { code: 'flow_final_url', params: { host: `localhost:${sso.port}`, path: '/error' } } },
    });
    // The cookie the SSO host set on its first hop came back on its second.
    expect(sso.seen[1]!.headers.cookie).toBe('AUTH_SESSION=a1');
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toMatch(
      /^bước login: chuỗi chuyển hướng dừng ở localhost:\d+\/error, mong đợi http:\/\/127\.0\.0\.1:\d+\/sso$/,
    );
    expect(result.message).not.toContain('invalid_client');
  });

  it('fails when the chain never passes through the expected host', async () => {
    const portal = await serve((request, _body, response) => {
      if (request.url === '/login') {
        response.writeHead(302, { location: '/sso?code=local' });
        response.end();
      } else response.end('ok');
    });
    const check = flowCheck({
      steps: [{ name: 'login', request: { url: `${portal.url}/login` }, followRedirects: true, expect: { redirects: ['sso.dancuquocgia.gov.vn'] } }],
    });

    const result = await run(check);

    expect(result).toMatchObject({ status: 'critical', reason: 'assertion' });
    const host = portal.url.slice(7);
    expect(result.message).toBe(`step login: the redirects did not pass through sso.dancuquocgia.gov.vn (chain: ${host} → ${host})`);
  });
});

describe('flow: which step failed', () => {
  it('names the failing middle step in the reason, the message and the metric label, and runs no later step', async () => {
    const api = await serve((request, _body, response) => {
      if (request.url === '/token') json(response, 401, { error: 'invalid_client' });
      else json(response, 200, { access_token: 't' });
    });
    const check = flowCheck({
      steps: [
        { name: 'discovery', request: { url: `${api.url}/discovery` } },
        { name: 'token', request: { method: 'POST', url: `${api.url}/token`, form: { grant_type: 'client_credentials' } }, expect: { status: [200] } },
        { name: 'search', request: { url: `${api.url}/search` } },
      ],
    });

    const result = await run(check);

    expect(result).toMatchObject({ status: 'critical', reason: 'http_status', httpStatus: 401, flow: { failedStep: 'token' } });
    expect(result.message).toBe(`step token: HTTP 401 from ${api.url.slice(7)}`);
    expect(describeProbeMessage(result.detail, result.message, 'vi')).toBe(`bước token: ${api.url.slice(7)} trả về mã lỗi HTTP 401`);
    expect(describeProbeMessage(result.detail, result.message, 'en')).toBe(`step token: HTTP 401 from ${api.url.slice(7)}`);
    expect(api.seen.map((request) => request.url)).toEqual(['/discovery', '/token']);
    expect(result.flow?.steps.map((step) => [step.name, step.httpStatus])).toEqual([
      ['discovery', 200],
      ['token', 401],
    ]);

    const metrics = createMetrics({ version: 'test', collectProcessMetrics: false });
    const http = resolveConfig(
      't.yaml',
      ConfigInput.parse({ checks: [{ name: 'portal-home', system: 'national-portal', kind: 'http', url: api.url }] }),
      () => '',
    ).checks[0]!;
    metrics.setChecks([check, http]);
    metrics.recordProbe(check, result, new Date());
    metrics.recordProbe(check, result, new Date());
    metrics.recordProbe(http, { status: 'critical', reason: 'http_status', message: 'HTTP 500', durationSeconds: 0.1, phases: {} }, new Date());
    const text = (await metrics.render()).body;
    expect(text).toContain('dvc_probe_failures_total{check="login-flow",system="provincial",reason="http_status",step="token"} 2');
    expect(text).toContain('dvc_probe_failures_total{check="login-flow",system="provincial",reason="http_status"} 0');
    // Other kinds keep their series exactly as before.
    expect(text).toContain('dvc_probe_failures_total{check="portal-home",system="national-portal",reason="http_status"} 1');
    expect(text).toMatch(/^dvc_flow_step_duration_seconds\{check="login-flow",step="discovery"\} [\d.e-]+$/m);
    expect(text).toMatch(/^dvc_flow_step_duration_seconds\{check="login-flow",step="token"\} [\d.e-]+$/m);
    expect(text).not.toContain('step="search"');
    expect(text).toMatch(/^dvc_flow_step_phase_seconds\{check="login-flow",step="token",phase="ttfb"\} [\d.e-]+$/m);

    // The status page says which step failed.
    const now = new Date();
    const config = resolveConfig(
      't.yaml',
      ConfigInput.parse({ checks: [{ name: 'login-flow', system: 'provincial', kind: 'flow', steps: [{ name: 'token', request: { url: api.url } }] }] }),
      () => '',
    );
    const { state } = nextCheckState(initialCheckState(now), result, check, now);
    const page = renderStatusPage(buildStatusSnapshot(config, new Map([['login-flow', state]]), { version: 'test', startedAt: now, now }));
    expect(page).toContain(`bước token: ${api.url.slice(7)} trả về mã lỗi HTTP 401`);
  });

  it('ends at the deadline of the whole flow, naming the step that hangs', async () => {
    const slowFirst = await serve((_request, _body, response) => {
      setTimeout(() => response.end('ok'), 600);
    });
    const hanging = await serve(() => {}); // never answers
    const check = flowCheck({
      timeout: '1s',
      steps: [
        { name: 'home', request: { url: slowFirst.url } },
        { name: 'search', request: { url: `${hanging.url}/search` } },
      ],
    });

    const started = performance.now();
    // The run's own signal is far off: the flow itself must keep to the check's timeout.
    const result = await run(check, { signal: AbortSignal.timeout(10_000) });
    const tookSeconds = (performance.now() - started) / 1000;

    // Each step alone is under a second; the flow as a whole is not allowed more.
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout', flow: { failedStep: 'search' } });
    expect(result.message).toMatch(/^step search: no answer before the deadline \(during ttfb\)$/);
    expect(tookSeconds).toBeGreaterThanOrEqual(0.95);
    expect(tookSeconds).toBeLessThan(1 + DEADLINE_SLACK_SECONDS);
    expect(result.flow!.steps[0]!.durationSeconds).toBeGreaterThanOrEqual(0.55);
  });
});

describe('flow: templates and credentials', () => {
  it('exports the numbers its steps read, and fails a step whose number is out of bounds while still exporting it', async () => {
    let score = 82.5;
    const api = await serve((_request, _body, response) => json(response, 200, { code: 'OK', data: { score, items: [1, 2] } }));
    const check = flowCheck({
      steps: [
        {
          name: 'quality',
          request: { url: `${api.url}/evaluation` },
          expect: {
            json: [
              { path: '$.data.score', gte: 70, export: { name: 'diem' } },
              { path: '$.data.items', length: { gte: 1 }, export: { name: 'so_muc' } },
            ],
          },
        },
      ],
    });
    const passed = await run(check);
    expect(passed.status).toBe('ok');
    expect(passed.values).toEqual([{ name: 'diem', value: 82.5 }]);

    score = 61;
    const failed = await run(check);
    expect([failed.status, failed.reason, failed.flow?.failedStep]).toEqual(['critical', 'assertion', 'quality']);
    expect(failed.values, 'a score under its threshold is still charted').toEqual([{ name: 'diem', value: 61 }]);
  });

  it('asks for the current local month on the injected clock', async () => {
    const api = await serve((_request, _body, response) => json(response, 200, { code: 'OK', data: { score: 17.5 } }));
    const check = flowCheck({
      steps: [
        {
          name: 'quality',
          request: {
            method: 'POST',
            url: `${api.url}/evaluation?month={{now | date "yyyy-MM"}}`,
            body: { timeType: 'month', period: '{{now | add "-1d" | date "yyyyMMdd"}}', limit: 5 },
          },
          expect: { json: [{ path: '$.data.score', exists: true }] },
        },
      ],
    });

    // 00:30 on 1 March 2026 in Vietnam (still February in UTC).
    const result = await run(check, { clock: () => new Date('2026-02-28T17:30:00Z') });

    expect(result.status).toBe('ok');
    expect(api.seen[0]!.url).toBe('/evaluation?month=2026-03');
    expect(JSON.parse(api.seen[0]!.body)).toEqual({ timeType: 'month', period: '20260228', limit: 5 });
    expect(api.seen[0]!.headers['content-type']).toBe('application/json');
  });

  it('sends the auth headers, and after a 401 forgets them and retries once with fresh ones', async () => {
    const api = await serve((request, _body, response) => json(response, request.headers.authorization === 'Bearer fresh' ? 200 : 401, {}));
    const refused: string[] = [];
    const tokens = ['stale', 'fresh'];
    const auth: AuthBroker = {
      headersFor: async () => ({ ok: true, headers: { Authorization: `Bearer ${tokens.shift()}` } }),
      refused: (name, headers) => refused.push(`${name}:${headers.Authorization}`),
    };
    const check = flowCheck({ steps: [{ name: 'search', auth: 'provincial-api', request: { url: api.url }, expect: { status: [200] } }] });

    const result = await run(check, { auth });

    expect(result.status).toBe('ok');
    expect(api.seen.map((request) => request.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(refused).toEqual(['provincial-api:Bearer stale']);
  });

  it('fails with reason auth when no token can be had, before calling the API', async () => {
    const api = await serve((_request, _body, response) => json(response, 200, {}));
    const auth: AuthBroker = {
      headersFor: async () => ({
        ok: false,
        message: 'token endpoint answered HTTP 401 (invalid_client)',
        detail: { code: 'http_status', params: { status: 401, host: 'sso' } },
      }),
      refused: () => {},
    };
    const check = flowCheck({ steps: [{ name: 'search', auth: 'provincial-api', request: { url: api.url } }] });

    const result = await run(check, { auth });

    expect(result).toMatchObject({
      status: 'critical',
      reason: 'auth',
      message: 'step search: token endpoint answered HTTP 401 (invalid_client)',
      flow: { failedStep: 'search' },
    });
    expect(api.seen).toHaveLength(0);
  });
});

describe('flow: https', () => {
  it("verifies every step against the check's caFile, and names the step whose certificate is not trusted", async () => {
    const root = await createAuthority({ commonName: 'flow test root' });
    const leaf = await createLeafCertificate({ names: ['127.0.0.1', 'localhost'], issuer: root });
    const server = await startHttpsServer((_request, response) => response.end('ok'), leaf);
    servers.push(server);
    const steps = [{ name: 'home', request: { url: server.url } }];

    const trusted = await run(flowCheck({ tls: { caFile: 'root.pem' }, steps }, () => root.certPem));
    const untrusted = await run(flowCheck({ steps }));

    expect(trusted).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(trusted.phases.tls).toBeGreaterThan(0);
    expect(untrusted).toMatchObject({ status: 'critical', reason: 'tls', flow: { failedStep: 'home' } });
    expect(untrusted.message).toMatch(/^step home: 127\.0\.0\.1:\d+: /);
  });
});
