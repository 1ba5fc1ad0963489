// The validated, defaults-applied config every other module reads. Built once per load by
// resolveConfig (pure); frozen so a running daemon never sees it change under it.
import type { JsonPath } from './json-path.ts';
import { ALERTING_DEFAULTS, resolveAlerting, type AlertingConfig, type FlappingRule } from './alerting-config.ts';
import { resolveObjectives, type ObjectiveConfig } from './objective-config.ts';
import { resolveReports, type ReportConfig } from './report-config.ts';
import { resolveAccess, resolveServerTls, type AccessConfig, type ServerTlsConfig } from './access-config.ts';
import { resolveCatalogueCheck, type CatalogueCheck } from './catalogue-config.ts';
import type { CheckInput, ConfigInput, SyncSideInput } from './schema.ts';

export const VERSION = '0.1.0';

export const DEFAULTS = {
  listen: '127.0.0.1:9464',
  storagePath: './data/sentinel.db',
  retentionSeconds: { notifications: 30 * 86400, incidents: 400 * 86400, raw: 48 * 3600, aggregates: 400 * 86400 },
  intervalSeconds: 60,
  timeoutSeconds: 10,
  failureThreshold: 2,
  successThreshold: 2,
  maxConcurrency: 64,
  ipFamily: 4 as IpFamily,
  maxBodyBytes: 1024 * 1024,
  userAgent: `dvc-sentinel/${VERSION}`,
  blockedStatus: [403, 429],
  blockedMarkers: ['Request Rejected', 'Access denied', 'The requested URL was rejected'],
  /** Any 2xx or 3xx answer is healthy unless the check lists its own codes. */
  httpStatus: Array.from({ length: 200 }, (_, index) => 200 + index),
  tlsPort: 443,
  dnsRecordType: 'A' as DnsRecordType,
  maxRedirects: 5,
} as const;

export type IpFamily = 4 | 6 | 'any';

/** One entry per storage.retention key. */
export interface RetentionSeconds {
  /** Delivered notifications and their frozen mails. */
  readonly notifications: number;
  /** Resolved incidents, with the notifications that name them. */
  readonly incidents: number;
  /** Probe history: every probe result. */
  readonly raw: number;
  /** Probe history: each check's per-minute figures. */
  readonly aggregates: number;
}
export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'TXT';

export interface LatencyThresholds {
  readonly warnSeconds?: number;
  readonly criticalSeconds?: number;
}

export interface ResolverAddress {
  readonly host: string;
  readonly port: number;
}

export interface TlsPolicy {
  readonly verify: boolean;
  readonly minDaysLeft?: number;
  readonly caFile?: string;
  /** PEM text of caFile, read when the config loads. */
  readonly ca?: string;
  readonly serverName?: string;
}

interface CheckBase {
  readonly name: string;
  readonly system: string;
  readonly description?: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly resolver?: ResolverAddress;
  readonly latency?: LatencyThresholds;
  /** Checks whose open incident makes this one ride along in their mail instead of its own. */
  readonly dependsOn: readonly string[];
  /** Open incidents on critical only, or on warning too; defaults to alerting.alertOn. */
  readonly alertOn: 'critical' | 'warning';
  /** Its own flapping rule (state/flapping.ts), completed from alerting.flapping; absent = alerting.flapping's. */
  readonly flapping?: FlappingRule;
}

export interface JsonExpectation {
  readonly path: JsonPath;
  readonly equals?: string | number | boolean | null;
  readonly exists?: boolean;
}

export interface HttpCheck extends CheckBase {
  readonly kind: 'http';
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly followRedirects: boolean;
  readonly ipFamily: IpFamily;
  readonly userAgent: string;
  readonly expect: {
    readonly status: readonly number[];
    readonly bodyContains?: string;
    readonly bodyNotContains?: string;
    readonly json: readonly JsonExpectation[];
    readonly maxBodyBytes: number;
  };
  readonly tls: TlsPolicy;
  readonly blocked: { readonly status: readonly number[]; readonly markers: readonly string[] };
}

