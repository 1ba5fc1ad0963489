// The simulator's faults, which of them are on, and canned timelines that switch them. Pure:
// no sockets, no timers; the simulator reads these and reconciles its servers with them.
import { parseDuration } from '../config/units.ts';

export const SCENARIOS = {
  healthy: 'every system answers normally; switching it on clears every fault',
  'portal-down': 'national portal answers 503, then refuses connections (the listener is closed)',
  'slow-quantricong': 'quantricong answers after 3-8 s',
  'sync-stalled': 'national sync watermark frozen while the provincial one advances; backlog grows',
  'cert-expiring': 'the HTTPS origin presents a certificate that expires in 5 days',
  'dns-changed': 'the simulator DNS answers a different address for dichvucong.sim',
  blocked: 'the national portal firewall refuses the prober ("Request Rejected" / 403)',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;
/** A scenario other than healthy: something that can be on alongside others. */
export type FaultName = Exclude<ScenarioName, 'healthy'>;

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
export const FAULT_NAMES = SCENARIO_NAMES.filter((name): name is FaultName => name !== 'healthy');

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

/** Fault → the simulated instant (ms) it was switched on. Empty = healthy. */
export type ActiveFaults = ReadonlyMap<FaultName, number>;

/** The active set after switching one scenario; healthy on clears all, healthy off changes nothing. */
export function switchScenario(active: ActiveFaults, name: ScenarioName, on: boolean, atMs: number): Map<FaultName, number> {
  const next = new Map(active);
  if (name === 'healthy') {
    if (on) next.clear();
    return next;
  }
  if (!on) next.delete(name);
  else if (!next.has(name)) next.set(name, atMs);
  return next;
}

export interface LatencyRangeMs {
  readonly min: number;
  readonly max: number;
}

export const SLOW_QUANTRICONG_LATENCY_MS: LatencyRangeMs = { min: 3000, max: 8000 };

/** A latency drawn uniformly from the range; random() in [0, 1). */
export function pickLatencyMs(range: LatencyRangeMs, random: () => number = Math.random): number {
  return range.min + random() * (range.max - range.min);
}

/** How the national portal's HTTP listener should behave during portal-down. */
export type PortalPhase = 'up' | 'unavailable' | 'refused';

export function portalPhaseAt(active: ActiveFaults, nowMs: number, unavailableForMs: number): PortalPhase {
  const since = active.get('portal-down');
  if (since === undefined) return 'up';
  return nowMs - since < unavailableForMs ? 'unavailable' : 'refused';
}

export interface TimelineStep {
  readonly faults: readonly FaultName[];
  readonly durationSeconds: number;
}

export interface Timeline {
  readonly name: string;
  readonly steps: readonly TimelineStep[];
}

/** About ten minutes, looping: every scenario shows up at least once. */
export const DEMO_TIMELINE: Timeline = {
  name: 'demo',
  steps: [
    { faults: [], durationSeconds: 60 },
    { faults: ['portal-down'], durationSeconds: 90 },
    { faults: [], durationSeconds: 30 },
    { faults: ['slow-quantricong'], durationSeconds: 60 },
    { faults: [], durationSeconds: 30 },
    { faults: ['sync-stalled'], durationSeconds: 120 },
    { faults: [], durationSeconds: 60 },
    { faults: ['blocked'], durationSeconds: 45 },
    { faults: [], durationSeconds: 30 },
    { faults: ['cert-expiring', 'dns-changed'], durationSeconds: 60 },
  ],
};

const NAMED_TIMELINES: Readonly<Record<string, Timeline>> = { demo: DEMO_TIMELINE };

/**
 * "demo", or a list of steps such as "healthy:60s,portal-down:90s,slow-quantricong+sync-stalled:1m".
 * Throws an Error naming the bad step.
 */
export function parseTimeline(text: string): Timeline {
  const named = NAMED_TIMELINES[text];
  if (named) return named;
  const steps = text.split(',').map((part) => {
    const match = /^\s*([a-z+-]+)\s*:\s*(\S+)\s*$/.exec(part);
    if (!match)
      throw new Error(
        `timeline step "${part}" is not "scenario[+scenario]:duration" (e.g. portal-down:90s); named timelines: ${Object.keys(NAMED_TIMELINES).join(', ')}`,
      );
    const names = match[1]!.split('+');
    const unknown = names.filter((name) => !isScenarioName(name));
    if (unknown.length > 0) throw new Error(`timeline step "${part.trim()}": unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
    const durationSeconds = /^\d+(\.\d+)?$/.test(match[2]!) ? Number(match[2]) : parseDuration(match[2]!);
    if (durationSeconds === undefined || durationSeconds <= 0)
      throw new Error(`timeline step "${part.trim()}": "${match[2]}" is not a duration such as 90s or 2m`);
    const faults = [...new Set(names.filter((name): name is FaultName => name !== 'healthy'))];
    return { faults, durationSeconds };
  });
  return { name: text, steps };
}

export interface TimelinePosition {
  readonly index: number;
  /** Counts every pass over the steps, so re-entering the same step index is a new step. */
  readonly loop: number;
  readonly step: TimelineStep;
  readonly endsAtMs: number;
}

/** Where a looping timeline started at startedAtMs stands at nowMs. */
export function timelinePositionAt(timeline: Timeline, startedAtMs: number, nowMs: number): TimelinePosition {
  const totalMs = timeline.steps.reduce((sum, step) => sum + step.durationSeconds * 1000, 0);
  const elapsedMs = Math.max(0, nowMs - startedAtMs);
  const loop = Math.floor(elapsedMs / totalMs);
  let offsetMs = elapsedMs - loop * totalMs;
  let stepStartMs = startedAtMs + loop * totalMs;
  for (const [index, step] of timeline.steps.entries()) {
    const lengthMs = step.durationSeconds * 1000;
    if (offsetMs < lengthMs) return { index, loop, step, endsAtMs: stepStartMs + lengthMs };
    offsetMs -= lengthMs;
    stepStartMs += lengthMs;
  }
  // Only reachable through rounding at the very end of a loop.
  const last = timeline.steps.length - 1;
  return { index: last, loop, step: timeline.steps[last]!, endsAtMs: stepStartMs };
}
