import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookChannel } from '../../../src/alerting/channels/webhook.ts';
import type { WebhookChannelConfig } from '../../../src/config/alerting-config.ts';
import { startChannelReceivers, type ChannelReceivers } from '../../../src/sim/channel-receivers.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification } from '../../support/alerting-fixtures.ts';
import { createLeafCertificate } from '../../support/certificates.ts';
import { startHttpsServer } from '../../support/http-servers.ts';
import { startNamedOutbox, tempDir } from './named-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function receivers(): Promise<ChannelReceivers> {
  const started = await startChannelReceivers();
  cleanups.push(() => started.close());
  return started;
}

function webhookConfig(url: string, overrides: Partial<WebhookChannelConfig> = {}): WebhookChannelConfig {
  return { kind: 'webhook', name: 'ioc-tinh', routes: [], url, method: 'POST', headers: {}, timeoutSeconds: 2, tls: { verify: true }, ...overrides };
}

const TRICKY = 'Lỗi "kết nối"\nthử lại & <script>alert(1)</script> 100%';

async function harness(config: WebhookChannelConfig, log = captureLog('trace')) {
  const alerting = makeAlerting({
    groupWaitSeconds: 0.05,
    groupIntervalSeconds: 0.05,
    webhooks: [config],
    links: { statusPage: 'https://status.angiang.gov.vn/' },
  });
  const path = join(await tempDir(cleanups), 'sentinel.db');
  return { log, ...startNamedOutbox(path, alerting, createWebhookChannel({ config, links: alerting.links }), log, cleanups) };
}

const firing = (check: string, message = 'no answer') =>
  makeNotification('firing', { incident: makeIncident({ check, lastMessage: message, openedAt: new Date('2026-05-29T15:10:05Z') }) });

