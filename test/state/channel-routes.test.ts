import { describe, expect, it } from 'vitest';
import type { WebhookChannelConfig, ZaloChannelConfig } from '../../src/config/alerting-config.ts';
import { channelDeliveries } from '../../src/state/channel-routes.ts';
import { makeAlerting, makeIncident, makeNotification } from '../support/alerting-fixtures.ts';

const webhook = (name: string, routes: WebhookChannelConfig['routes'] = []): WebhookChannelConfig => ({
  kind: 'webhook',
  name,
  routes,
  url: 'http://127.0.0.1:1/webhook',
  method: 'POST',
  headers: {},
  timeoutSeconds: 10,
  tls: { verify: true },
});
const zalo = (name: string, chatIds: string[], routes: ZaloChannelConfig['routes'] = []): ZaloChannelConfig => ({
  kind: 'zalo',
  name,
  routes,
  token: 't',
  chatIds,
  apiBase: 'http://127.0.0.1:1/zalo',
  timeoutSeconds: 10,
});

const firing = (overrides: Parameters<typeof makeIncident>[0] = {}) => makeNotification('firing', { incident: makeIncident(overrides) });

describe('channelDeliveries', () => {
  it('sends everything to a channel without routes, one row per chat, nothing of reports, and what the desk did to webhooks only', () => {
    const alerting = makeAlerting({ webhooks: [webhook('ioc')], zalo: [zalo('zalo-truc', ['c2', 'c1', 'c1'])] });
    expect(channelDeliveries(firing(), alerting)).toEqual([
      { channel: 'ioc', targets: [], route: 'to:' },
      { channel: 'zalo-truc', targets: ['c1'], route: 'to:c1' },
      { channel: 'zalo-truc', targets: ['c2'], route: 'to:c2' },
    ]);
    expect(channelDeliveries(makeNotification('report'), alerting)).toEqual([]);
    expect(channelDeliveries(makeNotification('desk', { incident: makeIncident() }), alerting)).toEqual([{ channel: 'ioc', targets: [], route: 'to:' }]);
  });

  it('sends what the desk did only to webhooks whose routes take the incident', () => {
    const alerting = makeAlerting({
      webhooks: [webhook('ioc', [{ match: { system: 'national-portal' } }]), webhook('other', [{ match: { system: 'provincial' } }])],
    });
    const desk = makeNotification('desk', { incident: makeIncident({ system: 'national-portal' }) });
    expect(channelDeliveries(desk, alerting).map((delivery) => delivery.channel)).toEqual(['ioc']);
  });

  it('matches a route only when every field it gives matches, and its `to` replaces the chats', () => {
    const routes = [
      { match: { system: 'national-portal', severity: 'critical' as const }, to: ['lanh-dao'] },
      { match: { check: 'dvcqg-*', severity: 'warning' as const } },
    ];
    const alerting = makeAlerting({ zalo: [zalo('zalo-truc', ['ky-thuat'], routes)] });
    expect(channelDeliveries(firing({ severity: 'critical' }), alerting).map((entry) => entry.targets)).toEqual([['lanh-dao']]);
    expect(channelDeliveries(firing({ severity: 'warning' }), alerting).map((entry) => entry.targets)).toEqual([['ky-thuat']]);
    expect(channelDeliveries(firing({ severity: 'warning', check: 'tinh-home' }), alerting)).toEqual([]);
    // A vantage notice has no system: a route naming one does not match it.
    expect(channelDeliveries(makeNotification('vantage_down'), alerting)).toEqual([]);
  });

  it('matches a maintenance route by the window the notification speaks for', () => {
    const alerting = makeAlerting({ webhooks: [webhook('ioc', [{ match: { maintenance: 'nang-cap' } }])] });
    expect(channelDeliveries(makeNotification('maintenance_end', { window: 'nang-cap' }), alerting)).toHaveLength(1);
    expect(channelDeliveries(makeNotification('maintenance_end', { window: 'khac' }), alerting)).toHaveLength(0);
  });

  it('gives a channel named by an escalation step and in no route only its escalations', () => {
    const alerting = makeAlerting({ zalo: [zalo('giam-doc', ['gd']), zalo('truc', ['t'], [{ match: { severity: 'critical' } }])] });
    const named = new Set(['giam-doc', 'truc']);
    expect(channelDeliveries(firing(), alerting, named).map((entry) => entry.channel)).toEqual(['truc']);
    expect(channelDeliveries(firing(), alerting).map((entry) => entry.channel)).toEqual(['giam-doc', 'truc']);
  });

  it('sends a notice about the monitor to every channel with its own targets', () => {
    const alerting = makeAlerting({ zalo: [zalo('truc', ['t'], [{ match: { system: 'x' } }])] });
    const notice = makeNotification('notice', { notice: { kind: 'store_unwritable', key: 'k', severity: 'critical', params: {} } });
    expect(channelDeliveries(notice, alerting)).toEqual([{ channel: 'truc', targets: ['t'], route: 'to:t' }]);
  });
});
