// The SMS channel through a carrier HTTP gateway: the local simulator (src/sim/sms-gateway.ts) on
// 127.0.0.1 receives what a brandname API would, and fails on demand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmsChannel, type FrozenSms } from '../../../src/alerting/channels/sms.ts';
import { createOutbox } from '../../../src/alerting/outbox.ts';
import { systemClock } from '../../../src/clock.ts';
import type { SmsChannelConfig } from '../../../src/config/alerting-config.ts';
import { compileJsonPath } from '../../../src/config/json-path.ts';
import type { SmsHttpVia } from '../../../src/config/sms-config.ts';
import { startSmsGatewaySimulator, type SmsGatewaySimulator } from '../../../src/sim/sms-gateway.ts';
import type { NotificationType } from '../../../src/state/notification.ts';
import { openStore } from '../../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification } from '../../support/alerting-fixtures.ts';

const API_KEY = 'sk-live-7f3a9c0e11d2';
const ACCOUNT = 'acct-secret-5521';
const PHONES = ['+84912345678', '0987654321'];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function gateway(): Promise<SmsGatewaySimulator> {
  const sim = await startSmsGatewaySimulator();
  cleanups.push(() => sim.close());
  return sim;
}

function smsConfig(sim: SmsGatewaySimulator, via: Partial<SmsHttpVia> = {}, settings: Partial<SmsChannelConfig> = {}): SmsChannelConfig {
  return {
    kind: 'sms',
    name: 'brandname',
    routes: [],
    to: PHONES,
    template: 'DVC {severity}: {system} {check} {status} tu {since}',
    ascii: true,
    maxSegments: 1,
    via: {
      kind: 'http',
      url: `${sim.url}/api/send?account=${ACCOUNT}`,
      method: 'POST',
      auth: { kind: 'header', name: 'X-Api-Key', value: API_KEY },
      params: { phone: 'Phone', text: 'Content', sender: 'Brandname' },
      sender: 'DVC-AG',
      fields: { SmsType: '2' },
      body: 'json',
      timeoutSeconds: 2,
      ...via,
    },
    ...settings,
  };
}

function firing(check: string) {
  return makeNotification('firing', { incident: makeIncident({ check }) });
}

async function sendOnce(config: SmsChannelConfig, check = 'dvcqg-home') {
  const channel = createSmsChannel({ config, locale: 'vi' });
  const rendered = channel.render([firing(check)], { now: new Date(), seed: 7 });
  try {
    return { channel, receipt: await channel.send({ deliveryId: 1, id: rendered.id, content: rendered.content }) };
  } catch (error) {
    return { channel, error };
  }
}

