// Probe messages reach people in their own language. A real HTTP 503 and a real refused connection
// on 127.0.0.1 go through the pipeline a daemon runs (probe → check state → incident book → the
// store → the outbox), then out through every surface: the mail and the status page in Vietnamese
// by default and in English when asked, `once` as a table in the config's locale and as --json
// with the code and its parameters. Logs and the English `message` stay English.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/alerting/messages/render-email.ts';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { runCheck } from '../../src/checks/run-check.ts';
import { onceCommand } from '../../src/commands/once.ts';
import { resolveConfig, type Config } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { renderStatusPage } from '../../src/server/status-page.ts';
import type { Incident } from '../../src/state/incident.ts';
import { buildStatusSnapshot } from '../../src/state/status-snapshot.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { describeProbeMessage } from '../../src/text/probe-message.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { startHttpServer, type RunningServer } from '../support/http-servers.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const NOW = new Date('2026-05-29T15:10:05Z');
const silent = pino({ level: 'silent' });

let portal: RunningServer;
let refusedPort: number;
const scratch = mkdtempSync(join(tmpdir(), 'sentinel-words-'));

/** A port nothing listens on: bound once, then closed, so a connect is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  portal = await startHttpServer((_request, response) => {
    response.writeHead(503, { 'content-type': 'text/plain' });
    response.end('Service Unavailable');
  });
  refusedPort = await closedPort();
});
afterAll(async () => {
  await portal.close();
  rmSync(scratch, { recursive: true, force: true });
});

function configText(): string {
  return [
    'checks:',
    `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${portal.url}/", failureThreshold: 1, timeout: 3s }`,
    `  - { name: igate-tcp, system: provincial, kind: tcp, host: 127.0.0.1, port: ${refusedPort}, failureThreshold: 1, timeout: 3s }`,
    '',
  ].join('\n');
}

function configOf(): Config {
  return resolveConfig(
    'words.yaml',
    ConfigInput.parse({
      checks: [
        { name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: `${portal.url}/`, failureThreshold: 1, timeout: '3s' },
        { name: 'igate-tcp', system: 'provincial', kind: 'tcp', host: '127.0.0.1', port: refusedPort, failureThreshold: 1, timeout: '3s' },
      ],
    }),
    () => '',
  );
}

const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Both checks probed for real, decided and stored as the daemon does; the mails read back from the outbox. */
async function throughThePipeline() {
  const config = configOf();
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  const { log } = createCapturedLog();
  const store = openStore(dir.path(), { log });
  stores.push(store);
  const book = createIncidentBook({ store, alerting: makeAlerting({ groupWaitSeconds: 0 }), checks: config.checks, log });
  const results = [];
  for (const check of config.checks) {
    results.push(
      await runCheck(check, {
        clock: () => NOW,
        log: silent,
        states: book.states,
        decide: (...args) => book.decide(...args),
        record: (...args) => book.record(...args),
      }),
    );
  }
  book.tick(new Date(NOW.getTime() + 1000));
  const notifications = store.outbox.pending('email').map((row) => row.notification);
  const snapshot = { ...buildStatusSnapshot(config, book.states, { version: 'test', startedAt: NOW, now: NOW }), incidents: book.openIncidents() };
  return { results, notifications, snapshot };
}

describe('a probe result carries its message as a code and parameters', () => {
  it('an HTTP 503 and a refused connection, with English text for the logs', async () => {
    const { results } = await throughThePipeline();
    const [http, tcp] = results;
    expect(http?.message).toBe(`HTTP 503 from ${portal.url.replace('http://', '')}`);
    expect(http?.detail).toEqual({ code: 'http_status', params: { status: 503, host: `127.0.0.1:${portal.port}` } });
    expect(tcp?.message).toBe(`connection refused by 127.0.0.1:${refusedPort}`);
    expect(tcp?.detail).toEqual({ code: 'connect_failed', params: { endpoint: `127.0.0.1:${refusedPort}`, code: 'ECONNREFUSED' } });
  });
});

describe('the mail words the stored incident in its locale', () => {
  it('Vietnamese by default, English when asked', async () => {
    const { notifications } = await throughThePipeline();
    expect(notifications.map((notification) => notification.incident?.check).sort()).toEqual(['dvcqg-home', 'igate-tcp']);
    const vi = renderEmail(notifications, { locale: 'vi', links: {}, now: NOW });
    for (const part of [vi.text, vi.html]) {
      expect(part).toContain(`127.0.0.1:${portal.port} trả về mã lỗi HTTP 503`);
      expect(part).toContain(`127.0.0.1:${refusedPort} từ chối kết nối`);
      expect(part).not.toContain('HTTP 503 from');
      expect(part).not.toContain('connection refused by');
    }
    const en = renderEmail(notifications, { locale: 'en', links: {}, now: NOW });
    expect(en.text).toContain(`HTTP 503 from 127.0.0.1:${portal.port}`);
    expect(en.text).toContain(`connection refused by 127.0.0.1:${refusedPort}`);
    expect(en.text).not.toContain('từ chối kết nối');
  });
});

