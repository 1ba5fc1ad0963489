// Builds the daemon's logger: pino JSON lines to stdout, or human text with `pretty`. Keeps
// credentials out of every line twice over: by field name, and by scrubbing known secret values.
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { createSecretScrubber } from './scrub-secrets.ts';

// Loaded only for --pretty: JSON lines (the daemon's default) do not need its start-up cost.
const loadPinoPretty = (): typeof PinoPretty => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

export type { Logger } from 'pino';

export const REDACTED = '[REDACTED]';

export { MIN_SECRET_LENGTH } from './scrub-secrets.ts';

/** Field names (compared lower-cased) whose values are credentials in configs, headers and client options. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'password',
  'passwd',
  'pass',
  'passphrase',
  'token',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'id_token',
  'auth',
  'secret',
  'client_secret',
  'clientsecret',
  'apikey',
  'api_key',
  'x-api-key',
  'x-auth-token',
  'cookie',
  'set-cookie',
]);

// Deep enough for { check: { headers: { authorization } } } and a little more; bounds the walk
// on cyclic or huge objects (whatever lies deeper is still covered by the secret scrubber).
const MAX_REDACT_DEPTH = 8;

// pino's own `redact` with wildcard paths (`*.password`) cost about 20–45 µs per line here
// against about 0.5 µs for one walk over the object, so the walk does the nested work. pino's
// redact still covers top-level keys, because child-logger bindings never pass through the walk.
const TOP_LEVEL_REDACT_PATHS = [...SECRET_FIELD_NAMES, 'Authorization', 'Password', 'Token', 'Cookie'].map((name) =>
  /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`,
);

export interface LoggerOptions {
  /** pino level name; default info. */
  readonly level?: string;
  /** Human-readable text instead of JSON lines. */
  readonly pretty?: boolean;
  /**
   * Values substituted from environment variables into the config (scrub-secrets.ts finds them in
   * each line, also encoded). Called on every write; return
   * the same iterable object while the set is unchanged (its identity is the cache key).
   */
  readonly secrets?: () => Iterable<string>;
  /** Defaults to stdout. */
  readonly destination?: NodeJS.WritableStream | DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (level !== 'silent' && !(level in pino.levels.values)) {
    throw new Error(`unknown log level "${level}": use one of ${Object.keys(pino.levels.values).join(', ')}, silent`);
  }
  const destination = options.pretty
    ? loadPinoPretty()({
        destination: options.destination ?? 1,
        // Colours only for a terminal on stdout; a file or a test stream gets plain text.
        colorize: options.destination === undefined && process.stdout.isTTY === true,
        translateTime: 'SYS:standard',
        sync: true,
      })
    : (options.destination ?? pino.destination(1));
  const scrub = options.secrets === undefined ? undefined : createSecretScrubber(options.secrets, REDACTED);
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: TOP_LEVEL_REDACT_PATHS, censor: REDACTED },
      formatters: { log: (object) => redactSecretFields(object, 0) as Record<string, unknown> },
      // Runs on the finished JSON line, so it also covers messages, error stacks and child bindings.
      ...(scrub === undefined ? {} : { hooks: { streamWrite: scrub } }),
    },
    destination,
  );
}

/**
 * Returns the value with every field named in SECRET_FIELD_NAMES replaced by REDACTED, at any
 * depth up to a limit. Copies only the objects on the way to a replaced field; the input is never
 * changed. Class instances (Error, Date, URL) are left to pino's serializers.
 */
export function redactSecretFields(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_REDACT_DEPTH) return value;
  const prototype = Object.getPrototypeOf(value) as unknown;
  const isArray = Array.isArray(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) return value;
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const field = source[key];
    const replacement = !isArray && SECRET_FIELD_NAMES.has(key.toLowerCase()) ? REDACTED : redactSecretFields(field, depth + 1);
    if (replacement !== field) {
      copy ??= (isArray ? [...(value as unknown[])] : { ...source }) as Record<string, unknown>;
      copy[key] = replacement;
    }
  }
  return copy ?? value;
}
