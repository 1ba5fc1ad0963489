// The daemon while its store refuses writes (a full disk): a real local target failing, a real SMTP
// server, the daemon in process. The outage must still be decided (check critical, incident on the
// page and /api/status), mailed once ("not yet saved" in the log), and said (/healthz 503 with the
// reason, dvc_store_write_errors_total); once the store takes writes again, everything decided
// meanwhile is in it (the incident, the delivered outbox rows with the very Message-IDs mailed), and
// no mail goes twice. The outage ending during a refusal still gets its resolved mail, once.
//
// Two ways to refuse: the real store's transaction made to fail with SQLITE_FULL on demand (runs
// everywhere), and, when running as root, a real full disk: the store on a small tmpfs filled up.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../src/daemon.ts';
import type { Store } from '../src/store/store.ts';
import { captureLog } from './support/alerting-fixtures.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer, dutyMailYaml } from './support/smtp-server.ts';
import { waitFor } from './support/wait-for.ts';
import { startStatusTarget, type StatusTarget } from './support/status-target.ts';

const statusOf = new Map<string, number>();
let target: StatusTarget;
let targetUrl: string;
const dirs: string[] = [];

beforeAll(async () => {
  target = await startStatusTarget(statusOf);
  targetUrl = target.url;
});

afterAll(() => target.close());

afterEach(() => {
  statusOf.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeConfig(dir: string, storePath: string, smtpPort: number): string {
  const file = join(dir, 'monitor.yaml');
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${storePath}" }`,
      'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      '  groupWait: 100ms',
      '  groupInterval: 200ms',
      '  flapping: { recoveryHold: 0s }',
      ...dutyMailYaml(smtpPort),
      'checks:',
      `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${targetUrl}/home" }`,
      '',
    ].join('\n'),
  );
  return file;
}

interface ApiStatus {
  readonly checks: readonly { readonly name: string; readonly status: string }[];
  readonly incidents?: readonly { readonly check: string; readonly resolvedAt?: string }[];
  readonly storeWrites?: { readonly error: string; readonly unsaved: number };
}

const apiStatus = async (daemon: Daemon): Promise<ApiStatus> => (await (await fetch(`${daemon.url}/api/status`)).json()) as ApiStatus;
const health = async (daemon: Daemon) => {
  const response = await fetch(`${daemon.url}/healthz`);
  return { status: response.status, body: (await response.json()) as { status: string; reasons?: string[] } };
};
const writeErrors = async (daemon: Daemon): Promise<number> => {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  return Number(/^dvc_store_write_errors_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
};
const probesMade = async (daemon: Daemon): Promise<number> => {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  return Number(/^dvc_probe_duration_seconds_count\{[^}]*check="dvcqg-home"[^}]*\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
};
/** Waits for `count` more probes of the check: time for a wrong second mail to show. */
async function probesLater(daemon: Daemon, count: number): Promise<void> {
  const start = await probesMade(daemon);
  await waitFor(
    `${count} more probes`,
    () => probesMade(daemon),
    (made) => made >= start + count,
    15_000,
    100,
  );
}

/** What the store file holds, read on a connection of its own. */
function storedRecords(storePath: string) {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    return {
      incidents: db.prepare('SELECT id, resolved_at FROM incidents ORDER BY opened_at').all() as { id: string; resolved_at: number | null }[],
      outbox: db.prepare("SELECT type, delivered_at FROM outbox WHERE channel = 'email' ORDER BY id").all() as { type: string; delivered_at: number | null }[],
      deliveries: db.prepare("SELECT message_id, delivered_at FROM deliveries WHERE channel = 'email' ORDER BY id").all() as {
        message_id: string;
        delivered_at: number | null;
      }[],
    };
  } finally {
    db.close();
  }
}

const messageIdOf = (mail: ReceivedMail): string => mail.parsed.messageId ?? '';

/**
 * The story both refusals tell: an outage opened and mailed while refused, written when the store
 * takes writes again; then an outage's end while refused, mailed and written the same way.
 */
