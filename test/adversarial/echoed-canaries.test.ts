// Echoed canaries: checks whose endpoints quote their `${ENV}` secrets back (as they are, URL-encoded,
// base64, inside a Basic-auth pair; in the JSON a path reads, in a body snippet and in headers).
// The daemon (compiled, logging at debug) runs them into an incident with a real SMTP server; then
// `once` (table and --json) and `report` (every format that prints) run on the same config. No
// form of any secret may appear on any surface: the logs, /metrics, /api/status, /api/incidents,
// the status page, the mails, `once`, the reports, and the SQLite files (store, WAL) byte for byte.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, stopChild, type CliProcess } from '../support/cli-process.ts';
import { startHttpServer, type RunningServer } from '../support/http-servers.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { compiledCli, reportFigures } from './figures.ts';

const TOKEN = `canary-token-${randomBytes(8).toString('hex')}`;
// Characters that URL-encoding changes, so the encoded form differs from the plain one.
const PASSWORD = `canary pass/${randomBytes(6).toString('hex')}+=`;
const USER = 'giamsat';
const ENV = { DVC_CANARY_TOKEN: TOKEN, DVC_CANARY_PASSWORD: PASSWORD };

/** Every form in which a secret can be quoted back. */
function formsOf(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(`${USER}:${secret}`).toString('base64'),
  ];
}
const FORMS = [...new Set([...formsOf(TOKEN), ...formsOf(PASSWORD)])];

let echo: RunningServer;
let smtp: TestSmtpServer;
let dir: string;
let daemon: CliProcess | undefined;

beforeAll(async () => {
  // Quotes whatever credentials it was sent back in every form, in headers, JSON and text.
  echo = await startHttpServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    const credential = authorization.replace(/^(Bearer|Basic) /, '');
    const decoded = authorization.startsWith('Basic ') ? Buffer.from(credential, 'base64').toString() : credential;
    const secret = decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : decoded;
    const quoted = { token: secret, encoded: encodeURIComponent(secret), base64: Buffer.from(secret).toString('base64'), authorization };
    response.writeHead(request.url?.startsWith('/json') ? 200 : 503, {
      'content-type': request.url?.startsWith('/json') ? 'application/json' : 'text/plain',
      'x-echo': encodeURIComponent(secret),
      'www-authenticate': `Basic realm="${secret}"`,
    });
    response.end(request.url?.startsWith('/json') ? JSON.stringify({ code: secret, data: quoted }) : `lỗi: ${JSON.stringify(quoted)} ${secret}`);
  });
  smtp = await startSmtpServer();
  dir = mkdtempSync(join(tmpdir(), 'dvc-canary-'));
});

afterAll(async () => {
  if (daemon) await stopChild(daemon.child, 5000);
  await echo.close();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(): string {
  const file = join(dir, 'sentinel.yaml');
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 300ms, timeout: 250ms, failureThreshold: 1, successThreshold: 1 }',
      'auths:',
      `  legacy: { type: basic, username: ${USER}, password: "\${DVC_CANARY_PASSWORD}" }`,
      'alerting:',
      '  groupWait: 300ms',
      '  email:',
      `    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 2s }`,
      '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
      '    to: ["trucban@angiang.gov.vn"]',
      'checks:',
      // The JSON path reads the secret back: the failed expectation quotes the value it found.
      `  - { name: canary-json, system: provincial, kind: http, url: "${echo.url}/json", headers: { Authorization: "Bearer \${DVC_CANARY_TOKEN}" }, expect: { json: [{ path: "$.code", equals: "OK" }] } }`,
      // A 503 whose body quotes the Basic-auth pair and the password in every form.
      `  - { name: canary-basic, system: provincial, kind: http, url: "${echo.url}/text", auth: legacy, expect: { bodyContains: "Dịch vụ công" } }`,
      '',
    ].join('\n'),
  );
  return file;
}

function runCompiled(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...compiledCli(), ...args],
      { env: { ...process.env, ...ENV }, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (_error, stdout, stderr) => resolve(`${stdout}\n${stderr}`),
    );
  });
}

/** The surfaces where a form of a secret was found. */
function leaks(surfaces: Readonly<Record<string, string | Buffer>>): string[] {
  const found: string[] = [];
  for (const [surface, content] of Object.entries(surfaces)) {
    const text = typeof content === 'string' ? content : content.toString('latin1');
    for (const form of FORMS) if (text.includes(form)) found.push(`${surface} (${form === TOKEN || form === PASSWORD ? 'as is' : form})`);
  }
  return found;
}

it('shows no form of an echoed secret on any surface', async () => {
  const config = writeConfig();
  daemon = startCli(['run', '--config', config, '--log-level', 'debug'], ENV, compiledCli());
  const url = (await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 60_000)).url as string;
  // Both checks critical, their incident mailed.
  const mails = await smtp.waitForMails(1, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const surfaces: Record<string, string | Buffer> = {};
  const get = async (path: string): Promise<string> => (await fetch(`${url}${path}`)).text();
  surfaces['/metrics'] = await get('/metrics');
  surfaces['/api/status'] = await get('/api/status');
  surfaces['/api/incidents'] = await get('/api/incidents?state=all');
  surfaces['status page'] = await get('/');
  surfaces['/api/report'] = await get('/api/report?format=json');
  await stopChild(daemon.child, 5000);
  surfaces['logs (debug)'] = `${daemon.stdout()}\n${daemon.stderr()}`;
  surfaces.mails = smtp.mails.map((mail) => mail.raw.toString('utf8')).join('\n');
  surfaces['mails (decoded)'] = smtp.mails.map((mail) => `${mail.parsed.subject}\n${String(mail.parsed.html)}\n${mail.parsed.text}`).join('\n');
  surfaces.once = await runCompiled(['once', '--config', config]);
  surfaces['once --json'] = await runCompiled(['once', '--config', config, '--json']);
  for (const format of ['html', 'text', 'csv', 'json'])
    surfaces[`report --format ${format}`] = await runCompiled(['report', '--config', config, '--format', format]);
  for (const file of readdirSync(dir).filter((name) => name.startsWith('sentinel.db'))) surfaces[`SQLite ${file}`] = readFileSync(join(dir, file));

  // The canaries did reach the endpoint: the test sees what a leak would look like.
  const status = surfaces['/api/status'];
  expect(status).toContain('canary-json');
  expect(mails.length).toBeGreaterThan(0);

  const found = leaks(surfaces);
  const leakedSurfaces = [...new Set(found.map((leak) => leak.replace(/ \(.*$/, '')))];
  reportFigures(
    'echoed-canaries',
    `${FORMS.length} forms of 2 secrets over ${Object.keys(surfaces).length} surfaces (${Object.keys(surfaces).join(', ')}), ` +
      `leaks on ${leakedSurfaces.length} surfaces${leakedSurfaces.length > 0 ? `: ${leakedSurfaces.join(', ')}` : ''}`,
  );
  expect(found).toEqual([]);
});
