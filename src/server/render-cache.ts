// The status page and /api/status rendered once per change, not once per request: a burst of
// requests then costs a lookup each, and the probes keep the event loop. A render is reused while
// `version` (bumped by the daemon whenever a check's result or state is recorded, and here by any
// request that may change something) is unchanged and it is younger than maxAgeMs, which bounds
// how stale what changes without a bump (the clock, the roster, maintenance starting) can get.
import type { MonotonicClock } from '../clock.ts';

export interface RenderCache {
  /** The render kept under `key` when still current, else `render()` (kept when it returns). */
  get<T>(key: string, render: () => T): T;
  /** Marks every render as out of date: the next request renders anew. */
  invalidate(): void;
}

interface Entry {
  readonly version: number;
  readonly at: number;
  readonly value: unknown;
}

// Keys are a locale and a kind of viewer: a handful. A bound keeps a bug from growing it.
const MAX_ENTRIES = 32;

export function createRenderCache(options: { readonly version: () => number; readonly monotonic: MonotonicClock; readonly maxAgeMs: number }): RenderCache {
  const entries = new Map<string, Entry>();
  let local = 0;
  return {
    get<T>(key: string, render: () => T): T {
      const version = options.version() + local;
      const now = options.monotonic();
      const entry = entries.get(key);
      if (entry !== undefined && entry.version === version && now - entry.at < options.maxAgeMs) return entry.value as T;
      const value = render();
      if (entries.size >= MAX_ENTRIES && entry === undefined) entries.clear();
      entries.set(key, { version, at: now, value });
      return value;
    },
    invalidate() {
      // Added to the daemon's version: both only grow, so the sum changes whenever either does.
      local += 1;
    },
  };
}
