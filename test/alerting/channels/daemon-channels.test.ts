// End to end: the real daemon as a child process, a real SMTP server and a webhook receiver that
// holds its answer, SIGKILL in the middle of a webhook delivery.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../../support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer, dutyMailYaml } from '../../support/smtp-server.ts';

const SECRET = 'Bearer ioc-secret-9f8e7d6c';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Hook {
  readonly id: string;
  readonly authorization: string;
  readonly body: { notifications: { type: string; check: string }[] };
}

describe('a webhook channel in the daemon', () => {
  it('survives SIGKILL mid-delivery: the same frozen request is sent again once, the secret header is never logged', async () => {
    let failing = false;
    const target = await listen((_request, response) => {
      response.writeHead(failing ? 503 : 200);
      response.end(failing ? 'down' : 'Dịch vụ công');
    });
    const hooks: Hook[] = [];
    let hold: ServerResponse | undefined;
    const waiters = new Set<() => void>();
    const receiver = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        hooks.push({
          id: String(request.headers['x-dvc-delivery-id']),
          authorization: String(request.headers.authorization),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Hook['body'],
        });
        for (const wake of waiters) wake();
        // The first request is taken but never answered: the daemon dies before its delivery mark.
        if (hooks.length === 1) hold = response;
        else response.end('{}');
      });
    });
    const hooksReach = (count: number, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${hooks.length} webhook requests`)), timeoutMs);
        const check = () => {
          if (hooks.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    const smtp: TestSmtpServer = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const dir = mkdtempSync(join(tmpdir(), 'dvc-channels-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'sentinel.yaml');
    writeFileSync(
      config,
      [
        'server: { listen: "127.0.0.1:0" }',
        `storage: { path: "${join(dir, 'state', 'sentinel.db')}" }`,
        'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
        'alerting:',
        '  groupWait: 300ms',
        '  flapping: { recoveryHold: 0s }',
        '  groupInterval: 400ms',
        ...dutyMailYaml(smtp.port),
        '  webhooks:',
        '    - name: ioc-tinh',
        `      url: ${receiver.url}/hook`,
        '      headers: { Authorization: "${IOC_AUTH}" }',
        '      timeout: 2s',
        'checks:',
        `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${target.url}/home" }`,
        '',
      ].join('\n'),
    );
    const start = async (): Promise<CliProcess> => {
      const daemon = startCli(['run', '--config', config, '--log-level', 'trace'], { IOC_AUTH: SECRET });
      cleanups.push(() => {
        if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
      });
      await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started');
      return daemon;
    };

    const first = await start();
    failing = true;
    await hooksReach(1);
    first.child.kill('SIGKILL');
    await first.exited;
    hold?.destroy();

    const second = await start();
    await second.waitForLog((line) => line.msg === 'webhook request delivered', 15_000);
    expect(hooks[1]!.id).toBe(hooks[0]!.id);
    expect(hooks[1]!.body).toEqual(hooks[0]!.body);
    expect(hooks[0]!.authorization).toBe(SECRET);
    // The resolution goes out after the restart, once, and the mail channel told its own story.
    failing = false;
    await hooksReach(3);
    const types = hooks.flatMap((hook) => hook.body.notifications.map((entry) => `${entry.type}:${entry.check}`));
    expect(types).toEqual(['firing:dvcqg-home', 'firing:dvcqg-home', 'resolved:dvcqg-home']);
    expect(new Set(hooks.map((hook) => hook.id)).size).toBe(2);
    await smtp.waitForMails(2, 15_000);
    second.child.kill('SIGTERM');
    await second.exited;
    const logs = [first, second].map((daemon) => daemon.stdout() + daemon.stderr()).join('\n');
    expect(logs).toContain('webhook request delivered');
    expect(logs).not.toContain('ioc-secret-9f8e7d6c');
  });
});