export interface TlsCheck extends CheckBase {
  readonly kind: 'tls';
  readonly host: string;
  readonly port: number;
  readonly ipFamily: IpFamily;
  readonly tls: TlsPolicy;
}

export interface DnsCheck extends CheckBase {
  readonly kind: 'dns';
  readonly host: string;
  readonly recordType: DnsRecordType;
  readonly expect: { readonly addresses?: readonly string[] };
}

export interface TcpCheck extends CheckBase {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
  readonly ipFamily: IpFamily;
}

/** One end of a sync check: an HTTP request, and where its JSON answer holds what is compared. */
export interface SyncSide {
  readonly url: string;
  readonly method: string;
  /** Names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly ipFamily: IpFamily;
  readonly userAgent: string;
  readonly tls: TlsPolicy;
  /** mode lag: the watermark's path. */
  readonly watermark?: JsonPath;
  /** mode parity: the compared value's path. */
  readonly value?: JsonPath;
}

/** Levels at or above which a measure is a warning or critical. */
export interface SyncLevels {
  readonly warn?: number;
  readonly critical?: number;
}

export interface SyncCheck extends CheckBase {
  readonly kind: 'sync';
  readonly mode: 'lag' | 'parity';
  /** time: watermarks are instants, lag in seconds; count: counters, lag in items. */
  readonly unit: 'time' | 'count';
  /** What a null or absent source watermark means: a failure, or nothing waiting (lag 0). */
  readonly emptyMeans: 'error' | 'caughtUp';
  readonly compare: 'exact' | 'dossierStatus';
  readonly source: SyncSide;
  /** Absent = one-sided: lag is now − source watermark. */
  readonly target?: SyncSide;
  /** Path of the waiting count (or list) in the source answer. */
  readonly backlog?: JsonPath;
  readonly maxBodyBytes: number;
  readonly blocked: { readonly status: readonly number[]; readonly markers: readonly string[] };
  readonly expect: {
    /** Seconds (unit time) or items (unit count). */
    readonly lag?: SyncLevels;
    readonly backlog?: SyncLevels;
    readonly stalledSeconds?: number;
    readonly mismatchForSeconds?: number;
  };
}

export type Check = HttpCheck | TlsCheck | DnsCheck | TcpCheck | SyncCheck;
export type CheckKind = Check['kind'];

export interface Config {
  /** The file it came from, for messages. */
  readonly file: string;
  readonly location?: string;
  readonly listen: { readonly host: string; readonly port: number };
  /** server.tls: serve HTTPS with this certificate; absent = plain HTTP. */
  readonly tls?: ServerTlsConfig;
  /** access: users, tokens, what anonymous requests may see, single sign-on. */
  readonly access: AccessConfig;
  readonly storagePath: string;
  /** storage.retention.*: how long the store keeps each kind of row; see store/prune.ts. */
  readonly retentionSeconds: RetentionSeconds;
  readonly maxConcurrency: number;
  readonly alerting: AlertingConfig;
  /** reports:, in file order. */
  readonly reports: readonly ReportConfig[];
  /** objectives:, in file order. */
  readonly objectives: readonly ObjectiveConfig[];
  readonly checks: readonly Check[];
  /** `kind: catalogue` checks, in file order: crawled on their cron (src/catalogue), never by the interval scheduler. */
  readonly catalogues: readonly CatalogueCheck[];
}

/** Reads "host:port" / "[v6]:port"; the schema has already checked the shape. */
export function splitHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(text);
  if (!match) throw new Error(`not host:port: ${text}`);
  return { host: match[1] ?? match[2]!, port: match[3] === undefined ? defaultPort : Number(match[3]) };
}

function latencyOf(input: { expect?: { latency?: { warn?: number; critical?: number } } }): LatencyThresholds | undefined {
  const latency = input.expect?.latency;
  if (!latency) return undefined;
  return { warnSeconds: latency.warn, criticalSeconds: latency.critical };
}

