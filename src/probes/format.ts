// How durations and quoted text read in messages and tables: "850 ms", "3.2 s", "a long valu…".

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${(Math.round(seconds * 100) / 100).toString()} s`;
  return `${(Math.round(seconds * 10) / 10).toString()} s`;
}

/** At most maxChars characters; a longer text is cut and ends in "…", so the reader sees it was cut. */
export function shorten(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** One line (runs of white space become one space), at most maxChars: what a message quotes from a body. */
export function clip(text: string, maxChars = 80): string {
  return shorten(text.replace(/\s+/g, ' ').trim(), maxChars);
}
