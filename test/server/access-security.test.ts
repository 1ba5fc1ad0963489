// The access layer through the real server on 127.0.0.1: who may read and write, sessions and
// their cookie, CSRF, logout, the failed-login limit, and what reaches the log.
import { Writable } from 'node:stream';
import { Agent, fetch } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, type LoginAuditAction } from '../../src/access/access.ts';
import { hashSecret } from '../../src/access/secret-hash.ts';
import type { AccessConfig } from '../../src/config/access-config.ts';
import { createLogger } from '../../src/log.ts';
import { renderAccessRefusal } from '../../src/server/desk-page.ts';
import { createLoginRoutes } from '../../src/server/login-routes.ts';
import { jsonResponse, type RouteMethods } from '../../src/server/routes-common.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import type { Actor } from '../../src/state/desk-records.ts';
import { createLeafCertificate } from '../support/certificates.ts';
import { createTestClocks, type TestClocks } from '../support/test-clocks.ts';

const PASSWORDS = { lan: 'Mật-khẩu-trực-ban-1', binh: 'viewer-pass-2024', token: 'tok_3f9a1c7e5b2d4068' } as const;
let users: AccessConfig['users'];
let tokens: AccessConfig['tokens'];

beforeAll(async () => {
  // The lowest cost the config accepts: each verification still costs a few milliseconds.
  users = [
    { name: 'lan', role: 'operator', passwordHash: await hashSecret(PASSWORDS.lan, 16384) },
    { name: 'binh', role: 'viewer', passwordHash: await hashSecret(PASSWORDS.binh, 16384) },
  ];
  tokens = [{ name: 'cutover', role: 'operator', tokenHash: await hashSecret(PASSWORDS.token, 16384) }];
});

interface Desk {
  readonly server: HttpServer;
  readonly clocks: TestClocks;
  readonly logText: () => string;
  readonly audits: [LoginAuditAction, Actor][];
  /** As a reload would: the next request reads these users. */
  readonly setUsers: (next: AccessConfig['users']) => void;
}

let running: HttpServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function startDesk(options: { anonymous?: 'viewer' | 'none'; tls?: { cert: string; key: string } } = {}): Promise<Desk> {
  const clocks = createTestClocks();
  let logged = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString('utf8');
      done();
    },
  });
  const log = createLogger({ level: 'trace', destination });
  const audits: [LoginAuditAction, Actor][] = [];
  let config: AccessConfig = { users, tokens, anonymous: options.anonymous ?? 'viewer', hideNames: false };
  const access = createAccess({
    config: () => config,
    log,
    monotonic: clocks.monotonic,
    secureCookies: options.tls !== undefined,
    onAudit: (action, actor) => audits.push([action, actor]),
  });
  // A stand-in for the desk's routes: one read and one write that say who asked.
  const whoAsked: RouteMethods[keyof RouteMethods] = (request) =>
    jsonResponse(200, { principal: request.principal, csrfToken: request.csrfToken ?? null, body: request.body });
  const routes = new Map<string, RouteMethods>([
    ['/metrics', { GET: () => ({ status: 200, contentType: 'text/plain', body: 'dvc_up 1\n' }) }],
    ['/healthz', { GET: () => jsonResponse(200, { status: 'ok' }) }],
    ['/', { GET: whoAsked }],
    ['/api/thing', { GET: whoAsked, POST: whoAsked }],
    ...createLoginRoutes({ access }),
  ]);
  running = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    routes,
    log,
    access,
    refusalPage: (refusal) => renderAccessRefusal(refusal, 'vi'),
    tls: options.tls,
  });
  return { server: running, clocks, logText: () => logged, audits, setUsers: (next) => (config = { ...config, users: next }) };
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: () => Record<string, unknown>;
}

