// `report --send`: mails the report now through the store's outbox to a real SMTP server; refuses
// while a running monitor holds the store; keeps the mail queued when the server is down.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/commands/report.ts';
import { openStore } from '../../src/store/store.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
let smtp: TestSmtpServer;
let configFile: string;

beforeEach(async () => {
  temp = createTempDatabaseDir();
  smtp = await startSmtpServer();
  configFile = temp.path('monitor.yaml');
  writeFileSync(
    configFile,
    `storage: { path: ${JSON.stringify(temp.path())} }
alerting:
  email:
    from: "dvc-sentinel <giamsat@angiang.gov.vn>"
    to: [trucban@angiang.gov.vn]
    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 2s }
    retry: { first: 30s, max: 5m }
reports:
  - { name: daily, schedule: "30 15 * * *", to: [pc06@angiang.gov.vn], cc: [lanhdao@angiang.gov.vn], unit: "Sở KH&CN An Giang" }
checks:
  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:9/" }
`,
  );
});

afterEach(async () => {
  await smtp.close();
  temp.remove();
});

async function send(extra: { date?: string } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await reportCommand(
    { config: configFile, send: true, date: extra.date ?? '2026-12-02' },
    { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) },
    createCapturedLog().log,
  );
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('report --send', () => {
  it('mails the report once with its parts and attachments, recorded as a send by hand', async () => {
    const result = await send();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^report "daily" to pc06@angiang.gov.vn, lanhdao@angiang.gov.vn accepted by smtp 127\.0\.0\.1:\d+ \(Message-ID <report\.daily\.\d{12}\.[0-9a-f]{16}@angiang\.gov\.vn>\)$/,
    );
    const [mail] = await smtp.waitForMails(1);
    expect(mail!.envelope.to).toEqual(['pc06@angiang.gov.vn', 'lanhdao@angiang.gov.vn']);
    expect(mail!.parsed.subject).toBe('[BÁO CÁO] Sở KH&CN An Giang: tình hình vận hành từ 02/12/2026 00:00:00 đến 03/12/2026 00:00:00');
    expect(mail!.parsed.html).toContain('<html');
    expect(mail!.parsed.attachments.map((file) => file.filename)).toEqual(['bao-cao-daily-20261202.csv', 'bao-cao-daily-20261202.docx']);

    const store = openStore(temp.path(), { log: createCapturedLog().log });
    try {
      const [recorded] = store.reports.recent(5);
      expect(recorded).toMatchObject({ report: 'daily', manual: true, messageId: mail!.parsed.messageId, to: ['pc06@angiang.gov.vn'] });
      expect(recorded!.acceptedAt).toBeDefined();
      expect(store.reports.lastSlot('daily')).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('refuses with exit 2 while a running monitor holds the store, and sends nothing', async () => {
    const held = openStore(temp.path(), { log: createCapturedLog().log });
    try {
      const result = await send();
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/is in use by .*The running monitor sends its scheduled reports itself/s);
      expect(held.reports.recent(5)).toEqual([]);
    } finally {
      held.close();
    }
    expect(smtp.mails).toHaveLength(0);
  });

  it('exits 1 when the mail server does not accept it; the mail stays queued', async () => {
    await smtp.close();
    const result = await send();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not accepted by the mail server .*stays queued/);
    const store = openStore(temp.path(), { log: createCapturedLog().log });
    try {
      expect(store.outbox.undelivered('email')).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
