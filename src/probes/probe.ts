// What every probe kind shares: one signature, one result shape, one list of failure reasons.
// Probes measure and judge; they never touch metrics, state or the store (the caller does).
import type { LookupAddress } from 'node:dns';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';

export type Phase = 'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer';
export const PHASES: readonly Phase[] = ['dns', 'connect', 'tls', 'ttfb', 'transfer'];

export type FailureReason =
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'http_status'
  | 'blocked'
  | 'assertion'
  | 'body_too_large'
  | 'latency'
  | 'protocol';
export const FAILURE_REASONS: readonly FailureReason[] = [
  'dns', 'connect', 'tls', 'timeout', 'http_status', 'blocked', 'assertion', 'body_too_large', 'latency', 'protocol',
];

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
}

/** Probes never reject for target failures; those are results with a reason. */
export type Probe<C> = (check: C, context: ProbeContext) => Promise<ProbeResult>;
