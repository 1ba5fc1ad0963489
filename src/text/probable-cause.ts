// Turns a failure reason, the phases a probe got through and its HTTP status into one sentence of
// probable cause (and a suggested action). The diagnosis is here; the wording is in vi.ts / en.ts.
import type { Locale } from '../config/alerting-config.ts';
import type { FailureReason, Phase } from '../probes/probe.ts';
import type { ResultSnapshot } from '../state/incident.ts';
import { wordsFor } from './locale.ts';

/**
 * How far a timed-out probe got. A phase never reached is absent from the result, so the first
 * missing one is where it hung. before-connect: neither DNS nor TCP finished (an IP target has no
 * DNS phase, so the two cannot be told apart); late: every phase finished (e.g. a slow redirect).
 */
export type TimeoutStage = 'before-connect' | 'connect' | 'response' | 'transfer' | 'late';

export interface Diagnosis {
  readonly reason: FailureReason | undefined;
  readonly httpStatus?: number;
  /** Present for timeouts. */
  readonly timeoutStage?: TimeoutStage;
  /** The phase that took longest and its seconds; present when any phase was measured. */
  readonly slowest?: { readonly phase: Phase; readonly seconds: number };
}

export function diagnose(reason: FailureReason | undefined, phases: ResultSnapshot['phases'], httpStatus: number | undefined): Diagnosis {
  let slowest: Diagnosis['slowest'];
  for (const [phase, seconds] of Object.entries(phases) as [Phase, number | undefined][]) {
    if (seconds !== undefined && Number.isFinite(seconds) && (slowest === undefined || seconds > slowest.seconds)) slowest = { phase, seconds };
  }
  return {
    reason,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(reason === 'timeout' ? { timeoutStage: timeoutStageOf(phases) } : {}),
    ...(slowest === undefined ? {} : { slowest }),
  };
}

function timeoutStageOf(phases: ResultSnapshot['phases']): TimeoutStage {
  if (phases.connect === undefined) return phases.dns === undefined ? 'before-connect' : 'connect';
  if (phases.ttfb === undefined) return 'response';
  if (phases.transfer === undefined) return 'transfer';
  return 'late';
}

/** One sentence, lower-case start, for "Nguyên nhân ban đầu: …". An absent reason reads as "not determined". */
export function probableCause(reason: FailureReason | undefined, phases: ResultSnapshot['phases'], httpStatus: number | undefined, locale: Locale): string {
  return wordsFor(locale).cause(diagnose(reason, phases, httpStatus));
}

/** A short practical first step for "Biện pháp xử lý: …"; undefined when there is nothing specific to say. */
export function suggestRemedy(
  reason: FailureReason | undefined,
  phases: ResultSnapshot['phases'],
  httpStatus: number | undefined,
  locale: Locale,
): string | undefined {
  return wordsFor(locale).remedy(diagnose(reason, phases, httpStatus));
}