async function storyOfARefusal(options: {
  readonly daemon: Daemon;
  readonly smtp: TestSmtpServer;
  readonly storePath: string;
  readonly log: ReturnType<typeof captureLog>;
  readonly refuse: () => Promise<void> | void;
  readonly accept: () => Promise<void> | void;
  readonly reasonPattern: RegExp;
}): Promise<void> {
  const { daemon, smtp, storePath, log } = options;
  await waitFor(
    'the check healthy',
    () => apiStatus(daemon),
    (body) => body.checks[0]?.status === 'ok',
    15_000,
    100,
  );
  expect((await health(daemon)).status).toBe(200);

  // 1. The store refuses; the portal goes down: decided in memory, shown, mailed once.
  await options.refuse();
  statusOf.set('/home', 503);
  const down = await waitFor(
    'the incident on /api/status',
    () => apiStatus(daemon),
    (body) => (body.incidents ?? []).length === 1,
    15_000,
    100,
  );
  expect(down.checks[0]!.status).toBe('critical');
  expect(down.storeWrites?.error).toMatch(options.reasonPattern);
  const page = await (await fetch(`${daemon.url}/`)).text();
  expect(page).toContain('class="incidents"');
  expect(page).toContain('Không ghi được kho dữ liệu từ');
  const [firing] = await smtp.waitForMails(1, 15_000);
  expect(firing!.parsed.subject).toContain('dvcqg-home');
  const unhealthy = await health(daemon);
  expect(unhealthy.status).toBe(503);
  expect(unhealthy.body.reasons?.join('\n')).toMatch(/store refuses writes since .*changes kept in memory/);
  expect(unhealthy.body.reasons?.join('\n')).toMatch(options.reasonPattern);
  expect(await writeErrors(daemon)).toBeGreaterThan(0);
  // The server has the mail before the daemon has read its answer and logged the delivery.
  await waitFor(
    'the delivery logged as not yet saved',
    () => Promise.resolve(log.lines()),
    (lines) => lines.some((line) => line.msg === 'mail delivered (not yet saved)' && line.saved === false),
    15_000,
    50,
  );
  // Nothing of it is in the file yet: the picture above came from memory.
  expect(storedRecords(storePath).incidents).toEqual([]);

  // 2. The store takes writes again while the portal is still down: written once, not mailed again.
  await options.accept();
  await waitFor(
    '/healthz 200',
    () => health(daemon),
    (answer) => answer.status === 200,
    20_000,
    100,
  );
  const afterFiring = storedRecords(storePath);
  expect(afterFiring.incidents).toHaveLength(1);
  expect(afterFiring.incidents[0]!.resolved_at).toBeNull();
  expect(afterFiring.outbox.map((row) => [row.type, row.delivered_at !== null])).toEqual([['firing', true]]);
  expect(afterFiring.deliveries.map((row) => [row.message_id, row.delivered_at !== null])).toEqual([[messageIdOf(firing!), true]]);
  await probesLater(daemon, 5);
  expect(smtp.mails).toHaveLength(1);

  // 3. Refused again; the portal comes back: the resolved mail goes once, and is written afterwards.
  const errorsBefore = await writeErrors(daemon);
  await options.refuse();
  statusOf.set('/home', 200);
  const [, resolved] = await smtp.waitForMails(2, 15_000);
  expect(resolved!.parsed.subject).toContain('dvcqg-home');
  expect(resolved!.parsed.headers.get('in-reply-to')).toBeDefined();
  const up = await apiStatus(daemon);
  expect(up.checks[0]!.status).toBe('ok');
  expect(up.incidents).toEqual([]);
  expect((await health(daemon)).status).toBe(503);
  expect(await writeErrors(daemon)).toBeGreaterThan(errorsBefore);
  await options.accept();
  await waitFor(
    '/healthz 200 again',
    () => health(daemon),
    (answer) => answer.status === 200,
    20_000,
    100,
  );
  const afterResolved = storedRecords(storePath);
  expect(afterResolved.incidents).toHaveLength(1);
  expect(afterResolved.incidents[0]!.resolved_at).not.toBeNull();
  expect(afterResolved.outbox.map((row) => [row.type, row.delivered_at !== null])).toEqual([
    ['firing', true],
    ['resolved', true],
  ]);
  expect(afterResolved.deliveries.map((row) => row.message_id)).toEqual([messageIdOf(firing!), messageIdOf(resolved!)]);
  await probesLater(daemon, 5);
  expect(smtp.mails).toHaveLength(2);
}

describe('the daemon while its store refuses writes', () => {
  it('decides, shows and mails an outage in memory, and writes it once the store accepts (SQLITE_FULL on demand)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvc-store-full-'));
    dirs.push(dir);
    const storePath = join(dir, 'sentinel.db');
    const smtp = await startSmtpServer();
    const log = captureLog('info');
    let refusing = false;
    const daemon = await startDaemon({
      configFile: writeConfig(dir, storePath, smtp.port),
      log: log.log,
      env: {},
      // The real transaction runs and is then rolled back by the error SQLite gives on a full disk.
      onStoreOpened: (store: Store) => {
        const transaction = store.transaction.bind(store);
        store.transaction = <T>(fn: () => T): T =>
          transaction(() => {
            const result = fn();
            if (refusing) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
            return result;
          });
      },
    });
    try {
      await storyOfARefusal({
        daemon,
        smtp,
        storePath,
        log,
        refuse: () => void (refusing = true),
        accept: () => void (refusing = false),
        reasonPattern: /SQLITE_FULL: database or disk is full/,
      });
    } finally {
      await daemon.stop();
      await smtp.close();
    }
  }, 90_000);

  const root = process.getuid?.() === 0;
  if (!root) console.log('skipped: the full-disk test mounts a tmpfs, which needs root');
  it.skipIf(!root)(
    'does the same when the disk under the store is really full (a small tmpfs, filled up)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dvc-store-tmpfs-'));
      dirs.push(dir);
      const mount = join(dir, 'disk');
      mkdirSync(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
      const storePath = join(mount, 'sentinel.db');
      const filler = join(mount, 'filler');
      const smtp = await startSmtpServer();
      const log = captureLog('info');
      let daemon: Daemon | undefined;
      try {
        daemon = await startDaemon({ configFile: writeConfig(dir, storePath, smtp.port), log: log.log, env: {} });
        await storyOfARefusal({
          daemon,
          smtp,
          storePath,
          log,
          // Every free byte taken: the next page SQLite needs gets ENOSPC, which it reports as SQLITE_FULL.
          refuse: () => {
            try {
              execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
            } catch {
              // dd ends with "No space left on device": that is the point.
            }
          },
          accept: () => rmSync(filler, { force: true }),
          reasonPattern: /SQLITE_FULL|disk is full/,
        });
      } finally {
        await daemon?.stop();
        await smtp.close();
        execFileSync('umount', ['-l', mount]);
      }
    },
    90_000,
  );
});
