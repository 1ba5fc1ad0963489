import { describe, expect, it } from 'vitest';
import { configuredChannels } from '../../../src/alerting/channel.ts';
import { createChannels } from '../../../src/alerting/channels/registry.ts';
import { captureLog, makeAlerting } from '../../support/alerting-fixtures.ts';

describe('createChannels', () => {
  it.each([
    ['email only', makeAlerting()],
    ['email and Alertmanager', makeAlerting({ alertmanager: { urls: ['http://127.0.0.1:9093'], resendIntervalSeconds: 60, timeoutSeconds: 5 } })],
    [
      'email, a webhook and Zalo by their names',
      makeAlerting({
        webhooks: [
          {
            kind: 'webhook',
            name: 'ioc-tinh',
            routes: [],
            url: 'http://127.0.0.1:9/webhook',
            method: 'POST',
            headers: {},
            timeoutSeconds: 10,
            tls: { verify: true },
          },
        ],
        zalo: [{ kind: 'zalo', name: 'zalo-truc', routes: [], token: 't', chatIds: ['c'], apiBase: 'http://127.0.0.1:9/zalo', timeoutSeconds: 10 }],
      }),
    ],
  ])('builds the channels a notice is queued on (%s)', (_name, alerting) => {
    const channels = createChannels({ alerting, log: captureLog().log });
    expect(channels.map((channel) => channel.name)).toEqual(configuredChannels(alerting));
    for (const channel of channels) channel.close();
  });
});
