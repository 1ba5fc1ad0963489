import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { incidentCommand, type IncidentOptions } from '../../src/commands/incident.ts';
import { maintenanceCommand } from '../../src/commands/maintenance.ts';
import { DeskUsageError } from '../../src/commands/desk-usage-error.ts';
import { startHttpServer } from '../../src/server/server.ts';
import { startCli } from '../support/cli-process.ts';
import { serveDesk } from '../server/desk-harness.ts';
import { pino } from 'pino';
import { createAccess } from '../../src/access/access.ts';
import { hashSecret } from '../../src/access/secret-hash.ts';
import { systemMonotonic } from '../../src/clock.ts';

const TOKEN = 'tok-operator-secret';
// Cheap hashes: the test is about the commands, not the hash's cost.
const LOW_COST = 1024;

const hashes = { user: await hashSecret('pw', LOW_COST), token: await hashSecret(TOKEN, LOW_COST) };
/** The real access layer: one bearer token for an operator, Basic "pc06:pw" for a viewer. */
const access = createAccess({
  config: () => ({
    users: [{ name: 'pc06', role: 'viewer', passwordHash: hashes.user }],
    tokens: [{ name: 'ca-truc', role: 'operator', tokenHash: hashes.token }],
    anonymous: 'viewer',
    hideNames: false,
  }),
  log: pino({ level: 'silent' }),
  monotonic: systemMonotonic,
  secureCookies: false,
});

const OPERATOR_ENV = { DVC_SENTINEL_TOKEN: TOKEN };
const VIEWER_ENV = { DVC_SENTINEL_USER: 'pc06', DVC_SENTINEL_PASSWORD: 'pw' };

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { io: { stdout: (line: string) => stdout.push(line), stderr: (line: string) => stderr.push(line) }, stdout, stderr };
}

