// One request to an OAuth 2 token endpoint (RFC 6749 §4.4 client credentials, §4.3 password,
// §6 refresh), and what its answer means. Client credentials go in HTTP Basic (§2.3.1, which
// every provider must accept); a client without a secret sends its id in the form.
import { request } from 'undici';
import type { OAuth2Auth } from '../../config/auth-config.ts';
import { clip } from '../format.ts';
import { probeMessage, type ProbeMessage } from '../probe.ts';

export interface TokenGrant {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Seconds, as the endpoint said; absent = it did not say (the token lives until refused). */
  readonly expiresIn?: number;
  readonly refreshToken?: string;
}

export type TokenAnswer = { readonly ok: true; readonly grant: TokenGrant } | { readonly ok: false; readonly message: string; readonly detail: ProbeMessage };

/** The secrets of one fetch, read just before it. */
export interface TokenSecrets {
  readonly clientSecret?: string;
  readonly username?: string;
  readonly password?: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

export async function requestToken(
  auth: OAuth2Auth,
  secrets: TokenSecrets,
  refreshToken: string | undefined,
  options: { readonly signal: AbortSignal; readonly userAgent: string },
): Promise<TokenAnswer> {
  const host = new URL(auth.tokenUrl).host;
  const form = new URLSearchParams();
  if (refreshToken !== undefined) {
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', refreshToken);
  } else if (auth.grant === 'password') {
    form.set('grant_type', 'password');
    form.set('username', secrets.username ?? '');
    form.set('password', secrets.password ?? '');
  } else {
    form.set('grant_type', 'client_credentials');
  }
  if (auth.scope !== undefined) form.set('scope', auth.scope);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': options.userAgent,
  };
  if (secrets.clientSecret === undefined) form.set('client_id', auth.clientId);
  else headers.authorization = `Basic ${Buffer.from(`${formEncode(auth.clientId)}:${formEncode(secrets.clientSecret)}`).toString('base64')}`;

  const fail = (problem: 'refused' | 'unreachable' | 'invalid_answer', english: string, extra: { status?: number; error?: string }): TokenAnswer => ({
    ok: false,
    message: `auth ${auth.name}: ${english}`,
    detail: probeMessage('auth_failed', { auth: auth.name, problem, host, ...extra }),
  });
  let status: number;
  let text: string;
  try {
    const response = await request(auth.tokenUrl, { method: 'POST', headers, body: form.toString(), signal: options.signal });
    status = response.statusCode;
    text = await readCapped(response.body);
  } catch (error) {
    const code = options.signal.aborted ? 'timeout' : codeOf(error);
    return fail('unreachable', `cannot reach the token endpoint ${host} (${code})`, { error: code });
  }
  // Nothing the endpoint says is repeated with a secret in it, should it echo one back.
  const said = scrub(describeError(text), [secrets.clientSecret, secrets.password, refreshToken]);
  if (status < 200 || status > 299) {
    return fail('refused', `token endpoint ${host} answered HTTP ${status}${said === undefined ? '' : ` (${said})`}`, {
      status,
      ...(said === undefined ? {} : { error: said }),
    });
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return fail('invalid_answer', `token endpoint ${host} answered HTTP ${status} with no JSON`, { status, error: 'not JSON' });
  }
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    return fail('invalid_answer', `token endpoint ${host} answered HTTP ${status} without access_token`, { status, error: 'no access_token' });
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : typeof body.expires_in === 'string' ? Number(body.expires_in) : undefined;
  return {
    ok: true,
    grant: {
      accessToken,
      tokenType: typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer' ? body.token_type : 'Bearer',
      ...(expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn } : {}),
      ...(typeof body.refresh_token === 'string' && body.refresh_token !== '' ? { refreshToken: body.refresh_token } : {}),
    },
  };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks before Basic encoding. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

/** "invalid_client: client authentication failed" from an OAuth error answer, else the start of the text. */
function describeError(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown } | null;
    if (typeof body?.error === 'string') {
      return clip(typeof body.error_description === 'string' ? `${body.error}: ${body.error_description}` : body.error);
    }
    // JSON without an OAuth error says nothing a person can use.
    return undefined;
  } catch {
    // Not JSON: a proxy's page; its first words say enough.
  }
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? undefined : clip(trimmed);
}

function scrub(text: string | undefined, secrets: readonly (string | undefined)[]): string | undefined {
  if (text === undefined) return undefined;
  return secrets.reduce<string>((result, secret) => (secret === undefined || secret.length < 4 ? result : result.split(secret).join('***')), text);
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
