// System test: two dvc-sentinel daemons (child processes, the same location) watch the portal
// simulator and post their incidents to one real Alertmanager (Debian package
// `prometheus-alertmanager`), which notifies a webhook receiver run by this test. Shows that what
// the daemons post is accepted, that two instances posting the same outage make ONE alert and ONE
// notification, and that the recovery resolves the alert and is notified as resolved.
// Everything listens on 127.0.0.1 ports chosen by the OS; everything is stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_NAME } from '../../src/alerting/channels/alertmanager.ts';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { stopChild, startCli, type CliProcess } from '../support/cli-process.ts';
import { findExecutable, isRunnable, requireExecutable } from '../support/run-executable.ts';
import { waitFor } from '../support/wait-for.ts';

const LOCATION = 'system-test';
const CHECK = 'national-home';
const SYSTEM = 'national-portal';
const DAEMONS = ['a', 'b'] as const;
const RESEND_INTERVAL_MS = 1000;
/** Re-post rounds both daemons make while the test watches that Alertmanager holds one alert. */
const DEDUP_ROUNDS = 3;
const EXPECTED_LABELS = { alertname: ALERT_NAME, check: CHECK, system: SYSTEM, severity: 'critical', location: LOCATION };

/** An alert as GET /api/v2/alerts lists it. */
interface ListedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: { readonly state: string };
}

/** The body Alertmanager's webhook integration posts. */
interface WebhookNotification {
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly { readonly status: 'firing' | 'resolved'; readonly labels: Record<string, string>; readonly endsAt: string }[];
}

/** Records every notification Alertmanager posts to it. */
async function startWebhookReceiver(): Promise<{ server: Server; url: string; notifications: WebhookNotification[] }> {
  const notifications: WebhookNotification[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      try {
        notifications.push(JSON.parse(body) as WebhookNotification);
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end('not JSON');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, notifications };
}

/** Quick grouping and no repeats within the test: each notification here is caused by a change. */
function alertmanagerConfig(webhookUrl: string): string {
  return stringify({
    route: { receiver: 'webhook', group_by: ['alertname', 'location', 'system'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
    receivers: [{ name: 'webhook', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  });
}

/** Starts Alertmanager on an OS-chosen port; resolves with its URL once it answers ready. */
async function startAlertmanager(binary: string, dir: string, configFile: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  let output = '';
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'alertmanager')}`,
      '--web.listen-address=127.0.0.1:0',
      // Empty: no gossip listener (it would bind 0.0.0.0:9094).
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    // It logs the address it really bound, port included.
    const address = await waitFor(
      'Alertmanager listening',
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
        return /msg="Listening on" address=(127\.0\.0\.1:\d+)/.exec(output)?.[1];
      },
      (found) => found !== undefined,
      20_000,
    );
    const url = `http://${address}`;
    await waitFor(
      'Alertmanager ready',
      async () => (await request(`${url}/-/ready`)).statusCode,
      (status) => status === 200,
      20_000,
    );
    return { child, url, output: () => output };
  } catch (error) {
    await stopChild(child);
    throw new Error(`prometheus-alertmanager did not start: ${(error as Error).message}\n${output.slice(-3000)}`, { cause: error });
  }
}

/** Both daemons say the same: same location, same check, so the same alert labels. */
function sentinelConfig(sim: Simulator, dir: string, alertmanagerUrl: string): string {
  return stringify({
    location: LOCATION,
    server: { listen: '127.0.0.1:0' },
    storage: { path: path.join(dir, 'sentinel.db') },
    defaults: { interval: '300ms', timeout: '300ms', failureThreshold: 1, successThreshold: 1 },
    // No smtp: the mails go to .eml files under the storage directory.
    alerting: {
      groupWait: '300ms',
      flapping: { recoveryHold: '0s' },
      alertmanager: { urls: [alertmanagerUrl], resendInterval: `${RESEND_INTERVAL_MS}ms`, timeout: '2s' },
    },
    checks: [{ name: CHECK, system: SYSTEM, kind: 'http', url: `${sim.urls.national}/` }],
  });
}

/** Sum of the samples of a metric whose labels include all of `labels`, from Prometheus text. */
function sumSamples(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1]!, pair[2]!]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) sum += Number(match[3]);
  }
  return sum;
}

