// Which checks of a config one instance runs when n instances share it (`--shard i/n`, `shard:`).
// Pure: a config and a shard in, the same config with this shard's checks out.
//
// Rendezvous (highest random weight) hashing: each check goes to the shard whose weight, a fixed
// hash of the check's name and the shard's index (ownerOf), is highest. Every instance computes the same answer from the config alone,
// with no coordination and no randomness, and going from n to n+1 shards moves only the checks the
// new shard wins: about 1/(n+1) of them (a modulo split would move nearly all).
//
// Checks that lean on others:
// - vantage checks (alerting.vantage) run on every shard: the rules hold a shard's notices back
//   while every vantage check fails (our own network is down), so each shard needs them locally.
// - checks linked by dependsOn (in either direction) form a group that goes whole to one shard,
//   chosen by the group's first name in sort order: a parent's open incident holds its children's
//   notices only where both run. Vantage checks are left out of the groups, being everywhere.
// The objectives follow their checks (a system's, every shard running a check of it).
import { hash } from 'node:crypto';
import type { Config } from './config.ts';

export interface Shard {
  /** 0-based: 0 ≤ index < total. */
  readonly index: number;
  readonly total: number;
}

/** `i/n` as written on the command line (`--shard 1/3`); an Error naming the flag otherwise. */
export function parseShardFlag(text: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const shard = match ? { index: Number(match[1]), total: Number(match[2]) } : undefined;
  if (shard === undefined || shard.total < 1 || shard.total > MAX_SHARDS || shard.index >= shard.total) {
    throw new Error(`--shard must be INDEX/TOTAL with 0 ≤ INDEX < TOTAL ≤ ${MAX_SHARDS} (INDEX counts from 0), e.g. --shard 0/3; got "${text}"`);
  }
  return shard;
}

/** The schema's bound too (schema.ts): a thousand instances on one config is already far past any real need. */
const MAX_SHARDS = 1000;

/**
 * The config one shard runs: `shard` (the command line's, which wins) or the file's `shard:`,
 * else every check (shard 0 of 1). The result carries the shard it was cut for, so a reload
 * re-applies the same one to the new check list.
 */
export function applyShard(config: Config, flag: Shard | undefined): Config {
  const shard = flag ?? config.shard ?? { index: 0, total: 1 };
  if (shard.total === 1) return config.shard === shard ? config : { ...config, shard };
  const vantage = new Set(config.alerting.vantage);
  const groupKey = dependsOnGroups(config, vantage);
  const owner = new Map<string, number>();
  const checks = config.checks.filter((check) => {
    if (vantage.has(check.name)) return true;
    const key = groupKey.get(check.name) ?? check.name;
    let index = owner.get(key);
    if (index === undefined) {
      index = ownerOf(key, shard.total);
      owner.set(key, index);
    }
    return index === shard.index;
  });
  // An objective goes with its check, or with every shard that runs a check of its system, so its
  // budget metric comes from where its figures are, never as a full budget from a shard that lacks them.
  const names = new Set(checks.map((check) => check.name));
  const systems = new Set(checks.map((check) => check.system));
  const objectives = config.objectives.filter((objective) => (objective.scope === 'check' ? names : systems).has(objective.name));
  return { ...config, shard, checks, objectives };
}

/**
 * The shard with the highest weight for this key, ties to the lower index. The key is hashed once
 * (sha1, 64 of its bits); each shard's weight mixes them with the shard's index through murmur3's
 * finaliser, since a digest per key and shard cost 170 ms at 10,000 checks on 4 shards.
 */
function ownerOf(key: string, total: number): number {
  const digest = hash('sha1', key, 'buffer');
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4);
  let best = 0;
  let bestWeight = -1;
  for (let index = 0; index < total; index += 1) {
    const weight = mix(mix(high ^ mix(index + 0x9e3779b9)) ^ low);
    if (weight > bestWeight) {
      best = index;
      bestWeight = weight;
    }
  }
  return best;
}

/** murmur3's 32-bit finaliser: every input bit changes about half the output bits. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Each check linked to others by dependsOn → the first name of its group in sort order (union-find). */
function dependsOnGroups(config: Config, vantage: ReadonlySet<string>): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (name: string): string => {
    let root = name;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps long dependsOn chains cheap.
    for (let at = name; at !== root;) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const names = new Set(config.checks.map((check) => check.name));
  for (const check of config.checks) {
    if (vantage.has(check.name)) continue;
    for (const other of check.dependsOn) {
      if (vantage.has(other) || !names.has(other)) continue;
      if (!parent.has(check.name)) parent.set(check.name, check.name);
      if (!parent.has(other)) parent.set(other, other);
      const a = find(check.name);
      const b = find(other);
      // The smaller name becomes the root, so the key does not depend on the order of the file.
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
  }
  const groups = new Map<string, string>();
  for (const name of parent.keys()) groups.set(name, find(name));
  return groups;
}
