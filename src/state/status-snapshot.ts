// The live picture served at /api/status: every check's status and last result. Pure; holds no
// secrets (no URLs with credentials, no headers), only names, hosts and measured facts.
import type { Check, Config } from '../config/config.ts';
import type { ProbeMessage } from '../probes/probe.ts';
import type { CheckState } from './check-state.ts';
import type { ReportSend } from './report-send.ts';

export interface CheckSnapshot {
  readonly name: string;
  readonly system: string;
  readonly kind: Check['kind'];
  readonly target: string;
  readonly status: CheckState['status'];
  readonly since: string;
  readonly consecutiveFailures: number;
  readonly intervalSeconds: number;
  readonly last?: {
    readonly at: string;
    readonly status: string;
    readonly reason?: string;
    readonly message: string;
    /** The message as a code and parameters (the page words it in its locale). */
    readonly detail?: ProbeMessage;
    readonly durationSeconds: number;
    readonly phases: Readonly<Record<string, number>>;
    readonly httpStatus?: number;
    readonly certificateExpiresAt?: string;
    readonly certificateDaysLeft?: number;
    readonly addresses?: readonly string[];
    readonly sync?: {
      readonly mode: 'lag' | 'parity';
      readonly unit: 'seconds' | 'items';
      readonly lag?: number;
      readonly backlog?: number;
      readonly mismatchCount?: number;
      readonly comparedCount?: number;
      readonly mismatchSeconds?: number;
    };
  };
}

/** One local hour of a check's last 24 hours: the report's rule (down if anything was down, else up if watched, …). */
export interface HourCell {
  readonly start: Date | string;
  readonly state: 'up' | 'down' | 'excluded' | 'not_observed';
}

/** A check's last 24 hours (the current local hour and the 23 before it), from the daemon's live figures. */
export interface CheckRecentAvailability {
  readonly name: string;
  /** Absent when nothing was observed. */
  readonly availabilityPercent?: number;
  readonly downSeconds: number;
  readonly hours: readonly HourCell[];
}

/** An objective over its period so far (report/objectives.ts). */
export interface ObjectiveSnapshot {
  readonly objective: { readonly scope: 'system' | 'check'; readonly name: string; readonly target: number; readonly period: 'month' | 'week' | 'day' };
  readonly availabilityPercent?: number;
  readonly met: boolean;
  readonly downSeconds: number;
  readonly allowedDownSeconds: number;
  readonly budgetRemainingSeconds: number;
}

/** What the status page shows beyond the live state: the last 24 hours, the objectives and the reports sent. */
export interface StatusFigures {
  /** Undefined until the daemon's first computation ends. */
  readonly recent?: { readonly checks: readonly CheckRecentAvailability[]; readonly objectives: readonly ObjectiveSnapshot[] };
  readonly reports: readonly ReportSend[];
  /** Each catalogue check's last crawl and the counts of its newest review; absent or empty = none configured. */
  readonly catalogue?: readonly CatalogueLine[];
}

/** One catalogue check on the status page (the rows themselves are on /catalogue). */
export interface CatalogueLine {
  readonly check: string;
  readonly status: 'ok' | 'warning' | 'critical';
  readonly lastCrawlAt?: Date;
  readonly outcome?: 'complete' | 'failed' | 'busy';
  readonly reason?: string;
  readonly items?: number;
  readonly changes: number;
  readonly mismatches: number;
}

export interface StatusSnapshot {
  readonly version: string;
  readonly location?: string;
  readonly startedAt: string;
  readonly generatedAt: string;
  readonly summary: Readonly<Record<CheckState['status'], number>>;
  readonly checks: readonly CheckSnapshot[];
}

/** Where a check points, without path or query (they can carry tokens). */
export function describeTarget(check: Check): string {
  switch (check.kind) {
    case 'http': {
      const url = new URL(check.url);
      return `${check.method} ${url.protocol}//${url.host}`;
    }
    case 'dns':
      return `${check.host} ${check.recordType}`;
    case 'tls':
    case 'tcp':
      return `${check.host}:${check.port}`;
    case 'sync': {
      const source = new URL(check.source.url).host;
      return check.target ? `${source} → ${new URL(check.target.url).host}` : source;
    }
    case 'flow': {
      // The hosts of steps whose URL is written out; a URL captured at run time is not known here.
      const hosts = check.steps.flatMap((step) => (URL.canParse(step.url.source) ? [new URL(step.url.source).host] : []));
      return [...new Set(hosts)].join(' → ');
    }
  }
}

export function buildStatusSnapshot(
  config: Config,
  states: ReadonlyMap<string, CheckState>,
  meta: { version: string; startedAt: Date; now: Date },
): StatusSnapshot {
  const summary = { unknown: 0, ok: 0, warning: 0, critical: 0 };
  const checks = config.checks.map((check): CheckSnapshot => {
    const state = states.get(check.name);
    const status = state?.status ?? 'unknown';
    summary[status] += 1;
    const result = state?.lastResult;
    return {
      name: check.name,
      system: check.system,
      kind: check.kind,
      target: describeTarget(check),
      status,
      since: (state?.since ?? meta.startedAt).toISOString(),
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      intervalSeconds: check.intervalSeconds,
      last:
        result && state?.lastResultAt
          ? {
              at: state.lastResultAt.toISOString(),
              status: result.status,
              reason: result.reason,
              message: result.message,
              detail: result.detail,
              durationSeconds: result.durationSeconds,
              phases: result.phases,
              httpStatus: result.httpStatus,
              certificateExpiresAt: result.tls?.expiresAt.toISOString(),
              certificateDaysLeft: result.tls?.daysLeft,
              addresses: result.dns?.addresses,
              sync: result.sync && {
                mode: result.sync.mode,
                unit: result.sync.unit,
                lag: result.sync.lag,
                backlog: result.sync.backlog,
                mismatchCount: result.sync.mismatchCount,
                comparedCount: result.sync.comparedCount,
                mismatchSeconds: result.sync.mismatchSeconds,
              },
            }
          : undefined,
    };
  });
  return {
    version: meta.version,
    location: config.location,
    startedAt: meta.startedAt.toISOString(),
    generatedAt: meta.now.toISOString(),
    summary,
    checks,
  };
}
