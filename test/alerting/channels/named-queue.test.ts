import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueNotice } from '../../../src/alerting/notices.ts';
import { openStore } from '../../../src/store/store.ts';
import { captureLog, makeAlerting } from '../../support/alerting-fixtures.ts';
import { tempDir } from './named-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('enqueueNotice with named channels', () => {
  it('queues a notice on mail, on the webhook and once per Zalo chat, each chat on its own route', async () => {
    const store = openStore(join(await tempDir(cleanups), 'sentinel.db'), { log: captureLog().log });
    cleanups.push(() => store.close());
    const alerting = makeAlerting({
      webhooks: [
        {
          kind: 'webhook',
          name: 'ioc-tinh',
          routes: [],
          url: 'http://127.0.0.1:9/hook',
          method: 'POST',
          headers: {},
          timeoutSeconds: 10,
          tls: { verify: true },
        },
      ],
      zalo: [{ kind: 'zalo', name: 'zalo-truc', routes: [], token: 't', chatIds: ['c2', 'c1'], apiBase: 'http://127.0.0.1:9/zalo', timeoutSeconds: 10 }],
    });
    const ids = enqueueNotice(store, alerting, { kind: 'store_unwritable', key: 'disk', severity: 'critical', params: {} }, new Date());
    expect(ids).toHaveLength(4);
    expect(store.outbox.pending('email').map((row) => row.notification.to)).toEqual([['trucban@angiang.gov.vn']]);
    expect(store.outbox.pending('ioc-tinh').map((row) => [row.route, row.notification.to])).toEqual([['to:', []]]);
    expect(store.outbox.pending('zalo-truc').map((row) => [row.route, row.notification.to])).toEqual([
      ['to:c1', ['c1']],
      ['to:c2', ['c2']],
    ]);
  });
});
