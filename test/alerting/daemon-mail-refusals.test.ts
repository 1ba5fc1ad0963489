// The daemon with a mail server that refuses its password (535): the outage mail ends as failed
// auth instead of holding the queue, the status page and /api/status say "máy chủ thư từ chối: sai
// mật khẩu", /metrics counts it, and a reload with the right password sends that very mail.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/daemon.ts';
import { captureLog } from '../support/alerting-fixtures.ts';
import { startSmtpServer } from '../support/smtp-server.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'dvc-mail-refusals-'));
let target: Server;

beforeAll(async () => {
  target = createServer((_request, response) => {
    response.statusCode = 503;
    response.end('bảo trì');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(file: string, smtpPort: number, passVariable: string): void {
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      '  groupWait: 100ms',
      '  groupInterval: 200ms',
      '  email:',
      `    smtp: { host: 127.0.0.1, port: ${smtpPort}, timeout: 2s, auth: { user: giamsat, pass: "\${${passVariable}}" } }`,
      '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
      '    to: ["trucban@angiang.gov.vn"]',
      '    retry: { first: 200ms, max: 1s }',
      'checks:',
      `  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:${(target.address() as AddressInfo).port}/" }`,
      '',
    ].join('\n'),
  );
}

describe('the daemon when the mail server refuses its password', () => {
  it('ends the mail as failed auth, shows it on the page, and sends it after a reload with the right password', async () => {
    const smtp = await startSmtpServer({ auth: { user: 'giamsat', pass: 'mat-khau-dung' } });
    const configFile = join(dir, 'monitor.yaml');
    writeConfig(configFile, smtp.port, 'SMTP_PASS');
    const log = captureLog('info');
    const env = { SMTP_PASS: 'mat-khau-sai', SMTP_PASS_NEW: 'mat-khau-dung' };
    const daemon = await startDaemon({ configFile, log: log.log, env });
    try {
      const status = await waitFor(
        'a mail refused for the password on /api/status',
        async () => (await (await fetch(`${daemon.url}/api/status`)).json()) as { mailRefusals?: { kind: string; subject: string }[] },
        (body) => (body.mailRefusals ?? []).some((line) => line.kind === 'auth'),
        15_000,
        100,
      );
      expect(status.mailRefusals![0]!.subject).toContain('dvcqg-home');
      const page = await (await fetch(`${daemon.url}/`)).text();
      expect(page).toContain('Máy chủ thư từ chối: sai mật khẩu');
      const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
      expect(metrics).toMatch(/dvc_notifications_total\{[^}]*channel="email"[^}]*type="firing"[^}]*result="gave_up"[^}]*\} 1/);
      expect(smtp.mails).toHaveLength(0);
      expect(log.text()).not.toContain('mat-khau-sai');

      writeConfig(configFile, smtp.port, 'SMTP_PASS_NEW');
      expect(await daemon.reload()).toBe(true);
      const [mail] = await smtp.waitForMails(1, 15_000);
      expect(mail!.user).toBe('giamsat');
      expect(mail!.parsed.subject).toContain('dvcqg-home');
      expect(log.lines().find((line) => line.msg === 'SMTP settings changed; mail refused for its credentials is sent again')).toMatchObject({
        deliveries: 1,
      });
      const after = (await (await fetch(`${daemon.url}/api/status`)).json()) as { mailRefusals?: unknown[] };
      expect(after.mailRefusals).toEqual([]);
    } finally {
      await daemon.stop();
      await smtp.close();
    }
  }, 40_000);
});
