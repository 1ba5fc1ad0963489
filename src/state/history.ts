// What history keeps of a check's probes, per minute, for `storage.retention.aggregates`: the
// record the store writes and the report reads, and what a minute says of availability. The
// latency sketch does the math.
import { saysNothingOfTarget, type FailureReason } from '../probes/probe.ts';
import type { LatencySketch } from './latency-sketch.ts';

/** One check's probes in one minute, as history keeps them for `storage.retention.aggregates`. */
export interface MinuteFigures {
  readonly check: string;
  /** Start of the minute. */
  readonly minute: Date;
  readonly probes: number;
  readonly failuresByReason: Readonly<Partial<Record<FailureReason, number>>>;
  readonly latency: LatencySketch;
  readonly syncLagMax?: number;
  readonly syncLag?: LatencySketch;
  readonly backlogMax?: number;
  readonly tlsDaysLeftMin?: number;
}

/**
 * A stored minute's part in availability: `seen` when at least one probe was not the monitor's own
 * fault, `blind` when every probe failed on our side (reason internal), undefined without probes.
 */
export type Observation = 'seen' | 'blind';

export function observationOf(probes: number, failuresByReason: MinuteFigures['failuresByReason']): Observation | undefined {
  if (probes <= 0) return undefined;
  let own = 0;
  for (const [reason, failures] of Object.entries(failuresByReason)) {
    if (saysNothingOfTarget(reason as FailureReason)) own += failures ?? 0;
  }
  return own < probes ? 'seen' : 'blind';
}
