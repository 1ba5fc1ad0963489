import { probeMessage } from '../../../src/probes/probe.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alertsEndpointOf,
  createAlertmanagerPoster,
  startAlertmanagerLoop,
  type AlertmanagerAlert,
  type AlertmanagerPosterOptions,
} from '../../../src/alerting/channels/alertmanager.ts';
import { openStore } from '../../../src/store/store.ts';
import { captureLog, makeIncident } from '../../support/alerting-fixtures.ts';
import { findClosedPort } from '../../support/http-servers.ts';

const NOW = new Date('2026-05-29T16:00:00Z');

interface FakeAlertmanager {
  readonly url: string;
  readonly port: number;
  /** Every POST body to /api/v2/alerts, parsed, with its path. */
  readonly posts: Array<{ path: string; alerts: AlertmanagerAlert[] }>;
  waitForPosts(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Answers POST {prefix}/api/v2/alerts with `status` and keeps what it got. */
async function startFakeAlertmanager(options: { port?: number; status?: number; prefix?: string } = {}): Promise<FakeAlertmanager> {
  const posts: FakeAlertmanager['posts'] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === `${options.prefix ?? ''}/api/v2/alerts` && request.headers['content-type'] === 'application/json') {
        posts.push({ path: request.url, alerts: JSON.parse(Buffer.concat(chunks).toString()) as AlertmanagerAlert[] });
        for (const wake of waiters) wake();
        response.writeHead(options.status ?? 200).end(options.status === undefined ? '' : 'alertmanager is unhappy');
      } else {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const fake: FakeAlertmanager = {
    url: `http://127.0.0.1:${port}${options.prefix ?? ''}`,
    port,
    posts,
    waitForPosts(count, timeoutMs = 10_000) {
      if (posts.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} posts, got ${posts.length}`)), timeoutMs);
        const check = () => {
          if (posts.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  cleanups.push(() => fake.close());
  return fake;
}

function channelOptions(urls: string[], extra: Partial<AlertmanagerPosterOptions> = {}): AlertmanagerPosterOptions {
  return {
    urls,
    resendIntervalSeconds: 60,
    timeoutSeconds: 2,
    locale: 'vi',
    location: 'an-giang',
    links: { statusPage: 'https://status.angiang.example/' },
    log: captureLog().log,
    clock: () => NOW,
    ...extra,
  };
}

describe('createAlertmanagerPoster', () => {
  const open = makeIncident({ check: 'dvcqg-home', openedAt: new Date('2026-05-29T15:10:05Z') });
  const resolved = makeIncident({
    check: 'tthc-tinh',
    system: 'province',
    severity: 'warning',
    openedAt: new Date('2026-05-29T15:20:00Z'),
    resolvedAt: new Date('2026-05-29T15:58:00Z'),
    lastReason: 'latency',
    lastMessage: 'latency 4.2 s over warn 3 s',
  });

  it('posts labels, annotations and times to every Alertmanager', async () => {
    const first = await startFakeAlertmanager();
    const second = await startFakeAlertmanager({ prefix: '/alertmanager' });
    const outcome = await createAlertmanagerPoster(channelOptions([first.url, `${second.url}/`])).push([open], [resolved]);
    expect(outcome).toEqual({ delivered: [first.url, `${second.url}/`], failed: [] });
    expect(second.posts.map((post) => post.path)).toEqual(['/alertmanager/api/v2/alerts']);
    expect(second.posts[0]!.alerts).toEqual(first.posts[0]!.alerts);
    expect(first.posts[0]!.alerts).toEqual([
      {
        labels: { alertname: 'DvcCheckFailing', check: 'dvcqg-home', system: 'national-portal', severity: 'critical', location: 'an-giang' },
        annotations: {
          summary: 'dvcqg-home (national-portal) đang gặp sự cố: không truy cập được',
          description: 'no answer before the deadline (during connect)',
          reason: 'timeout',
          incident: open.id,
        },
        startsAt: '2026-05-29T15:10:05.000Z',
        endsAt: '2026-05-29T16:04:00.000Z', // now + 4 × resendInterval: expires if we die
        generatorURL: 'https://status.angiang.example/',
      },
      {
        labels: { alertname: 'DvcCheckFailing', check: 'tthc-tinh', system: 'province', severity: 'warning', location: 'an-giang' },
        annotations: {
          summary: 'tthc-tinh (province) đã gặp sự cố: phản hồi chậm',
          description: 'latency 4.2 s over warn 3 s',
          reason: 'latency',
          incident: resolved.id,
        },
        startsAt: '2026-05-29T15:20:00.000Z',
        endsAt: '2026-05-29T15:58:00.000Z',
        generatorURL: 'https://status.angiang.example/',
      },
    ]);
  });

  it('words the summary and a coded description in the configured locale, falling back to the text of an uncoded one', async () => {
    const coded = makeIncident({
      check: 'tthc-tinh',
      system: 'province',
      lastReason: 'http_status',
      lastMessage: 'HTTP 503 from tthc.angiang.example',
      lastDetail: probeMessage('http_status', { status: 503, host: 'tthc.angiang.example' }),
      last: { ...open.last, httpStatus: 503 },
    });
    const vietnamese = await startFakeAlertmanager();
    await createAlertmanagerPoster(channelOptions([vietnamese.url])).push([coded], []);
    const [vi] = vietnamese.posts[0]!.alerts;
    expect(vi!.annotations.summary).toMatch(/^tthc-tinh \(province\) đang gặp sự cố: /);
    expect(vi!.annotations.description).not.toBe('HTTP 503 from tthc.angiang.example');
    expect(vi!.annotations.description).toContain('503');
    const english = await startFakeAlertmanager();
    await createAlertmanagerPoster(channelOptions([english.url], { locale: 'en' })).push([coded, open], []);
    const [en, uncoded] = english.posts[0]!.alerts;
    expect(en!.annotations.summary).toMatch(/^tthc-tinh \(province\) is failing: /);
    expect(en!.annotations.description).toContain('503');
    expect(uncoded!.annotations.description).toBe('no answer before the deadline (during connect)');
  });

  it('leaves out the location label and generatorURL when not configured', async () => {
    const alertmanager = await startFakeAlertmanager();
    await createAlertmanagerPoster(channelOptions([alertmanager.url], { location: undefined, links: {} })).push([open], []);
    const [alert] = alertmanager.posts[0]!.alerts;
    expect(Object.keys(alert!.labels).sort()).toEqual(['alertname', 'check', 'severity', 'system']);
    expect(alert!.generatorURL).toBeUndefined();
  });

  it('sends only the open incident of a check whose earlier incident also resolved lately', async () => {
    const alertmanager = await startFakeAlertmanager();
    const earlier = makeIncident({ check: 'dvcqg-home', openedAt: new Date('2026-05-29T15:00:00Z'), resolvedAt: new Date('2026-05-29T15:05:00Z') });
    await createAlertmanagerPoster(channelOptions([alertmanager.url])).push([open], [earlier]);
    expect(alertmanager.posts[0]!.alerts.map((alert) => alert.startsAt)).toEqual([open.openedAt.toISOString()]);
  });

  it('logs, counts and reports a failed post without throwing, and still posts to the others', async () => {
    const unhappy = await startFakeAlertmanager({ status: 500 });
    const closedUrl = `http://127.0.0.1:${await findClosedPort()}`;
    const healthy = await startFakeAlertmanager();
    const log = captureLog();
    const counted: string[] = [];
    const channel = createAlertmanagerPoster(
      channelOptions([unhappy.url, closedUrl, healthy.url], { log: log.log, onDelivered: (_channel, type, result) => counted.push(`${type}:${result}`) }),
    );
    const outcome = await channel.push([open], [resolved]);
    expect(outcome.delivered).toEqual([healthy.url]);
    expect(outcome.failed.map((failure) => failure.url)).toEqual([unhappy.url, closedUrl]);
    expect(outcome.failed[0]!.error).toContain('HTTP 500');
    expect(outcome.failed[0]!.error).toContain('alertmanager is unhappy');
    expect(outcome.failed[1]!.error).toMatch(/ECONNREFUSED|connect/);
    expect(counted.sort()).toEqual(['firing:failed', 'firing:failed', 'firing:sent', 'resolved:failed', 'resolved:failed', 'resolved:sent']);
    expect(log.lines().filter((line) => line.msg === 'alertmanager post failed; will post again next round')).toHaveLength(2);
    expect(healthy.posts).toHaveLength(1);
  });

  it('joins the API path to a base URL with or without a trailing slash', () => {
    expect(alertsEndpointOf('http://am:9093')).toBe('http://am:9093/api/v2/alerts');
    expect(alertsEndpointOf('http://am:9093/prefix/')).toBe('http://am:9093/prefix/api/v2/alerts');
  });
});

describe('startAlertmanagerLoop', () => {
  it('re-posts the picture every round, so a resolution during an Alertmanager outage still arrives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-am-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = captureLog();
    const store = openStore(join(dir, 'sentinel.db'), { log: log.log });
    cleanups.push(() => store.close());
    const still = makeIncident({ check: 'dvcqg-home', openedAt: new Date('2026-05-29T15:10:00Z') });
    const recovered = makeIncident({ check: 'dvcqg-search', openedAt: new Date('2026-05-29T15:30:00Z'), resolvedAt: new Date('2026-05-29T15:59:59.700Z') }); // within 3 rounds (0.6 s)
    const longAgo = makeIncident({ check: 'tthc-tinh', openedAt: new Date('2026-05-29T10:00:00Z'), resolvedAt: new Date('2026-05-29T10:30:00Z') });
    const settling = makeIncident({ check: 'dvcqg-login', openedAt: new Date('2026-05-29T15:59:58Z'), announced: false });
    store.transaction(() => {
      for (const incident of [still, recovered, longAgo, settling]) store.incidents.upsert(incident);
    });

    const port = await findClosedPort();
    let failures = 0;
    let wakeOnFailure: (() => void) | undefined;
    const intervalSeconds = 0.2;
    const channel = createAlertmanagerPoster(
      channelOptions([`http://127.0.0.1:${port}`], {
        resendIntervalSeconds: intervalSeconds,
        log: log.log,
        onDelivered: (_channel, _type, result) => {
          if (result === 'failed') failures += 1;
          wakeOnFailure?.();
        },
      }),
    );
    const loop = startAlertmanagerLoop({ channel, store, intervalSeconds, log: log.log, clock: () => NOW });
    cleanups.push(() => loop.stop());
    // Two rounds against nothing (each round counts the firing and the resolved alert)…
    await new Promise<void>((resolve) => {
      wakeOnFailure = () => failures >= 4 && resolve();
      wakeOnFailure();
    });
    // …then Alertmanager comes back on its port.
    const alertmanager = await startFakeAlertmanager({ port });
    await alertmanager.waitForPosts(2);
    await loop.stop();
    for (const post of alertmanager.posts) {
      expect(post.alerts.map((alert) => [alert.labels.check, alert.endsAt])).toEqual([
        ['dvcqg-home', new Date(NOW.getTime() + 4 * intervalSeconds * 1000).toISOString()],
        ['dvcqg-search', '2026-05-29T15:59:59.700Z'],
      ]);
    }
    expect(log.lines().filter((line) => line.msg === 'alertmanager post failed; will post again next round').length).toBeGreaterThanOrEqual(2);
  });

  it('posts at once on wake, without waiting for the round', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-am-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = captureLog();
    const store = openStore(join(dir, 'sentinel.db'), { log: log.log });
    cleanups.push(() => store.close());
    const alertmanager = await startFakeAlertmanager();
    const channel = createAlertmanagerPoster(channelOptions([alertmanager.url], { log: log.log }));
    const loop = startAlertmanagerLoop({ channel, store, intervalSeconds: 3600, log: log.log, clock: () => NOW });
    cleanups.push(() => loop.stop());
    store.transaction(() => store.incidents.upsert(makeIncident()));
    loop.wake();
    await alertmanager.waitForPosts(1);
    expect(alertmanager.posts[0]!.alerts.map((alert) => alert.labels.check)).toEqual(['dvcqg-home']);
  });
});
