// What every probe kind shares: one signature, one result shape, one list of failure reasons.
// Probes measure and judge; they never touch metrics, state or the store (the caller does).
import type { LookupAddress } from 'node:dns';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';

export type Phase = 'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer';
export const PHASES: readonly Phase[] = ['dns', 'connect', 'tls', 'ttfb', 'transfer'];

/**
 * Why a result is not ok. Every reason but `internal` describes the watched system (or the path to
 * it); `internal` is a fault in the monitor itself (an exception in our own probing code).
 */
export type FailureReason =
  'dns' | 'connect' | 'tls' | 'timeout' | 'http_status' | 'blocked' | 'assertion' | 'body_too_large' | 'latency' | 'protocol' | 'sync_lag' | 'internal';
export const FAILURE_REASONS: readonly FailureReason[] = [
  'dns',
  'connect',
  'tls',
  'timeout',
  'http_status',
  'blocked',
  'assertion',
  'body_too_large',
  'latency',
  'protocol',
  'sync_lag',
  'internal',
];

/**
 * The failure is the monitor's own, not the watched system's: it says nothing about the system's
 * health, so it never counts against the system's availability and is never worded as its outage.
 */
export function isOwnFault(reason: FailureReason | undefined): boolean {
  return reason === 'internal';
}

export type Status = 'ok' | 'warning' | 'critical';

/** Resolves a host name to addresses; the seam tests use to fail DNS without touching the network. */
export type Lookup = (host: string, family: 4 | 6 | 0) => Promise<LookupAddress[]>;

export interface ProbeContext {
  /** Fires at the check's hard deadline or at shutdown; every I/O call takes it. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly log: Logger;
  /** Overrides name resolution (tests); absent = the check's resolver or the system's. */
  readonly lookup?: Lookup;
  /** This check's previous result, for probes that judge change over time (sync: stalled, parity). */
  readonly previous?: ProbeResult;
}

export interface CertificateInfo {
  readonly expiresAt: Date;
  readonly daysLeft: number;
  readonly subject: string;
  readonly issuer: string;
}

export interface ProbeResult {
  /** ok and warning count as success (dvc_probe_success 1); critical as failure. */
  readonly status: Status;
  /** Present iff status is not ok. */
  readonly reason?: FailureReason;
  /** One human line, e.g. "HTTP 503 from dichvucong.gov.vn". Never contains secrets. */
  readonly message: string;
  readonly durationSeconds: number;
  /** Seconds per phase; a phase never reached is absent, not 0. */
  readonly phases: Partial<Record<Phase, number>>;
  readonly httpStatus?: number;
  readonly tls?: CertificateInfo;
  readonly dns?: { readonly addresses: readonly string[] };
  readonly sync?: SyncObservation;
}

/** What a sync probe saw. Watermarks are epoch seconds (unit seconds) or counts (unit items). */
export interface SyncObservation {
  readonly mode: 'lag' | 'parity';
  readonly unit: 'seconds' | 'items';
  /** source − target (two-sided) or now − source (one-sided); never negative. Absent in parity mode. */
  readonly lag?: number;
  readonly backlog?: number;
  readonly sourceWatermark?: number;
  readonly targetWatermark?: number;
  /** Epoch ms when each watermark was last seen to change; carried from probe to probe. */
  readonly sourceMovedAt?: number;
  readonly targetMovedAt?: number;
  /** Parity: epoch ms since the two sides first differed (absent while equal), and how long that is. */
  readonly mismatchSince?: number;
  readonly mismatchSeconds?: number;
  /** Parity: how many items (by code; 1 for a single value) differ now, out of how many compared. */
  readonly mismatchCount?: number;
  readonly comparedCount?: number;
  /** Parity: epoch ms since each differing item (its code, "$" for a single value) began to differ; carried. */
  readonly mismatchSinceByKey?: Readonly<Record<string, number>>;
}

/** Probes never reject for target failures; those are results with a reason. */
export type Probe<C> = (check: C, context: ProbeContext) => Promise<ProbeResult>;
