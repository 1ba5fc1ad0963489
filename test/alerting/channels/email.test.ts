import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeMail, createMailSender, emlFileName, type OutgoingMail } from '../../../src/alerting/channels/email.ts';
import { explainSmtpError } from '../../../src/alerting/explain-smtp-error.ts';
import { createAuthority, createLeafCertificate, type Authority, type IssuedCertificate } from '../../support/certificates.ts';
import { captureLog, plainSmtp } from '../../support/alerting-fixtures.ts';
import { startSilentServer } from '../../support/http-servers.ts';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-server.ts';

const FROM = 'dvc-sentinel <giamsat@angiang.gov.vn>';

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    id: 17,
    messageId: '<dvc.17.0123456789abcdef@angiang.gov.vn>',
    to: ['trucban@angiang.gov.vn', 'vnpt-ag@example.vn'],
    subject: '[SỰ CỐ] Cổng DVC quốc gia — dvcqg-home không truy cập được (timeout)',
    text: 'Hệ thống: Cổng DVC quốc gia\nKiểm tra: dvcqg-home',
    html: '<p>Hệ thống: <b>Cổng DVC quốc gia</b></p>',
    date: new Date('2026-05-29T15:10:15Z'),
    boundary: 'b0a1b2c3d4e5f6a7',
    references: ['<incident.dvcqg-home-x@angiang.gov.vn>'],
    inReplyTo: '<incident.dvcqg-home-x@angiang.gov.vn>',
    ...overrides,
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  closers.push(() => server.close());
  return server;
}

describe('composeMail', () => {
  it('builds the same bytes from the same frozen mail, so a re-send is the very same mail', async () => {
    const first = await composeMail(mail(), FROM);
    expect((await composeMail(mail(), FROM)).equals(first)).toBe(true);
    expect((await composeMail(mail({ boundary: 'ffffffffffffffff' }), FROM)).equals(first)).toBe(false);
  });

  it('makes multipart/alternative with text and HTML in UTF-8, CRLF line ends and the threading headers', async () => {
    const raw = await composeMail(mail(), FROM);
    const text = raw.toString('latin1');
    expect(text).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(text).toContain('Auto-Submitted: auto-generated\r\n');
    expect(text.split('\n').every((line, index, lines) => index === lines.length - 1 || line.endsWith('\r'))).toBe(true);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(mail().subject);
    expect(parsed.messageId).toBe(mail().messageId);
    expect(parsed.inReplyTo).toBe('<incident.dvcqg-home-x@angiang.gov.vn>');
    expect(parsed.references).toBe('<incident.dvcqg-home-x@angiang.gov.vn>');
    expect(parsed.date?.toISOString()).toBe('2026-05-29T15:10:15.000Z');
    expect(parsed.text?.trim()).toBe(mail().text);
    expect(parsed.html).toContain('<b>Cổng DVC quốc gia</b>');
  });
});

