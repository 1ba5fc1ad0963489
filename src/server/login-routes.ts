// The sign-in pages: GET/POST /login (the form), POST /logout, and single sign-on at /login/oidc
// and its callback. Plain server-rendered HTML with no script, escaped, readable on a phone. The
// access layer (src/access/) checks passwords, keeps sessions and the CSRF token; these only speak HTTP.
import type { Access } from '../access/access.ts';
import type { OidcSignIn } from '../access/oidc.ts';
import type { Locale } from '../config/alerting-config.ts';
import { escapeHtml } from '../text/escape-html.ts';
import { wordsFor, type LoginWords } from '../text/locale.ts';
import { HTML_CONTENT_TYPE, NO_STORE, type RouteMethods, type RouteRequest, type RouteResponse } from './routes-common.ts';

export interface LoginRouteDependencies {
  readonly access: Access;
  /** Present when access.oidc is set. */
  readonly oidc?: OidcSignIn;
  readonly locale?: () => Locale;
}

const CALLBACK_PATH = '/login/oidc/callback';
// No script, no framing (a login form inside another site's frame is a clickjacking trap), forms post only here.
const PAGE_POLICY = { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" };

export function createLoginRoutes(deps: LoginRouteDependencies): [string, RouteMethods][] {
  const words = (): LoginWords => wordsFor(deps.locale?.() ?? 'vi').login;
  const lang = (): Locale => deps.locale?.() ?? 'vi';
  const page = (request: RouteRequest, status: number, message?: string, headers?: Record<string, string>): RouteResponse => ({
    status,
    contentType: HTML_CONTENT_TYPE,
    body: renderLoginPage(request, words(), lang(), { message, singleSignOn: deps.oidc !== undefined }),
    headers: { ...NO_STORE, ...PAGE_POLICY, ...headers },
  });
  const seeOther = (location: string, setCookie: string): RouteResponse => ({
    status: 303,
    contentType: 'text/plain; charset=utf-8',
    body: '',
    headers: { ...NO_STORE, location, 'set-cookie': setCookie },
  });

  const routes: [string, RouteMethods][] = [
    [
      '/login',
      {
        GET: (request) => page(request, 200, request.url.searchParams.get('error') === 'sso' ? words().ssoFailed : undefined),
        POST: async (request) => {
          const form = new URLSearchParams(request.body);
          const outcome = await deps.access.login(form.get('name') ?? '', form.get('password') ?? '', request.address);
          if (outcome.ok) {
            // A session the browser held before is ended, not left behind the new one.
            deps.access.logout(request.headers);
            return seeOther('/', outcome.setCookie);
          }
          return outcome.reason === 'limited' ? page(request, 429, words().limited, { 'retry-after': '60' }) : page(request, 401, words().wrong);
        },
      },
    ],
    ['/logout', { POST: (request) => seeOther('/login', deps.access.logout(request.headers)) }],
  ];
  const oidc = deps.oidc;
  if (oidc === undefined) return routes;
  const redirectUri = (request: RouteRequest): string =>
    `${deps.access.secureCookies ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}${CALLBACK_PATH}`;
  routes.push(
    [
      '/login/oidc',
      {
        GET: async (request) => {
          const { location, setCookie } = await oidc.begin(redirectUri(request));
          return seeOther(location, setCookie);
        },
      },
    ],
    [
      CALLBACK_PATH,
      {
        GET: async (request) => {
          // The server parses targets against a placeholder host; the token request must name the real redirect URI.
          const callbackUrl = new URL(`${redirectUri(request)}${request.url.search}`);
          const person = await oidc.complete(callbackUrl, redirectUri(request), request.headers.cookie);
          if (person === undefined)
            return { status: 303, contentType: 'text/plain; charset=utf-8', body: '', headers: { ...NO_STORE, location: '/login?error=sso' } };
          const setCookie = deps.access.startSession(person.name, person.role, request.address);
          // Not a redirect: the chain began on the provider's site, so a browser would hold back the
          // SameSite=Strict cookie on it. A page of our own that moves on is a same-site navigation.
          return {
            status: 200,
            contentType: HTML_CONTENT_TYPE,
            body: renderSignedInPage(words(), lang(), person.name),
            headers: { ...NO_STORE, ...PAGE_POLICY, 'set-cookie': setCookie },
          };
        },
      },
    ],
  );
  return routes;
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;padding:1rem;background:#f5f6f8;color:#1b1f24}',
  'main{max-width:22rem;margin:2rem auto;background:#fff;padding:1.25rem;border-radius:.5rem;box-shadow:0 1px 3px #0002}',
  'h1{font-size:1.4rem;margin:0 0 1rem}',
  'label{display:block;margin:.75rem 0 .25rem}',
  'input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #8a929c;border-radius:.3rem}',
  'button{margin-top:1rem;width:100%;padding:.7rem;font-size:1rem;border:0;border-radius:.3rem;background:#0b5cad;color:#fff}',
  '.message{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:.3rem}',
  'p{margin:.75rem 0}',
].join('');

function head(title: string, lang: Locale, extra = ''): string {
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    extra,
    `<title>${escapeHtml(title)} · dvc-sentinel</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
  ].join('\n');
}

function renderLoginPage(request: RouteRequest, words: LoginWords, lang: Locale, options: { message?: string; singleSignOn: boolean }): string {
  const csrf = request.csrfToken === undefined ? '' : `<input type="hidden" name="_csrf" value="${escapeHtml(request.csrfToken)}">`;
  const signedIn = request.principal.via === 'session' && request.principal.name !== undefined ? request.principal.name : undefined;
  const body = [
    '<body>',
    '<main>',
    `<h1>${escapeHtml(words.title)}</h1>`,
    options.message === undefined ? '' : `<p class="message" role="alert">${escapeHtml(options.message)}</p>`,
    signedIn === undefined
      ? ''
      : `<p>${escapeHtml(words.signedInAs(signedIn))}</p><form method="post" action="/logout">${csrf}<button type="submit">${escapeHtml(words.logout(signedIn))}</button></form>`,
    `<form method="post" action="/login">`,
    csrf,
    `<label for="name">${escapeHtml(words.name)}</label>`,
    '<input id="name" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required>',
    `<label for="password">${escapeHtml(words.password)}</label>`,
    '<input id="password" name="password" type="password" autocomplete="current-password" required>',
    `<button type="submit">${escapeHtml(words.submit)}</button>`,
    '</form>',
    options.singleSignOn ? `<p><a href="/login/oidc">${escapeHtml(words.singleSignOn)}</a></p>` : '',
    `<p><a href="/">${escapeHtml(words.backToStatus)}</a></p>`,
    '</main>',
    '</body>',
    '</html>',
  ];
  return `${head(words.title, lang)}\n${body.filter((line) => line !== '').join('\n')}\n`;
}

function renderSignedInPage(words: LoginWords, lang: Locale, name: string): string {
  return [
    head(words.title, lang, '<meta http-equiv="refresh" content="0;url=/">'),
    '<body><main>',
    `<p>${escapeHtml(words.signedInAs(name))}</p>`,
    `<p><a href="/">${escapeHtml(words.backToStatus)}</a></p>`,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
