import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testNotifyCommand } from '../../src/commands/test-notify.ts';
import { startChannelReceivers, type ChannelReceivers } from '../../src/sim/channel-receivers.ts';
import { startSmsGatewaySimulator } from '../../src/sim/sms-gateway.ts';
import { findClosedPort } from '../support/http-servers.ts';

const TOKEN = '3171829:zalo-bot-secret-token';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function receivers(): Promise<ChannelReceivers> {
  const started = await startChannelReceivers();
  cleanups.push(() => started.close());
  return started;
}

async function writeConfig(alerting: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dvc-test-notify-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'monitor.yaml');
  const lines = [
    `storage: { path: ${JSON.stringify(join(dir, 'data', 'sentinel.db'))} }`,
    'checks:',
    '  - { name: portal-home, system: national-portal, kind: http, url: "https://dichvucong.gov.vn/" }',
    'alerting:',
    ...alerting.map((line) => `  ${line}`),
    '',
  ];
  await writeFile(file, lines.join('\n'));
  return file;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (line: string) => out.push(line), stderr: (line: string) => err.push(line) }, out, err };
}

describe('test-notify', () => {
  it('sends a test text to each chat of a Zalo channel through the simulator and says so in Vietnamese', async () => {
    const receiver = await receivers();
    const file = await writeConfig([
      'zalo:',
      '  - name: zalo-truc',
      '    token: ${ZALO_TOKEN}',
      '    chatIds: [chat-a, chat-b]',
      `    apiBase: ${receiver.zaloApiBase}`,
    ]);
    const { io, out, err } = capture();
    expect(await testNotifyCommand({ config: file, channel: 'zalo-truc' }, io, { ZALO_TOKEN: TOKEN })).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual(['Đã gửi tin thử qua kênh zalo-truc → chat-a.', 'Đã gửi tin thử qua kênh zalo-truc → chat-b.']);
    expect(receiver.received.map((entry) => entry.text)).toEqual([
      'Tin thử của dvc-sentinel qua kênh zalo-truc. Nếu bạn đọc được tin này, kênh đã hoạt động.',
      'Tin thử của dvc-sentinel qua kênh zalo-truc. Nếu bạn đọc được tin này, kênh đã hoạt động.',
    ]);
  });

  it('explains a refused token without printing it', async () => {
    const receiver = await receivers();
    receiver.setMode({ kind: 'status', status: 401 });
    const file = await writeConfig(['zalo:', '  - name: zalo-truc', `    token: "${TOKEN}"`, '    chatIds: [chat-a]', `    apiBase: ${receiver.zaloApiBase}`]);
    const { io, err } = capture();
    expect(await testNotifyCommand({ config: file, channel: 'zalo-truc' }, io, {})).toBe(1);
    expect(err.join('\n')).toContain('máy nhận từ chối (HTTP 401): kiểm tra token hoặc tiêu đề xác thực');
    expect(err.join('\n')).not.toContain(TOKEN);
  });

  it('explains a webhook receiver that cannot be reached', async () => {
    const port = await findClosedPort();
    const file = await writeConfig(['webhooks:', '  - name: ioc-tinh', `    url: http://127.0.0.1:${port}/webhook`, '    timeout: 2s']);
    const { io, err } = capture();
    expect(await testNotifyCommand({ config: file, channel: 'ioc-tinh' }, io, {})).toBe(1);
    expect(err[0]).toContain('Không gửi được tin thử qua kênh ioc-tinh: không kết nối được');
  });

  it('sends the fixed test sentence to each phone of an SMS gateway channel, and explains a gateway that is down', async () => {
    const gateway = await startSmsGatewaySimulator({ host: '127.0.0.1' });
    cleanups.push(() => gateway.close());
    const file = await writeConfig([
      'sms:',
      '  - name: brandname',
      '    via: http',
      '    to: ["+84912345678", "0987654321"]',
      '    template: "DVC {severity}: {check} {status}"',
      `    url: ${gateway.url}`,
      '    auth: { header: { name: X-Api-Key, value: "${SMS_API_KEY}" } }',
    ]);
    const sent = capture();
    expect(await testNotifyCommand({ config: file, channel: 'brandname' }, sent.io, { SMS_API_KEY: 'sms-key-secret' })).toBe(0);
    expect(sent.out).toEqual(['Đã gửi tin thử qua kênh brandname → +84912345678.', 'Đã gửi tin thử qua kênh brandname → 0987654321.']);
    expect(gateway.received().map((sms) => [sms.fields['phone'], sms.fields['text']])).toEqual([
      ['+84912345678', 'dvc-sentinel: tin nhắn thử qua kênh brandname. Không cần trả lời.'],
      ['0987654321', 'dvc-sentinel: tin nhắn thử qua kênh brandname. Không cần trả lời.'],
    ]);

    gateway.failWith(503);
    const failed = capture();
    expect(await testNotifyCommand({ config: file, channel: 'brandname' }, failed.io, { SMS_API_KEY: 'sms-key-secret' })).toBe(1);
    expect(failed.err[0]).toContain('Không gửi được tin thử qua kênh brandname → +84912345678: máy nhận đang quá tải hoặc gặp lỗi (HTTP 503)');
    expect(failed.err.join('\n')).not.toContain('sms-key-secret');
  });

  it('writes the test sentence into a gammu outbox, and explains an outbox it cannot write', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'dvc-test-notify-gammu-'));
    cleanups.push(() => rm(outbox, { recursive: true, force: true }));
    const lines = (dir: string) => [
      'sms:',
      '  - name: modem',
      '    via: gammu',
      '    to: ["0987654321"]',
      '    template: "DVC {check} {status}"',
      `    outbox: ${dir}`,
    ];
    const written = capture();
    expect(await testNotifyCommand({ config: await writeConfig(lines(outbox)), channel: 'modem' }, written.io, {})).toBe(0);
    expect(written.out).toEqual(['Đã gửi tin thử qua kênh modem → 0987654321.']);
    expect(await readdir(outbox)).toEqual([expect.stringMatching(/^OUTC\d{8}_\d{6}_\d+_0987654321_sms0\.txt$/)]);

    const missing = capture();
    expect(await testNotifyCommand({ config: await writeConfig(lines(join(outbox, 'no-such-dir'))), channel: 'modem' }, missing.io, {})).toBe(1);
    expect(missing.err[0]).toContain('Không gửi được tin thử qua kênh modem → 0987654321: không ghi được vào thư mục outbox của gammu-smsd');
  });

  it('names the channels there are when asked for one that is not configured', async () => {
    const receiver = await receivers();
    const file = await writeConfig(['webhooks:', '  - name: ioc-tinh', `    url: ${receiver.webhookUrl}`]);
    const { io, err } = capture();
    expect(await testNotifyCommand({ config: file, channel: 'zalo' }, io, {})).toBe(2);
    expect(err).toEqual(['Không có kênh tên "zalo" trong cấu hình. Các kênh có: ioc-tinh']);
  });
});
