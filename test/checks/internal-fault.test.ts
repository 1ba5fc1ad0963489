// A fault in our own probing code is the monitor's, not the portal's: the run ends with reason
// `internal`, the log says so loudly (error, with the stack), the metric counts it under its own
// reason, and the words people read say "lỗi của chính hệ thống giám sát" instead of blaming the
// watched system.
import { describe, expect, it, vi } from 'vitest';
import { renderEmail } from '../../src/alerting/messages/render-email.ts';
import { recordInMap, runCheck } from '../../src/checks/run-check.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { isOwnFault } from '../../src/probes/probe.ts';
import { renderStatusPage } from '../../src/server/status-page.ts';
import type { CheckState } from '../../src/state/check-state.ts';
import { buildStatusSnapshot } from '../../src/state/status-snapshot.ts';
import { captureLog, makeIncident, makeNotification } from '../support/alerting-fixtures.ts';

// The one seam: a probe kind whose code throws, as a bug in it would.
vi.mock('../../src/probes/registry.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/probes/registry.ts')>();
  return {
    ...original,
    probes: {
      ...original.probes,
      http: (check: { name: string }, context: Parameters<typeof original.probes.http>[1]) =>
        check.name === 'crashing-home'
          ? Promise.reject(new TypeError("Cannot read properties of undefined (reading 'statusCode')"))
          : original.probes.http(check as never, context),
    },
  };
});

const NOW = new Date('2026-05-29T15:10:05Z');
const config = resolveConfig(
  'run-check.test.yaml',
  ConfigInput.parse({ checks: [{ name: 'crashing-home', system: 'national-portal', kind: 'http', url: 'http://127.0.0.1:9/', failureThreshold: 1 }] }),
  () => '',
);
const check = config.checks[0]!;

async function runCrashingCheck() {
  const captured = captureLog('info');
  const metrics = createMetrics({ version: 'test', collectProcessMetrics: false });
  metrics.setChecks(config.checks);
  const states = new Map<string, CheckState>();
  const before = (await metrics.render()).body;
  const result = await runCheck(check, { clock: () => NOW, log: captured.log, metrics, states, record: recordInMap(states) });
  return { captured, metrics, states, before, result, after: (await metrics.render()).body };
}

const failuresLine = (body: string): string | undefined =>
  body.split('\n').find((line) => line.startsWith('dvc_probe_failures_total{') && line.includes('reason="internal"'));

describe('a probe that throws', () => {
  it('ends as reason internal, not protocol', async () => {
    const { result } = await runCrashingCheck();
    expect(result.status).toBe('critical');
    expect(result.reason).toBe('internal');
    expect(isOwnFault(result.reason)).toBe(true);
    expect(isOwnFault('protocol')).toBe(false);
  });

  it('is logged at error level with the stack', async () => {
    const { captured } = await runCrashingCheck();
    const line = captured.lines().find((entry) => entry.msg === 'probe crashed; this is a bug in dvc-sentinel');
    expect(line?.level).toBe(50);
    expect(line?.check).toBe('crashing-home');
    expect(String((line?.err as { stack?: string } | undefined)?.stack)).toMatch(/TypeError: Cannot read properties of undefined[\s\S]*\n\s+at /);
  });

  it('is counted under reason="internal", a series present from the first scrape', async () => {
    const { before, after } = await runCrashingCheck();
    expect(failuresLine(before)).toMatch(/ 0$/);
    expect(failuresLine(after)).toMatch(/ 1$/);
    expect(after).not.toMatch(/dvc_probe_failures_total\{[^}]*reason="protocol"[^}]*\} 1/);
  });

  it('reads as a fault of the monitor itself on the status page and in the mail', async () => {
    const { result, states } = await runCrashingCheck();
    const page = renderStatusPage({
      ...buildStatusSnapshot(config, states, { version: 'test', startedAt: NOW, now: NOW }),
      incidents: [],
    });
    expect(page).toContain('lỗi của chính hệ thống giám sát');

    const last = {
      at: NOW,
      status: result.status,
      reason: result.reason,
      message: result.message,
      durationSeconds: result.durationSeconds,
      phases: result.phases,
    };
    const incident = makeIncident({ check: check.name, firstReason: result.reason, lastReason: result.reason, lastMessage: result.message, last });
    const mail = renderEmail([makeNotification('firing', { incident, createdAt: NOW })], { locale: 'vi', links: {}, now: NOW });
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).toContain('lỗi của chính hệ thống giám sát');
    expect(mail.text).not.toContain('phản hồi không hợp lệ');
    const english = renderEmail([makeNotification('firing', { incident, createdAt: NOW })], { locale: 'en', links: {}, now: NOW });
    expect(english.text).toContain('a fault in the monitor itself');
  });
});
