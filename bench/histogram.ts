// Reads one Prometheus histogram from exposition text and estimates quantiles the way
// histogram_quantile does (linear within the bucket), so bench numbers match a Grafana panel.

export interface Histogram {
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly count: number;
  readonly sum: number;
}

export function parseHistogram(text: string, name: string): Histogram {
  const buckets: { le: number; count: number }[] = [];
  let count = 0;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}_bucket{`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value });
    } else if (line.startsWith(`${name}_count`)) {
      count = Number(line.slice(line.lastIndexOf(' ') + 1));
    } else if (line.startsWith(`${name}_sum`)) {
      sum = Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, count, sum };
}

/** Difference of two cumulative snapshots: what happened between them. */
export function subtractHistogram(later: Histogram, earlier: Histogram): Histogram {
  return {
    buckets: later.buckets.map((bucket, index) => ({ le: bucket.le, count: bucket.count - (earlier.buckets[index]?.count ?? 0) })),
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
  };
}

export function histogramQuantile(histogram: Histogram, quantile: number): number {
  const total = histogram.buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = quantile * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const bucket of histogram.buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return previousLe;
      const inBucket = bucket.count - previousCount;
      return inBucket === 0 ? bucket.le : previousLe + ((bucket.le - previousLe) * (rank - previousCount)) / inBucket;
    }
    previousLe = bucket.le;
    previousCount = bucket.count;
  }
  return previousLe;
}