describe('createMailSender over SMTP', () => {
  it('sends one message to every recipient and returns the server answer', async () => {
    const server = await smtpServer();
    const { log } = captureLog();
    const channel = createMailSender({ smtp: plainSmtp(server.port), from: FROM, outboxDir: '/nonexistent', log });
    const receipt = await channel.send(mail());
    channel.close();
    expect(receipt.response).toMatch(/^250 /);
    const [received] = await server.waitForMails(1);
    expect(received!.envelope).toEqual({ from: 'giamsat@angiang.gov.vn', to: ['trucban@angiang.gov.vn', 'vnpt-ag@example.vn'] });
    expect(received!.parsed.subject).toBe(mail().subject);
    expect(received!.raw.equals(await composeMail(mail(), FROM))).toBe(true);
  });

  it('reports recipients the server refused while it accepted others', async () => {
    const server = await smtpServer({ refuseRecipients: ['vnpt-ag@example.vn'] });
    const channel = createMailSender({ smtp: plainSmtp(server.port), from: FROM, outboxDir: '/nonexistent', log: captureLog().log });
    expect(await channel.send(mail())).toMatchObject({ rejected: ['vnpt-ag@example.vn'] });
    expect((await server.waitForMails(1))[0]!.envelope.to).toEqual(['trucban@angiang.gov.vn']);
  });

  it("gives up on a server that never greets within timeoutSeconds, not nodemailer's minutes", async () => {
    const silent = await startSilentServer();
    closers.push(() => silent.close());
    const channel = createMailSender({ smtp: plainSmtp(silent.port, { timeoutSeconds: 0.5 }), from: FROM, outboxDir: '/nonexistent', log: captureLog().log });
    const started = performance.now();
    const error = await channel.send(mail()).catch((failure: unknown) => failure);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(explainSmtpError(error, plainSmtp(silent.port, { timeoutSeconds: 0.5 }))).toMatchObject({
      kind: 'no_greeting',
      explanation: expect.stringContaining('sent no SMTP greeting within 0.5 s'),
    });
  });

  describe('with STARTTLS', () => {
    let authority: Authority;
    let leaf: IssuedCertificate;
    beforeAll(async () => {
      authority = await createAuthority();
      leaf = await createLeafCertificate({ names: ['localhost'], issuer: authority });
    });

    it('upgrades and verifies the certificate against tls.ca', async () => {
      const server = await smtpServer({ tls: leaf });
      const smtp = plainSmtp(server.port, { requireTLS: true, tls: { verify: true, ca: authority.certPem, serverName: 'localhost' } });
      const channel = createMailSender({ smtp, from: FROM, outboxDir: '/nonexistent', log: captureLog().log });
      await channel.send(mail());
      const [received] = await server.waitForMails(1);
      expect(received!.secure).toBe(true);
    });

    it('refuses a certificate no configured CA signed', async () => {
      const server = await smtpServer({ tls: leaf });
      const smtp = plainSmtp(server.port, { requireTLS: true, tls: { verify: true, serverName: 'localhost' } });
      const channel = createMailSender({ smtp, from: FROM, outboxDir: '/nonexistent', log: captureLog().log });
      const error = await channel.send(mail()).catch((failure: unknown) => failure);
      expect(explainSmtpError(error, smtp)).toMatchObject({ kind: 'tls_untrusted', explanation: expect.stringContaining('tls.caFile') });
      expect(server.mails).toHaveLength(0);
    });

    it('fails clearly with requireTLS against a server that offers no STARTTLS', async () => {
      const server = await smtpServer();
      const smtp = plainSmtp(server.port, { requireTLS: true });
      const channel = createMailSender({ smtp, from: FROM, outboxDir: '/nonexistent', log: captureLog().log });
      const error = await channel.send(mail()).catch((failure: unknown) => failure);
      expect(error).toMatchObject({ code: 'ETLS' });
      expect(explainSmtpError(error, smtp).explanation).toMatch(/^STARTTLS is required \(requireTLS: true\) but 127\.0\.0\.1:\d+ does not offer it/);
      expect(server.mails).toHaveLength(0);
    });
  });
});

describe('createMailSender without smtp', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dvc-eml-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes a parseable .eml file named by date and delivery id, creating the directory, and logs where', async () => {
    const outboxDir = join(directory, 'outbox-mail');
    const { log, lines } = captureLog();
    const channel = createMailSender({ from: FROM, outboxDir, log });
    const receipt = await channel.send(mail());
    expect(receipt.file).toBe(join(outboxDir, '20260529-151015-17.eml'));
    expect(await readdir(outboxDir)).toEqual(['20260529-151015-17.eml']);
    const parsed = await simpleParser(await readFile(receipt.file!));
    expect(parsed.subject).toBe(mail().subject);
    expect(parsed.to).toMatchObject({ text: 'trucban@angiang.gov.vn, vnpt-ag@example.vn' });
    expect(parsed.from).toMatchObject({ value: [{ address: 'giamsat@angiang.gov.vn', name: 'dvc-sentinel' }] });
    expect(parsed.html).toContain('Cổng DVC quốc gia');
    expect(parsed.text).toContain('dvcqg-home');
    expect(lines().find((line) => line.msg === 'mail written as .eml file (no smtp configured)')).toMatchObject({
      file: receipt.file,
      messageId: mail().messageId,
    });

    // A re-send after a crash replaces the file with the same bytes; no second file appears.
    const before = await readFile(receipt.file!);
    await channel.send(mail());
    expect(await readdir(outboxDir)).toEqual(['20260529-151015-17.eml']);
    expect((await readFile(receipt.file!)).equals(before)).toBe(true);
  });

  it('names files in UTC whatever the machine zone', () => {
    expect(emlFileName(new Date('2026-01-02T03:04:05.678+07:00'), 'test')).toBe('20260101-200405-test.eml');
  });
});