describe('the status page words the last results and open incidents in its locale', () => {
  it('Vietnamese by default, English when asked', async () => {
    const { snapshot } = await throughThePipeline();
    const vi = renderStatusPage(snapshot);
    expect(vi).toContain(`127.0.0.1:${portal.port} trả về mã lỗi HTTP 503`);
    expect(vi).toContain(`127.0.0.1:${refusedPort} từ chối kết nối`);
    expect(vi).not.toContain('HTTP 503 from');
    expect(vi).not.toContain('connection refused by');
    const en = renderStatusPage(snapshot, 'en');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(`HTTP 503 from 127.0.0.1:${portal.port}`);
    expect(en).toContain(`connection refused by 127.0.0.1:${refusedPort}`);
    expect(en).not.toContain('từ chối kết nối');
    expect(en).not.toContain('Bình thường');
  });

  it('escapes parameters that came from the endpoint', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const page = renderStatusPage({
      version: 'test',
      startedAt: NOW.toISOString(),
      generatedAt: NOW.toISOString(),
      summary: { ok: 0, warning: 0, critical: 1, unknown: 0 },
      checks: [
        {
          name: 'api',
          system: 'sync',
          kind: 'http',
          target: 'GET https://api.example',
          status: 'critical',
          since: NOW.toISOString(),
          consecutiveFailures: 1,
          intervalSeconds: 60,
          last: {
            at: NOW.toISOString(),
            status: 'critical',
            reason: 'assertion',
            message: 'english',
            detail: { code: 'json_differs', params: { host: 'api.example', path: '$.status', value: hostile, expected: '"ok"' } },
            durationSeconds: 0.1,
            phases: {},
          },
        },
      ],
    });
    expect(page).not.toContain(hostile);
    expect(page).toContain('$.status trong JSON từ api.example là &lt;img src=x onerror=alert(1)&gt;, mong đợi &quot;ok&quot;');
  });
});

describe('once', () => {
  async function once(json: boolean, locale?: 'en') {
    const file = join(scratch, `once-${json}-${locale ?? 'vi'}.yaml`);
    writeFileSync(file, `${configText()}${locale === undefined ? '' : `alerting:\n  locale: ${locale}\n`}`);
    const stdout: string[] = [];
    const code = await onceCommand({ config: file, json }, { stdout: (line) => stdout.push(line), stderr: () => {} }, silent);
    return { code, stdout: stdout.join('\n') };
  }

  it('--json carries each message code and its parameters next to the English text', async () => {
    const { code, stdout } = await once(true);
    expect(code).toBe(1);
    const rows = JSON.parse(stdout) as { check: string; message: string; code: string | null; params: unknown }[];
    expect(rows.find((row) => row.check === 'dvcqg-home')).toMatchObject({
      message: `HTTP 503 from 127.0.0.1:${portal.port}`,
      code: 'http_status',
      params: { status: 503, host: `127.0.0.1:${portal.port}` },
    });
    expect(rows.find((row) => row.check === 'igate-tcp')).toMatchObject({
      message: `connection refused by 127.0.0.1:${refusedPort}`,
      code: 'connect_failed',
      params: { endpoint: `127.0.0.1:${refusedPort}`, code: 'ECONNREFUSED' },
    });
  });

  it('the table words messages in the config locale, Vietnamese by default', async () => {
    const vi = await once(false);
    expect(vi.stdout).toContain(`127.0.0.1:${portal.port} trả về mã lỗi HTTP 503`);
    expect(vi.stdout).toContain(`127.0.0.1:${refusedPort} từ chối kết nối`);
    const en = await once(false, 'en');
    expect(en.stdout).toContain(`HTTP 503 from 127.0.0.1:${portal.port}`);
    expect(en.stdout).toContain(`connection refused by 127.0.0.1:${refusedPort}`);
  });

  it('words the table headings, statuses and totals in the config locale too', async () => {
    const vi = (await once(false)).stdout.split('\n');
    expect(vi[0]).toMatch(/^KIỂM TRA\s+HỆ THỐNG\s+LOẠI\s+TÌNH TRẠNG\s+ĐỘ TRỄ\s+ĐỒNG BỘ\s+CÁC BƯỚC\s+LÝ DO\s+DIỄN GIẢI$/);
    expect(vi.find((line) => line.startsWith('dvcqg-home'))).toMatch(/national-portal\s+http\s+SỰ CỐ\s/);
    expect(vi.at(-1)).toBe('2 kiểm tra: 0 bình thường, 0 cảnh báo, 2 sự cố');
    const en = (await once(false, 'en')).stdout.split('\n');
    expect(en[0]).toMatch(/^CHECK\s+SYSTEM\s+KIND\s+STATUS\s+LATENCY\s+SYNC LAG\s+PHASES\s+REASON\s+MESSAGE$/);
    expect(en.at(-1)).toBe('2 checks: 0 ok, 0 warning, 2 critical');
  });
});

describe('describeProbeMessage', () => {
  it('keeps the stored English text of an incident saved before messages had codes', () => {
    const stored: Pick<Incident, 'lastMessage' | 'lastDetail'> = { lastMessage: 'HTTP 503 from dichvucong.gov.vn' };
    expect(describeProbeMessage(stored.lastDetail, stored.lastMessage, 'vi')).toBe('HTTP 503 from dichvucong.gov.vn');
  });

  it('keeps the text of a code this version does not know', () => {
    const future = { code: 'quantum_flux', params: {} } as unknown as Parameters<typeof describeProbeMessage>[0];
    expect(describeProbeMessage(future, 'flux capacitor failed', 'vi')).toBe('flux capacitor failed');
  });

  it('words the monitor’s own fault as such', () => {
    expect(describeProbeMessage({ code: 'internal', params: {} }, 'internal error: x is undefined', 'vi')).toContain('lỗi của chính hệ thống giám sát');
  });
});
