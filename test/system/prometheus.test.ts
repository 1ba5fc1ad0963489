// System test: the portal simulator, a real dvc-sentinel daemon (child process) probing it, and a
// real Prometheus (Debian package `prometheus`) scraping the daemon every second with the shipped
// config/prometheus/prometheus.yml and rules.yml. Shows that the exported series and the rules work
// in a real Prometheus, and that an outage travels from the simulator to a query result.
// Everything listens on 127.0.0.1 ports chosen by the OS; everything is stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { stopChild, startCli, type CliProcess } from '../support/cli-process.ts';
import { findExecutable, isRunnable, requireExecutable } from '../support/run-executable.ts';
import { waitFor } from '../support/wait-for.ts';
import { DASHBOARD_FILES, dashboardQueries, setVariables } from '../support/dashboard-queries.ts';
import { simulatorConfig } from '../support/simulator-config.ts';

const CONFIG_DIR = fileURLToPath(new URL('../../config/prometheus/', import.meta.url));
const JOB = 'dvc-sentinel';
const CHECKS = ['national-home', 'national-tcp', 'national-tls', 'quantricong-login', 'provincial-login', 'hoso-sync'] as const;

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

interface RuleState {
  readonly name: string;
  readonly health: string;
  readonly lastError?: string;
}

