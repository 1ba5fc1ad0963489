// The incident and maintenance commands' way to the running daemon: its operations API over HTTP
// (undici), with credentials from the environment — DVC_SENTINEL_TOKEN (bearer) or
// DVC_SENTINEL_USER + DVC_SENTINEL_PASSWORD (Basic) — and the API's refusals turned into one clear
// line and an exit code. The daemon's address is --url, else the config's server.listen when
// --config is given, else the default listen address.
import { request } from 'undici';
import { loadConfig } from '../config/load-config.ts';
import { wordsFor, type DeskPageWords } from '../text/locale.ts';
import { DeskUsageError } from './desk-usage-error.ts';

export interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** What `incident` and `maintenance` share on the command line. */
export interface DeskCommandOptions {
  /** The subcommand and its positional arguments (an incident or maintenance id). */
  readonly positionals: readonly string[];
  readonly url?: string;
  /** A config file to read server.listen from (only when given explicitly). */
  readonly config?: string;
  readonly json: boolean;
}

/** Exit codes: the API's answer as a script can tell them apart. */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, notFound: 4 } as const;

const DEFAULT_URL = 'http://127.0.0.1:9464';
const TIMEOUT_MS = 15_000;

/** The daemon's base URL. A wildcard listen address is reached through loopback. */
export function daemonUrl(options: Pick<DeskCommandOptions, 'url' | 'config'>, env: NodeJS.ProcessEnv): string {
  if (options.url !== undefined) {
    // "127.0.0.1:9464" parses as a URL of scheme "127.0.0.1:": a typo, not a daemon that is down.
    const protocol = URL.parse(options.url)?.protocol;
    if (protocol !== 'http:' && protocol !== 'https:') throw new DeskUsageError('--url must be an http:// or https:// URL, e.g. http://127.0.0.1:9464');
    return options.url.replace(/\/+$/, '');
  }
  if (options.config === undefined) return DEFAULT_URL;
  const { host, port } = loadConfig(options.config, env).config.listen;
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function authorization(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.DVC_SENTINEL_TOKEN;
  if (token !== undefined && token !== '') return `Bearer ${token}`;
  const user = env.DVC_SENTINEL_USER;
  if (user === undefined || user === '') return undefined;
  return `Basic ${Buffer.from(`${user}:${env.DVC_SENTINEL_PASSWORD ?? ''}`, 'utf8').toString('base64')}`;
}

export interface DeskAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface DeskClient {
  readonly words: DeskPageWords['cli'];
  /** The API's answer, or the exit code after saying why on stderr (unreachable, refused, not found, bad input). */
  send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, what?: string): Promise<DeskAnswer | number>;
}

export function createDeskClient(base: string, env: NodeJS.ProcessEnv, io: Io): DeskClient {
  const words = wordsFor('vi').deskPage.cli;
  const auth = authorization(env);
  return {
    words,
    async send(method, path, body, what = path) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (auth !== undefined) headers.authorization = auth;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let status: number;
      let text: string;
      try {
        const response = await request(`${base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          headersTimeout: TIMEOUT_MS,
          bodyTimeout: TIMEOUT_MS,
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        io.stderr(words.unreachable(base, (error as Error).message));
        return EXIT.failed;
      }
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's error page): the status line says enough.
      }
      if (status >= 200 && status < 300) return { status, body: parsed };
      const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown; field?: unknown }) : {};
      const message = typeof error.error === 'string' ? error.error : text.slice(0, 200);
      if (status === 401) io.stderr(words.notLoggedIn);
      else if (status === 403) io.stderr(words.notAllowed);
      else if (status === 404) io.stderr(words.notFound(what));
      else if (status === 400 && typeof error.field === 'string') io.stderr(words.badField(error.field, message));
      else io.stderr(words.failed(status, message));
      return status === 401 || status === 403 ? EXIT.refused : status === 404 ? EXIT.notFound : status === 400 ? EXIT.usage : EXIT.failed;
    },
  };
}
