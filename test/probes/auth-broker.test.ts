// Credentials against a real OpenID provider (client_credentials) and a plain HTTP server
// (bearer, basic): one token per lifetime shared by every probe, one refetch after a 401, reason
// auth with the endpoint's words when no token can be had, the 30 s back-off and its end at a
// reload, and no secret in the log at trace level.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../src/config/auth-config.ts';
import type { HttpCheck } from '../../src/config/config.ts';
import { createLogger } from '../../src/log.ts';
import { createAuthBroker, type RunningAuthBroker } from '../../src/probes/auth/auth-broker.ts';
import { probeHttp } from '../../src/probes/http.ts';
import type { ProbeContext } from '../../src/probes/probe.ts';
import { startHttpServer } from '../support/http-servers.ts';
import { startTokenProvider, type TokenProvider } from '../support/token-provider.ts';
import { httpCheck as baseCheck } from '../support/http-check.ts';

const CLIENT_SECRET = 'cs-9d2e7f41a0b3';
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function httpCheck(url: string, auth: string): HttpCheck {
  return baseCheck(url, {
    name: 'provincial-api',
    system: 'provincial',
    timeoutSeconds: 3,
    failureThreshold: 1,
    successThreshold: 1,
    blocked: { status: [403, 429], markers: [] },
    auth,
    expect: { status: [200], maxBodyBytes: 65536 },
  });
}

function oauth(provider: TokenProvider, clientSecret: { value: string; template?: string }): AuthConfig {
  return { name: 'tinh', type: 'oauth2', grant: 'client_credentials', tokenUrl: provider.tokenUrl, clientId: 'dvc-sentinel', clientSecret };
}

function capturedLog(): { log: ReturnType<typeof createLogger>; text: () => string; setSecrets: (next: () => string[]) => void } {
  let text = '';
  let secrets: () => string[] = () => [];
  const log = createLogger({
    level: 'trace',
    secrets: () => secrets(),
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
  });
  return { log, text: () => text, setSecrets: (next) => (secrets = next) };
}

function startBroker(
  auths: AuthConfig[],
  extra: { log?: ReturnType<typeof createLogger>; expiries?: (number | undefined)[]; failing?: { auth: string; expiresAt: Date; failure: string }[] } = {},
): RunningAuthBroker {
  const broker = createAuthBroker({
    auths: Object.fromEntries(auths.map((auth) => [auth.name, auth])),
    env: {},
    log: extra.log ?? capturedLog().log,
    onTokenExpiry: (_name, seconds) => extra.expiries?.push(seconds),
    onRenewalFailing: (auth, expiresAt, failure) => extra.failing?.push({ auth, expiresAt, failure }),
  });
  closers.push(() => broker.stop());
  return broker;
}

const contextWith = (broker: RunningAuthBroker, log = capturedLog().log): ProbeContext => ({
  signal: AbortSignal.timeout(3000),
  clock: () => new Date(),
  log,
  auth: broker,
});

