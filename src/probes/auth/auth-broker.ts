// Hands out credentials by auth name (the AuthBroker of probe.ts), one cache for every check.
//
// Timing model (monotonic clock; the wall clock only stamps the expiry metric):
// - An oauth2 token lives `expires_in` seconds from the moment its fetch began. It is reused
//   while more than margin = min(60 s, 20 % of expires_in) of that life remains; from then on it
//   is renewed (with the refresh token when one was given, else the grant again). A timer starts
//   that renewal on time, so a token in use never lapses between two probes; the old token is
//   still handed out, while alive, until the new one arrives. A token without expires_in lives
//   until the API refuses it.
// - One fetch at a time per auth: probes that need a token while it is being fetched wait for
//   that fetch (each within its own deadline), never start their own.
// - A failed fetch backs off: no new fetch for the same auth within 30 s; probes in between get
//   the failure at once. configure() (a reload) ends every back-off and drops the tokens of auths
//   that changed or went.
// - refused(): the API answered 401 to a token: it is forgotten, so the next headersFor fetches.
// - Secrets written as `${file:…}` are read again at every fetch (and bearer/basic ones after a
//   401 and a reload), so a rotated file takes effect without a restart.
import type { Logger } from 'pino';
import { systemClock, systemMonotonic, type Clock, type MonotonicClock } from '../../clock.ts';
import type { AuthConfig, OAuth2Auth, SecretText } from '../../config/auth-config.ts';
import { DEFAULTS } from '../../config/config.ts';
import { probeMessage, type AuthBroker, type AuthOutcome } from '../probe.ts';
import { readSecret } from './read-secret.ts';
import { requestToken, type TokenSecrets } from './token-endpoint.ts';

/** At most one failed fetch per auth in this long. */
export const AUTH_BACKOFF_MS = 30_000;
/** A token fetch that takes longer is given up (the probes waiting for it have their own deadlines). */
const FETCH_TIMEOUT_MS = 15_000;
const RENEW_MARGIN_MAX_MS = 60_000;
const RENEW_MARGIN_SHARE = 0.2;
/** A token this close to its end (or half its renewal margin, for short-lived ones) is not sent: it could lapse on the way. */
const LAST_USE_MS = 1000;

export interface AuthBrokerOptions {
  readonly auths: Readonly<Record<string, AuthConfig>>;
  /** For `${NAME}` references beside `${file:…}` in a secret read again. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly monotonic?: MonotonicClock;
  readonly clock?: Clock;
  readonly userAgent?: string;
  /** A token's expiry (epoch seconds) per auth, for dvc_auth_token_expiry_timestamp_seconds; undefined = the auth is gone. */
  readonly onTokenExpiry?: (auth: string, epochSeconds: number | undefined) => void;
  /** The secrets the broker holds changed (a token, a file read again); secrets() has them. */
  readonly onSecretsChanged?: () => void;
  /**
   * A token in use cannot be renewed and will expire at `expiresAt` unless a later try succeeds;
   * said once per token. `failure` is the token endpoint's answer in English, never a secret.
   */
  readonly onRenewalFailing?: (auth: string, expiresAt: Date, failure: string) => void;
}

export interface RunningAuthBroker extends AuthBroker {
  /** A reload: tokens of unchanged auths stay, those of changed or removed ones go; every back-off ends. */
  configure(auths: Readonly<Record<string, AuthConfig>>): void;
  /** Every secret value held now (files as last read, tokens), for the logger to scrub. */
  secrets(): string[];
  /** Cancels renewals; tokens are forgotten. */
  stop(): void;
}

interface Token {
  readonly headers: Readonly<Record<string, string>>;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly obtainedAt: number;
  readonly lifetimeMs?: number;
}

interface Entry {
  auth: AuthConfig;
  key: string;
  token?: Token;
  /** bearer and basic: the header, built from the secrets as last read. */
  fixed?: Readonly<Record<string, string>>;
  fetching?: Promise<void>;
  failure?: { readonly at: number; readonly outcome: Extract<AuthOutcome, { ok: false }> };
  renewal?: NodeJS.Timeout;
  /** The token for which "cannot be renewed" was last logged, so it is said once per token. */
  warnedFor?: string;
  secrets: readonly string[];
}

