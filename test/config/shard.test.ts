// The split of one config's checks across instances: every check on exactly one shard, few moved
// when a shard is added, vantage checks everywhere, dependsOn groups kept together, the flag over
// the file, and bad shards refused with their line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type Config } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { applyShard, parseShardFlag, type Shard } from '../../src/config/shard.ts';

function configOf(input: Record<string, unknown>): Config {
  return resolveConfig('test.yaml', ConfigInput.parse(input), () => '');
}

/** The names used by a real fleet: systems and provinces, so the hash sees realistic, similar strings. */
function manyChecks(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `province-${String(index % 63).padStart(2, '0')}-portal-${index}`,
    system: `province-${index % 63}`,
    kind: 'tcp',
    host: '127.0.0.1',
    port: 9,
  }));
}

const namesOn = (config: Config, shard: Shard): string[] => applyShard(config, shard).checks.map((check) => check.name);

describe('rendezvous split', () => {
  const config = configOf({ checks: manyChecks(1000) });

  it('3 shards of a 1,000-check config run every check exactly once, about a third each', () => {
    const seen = new Map<string, number>();
    const sizes: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const names = namesOn(config, { index, total: 3 });
      sizes.push(names.length);
      for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    expect(seen.size).toBe(1000);
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    // 333 each on average; a hash that favoured one shard would show here.
    for (const size of sizes) expect(Math.abs(size - 1000 / 3)).toBeLessThan(60);
  });

  it('going from 3 to 4 shards moves at most 30 % of the checks, and only onto the new shard', () => {
    const before = new Map<string, number>();
    const after = new Map<string, number>();
    for (let index = 0; index < 3; index += 1) for (const name of namesOn(config, { index, total: 3 })) before.set(name, index);
    for (let index = 0; index < 4; index += 1) for (const name of namesOn(config, { index, total: 4 })) after.set(name, index);
    const moved = [...before].filter(([name, index]) => after.get(name) !== index).map(([name]) => name);
    // Expected 1/4 (250); a modulo split would move about 750.
    expect(moved.length).toBeGreaterThan(150);
    expect(moved.length).toBeLessThanOrEqual(300);
    expect(moved.every((name) => after.get(name) === 3)).toBe(true);
  });

  it('is the same answer whatever the order of the file', () => {
    const reversed = configOf({ checks: manyChecks(1000).reverse() });
    expect(namesOn(reversed, { index: 1, total: 3 }).sort()).toEqual(namesOn(config, { index: 1, total: 3 }).sort());
  });
});

describe('checks that lean on others', () => {
  const checks = [
    { name: 'gateway', system: 'own-network', kind: 'tcp', host: '127.0.0.1', port: 9 },
    { name: 'upstream-dns', system: 'own-network', kind: 'tcp', host: '127.0.0.1', port: 9 },
    { name: 'national-home', system: 'national', kind: 'tcp', host: '127.0.0.1', port: 9, dependsOn: ['gateway'] },
    { name: 'national-login', system: 'national', kind: 'tcp', host: '127.0.0.1', port: 9, dependsOn: ['national-home'] },
    { name: 'national-search', system: 'national', kind: 'tcp', host: '127.0.0.1', port: 9, dependsOn: ['national-home'] },
    { name: 'national-sync', system: 'national', kind: 'tcp', host: '127.0.0.1', port: 9, dependsOn: ['national-login'] },
    ...manyChecks(200),
  ];
  const config = configOf({ alerting: { vantage: ['gateway', 'upstream-dns'] }, checks });

  it('runs vantage checks on every shard and keeps a dependsOn group whole on one', () => {
    const shards = [0, 1, 2, 3].map((index) => namesOn(config, { index, total: 4 }));
    for (const names of shards) expect(names).toEqual(expect.arrayContaining(['gateway', 'upstream-dns']));
    const group = ['national-home', 'national-login', 'national-search', 'national-sync'];
    const holding = shards.filter((names) => group.some((name) => names.includes(name)));
    expect(holding).toHaveLength(1);
    expect(holding[0]).toEqual(expect.arrayContaining(group));
    // Every other check still on exactly one shard.
    const counted = shards.flat().filter((name) => name !== 'gateway' && name !== 'upstream-dns');
    expect(new Set(counted).size).toBe(counted.length);
    expect(counted).toHaveLength(checks.length - 2);
  });
});