describe('oauth2 client_credentials against oidc-provider', () => {
  it('asks for one token per lifetime, not one per probe, and renews it before it expires', async () => {
    const provider = await startTokenProvider({ clientSecret: CLIENT_SECRET, ttlSeconds: 2 });
    closers.push(() => provider.close());
    const expiries: (number | undefined)[] = [];
    const broker = startBroker([oauth(provider, { value: CLIENT_SECRET })], { expiries });
    const check = httpCheck(provider.apiUrl, 'tinh');
    // Ten probes at once share the first fetch.
    const first = await Promise.all(Array.from({ length: 10 }, () => probeHttp(check, contextWith(broker))));
    expect(first.map((result) => result.status)).toEqual(Array(10).fill('ok'));
    expect(provider.tokenRequests()).toBe(1);
    // Then a probe every 100 ms for 5 s: tokens of 2 s are renewed at 1.6 s (20 % margin).
    const startedAt = Date.now();
    let probes = 0;
    while (Date.now() - startedAt < 5000 && probes < 100) {
      const result = await probeHttp(check, contextWith(broker));
      expect(result.status, result.message).toBe('ok');
      probes += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(probes).toBeGreaterThan(30);
    // 0 s, then about 1.6, 3.2 and 4.8 s: one per lifetime.
    expect(provider.tokenRequests()).toBeGreaterThanOrEqual(3);
    expect(provider.tokenRequests()).toBeLessThanOrEqual(5);
    expect(provider.apiAnswers().every((status) => status === 200)).toBe(true);
    expect(new Set(provider.apiTokens()).size).toBe(provider.tokenRequests());
    // Each token's expiry reached the metric, each later than the one before.
    expect(expiries.length).toBe(provider.tokenRequests());
    for (let index = 1; index < expiries.length; index += 1) expect(expiries[index]!).toBeGreaterThanOrEqual(expiries[index - 1]!);
    expect(Math.abs(expiries[0]! - (startedAt / 1000 + 2))).toBeLessThan(2);
  }, 15_000);

  it('fetches once more after the API refuses a revoked token, and the check passes', async () => {
    const provider = await startTokenProvider({ clientSecret: CLIENT_SECRET, ttlSeconds: 300 });
    closers.push(() => provider.close());
    const broker = startBroker([oauth(provider, { value: CLIENT_SECRET })]);
    const check = httpCheck(provider.apiUrl, 'tinh');
    expect((await probeHttp(check, contextWith(broker))).status).toBe('ok');
    await provider.revoke(provider.apiTokens()[0]!);
    const result = await probeHttp(check, contextWith(broker));
    expect(result.status, result.message).toBe('ok');
    expect(provider.apiAnswers()).toEqual([200, 401, 200]);
    expect(provider.tokenRequests()).toBe(2);
    expect(provider.apiTokens()[2]).not.toBe(provider.apiTokens()[0]);
  });

  it('gives reason auth with the endpoint status and error for a wrong secret, backs off, and a reload ends the back-off', async () => {
    const provider = await startTokenProvider({ clientSecret: CLIENT_SECRET, ttlSeconds: 300 });
    closers.push(() => provider.close());
    const dir = mkdtempSync(join(tmpdir(), 'dvc-auth-'));
    const file = join(dir, 'client-secret');
    writeFileSync(file, 'wrong-secret-123\n');
    const auth = oauth(provider, { value: 'wrong-secret-123', template: `\${file:${file}}` });
    const broker = startBroker([auth]);
    const check = httpCheck(provider.apiUrl, 'tinh');
    const failed = await probeHttp(check, contextWith(broker));
    expect(failed.status).toBe('critical');
    expect(failed.reason).toBe('auth');
    expect(failed.detail).toMatchObject({ code: 'auth_failed', params: { auth: 'tinh', problem: 'refused', status: 401 } });
    expect(failed.message).toContain('HTTP 401');
    expect(failed.message).toContain('invalid_client');
    expect(failed.message).not.toContain('wrong-secret-123');
    expect(provider.apiAnswers()).toEqual([]);
    // Within 30 s: no new request to the token endpoint, the same failure at once.
    const again = await probeHttp(check, contextWith(broker));
    expect(again.reason).toBe('auth');
    expect(provider.tokenRequests()).toBe(1);
    // The secret file is put right; a reload ends the back-off and the next probe reads it again.
    writeFileSync(file, `${CLIENT_SECRET}\n`);
    broker.configure({ tinh: auth });
    const recovered = await probeHttp(check, contextWith(broker));
    expect(recovered.status, recovered.message).toBe('ok');
    expect(provider.tokenRequests()).toBe(2);
  });

  it('writes no secret and no token to a trace-level log', async () => {
    const provider = await startTokenProvider({ clientSecret: CLIENT_SECRET, ttlSeconds: 300 });
    closers.push(() => provider.close());
    const captured = capturedLog();
    const broker = createAuthBroker({ auths: { tinh: oauth(provider, { value: CLIENT_SECRET }) }, env: {}, log: captured.log });
    closers.push(() => broker.stop());
    captured.setSecrets(() => [CLIENT_SECRET, ...broker.secrets()]);
    const check = httpCheck(provider.apiUrl, 'tinh');
    await probeHttp(check, contextWith(broker, captured.log));
    await provider.revoke(provider.apiTokens()[0]!);
    expect((await probeHttp(check, contextWith(broker, captured.log))).status).toBe('ok');
    const text = captured.text();
    expect(text).toContain('token obtained');
    expect(text).toContain('token refused by the API');
    for (const secret of [CLIENT_SECRET, ...provider.apiTokens()]) expect(text).not.toContain(secret);
  });
});

describe('bearer and basic against a plain HTTP server', () => {
  it('sends the bearer token and the basic credentials, and a 401 is judged after one more try', async () => {
    const seen: (string | undefined)[] = [];
    const server = await startHttpServer((request, response) => {
      seen.push(request.headers.authorization);
      const ok =
        request.headers.authorization === 'Bearer tk-5566aa' || request.headers.authorization === `Basic ${Buffer.from('giamsat:mk-7788').toString('base64')}`;
      response.writeHead(ok ? 200 : 401).end();
    });
    closers.push(() => server.close());
    const broker = startBroker([
      { name: 'bearer', type: 'bearer', token: { value: 'tk-5566aa' } },
      { name: 'basic', type: 'basic', username: { value: 'giamsat' }, password: { value: 'mk-7788' } },
      { name: 'wrong', type: 'bearer', token: { value: 'tk-wrong' } },
    ]);
    expect((await probeHttp(httpCheck(`${server.url}/`, 'bearer'), contextWith(broker))).status).toBe('ok');
    expect((await probeHttp(httpCheck(`${server.url}/`, 'basic'), contextWith(broker))).status).toBe('ok');
    const refused = await probeHttp(httpCheck(`${server.url}/`, 'wrong'), contextWith(broker));
    expect(refused).toMatchObject({ status: 'critical', reason: 'http_status', httpStatus: 401 });
    expect(seen).toEqual(['Bearer tk-5566aa', `Basic ${Buffer.from('giamsat:mk-7788').toString('base64')}`, 'Bearer tk-wrong', 'Bearer tk-wrong']);
  });
});

describe('a token endpoint that gives refresh tokens (plain HTTP server)', () => {
  it('renews with the refresh token, and when renewal fails keeps the live token and warns once', async () => {
    const grants: string[] = [];
    let refuse = false;
    let issued = 0;
    const server = await startHttpServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      const form = new URLSearchParams(body);
      grants.push(form.get('grant_type') === 'refresh_token' ? `refresh:${form.get('refresh_token')}` : String(form.get('grant_type')));
      if (refuse) {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'Keycloak is restarting' }));
        return;
      }
      issued += 1;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: `at-${issued}-aaaa`, token_type: 'bearer', expires_in: 4, refresh_token: `rt-${issued}-bbbb` }));
    });
    closers.push(() => server.close());
    const captured = capturedLog();
    const failing: { auth: string; expiresAt: Date; failure: string }[] = [];
    const broker = startBroker(
      [
        {
          name: 'tinh',
          type: 'oauth2',
          grant: 'client_credentials',
          tokenUrl: `${server.url}/token`,
          clientId: 'dvc-sentinel',
          clientSecret: { value: 'cs-plain-5e6f' },
        },
      ],
      { log: captured.log, failing },
    );
    const signal = AbortSignal.timeout(5000);
    expect(await broker.headersFor('tinh', signal)).toEqual({ ok: true, headers: { authorization: 'Bearer at-1-aaaa' } });
    // Renewed on its own at 3.2 s (20 % of 4 s before expiry) with the refresh token, before anyone asks.
    const renewedBy = Date.now() + 5000;
    while (grants.length < 2 && Date.now() < renewedBy) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(grants).toEqual(['client_credentials', 'refresh:rt-1-bbbb']);
    expect(await broker.headersFor('tinh', signal)).toEqual({ ok: true, headers: { authorization: 'Bearer at-2-aaaa' } });
    // The login server goes down: the next renewal fails (refresh, then the grant itself), the live token is still sent.
    refuse = true;
    const failedBy = Date.now() + 5000;
    while (grants.length < 4 && Date.now() < failedBy) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(grants.slice(2)).toEqual(['refresh:rt-2-bbbb', 'client_credentials']);
    expect(await broker.headersFor('tinh', signal)).toEqual({ ok: true, headers: { authorization: 'Bearer at-2-aaaa' } });
    const warnings = captured
      .text()
      .split('\n')
      .filter((line) => line.includes('token cannot be renewed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('temporarily_unavailable: Keycloak is restarting');
    // The same once-per-token moment reaches the daemon, which queues the token_renewal_failed notice.
    expect(failing.map(({ auth, failure }) => [auth, failure.includes('Keycloak is restarting')])).toEqual([['tinh', true]]);
    expect(failing[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(failing[0]!.failure).not.toContain('cs-plain-5e6f');
  }, 15_000);
});