async function call(
  desk: Desk,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; dispatcher?: Agent } = {},
): Promise<Reply> {
  const response = await fetch(`${desk.server.url}${path}`, { redirect: 'manual', ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers as unknown as Headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const basic = (name: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` });
const form = (fields: Record<string, string>): { headers: Record<string, string>; body: string } => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** Logs in through the form; the cookie pair to send back and the session's CSRF token. */
async function logIn(desk: Desk, name: string, password: string): Promise<{ cookie: string; setCookie: string; csrf: string }> {
  const reply = await call(desk, '/login', { method: 'POST', ...form({ name, password }) });
  expect(reply.status).toBe(303);
  expect(reply.headers.get('location')).toBe('/');
  const setCookie = reply.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const page = await call(desk, '/api/thing', { headers: { cookie } });
  return { cookie, setCookie, csrf: page.json().csrfToken as string };
}

describe('who may write', () => {
  it('refuses anonymous writes (401 with a Basic challenge) and viewers’ writes (403), and lets operators write', async () => {
    const desk = await startDesk();
    const anonymous = await call(desk, '/api/thing', { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="dvc-sentinel"/);

    const viewer = await call(desk, '/api/thing', { method: 'POST', headers: basic('binh', PASSWORDS.binh), body: '{}' });
    expect(viewer.status).toBe(403);

    const operator = await call(desk, '/api/thing', { method: 'POST', headers: basic('lan', PASSWORDS.lan), body: '{"a":1}' });
    expect(operator.status).toBe(200);
    // Basic and bearer clients carry no CSRF token and need none.
    expect(operator.json()).toEqual({ principal: { name: 'lan', role: 'operator', via: 'basic' }, csrfToken: null, body: '{"a":1}' });

    const bearer = await call(desk, '/api/thing', { method: 'POST', headers: { authorization: `Bearer ${PASSWORDS.token}` }, body: '{}' });
    expect(bearer.json().principal).toEqual({ name: 'cutover', role: 'operator', via: 'bearer' });

    const wrongToken = await call(desk, '/api/thing', { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrongToken.status).toBe(401);
    const wrongPassword = await call(desk, '/api/thing', { headers: basic('lan', 'guess') });
    expect(wrongPassword.status).toBe(401);
    // Anonymous viewers read.
    expect((await call(desk, '/api/thing')).json().principal).toEqual({ role: 'viewer', via: 'anonymous' });
  });
});

describe('browser sessions', () => {
  it('logs in through the form and sets a session cookie only the server can read, for this site only', async () => {
    const desk = await startDesk();
    const form = await call(desk, '/login', { headers: { accept: 'text/html' } });
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(form.text).toContain('<html lang="vi">');
    expect(form.text).toContain('<form method="post" action="/login">');
    expect(form.text).toContain('name="password" type="password"');
    expect(form.text).not.toContain('<script');
    expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const { setCookie, csrf } = await logIn(desk, 'lan', PASSWORDS.lan);
    expect(setCookie).toMatch(/^dvc_session=[A-Za-z0-9_-]{43}; /);
    const flags = setCookie.split('; ').slice(1);
    expect(flags).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    // Plain HTTP: a Secure cookie would never come back.
    expect(flags).not.toContain('Secure');
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(desk.audits).toEqual([['login', { user: 'lan', address: '127.0.0.1' }]]);
  });

  it('refuses a session write without its CSRF token or with a wrong one (403), and takes it as header or form field', async () => {
    const desk = await startDesk();
    const { cookie, csrf } = await logIn(desk, 'lan', PASSWORDS.lan);
    const missing = await call(desk, '/api/thing', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(403);
    const wrongHeader = await call(desk, '/api/thing', { method: 'POST', headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}x` }, body: '{}' });
    expect(wrongHeader.status).toBe(403);
    const wrongField = await call(desk, '/api/thing', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=abc&note=x',
    });
    expect(wrongField.status).toBe(403);
    // A form from an older page gets a page saying to reload it, never JSON; API clients keep JSON.
    expect(wrongField.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(wrongField.text).toContain('Trang này đã cũ');
    expect(missing.json()).toMatchObject({ error: expect.stringContaining('CSRF') });

    const byHeader = await call(desk, '/api/thing', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf }, body: '{}' });
    expect(byHeader.status).toBe(200);
    expect(byHeader.json().principal).toEqual({ name: 'lan', role: 'operator', via: 'session' });
    const byField = await call(desk, '/api/thing', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, note: 'x' }).toString(),
    });
    expect(byField.status).toBe(200);
  });

  it('refuses a form posted from another site, the login form included', async () => {
    const desk = await startDesk();
    const fromElsewhere = await call(desk, '/login', {
      method: 'POST',
      headers: { ...form({}).headers, origin: 'https://evil.example' },
      body: form({ name: 'lan', password: PASSWORDS.lan }).body,
    });
    expect(fromElsewhere.status).toBe(403);
    expect(fromElsewhere.headers.get('set-cookie')).toBeNull();
    const fromHere = await call(desk, '/login', {
      method: 'POST',
      headers: { ...form({}).headers, origin: desk.server.url },
      body: form({ name: 'lan', password: PASSWORDS.lan }).body,
    });
    expect(fromHere.status).toBe(303);
  });

  it('ends the session the browser held when it logs in again', async () => {
    const desk = await startDesk();
    const first = await logIn(desk, 'lan', PASSWORDS.lan);
    const again = await call(desk, '/login', {
      method: 'POST',
      headers: { ...form({}).headers, cookie: first.cookie },
      body: form({ name: 'lan', password: PASSWORDS.lan, _csrf: first.csrf }).body,
    });
    expect(again.status).toBe(303);
    expect((await call(desk, '/api/thing', { headers: { cookie: first.cookie } })).status).toBe(401);
  });

  it('ends the session at logout, so that the replayed cookie is refused', async () => {
    const desk = await startDesk();
    const { cookie, csrf } = await logIn(desk, 'lan', PASSWORDS.lan);
    // Logout is a write like any other: a page on another site cannot sign people out.
    expect((await call(desk, '/logout', { method: 'POST', headers: { cookie } })).status).toBe(403);

    const logout = await call(desk, '/logout', { method: 'POST', headers: { cookie, ...form({ _csrf: csrf }).headers }, body: form({ _csrf: csrf }).body });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/login');
    expect(logout.headers.get('set-cookie')).toMatch(/^dvc_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);

    const replayedWrite = await call(desk, '/api/thing', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf }, body: '{}' });
    expect(replayedWrite.status).toBe(401);
    const replayedRead = await call(desk, '/api/thing', { headers: { cookie } });
    expect(replayedRead.status).toBe(401);
    const replayedPage = await call(desk, '/', { headers: { cookie, accept: 'text/html' } });
    expect(replayedPage.status).toBe(303);
    expect(replayedPage.headers.get('location')).toBe('/login');
    // The login form still opens with the dead cookie, and clears it.
    const loginPage = await call(desk, '/login', { headers: { cookie, accept: 'text/html' } });
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('sends a form posted with an ended session (a restart, an idle spell) to the login form, not to a JSON answer', async () => {
    const desk = await startDesk();
    const { cookie, csrf } = await logIn(desk, 'lan', PASSWORDS.lan);
    desk.clocks.advance(4 * 3600_000 + 1);
    const posted = form({ _csrf: csrf, text: 'Đang xử lý' });
    const reply = await call(desk, '/api/thing', { method: 'POST', headers: { cookie, accept: 'text/html', ...posted.headers }, body: posted.body });
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe('/login');
    expect(reply.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('ends a session left idle for four hours', async () => {
    const desk = await startDesk();
    const { cookie } = await logIn(desk, 'lan', PASSWORDS.lan);
    desk.clocks.advance(3 * 3600_000);
    expect((await call(desk, '/api/thing', { headers: { cookie } })).json().principal).toMatchObject({ name: 'lan' });
    // Each request restarts the idle spell.
    desk.clocks.advance(3 * 3600_000);
    expect((await call(desk, '/api/thing', { headers: { cookie } })).status).toBe(200);
    desk.clocks.advance(4 * 3600_000 + 1);
    expect((await call(desk, '/api/thing', { headers: { cookie } })).status).toBe(401);
  });

  it('gives a running session the role its user has now, and signs out a user removed from the config', async () => {
    const desk = await startDesk();
    const { cookie, csrf } = await logIn(desk, 'lan', PASSWORDS.lan);
    const write = () => call(desk, '/api/thing', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf }, body: '{}' });
    expect((await write()).status).toBe(200);
    desk.setUsers(users.map((user) => (user.name === 'lan' ? { ...user, role: 'viewer' as const } : user)));
    expect((await write()).status).toBe(403);
    desk.setUsers(users.filter((user) => user.name !== 'lan'));
    expect((await write()).status).toBe(401);
    desk.setUsers(users);
    // Signed out for good: the session is gone, not hidden.
    expect((await write()).status).toBe(401);
  });
});

