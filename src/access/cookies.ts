// The session cookie: read from a Cookie header, written with the flags that keep it from scripts
// (HttpOnly), other sites (SameSite=Strict) and, under TLS, plain HTTP (Secure).

export const SESSION_COOKIE = 'dvc_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  readonly secure: boolean;
  /** Strict for the session; Lax for the single sign-on round trip, which comes back from the provider's site. */
  readonly sameSite?: 'Strict' | 'Lax';
  readonly path?: string;
  readonly maxAgeSeconds?: number;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', `SameSite=${options.sameSite ?? 'Strict'}`];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
