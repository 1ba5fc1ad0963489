import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testNotifyCommand } from '../../src/commands/test-notify.ts';
import { startChannelReceivers, type ChannelReceivers } from '../../src/sim/channel-receivers.ts';
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

  it('names the channels there are when asked for one that is not configured', async () => {
    const receiver = await receivers();
    const file = await writeConfig(['webhooks:', '  - name: ioc-tinh', `    url: ${receiver.webhookUrl}`]);
    const { io, err } = capture();
    expect(await testNotifyCommand({ config: file, channel: 'zalo' }, io, {})).toBe(2);
    expect(err).toEqual(['Không có kênh tên "zalo" trong cấu hình. Các kênh có: ioc-tinh']);
  });
});
