import { describe, expect, it } from 'vitest';
import { configuredChannels } from '../../../src/alerting/channel.ts';
import { createChannels } from '../../../src/alerting/channels/registry.ts';
import { captureLog, makeAlerting } from '../../support/alerting-fixtures.ts';

describe('createChannels', () => {
  it.each([
    ['email only', makeAlerting()],
    ['email and Alertmanager', makeAlerting({ alertmanager: { urls: ['http://127.0.0.1:9093'], resendIntervalSeconds: 60, timeoutSeconds: 5 } })],
  ])('builds the channels a notice is queued on (%s)', (_name, alerting) => {
    const channels = createChannels({ alerting, log: captureLog().log });
    expect(channels.map((channel) => channel.name)).toEqual(configuredChannels(alerting));
    for (const channel of channels) channel.close();
  });
});