describe('objectives', () => {
  it('go with the shard of their check, and with every shard that runs a check of their system', () => {
    const config = configOf({
      objectives: [
        { check: 'province-00-portal-0', target: '99.5%' },
        { system: 'province-1', target: '99%' },
      ],
      checks: manyChecks(300),
    });
    const shards = [0, 1, 2].map((index) => applyShard(config, { index, total: 3 }));
    const holders = shards.filter((shard) => shard.objectives.some((objective) => objective.name === 'province-00-portal-0'));
    expect(holders).toHaveLength(1);
    expect(holders[0]!.checks.map((check) => check.name)).toContain('province-00-portal-0');
    for (const shard of shards) {
      const runsSystem = shard.checks.some((check) => check.system === 'province-1');
      expect(shard.objectives.some((objective) => objective.name === 'province-1')).toBe(runsSystem);
    }
  });
});

describe('which shard applies', () => {
  const input = { shard: { index: 1, total: 2 }, checks: manyChecks(50) };

  it('takes the file shard, lets the flag win over it, and runs everything without either', () => {
    const config = configOf(input);
    expect(applyShard(config, undefined).checks.map((check) => check.name)).toEqual(namesOn(configOf({ checks: manyChecks(50) }), { index: 1, total: 2 }));
    expect(applyShard(config, { index: 0, total: 2 }).shard).toEqual({ index: 0, total: 2 });
    expect(applyShard(config, { index: 0, total: 2 }).checks.map((check) => check.name)).toEqual(namesOn(config, { index: 0, total: 2 }));
    const whole = applyShard(configOf({ checks: manyChecks(50) }), undefined);
    expect(whole.checks).toHaveLength(50);
    expect(whole.shard).toEqual({ index: 0, total: 1 });
  });

  it('reads --shard I/N and refuses anything else with the flag named', () => {
    expect(parseShardFlag('0/3')).toEqual({ index: 0, total: 3 });
    expect(parseShardFlag('2/3')).toEqual({ index: 2, total: 3 });
    for (const bad of ['3/3', '1/0', '-1/2', '1', 'a/b', '1/2/3', '0/1001', '']) {
      expect(() => parseShardFlag(bad), bad).toThrow(/--shard must be INDEX\/TOTAL/);
    }
  });
});

describe('shard: in the file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function load(yaml: string): Config | ConfigError {
    dir = mkdtempSync(join(tmpdir(), 'dvc-shard-'));
    const file = join(dir, 'monitor.yaml');
    writeFileSync(file, yaml);
    try {
      return loadConfig(file, {}).config;
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
  }

  const checksYaml = 'checks:\n  - { name: a, system: s, kind: tcp, host: 127.0.0.1, port: 9 }\n';

  it('is read as given', () => {
    const config = load(`shard: { index: 2, total: 3 }\n${checksYaml}`);
    expect(config).not.toBeInstanceOf(ConfigError);
    expect((config as Config).shard).toEqual({ index: 2, total: 3 });
  });

  it('refuses an index not below total, and a total of 0, naming the path and line', () => {
    const error = load(`${checksYaml}shard:\n  index: 3\n  total: 3\n`);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ path: 'shard.index', line: 4, message: expect.stringMatching(/below total/) })]);
    const zero = load(`${checksYaml}shard:\n  index: 0\n  total: 0\n`);
    expect((zero as ConfigError).issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'shard.total', line: 5, message: 'must be at least 1' })]),
    );
  });
});
