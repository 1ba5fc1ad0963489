// Browser sessions, kept in memory only: a random id (the cookie) → who signed in and the CSRF
// token their forms post back. A session ends after an idle spell or at logout, when it is deleted
// so that a replayed cookie finds nothing. A restart signs everyone out, which is the safe side.
import { randomBytes } from 'node:crypto';
import type { MonotonicClock } from '../clock.ts';
import type { Role } from '../state/desk-records.ts';

export interface Session {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** password: a user of access.users, looked up again at each request; oidc: vouched for by the provider. */
  readonly source: 'password' | 'oidc';
  readonly csrfToken: string;
  lastSeenMs: number;
}

export interface SessionStore {
  create(name: string, role: Role, source: Session['source']): Session;
  /** The live session of this id, its idle timer restarted; undefined when unknown, ended or idle too long. */
  touch(id: string): Session | undefined;
  end(id: string): void;
}

// A bound on memory: a flood of logins (even valid ones) cannot grow the map without limit.
const MAX_SESSIONS = 10_000;

export function createSessionStore(options: { readonly monotonic: MonotonicClock; readonly idleSeconds: number }): SessionStore {
  const sessions = new Map<string, Session>();
  const idleMs = options.idleSeconds * 1000;
  const expired = (session: Session, now: number): boolean => now - session.lastSeenMs > idleMs;

  return {
    create(name, role, source) {
      const now = options.monotonic();
      for (const [id, session] of sessions) if (expired(session, now)) sessions.delete(id);
      // Map order is insertion order, and touch() re-inserts: the first one is the least recently seen.
      while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      const session: Session = { id: randomToken(), name, role, source, csrfToken: randomToken(), lastSeenMs: now };
      sessions.set(session.id, session);
      return session;
    },
    touch(id) {
      const session = sessions.get(id);
      if (session === undefined) return undefined;
      const now = options.monotonic();
      sessions.delete(id);
      if (expired(session, now)) return undefined;
      session.lastSeenMs = now;
      sessions.set(id, session);
      return session;
    },
    end(id) {
      sessions.delete(id);
    },
  };
}

/** 256 random bits, URL- and cookie-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
