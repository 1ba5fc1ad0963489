// The sync probe's own clocks (the target standing still, a value differing) against a step of our
// wall clock: real sync-status APIs on 127.0.0.1, one check run after another through run-check as
// the daemon runs it, on an injected wall + monotonic clock and the daemon's steady clock. A step
// is no stall and no mismatch; the watermarks themselves are the remote systems' times.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, recordInMap } from '../../src/checks/run-check.ts';
import { createSteadyClock } from '../../src/clock.ts';
import { resolveConfig, type SyncCheck } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { CheckState } from '../../src/state/check-state.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** What each API answers now (JSON). */
const answers = { source: {} as unknown, target: {} as unknown };
const servers: Server[] = [];
const urls = { source: '', target: '' };

beforeAll(async () => {
  for (const side of ['source', 'target'] as const) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answers[side]));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    urls[side] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sync/status`;
  }
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

function syncCheck(fields: Record<string, unknown>): SyncCheck {
  const input = ConfigInput.parse({ checks: [{ name: 'hoso-sync', system: 'sync', kind: 'sync', timeout: '5s', failureThreshold: 1, ...fields }] });
  const check = resolveConfig('test.yaml', input, () => '').checks[0];
  if (check?.kind !== 'sync') throw new Error('expected a sync check');
  return check;
}

/** Runs the check as the daemon does: wall clock for the probe, the steady clock for what it carries. */
function harness(check: SyncCheck) {
  const clocks = createTestClocks('2026-05-29T15:00:00Z');
  const steady = createSteadyClock(clocks.clock, clocks.monotonic);
  const states = new Map<string, CheckState>();
  const deps = { clock: clocks.clock, steady, monotonic: clocks.monotonic, log: pino({ level: 'silent' }), states, record: recordInMap(states) };
  return { clocks, run: () => runCheck(check, deps) };
}

describe('the sync probe across a step of the wall clock', () => {
  it('a step forward of an hour is no stall: the target stood still for 11 minutes, not 71', async () => {
    const check = syncCheck({
      source: { url: urls.source, watermark: '$.data.lastUpdated' },
      target: { url: urls.target, watermark: '$.lastSyncedAt' },
      expect: { lag: { warn: '2h', critical: '3h' }, stalled: '30m' },
    });
    const { clocks, run } = harness(check);
    // The remote watermarks are the remote systems' own times: the step does not touch them.
    const base = Date.parse('2026-05-29T14:50:00Z');
    answers.target = { lastSyncedAt: base };
    answers.source = { data: { lastUpdated: base + MINUTE_MS } };
    expect((await run()).status).toBe('ok');
    clocks.advance(10 * MINUTE_MS);
    answers.source = { data: { lastUpdated: base + 10 * MINUTE_MS } };
    expect((await run()).status).toBe('ok');
    clocks.stepWall(HOUR_MS);
    clocks.advance(MINUTE_MS);
    answers.source = { data: { lastUpdated: base + 11 * MINUTE_MS } };
    const after = await run();
    expect(after.status).toBe('ok');
    expect(after.message).not.toContain('has not moved');
    // The stall is still timed, on the steady clock: 20 more minutes make it 31, and critical.
    clocks.advance(20 * MINUTE_MS);
    answers.source = { data: { lastUpdated: base + 31 * MINUTE_MS } };
    const stalled = await run();
    expect(stalled.status).toBe('critical');
    expect(stalled.message).toContain('target watermark has not moved for 31 min');
  });

  it('a step forward of an hour does not age a difference past mismatchFor', async () => {
    const check = syncCheck({
      mode: 'parity',
      compare: 'exact',
      source: { url: urls.source, value: '$.data.total' },
      target: { url: urls.target, value: '$.total' },
      expect: { mismatchFor: '15m' },
    });
    const { clocks, run } = harness(check);
    answers.source = { data: { total: 120 } };
    answers.target = { total: 118 };
    expect((await run()).status).toBe('ok');
    clocks.advance(5 * MINUTE_MS);
    clocks.stepWall(HOUR_MS);
    const after = await run();
    expect(after.status).toBe('ok');
    expect(after.sync?.mismatchSeconds).toBe(300);
  });
});
