// Two real daemons on one config, `--shard 0/2` and `--shard 1/2`, probing a loopback server:
// their /metrics name disjoint sets of checks whose union is the whole config, before and after a
// reload (SIGHUP) that adds checks; `once --shard` runs the same share; a bad --shard exits 2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stopChild, type CliProcess } from './support/cli-process.ts';
import { startHttpServer, type RunningServer } from './support/http-servers.ts';

let target: RunningServer;
let dir: string;
let configFile: string;
const daemons: CliProcess[] = [];

function writeConfig(count: number): string[] {
  const names = Array.from({ length: count }, (_, index) => `province-${String(index).padStart(2, '0')}-portal`);
  writeFileSync(
    configFile,
    [
      'location: test-dc',
      'server: { listen: "127.0.0.1:0" }',
      // One config for every shard; each instance keeps its own store, named by its environment.
      'storage: { path: "${DVC_TEST_STORE}" }',
      'defaults: { interval: 60s, timeout: 2s }',
      'checks:',
      ...names.map((name) => `  - { name: ${name}, system: provincial, kind: http, url: "${target.url}/${name}" }`),
      '',
    ].join('\n'),
  );
  return names;
}

async function startShard(shard: string): Promise<{ daemon: CliProcess; url: string }> {
  const daemon = startCli(['run', '--config', configFile, '--shard', shard], { DVC_TEST_STORE: join(dir, `store-${shard.replace('/', '-of-')}.db`) });
  daemons.push(daemon);
  const line = await daemon.waitForLog((entry) => entry.msg === 'dvc-sentinel started');
  return { daemon, url: String(line.url) };
}

async function scrape(url: string): Promise<{ checks: string[]; text: string }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const checks = [...text.matchAll(/^dvc_probe_duration_seconds_count\{[^}]*check="([^"]+)"/gm)].map((match) => match[1]!);
  return { checks, text };
}

beforeAll(async () => {
  target = await startHttpServer((_request, response) => response.end('ok'));
  dir = mkdtempSync(join(tmpdir(), 'dvc-shards-'));
  configFile = join(dir, 'sentinel.yaml');
});

afterAll(async () => {
  for (const daemon of daemons) await stopChild(daemon.child, 5000);
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two shards of one config', () => {
  it('export disjoint check sets whose union is the whole config, and keep the split across a reload', async () => {
    const names = writeConfig(24);
    const [first, second] = await Promise.all([startShard('0/2'), startShard('1/2')]);
    const a = await scrape(first.url);
    const b = await scrape(second.url);
    expect(a.checks.length).toBeGreaterThan(0);
    expect(b.checks.length).toBeGreaterThan(0);
    expect(a.checks.filter((name) => b.checks.includes(name))).toEqual([]);
    expect([...a.checks, ...b.checks].sort()).toEqual(names);
    expect(a.text).toContain('dvc_shard_info{index="0",total="2",location="test-dc"} 1');
    expect(b.text).toContain('dvc_shard_info{index="1",total="2",location="test-dc"} 1');
    expect(a.text).toContain(`dvc_checks{shard="0/2",location="test-dc"} ${a.checks.length}`);
    expect(a.text).toContain('dvc_instance_info{shard="0/2",location="test-dc"} 1');
    // The whole config, on each instance.
    expect(a.text).toContain('dvc_checks_configured{location="test-dc"} 24');

    const grown = writeConfig(36);
    first.daemon.child.kill('SIGHUP');
    second.daemon.child.kill('SIGHUP');
    await Promise.all([first.daemon, second.daemon].map((daemon) => daemon.waitForLog((entry) => entry.msg === 'config reloaded')));
    const a2 = await scrape(first.url);
    const b2 = await scrape(second.url);
    expect(a2.checks.filter((name) => b2.checks.includes(name))).toEqual([]);
    expect([...a2.checks, ...b2.checks].sort()).toEqual(grown);
    // Rendezvous: a check keeps its shard when others are added.
    expect(a.checks.every((name) => a2.checks.includes(name))).toBe(true);
    expect(a2.text).toContain('dvc_shard_info{index="0",total="2",location="test-dc"} 1');
    expect(a2.text).toContain(`dvc_checks{shard="0/2",location="test-dc"} ${a2.checks.length}`);

    // `once --shard 0/2` probes the very checks the first instance runs.
    const once = await runCli(['once', '--config', configFile, '--shard', '0/2', '--json'], { DVC_TEST_STORE: join(dir, 'once.db') });
    expect(once.code).toBe(0);
    const rows = JSON.parse(once.stdout) as { check: string; status: string }[];
    expect(rows.map((row) => row.check).sort()).toEqual([...a2.checks].sort());
    expect(rows.every((row) => row.status === 'ok')).toBe(true);
  }, 60_000);

  it('refuses a shard outside 0 … total-1 with exit 2 and says why', async () => {
    writeConfig(2);
    const result = await runCli(['once', '--config', configFile, '--shard', '2/2'], { DVC_TEST_STORE: join(dir, 'bad.db') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--shard must be INDEX/TOTAL with 0 ≤ INDEX < TOTAL');
  }, 30_000);
});