export function createAuthBroker(options: AuthBrokerOptions): RunningAuthBroker {
  const monotonic = options.monotonic ?? systemMonotonic;
  const clock = options.clock ?? systemClock;
  const userAgent = options.userAgent ?? DEFAULTS.userAgent;
  const log = options.log;
  const entries = new Map<string, Entry>();
  let stopped = false;

  const marginOf = (lifetimeMs: number): number => Math.min(RENEW_MARGIN_MAX_MS, lifetimeMs * RENEW_MARGIN_SHARE);
  const remainingOf = (token: Token): number => (token.lifetimeMs === undefined ? Infinity : token.obtainedAt + token.lifetimeMs - monotonic());
  const lastUseOf = (token: Token): number => (token.lifetimeMs === undefined ? 0 : Math.min(LAST_USE_MS, marginOf(token.lifetimeMs) / 2));

  const setSecrets = (entry: Entry, secrets: readonly (string | undefined)[]): void => {
    entry.secrets = secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 4);
    options.onSecretsChanged?.();
  };

  const failed = (entry: Entry, outcome: Extract<AuthOutcome, { ok: false }>): Extract<AuthOutcome, { ok: false }> => {
    entry.failure = { at: monotonic(), outcome };
    return outcome;
  };

  const read = (entry: Entry, secret: SecretText | undefined): { value?: string; failure?: Extract<AuthOutcome, { ok: false }> } => {
    if (secret === undefined) return {};
    const reading = readSecret(secret, options.env);
    if (reading.ok) return { value: reading.value };
    const name = entry.auth.name;
    // The problem names the file and its error code, never a value.
    return {
      failure: {
        ok: false,
        message: `auth ${name}: ${reading.problem}`,
        detail: probeMessage('auth_failed', { auth: name, problem: 'secret_unreadable', error: reading.problem }),
      },
    };
  };

  const scheduleRenewal = (entry: Entry, inMs: number): void => {
    clearTimeout(entry.renewal);
    if (stopped) return;
    entry.renewal = setTimeout(
      () => {
        entry.renewal = undefined;
        if (entries.get(entry.auth.name) === entry && entry.fetching === undefined) startFetch(entry);
      },
      Math.max(0, inMs),
    );
    entry.renewal.unref();
  };

  const fetchToken = async (entry: Entry, auth: OAuth2Auth): Promise<void> => {
    const secrets: TokenSecrets = {};
    for (const key of ['clientSecret', 'username', 'password'] as const) {
      const { value, failure } = read(entry, auth[key]);
      if (failure !== undefined) {
        afterFailure(entry, failed(entry, failure));
        return;
      }
      if (value !== undefined) (secrets as Record<string, string>)[key] = value;
    }
    const startedAt = monotonic();
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const previous = entry.token;
    let answer = await requestToken(auth, secrets, previous?.refreshToken, { signal, userAgent });
    // A refresh token the provider no longer honours (session ended, provider restarted): the grant itself.
    if (!answer.ok && previous?.refreshToken !== undefined) answer = await requestToken(auth, secrets, undefined, { signal, userAgent });
    if (entries.get(auth.name) !== entry) return;
    if (!answer.ok) {
      afterFailure(entry, failed(entry, { ok: false, message: answer.message, detail: answer.detail }));
      return;
    }
    const { grant } = answer;
    const lifetimeMs = grant.expiresIn === undefined ? undefined : grant.expiresIn * 1000;
    entry.token = {
      headers: { authorization: `${grant.tokenType} ${grant.accessToken}` },
      accessToken: grant.accessToken,
      ...(grant.refreshToken === undefined ? {} : { refreshToken: grant.refreshToken }),
      obtainedAt: startedAt,
      ...(lifetimeMs === undefined ? {} : { lifetimeMs }),
    };
    entry.failure = undefined;
    setSecrets(entry, [secrets.clientSecret, secrets.username, secrets.password, grant.accessToken, grant.refreshToken]);
    log.debug({ authName: auth.name, expiresInSeconds: grant.expiresIn, refreshed: previous?.refreshToken !== undefined }, 'token obtained');
    if (lifetimeMs !== undefined) {
      const expiresAtMs = clock().getTime() - (monotonic() - startedAt) + lifetimeMs;
      options.onTokenExpiry?.(auth.name, Math.round(expiresAtMs / 1000));
      scheduleRenewal(entry, lifetimeMs - marginOf(lifetimeMs) - (monotonic() - startedAt));
    } else {
      options.onTokenExpiry?.(auth.name, undefined);
    }
  };

  const afterFailure = (entry: Entry, outcome: Extract<AuthOutcome, { ok: false }>): void => {
    const token = entry.token;
    const remaining = token === undefined ? 0 : remainingOf(token);
    if (token !== undefined && remaining > lastUseOf(token)) {
      // The token in use still works, but will not be replaced in time unless a later try succeeds.
      if (entry.warnedFor !== token.accessToken) {
        entry.warnedFor = token.accessToken;
        log.warn(
          { authName: entry.auth.name, expiresInSeconds: Math.round(remaining / 1000), failure: outcome.message },
          'token cannot be renewed; the current one expires soon',
        );
        options.onRenewalFailing?.(entry.auth.name, new Date(clock().getTime() + remaining), outcome.message);
      } else {
        log.debug({ authName: entry.auth.name, failure: outcome.message }, 'token renewal failed again');
      }
      scheduleRenewal(entry, Math.min(AUTH_BACKOFF_MS, remaining));
      return;
    }
    log.warn({ authName: entry.auth.name, failure: outcome.message }, 'no token; checks using this auth fail with reason auth');
  };

  const startFetch = (entry: Entry): void => {
    const auth = entry.auth;
    if (auth.type !== 'oauth2' || stopped) return;
    const fetching = fetchToken(entry, auth)
      .catch((error: unknown) => {
        // A bug, not the endpoint: say so in the log, and let the probes see a failure.
        log.error({ authName: auth.name, err: error }, 'token fetch crashed');
        afterFailure(entry, failed(entry, { ok: false, message: `auth ${auth.name}: token fetch failed`, detail: probeMessage('internal', {}) }));
      })
      .finally(() => {
        if (entry.fetching === fetching) entry.fetching = undefined;
      });
    entry.fetching = fetching;
  };

  const fixedHeaders = (entry: Entry): AuthOutcome => {
    if (entry.fixed !== undefined) return { ok: true, headers: entry.fixed };
    const auth = entry.auth;
    if (auth.type === 'bearer') {
      const token = read(entry, auth.token);
      if (token.failure !== undefined) return token.failure;
      setSecrets(entry, [token.value]);
      entry.fixed = { authorization: `Bearer ${token.value!}` };
    } else if (auth.type === 'basic') {
      const username = read(entry, auth.username);
      if (username.failure !== undefined) return username.failure;
      const password = read(entry, auth.password);
      if (password.failure !== undefined) return password.failure;
      const encoded = Buffer.from(`${username.value!}:${password.value!}`).toString('base64');
      setSecrets(entry, [password.value, encoded]);
      entry.fixed = { authorization: `Basic ${encoded}` };
    }
    return { ok: true, headers: entry.fixed ?? {} };
  };

  const usable = (entry: Entry): AuthOutcome | undefined => {
    const token = entry.token;
    return token !== undefined && remainingOf(token) > lastUseOf(token) ? { ok: true, headers: token.headers } : undefined;
  };

  const add = (auth: AuthConfig): void => {
    entries.set(auth.name, { auth, key: JSON.stringify(auth), secrets: [] });
  };
  for (const auth of Object.values(options.auths)) add(auth);

  return {
    async headersFor(name, signal) {
      const entry = entries.get(name);
      if (entry === undefined) throw new Error(`no auth named ${name}; the config loader should have refused the check`);
      if (entry.auth.type !== 'oauth2') return fixedHeaders(entry);
      const token = entry.token;
      if (token !== undefined && remainingOf(token) > (token.lifetimeMs === undefined ? 0 : marginOf(token.lifetimeMs))) {
        return { ok: true, headers: token.headers };
      }
      const backedOff = entry.failure !== undefined && monotonic() - entry.failure.at < AUTH_BACKOFF_MS;
      if (entry.fetching === undefined && !backedOff) startFetch(entry);
      // The old token while it lives: the renewal goes on without making this probe wait.
      const old = usable(entry);
      if (old !== undefined) return old;
      if (entry.fetching !== undefined) {
        const aborted = await waitFor(entry.fetching, signal);
        if (aborted) {
          const error = 'no answer before the deadline';
          return {
            ok: false,
            message: `auth ${name}: token endpoint gave ${error}`,
            detail: probeMessage('auth_failed', { auth: name, problem: 'unreachable', error }),
          };
        }
      }
      return usable(entry) ?? entry.failure?.outcome ?? { ok: false, message: `auth ${name}: no token`, detail: probeMessage('internal', {}) };
    },

    refused(name, headers) {
      const entry = entries.get(name);
      if (entry === undefined) return;
      if (entry.fixed !== undefined && sameHeaders(entry.fixed, headers)) entry.fixed = undefined;
      if (entry.token !== undefined && sameHeaders(entry.token.headers, headers)) {
        log.info({ authName: name }, 'token refused by the API; fetching a new one');
        // The refresh token is kept: it may still give a new access token.
        entry.token = { ...entry.token, lifetimeMs: 0 };
        clearTimeout(entry.renewal);
      }
    },

    configure(auths) {
      for (const [name, entry] of entries) {
        const next = auths[name];
        if (next !== undefined && JSON.stringify(next) === entry.key) continue;
        clearTimeout(entry.renewal);
        entries.delete(name);
        if (next === undefined) options.onTokenExpiry?.(name, undefined);
      }
      for (const auth of Object.values(auths)) {
        const entry = entries.get(auth.name);
        if (entry === undefined) add(auth);
        else {
          // The first probe after a reload fetches with the secret read anew.
          entry.failure = undefined;
          entry.fixed = undefined;
        }
      }
      options.onSecretsChanged?.();
    },

    secrets() {
      return [...entries.values()].flatMap((entry) => entry.secrets);
    },

    stop() {
      stopped = true;
      for (const entry of entries.values()) clearTimeout(entry.renewal);
    },
  };
}

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return a.authorization !== undefined && a.authorization === b.authorization;
}

/** Resolves true if the signal fires first. */
async function waitFor(promise: Promise<void>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return true;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<boolean>((resolve) => {
    onAbort = () => resolve(true);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise.then(() => false), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
