// The access layer in front of every route: establishes who is asking (session cookie, HTTP Basic,
// bearer token, or anonymous with access.anonymous's role), checks the CSRF token of session writes,
// limits failed logins per address and decides the coarse rule every route shares: reading needs
// at least a viewer, writing at least an operator. Finer rules (admin-only pages) are the routes'.
// Returns decisions as data; the server turns them into responses.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { MonotonicClock } from '../clock.ts';
import type { AccessConfig } from '../config/access-config.ts';
import type { Actor, Principal, Role } from '../state/desk-records.ts';
import { readCookie, serializeCookie, SESSION_COOKIE } from './cookies.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { DECOY_HASH, verifySecret } from './secret-hash.ts';
import { createSessionStore, type Session } from './sessions.ts';

export type LoginAuditAction = 'login' | 'login.failed';

export interface AccessOptions {
  /** Read at each request, so a reload's users and tokens apply at once. */
  readonly config: () => AccessConfig;
  readonly log: Logger;
  readonly monotonic: MonotonicClock;
  /** Cookies carry Secure: the server speaks HTTPS. */
  readonly secureCookies: boolean;
  /** Each login and failed login, for the audit log. */
  readonly onAudit?: (action: LoginAuditAction, actor: Actor) => void;
  /** Default 4 hours. */
  readonly sessionIdleSeconds?: number;
}

export interface GateRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly address: string;
  readonly body: string;
}

export interface Admission {
  readonly kind: 'admit';
  readonly principal: Principal;
  /** The session's token, for forms to post back as _csrf. */
  readonly csrfToken?: string;
  /** A cookie to send along: clears a dead session cookie on the login page. */
  readonly setCookie?: string;
}

export interface Refusal {
  readonly kind: 'refuse';
  readonly status: 401 | 403 | 429;
  readonly error: string;
  /** A browser asking for a page: send it to /login instead of a 401. */
  readonly toLogin: boolean;
  /** For API clients: offer HTTP Basic. */
  readonly challenge: boolean;
  readonly setCookie?: string;
  /** The form's CSRF token was missing or from an older page: reloading the page is the remedy. */
  readonly staleForm?: boolean;
}

export type LoginOutcome = { readonly ok: true; readonly setCookie: string } | { readonly ok: false; readonly reason: 'wrong' | 'limited' };

export interface Access {
  gate(request: GateRequest): Promise<Admission | Refusal>;
  /** The login form's check: a session and its cookie, or why not. */
  login(name: string, password: string, address: string): Promise<LoginOutcome>;
  /** A session for someone a single sign-on provider vouched for; returns the cookie. */
  startSession(name: string, role: Role, address: string): string;
  /** Ends the session the request's cookie names; returns the cookie that clears it. */
  logout(headers: IncomingHttpHeaders): string;
  readonly secureCookies: boolean;
}

/** Served to anyone, whatever access.anonymous says: Prometheus and container health checks do not log in. */
const OPEN_PATHS = new Set(['/metrics', '/healthz']);
/** Reachable without a role, so that one can get one. */
const LOGIN_PATHS = new Set(['/login', '/logout', '/login/oidc', '/login/oidc/callback']);

const DEFAULT_IDLE_SECONDS = 4 * 3600;
/** Failed logins per address before further attempts are refused without checking the password. */
const FAILED_LOGINS = { allowance: 5, windowMs: 60_000 };