/** A port free at the time of asking; Prometheus cannot report the port it got for :0. */
async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The shipped prometheus.yml, pointed at this daemon, scraping and evaluating every second, alerting nowhere. */
async function prometheusConfig(metricsAddress: string): Promise<string> {
  const shipped = parse(await readFile(path.join(CONFIG_DIR, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    alerting?: unknown;
    scrape_configs: { job_name: string; scrape_interval?: string; scrape_timeout?: string; static_configs: { targets: string[] }[] }[];
  };
  const job = shipped.scrape_configs.find((config) => config.job_name === JOB);
  if (!job) throw new Error(`config/prometheus/prometheus.yml has no job ${JOB}`);
  delete shipped.alerting;
  shipped.global = { ...shipped.global, scrape_interval: '1s', evaluation_interval: '1s' };
  shipped.rule_files = shipped.rule_files.map((file) => path.resolve(CONFIG_DIR, file));
  shipped.scrape_configs = [{ ...job, scrape_interval: '1s', scrape_timeout: '1s', static_configs: [{ targets: [metricsAddress] }] }];
  return stringify(shipped);
}

const prometheusBinary = findExecutable('prometheus');

// prometheus comes from the Debian package `prometheus`; without it this test is skipped on a
// developer machine and fails under CI.
describe.skipIf(!isRunnable(prometheusBinary))('Prometheus scraping dvc-sentinel with the shipped rules', () => {
  let dir: string;
  let sim: Simulator | undefined;
  let daemon: CliProcess | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusOutput = '';
  let prometheusUrl: string;
  let metricsAddress: string;

  const query = async (promql: string): Promise<Sample[]> => {
    const response = await request(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.body.json()) as { status: string; error?: string; data: { result: Sample[] } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data.result;
  };
  const valuesByCheck = (samples: Sample[]) => Object.fromEntries(samples.map((sample) => [sample.metric.check, Number(sample.value[1])]));

  beforeAll(async () => {
    const binary = requireExecutable(prometheusBinary, 'prometheus', 'prometheus');
    dir = await mkdtemp(path.join(tmpdir(), 'dvc-system-prometheus-'));
    sim = await startSimulator({ basePort: 0, certDir: path.join(dir, 'sim') });

    const configFile = path.join(dir, 'sentinel.yaml');
    await writeFile(configFile, simulatorConfig(sim, dir));
    daemon = startCli(['run', '--config', configFile]);
    const started = await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 30_000);
    metricsAddress = new URL(String(started.url)).host;

    const prometheusFile = path.join(dir, 'prometheus.yml');
    await writeFile(prometheusFile, await prometheusConfig(metricsAddress));
    // Another process may take the port between asking and binding: try a few.
    for (let attempt = 1; ; attempt += 1) {
      const port = await findFreePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      prometheusOutput = '';
      const child = spawn(
        binary,
        [
          `--config.file=${prometheusFile}`,
          `--storage.tsdb.path=${path.join(dir, `tsdb-${attempt}`)}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--storage.tsdb.retention.time=1h',
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus = child;
      child.stdout.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
      const ready = await waitFor(
        'Prometheus ready',
        async () => (child.exitCode !== null ? 'exited' : (await request(`${prometheusUrl}/-/ready`)).statusCode === 200 ? 'ready' : 'starting'),
        (state) => state !== 'starting',
        30_000,
      ).catch((error: Error) => error.message);
      if (ready === 'ready') break;
      await stopChild(child);
      if (attempt === 3 || !prometheusOutput.includes('address already in use')) {
        throw new Error(`prometheus did not start (${ready}):\n${prometheusOutput.slice(-3000)}`);
      }
    }
  });

  afterAll(async () => {
    if (prometheus) await stopChild(prometheus);
    if (daemon) await stopChild(daemon.child);
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scrapes the daemon and sees the status of every configured check', async () => {
    await waitFor(
      'up == 1',
      () => query(`up{job="${JOB}"} == 1`),
      (samples) => samples.length === 1,
    );
    const statuses = await waitFor(
      'dvc_check_status of every check',
      () => query(`dvc_check_status{job="${JOB}"}`),
      (samples) => CHECKS.every((check) => samples.some((sample) => sample.metric.check === check)),
    );
    expect(statuses.map((sample) => sample.metric.check).sort()).toEqual([...CHECKS].sort());
    for (const sample of statuses) {
      expect(sample.metric).toMatchObject({ job: JOB, instance: metricsAddress, location: 'system-test' });
    }
    expect(valuesByCheck(statuses)['national-home']).toBe(0);
  });

  it('evaluates every rule of rules.yml without error, and the recording rules give sensible values', async () => {
    const rules = await waitFor(
      'every rule evaluated',
      async () => {
        const response = await request(`${prometheusUrl}/api/v1/rules`);
        const body = (await response.body.json()) as { data: { groups: { rules: RuleState[] }[] } };
        return body.data.groups.flatMap((group) => group.rules);
      },
      (states) => states.length > 0 && states.every((state) => state.health !== 'unknown'),
    );
    expect(rules.filter((state) => state.health !== 'ok')).toEqual([]);

    const availability = await waitFor(
      'availability of national-home',
      () => query(`check:dvc_probe_availability:ratio_rate5m{check="national-home"}`),
      (samples) => samples.length === 1,
    );
    expect(Number(availability[0]!.value[1])).toBe(1);
    const daysLeft = await waitFor(
      'certificate days left',
      () => query('check:dvc_tls_cert_days_left'),
      (samples) => samples.length > 0,
    );
    expect(valuesByCheck(daysLeft)['national-tls']).toBeGreaterThan(14);
    // The prober is healthy: none of the prober alerts is pending or firing.
    expect(await query(`ALERTS{alertname=~"DvcSentinelDown|DvcConfigReloadFailed|DvcSchedulerLagging"}`)).toEqual([]);
  });

  it('runs every dashboard query without error, every panel but those that show only trouble has data, and each series carries its legend labels', async () => {
    const variables = { location: '.*', system: '.*', job: JOB, __range: '5m', __interval: '1m', __rate_interval: '1m' };
    const queries = DASHBOARD_FILES.flatMap(dashboardQueries);
    // A panel has data when one of its queries has, for one of the checks when it shows one check:
    // checks on IP addresses have no dns phase, only sync checks have a lag.
    const withData = new Set<string>();
    const failed: string[] = [];
    for (const { where, panel, expr, legendLabels } of queries) {
      for (const check of /\$\{?check\b/.test(expr) ? CHECKS : [undefined]) {
        try {
          const samples = await query(setVariables(expr, check === undefined ? variables : { ...variables, check }));
          if (samples.length > 0) withData.add(panel);
          for (const sample of samples) {
            const missing = legendLabels.filter((label) => sample.metric[label] === undefined);
            if (missing.length > 0) failed.push(`${where}: legend label ${missing.join(', ')} missing from ${JSON.stringify(sample.metric)}`);
          }
        } catch (error) {
          failed.push(`${where}: ${(error as Error).message}`);
        }
      }
    }
    expect(failed).toEqual([]);
    // Every other panel must have data in this healthy run.
    const quietWhileHealthy: Record<string, string> = {
      'overview.json "Kiểm tra lỗi ở lần gần nhất"': 'no probe fails',
      'overview.json "Lỗi theo nguyên nhân"': 'no probe fails',
      'overview.json "Lỗi theo kiểm tra và nguyên nhân"': 'no probe fails',
      'check.json "Lỗi theo nguyên nhân"': 'no probe fails',
      'overview.json "Sự cố đang mở theo hệ thống"': 'no incident is open',
      'overview.json "Lượt kiểm tra bị bỏ qua"': 'no run overlaps its next slot',
      'overview.json "Hồ sơ lệch trạng thái"': 'the simulator config has no parity check',
      'check.json "Lệch trạng thái hồ sơ"': 'the simulator config has no parity check',
      'overview.json "Báo cáo gửi gần nhất"': 'the simulator config schedules no report (sending is tested in test/daemon-report.test.ts)',
      'overview.json "Báo cáo trễ hạn (7 ngày)"': 'no report misses its deadline',
      'overview.json "Thời gian gián đoạn còn được phép theo mục tiêu"': 'the simulator config sets no objective (the metric is tested in test/daemon.test.ts)',
      'overview.json "Thời gian đến khi tiếp nhận sự cố (trung vị)"':
        'no incident is acknowledged (acknowledgement is tested in test/system/duty-desk.test.ts)',
      'duty.json "Sự cố đang mở theo hệ thống và mức độ"': 'no incident is open',
      'duty.json "Sự cố đang mở theo thời gian"': 'no incident is open',
      'duty.json "Sự cố đã tiếp nhận trong khoảng đang xem"': 'no incident is acknowledged (acknowledgement is tested in test/system/duty-desk.test.ts)',
      'duty.json "Thời gian đến khi tiếp nhận (p50 / p90)"': 'no incident is acknowledged (acknowledgement is tested in test/system/duty-desk.test.ts)',
      'duty.json "Kết quả gửi thông báo theo kênh"': 'no notification is sent while every check is healthy',
      'duty.json "Thông báo trong khoảng đang xem"': 'no notification is sent while every check is healthy',
      'duty.json "Tỷ lệ gửi được theo kênh"': 'no notification is sent while every check is healthy',
      'duty.json "Thông báo bị từ bỏ"': 'no notification is sent while every check is healthy',
      'duty.json "Thời gian từ lần gửi báo cáo gần nhất"': 'the simulator config schedules no report (sending is tested in test/daemon-report.test.ts)',
      'duty.json "Báo cáo lỡ hạn trong khoảng đang xem"': 'the simulator config schedules no report',
      'duty.json "Báo cáo lỡ hạn theo thời gian"': 'the simulator config schedules no report',
      'duty.json "Ngân sách lỗi còn lại theo mục tiêu"': 'the simulator config sets no objective (the metric is tested in test/daemon.test.ts)',
      'duty.json "Ngân sách lỗi theo thời gian"': 'the simulator config sets no objective (the metric is tested in test/daemon.test.ts)',
      'check.json "Giá trị đọc từ câu trả lời"': 'the simulator config exports no value (export: { name } is tested in test/probes/json-numbers.test.ts)',
      'overview.json "Sao lưu kho gần nhất"':
        'the simulator config sets no storage.backup (copies are tested in test/daemon-store-file.test.ts, the metric in test/metrics/metrics.test.ts)',
      'overview.json "Token đăng nhập còn hạn"': 'the simulator config has no auths: entry (the token metric is tested in test/daemon-auth.test.ts)',
      'overview.json "Rà soát danh mục TTHC"': 'the simulator config has no catalogue check (its metrics are tested in test/catalogue/)',
      'check.json "Thời gian từng bước"': 'the simulator config has no flow check (the step metrics are tested in test/probes/flow.test.ts)',
      'check.json "Giai đoạn của từng bước"': 'the simulator config has no flow check',
      'check.json "Lỗi theo bước"': 'the simulator config has no flow check, and no step fails',
    };
    const panels = [...new Set(queries.map((query) => query.panel))];
    expect(panels).toEqual(expect.arrayContaining(Object.keys(quietWhileHealthy)));
    expect(panels.filter((panel) => !withData.has(panel) && quietWhileHealthy[panel] === undefined)).toEqual([]);
  });

  it('sees the national portal check turn critical when the simulator takes the portal down', async () => {
    sim!.setScenario('portal-down', true);
    await sim!.settle();
    const critical = await waitFor(
      'national-home critical',
      () => query(`dvc_check_status{job="${JOB}", check="national-home"} == 2`),
      (samples) => samples.length === 1,
    );
    expect(critical[0]!.metric).toMatchObject({ system: 'national-portal', location: 'system-test' });
    expect(valuesByCheck(await query(`dvc_probe_success{job="${JOB}"}`))['national-home']).toBe(0);
    // Only the portal is down: the other systems stay ok.
    const others = valuesByCheck(await query(`dvc_check_status{job="${JOB}", system=~"quantricong|provincial"}`));
    expect(others).toEqual({ 'quantricong-login': 0, 'provincial-login': 0 });
  });
});
