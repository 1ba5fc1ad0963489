// Parses the units users write in config: durations ("30s", "1m30s", "250ms") and sizes ("1MiB").
// The only place units are parsed; everything downstream works in seconds and bytes.

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Seconds for a duration such as "30s", "1m30s", "1.5h", "250ms"; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let seconds = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < trimmed.length) {
    const start = DURATION_PART.lastIndex;
    const match = DURATION_PART.exec(trimmed);
    if (!match || match.index !== start) return undefined;
    seconds += Number(match[1]) * DURATION_UNITS[match[2]!]!;
  }
  return seconds;
}

/** "30s", "1m30s", "250ms": the shortest exact rendering of a number of seconds. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  let rest = Math.round(seconds * 1000) / 1000;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (rest >= size) {
      const whole = Math.floor(rest / size);
      parts.push(`${whole}${unit}`);
      rest = Math.round((rest - whole * size) * 1000) / 1000;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.join('');
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Bytes for "512", "64KiB", "1MiB", "2MB"; undefined when malformed. */
export function parseBytes(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const unit = match[2] === '' ? 'b' : match[2]!.toLowerCase();
  const size = BYTE_UNITS[unit];
  return size === undefined ? undefined : Math.round(Number(match[1]) * size);
}