export function createAccess(options: AccessOptions): Access {
  const { log, monotonic } = options;
  const sessions = createSessionStore({ monotonic, idleSeconds: options.sessionIdleSeconds ?? DEFAULT_IDLE_SECONDS });
  const limiter = createRateLimiter(FAILED_LOGINS, monotonic);
  const cookie = (value: string, maxAgeSeconds?: number): string => serializeCookie(SESSION_COOKIE, value, { secure: options.secureCookies, maxAgeSeconds });
  const clearing = cookie('', 0);
  const audit = (action: LoginAuditAction, actor: Actor): void => {
    try {
      options.onAudit?.(action, actor);
    } catch (error) {
      log.error({ err: error }, 'audit of a login failed');
    }
  };

  const failed = (name: string, address: string, via: string): void => {
    limiter.record(address);
    log.warn({ user: name, address, via }, 'login failed');
    audit('login.failed', { user: name, address });
  };
  const limited = (address: string, via: string): void => {
    log.warn({ address, via }, 'login refused: too many failed logins from this address in the last minute');
  };

  /** The user whose password this is, or undefined; spends one verification whether the name exists or not. */
  const checkPassword = async (name: string, password: string): Promise<{ name: string; role: Role } | undefined> => {
    const user = options.config().users.find((candidate) => candidate.name === name);
    const ok = await verifySecret(password, user?.passwordHash ?? DECOY_HASH);
    return ok && user !== undefined ? { name: user.name, role: user.role } : undefined;
  };
  const checkToken = async (token: string): Promise<{ name: string; role: Role } | undefined> => {
    for (const candidate of options.config().tokens) {
      if (await verifySecret(token, candidate.tokenHash)) return { name: candidate.name, role: candidate.role };
    }
    return undefined;
  };

  const credentials = async (request: GateRequest, authorization: string): Promise<Principal | Refusal> => {
    const browser = wantsPage(request);
    const refuse = (status: 401 | 429, error: string): Refusal => ({ kind: 'refuse', status, error, toLogin: false, challenge: status === 401 && !browser });
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme !== 'basic' && scheme !== 'bearer') return refuse(401, 'unsupported authorization scheme; use Basic or Bearer');
    if (limiter.isLimited(request.address)) {
      limited(request.address, scheme);
      return refuse(429, 'too many failed logins; try again in a minute');
    }
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Without a colon the whole value may be a password or a token: never a name to log or audit.
      const name = colon < 0 ? '' : decoded.slice(0, colon);
      const user = colon < 0 ? undefined : await checkPassword(name, decoded.slice(colon + 1));
      if (user === undefined) {
        failed(name, request.address, 'basic');
        return refuse(401, 'wrong user name or password');
      }
      return { name: user.name, role: user.role, via: 'basic' };
    }
    const token = value === '' ? undefined : await checkToken(value);
    if (token === undefined) {
      failed('', request.address, 'bearer');
      return refuse(401, 'unknown token');
    }
    return { name: token.name, role: token.role, via: 'bearer' };
  };

  /** The session with the role its user has now: a user removed from the config (and reloaded) is signed out. */
  const liveSession = (id: string): Session | undefined => {
    const session = sessions.touch(id);
    if (session === undefined || session.source === 'oidc') return session;
    const user = options.config().users.find((candidate) => candidate.name === session.name);
    if (user === undefined) {
      sessions.end(id);
      return undefined;
    }
    return user.role === session.role ? session : { ...session, role: user.role };
  };

  return {
    secureCookies: options.secureCookies,

    async gate(request) {
      if (OPEN_PATHS.has(request.path)) return { kind: 'admit', principal: { role: 'viewer', via: 'anonymous' } };
      const browser = wantsPage(request);
      const onLoginPath = LOGIN_PATHS.has(request.path);
      const write = request.method !== 'GET' && request.method !== 'HEAD';

      const authorization = request.headers.authorization;
      if (write && authorization === undefined && !sameOrigin(request.headers)) {
        // A form posted from another site (login CSRF included); API clients send no Origin.
        log.warn({ address: request.address, path: request.path, origin: request.headers.origin }, 'request refused: posted from another site');
        return { kind: 'refuse', status: 403, error: 'posted from another site', toLogin: false, challenge: false };
      }
      let principal: Principal;
      let csrfToken: string | undefined;
      let setCookie: string | undefined;
      if (authorization !== undefined) {
        const result = await credentials(request, authorization);
        if ('kind' in result) return result;
        principal = result;
      } else {
        const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
        const session = sessionId === undefined || sessionId === '' ? undefined : liveSession(sessionId);
        if (session !== undefined) {
          if (write && !csrfMatches(session, request)) {
            log.warn({ user: session.name, address: request.address, path: request.path }, 'request refused: CSRF token missing or wrong');
            return {
              kind: 'refuse',
              status: 403,
              error: 'CSRF token missing or wrong; reload the page and try again',
              toLogin: false,
              challenge: false,
              staleForm: true,
            };
          }
          principal = { name: session.name, role: session.role, via: 'session' };
          csrfToken = session.csrfToken;
        } else if (sessionId !== undefined && sessionId !== '') {
          // Ended (logout), expired or from before a restart: never served as anonymous, or a replay would read as a fresh visitor.
          // A browser, the page's forms included, is sent to log in again rather than shown a JSON answer.
          if (!onLoginPath)
            return { kind: 'refuse', status: 401, error: 'session ended; log in again', toLogin: browser, challenge: false, setCookie: clearing };
          principal = { role: options.config().anonymous, via: 'anonymous' };
          setCookie = clearing;
        } else {
          principal = { role: options.config().anonymous, via: 'anonymous' };
        }
      }

      if (!onLoginPath) {
        const anonymous = principal.via === 'anonymous';
        if (principal.role === 'none') return { kind: 'refuse', status: 401, error: 'log in first', toLogin: browser && !write, challenge: !browser };
        if (write && anonymous) return { kind: 'refuse', status: 401, error: 'log in first', toLogin: false, challenge: !browser };
        if (write && principal.role === 'viewer')
          return { kind: 'refuse', status: 403, error: 'viewers may not change anything', toLogin: false, challenge: false };
      }
      return { kind: 'admit', principal, ...(csrfToken === undefined ? {} : { csrfToken }), ...(setCookie === undefined ? {} : { setCookie }) };
    },

    async login(name, password, address) {
      if (limiter.isLimited(address)) {
        limited(address, 'form');
        return { ok: false, reason: 'limited' };
      }
      const user = await checkPassword(name, password);
      if (user === undefined) {
        failed(name, address, 'form');
        return { ok: false, reason: 'wrong' };
      }
      const session = sessions.create(user.name, user.role, 'password');
      log.info({ user: user.name, role: user.role, address, via: 'form' }, 'login');
      audit('login', { user: user.name, address });
      return { ok: true, setCookie: cookie(session.id) };
    },

    startSession(name, role, address) {
      const session = sessions.create(name, role, 'oidc');
      log.info({ user: name, role, address, via: 'oidc' }, 'login');
      audit('login', { user: name, address });
      return cookie(session.id);
    },

    logout(headers) {
      const sessionId = readCookie(headers.cookie, SESSION_COOKIE);
      if (sessionId !== undefined && sessionId !== '') sessions.end(sessionId);
      return clearing;
    },
  };
}

/**
 * No Origin (not a browser, or an old one), or one naming this server's host as the browser
 * reached it: Host, or X-Forwarded-Host behind a proxy that rewrites Host (a cross-site form
 * cannot set that header).
 */
function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const host = URL.parse(origin)?.host;
  const forwarded = headers['x-forwarded-host'];
  const forwardedHosts = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((value) => value.trim());
  return host !== undefined && (host === headers.host || forwardedHosts.includes(host));
}

/** A browser navigating (Accept: text/html) rather than an API client. */
function wantsPage(request: GateRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** The token from the x-csrf-token header, or the _csrf field of a form body, compared in constant time. */
function csrfMatches(session: Session, request: GateRequest): boolean {
  const header = request.headers['x-csrf-token'];
  let sent = typeof header === 'string' ? header : undefined;
  if (sent === undefined && (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    sent = new URLSearchParams(request.body).get('_csrf') ?? undefined;
  }
  if (sent === undefined) return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
