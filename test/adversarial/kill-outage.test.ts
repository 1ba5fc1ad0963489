// kill -9 at random moments across two outages: the real daemon (compiled, as it ships) with a
// real SMTP server, killed ten times; each kill's moment comes from a seeded generator (the seed
// is printed; DVC_ADVERSARIAL_SEED replays a run). Whatever the moments: exactly one "opened" and
// one "resolved" mail per incident (a mail re-sent after a kill between the server's acceptance
// and the daemon's mark keeps its Message-ID, so it is the same mail), the resolved one in the
// opened one's thread, and PRAGMA integrity_check clean after every kill.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../support/cli-process.ts';
import { createSeededRandom } from '../support/seeded-random.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer, dutyMailYaml } from '../support/smtp-server.ts';
import { compiledCli, reportFigures } from './figures.ts';

const KILLS = 10;
const seed = Number(process.env.DVC_ADVERSARIAL_SEED ?? Math.floor(Math.random() * 2 ** 31));
let down = false;
let target: Server;
let targetUrl: string;
let smtp: TestSmtpServer;
let dir: string;
const running: CliProcess[] = [];

beforeAll(async () => {
  target = createServer((_request, response) => {
    response.writeHead(down ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(down ? 'bảo trì' : 'Dịch vụ công');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  smtp = await startSmtpServer();
  dir = mkdtempSync(join(tmpdir(), 'dvc-kill-'));
});

afterAll(async () => {
  for (const daemon of running) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(): { config: string; store: string } {
  const config = join(dir, 'sentinel.yaml');
  const store = join(dir, 'sentinel.db');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${store}" }`,
      'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      '  groupWait: 300ms',
      '  groupInterval: 400ms',
      '  flapping: { recoveryHold: 0s }',
      ...dutyMailYaml(smtp.port),
      'checks:',
      `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${targetUrl}/home" }`,
      '',
    ].join('\n'),
  );
  return { config, store };
}

async function startDaemon(config: string): Promise<CliProcess> {
  const daemon = startCli(['run', '--config', config], {}, compiledCli());
  running.push(daemon);
  await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 60_000);
  return daemon;
}

function integrityOf(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const isFiring = (mail: ReceivedMail): boolean => /^\[SỰ CỐ\]/.test(mail.parsed.subject ?? '');
const isResolved = (mail: ReceivedMail): boolean => /ĐÃ KHẮC PHỤC/.test(mail.parsed.subject ?? '');

async function waitForResolved(count: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (smtp.mails.filter(isResolved).length < count) {
    if (performance.now() > deadline)
      throw new Error(`fewer than ${count} resolved mails; subjects: ${smtp.mails.map((mail) => mail.parsed.subject).join(' | ')}`);
    await sleep(100);
  }
}

it(`keeps one opened and one resolved mail per incident through ${KILLS} kills at random moments (seed ${seed})`, async () => {
  console.log(`kill-outage: seed ${seed} (DVC_ADVERSARIAL_SEED=${seed} replays it)`);
  const random = createSeededRandom(seed);
  const { config, store } = writeConfig();
  const moments: number[] = [];
  const integrity: string[] = [];
  let daemon = await startDaemon(config);
  for (let kill = 0; kill < KILLS; kill++) {
    // Two outages of five kills each: one begins as the first (and the sixth) daemon starts, and
    // ends at a random moment before the fifth (and the tenth) kill.
    if (kill === 5) await waitForResolved(1, 30_000);
    if (kill === 0 || kill === 5) down = true;
    const killAt = 100 + Math.floor(random() * 2400);
    if (kill === 4 || kill === 9) {
      const recoverAt = Math.floor(random() * killAt);
      await sleep(recoverAt);
      down = false;
      await sleep(killAt - recoverAt);
    } else {
      await sleep(killAt);
    }
    moments.push(killAt);
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    integrity.push(integrityOf(store));
    daemon = await startDaemon(config);
  }
  await waitForResolved(2, 30_000);
  // Nothing more follows: a quiet stretch with the target healthy.
  for (let seen = smtp.mails.length; ; seen = smtp.mails.length) {
    await sleep(2000);
    if (smtp.mails.length === seen) break;
  }
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  integrity.push(integrityOf(store));

  const distinct = (mails: ReceivedMail[]): string[] => [...new Set(mails.map((mail) => mail.parsed.messageId ?? ''))];
  const firing = distinct(smtp.mails.filter(isFiring));
  const resolved = smtp.mails.filter(isResolved);
  const others = smtp.mails.filter((mail) => !isFiring(mail) && !isResolved(mail));
  const resent = smtp.mails.length - firing.length - distinct(resolved).length - others.length;
  reportFigures(
    'kill-outage',
    `seed ${seed}, ${KILLS} kills at ${moments.join('/')} ms after start, 2 incidents, ${firing.length} opened + ${distinct(resolved).length} resolved mails ` +
      `(${resent} re-sent with the same Message-ID, ${others.length} other), integrity_check ${integrity.every((result) => result === 'ok') ? 'ok' : 'FAILED'} ×${integrity.length}`,
  );

  expect(integrity.every((result) => result === 'ok')).toBe(true);
  expect(others.map((mail) => mail.parsed.subject)).toEqual([]);
  expect(firing).toHaveLength(2);
  expect(distinct(resolved)).toHaveLength(2);
  // Both mails of an incident share its thread (`<incident.{id}@…>` in References): one of each per incident.
  const threadOf = (mail: ReceivedMail): string => [mail.parsed.references ?? []].flat().find((id) => id.startsWith('<incident.')) ?? 'none';
  const threads = (mails: ReceivedMail[]): string[] => [...new Set(mails.map(threadOf))].sort();
  expect(threads(smtp.mails.filter(isFiring))).toHaveLength(2);
  expect(threads(resolved)).toEqual(threads(smtp.mails.filter(isFiring)));
});
