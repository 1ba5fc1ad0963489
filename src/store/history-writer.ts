// Records every probe result into history without putting a write on the probe path: results
// collect in memory and go to the store in one short transaction a second (the second's raw
// results, with minutes that have finished). Checks' minutes all end at the same instant, and
// writing 10,000 of them takes about 90 ms, so a flush writes at most MINUTES_PER_FLUSH of them
// and leaves the rest to the next seconds (10 s at 10,000 checks), holding the event loop a few
// milliseconds at a time. What a crash can lose is what is still in memory: the last second's raw
// results, each check's current minute, and finished minutes still waiting their turn. stop()
// (SIGTERM) writes all of it, unfinished minutes too; a restart within that minute merges with it.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { ProbeResult } from '../probes/probe.ts';
import type { MinuteFigures } from '../state/history.ts';
import { MINUTE_MS, addResult, minuteOf, startMinute, type MinuteBuilder } from '../state/minute-figures.ts';
import type { HistoryStore, RawResult } from './history-store.ts';

/** What a check run needs: hand over one result. Never throws, never writes at once. */
export interface HistoryRecorder {
  record(check: string, result: ProbeResult, at: Date): void;
}

export interface HistoryWriter extends HistoryRecorder {
  /** Writes the raw results so far and every minute finished by `now` (default the clock). */
  flush(now?: Date): void;
  /** Flushes every `flushEveryMs` until stop(). */
  start(): void;
  /** No more timer; writes everything, unfinished minutes included. */
  stop(): void;
}

/** About 10 ms of writing at most per flush (sketches of a minute of 1 s probes are the largest). */
const MINUTES_PER_FLUSH = 1000;

export interface HistoryWriterOptions {
  readonly history: HistoryStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Default 1 s: the most raw results a crash loses. */
  readonly flushEveryMs?: number;
  /** Default MINUTES_PER_FLUSH. */
  readonly minutesPerFlush?: number;
}

export function createHistoryWriter(options: HistoryWriterOptions): HistoryWriter {
  const { history, clock, log } = options;
  let raw: RawResult[] = [];
  /** Each check's minute being filled. */
  const current = new Map<string, MinuteBuilder>();
  /** Finished minutes waiting for a flush, oldest first. */
  let finished: MinuteFigures[] = [];
  const minutesPerFlush = options.minutesPerFlush ?? MINUTES_PER_FLUSH;
  let timer: NodeJS.Timeout | undefined;

  const write = (minutes: MinuteFigures[]): void => {
    const batch = raw;
    raw = [];
    try {
      history.write(batch, minutes);
    } catch (error) {
      // History is best effort: a store that cannot write is reported loudly by the probe path's
      // own commits; holding results back would only grow memory until it can.
      log.error({ err: error, results: batch.length, minutes: minutes.length }, 'history write failed; these results are not in history');
    }
  };

  const flush = (now: Date = clock()): void => {
    const nowMs = now.getTime();
    for (const [check, figures] of current) {
      if (figures.minute.getTime() + MINUTE_MS <= nowMs) {
        finished.push(figures);
        current.delete(check);
      }
    }
    write(finished.splice(0, minutesPerFlush));
  };

  return {
    record(check, result, at) {
      const atMs = at.getTime();
      raw.push(rawOf(check, result, at));
      const minute = minuteOf(atMs);
      let figures = current.get(check);
      if (figures === undefined || figures.minute.getTime() !== minute) {
        if (figures !== undefined) finished.push(figures);
        figures = startMinute(check, minute);
        current.set(check, figures);
      }
      addResult(figures, result);
    },
    flush,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => flush(), options.flushEveryMs ?? 1000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      const minutes = [...finished, ...current.values()];
      finished = [];
      current.clear();
      write(minutes);
    },
  };
}

function rawOf(check: string, result: ProbeResult, at: Date): RawResult {
  const lag = result.sync?.lag;
  const backlog = result.sync?.backlog;
  return {
    check,
    at,
    status: result.status,
    // As the minute counts it (minute-figures.ts addResult).
    ...(result.status === 'ok' ? {} : { reason: result.reason ?? 'internal' }),
    durationMs: Number.isFinite(result.durationSeconds) ? Math.max(0, Math.round(result.durationSeconds * 1000)) : 0,
    ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    ...(lag === undefined || !Number.isFinite(lag) ? {} : { syncLag: Math.round(lag) }),
    ...(backlog === undefined || !Number.isFinite(backlog) ? {} : { backlog: Math.round(backlog) }),
  };
}
