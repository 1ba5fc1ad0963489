// End to end: the real daemon process with a check whose oauth2 client secret is read from a
// file. A wrong secret fails the check with reason auth; the file rotated plus SIGHUP recovers it
// in the same process, with no secret or token in the log or on /metrics.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './support/cli-process.ts';
import { startTokenProvider, type TokenProvider } from './support/token-provider.ts';

const CLIENT_SECRET = 'cs-rotated-4b8e21d7';
const OLD_SECRET = 'cs-retired-90f3ac52';
const dir = mkdtempSync(join(tmpdir(), 'dvc-daemon-auth-'));
const secretFile = join(dir, 'client-secret');
let provider: TokenProvider;
let daemon: CliProcess;
let url: string;

async function getText(address: string): Promise<string> {
  const response = await request(address);
  return response.body.text();
}

async function until(read: () => Promise<string>, ok: (value: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${value.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  provider = await startTokenProvider({ clientSecret: CLIENT_SECRET, ttlSeconds: 300 });
  writeFileSync(secretFile, `${OLD_SECRET}\n`);
  const config = join(dir, 'run.yaml');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 300ms, timeout: 2s, failureThreshold: 1, successThreshold: 1 }',
      'auths:',
      '  tinh:',
      '    type: oauth2',
      `    tokenUrl: "${provider.tokenUrl}"`,
      '    clientId: dvc-sentinel',
      `    clientSecret: "\${file:${secretFile}}"`,
      'checks:',
      `  - { name: provincial-api, system: provincial, kind: http, url: "${provider.apiUrl}", auth: tinh, interval: 300ms, timeout: 250ms }`,
      '',
    ].join('\n'),
  );
  daemon = startCli(['run', '--config', config, '--log-level', 'trace']);
  url = String((await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started')).url);
}, 30_000);

afterAll(async () => {
  if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  await provider.close();
});

describe('a rotated secret file and SIGHUP', () => {
  it('turns reason auth into a passing check without a restart', async () => {
    const failing = await until(
      () => getText(`${url}/metrics`),
      (text) => /dvc_probe_failures_total\{[^}]*check="provincial-api"[^}]*reason="auth"[^}]*\} [1-9]/.test(text),
    );
    expect(failing).toMatch(/dvc_probe_success\{[^}]*check="provincial-api"[^}]*\} 0/);
    expect(provider.apiAnswers()).toEqual([]);
    // Backed off: probes every 300 ms, but one token request per 30 s.
    expect(provider.tokenRequests()).toBe(1);

    const pid = daemon.child.pid;
    writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog((line) => line.msg === 'config reloaded');
    const passing = await until(
      () => getText(`${url}/metrics`),
      (text) => /dvc_probe_success\{[^}]*check="provincial-api"[^}]*\} 1/.test(text),
    );
    expect(daemon.child.pid).toBe(pid);
    expect(daemon.child.exitCode).toBeNull();
    expect(passing).toMatch(/dvc_auth_token_expiry_timestamp_seconds\{[^}]*auth="tinh"[^}]*\} \d{10}/);
    const expiry = Number(/dvc_auth_token_expiry_timestamp_seconds\{[^}]*auth="tinh"[^}]*\} (\d+)/.exec(passing)![1]);
    expect(Math.abs(expiry - (Date.now() / 1000 + 300))).toBeLessThan(30);
    expect(provider.tokenRequests()).toBe(2);

    const surfaces = [passing, daemon.stdout(), daemon.stderr()];
    for (const secret of [CLIENT_SECRET, OLD_SECRET, ...provider.apiTokens()]) for (const surface of surfaces) expect(surface).not.toContain(secret);
    expect(
      daemon
        .logs()
        .filter((line) => line.msg === 'token obtained')
        .map((line) => line.authName),
    ).toEqual(['tinh']);
  }, 40_000);
});
