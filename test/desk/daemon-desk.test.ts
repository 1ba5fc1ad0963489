// The desk as the daemon builds it: on the daemon's store, outbox and clock, with API windows
// reaching the incident rules and the ticker, and its mails reaching a real SMTP server in the
// incident's thread. A real daemon in this process, a real local target switched to failing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentAnchorId } from '../../src/alerting/message-id.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { captureLog } from '../support/alerting-fixtures.ts';
import { startSmtpServer } from '../support/smtp-server.ts';
import { waitFor } from '../support/wait-for.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const LAN = { user: 'lan', address: '127.0.0.1' };

describe('the daemon’s desk', () => {
  it('holds a firing under an API window, releases it when the window ends, and mails the acknowledgement in its thread', async () => {
    let failing = false;
    const target: Server = createServer((_req, res) => {
      res.writeHead(failing ? 503 : 200).end();
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => target.close(() => resolve())));
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const dir = mkdtempSync(join(tmpdir(), 'dvc-desk-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'sentinel.yaml');
    writeFileSync(
      configFile,
      [
        'server: { listen: "127.0.0.1:0" }',
        `storage: { path: "${join(dir, 'sentinel.db')}" }`,
        'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
        'alerting:',
        '  groupWait: 200ms',
        '  flapping: { recoveryHold: 0s }',
        '  groupInterval: 200ms',
        '  email:',
        `    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 2s }`,
        '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
        '    to: ["trucban@angiang.gov.vn"]',
        'checks:',
        `  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:${(target.address() as AddressInfo).port}/" }`,
        '',
      ].join('\n'),
    );
    const daemon: Daemon = await startDaemon({ configFile, log: captureLog('warn').log });
    cleanups.push(() => daemon.stop(1000));

    const window = daemon.desk.startMaintenance(LAN, { name: 'chuyển đổi', checks: ['dvcqg-*'] });
    failing = true;
    const held = await waitFor(
      'the incident held by the API window',
      async () => daemon.desk.listIncidents({ state: 'open' }),
      (open) => open[0]?.incident.hold?.by === 'maintenance',
      15_000,
    );
    expect(held[0]!.incident.hold?.name).toBe('chuyển đổi');
    expect(held[0]!.incident.announced).toBe(false);
    expect(smtp.mails).toEqual([]);

    expect(daemon.desk.endMaintenance(window.id, LAN).ok).toBe(true);
    const [firing] = await smtp.waitForMails(1, 15_000);
    expect(firing!.parsed.subject).toMatch(/dvcqg-home/);

    const id = held[0]!.incident.id;
    daemon.desk.acknowledge(id, LAN, 'Đang xử lý');
    const mails = await waitFor(
      'the acknowledgement mail',
      async () => smtp.mails,
      (all) => all.some((mail) => mail.parsed.subject?.startsWith('[ĐÃ TIẾP NHẬN]')),
      15_000,
    );
    const acknowledged = mails.find((mail) => mail.parsed.subject?.startsWith('[ĐÃ TIẾP NHẬN]'))!.parsed;
    // The system, then the check, as the incident's own mails put them (no nested parentheses).
    expect(acknowledged.subject).toMatch(/^\[ĐÃ TIẾP NHẬN\] [^()]+ — dvcqg-home$/);
    expect(acknowledged.inReplyTo).toBe(incidentAnchorId(id, 'angiang.gov.vn'));
    expect(acknowledged.text).toContain('Ghi chú: Đang xử lý');
    expect(daemon.desk.listAudit({}).map((entry) => entry.action)).toEqual(['acknowledge', 'maintenance.end', 'maintenance.start']);

    // The report counts the API window as a configured one: listed, and its time excluded.
    const from = new Date(window.startedAt.getTime() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await fetch(`${daemon.url}/api/report?from=${from}&to=${to}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { maintenance: { name: string; checks: string[] }[]; checks: { name: string; excludedSeconds: number }[] };
    expect(report.maintenance.map(({ name, checks }) => ({ name, checks }))).toEqual([{ name: 'chuyển đổi', checks: ['dvcqg-home'] }]);
    expect(report.checks[0]!.excludedSeconds).toBeGreaterThan(0);
  });
});
