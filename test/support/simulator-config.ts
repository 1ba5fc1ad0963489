// A dvc-sentinel config that watches a running simulator: one check per system it serves, probed
// every second, thresholds of one, so system tests see changes quickly.
import path from 'node:path';
import { stringify } from 'yaml';
import type { Simulator } from '../../src/sim/simulator.ts';

export function simulatorConfig(sim: Simulator, dir: string, extraChecks: readonly Record<string, unknown>[] = []): string {
  const { port: nationalPort } = new URL(sim.urls.national);
  const { hostname: httpsHost, port: httpsPort } = new URL(sim.urls.https);
  return stringify({
    location: 'system-test',
    server: { listen: '127.0.0.1:0' },
    storage: { path: path.join(dir, 'sentinel.db') },
    defaults: { interval: '1s', timeout: '900ms', failureThreshold: 1, successThreshold: 1 },
    checks: [
      { name: 'national-home', system: 'national-portal', kind: 'http', url: `${sim.urls.national}/`, expect: { status: [200], bodyContains: 'Dịch vụ công' } },
      { name: 'national-tcp', system: 'national-portal', kind: 'tcp', host: '127.0.0.1', port: Number(nationalPort) },
      { name: 'national-tls', system: 'national-portal', kind: 'tls', host: httpsHost, port: Number(httpsPort), tls: { minDaysLeft: 14, caFile: sim.caFile } },
      { name: 'quantricong-login', system: 'quantricong', kind: 'http', url: `${sim.urls.quantricong}/` },
      { name: 'provincial-login', system: 'provincial', kind: 'http', url: `${sim.urls.provincial}/` },
      ...extraChecks,
      {
        name: 'hoso-sync',
        system: 'sync',
        kind: 'sync',
        source: { url: `${sim.urls.syncProvincial}/api/sync/status`, headers: { Authorization: 'Bearer system-test' }, watermark: '$.data.lastUpdated' },
        target: { url: `${sim.urls.syncNational}/api/sync/status`, watermark: '$.lastSyncedAt' },
        backlog: '$.data.pending',
        expect: { lag: { warn: '30s', critical: '90s' } },
      },
    ],
  });
}
