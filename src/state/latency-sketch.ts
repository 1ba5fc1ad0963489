// A mergeable latency sketch: counts per logarithmic bucket, so a minute's probes fold into a few
// dozen numbers and a month of minutes merges into one distribution whose quantiles are within
// RELATIVE_ACCURACY of the exact ones (the DDSketch construction: bucket i holds the values in
// (γ^(i-1), γ^i], γ = (1+α)/(1-α), and is read back as 2γ^i/(γ+1)). Pure; the store encodes it.

/** Relative error of every quantile read back: 1 %, inside the report's 2 % promise. */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Durations at or under a microsecond are counted as zero: no probe is that fast, and log(0) is not a bucket. */
const ZERO_SECONDS = 1e-6;

export interface LatencySketch {
  /** Values at or under ZERO_SECONDS. */
  zero: number;
  /** Bucket index → count. */
  readonly buckets: Map<number, number>;
  count: number;
  /** Exact extremes and sum, in seconds; min is Infinity and max -Infinity while empty. */
  min: number;
  max: number;
  sum: number;
}

export function createSketch(): LatencySketch {
  return { zero: 0, buckets: new Map(), count: 0, min: Infinity, max: -Infinity, sum: 0 };
}

export function addToSketch(sketch: LatencySketch, seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) return;
  if (seconds <= ZERO_SECONDS) sketch.zero += 1;
  else {
    const index = Math.ceil(Math.log(seconds) / LOG_GAMMA);
    sketch.buckets.set(index, (sketch.buckets.get(index) ?? 0) + 1);
  }
  sketch.count += 1;
  sketch.sum += seconds;
  if (seconds < sketch.min) sketch.min = seconds;
  if (seconds > sketch.max) sketch.max = seconds;
}

/** Adds `from` into `into`; `from` is left as it was. */
export function mergeSketch(into: LatencySketch, from: LatencySketch): void {
  into.zero += from.zero;
  for (const [index, count] of from.buckets) into.buckets.set(index, (into.buckets.get(index) ?? 0) + count);
  into.count += from.count;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
}

/** The q-quantile (0 ≤ q ≤ 1) in seconds, within RELATIVE_ACCURACY; undefined while empty. */
export function sketchQuantile(sketch: LatencySketch, q: number): number | undefined {
  if (sketch.count === 0) return undefined;
  if (q <= 0) return sketch.min;
  if (q >= 1) return sketch.max;
  // The rank of the lower of the two middle values, as the exact quantile of a sorted list takes it.
  const rank = Math.floor(q * (sketch.count - 1));
  let seen = sketch.zero;
  if (rank < seen) return Math.max(sketch.min, 0);
  for (const index of [...sketch.buckets.keys()].sort((a, b) => a - b)) {
    seen += sketch.buckets.get(index)!;
    if (rank < seen) return clamp((2 * GAMMA ** index) / (GAMMA + 1), sketch.min, sketch.max);
  }
  return sketch.max;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * Compact text for the store: "count|zero|min|max|sum|i:c,i:c…" with bucket indexes ascending.
 * A minute of one check's probes is a handful of buckets, so this stays a few dozen bytes.
 */
export function encodeSketch(sketch: LatencySketch): string {
  const buckets = [...sketch.buckets.entries()].sort(([a], [b]) => a - b).map(([index, count]) => `${index}:${count}`);
  return [sketch.count, sketch.zero, number(sketch.min), number(sketch.max), number(sketch.sum), buckets.join(',')].join('|');
}

/** The inverse of encodeSketch; throws on text it did not write. */
export function decodeSketch(text: string): LatencySketch {
  const [count, zero, min, max, sum, buckets = ''] = text.split('|');
  const sketch: LatencySketch = {
    zero: Number(zero),
    buckets: new Map(),
    count: Number(count),
    min: count === '0' ? Infinity : Number(min),
    max: count === '0' ? -Infinity : Number(max),
    sum: Number(sum),
  };
  for (const pair of buckets === '' ? [] : buckets.split(',')) {
    const [index, bucketCount] = pair.split(':');
    sketch.buckets.set(Number(index), Number(bucketCount));
  }
  if (![sketch.zero, sketch.count, sketch.sum].every(Number.isFinite)) throw new Error(`not an encoded latency sketch: ${text.slice(0, 40)}`);
  return sketch;
}

/** Six significant digits are far inside the sketch's own accuracy. */
function number(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : '0';
}
