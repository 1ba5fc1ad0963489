// Single sign-on against a real OpenID provider (oidc-provider) on 127.0.0.1: the authorization
// code flow with PKCE through the desk's real server, the role mapped from the groups claim.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Provider from 'oidc-provider';
import { fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccess } from '../../src/access/access.ts';
import { createOidcSignIn } from '../../src/access/oidc.ts';
import type { AccessConfig, OidcConfig } from '../../src/config/access-config.ts';
import { createLogger } from '../../src/log.ts';
import { createLoginRoutes } from '../../src/server/login-routes.ts';
import { jsonResponse, type RouteMethods } from '../../src/server/routes-common.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const CLIENT_SECRET = 'oidc-client-secret-6c1f0b';
/** The provider's accounts: login name → groups. */
const GROUPS: Record<string, string[]> = { lan: ['/angiang/trucban'], minh: ['/angiang/trucban', '/angiang/quantri'], khach: ['/khac'] };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function startProvider(redirectUri: string): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      { client_id: 'dvc-sentinel', client_secret: CLIENT_SECRET, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    findAccount: (_context: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: `sub-${id}`, preferred_username: id, groups: GROUPS[id] ?? [] }),
    }),
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'] },
    pkce: { required: () => true },
    cookies: { keys: ['provider-cookie-key-for-tests'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return issuer;
}

async function startDesk(): Promise<{ url: string; logText: () => string }> {
  let oidc: OidcConfig | undefined;
  let logged = '';
  const log = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString('utf8');
        done();
      },
    }),
  });
  const { monotonic } = createTestClocks();
  const config: AccessConfig = { users: [], tokens: [], anonymous: 'none', hideNames: false };
  const access = createAccess({ config: () => config, log, monotonic, secureCookies: false });
  const signIn = createOidcSignIn({ config: () => oidc, log, monotonic, secureCookies: false });
  const routes = new Map<string, RouteMethods>([
    ['/', { GET: (request) => jsonResponse(200, { principal: request.principal }) }],
    ...createLoginRoutes({ access, oidc: signIn }),
  ]);
  const server: HttpServer = await startHttpServer({ host: '127.0.0.1', port: 0, routes, log, access });
  closers.push(() => server.close());
  const issuer = await startProvider(`${server.url}/login/oidc/callback`);
  oidc = {
    issuer,
    clientId: 'dvc-sentinel',
    clientSecret: CLIENT_SECRET,
    roleClaim: 'groups',
    roles: { viewer: [], operator: ['/angiang/trucban'], admin: ['/angiang/quantri'] },
  };
  return { url: server.url, logText: () => logged };
}

/** A browser's cookie jar per origin, enough for the provider's interaction cookies. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  async get(url: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; location: string; text: string; setCookies: string[] }> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location') ?? '';
    return { status: response.status, location: location === '' ? '' : new URL(location, url).href, text: await response.text(), setCookies };
  }

  /** Follows redirects from `url` until a page (not a 3xx) or the desk's callback is reached. */
  async follow(url: string, stopAt: string): Promise<string> {
    let next = url;
    for (let hop = 0; hop < 10; hop += 1) {
      if (next.startsWith(stopAt)) return next;
      const reply = await this.get(next);
      if (reply.status < 300 || reply.status >= 400) return next;
      next = reply.location;
    }
    throw new Error('too many redirects');
  }
}

/** Signs in at the provider as `login`, from /login/oidc to the desk's callback answer. */
async function signInAs(desk: { url: string }, login: string, browser = new Browser()) {
  const start = await browser.get(`${desk.url}/login/oidc`);
  expect(start.status).toBe(303);
  expect(start.setCookies[0]).toMatch(/^dvc_oidc=[\w-]+; Path=\/login\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
  const authorize = new URL(start.location);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toMatch(/.{20,}/);
  const callback = `${desk.url}/login/oidc/callback`;

  let page = await browser.follow(start.location, callback);
  // The provider's own login form, then its consent form; each posts back to the interaction.
  for (const prompt of ['login', 'consent']) {
    if (page.startsWith(callback)) break;
    const form = prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'any' }) : new URLSearchParams({ prompt });
    const posted = await browser.get(page, { method: 'POST', body: form.toString() });
    expect(posted.status).toBe(303);
    page = await browser.follow(posted.location, callback);
  }
  expect(page.startsWith(`${callback}?`)).toBe(true);
  return { browser, answer: await browser.get(page), callbackUrl: page };
}

describe('single sign-on (OpenID Connect)', () => {
  it('signs an operator in with the role their groups give, in a session of the desk', async () => {
    const desk = await startDesk();
    const { browser, answer } = await signInAs(desk, 'lan');
    expect(answer.status).toBe(200);
    // A page that moves on to /, so the SameSite=Strict cookie is sent (a redirect from the provider's chain would not).
    expect(answer.text).toContain('<meta http-equiv="refresh" content="0;url=/">');
    expect(answer.text).toContain('Đang đăng nhập: lan');
    const session = answer.setCookies.find((line) => line.startsWith('dvc_session='));
    expect(session).toMatch(/; HttpOnly; SameSite=Strict$/);
    const home = await browser.get(`${desk.url}/`);
    expect(JSON.parse(home.text)).toEqual({ principal: { name: 'lan', role: 'operator', via: 'session' } });
    expect(desk.logText()).not.toContain(CLIENT_SECRET);
  }, 20_000);

  it('gives the highest role any group maps to', async () => {
    const desk = await startDesk();
    const { browser } = await signInAs(desk, 'minh');
    expect(JSON.parse((await browser.get(`${desk.url}/`)).text).principal).toEqual({ name: 'minh', role: 'admin', via: 'session' });
  }, 20_000);

  it('refuses an account whose groups map to no role, back to the login form with a message', async () => {
    const desk = await startDesk();
    const { browser, answer } = await signInAs(desk, 'khach');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${desk.url}/login?error=sso`);
    const form = await browser.get(answer.location);
    expect(form.text).toContain('chưa được phân quyền');
    expect((await browser.get(`${desk.url}/`)).status).toBe(303);
    expect(desk.logText()).toContain('single sign-on refused: the claim maps to no role');
  }, 20_000);

  it('completes a callback only once, and only in the browser that started it', async () => {
    const desk = await startDesk();
    // A callback carried to another browser (a login CSRF) finds no sign-in in progress there.
    const first = await signInAs(desk, 'lan', new Browser());
    expect(first.answer.status).toBe(200);
    const elsewhere = await new Browser().get(first.callbackUrl);
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.location).toBe(`${desk.url}/login?error=sso`);
    // Nor does the same browser replaying it.
    const again = await first.browser.get(first.callbackUrl);
    expect(again.location).toBe(`${desk.url}/login?error=sso`);
    expect(desk.logText().match(/no sign-in in progress for this browser/g)).toHaveLength(2);
  }, 20_000);
});