describe('webhook channel', () => {
  it('posts the documented default JSON document and counts it under the channel name', async () => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, counted } = await harness(webhookConfig(receiver.webhookUrl));
    enqueue(firing('dvcqg-home'));
    const [request] = await receiver.waitFor(1);
    await waitForCounts((entries) => entries.length === 1);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-dvc-delivery-id']).toMatch(/^webhook-/);
    expect(JSON.parse(request!.body)).toEqual({
      version: 1,
      source: 'dvc-sentinel',
      notifications: [
        {
          type: 'firing',
          status: 'firing',
          check: 'dvcqg-home',
          system: 'national-portal',
          severity: 'critical',
          reason: 'timeout',
          message: 'no answer',
          openedAt: '2026-05-29T15:10:05.000Z',
          at: expect.any(String) as string,
          incidentId: makeIncident({ check: 'dvcqg-home' }).id,
          incidentLink: 'https://status.angiang.gov.vn/',
        },
      ],
    });
    expect(counted).toEqual([{ channel: 'ioc-tinh', type: 'firing', result: 'sent' }]);
  });

  it('marks an escalation with its step and a flapping notice with its episode in the default JSON document', async () => {
    const receiver = await receivers();
    const { enqueue } = await harness(webhookConfig(receiver.webhookUrl));
    const flapping = { since: new Date('2026-05-29T15:20:00Z'), changes: 7, windowSeconds: 1800 };
    // Queued in the same turn: one batch, one request.
    enqueue(makeNotification('reminder', { incident: makeIncident({ check: 'dvcqg-home' }), escalation: { afterSeconds: 600 } }));
    enqueue(makeNotification('flapping', { incident: makeIncident({ check: 'hoso-sync', flapping }) }));
    enqueue(makeNotification('reminder', { incident: makeIncident({ check: 'dvcqg-search' }) }));
    const [request] = await receiver.waitFor(1);
    const entries = (JSON.parse(request!.body) as { notifications: Record<string, unknown>[] }).notifications;
    expect(entries.map((entry) => [entry.type, entry.status, entry.check])).toEqual([
      ['reminder', 'firing', 'dvcqg-home'],
      ['flapping', 'firing', 'hoso-sync'],
      ['reminder', 'firing', 'dvcqg-search'],
    ]);
    expect(entries[0]!.escalation).toEqual({ afterSeconds: 600 });
    expect(entries[1]!.flapping).toEqual({ since: '2026-05-29T15:20:00.000Z', changes: 7, windowSeconds: 1800 });
    expect(entries[0]).not.toHaveProperty('flapping');
    expect(entries[1]).not.toHaveProperty('escalation');
    expect(entries[2]).not.toHaveProperty('escalation');
  });

  it('fills the escalation, flapping and desk placeholders of a template, and carries the desk act in the default document', async () => {
    const receiver = await receivers();
    const template =
      '{"after": "{{escalationAfter}}", "since": "{{flappingSince}}", "changes": "{{flappingChanges}}", "act": "{{deskAction}}", "note": "{{note}}"}';
    const { enqueue } = await harness(webhookConfig(receiver.webhookUrl, { body: { encoding: 'json', template } }));
    const flapping = { since: new Date('2026-05-29T15:20:00Z'), changes: 7, windowSeconds: 1800 };
    enqueue(makeNotification('reminder', { incident: makeIncident({ check: 'dvcqg-home' }), escalation: { afterSeconds: 600 } }));
    enqueue(makeNotification('flapping', { incident: makeIncident({ check: 'hoso-sync', flapping }) }));
    enqueue(makeNotification('desk', { incident: makeIncident(), desk: { kind: 'note', subject: 's', text: `Nguyên nhân: ${TRICKY}`, html: '<p>x</p>' } }));
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toEqual([
      { after: '600', since: '', changes: '', act: '', note: '' },
      { after: '', since: '2026-05-29T15:20:00.000Z', changes: '7', act: '', note: '' },
      { after: '', since: '', changes: '', act: 'note', note: `Nguyên nhân: ${TRICKY}` },
    ]);

    const plain = await receivers();
    const { enqueue: enqueuePlain } = await harness(webhookConfig(plain.webhookUrl));
    enqueuePlain(makeNotification('desk', { incident: makeIncident(), desk: { kind: 'acknowledged', subject: 's', text: 'Đã tiếp nhận: an', html: '' } }));
    const [plainRequest] = await plain.waitFor(1);
    const [entry] = (JSON.parse(plainRequest!.body) as { notifications: Record<string, unknown>[] }).notifications;
    expect(entry).toMatchObject({ type: 'desk', desk: { action: 'acknowledged', text: 'Đã tiếp nhận: an' } });
    expect(entry).not.toHaveProperty('note');
    expect(entry).not.toHaveProperty('deskAction');
  });

  it('escapes values for a JSON template: quotes, newlines, <script> and Vietnamese come out as they were', async () => {
    const receiver = await receivers();
    const template = '{"text": "{{check}}: {{message}}", "he_thong": "{{system}}"}';
    const { enqueue } = await harness(webhookConfig(receiver.webhookUrl, { body: { encoding: 'json', template } }));
    enqueue(firing('dvcqg-home', TRICKY));
    const [request] = await receiver.waitFor(1);
    expect(request!.body).not.toContain('<script>');
    expect(JSON.parse(request!.body)).toEqual({ text: `dvcqg-home: ${TRICKY}`, he_thong: 'national-portal' });
  });

  it('URL-encodes values for a form template, and sends several notifications of one batch as repeated fields', async () => {
    const receiver = await receivers();
    const { enqueue } = await harness(
      webhookConfig(receiver.webhookUrl, { method: 'PUT', body: { encoding: 'form', template: 'check={{check}}&msg={{message}}' } }),
    );
    // Queued in the same turn: one batch, one request.
    enqueue(firing('dvcqg-home', TRICKY));
    enqueue(firing('dvcqg-search', 'a=b&c'));
    const [request] = await receiver.waitFor(1);
    expect(request!.method).toBe('PUT');
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request!.body);
    expect(form.getAll('check')).toEqual(['dvcqg-home', 'dvcqg-search']);
    expect(form.getAll('msg')).toEqual([TRICKY, 'a=b&c']);
    expect(receiver.received).toHaveLength(1);
  });

  it.each([408, 429, 500, 503])('retries after HTTP %i until the receiver accepts', async (status) => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, counted, store } = await harness(webhookConfig(receiver.webhookUrl));
    receiver.setMode({ kind: 'status', status });
    enqueue(firing('dvcqg-home'));
    await waitForCounts((entries) => entries.filter((entry) => entry.result === 'failed').length >= 2);
    receiver.setMode({ kind: 'ok' });
    await receiver.waitFor(1);
    await waitForCounts((entries) => entries.some((entry) => entry.result === 'sent'));
    expect(counted.filter((entry) => entry.result === 'sent')).toHaveLength(1);
    expect(store.outbox.countQueued('ioc-tinh')).toBe(0);
  });

  it.each([400, 401, 404, 422])('gives up after HTTP %i, logs the reason and counts gave_up', async (status) => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, counted, log, outbox, store } = await harness(webhookConfig(receiver.webhookUrl));
    receiver.setMode({ kind: 'status', status });
    enqueue(firing('dvcqg-home'));
    await waitForCounts((entries) => entries.length >= 1);
    await outbox.idle();
    expect(counted).toEqual([{ channel: 'ioc-tinh', type: 'firing', result: 'gave_up' }]);
    const refused = log.lines().find((line) => line.msg === 'webhook request refused for good; not retried');
    expect(refused).toMatchObject({ channel: 'ioc-tinh', error: expect.stringContaining(`HTTP ${status}`) as string });
    expect(store.outbox.countQueued('ioc-tinh')).toBe(0);
  });

  it('delivers every notification exactly once and in order after an outage of the receiver', async () => {
    const receiver = await receivers();
    const { enqueue, waitForCounts, counted, outbox, store } = await harness(webhookConfig(receiver.webhookUrl));
    receiver.setMode({ kind: 'down' });
    const checks = Array.from({ length: 8 }, (_, index) => `dvcqg-${index}`);
    for (const check of checks) {
      enqueue(firing(check));
      await waitForCounts((entries) => entries.filter((entry) => entry.result === 'failed').length >= 1);
    }
    await waitForCounts((entries) => entries.filter((entry) => entry.result === 'failed').length >= 6);
    receiver.setMode({ kind: 'ok' });
    await waitForCounts((entries) => entries.filter((entry) => entry.result === 'sent').length === checks.length);
    await outbox.idle();
    const received = receiver.received.flatMap((request) =>
      (JSON.parse(request.body) as { notifications: { check: string }[] }).notifications.map((entry) => entry.check),
    );
    expect(received).toEqual(checks);
    expect(counted.filter((entry) => entry.result === 'sent')).toHaveLength(checks.length);
    expect(store.outbox.countQueued('ioc-tinh')).toBe(0);
  });

  it('never logs a secret header, even at trace level and on failures', async () => {
    const receiver = await receivers();
    const secret = 'Bearer s3cret-ioc-token-9876';
    const { enqueue, waitForCounts, log } = await harness(webhookConfig(receiver.webhookUrl, { headers: { authorization: secret } }));
    receiver.setMode({ kind: 'status', status: 503 });
    enqueue(firing('dvcqg-home'));
    await waitForCounts((entries) => entries.length >= 2);
    receiver.setMode({ kind: 'ok' });
    const [request] = await receiver.waitFor(1);
    await waitForCounts((entries) => entries.some((entry) => entry.result === 'sent'));
    expect(request!.headers.authorization).toBe(secret);
    expect(log.text()).toContain('webhook request delivered');
    expect(log.text()).not.toContain('s3cret-ioc-token-9876');
  });

  it('refuses an untrusted certificate (retried), and delivers to it with tls.verify: false', async () => {
    const leaf = await createLeafCertificate({ names: ['127.0.0.1'] });
    const bodies: string[] = [];
    const server = await startHttpsServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.end('{}');
      });
    }, leaf);
    cleanups.push(() => server.close());
    const strict = await harness(webhookConfig(`${server.url}/hook`));
    strict.enqueue(firing('dvcqg-home'));
    await strict.waitForCounts((entries) => entries.filter((entry) => entry.result === 'failed').length >= 2);
    expect(bodies).toEqual([]);
    await strict.outbox.stop();

    const relaxed = await harness(webhookConfig(`${server.url}/hook`, { tls: { verify: false } }));
    relaxed.enqueue(firing('dvcqg-home'));
    await relaxed.waitForCounts((entries) => entries.some((entry) => entry.result === 'sent'));
    expect(bodies).toHaveLength(1);
  });
});
