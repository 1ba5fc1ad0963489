import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testEmailCommand } from '../../src/commands/test-email.ts';
import { createAuthority, createLeafCertificate, type Authority, type IssuedCertificate } from '../support/certificates.ts';
import { captureLog } from '../support/alerting-fixtures.ts';
import { findClosedPort, startSilentServer } from '../support/http-servers.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';

const PASSWORD = 'Mk-2026-rat-bi-mat';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  cleanups.push(() => server.close());
  return server;
}

/** Writes a config with the given `alerting.email` block (YAML lines) and returns its path and directory. */
async function writeConfig(emailBlock: string): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'dvc-test-email-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'monitor.yaml');
  await writeFile(
    file,
    [
      `storage: { path: ${JSON.stringify(join(dir, 'data', 'sentinel.db'))} }`,
      'checks:',
      '  - { name: portal-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }',
      'alerting:',
      '  email:',
      ...emailBlock.split('\n').map((line) => `    ${line}`),
      '',
    ].join('\n'),
  );
  return { file, dir };
}

async function run(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const { log } = captureLog();
  const code = await testEmailCommand({ config: file }, { stdout: (line) => out.push(line), stderr: (line) => err.push(line) }, log, { SMTP_PASS: PASSWORD });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function smtpBlock(port: number, extra: string[] = [], auth = true): string {
  return [
    'smtp:',
    '  host: 127.0.0.1',
    `  port: ${port}`,
    '  timeout: 3s',
    ...(auth ? ['  auth: { user: giamsat, pass: "${SMTP_PASS}" }'] : []),
    ...extra.map((line) => `  ${line}`),
    'from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
    'to: [trucban@angiang.gov.vn]',
  ].join('\n');
}

describe('testEmailCommand over SMTP', () => {
  it('sends one test mail and says where it went and what the server answered', async () => {
    const server = await smtpServer({ auth: { user: 'giamsat', pass: PASSWORD } });
    const { file } = await writeConfig(smtpBlock(server.port));
    const result = await run(file);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^sent to trucban@angiang\\.gov\\.vn via 127\\.0\\.0\\.1:${server.port} \\(no TLS, authenticated as "giamsat"\\); server answered: 250 `),
    );
    const [mail] = await server.waitForMails(1);
    expect(mail!.user).toBe('giamsat');
    expect(mail!.envelope).toEqual({ from: 'giamsat@angiang.gov.vn', to: ['trucban@angiang.gov.vn'] });
    expect(result.stdout).toContain(`Message-ID: ${mail!.parsed.messageId}`);
    expect(mail!.parsed.html).toBeTruthy();
    expect(mail!.parsed.text).toBeTruthy();
    expect(result.stdout).not.toContain(PASSWORD);
  });

  describe('with STARTTLS', () => {
    let authority: Authority;
    let leaf: IssuedCertificate;
    beforeAll(async () => {
      authority = await createAuthority();
      leaf = await createLeafCertificate({ names: ['localhost'], issuer: authority });
    });

    it('names the upgrade and the TLS version', async () => {
      const server = await smtpServer({ tls: leaf });
      const { file, dir } = await writeConfig(smtpBlock(0, [], false));
      await writeFile(join(dir, 'ca.pem'), authority.certPem);
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace(
          '      port: 0',
          `      port: ${server.port}\n      requireTLS: true\n      tls: { caFile: ${JSON.stringify(join(dir, 'ca.pem'))}, serverName: localhost }`,
        ),
      );
      const result = await run(file);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/ \(STARTTLS, TLSv1\.[23]\); server answered: 250 /);
      expect((await server.waitForMails(1))[0]!.secure).toBe(true);
    });

    it('explains an untrusted certificate', async () => {
      const server = await smtpServer({ tls: leaf });
      const { file } = await writeConfig(smtpBlock(server.port, ['requireTLS: true', 'tls: { serverName: localhost }'], false));
      const result = await run(file);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(.+\): set alerting\.email\.smtp\.tls\.caFile/);
    });

    it('explains a certificate for another name', async () => {
      const server = await smtpServer({ tls: leaf });
      const { file, dir } = await writeConfig(smtpBlock(server.port, ['requireTLS: true'], false));
      await writeFile(join(dir, 'ca.pem'), authority.certPem);
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace(
          'requireTLS: true',
          `requireTLS: true\n      tls: { caFile: ${JSON.stringify(join(dir, 'ca.pem'))}, serverName: mail.angiang.gov.vn }`,
        ),
      );
      const result = await run(file);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('is for another name');
      expect(result.stderr).toContain('tls.serverName');
    });
  });

  it.each([
    ['nothing listening', async () => ({ port: await findClosedPort() }), /nothing is listening on 127\.0\.0\.1:\d+ \(connection refused\)/],
    [
      'a refused password',
      async () => ({ port: (await smtpServer({ auth: { user: 'giamsat', pass: 'another-password' } })).port }),
      /authentication refused for user "giamsat" \(server answered: 535 Authentication credentials invalid\): check alerting\.email\.smtp\.auth \(the password is not shown\)/,
    ],
    [
      'a refused recipient',
      async () => ({ port: (await smtpServer({ auth: { user: 'giamsat', pass: PASSWORD }, refuseRecipients: ['trucban@angiang.gov.vn'] })).port }),
      /recipient refused \(server answered: 550 Mailbox unavailable: trucban@angiang\.gov\.vn\)/,
    ],
    [
      'requireTLS without STARTTLS',
      async () => ({ port: (await smtpServer({ auth: { user: 'giamsat', pass: PASSWORD } })).port, extra: ['requireTLS: true'] }),
      /STARTTLS is required \(requireTLS: true\) but 127\.0\.0\.1:\d+ does not offer it/,
    ],
  ])('explains %s and exits 1', async (_name, setUp, expected) => {
    const { port, extra } = (await setUp()) as { port: number; extra?: string[] };
    const { file } = await writeConfig(smtpBlock(port, extra));
    const result = await run(file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^not sent to trucban@angiang\.gov\.vn via 127\.0\.0\.1:\d+: /);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('explains a server that never greets', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const { file } = await writeConfig(smtpBlock(silent.port).replace('timeout: 3s', 'timeout: 500ms'));
    const result = await run(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/accepted the connection but sent no SMTP greeting within 0\.5 s/);
  });
});

describe('testEmailCommand without smtp', () => {
  it('writes the .eml file the daemon would and prints its path', async () => {
    const { file, dir } = await writeConfig(['from: "dvc-sentinel <giamsat@angiang.gov.vn>"', 'to: [trucban@angiang.gov.vn]'].join('\n'));
    const result = await run(file);
    expect(result.code).toBe(0);
    const outboxDir = join(dir, 'data', 'outbox-mail');
    const [name] = await readdir(outboxDir);
    expect(name).toMatch(/^\d{8}-\d{6}-test\.eml$/);
    expect(result.stdout).toContain(join(outboxDir, name!));
    const parsed = await simpleParser(await readFile(join(outboxDir, name!)));
    expect(parsed.to).toMatchObject({ text: 'trucban@angiang.gov.vn' });
    expect(parsed.subject).toBeTruthy();
  });

  it('refuses with exit 2 when no recipients are configured', async () => {
    const { file } = await writeConfig('from: "dvc-sentinel <giamsat@angiang.gov.vn>"');
    const result = await run(file);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`no recipients: set alerting.email.to in ${file} (the test mail goes there)`);
  });
});
