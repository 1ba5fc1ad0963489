// What every probe kind shares: one signature, one result shape, one list of failure reasons.
// Probes measure and judge; they never touch metrics, state or the store (the caller does).
import type { LookupAddress } from 'node:dns';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';

export type Phase = 'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer';
export const PHASES: readonly Phase[] = ['dns', 'connect', 'tls', 'ttfb', 'transfer'];

/**
 * Why a result is not ok. Every reason but `internal` describes the watched system (or the path to
 * it); `internal` is a fault in the monitor itself (an exception in our own probing code).
 */
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
  | 'protocol'
  | 'sync_lag'
  | 'internal'
  | 'auth'
  | 'backend';
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
  'auth',
  'backend',
];

/**
 * The failure is the monitor's own, not the watched system's: it says nothing about the system's
 * health, so it never counts against the system's availability and is never worded as its outage.
 */
export function isOwnFault(reason: FailureReason | undefined): boolean {
  return reason === 'internal';
}

/**
 * The probe never reached the watched system, so its result says nothing of the system's health:
 * the monitor's own fault, or no credentials to call it with (`auth`: the login server's trouble
 * or a wrong secret, not the API's). Such failures never count against its availability.
 */
export function saysNothingOfTarget(reason: FailureReason | undefined): boolean {
  return isOwnFault(reason) || reason === 'auth';
}

export type Status = 'ok' | 'warning' | 'critical';

/** Resolves a host name to addresses; the seam tests use to fail DNS without touching the network. */
export type Lookup = (host: string, family: 4 | 6 | 0) => Promise<LookupAddress[]>;

/**
 * What a check's `auth` gives a request: the headers to send, or why none could be had (a token
 * endpoint that refused, a file that could not be read). `message` is English for logs; neither
 * ever holds a secret.
 */
export type AuthOutcome =
  { readonly ok: true; readonly headers: Readonly<Record<string, string>> } | { readonly ok: false; readonly message: string; readonly detail: ProbeMessage };

/** Hands out credentials by auth name (Config.auths); shared by every check naming the same auth. */
export interface AuthBroker {
  /** Headers for a request, fetching or refreshing a token first when needed. */
  headersFor(name: string, signal: AbortSignal): Promise<AuthOutcome>;
  /** The endpoint answered 401 to these headers: forget them, so the next headersFor fetches anew. */
  refused(name: string, headers: Readonly<Record<string, string>>): void;
}

export interface ProbeContext {
  /** Fires at the check's hard deadline or at shutdown; every I/O call takes it. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly log: Logger;
  /** Overrides name resolution (tests); absent = the check's resolver or the system's. */
  readonly lookup?: Lookup;
  /** This check's previous result, for probes that judge change over time (sync: stalled, parity). */
  readonly previous?: ProbeResult;
  /** Credentials for checks with `auth`; absent = no check of this run names one. */
  readonly auth?: AuthBroker;
  /**
   * Rule time, a clock that never steps within a run (the daemon's steady clock), for instants
   * carried from probe to probe (sync: moved at, mismatch since), so a step of the wall clock is
   * no stall and no mismatch. Absent = `clock`.
   */
  readonly steady?: Clock;
  /** Every socket the probe opens is shown to it, so the deadline judges when bytes arrived (probes/arrivals.ts). */
  readonly arrivals?: { readonly watch: (socket: Socket) => void };
}

export interface CertificateInfo {
  readonly expiresAt: Date;
  readonly daysLeft: number;
  readonly subject: string;
  readonly issuer: string;
}

/**
 * What a result's message says, as a code and its parameters, so every surface can word it in its
 * own locale (src/text); the English `message` beside it is for logs. Parameters are facts (hosts,
 * never URLs; status codes; numbers); some come from the endpoint, so surfaces escape them. Never
 * secrets.
 */