describe('back-off on the monotonic clock', () => {
  it('asks a refusing token endpoint at most once per 30 s, however often probes ask', async () => {
    let requests = 0;
    const server = await startHttpServer((_request, response) => {
      requests += 1;
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_client', error_description: 'Invalid client credentials' }));
    });
    closers.push(() => server.close());
    let now = 1_000_000;
    const broker = createAuthBroker({
      auths: {
        tinh: {
          name: 'tinh',
          type: 'oauth2',
          grant: 'client_credentials',
          tokenUrl: `${server.url}/token`,
          clientId: 'dvc-sentinel',
          clientSecret: { value: 'cs-wrong-0000' },
        },
      },
      env: {},
      log: capturedLog().log,
      monotonic: () => now,
    });
    closers.push(() => broker.stop());
    const signal = AbortSignal.timeout(5000);
    const story: [number, number][] = [];
    for (const at of [0, 1, 10, 29.9, 30.1, 45, 59, 61]) {
      now = 1_000_000 + at * 1000;
      const outcome = await broker.headersFor('tinh', signal);
      expect(outcome.ok).toBe(false);
      story.push([at, requests]);
    }
    expect(story).toEqual([
      [0, 1],
      [1, 1],
      [10, 1],
      [29.9, 1],
      [30.1, 2],
      [45, 2],
      [59, 2],
      [61, 3],
    ]);
  });
});