async function incident(url: string, positionals: string[], extra: Partial<IncidentOptions> = {}, env: NodeJS.ProcessEnv = OPERATOR_ENV) {
  const out = capture();
  const code = await incidentCommand({ positionals, url, json: false, notify: false, ...extra }, out.io, env);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-desk-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('incident', () => {
  it('lists open incidents as a Vietnamese table, and as the API JSON with --json', async () => {
    const server = await serveDesk({}, access);
    server.desk.addProbeIncident('dvcqg-home-abc');
    const listed = await incident(server.url, ['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout[0]).toMatch(/^Mã sự cố\s+Mức độ\s+Trạng thái\s+Hệ thống\s+Kiểm tra\s+Phát hiện lúc\s+Tiếp nhận$/);
    expect(listed.stdout[1]).toMatch(/^dvcqg-home-abc\s+Nghiêm trọng\s+Đang mở\s+dvcqg\s+dvcqg-home\s+03\/12\/2026 15:00:00\s+—$/);
    const json = await incident(server.url, ['list'], { json: true, state: 'all' });
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ incidents: [{ id: 'dvcqg-home-abc', state: 'open' }] });
  });

  it('acknowledges and adds a note as the token’s user, then shows both', async () => {
    const server = await serveDesk({}, access);
    server.desk.addProbeIncident('inc-1');
    expect((await incident(server.url, ['ack', 'inc-1'], { note: 'đang xem' })).code).toBe(0);
    const noted = await incident(server.url, ['note', 'inc-1'], {
      cause: 'Đứt cáp quang',
      plan: 'Chuyển tuyến',
      expectedFix: '2026-12-03T18:00',
      notify: true,
    });
    expect(noted.code).toBe(0);
    expect(server.desk.calls[2]).toEqual([
      'addNote',
      { user: 'ca-truc', address: '127.0.0.1' },
      'inc-1',
      { cause: 'Đứt cáp quang', plan: 'Chuyển tuyến', expectedFixAt: new Date('2026-12-03T11:00:00Z') },
      true,
    ]);
    const shown = await incident(server.url, ['show', 'inc-1']);
    expect(shown.code).toBe(0);
    const text = shown.stdout.join('\n');
    expect(text).toMatch(/Tiếp nhận:\s+ca-truc 03\/12\/2026 15:00:00/);
    expect(text).toContain('- ca-truc lúc 03/12/2026 15:00:00 (đã gửi thư)');
    expect(text).toContain('    Nguyên nhân: Đứt cáp quang');
    expect(text).toContain('    Thời gian dự kiến hoàn thành: 03/12/2026 18:00:00');
  });

  it('opens a people-reported incident and resolves it', async () => {
    const server = await serveDesk({}, access);
    const opened = await incident(server.url, ['open'], { json: true, title: 'VNeID lỗi', system: 'vneid', severity: 'critical', reportedBy: 'xã Mỹ Hòa' });
    expect(opened.code).toBe(0);
    const id = (JSON.parse(opened.stdout.join('\n')) as { id: string }).id;
    const resolved = await incident(server.url, ['resolve', id], { result: 'Đã cấp lại mật khẩu' });
    expect(resolved.code).toBe(0);
    expect(resolved.stdout.join('\n')).toMatch(/Trạng thái:\s+Đã khắc phục \(do người dùng báo\)/);
  });

  it('says why it was refused, with an exit code a script can tell apart', async () => {
    const server = await serveDesk({}, access);
    server.desk.addProbeIncident('inc-1');
    const anonymous = await incident(server.url, ['ack', 'inc-1'], {}, {});
    expect(anonymous).toMatchObject({ code: 3, stderr: [expect.stringContaining('DVC_SENTINEL_TOKEN')] });
    const viewer = await incident(server.url, ['ack', 'inc-1'], {}, VIEWER_ENV);
    expect(viewer).toMatchObject({ code: 3, stderr: [expect.stringContaining('không có quyền')] });
    // A viewer still reads.
    expect((await incident(server.url, ['show', 'inc-1'], {}, VIEWER_ENV)).code).toBe(0);
    expect(await incident(server.url, ['show', 'nope'])).toMatchObject({ code: 4, stderr: ['Không tìm thấy sự cố nope.'] });
    expect(await incident(server.url, ['note', 'inc-1'], { expectedFix: 'tối nay' })).toMatchObject({
      code: 2,
      stderr: [expect.stringContaining('trường "expectedFixAt"')],
    });
    expect(server.desk.calls).toEqual([]);
    await expect(incident(server.url, ['open'], { system: 'vneid', reportedBy: 'x' })).rejects.toThrow(DeskUsageError);
    await expect(incident(server.url, ['ack'])).rejects.toThrow(DeskUsageError);
    await expect(incident(server.url, ['close', 'inc-1'])).rejects.toThrow(DeskUsageError);
  });

  it('refuses a flag its subcommand does not take instead of dropping what it says (exit 2)', async () => {
    const server = await serveDesk({}, access);
    server.desk.addProbeIncident('inc-1');
    await expect(incident(server.url, ['resolve', 'inc-1'], { note: 'Đã cấp lại tài khoản' })).rejects.toThrow('incident resolve does not take --note');
    await expect(incident(server.url, ['ack', 'inc-1'], { result: 'xong' })).rejects.toThrow('incident ack does not take --result');
    await expect(incident(server.url, ['ack', 'inc-1'], { notify: true })).rejects.toThrow('incident ack does not take --notify');
    await expect(incident(server.url, ['note', 'inc-1'], { text: 'x', reportedBy: 'xã' })).rejects.toThrow('incident note does not take --reported-by');
    await expect(incident(server.url, ['list'], { expectedFix: '2026-12-03T18:00' })).rejects.toThrow('incident list does not take --expected-fix');
    expect(server.desk.calls).toEqual([]);
  });

  it('refuses a --url that is not an http(s) URL as a usage mistake (exit 2)', async () => {
    await expect(incident('127.0.0.1:9464', ['list'])).rejects.toThrow('--url must be an http:// or https:// URL');
    await expect(incident('ftp://127.0.0.1:9464', ['list'])).rejects.toThrow(DeskUsageError);
  });

  it('exits 1 saying so when the daemon cannot be reached', async () => {
    const closed = await startHttpServer({ host: '127.0.0.1', port: 0, routes: new Map(), log: pino({ level: 'silent' }) });
    await closed.close();
    const result = await incident(closed.url, ['list']);
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toContain(`Không kết nối được tới ${closed.url}`);
  });

  it('finds the daemon at the config’s server.listen when --config is given', async () => {
    const server = await serveDesk({}, access);
    const file = join(scratch, 'listen.yaml');
    writeFileSync(
      file,
      `server:\n  listen: "0.0.0.0:${new URL(server.url).port}"\nchecks:\n  - { name: a, system: s, kind: http, url: "http://127.0.0.1/" }\n`,
    );
    const out = capture();
    expect(await incidentCommand({ positionals: ['list'], config: file, json: false, notify: false }, out.io, OPERATOR_ENV)).toBe(0);
    expect(out.stdout).toEqual(['Không có sự cố nào.']);
  });
});

describe('maintenance', () => {
  it('starts a window from a script and ends it by the id it printed', async () => {
    const server = await serveDesk({}, access);
    const started = capture();
    const code = await maintenanceCommand(
      { positionals: ['start'], url: server.url, json: false, name: 'Chuyển đổi TTDLQG', systems: ['dvcqg'], reason: 'cut-over', until: '2026-12-04T06:00' },
      started.io,
      OPERATOR_ENV,
    );
    expect(code).toBe(0);
    const id = /mã (\S+)$/.exec(started.stdout[0]!)![1]!;
    expect(server.desk.listMaintenance()).toMatchObject([
      { id, name: 'Chuyển đổi TTDLQG', systems: ['dvcqg'], until: new Date('2026-12-03T23:00:00Z'), startedBy: 'ca-truc' },
    ]);
    const ended = capture();
    expect(await maintenanceCommand({ positionals: ['end', id], url: server.url, json: false }, ended.io, OPERATOR_ENV)).toBe(0);
    expect(server.desk.listMaintenance()[0]!.endedBy).toBe('ca-truc');
    const again = capture();
    expect(await maintenanceCommand({ positionals: ['end', 'nope'], url: server.url, json: false }, again.io, OPERATOR_ENV)).toBe(4);
  });

  it('refuses end with a window’s flags rather than ignoring them (exit 2)', async () => {
    const server = await serveDesk({}, access);
    const out = capture();
    await expect(
      maintenanceCommand({ positionals: ['end', 'm-1'], url: server.url, json: false, until: '2026-12-04T06:00' }, out.io, OPERATOR_ENV),
    ).rejects.toThrow('maintenance end does not take --until');
    await expect(maintenanceCommand({ positionals: ['end', 'm-1'], url: server.url, json: false, systems: ['dvcqg'] }, out.io, OPERATOR_ENV)).rejects.toThrow(
      'maintenance end does not take --system',
    );
    expect(server.desk.calls).toEqual([]);
  });
});

describe('the dvc-sentinel executable', () => {
  it('runs incident list against the daemon and refuses a missing id with the usage (exit 2)', async () => {
    const server = await serveDesk({}, access);
    server.desk.addProbeIncident('inc-1');
    const listed = startCli(['incident', 'list', '--url', server.url, '--json'], OPERATOR_ENV);
    expect((await listed.exited).code).toBe(0);
    expect(JSON.parse(listed.stdout())).toMatchObject({ incidents: [{ id: 'inc-1' }] });
    const usage = startCli(['incident', 'ack', '--url', server.url], OPERATOR_ENV);
    expect((await usage.exited).code).toBe(2);
    expect(usage.stderr()).toContain('incident ack needs an incident id');
    expect(usage.stderr()).toContain('dvc-sentinel incident list');
    // Asking a command for help prints the usage and succeeds.
    const help = startCli(['incident', '--help']);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toContain('dvc-sentinel incident note ID');
  });
});
