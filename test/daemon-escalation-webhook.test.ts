// End to end, escalation through a webhook: the real daemon as a child process, a real SMTP server
// and two real webhook receivers. `ioc` is named by an escalation step and by no route, so it gets
// only escalations; `tichhop` has no route and gets every notification. An outage nobody
// acknowledges is escalated once, within 2 s of `after`, to `ioc` and to the leader's address only,
// in the incident's mail thread; a SIGKILL and a restart after the step never repeat it; an
// incident acknowledged through the API before the step is not escalated.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/access/secret-hash.ts';
import { startCli, type CliProcess } from './support/cli-process.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from './support/smtp-server.ts';

const TRUCBAN = 'trucban@angiang.gov.vn';
const LANHDAO = 'lanhdao@angiang.gov.vn';
const TOKEN = 'ioc-cutover-7c1d9e';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
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
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface HookEntry {
  readonly type: string;
  readonly check?: string;
  readonly incidentId?: string;
  readonly at: string;
  readonly escalation?: { readonly afterSeconds: number };
}

interface Hook {
  readonly path: string;
  readonly receivedAt: Date;
  readonly notifications: readonly HookEntry[];
}

/** Webhook requests by path, and a way to await the first one a predicate accepts. */
async function startReceiver(): Promise<{ url: string; hooks: Hook[]; waitFor(what: string, match: (hook: Hook) => boolean): Promise<Hook> }> {
  const hooks: Hook[] = [];
  const waiters = new Set<() => void>();
  const url = await listen((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { notifications: HookEntry[] };
      hooks.push({ path: request.url ?? '', receivedAt: new Date(), notifications: body.notifications });
      response.end('{}');
      for (const wake of waiters) wake();
    });
  });
  return {
    url,
    hooks,
    waitFor: (what, match) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no webhook request ${what} within 15 s; got ${JSON.stringify(hooks)}`));
        }, 15_000);
        const check = () => {
          const found = hooks.find(match);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Resolves with the first mail `match` accepts, once it has arrived. */
async function mailWhere(smtp: TestSmtpServer, match: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
  for (let count = 1; ; count++) {
    const mails = await smtp.waitForMails(count, 15_000);
    const found = mails.find(match);
    if (found !== undefined) return found;
  }
}

const entries = (hooks: readonly Hook[], path: string): HookEntry[] => hooks.filter((hook) => hook.path === path).flatMap((hook) => hook.notifications);
const isTo = (address: string) => (mail: ReceivedMail) => mail.envelope.to.length === 1 && mail.envelope.to[0] === address;
const textOf = (mail: ReceivedMail): string => (mail.parsed.text ?? '').replace(/\s+/g, ' ');

describe('escalation to a webhook and by mail, from the daemon', () => {
  it('escalates once within 2 s of after, to the step’s webhook and address only; survives kill -9; an acknowledgement stops it', async () => {
    const failing = { home: false, hoso: false };
    const target = await listen((request, response) => {
      const down = request.url === '/hoso' ? failing.hoso : failing.home;
      response.writeHead(down ? 503 : 200);
      response.end(down ? 'down' : 'Dịch vụ công');
    });
    const receiver = await startReceiver();
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const dir = mkdtempSync(join(tmpdir(), 'dvc-escalation-webhook-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'sentinel.yaml');
    writeFileSync(
      config,
      [
        'server: { listen: "127.0.0.1:0" }',
        `storage: { path: "${join(dir, 'state', 'sentinel.db')}" }`,
        'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
        'access:',
        `  tokens: [{ name: ioc-script, role: operator, tokenHash: "${await hashSecret(TOKEN, 16384)}" }]`,
        'alerting:',
        '  groupWait: 300ms',
        '  flapping: { recoveryHold: 0s }',
        '  groupInterval: 400ms',
        '  repeatInterval: 1h',
        '  email:',
        `    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 2s }`,
        '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
        `    to: ["${TRUCBAN}"]`,
        '    retry: { first: 200ms, max: 1s }',
        '  webhooks:',
        `    - { name: ioc, url: "${receiver.url}/ioc", timeout: 2s }`,
        `    - { name: tichhop, url: "${receiver.url}/tichhop", timeout: 2s }`,
        '  escalation:',
        '    - after: 2s',
        `      notify: [ioc, "${LANHDAO}"]`,
        // Fires even when acknowledged: its mail proves the ticks went well past the first step.
        '    - after: 4s',
        `      notify: ["${LANHDAO}"]`,
        '      unless: none',
        'checks:',
        `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${target}/home" }`,
        `  - { name: hoso-sync, system: dvc-tinh, kind: http, url: "${target}/hoso" }`,
        '',
      ].join('\n'),
    );
    const start = async (): Promise<{ daemon: CliProcess; url: string }> => {
      const daemon = startCli(['run', '--config', config]);
      cleanups.push(() => {
        if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
      });
      const started = await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started');
      return { daemon, url: String(started.url) };
    };

    // 1. An outage nobody acknowledges.
    const first = await start();
    failing.home = true;
    const firingMail = await mailWhere(smtp, (mail) => isTo(TRUCBAN)(mail) && textOf(mail).includes('dvcqg-home'));
    const firingHook = await receiver.waitFor(
      'firing on tichhop',
      (hook) => hook.path === '/tichhop' && hook.notifications.some((each) => each.type === 'firing'),
    );
    const firing = firingHook.notifications.find((each) => each.type === 'firing')!;
    expect(firing.check).toBe('dvcqg-home');
    const incidentA = firing.incidentId!;

    const escalationHook = await receiver.waitFor('on ioc', (hook) => hook.path === '/ioc');
    expect(escalationHook.notifications).toHaveLength(1);
    const escalation = escalationHook.notifications[0]!;
    expect(escalation).toMatchObject({ type: 'reminder', check: 'dvcqg-home', incidentId: incidentA, escalation: { afterSeconds: 2 } });
    // Fired within 2 s of `after` (the daemon's stamps), and on the receiver soon after.
    const firedAfterMs = Date.parse(escalation.at) - Date.parse(firing.at);
    expect(firedAfterMs).toBeGreaterThanOrEqual(2000);
    expect(firedAfterMs).toBeLessThanOrEqual(4000);
    expect(escalationHook.receivedAt.getTime() - Date.parse(firing.at)).toBeLessThanOrEqual(4500);

    const escalationMail = await mailWhere(smtp, isTo(LANHDAO));
    expect(textOf(escalationMail)).toContain('Sau 2 giây sự cố chưa được tiếp nhận xử lý');
    expect(textOf(escalationMail)).toContain('dvcqg-home');
    const anchor = `<incident.${incidentA}@angiang.gov.vn>`;
    expect(escalationMail.parsed.inReplyTo).toBe(anchor);
    expect(firingMail.parsed.references).toContain(anchor);

    // 2. kill -9 once both are delivered (a kill before the mark would allow the one frozen resend).
    await first.daemon.waitForLog((line) => line.msg === 'webhook request delivered' && line.channel === 'ioc');
    await first.daemon.waitForLog((line) => line.msg === 'mail delivered' && JSON.stringify(line.to) === JSON.stringify([LANHDAO]));
    first.daemon.child.kill('SIGKILL');
    await first.daemon.exited;
    const second = await start();

    // 3. A second outage, acknowledged through the API before its step.
    failing.hoso = true;
    const hosoFiring = await receiver.waitFor('firing of hoso-sync', (hook) =>
      hook.notifications.some((each) => each.type === 'firing' && each.check === 'hoso-sync'),
    );
    const incidentB = hosoFiring.notifications.find((each) => each.check === 'hoso-sync')!.incidentId!;
    const acknowledged = await fetch(`${second.url}/api/incidents/${encodeURIComponent(incidentB)}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(acknowledged.status).toBe(200);
    expect(((await acknowledged.json()) as { acknowledgedAt?: string }).acknowledgedAt).toEqual(expect.any(String));

    // Its `unless: none` step at 4 s: the same ticks evaluated (and skipped) its 2 s step.
    await mailWhere(smtp, (mail) => isTo(LANHDAO)(mail) && textOf(mail).includes('hoso-sync') && textOf(mail).includes('Sau 4 giây'));
    failing.home = false;
    failing.hoso = false;
    for (const check of ['dvcqg-home', 'hoso-sync']) {
      await receiver.waitFor(
        `resolving ${check}`,
        (hook) => hook.path === '/tichhop' && hook.notifications.some((each) => each.type === 'resolved' && each.check === check),
      );
    }

    // ioc: the one escalation, never a firing, nothing after the restart.
    expect(receiver.hooks.filter((hook) => hook.path === '/ioc')).toEqual([escalationHook]);
    // tichhop: every ordinary notification and the acknowledgement (what the desk did follows the
    // incident to a ticketing webhook), never an escalation.
    const ordinary = entries(receiver.hooks, '/tichhop');
    expect(ordinary.map((each) => `${each.type}:${each.check}`).sort()).toEqual([
      'desk:hoso-sync',
      'firing:dvcqg-home',
      'firing:hoso-sync',
      'resolved:dvcqg-home',
      'resolved:hoso-sync',
    ]);
    expect(ordinary.filter((each) => each.escalation !== undefined)).toEqual([]);
    // The leader: step 2 s of the first outage once (not again after the kill), its 4 s step (due
    // while the daemon was down, sent once when back), the second outage's 4 s step only.
    const leader = smtp.mails.filter(isTo(LANHDAO)).map((mail) => {
      const text = textOf(mail);
      return `${/Sau (\d+) giây/.exec(text)?.[1] ?? '?'}:${text.includes('hoso-sync') ? 'hoso-sync' : 'dvcqg-home'}`;
    });
    expect(leader.sort()).toEqual(['2:dvcqg-home', '4:dvcqg-home', '4:hoso-sync']);
    // The duty shift's own mail never carries an escalation.
    expect(smtp.mails.filter((mail) => !isTo(LANHDAO)(mail)).every((mail) => mail.envelope.to.join() === TRUCBAN)).toBe(true);
    expect(smtp.mails.filter(isTo(TRUCBAN)).some((mail) => /Sau \d+ giây sự cố/.test(textOf(mail)))).toBe(false);
  }, 30_000);
});
