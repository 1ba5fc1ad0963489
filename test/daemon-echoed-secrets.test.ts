// End to end: endpoints on 127.0.0.1 that quote the credentials they were sent back in their
// answer (JSON body, a header, the status line), plainly, URL-encoded, in base64 and as the Basic
// pair. The real daemon and `once` probe them; the secrets must appear on no surface: the probe
// results (/api/status, `once --json`), the status page, the mail (real SMTP), the log at debug
// and the SQLite file with its write-ahead log.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stopChild, type CliProcess } from './support/cli-process.ts';
import { startHttpServer, type RunningServer } from './support/http-servers.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-server.ts';
import { waitFor } from './support/wait-for.ts';

// Characters that URL-encoding, HTML-escaping and base64 each change.
const TOKEN = 'Tk+Z/9&q=7f3a2b1cD';
const PASSWORD = 'pw&9x+Q/4e8d1c0b';
const USER = 'trucban';

/** Every way the two secrets could be written on a surface; none may appear. */
const FORBIDDEN = [
  TOKEN,
  encodeURIComponent(TOKEN),
  TOKEN.replaceAll('&', '&amp;'),
  Buffer.from(TOKEN).toString('base64').replace(/=+$/, ''),
  Buffer.from(TOKEN).toString('base64url'),
  PASSWORD,
  encodeURIComponent(PASSWORD),
  PASSWORD.replaceAll('&', '&amp;'),
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64').replace(/=+$/, ''),
];

function expectNoSecret(surface: string, name: string): void {
  for (const form of FORBIDDEN) {
    if (surface.includes(form))
      throw new Error(`${name} shows the secret as "${form}": …${surface.slice(Math.max(0, surface.indexOf(form) - 120), surface.indexOf(form) + 120)}…`);
  }
}

/** Quotes what the request carried: the token in a chosen form, or the whole Basic header. */
function echo(request: IncomingMessage, response: ServerResponse): void {
  const authorization = request.headers.authorization ?? '';
  const token = authorization.replace(/^Bearer /, '');
  const form: Record<string, string> = {
    '/plain': token,
    '/url': encodeURIComponent(token),
    '/b64': Buffer.from(token).toString('base64'),
    '/basic': authorization,
    '/header': 'fine',
  };
  response.statusMessage = `Echo ${token}`;
  response.setHeader('x-echo', token);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ echo: form[request.url ?? ''] ?? token }));
}

const dir = mkdtempSync(join(tmpdir(), 'dvc-echo-'));
const store = join(dir, 'sentinel.db');
const env = { ECHO_TOKEN: TOKEN };
let target: RunningServer;
let smtp: TestSmtpServer;
let daemon: CliProcess;
let config: string;

beforeAll(async () => {
  target = await startHttpServer(echo);
  smtp = await startSmtpServer();
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  const bearer = 'headers: { authorization: "Bearer ${ECHO_TOKEN}" }';
  const echoed = 'expect: { json: [{ path: "$.echo", equals: "none" }] }';
  config = join(dir, 'sentinel.yaml');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${store}" }`,
      'defaults: { interval: 500ms, timeout: 400ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      '  groupWait: 300ms',
      '  email:',
      `    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 2s }`,
      '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
      '    to: ["trucban@angiang.gov.vn"]',
      'checks:',
      `  - { name: echo-plain, system: provincial, kind: http, url: "${target.url}/plain", ${bearer}, ${echoed} }`,
      `  - { name: echo-url, system: provincial, kind: http, url: "${target.url}/url", ${bearer}, ${echoed} }`,
      `  - { name: echo-b64, system: provincial, kind: http, url: "${target.url}/b64", ${bearer}, ${echoed} }`,
      `  - { name: echo-basic, system: provincial, kind: http, url: "${target.url}/basic", ${echoed},`,
      `      auth: { type: basic, username: ${USER}, password: "\${file:${passwordFile}}" } }`,
      `  - { name: echo-header, system: provincial, kind: http, url: "${target.url}/header", ${bearer},`,
      '      expect: { backend: { headers: { x-echo: none } } } }',
      '',
    ].join('\n'),
  );
  daemon = startCli(['run', '--config', config, '--log-level', 'debug'], env);
}, 30_000);

afterAll(async () => {
  if (daemon !== undefined) await stopChild(daemon.child);
  await smtp?.close();
  await target?.close();
});

async function text(address: string): Promise<string> {
  const response = await request(address);
  return response.body.text();
}

describe('a secret an endpoint quotes back', () => {
  it('reaches no result, page, mail, log or store file of the daemon', async () => {
    const url = String((await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started')).url);
    const names = ['echo-plain', 'echo-url', 'echo-b64', 'echo-basic', 'echo-header'];
    const status = await waitFor(
      'every echo check critical',
      () => text(`${url}/api/status`),
      (body) => names.every((name) => new RegExp(`"${name}"[^}]*"status":"critical"`).test(body)),
      30_000,
    );
    // The failures are the echoed values: the scrubbed text stands where the secret was.
    expect(status).toContain('***');
    expectNoSecret(status, '/api/status');
    expectNoSecret(await text(`${url}/`), 'the status page');
    const mails = await smtp.waitForMails(1, 30_000);
    for (const mail of mails) {
      expectNoSecret(mail.raw.toString('utf8'), 'the raw mail');
      expectNoSecret(`${mail.parsed.subject ?? ''}\n${mail.parsed.text ?? ''}\n${String(mail.parsed.html)}`, 'the mail');
    }
    const files = () => [store, `${store}-wal`].filter((file) => existsSync(file));
    for (const file of files()) expectNoSecret(readFileSync(file).toString('latin1'), file);
    await stopChild(daemon.child);
    for (const file of files()) expectNoSecret(readFileSync(file).toString('latin1'), file);
    expectNoSecret(daemon.stdout() + daemon.stderr(), 'the log');
  }, 90_000);

  it('reaches no line of `once`, as a table or as JSON', async () => {
    const json = await runCli(['once', '--config', config, '--json'], env);
    expect(json.code).toBe(1);
    const rows = JSON.parse(json.stdout) as { check: string; reason?: string; message: string }[];
    expect(rows.map((row) => row.reason)).toEqual(['assertion', 'assertion', 'assertion', 'assertion', 'backend']);
    expect(rows.find((row) => row.check === 'echo-plain')?.message).toContain('"***"');
    expectNoSecret(json.stdout + json.stderr, '`once --json`');
    const table = await runCli(['once', '--config', config], env);
    expect(table.code).toBe(1);
    expectNoSecret(table.stdout + table.stderr, '`once`');
  }, 60_000);
});
