import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.ts';
import { createZaloChannel } from '../../../src/alerting/channels/zalo.ts';
import { enqueueOnNamedChannels } from '../../../src/alerting/named-queue.ts';
import { createOutbox, type Outbox } from '../../../src/alerting/outbox.ts';
import type { AlertingConfig, ZaloChannelConfig } from '../../../src/config/alerting-config.ts';
import type { Notification } from '../../../src/state/notification.ts';
import { startChannelReceivers, type ChannelReceivers } from '../../../src/sim/channel-receivers.ts';
import { openStore } from '../../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification } from '../../support/alerting-fixtures.ts';
import { findClosedPort } from '../../support/http-servers.ts';
import { startNamedOutbox, tempDir } from './named-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const TOKEN = '3171829:zalo-bot-secret-token';

async function receivers(): Promise<ChannelReceivers> {
  const started = await startChannelReceivers();
  cleanups.push(() => started.close());
  return started;
}

function zaloConfig(apiBase: string, overrides: Partial<ZaloChannelConfig> = {}): ZaloChannelConfig {
  return { kind: 'zalo', name: 'zalo-truc', routes: [], token: TOKEN, chatIds: ['chat-a', 'chat-b'], apiBase, timeoutSeconds: 2, ...overrides };
}

function alertingFor(config: ZaloChannelConfig): AlertingConfig {
  return makeAlerting({ groupWaitSeconds: 0.05, groupIntervalSeconds: 0.05, zalo: [config], links: { statusPage: 'https://status.angiang.gov.vn/' } });
}

async function harness(config: ZaloChannelConfig, log = captureLog('trace')) {
  const alerting = alertingFor(config);
  const path = join(await tempDir(cleanups), 'sentinel.db');
  return { log, ...startNamedOutbox(path, alerting, createZaloChannel({ config, locale: 'vi', links: alerting.links }), log, cleanups) };
}

const firing = (check: string) =>
  makeNotification('firing', { to: ['trucban@angiang.gov.vn'], incident: makeIncident({ check, openedAt: new Date('2026-05-29T15:10:05Z') }) });