export interface ProbeMessageParams {
  readonly http_ok: { readonly status: number; readonly host: string };
  readonly http_status: { readonly status: number; readonly host: string };
  /** The firewall in front of the host refused the prober; marker = the text on its page that said so. */
  readonly http_blocked: { readonly status: number; readonly host: string; readonly marker?: string };
  readonly body_lacks_text: { readonly host: string; readonly text: string };
  readonly body_has_text: { readonly host: string; readonly text: string };
  readonly json_invalid: { readonly host: string };
  readonly json_absent: { readonly host: string; readonly path: string };
  readonly json_present: { readonly host: string; readonly path: string; readonly value: string };
  readonly json_differs: { readonly host: string; readonly path: string; readonly value: string; readonly expected: string };
  readonly too_many_redirects: { readonly host: string; readonly max: number };
  /** A redirect the prober cannot follow: to an invalid Location, or to a non-web protocol ("ftp:"). */
  readonly bad_redirect: { readonly host: string; readonly status: number; readonly protocol?: string };
  readonly connection_closed: { readonly host: string; readonly during: 'answer' | 'body' };
  /** An HTTP exchange that broke with a low-level code (HPE_* = the answer was not valid HTTP). */
  readonly http_exchange_failed: { readonly host: string; readonly code: string };
  readonly body_too_large: { readonly host: string; readonly maxBodyBytes: number };
  readonly timeout: { readonly phase?: Phase };
  readonly aborted: Readonly<Record<string, never>>;
  /** `addresses` is how many addresses were tried, when more than one (all failed). */
  readonly connect_failed: { readonly endpoint: string; readonly code: string; readonly addresses?: number };
  readonly tls_handshake_failed: { readonly endpoint: string; readonly code?: string; readonly detail: string };
  readonly dns_failed: { readonly host: string; readonly code: string };
  readonly dns_no_address: { readonly host: string; readonly family?: 4 | 6 };
  readonly dns_timeout: { readonly host: string };
  readonly dns_answer: { readonly host: string; readonly values: string };
  readonly dns_lacks: { readonly host: string; readonly values: string; readonly expected: string };
  readonly tcp_connected: { readonly endpoint: string };
  readonly tls_ok: { readonly endpoint: string; readonly daysLeft?: number; readonly notAfter?: string };
  readonly certificate: { readonly host: string; readonly problem: CertificateProblem };
  readonly slow: { readonly seconds: number; readonly limitSeconds: number; readonly level: 'critical' | 'warning' };
  readonly internal: Readonly<Record<string, never>>;
  /** One side of a sync check said this (e.g. target: HTTP 503 from host). */
  readonly sync_side: { readonly side: SyncSideName; readonly detail: ProbeMessage };
  /** Several findings in one result, read in order (both sides failed; a side's warning and the verdict). */
  readonly sync_joined: { readonly parts: readonly ProbeMessage[] };
  /** A value a sync judge read on one side that is missing or not what the check reads. */
  readonly sync_value: {
    readonly side: SyncSideName;
    readonly path: string;
    readonly host: string;
    readonly problem: 'absent' | 'null' | 'not_time' | 'not_count' | 'not_status';
    /** The value as JSON, cut short. */
    readonly value?: string;
    /** The item's code when the value belongs to one item of a list. */
    readonly item?: string;
    readonly backlog?: boolean;
  };
  /** One side lists items by code, the other holds a single value. */
  readonly sync_shapes_differ: { readonly sourcePath: string; readonly targetPath: string; readonly sourceKeyed: boolean };
  readonly sync_lag: {
    readonly unit: 'seconds' | 'items';
    readonly lag: number;
    readonly level: Status;
    /** The threshold reached, when level is not ok. */
    readonly levelAt?: number;
    /** The source watermark is empty and the check reads that as nothing waiting. */
    readonly emptyPath?: string;
    readonly targetAhead?: number;
    /** Seconds the source watermark is in the future (a clock or time-zone mismatch). */
    readonly sourceInFuture?: number;
    readonly backlog?: { readonly count: number; readonly level: Status; readonly levelAt?: number };
    readonly stalled?: { readonly frozenSeconds: number; readonly stalledSeconds: number };
  };
  readonly sync_parity: {
    readonly noun: 'dossier' | 'item';
    readonly keyed: boolean;
    readonly compared: number;
    /** The value both hold, for a single value that agrees. */
    readonly agreed?: string;
    readonly mismatchSeconds?: number;
    readonly allowedSeconds?: number;
    readonly critical: boolean;
    /** The oldest few differences; `total` counts them all. */
    readonly differences: readonly { readonly key: string; readonly source: string; readonly target?: string }[];
    readonly total: number;
  };
  /**
   * No credentials for auth `auth`: the token endpoint at `host` refused (HTTP `status`, its
   * `error` text), could not be reached (`error` = the code), answered something that is no
   * token, or a secret file could not be read (`error` = the code). Never the secret itself.
   */
  readonly auth_failed: {
    readonly auth: string;
    readonly problem: 'refused' | 'unreachable' | 'invalid_answer' | 'secret_unreadable';
    readonly host?: string;
    readonly status?: number;
    readonly error?: string;
  };
  /** Every step of a flow passed; host and status are the last step's answer. */
  readonly flow_ok: { readonly steps: number; readonly host: string; readonly status: number };
  /** A flow step failed; the step's own finding nests inside. */
  readonly flow_step: { readonly step: string; readonly detail: ProbeMessage };
  /** A value the step was to capture was not in the answer; `where` is the JSON path, header or cookie name, or "regex". */
  readonly flow_capture_absent: { readonly host: string; readonly name: string; readonly from: 'json' | 'header' | 'cookie' | 'regex'; readonly where: string };
  /** A template read {{name}} and no earlier step captured it. */
  readonly flow_value_missing: { readonly name: string };
  /** The redirects ended elsewhere than expect.finalUrl; host and path (never the query) of where they ended. */
  readonly flow_final_url: { readonly host: string; readonly path: string; readonly expected: string };
  /** The redirect chain did not pass through `expected`; `hosts` is the chain it took. */
  readonly flow_redirects: { readonly expected: string; readonly hosts: string };
  /** The step names an auth, and this run has no credentials to give. */
  readonly flow_no_auth: { readonly auth: string };
  /** The step's URL, its templates filled in, is not an http(s) URL (not quoted: it may hold a captured secret). */
  readonly flow_bad_url: Readonly<Record<string, never>>;
  /** A JSON value is not of the type its expectation reads: a number to compare, text to match, a string/list/object to measure. */
  readonly json_wrong_type: { readonly host: string; readonly path: string; readonly value: string; readonly wanted: 'number' | 'text' | 'countable' };
  /** A JSON value (or its length) outside its bound; limit and upper are numbers as written in the config. */
  readonly json_out_of_range: {
    readonly host: string;
    readonly path: string;
    readonly of: 'value' | 'length';
    readonly value: string;
    readonly bound: JsonBound;
  };
  readonly json_no_match: { readonly host: string; readonly path: string; readonly value: string; readonly pattern: string };
  /** `expected` is the allowed values as JSON, cut short. */
  readonly json_not_one_of: { readonly host: string; readonly path: string; readonly value: string; readonly expected: string };
  /** The server that answered is not one the check expects; `expected` lists the allowed values. */
  readonly backend_unexpected: {
    readonly host: string;
    readonly what: 'address' | 'fingerprint' | 'issuer' | 'header';
    /** The header's name, for what = header. */
    readonly name?: string;
    readonly value: string;
    readonly expected: string;
  };
  /** The JSON answer nests deeper than `maxDepth` levels; not read (it would overflow the stack). */
  readonly json_too_deep: { readonly host: string; readonly maxDepth: number };
  /** The body was sent compressed (`encoding`, e.g. gzip) and could not be decompressed. */
  readonly body_undecodable: { readonly host: string; readonly encoding: string };
}

