import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigInput } from '../../src/config/schema.ts';
import { DEFAULT_CERT_DIR } from '../../src/sim/certificates.ts';
import { DEFAULT_BASE_PORT, PORT_OFFSETS } from '../../src/sim/simulator.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const configPath = path.join(repositoryRoot, 'config/demo.yaml');
const text = readFileSync(configPath, 'utf8');

describe('config/demo.yaml', () => {
  it('is a valid config', () => {
    const result = ConfigInput.safeParse(parse(text));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('points only at the simulator on 127.0.0.1, on the ports of its port map', () => {
    const config = ConfigInput.parse(parse(text));
    const simulatorPorts = new Set(Object.values(PORT_OFFSETS).map((offset) => DEFAULT_BASE_PORT + offset));
    for (const check of config.checks) {
      if (check.kind === 'http') {
        const url = new URL(check.url);
        expect(url.hostname).toBe('127.0.0.1');
        expect(simulatorPorts).toContain(Number(url.port));
      } else if (check.kind === 'dns') {
        expect(check.resolver).toBe(`127.0.0.1:${DEFAULT_BASE_PORT + PORT_OFFSETS.dns}`);
      } else if (check.kind === 'sync') {
        for (const side of [check.source, check.target]) {
          if (!side) continue;
          const url = new URL(side.url);
          expect(url.hostname).toBe('127.0.0.1');
          expect(simulatorPorts).toContain(Number(url.port));
        }
      } else if (check.kind !== 'flow' && check.kind !== 'catalogue') {
        expect(check.host).toBe('127.0.0.1');
        expect(simulatorPorts).toContain(check.port);
      }
    }
    expect(config.server?.listen).toBe('127.0.0.1:9464');
  });

  it('trusts the CA file the simulator writes, and checks the HTTPS origin with it', () => {
    const config = ConfigInput.parse(parse(text));
    const tlsCheck = config.checks.find((check) => check.kind === 'tls');
    expect(tlsCheck?.kind === 'tls' && tlsCheck.port).toBe(DEFAULT_BASE_PORT + PORT_OFFSETS.https);
    // caFile is relative to the config file; the simulator writes under the repository root.
    expect(path.resolve(path.dirname(configPath), tlsCheck?.tls?.caFile ?? '')).toBe(path.resolve(repositoryRoot, DEFAULT_CERT_DIR, 'ca.pem'));
    expect(tlsCheck?.tls?.minDaysLeft).toBe(14);
  });
});