describe('SMS over an HTTP gateway', () => {
  it('posts one JSON message per phone with the configured field names, brandname, fixed fields and key', async () => {
    const sim = await gateway();
    const { receipt } = await sendOnce(smsConfig(sim));
    expect(receipt).toEqual({ messages: 2 });
    const received = sim.received();
    expect(received.map((sms) => sms.fields)).toEqual(
      PHONES.map((phone) => ({
        SmsType: '2',
        Phone: phone,
        Content: 'DVC NGHIEM TRONG: national-portal dvcqg-home loi tu 22:10 29/05/2026',
        Brandname: 'DVC-AG',
      })),
    );
    expect(received[0]!.method).toBe('POST');
    expect(received[0]!.path).toBe('/api/send');
    expect(received[0]!.contentType).toMatch(/^application\/json/);
    expect(received[0]!.headers['x-api-key']).toBe(API_KEY);
  });

  it('sends a form body, or a GET query, and HTTP Basic credentials', async () => {
    const sim = await gateway();
    await sendOnce(smsConfig(sim, { body: 'form', auth: { kind: 'basic', user: 'angiang', pass: 'p@ss w0rd' } }, { to: [PHONES[0]!], ascii: false }));
    await sendOnce(smsConfig(sim, { method: 'GET' }, { to: [PHONES[1]!] }));
    const [form, query] = sim.received();
    expect(form!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(form!.fields.Content).toBe('DVC NGHIÊM TRỌNG: national-portal dvcqg-home lỗi tu 22:10 29/05/2026');
    expect(form!.headers.authorization).toBe(`Basic ${Buffer.from('angiang:p@ss w0rd').toString('base64')}`);
    expect(query!.method).toBe('GET');
    expect(query!.fields).toMatchObject({ account: ACCOUNT, Phone: PHONES[1], Brandname: 'DVC-AG' });
  });

  it.each([
    [503, 'retry'],
    [500, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    ['drop', 'retry'],
    [400, 'give_up'],
    [401, 'give_up'],
    [404, 'give_up'],
  ] as const)('answer %s: %s', async (failure, verdict) => {
    const sim = await gateway();
    sim.failWith(failure);
    const { channel, error } = await sendOnce(smsConfig(sim));
    expect(error).toBeInstanceOf(Error);
    expect(channel.classify(error)).toBe(verdict);
    expect(sim.received()).toEqual([]);
  });

  it('with accept configured, a 200 carrying another code is refused for good; without it, 200 is accepted', async () => {
    const sim = await gateway();
    sim.failWith('reject');
    const strict = await sendOnce(smsConfig(sim, { accept: { path: compileJsonPath('$.code'), equals: '00' } }));
    expect(strict.channel.classify(strict.error)).toBe('give_up');
    expect(String(strict.error)).toContain('$.code = "99", not "00"');
    const lenient = await sendOnce(smsConfig(sim));
    expect(lenient.error).toBeUndefined();
    sim.failWith(undefined);
    const accepted = await sendOnce(smsConfig(sim, { accept: { path: compileJsonPath('$.code'), equals: '00' } }));
    expect(accepted.receipt).toEqual({ messages: 2 });
    // The simulator answers "id": 3 (a number); a configured "3" matches it.
    const numeric = await sendOnce(
      smsConfig(sim, { accept: { path: compileJsonPath('$.id'), equals: String(sim.received().length + 1) } }, { to: [PHONES[0]!] }),
    );
    expect(numeric.receipt).toEqual({ messages: 1 });
  });

  it('an outage: every notification delivered exactly once per phone and in order when the gateway is back; no secret in any log line', async () => {
    const sim = await gateway();
    const dir = await mkdtemp(join(tmpdir(), 'dvc-sms-outbox-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = captureLog('trace');
    const store = openStore(join(dir, 'sentinel.db'), { log: log.log });
    cleanups.push(() => store.close());
    const config = smsConfig(sim, { auth: { kind: 'basic', user: 'angiang', pass: API_KEY } }, { template: 'DVC {check} {status}' });
    const channel = createSmsChannel({ config, locale: 'vi' });
    const attempts: { type: NotificationType; result: string }[] = [];
    let onAttempt = () => {};
    const outbox = createOutbox({
      store,
      alerting: makeAlerting({ groupWaitSeconds: 0.05, groupIntervalSeconds: 0.05 }),
      clock: systemClock,
      log: log.log,
      channels: [channel],
      backoff: { firstSeconds: 0.05, capSeconds: 0.2 },
      onDelivered: (_channel, type, result) => {
        attempts.push({ type, result });
        onAttempt();
      },
    });
    const attemptsReach = (predicate: () => boolean) =>
      new Promise<void>((resolve) => {
        onAttempt = () => predicate() && resolve();
        onAttempt();
      });
    outbox.start();
    cleanups.push(() => outbox.stop());
    const enqueue = (check: string) => {
      store.transaction(() => store.outbox.enqueue('brandname', firing(check), 'all'));
      outbox.wake();
    };

    sim.failWith(503);
    enqueue('check-1');
    await attemptsReach(() => attempts.filter((attempt) => attempt.result === 'failed').length >= 3);
    sim.failWith('drop');
    enqueue('check-2');
    enqueue('check-3');
    await attemptsReach(() => attempts.filter((attempt) => attempt.result === 'failed').length >= 6);
    expect(sim.received()).toEqual([]);

    sim.failWith(undefined);
    const received = await sim.waitFor(6);
    await outbox.idle();
    expect(sim.received()).toHaveLength(6);
    expect(received.map((sms) => `${sms.fields.Content} > ${sms.fields.Phone}`)).toEqual(
      ['check-1', 'check-2', 'check-3'].flatMap((check) => PHONES.map((phone) => `DVC ${check} loi > ${phone}`)),
    );
    expect(attempts.filter((attempt) => attempt.result === 'sent')).toHaveLength(3);
    expect(store.outbox.undelivered('brandname')).toEqual([]);

    const logged = log.text();
    expect(logged).toContain('sms not delivered; will retry');
    expect(logged).toContain('sms delivered');
    for (const secret of [API_KEY, ACCOUNT, Buffer.from(`angiang:${API_KEY}`).toString('base64')]) expect(logged).not.toContain(secret);
  });

  it('freezes texts, parts and recipients so a stored delivery reads back whole', async () => {
    const sim = await gateway();
    const channel = createSmsChannel({ config: smsConfig(sim, {}, { template: 'x'.repeat(200), maxSegments: 2 }), locale: 'vi' });
    const { content } = channel.render([firing('a'), makeNotification('report'), makeNotification('test')], { now: new Date(), seed: 3 });
    const stored = channel.read(JSON.parse(JSON.stringify(content))) as FrozenSms;
    expect(stored.types).toEqual(['firing', 'report', 'test']);
    // The report is mail only; the test message is the channel's own words, not the carrier template.
    expect(stored.messages.map((message) => [message.to, message.parts.map((part) => part.length)])).toEqual([
      [PHONES[0], [153, 47]],
      [PHONES[1], [153, 47]],
      [PHONES[0], [stored.messages[2]!.parts[0]!.length]],
      [PHONES[1], [stored.messages[3]!.parts[0]!.length]],
    ]);
    expect(stored.messages[2]!.parts.join('')).toBe('dvc-sentinel: tin nhan thu qua kenh brandname. Khong can tra loi.');
    expect(channel.read({ version: 99, types: [] })).toBeUndefined();
  });
});

describe('SMS over an HTTP gateway: a retry within one process', () => {
  it('does not send again to the phones the gateway took before it failed', async () => {
    const sim = await gateway();
    const channel = createSmsChannel({ config: smsConfig(sim, {}, { to: ['0911111111', '0922222222', '0933333333'] }), locale: 'vi' });
    const rendered = channel.render([firing('dvcqg-home')], { now: new Date(), seed: 9 });
    const delivery = { deliveryId: 5, id: rendered.id, content: rendered.content };
    sim.failWith(503, 1);
    const error = await channel.send(delivery).catch((caught: unknown) => caught);
    expect(channel.classify(error)).toBe('retry');
    sim.failWith(undefined);
    await channel.send(delivery);
    expect(sim.received().map((sms) => sms.fields.Phone)).toEqual(['0911111111', '0922222222', '0933333333']);
  });
});