/** One bound a JSON expectation sets; `eq` is a length that must be exactly `limit`. */
export type JsonBound =
  { readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq'; readonly limit: number } | { readonly op: 'between'; readonly limit: number; readonly upper: number };

type SyncSideName = 'source' | 'target';

/** What is wrong with a certificate; dates are YYYY-MM-DD (UTC), days whole and rounded down. */
export type CertificateProblem =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired'; readonly daysAgo: number; readonly notAfter: string }
  | { readonly kind: 'not_yet_valid'; readonly daysAway: number; readonly notBefore: string }
  | { readonly kind: 'wrong_name'; readonly names: string; readonly hostname: string }
  | { readonly kind: 'untrusted'; readonly code?: string }
  | { readonly kind: 'expiring'; readonly daysLeft: number; readonly notAfter: string; readonly minDaysLeft: number };

export type ProbeMessageCode = keyof ProbeMessageParams;

/** One code with its own parameters; the compiler pairs them. */
export type ProbeMessage = { readonly [C in ProbeMessageCode]: { readonly code: C; readonly params: ProbeMessageParams[C] } }[ProbeMessageCode];

/** Builds a coded message; the code picks the parameters' shape. */
export function probeMessage<C extends ProbeMessageCode>(code: C, params: ProbeMessageParams[C]): ProbeMessage {
  return { code, params } as ProbeMessage;
}

export interface ProbeResult {
  /** ok and warning count as success (dvc_probe_success 1); critical as failure. */
  readonly status: Status;
  /** Present iff status is not ok. */
  readonly reason?: FailureReason;
  /** One human line in English (logs), e.g. "HTTP 503 from dichvucong.gov.vn". Never contains secrets. */
  readonly message: string;
  /** The same line as a code and parameters, for mails, the status page and `once`; absent for lines not yet coded. */
  readonly detail?: ProbeMessage;
  readonly durationSeconds: number;
  /** Seconds per phase; a phase never reached is absent, not 0. */
  readonly phases: Partial<Record<Phase, number>>;
  readonly httpStatus?: number;
  readonly tls?: CertificateInfo;
  readonly dns?: { readonly addresses: readonly string[] };
  readonly sync?: SyncObservation;
  readonly flow?: FlowObservation;
  /** Numbers a check exports (`export: { name }` on a JSON expectation), in the order configured. */
  readonly values?: readonly CheckValue[];
  /** Which server answered (http and tls checks that reached one). */
  readonly backend?: BackendIdentity;
}

/** What a flow probe saw: each step it ran, in order, and the one that failed. */
export interface FlowObservation {
  readonly steps: readonly FlowStepObservation[];
  /** The step that failed; absent when every step passed. */
  readonly failedStep?: string;
}

export interface FlowStepObservation {
  readonly name: string;
  /** From the step's first request to its judgement, redirects and a retry after 401 included. */
  readonly durationSeconds: number;
  /** Seconds per phase, summed over the step's hops; a phase never reached is absent. */
  readonly phases: Partial<Record<Phase, number>>;
  readonly httpStatus?: number;
}

/** A number read from an answer, exported as dvc_check_value{check, name}. */
export interface CheckValue {
  readonly name: string;
  readonly value: number;
}

/**
 * What tells one server from another behind the same name: the address connected to, the
 * certificate it presented (SHA-256 fingerprint as colon-separated upper-case hex, issuer, serial)
 * and the response headers a check records (names lower-cased). Absent parts were not seen
 * (plain http has no certificate; a tls check has no headers).
 */
export interface BackendIdentity {
  readonly address: string;
  readonly fingerprint?: string;
  readonly issuer?: string;
  readonly serial?: string;
  readonly headers?: Readonly<Record<string, string>>;
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

/**
 * What of a sync observation outlives a probe that learned nothing new (a failed or forced run):
 * the watermarks and the clocks that run across probes (moved at, mismatch since), never the
 * measures of the moment (lag, backlog, counts). `as` sets mode and unit when a reload changed them.
 */
export function carriedSync(previous: SyncObservation, as: Pick<SyncObservation, 'mode' | 'unit'> = previous): SyncObservation {
  const { lag: _lag, backlog: _backlog, mismatchSeconds: _seconds, mismatchCount: _count, comparedCount: _compared, ...kept } = previous;
  return { ...kept, mode: as.mode, unit: as.unit };
}

/** Probes never reject for target failures; those are results with a reason. */
export type Probe<C> = (check: C, context: ProbeContext) => Promise<ProbeResult>;