const alertmanagerBinary = findExecutable('prometheus-alertmanager');

// prometheus-alertmanager comes from the Debian package of that name; without it this test is
// skipped on a developer machine and fails under CI.
describe.skipIf(!isRunnable(alertmanagerBinary))('two dvc-sentinel daemons alerting through a real Alertmanager', () => {
  let dir: string;
  let sim: Simulator | undefined;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let alertmanager: Awaited<ReturnType<typeof startAlertmanager>> | undefined;
  const daemons: { name: string; cli: CliProcess; url: string }[] = [];

  const listAlerts = async (): Promise<ListedAlert[]> => {
    const filter = encodeURIComponent(`alertname="${ALERT_NAME}"`);
    const response = await request(`${alertmanager!.url}/api/v2/alerts?filter=${filter}`);
    if (response.statusCode !== 200) throw new Error(`GET /api/v2/alerts: HTTP ${response.statusCode} ${await response.body.text()}`);
    return ((await response.body.json()) as ListedAlert[]).filter((alert) => alert.labels.check === CHECK);
  };
  const activeAlerts = async () => (await listAlerts()).filter((alert) => alert.status.state === 'active');
  const metricsOf = async (daemon: { url: string }): Promise<string> => (await request(new URL('/metrics', daemon.url))).body.text();
  const postsSent = async (daemon: { url: string }, type: 'firing' | 'resolved') =>
    sumSamples(await metricsOf(daemon), 'dvc_notifications_total', { channel: 'alertmanager', type, result: 'sent' });
  const notificationsOf = (status: 'firing' | 'resolved') =>
    webhook!.notifications.filter((notification) => notification.alerts.some((alert) => alert.labels.check === CHECK && alert.status === status));

  beforeAll(async () => {
    const binary = requireExecutable(alertmanagerBinary, 'prometheus-alertmanager', 'prometheus-alertmanager');
    dir = await mkdtemp(path.join(tmpdir(), 'dvc-system-alertmanager-'));
    webhook = await startWebhookReceiver();
    const alertmanagerFile = path.join(dir, 'alertmanager.yml');
    await writeFile(alertmanagerFile, alertmanagerConfig(webhook.url));
    alertmanager = await startAlertmanager(binary, dir, alertmanagerFile);
    sim = await startSimulator({ basePort: 0, certDir: path.join(dir, 'sim') });

    for (const name of DAEMONS) {
      const daemonDir = path.join(dir, `sentinel-${name}`);
      await mkdir(daemonDir);
      const configFile = path.join(daemonDir, 'sentinel.yaml');
      await writeFile(configFile, sentinelConfig(sim, daemonDir, alertmanager.url));
      const cli = startCli(['run', '--config', configFile]);
      daemons.push({ name, cli, url: '' });
    }
    for (const [index, daemon] of daemons.entries()) {
      const started = await daemon.cli.waitForLog((line) => line.msg === 'dvc-sentinel started', 30_000);
      daemons[index] = { ...daemon, url: String(started.url) };
    }
    // Healthy first: nothing to alert about yet.
    for (const daemon of daemons) {
      await waitFor(
        `daemon ${daemon.name} probing ${CHECK} successfully`,
        () => metricsOf(daemon),
        (text) =>
          sumSamples(text, 'dvc_probe_last_run_timestamp_seconds', { check: CHECK }) > 0 && sumSamples(text, 'dvc_probe_success', { check: CHECK }) === 1,
      );
    }
  });

  afterAll(async () => {
    await Promise.all(daemons.map((daemon) => stopChild(daemon.cli.child)));
    if (alertmanager) await stopChild(alertmanager.child);
    await sim?.close();
    if (webhook) {
      webhook.server.closeAllConnections();
      await new Promise((resolve) => webhook!.server.close(resolve));
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has no alert while the portal is healthy', async () => {
    expect(await listAlerts()).toEqual([]);
    expect(notificationsOf('firing')).toEqual([]);
  });

  it('turns one outage seen by both daemons into one active alert and one firing notification', async () => {
    sim!.setScenario('portal-down', true);
    await sim!.settle();

    // Both daemons see the outage, each opening an incident of its own.
    const opened = await Promise.all(daemons.map((daemon) => daemon.cli.waitForLog((line) => line.msg === 'incident opened' && line.check === CHECK, 30_000)));
    const [alert] = await waitFor('an active DvcCheckFailing alert', activeAlerts, (alerts) => alerts.length > 0);
    expect(alert!.labels).toEqual(EXPECTED_LABELS);
    expect(alert!.annotations.summary).toContain(CHECK);
    expect(opened.map((line) => line.incident)).toContain(alert!.annotations.incident);
    expect(Date.parse(alert!.endsAt)).toBeGreaterThan(Date.now());

    // Both daemons keep posting the same labels, every round and on every change of their
    // incident; through several rounds Alertmanager holds one alert, never two.
    const baseline = await Promise.all(daemons.map((daemon) => postsSent(daemon, 'firing')));
    const counts: number[] = [];
    const watchUntil = Date.now() + DEDUP_ROUNDS * RESEND_INTERVAL_MS;
    while (Date.now() < watchUntil) {
      counts.push((await listAlerts()).length);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(new Set(counts)).toEqual(new Set([1]));
    for (const [index, daemon] of daemons.entries()) {
      expect(await postsSent(daemon, 'firing'), `posts of daemon ${daemon.name}`).toBeGreaterThanOrEqual(baseline[index]! + DEDUP_ROUNDS);
      expect(sumSamples(await metricsOf(daemon), 'dvc_notifications_total', { channel: 'alertmanager', result: 'failed' }), `daemon ${daemon.name}`).toBe(0);
    }

    // group_interval (1 s) has passed several times: a second notification would be here by now.
    const firing = notificationsOf('firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]!.status).toBe('firing');
    expect(firing[0]!.alerts.map((each) => each.labels)).toEqual([EXPECTED_LABELS]);
  });

  it('resolves the alert with the time the daemons saw the recovery, and notifies the resolution', async () => {
    sim!.setScenario('portal-down', false);
    await sim!.settle();

    const resolvedAt = await Promise.all(
      daemons.map(async (daemon) => {
        const line = await daemon.cli.waitForLog((each) => each.msg === 'incident resolved' && each.check === CHECK, 30_000);
        return Date.parse(String(line.resolvedAt));
      }),
    );
    for (const daemon of daemons) {
      await waitFor(
        `daemon ${daemon.name} posting the resolution`,
        () => postsSent(daemon, 'resolved'),
        (sent) => sent > 0,
      );
    }
    await waitFor('no active DvcCheckFailing alert', activeAlerts, (alerts) => alerts.length === 0);
    // Whatever the two daemons' posts interleaved, the last word Alertmanager gives is "resolved".
    const notifications = await waitFor(
      'a resolved webhook notification, last',
      async () => webhook!.notifications,
      (all) => all.at(-1)?.status === 'resolved',
    );
    const [alert] = notifications.at(-1)!.alerts.filter((each) => each.labels.check === CHECK);
    expect(alert!.labels).toEqual(EXPECTED_LABELS);
    expect(alert!.status).toBe('resolved');
    // Resolved by a daemon's post (endsAt = its incident's resolvedAt), not by the firing
    // alert's endsAt running out.
    expect(resolvedAt).toContain(Date.parse(alert!.endsAt));
  });
});
