// The cookie jar one run of a flow check shares between its steps and their redirect hops: what
// Set-Cookie stores and which cookies a request carries, by the browser rules a login portal
// relies on (host-only or domain cookies, path prefix, Secure, Max-Age/Expires removing them).
// It lives for one run only, so cookies never outlive the probe that received them.

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  /** No Domain attribute: sent back to exactly this host only. */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  /** Epoch ms; absent = until the run ends. */
  readonly expiresAt?: number;
}

export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Takes the Set-Cookie headers of an answer from `url`, at wall time `now` (epoch ms). */
  store(url: URL, setCookie: string | readonly string[] | undefined, now: number): void {
    if (setCookie === undefined) return;
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      const cookie = parseSetCookie(line, url, now);
      if (cookie === undefined) continue;
      const key = `${cookie.domain};${cookie.path};${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The Cookie header for a request to `url`, or undefined when no cookie applies; longer paths first. */
  header(url: URL, now: number): string | undefined {
    const host = url.hostname.toLowerCase();
    const matching = [...this.#cookies.values()].filter(
      (cookie) =>
        (cookie.expiresAt === undefined || cookie.expiresAt > now) &&
        (cookie.hostOnly ? host === cookie.domain : host === cookie.domain || host.endsWith(`.${cookie.domain}`)) &&
        pathMatches(url.pathname || '/', cookie.path) &&
        (!cookie.secure || url.protocol === 'https:'),
    );
    if (matching.length === 0) return undefined;
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  /** The value of the newest cookie of that name, whatever its domain. */
  value(name: string): string | undefined {
    let found: string | undefined;
    for (const cookie of this.#cookies.values()) if (cookie.name === name) found = cookie.value;
    return found;
  }
}

function parseSetCookie(line: string, url: URL, now: number): StoredCookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const equals = pair.indexOf('=');
  if (equals <= 0) return undefined;
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  const host = url.hostname.toLowerCase();
  let domain = host;
  let hostOnly = true;
  let path = defaultPath(url.pathname);
  let secure = false;
  let expiresAt: number | undefined;
  let maxAgeSeen = false;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const argument = at === -1 ? '' : attribute.slice(at + 1).trim();
    if (key === 'domain' && argument !== '') {
      const wanted = argument.replace(/^\./, '').toLowerCase();
      // A host may set a cookie for itself or a parent domain, never for another site.
      if (host !== wanted && !host.endsWith(`.${wanted}`)) return undefined;
      domain = wanted;
      hostOnly = false;
    } else if (key === 'path' && argument.startsWith('/')) {
      path = argument;
    } else if (key === 'secure') {
      secure = true;
    } else if (key === 'max-age' && /^-?\d+$/.test(argument)) {
      maxAgeSeen = true;
      expiresAt = now + Number(argument) * 1000;
    } else if (key === 'expires' && !maxAgeSeen) {
      const when = Date.parse(argument);
      if (!Number.isNaN(when)) expiresAt = when;
    }
  }
  return { name, value, domain, hostOnly, path, secure, expiresAt };
}

function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
