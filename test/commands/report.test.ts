import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand, type ReportOptions } from '../../src/commands/report.ts';
import { openDatabaseReadOnly, StoreError } from '../../src/store/database.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { startCli } from '../support/cli-process.ts';
import { createCapturedLog, createTempDatabaseDir } from '../support/temp-database.ts';
import { at, outage } from '../report/report-fixtures.ts';
import { makeNotification } from '../support/alerting-fixtures.ts';
import { addToSketch } from '../../src/state/latency-sketch.ts';
import { startMinute } from '../../src/state/minute-figures.ts';

// A store the "daemon" (this test) holds open and locked, with a day of incidents, and a config
// pointing at it. The command must read it beside the lock.
const temp = createTempDatabaseDir();
const configFile = temp.path('monitor.yaml');
let store: Store;

beforeAll(() => {
  writeFileSync(
    configFile,
    `storage: { path: ${JSON.stringify(temp.path())} }
reports:
  - name: daily
    schedule: "30 15 * * *"
    to: [pc06@angiang.gov.vn]
    unit: "Sở Khoa học và Công nghệ tỉnh An Giang"
    signer: "Nguyễn Văn A"
  - { name: weekly, schedule: "0 8 * * 1", window: week, to: [pc06@angiang.gov.vn], unit: "Sở KH&CN", locale: en }
checks:
  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:9/" }
  - { name: tthc-home, system: provincial, kind: http, url: "http://127.0.0.1:9/tthc" }
`,
  );
  store = openStore(temp.path(), { log: createCapturedLog().log });
  const overMidnight = outage('dvcqg-home', '2026-12-01T23:50:00+07:00', '2026-12-02T00:20:30+07:00', { system: 'national-portal' });
  store.incidents.upsert(overMidnight);
  // Its firing and resolved mails were delivered; a third one (a reminder) still waits.
  const rows = (['firing', 'resolved', 'reminder'] as const).map((type) =>
    store.outbox.enqueue('email', makeNotification(type, { incident: overMidnight, createdAt: overMidnight.openedAt }), 'trucban@angiang.gov.vn'),
  );
  for (const [index, rowId] of rows.slice(0, 2).entries()) {
    const delivery = store.outbox.createDelivery({
      channel: 'email',
      route: 'trucban@angiang.gov.vn',
      rowIds: [rowId],
      messageId: `<m${index}@test>`,
      content: {},
      now: overMidnight.openedAt,
    });
    store.outbox.markDelivered(delivery.id, overMidnight.openedAt);
  }
  store.incidents.upsert(outage('tthc-home', '2026-12-02T15:00:00+07:00', undefined, { system: 'provincial', firstReason: 'http_status' }));
  store.incidents.upsert(
    outage('tthc-home', '2026-12-02T09:00:00+07:00', '2026-12-02T09:10:00+07:00', { system: 'provincial', firstReason: 'internal', lastReason: 'internal' }),
  );
  // The daemon watched both checks, one probe a minute, from 1 December to the morning of the 3rd (Vietnam time).
  const minutes = [];
  for (let ms = at('2026-12-01T00:00:00+07:00').getTime(); ms < at('2026-12-03T09:00:00+07:00').getTime(); ms += 60_000) {
    for (const check of ['dvcqg-home', 'tthc-home']) {
      const minute = startMinute(check, ms);
      addToSketch(minute.latency, 0.1);
      minute.probes = 1;
      minutes.push(minute);
    }
  }
  store.history.write([], minutes);
  // Long before every window asked below.
  store.incidents.upsert(outage('dvcqg-home', '2026-11-02T10:00:00+07:00', '2026-11-02T11:00:00+07:00', { system: 'national-portal' }));
});

afterAll(() => {
  store.close();
  temp.remove();
});

