import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInMap, runCheck, type RunCheckDeps } from '../../src/checks/run-check.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { CheckState } from '../../src/state/check-state.ts';
import type { Decision } from '../../src/state/incidents.ts';
import { startHttpServer, type RunningServer } from '../support/http-servers.ts';
import { createTestClocks } from '../support/test-clocks.ts';

let slow: RunningServer;
beforeAll(async () => {
  slow = await startHttpServer((_request, response) => setTimeout(() => response.end('ok'), 40));
});
afterAll(() => slow.close());

function checkOf(extra: Record<string, unknown> = {}): Check {
  const input = ConfigInput.parse({
    checks: [{ name: 'slow-home', system: 'national-portal', kind: 'http', url: `${slow.url}/`, failureThreshold: 1, successThreshold: 1, ...extra }],
  });
  return resolveConfig('run-check.yaml', input, () => '').checks[0]!;
}

const NO_DECISION: Decision = { incidents: [], notifications: [], alertingState: { windowsActive: {} } };

describe('runCheck', () => {
  it('runs the steps in order: probe, latency judged, state, incident rules, then one record with their decision', async () => {
    const clocks = createTestClocks();
    const states = new Map<string, CheckState>();
    const steps: string[] = [];
    const deps: RunCheckDeps = {
      clock: clocks.clock,
      monotonic: clocks.monotonic,
      log: pino({ level: 'silent' }),
      states,
      decide: (check, state, result, change, now) => {
        steps.push(`decide ${result.status}/${result.reason} ${change?.from}→${change?.to} at ${now.toISOString()}`);
        return NO_DECISION;
      },
      record: (check, state, decision) => {
        steps.push(`record ${state.status} ${decision === NO_DECISION ? 'with the decision' : 'without it'}`);
        states.set(check.name, state);
      },
    };
    const result = await runCheck(checkOf({ expect: { latency: { warn: '10ms' } } }), deps);
    expect(result).toMatchObject({ status: 'warning', reason: 'latency', httpStatus: 200 });
    expect(steps).toEqual(['decide warning/latency unknown→warning at 2026-05-29T15:00:00.000Z', 'record warning with the decision']);
    expect(states.get('slow-home')?.status).toBe('warning');
  });

  it('keeps the state in a map when there is no store (once)', async () => {
    const states = new Map<string, CheckState>();
    const result = await runCheck(checkOf(), { clock: () => new Date(), log: pino({ level: 'silent' }), states, record: recordInMap(states) });
    expect(result.status).toBe('ok');
    expect(states.get('slow-home')?.status).toBe('ok');
  });

  it('leaves the state as it was when the record fails, so the next run decides again', async () => {
    const states = new Map<string, CheckState>();
    const result = await runCheck(checkOf(), {
      clock: () => new Date(),
      log: pino({ level: 'silent' }),
      states,
      decide: () => NO_DECISION,
      record: () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
    });
    expect(result.status).toBe('ok');
    expect(states.size).toBe(0);
  });

  it('records nothing for a run cancelled by shutdown', async () => {
    const stop = new AbortController();
    const recorded: string[] = [];
    const running = runCheck(
      checkOf(),
      { clock: () => new Date(), log: pino({ level: 'silent' }), states: new Map(), record: (check) => recorded.push(check.name) },
      stop.signal,
    );
    stop.abort(new Error('stopping'));
    await running;
    expect(recorded).toEqual([]);
  });
});