describe('zalo channel', () => {
  it('sends a short Vietnamese text to every chat through sendMessage, with no e-mail address in it', async () => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, counted } = await harness(zaloConfig(receiver.zaloApiBase));
    enqueue(firing('dvcqg-home'));
    const received = await receiver.waitFor(2);
    await waitForCounts((entries) => entries.length === 2);
    expect(received.map((entry) => entry.chatId).sort()).toEqual(['chat-a', 'chat-b']);
    const text = received[0]!.text!;
    expect(text).toBe(
      '🔴 SỰ CỐ nghiêm trọng: Cổng DVC quốc gia — kiểm tra dvcqg-home, từ 29/05/2026 22:10:05\nTrang trạng thái: https://status.angiang.gov.vn/',
    );
    expect(text).not.toContain('@');
    expect(received[0]!.path).not.toContain(TOKEN);
    expect(counted).toEqual([
      { channel: 'zalo-truc', type: 'firing', result: 'sent' },
      { channel: 'zalo-truc', type: 'firing', result: 'sent' },
    ]);
  });

  it('says an escalation is one, with its step, and a flapping check is flapping, in Vietnamese and in English', () => {
    const incident = makeIncident({ check: 'dvcqg-home', openedAt: new Date('2026-05-29T15:10:05Z') });
    const escalation = makeNotification('reminder', { to: ['chat-a'], incident, escalation: { afterSeconds: 600 } });
    const flapping = makeNotification('flapping', {
      to: ['chat-a'],
      incident: makeIncident({ check: 'hoso-sync', flapping: { since: new Date('2026-05-29T15:20:00Z'), changes: 7, windowSeconds: 1800 } }),
    });
    const textOf = (notification: Notification, locale: 'vi' | 'en') =>
      createZaloChannel({ config: zaloConfig('http://127.0.0.1:9'), locale, links: {} }).render([notification], { now: new Date(), seed: 1 }).content.text;
    expect(textOf(escalation, 'vi')).toBe(
      '🚨 BÁO CẤP TRÊN: sau 10 phút sự cố nghiêm trọng chưa được tiếp nhận xử lý: Cổng DVC quốc gia — kiểm tra dvcqg-home, từ 29/05/2026 22:10:05',
    );
    expect(textOf(flapping, 'vi')).toBe('🟣 CHẬP CHỜN: Cổng DVC quốc gia — kiểm tra hoso-sync đang chập chờn (7 lần đổi trạng thái trong 30 phút)');
    expect(textOf(escalation, 'en')).toMatch(/^🚨 ESCALATED: critical incident not acknowledged after 10m: National Public Service Portal — check dvcqg-home/);
    expect(textOf(flapping, 'en')).toContain('🟣 FLAPPING: ');
    expect(textOf(makeNotification('reminder', { to: ['chat-a'], incident }), 'vi')).toMatch(/^🔴 VẪN ĐANG LỖI/);
  });

  it('retries while the platform is down and delivers each text once, in order, when it is back', async () => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, outbox } = await harness(zaloConfig(receiver.zaloApiBase, { chatIds: ['chat-a'] }));
    receiver.setMode({ kind: 'status', status: 502 });
    for (const check of ['dvcqg-1', 'dvcqg-2', 'dvcqg-3']) {
      enqueue(firing(check));
      await waitForCounts((entries) => entries.some((entry) => entry.result === 'failed'));
    }
    receiver.setMode({ kind: 'down' });
    await waitForCounts((entries) => entries.filter((entry) => entry.result === 'failed').length >= 5);
    receiver.setMode({ kind: 'ok' });
    await waitForCounts((entries) => entries.filter((entry) => entry.result === 'sent').length === 3);
    await outbox.idle();
    const lines = receiver.received.flatMap((entry) => entry.text!.split('\n').filter((line) => line.startsWith('🔴')));
    expect(lines.map((line) => /kiểm tra (\S+),/.exec(line)![1])).toEqual(['dvcqg-1', 'dvcqg-2', 'dvcqg-3']);
  });

  it('gives up on an answer ok: false the platform would repeat, and never logs the token', async () => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, counted, log, outbox } = await harness(zaloConfig(receiver.zaloApiBase, { chatIds: ['chat-a'] }));
    receiver.setMode({ kind: 'status', status: 401 });
    enqueue(firing('dvcqg-home'));
    await waitForCounts((entries) => entries.length >= 1);
    await outbox.idle();
    expect(counted).toEqual([{ channel: 'zalo-truc', type: 'firing', result: 'gave_up' }]);
    expect(log.text()).toContain('zalo message refused for good');
    expect(log.text()).not.toContain(TOKEN);
  });

  it('never logs the token when the platform cannot be reached', async () => {
    const port = await findClosedPort();
    const { enqueue, waitForCounts, log } = await harness(zaloConfig(`http://127.0.0.1:${port}/zalo`, { chatIds: ['chat-a'] }));
    enqueue(firing('dvcqg-home'));
    await waitForCounts((entries) => entries.filter((entry) => entry.result === 'failed').length >= 2);
    expect(log.text()).toContain('zalo message not delivered; will retry');
    expect(log.text()).not.toContain(TOKEN);
    expect(log.text()).not.toContain('zalo-bot-secret');
  });

  it('after a crash between the answer and the delivery mark, resends the same frozen text once', async () => {
    const receiver = await receivers();
    const config = zaloConfig(receiver.zaloApiBase, { chatIds: ['chat-a'] });
    const alerting = alertingFor(config);
    const path = join(await tempDir(cleanups), 'sentinel.db');
    const log = captureLog();
    const store = openStore(path, { log: log.log });
    let crashed: Outbox | undefined;
    const crashingStore = {
      outbox: {
        ...store.outbox,
        markDelivered: () => {
          void crashed?.stop();
          throw new Error('killed before the delivery mark');
        },
      },
    };
    const channel = () => createZaloChannel({ config, locale: 'vi', links: alerting.links });
    crashed = createOutbox({ store: crashingStore, alerting, clock: systemClock, log: log.log, channels: [channel()] });
    crashed.start();
    store.transaction(() => enqueueOnNamedChannels(store.outbox, alerting, firing('dvcqg-home')));
    crashed.wake();
    const [sent] = await receiver.waitFor(1);
    await crashed.stop();
    store.close();

    const harnessAfter = startNamedOutbox(path, alerting, channel(), log, cleanups);
    const [, resent] = await receiver.waitFor(2);
    await harnessAfter.outbox.idle();
    expect(receiver.received).toHaveLength(2);
    expect(resent!.text).toBe(sent!.text);
    expect(harnessAfter.store.outbox.undelivered('zalo-truc')).toEqual([]);
  });

  it('shows the chat ids of people who messaged the bot through getUpdates', async () => {
    const receiver = await receivers();
    const response = await fetch(`${receiver.zaloApiBase}/bot${TOKEN}/getUpdates`);
    const body = (await response.json()) as { ok: boolean; result: { message: { chat: { id: string } } }[] };
    expect(body.ok).toBe(true);
    expect(body.result[0]!.message.chat.id).toBe('a1b2c3d4e5f6');
  });
});
