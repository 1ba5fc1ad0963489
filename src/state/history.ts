// What history keeps of a check's probes, per minute, for `storage.retention.aggregates`: the
// record the store writes and the report reads. Types only; the latency sketch does the math.
import type { FailureReason } from '../probes/probe.ts';
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