async function run(options: Omit<ReportOptions, 'config'>, now = at('2026-12-02T15:30:00+07:00')) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await reportCommand(
    { config: configFile, ...options },
    { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) },
    createCapturedLog().log,
    {
      env: {},
      clock: () => now,
    },
  );
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('report', () => {
  it('--date: the local day from the store beside the running daemon, as JSON', async () => {
    const { code, stdout, stderr } = await run({ date: '2026-12-02', format: 'json' }, at('2026-12-03T08:00:00+07:00'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, any>;
    expect(json.name).toBe('daily');
    expect(json.window).toEqual({ from: '2026-12-01T17:00:00.000Z', to: '2026-12-02T17:00:00.000Z' });
    expect(json.checks.map((check: Record<string, unknown>) => [check.name, check.downSeconds, check.notObservedSeconds, check.availabilityPercent])).toEqual([
      ['dvcqg-home', 1230, 0, 98.5764],
      // Down from 15:00 to midnight; the internal failure 09:00–09:10 is not observed, not down.
      ['tthc-home', 32_400, 600, 62.2378],
    ]);
    expect(json.incidents.map((incident: Record<string, unknown>) => [incident.check, incident.reason, incident.endedAt, incident.notificationsSent])).toEqual([
      ['dvcqg-home', 'timeout', '2026-12-01T17:20:30.000Z', 2],
      ['tthc-home', 'internal', '2026-12-02T02:10:00.000Z', 0],
      ['tthc-home', 'http_status', null, 0],
    ]);
  });

  it('without a window: the daily report as due at its last scheduled time, since the one before', async () => {
    const { code, stdout } = await run({ format: 'json' }, at('2026-12-02T16:00:00+07:00'));
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, any>;
    expect(json.window).toEqual({ from: '2026-12-01T08:30:00.000Z', to: '2026-12-02T08:30:00.000Z' });
    expect(json.verdict).toBe('outage');
    expect(json.systems.find((system: { name: string }) => system.name === 'provincial').downSeconds).toBe(1800);
  });

  it('--from/--to in any offset; --name picks the report and its locale', async () => {
    const { code, stdout } = await run({ name: 'weekly', from: '2026-12-01T16:00:00Z', to: '2026-12-01T18:00:00Z', format: 'text' });
    expect(code).toBe(0);
    expect(stdout).toContain('REPORT');
    expect(stdout).toContain('from 23:00 on 1 Dec 2026 to 01:00 on 2 Dec 2026');
    // 23:50:00 to 00:20:30 of the two hours 23:00–01:00.
    expect(stdout).toMatch(/dvcqg-home +National Public Service Portal +74\.58% +30m /);
  });

  it('csv and html to a file', async () => {
    const csv = temp.path('daily.csv');
    const nextMorning = at('2026-12-03T08:00:00+07:00');
    expect((await run({ date: '2026-12-02', format: 'csv', out: csv }, nextMorning)).code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n')[1]).toBe('national-portal,dvcqg-home,98.58,1230,0,0,1440,0,0.100,0.100,0.100,,,,0');
    const html = temp.path('daily.html');
    expect((await run({ date: '2026-12-02', out: html }, nextMorning)).code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('Sở Khoa học và Công nghệ tỉnh An Giang');
    expect(text).toContain('98,58%');
    const docx = temp.path('daily.docx');
    expect((await run({ date: '2026-12-02', format: 'docx', out: docx }, nextMorning)).code).toBe(0);
    // A .docx is a zip archive; the words inside are checked by test/report/render-docx.test.ts in a real reader.
    expect(readFileSync(docx).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('without reports: in the config, today so far in alerting.locale', async () => {
    const bare = temp.path('bare.yaml');
    writeFileSync(
      bare,
      `storage: { path: ${JSON.stringify(temp.path())} }
alerting: { locale: en }
checks:
  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:9/" }
`,
    );
    const stdout: string[] = [];
    const code = await reportCommand({ config: bare, format: 'json' }, { stdout: (line) => stdout.push(line), stderr: () => {} }, createCapturedLog().log, {
      env: {},
      clock: () => at('2026-12-02T00:20:00+07:00'),
    });
    expect(code).toBe(0);
    const json = JSON.parse(stdout.join('\n')) as Record<string, any>;
    expect(json).toMatchObject({ name: null, locale: 'en', window: { from: '2026-12-01T17:00:00.000Z', to: '2026-12-01T17:20:00.000Z' } });
    expect(json.checks[0]).toMatchObject({ downSeconds: 1200, observedSeconds: 1200, availabilityPercent: 0 });
  });

  it('says what is wrong with the arguments, exit 2', async () => {
    expect(await run({ name: 'monthly' })).toMatchObject({ code: 2, stderr: 'no report named "monthly" in reports:; known: daily, weekly' });
    expect(await run({ date: '2026-13-01' })).toMatchObject({ code: 2, stderr: '--date: "2026-13-01" is not a calendar date (YYYY-MM-DD)' });
    expect((await run({ date: '2026-12-01', from: '2026-12-01T00:00:00Z' })).code).toBe(2);
    expect(await run({ from: '2026-12-01T00:00:00Z' })).toMatchObject({ code: 2, stderr: '--from and --to go together' });
    expect((await run({ from: '2026-12-01', to: '2026-12-02' })).stderr).toContain('ISO-8601 times with an offset');
    expect((await run({ format: 'pdf' })).stderr).toBe('--format must be one of html, text, csv, json, docx');
    expect(await run({ format: 'docx' })).toMatchObject({ code: 2, stderr: '--format docx writes a file: give --out FILE.docx' });
  });

  it('the store is opened read-only: no lock, no writes, and a missing store is said plainly', async () => {
    const db = openDatabaseReadOnly(temp.path());
    expect(db.readonly).toBe(true);
    expect(() => db.prepare('DELETE FROM incidents').run()).toThrow(/readonly/);
    db.close();
    expect(() => openDatabaseReadOnly(temp.path('absent.db'))).toThrow(StoreError);
    expect(existsSync(temp.path('absent.db'))).toBe(false);
  });

  it('the real CLI prints the report while the daemon holds the store, the same whatever the machine time zone', async () => {
    const args = ['report', '--config', configFile, '--date', '2026-12-02', '--format', 'csv'];
    const outputs: string[] = [];
    for (const zone of ['UTC', 'America/Los_Angeles']) {
      const cli = startCli(args, { TZ: zone });
      const { code } = await cli.exited;
      expect(cli.stderr()).toBe('');
      expect(code).toBe(0);
      outputs.push(cli.stdout());
    }
    expect(outputs[0]!.split('\r\n')[1]).toBe('national-portal,dvcqg-home,98.58,1230,0,0,1440,0,0.100,0.100,0.100,,,,0');
    expect(outputs[1]).toBe(outputs[0]);
  });
});

describe('report and the duty desk', () => {
  it('counts an API window as a configured one and shows what the desk recorded', async () => {
    const desk = createTempDatabaseDir();
    const deskConfig = desk.path('monitor.yaml');
    writeFileSync(
      deskConfig,
      `storage: { path: ${JSON.stringify(desk.path())} }
checks:
  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:9/" }
`,
    );
    const deskStore = openStore(desk.path(), { log: createCapturedLog().log });
    try {
      deskStore.desk.saveMaintenance({
        id: 'm-1',
        name: 'chuyển đổi',
        checks: [],
        systems: ['national-portal'],
        startedAt: at('2026-12-02T10:00:00+07:00'),
        endedAt: at('2026-12-02T11:00:00+07:00'),
        startedBy: 'lan',
        endedBy: 'lan',
      });
      const down = outage('dvcqg-home', '2026-12-02T10:10:00+07:00', '2026-12-02T10:40:00+07:00', { system: 'national-portal' });
      deskStore.incidents.upsert(down);
      deskStore.desk.acknowledge(down.id, { by: 'lan', at: at('2026-12-02T10:21:00+07:00') });
      deskStore.desk.addNote({ incidentId: down.id, author: 'lan', at: at('2026-12-02T10:25:00+07:00'), notify: false, cause: 'Chuyển đổi máy chủ' });
    } finally {
      deskStore.close();
    }
    const stdout: string[] = [];
    const code = await reportCommand(
      { config: deskConfig, date: '2026-12-02', format: 'json' },
      { stdout: (line) => stdout.push(line), stderr: () => {} },
      createCapturedLog().log,
      { env: {}, clock: () => at('2026-12-03T08:00:00+07:00') },
    );
    desk.remove();
    expect(code).toBe(0);
    const json = JSON.parse(stdout.join('\n')) as Record<string, any>;
    expect(json.maintenance).toEqual([{ name: 'chuyển đổi', from: '2026-12-02T03:00:00.000Z', to: '2026-12-02T04:00:00.000Z', checks: ['dvcqg-home'] }]);
    expect(json.checks[0]).toMatchObject({ name: 'dvcqg-home', downSeconds: 0, excludedSeconds: 3600 });
    expect(json.incidents[0]).toMatchObject({ acknowledgedBy: 'lan', timeToAcknowledgeSeconds: 600, handling: { cause: 'Chuyển đổi máy chủ' } });
  });
});
