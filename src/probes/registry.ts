// The one list of probe kinds, and runProbe: the kind-specific probe, then what every kind shares
// (latency thresholds). The mapped type is keyed by the kinds the config schema accepts, so the
// compiler insists on an entry per kind; everything else that lists kinds reads KINDS.
import type { Check, CheckKind, LatencyThresholds } from '../config/config.ts';
import type { CheckInput } from '../config/schema.ts';
import { formatSeconds } from './format.ts';
import { probeDns } from './dns.ts';
import { probeFlow } from './flow.ts';
import { probeHttp } from './http.ts';
import { probeMessage, type Probe, type ProbeContext, type ProbeResult } from './probe.ts';
import { probeSync } from './sync.ts';
import { probeTcp } from './tcp.ts';
import { probeTls } from './tls.ts';

type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;

/**
 * The kinds the schema's discriminated union accepts; resolved checks must have the same ones.
 * A catalogue check is a crawl on a cron (src/catalogue), not a probe, so it has no entry here.
 */
type DeclaredKind = Exclude<CheckInput, { kind: 'catalogue' }>['kind'];
type SameKinds = [DeclaredKind] extends [CheckKind] ? ([CheckKind] extends [DeclaredKind] ? DeclaredKind : never) : never;

export const probes: { [K in SameKinds]: Probe<CheckOf<K>> } = {
  http: probeHttp,
  tls: probeTls,
  dns: probeDns,
  tcp: probeTcp,
  sync: probeSync,
  flow: probeFlow,
};

/** Every kind, in the registry's order: the order `check`, `once` and the tests list kinds in. */
export const KINDS: readonly CheckKind[] = Object.keys(probes) as CheckKind[];

/** Resolves even when the target fails; rejects only on a bug in a probe. */
export async function runProbe(check: Check, context: ProbeContext): Promise<ProbeResult> {
  // TS cannot correlate check.kind with probes[check.kind]; the mapped type above guarantees it.
  const result = await (probes[check.kind] as Probe<Check>)(check, context);
  return judgeLatency(result, check.latency);
}

/**
 * Latency is judged last: a probe that already failed keeps its own reason. Over `critical`
 * fails the probe; over `warn` passes it with status warning.
 */
export function judgeLatency(result: ProbeResult, latency: LatencyThresholds | undefined): ProbeResult {
  if (!latency || result.status === 'critical') return result;
  const took = result.durationSeconds;
  if (latency.criticalSeconds !== undefined && took > latency.criticalSeconds) {
    return {
      ...result,
      status: 'critical',
      reason: 'latency',
      message: `slow: answered in ${formatSeconds(took)}, over the ${formatSeconds(latency.criticalSeconds)} limit`,
      detail: probeMessage('slow', { seconds: took, limitSeconds: latency.criticalSeconds, level: 'critical' }),
    };
  }
  if (result.status === 'ok' && latency.warnSeconds !== undefined && took > latency.warnSeconds) {
    return {
      ...result,
      status: 'warning',
      reason: 'latency',
      message: `slow: answered in ${formatSeconds(took)}, over the ${formatSeconds(latency.warnSeconds)} warning level`,
      detail: probeMessage('slow', { seconds: took, limitSeconds: latency.warnSeconds, level: 'warning' }),
    };
  }
  return result;
}