/**
 * Applies defaults to a parsed file. `readCa` supplies caFile contents (the loader reads files,
 * this stays pure). Cross-field rules (timeout ≤ interval, unique names) are the loader's.
 */
export function resolveConfig(file: string, input: ConfigInput, readCa: (path: string) => string): Config {
  const defaults = input.defaults ?? {};
  const blockedDefault = {
    status: defaults.blocked?.status ?? [...DEFAULTS.blockedStatus],
    markers: defaults.blocked?.markers ?? [...DEFAULTS.blockedMarkers],
  };
  const resolveCheck = (check: Exclude<CheckInput, { kind: 'catalogue' }>): Check => {
    // Each kind's fields are added with Object.assign: V8's object spread (`{ ...base, kind }`) took
    // a slow path after a few dozen checks that gave every check a hidden class of its own (0.7 KB each).
    const base = {
      name: check.name,
      system: check.system,
      description: check.description,
      intervalSeconds: check.interval ?? defaults.interval ?? DEFAULTS.intervalSeconds,
      timeoutSeconds: check.timeout ?? defaults.timeout ?? DEFAULTS.timeoutSeconds,
      failureThreshold: check.failureThreshold ?? defaults.failureThreshold ?? DEFAULTS.failureThreshold,
      successThreshold: check.successThreshold ?? defaults.successThreshold ?? DEFAULTS.successThreshold,
      resolver: check.resolver === undefined ? undefined : splitHostPort(check.resolver, 53),
      latency: latencyOf(check),
      dependsOn: check.dependsOn ?? [],
      alertOn: check.alertOn ?? input.alerting?.alertOn ?? 'critical',
      flapping:
        check.flapping === undefined
          ? undefined
          : {
              changes: check.flapping.changes ?? input.alerting?.flapping?.changes ?? ALERTING_DEFAULTS.flappingChanges,
              windowSeconds: check.flapping.window ?? input.alerting?.flapping?.window ?? ALERTING_DEFAULTS.flappingWindowSeconds,
              recoveryHoldSeconds: check.flapping.recoveryHold ?? input.alerting?.flapping?.recoveryHold ?? ALERTING_DEFAULTS.flappingRecoveryHoldSeconds,
            },
    };
    const tlsPolicy = (tls: { verify?: boolean; minDaysLeft?: number; caFile?: string; serverName?: string } | undefined): TlsPolicy => ({
      verify: tls?.verify ?? true,
      minDaysLeft: tls?.minDaysLeft,
      caFile: tls?.caFile,
      ca: tls?.caFile === undefined ? undefined : readCa(tls.caFile),
      serverName: tls?.serverName,
    });
    switch (check.kind) {
      case 'http': {
        const jsonBody = check.body !== undefined && typeof check.body !== 'string';
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(check.headers ?? {})) headers[key.toLowerCase()] = value;
        if (jsonBody && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
        return Object.assign(base, {
          kind: 'http' as const,
          url: check.url,
          method: check.method ?? (check.body === undefined ? 'GET' : 'POST'),
          headers,
          body: check.body === undefined ? undefined : jsonBody ? JSON.stringify(check.body) : (check.body as string),
          followRedirects: check.followRedirects ?? false,
          ipFamily: check.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          userAgent: headers['user-agent'] ?? defaults.userAgent ?? DEFAULTS.userAgent,
          expect: {
            status: check.expect?.status ?? DEFAULTS.httpStatus,
            bodyContains: check.expect?.bodyContains,
            bodyNotContains: check.expect?.bodyNotContains,
            json: check.expect?.json ?? [],
            maxBodyBytes: check.expect?.maxBodyBytes ?? defaults.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
          },
          tls: tlsPolicy(check.tls),
          blocked: {
            status: check.blocked?.status ?? blockedDefault.status,
            markers: check.blocked?.markers ?? blockedDefault.markers,
          },
        });
      }
      case 'tls':
        return Object.assign(base, {
          kind: 'tls' as const,
          host: check.host,
          port: check.port ?? DEFAULTS.tlsPort,
          ipFamily: check.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          tls: tlsPolicy(check.tls),
        });
      case 'dns':
        return Object.assign(base, {
          kind: 'dns' as const,
          host: check.host,
          recordType: check.recordType ?? DEFAULTS.dnsRecordType,
          expect: { addresses: check.expect?.addresses },
        });
      case 'tcp':
        return Object.assign(base, {
          kind: 'tcp' as const,
          host: check.host,
          port: check.port,
          ipFamily: check.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
        });
      case 'sync': {
        const side = (input: SyncSideInput): SyncSide => ({
          ...resolveSyncRequest(input, defaults.userAgent),
          ipFamily: input.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          tls: tlsPolicy(input.tls),
          watermark: input.watermark,
          value: input.value,
        });
        const level = (value: { seconds: number } | { items: number } | undefined): number | undefined =>
          value === undefined ? undefined : 'seconds' in value ? value.seconds : value.items;
        const lag = check.expect?.lag;
        return Object.assign(base, {
          kind: 'sync' as const,
          mode: check.mode ?? 'lag',
          unit: check.unit ?? 'time',
          emptyMeans: check.emptyMeans ?? 'error',
          compare: check.compare ?? 'exact',
          source: side(check.source),
          target: check.target === undefined ? undefined : side(check.target),
          backlog: check.backlog,
          maxBodyBytes: defaults.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
          blocked: blockedDefault,
          expect: {
            lag: lag === undefined ? undefined : { warn: level(lag.warn), critical: level(lag.critical) },
            backlog: check.expect?.backlog,
            stalledSeconds: check.expect?.stalled,
            mismatchForSeconds: check.expect?.mismatchFor,
          },
        });
      }
    }
  };
  const listen = splitHostPort(input.server?.listen ?? DEFAULTS.listen, 9464);
  return deepFreeze({
    file,
    location: input.location,
    listen,
    tls: resolveServerTls(input.server?.tls, file),
    access: resolveAccess(input.access, listen.host),
    storagePath: input.storage?.path ?? DEFAULTS.storagePath,
    retentionSeconds: {
      notifications: input.storage?.retention?.notifications ?? DEFAULTS.retentionSeconds.notifications,
      incidents: input.storage?.retention?.incidents ?? DEFAULTS.retentionSeconds.incidents,
      raw: input.storage?.retention?.raw ?? DEFAULTS.retentionSeconds.raw,
      aggregates: input.storage?.retention?.aggregates ?? DEFAULTS.retentionSeconds.aggregates,
    },
    maxConcurrency: defaults.maxConcurrency ?? DEFAULTS.maxConcurrency,
    alerting: resolveAlerting(input.alerting, input.storage?.path ?? DEFAULTS.storagePath, readCa, input.roster),
    reports: resolveReports(input.reports),
    objectives: resolveObjectives(input.objectives),
    checks: input.checks.flatMap((check) => (check.kind === 'catalogue' ? [] : [resolveCheck(check)])),
    catalogues: input.checks.flatMap((check) => (check.kind === 'catalogue' ? [resolveCatalogueCheck(check, file, defaults.userAgent)] : [])),
  });
}

/** A sync side's request, with the same rules as an http check: lower-cased headers, JSON bodies, POST when a body. */
function resolveSyncRequest(input: SyncSideInput, userAgent: string | undefined): Pick<SyncSide, 'url' | 'method' | 'headers' | 'body' | 'userAgent'> {
  const jsonBody = input.body !== undefined && typeof input.body !== 'string';
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.headers ?? {})) headers[key.toLowerCase()] = value;
  if (jsonBody && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return {
    url: input.url,
    method: input.method ?? (input.body === undefined ? 'GET' : 'POST'),
    headers,
    body: input.body === undefined ? undefined : jsonBody ? JSON.stringify(input.body) : (input.body as string),
    userAgent: headers['user-agent'] ?? userAgent ?? DEFAULTS.userAgent,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
