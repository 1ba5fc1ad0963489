// How durations read in messages and tables: "850 ms", "3.2 s".

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${(Math.round(seconds * 100) / 100).toString()} s`;
  return `${(Math.round(seconds * 10) / 10).toString()} s`;
}