describe('failed logins', () => {
  it('answers 429 to the sixth failure from one address within a minute, logs and audits each failure', async () => {
    const desk = await startDesk();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const reply = await call(desk, '/login', { method: 'POST', ...form({ name: 'lan', password: `guess-${attempt}` }) });
      expect(reply.status).toBe(401);
      expect(reply.text).toContain('Sai tên đăng nhập hoặc mật khẩu.');
    }
    const sixth = await call(desk, '/login', { method: 'POST', ...form({ name: 'lan', password: 'guess-6' }) });
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain('thử lại sau một phút');
    // Even the right password, and through HTTP Basic: the address is refused for now.
    expect((await call(desk, '/login', { method: 'POST', ...form({ name: 'lan', password: PASSWORDS.lan }) })).status).toBe(429);
    expect((await call(desk, '/api/thing', { headers: basic('lan', PASSWORDS.lan) })).status).toBe(429);

    desk.clocks.advance(60_000);
    await logIn(desk, 'lan', PASSWORDS.lan);

    const failures = desk.audits.filter(([action]) => action === 'login.failed');
    expect(failures).toHaveLength(5);
    expect(failures[0]).toEqual(['login.failed', { user: 'lan', address: '127.0.0.1' }]);
    const lines = desk
      .logText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; level: number; user?: string; address?: string });
    expect(lines.filter((line) => line.msg === 'login failed')).toHaveLength(5);
    expect(lines.filter((line) => line.msg.startsWith('login refused: too many failed logins'))).toHaveLength(3);
    expect(lines.find((line) => line.msg === 'login failed')).toMatchObject({ user: 'lan', address: '127.0.0.1', level: 40 });
  });

  it('never writes a password, a token or a hash to the log, at any level', async () => {
    const desk = await startDesk();
    await logIn(desk, 'lan', PASSWORDS.lan);
    await call(desk, '/login', { method: 'POST', ...form({ name: 'lan', password: 'a-wrong-Passw0rd' }) });
    await call(desk, '/api/thing', { headers: basic('binh', PASSWORDS.binh) });
    await call(desk, '/api/thing', { headers: basic('binh', 'another-wrong-one') });
    await call(desk, '/api/thing', { headers: { authorization: `Bearer ${PASSWORDS.token}` } });
    await call(desk, '/api/thing', { headers: { authorization: 'Bearer wrong-token-value' } });
    const text = desk.logText();
    expect(text.split('\n').length).toBeGreaterThan(3);
    const secrets = [
      ...Object.values(PASSWORDS),
      'a-wrong-Passw0rd',
      'another-wrong-one',
      'wrong-token-value',
      ...[...users.map((user) => user.passwordHash), ...tokens.map((token) => token.tokenHash)].flatMap((hash) => [hash, ...hash.split('$').slice(4)]),
      Buffer.from(`binh:${PASSWORDS.binh}`).toString('base64'),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('never takes a Basic credential without a colon (a token sent as Basic) for a user name in the log or the audit', async () => {
    const desk = await startDesk();
    const reply = await call(desk, '/api/thing', { headers: { authorization: `Basic ${Buffer.from(PASSWORDS.token).toString('base64')}` } });
    expect(reply.status).toBe(401);
    expect(desk.logText()).toContain('login failed');
    expect(desk.logText()).not.toContain(PASSWORDS.token);
    expect(desk.audits).toEqual([['login.failed', { user: '', address: '127.0.0.1' }]]);
  });
});

describe('access.anonymous: none', () => {
  it('hides the status page and the API but never /metrics, /healthz or the login form', async () => {
    const desk = await startDesk({ anonymous: 'none' });
    const page = await call(desk, '/', { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    const api = await call(desk, '/api/thing');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(api.text).not.toContain('viewer');

    expect((await call(desk, '/metrics')).text).toBe('dvc_up 1\n');
    expect((await call(desk, '/healthz')).status).toBe(200);
    expect((await call(desk, '/login', { headers: { accept: 'text/html' } })).status).toBe(200);

    // A viewer who logs in sees it.
    const { cookie } = await logIn(desk, 'binh', PASSWORDS.binh);
    expect((await call(desk, '/', { headers: { cookie } })).json().principal).toEqual({ name: 'binh', role: 'viewer', via: 'session' });
  });
});

describe('server.tls', () => {
  it('serves HTTPS with the configured certificate and marks the session cookie Secure', async () => {
    const certificate = await createLeafCertificate({ names: ['127.0.0.1'] });
    const desk = await startDesk({ tls: { cert: certificate.certPem, key: certificate.keyPem } });
    expect(desk.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { ca: certificate.certPem } });
    try {
      const reply = await call(desk, '/login', { method: 'POST', dispatcher, ...form({ name: 'lan', password: PASSWORDS.lan }) });
      expect(reply.status).toBe(303);
      expect(reply.headers.get('set-cookie')?.split('; ')).toContain('Secure');
      expect((await call(desk, '/healthz', { dispatcher })).status).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });
});
