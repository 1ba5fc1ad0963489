// The validated, defaults-applied config every other module reads. Built once per load by
// resolveConfig (pure); frozen so a running daemon never sees it change under it.
import type { JsonPath } from './json-path.ts';
import { ALERTING_DEFAULTS, resolveAlerting, type AlertingConfig, type FlappingRule } from './alerting-config.ts';
import { resolveObjectives, type ObjectiveConfig } from './objective-config.ts';
import { resolveReports, type ReportConfig } from './report-config.ts';
import { resolveAccess, resolveServerTls, type AccessConfig, type ServerTlsConfig } from './access-config.ts';
import { createAuthResolver, NO_TEMPLATES, type AuthConfig, type TemplateAt } from './auth-config.ts';
import type { CheckInput, ConfigInput, FlowStepInput, SyncSideInput } from './schema.ts';
import { compileJsonTemplate, compileTemplate, type JsonTemplate, type Template } from './template.ts';
import { resolveCatalogueCheck, type CatalogueCheck } from './catalogue-config.ts';

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

export interface StoreBackupConfig {
  readonly directory: string;
  readonly everySeconds: number;
  readonly keep: number;
}

const DEFAULT_BACKUP_KEEP = 7;

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

/** Bounds on a number; each one given must hold. */
export interface NumberBounds {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly between?: readonly [number, number];
}

export interface JsonExpectation extends NumberBounds {
  readonly path: JsonPath;
  readonly equals?: string | number | boolean | null;
  readonly exists?: boolean;
  readonly matches?: RegExp;
  readonly length?: NumberBounds & { readonly equals?: number };
  readonly oneOf?: readonly (string | number | boolean | null)[];
  readonly export?: { readonly name: string };
}

/** Which servers may answer (expect.backend); absent lists allow any. Fingerprints are upper-case hex with colons. */
export interface BackendExpectation {
  readonly addresses?: readonly string[];
  readonly fingerprints?: readonly string[];
  readonly issuers?: readonly string[];
  /** Header name (lower-cased) → the exact value required. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What an http or tls check records of the server that answers, and whether a change is told. */
export interface BackendPolicy {
  readonly expect?: BackendExpectation;
  /** Response headers recorded (lower-cased): backend.headers and the keys of expect.backend.headers. */
  readonly headers: readonly string[];
  readonly notify: boolean;
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
  /** The auth (a key of Config.auths) whose credentials the request carries. */
  readonly auth?: string;
  /** Absent = record address and certificate, expect nothing, notify on change. */
  readonly backend?: BackendPolicy;
}

export interface TlsCheck extends CheckBase {
  readonly kind: 'tls';
  readonly host: string;
  readonly port: number;
  readonly ipFamily: IpFamily;
  readonly tls: TlsPolicy;
  /** Absent = record address and certificate, expect nothing, notify on change. */
  readonly backend?: BackendPolicy;
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
  /** The auth (a key of Config.auths) this side's request carries: its own, else the check's. */
  readonly auth?: string;
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
  /** The check's own auth, which each side carries unless it names its own. */
  readonly auth?: string;
}

/** Where a flow step reads a value the later steps use as {{name}}. */
export type FlowCapture =
  | { readonly from: 'json'; readonly path: JsonPath }
  | { readonly from: 'header'; readonly name: string }
  | { readonly from: 'cookie'; readonly name: string }
  | { readonly from: 'regex'; readonly pattern: RegExp };

export type FlowBody =
  | { readonly kind: 'text'; readonly template: Template }
  | { readonly kind: 'json'; readonly value: JsonTemplate }
  | { readonly kind: 'form'; readonly fields: readonly (readonly [string, Template])[] };

export interface FlowStep {
  readonly name: string;
  readonly method: string;
  readonly url: Template;
  /** Names lower-cased. */
  readonly headers: Readonly<Record<string, Template>>;
  readonly body?: FlowBody;
  readonly auth?: string;
  readonly followRedirects: boolean;
  readonly captures: readonly { readonly name: string; readonly capture: FlowCapture }[];
  readonly expect: {
    readonly status: readonly number[];
    readonly bodyContains?: string;
    readonly bodyNotContains?: string;
    readonly json: readonly JsonExpectation[];
    readonly finalUrl?: { readonly prefix: string } | { readonly pattern: RegExp };
    /** Hosts the redirect chain passes through, in order (others may come between). */
    readonly redirects?: readonly string[];
  };
}

export interface FlowCheck extends CheckBase {
  readonly kind: 'flow';
  readonly steps: readonly FlowStep[];
  readonly ipFamily: IpFamily;
  readonly userAgent: string;
  readonly maxBodyBytes: number;
  readonly tls: TlsPolicy;
  readonly blocked: { readonly status: readonly number[]; readonly markers: readonly string[] };
}

export type Check = HttpCheck | TlsCheck | DnsCheck | TcpCheck | SyncCheck | FlowCheck;
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
  /** storage.backup: copies the daemon makes of its store; absent = none. */
  readonly backup?: StoreBackupConfig;
  readonly alerting: AlertingConfig;
  /** reports:, in file order. */
  readonly reports: readonly ReportConfig[];
  /** objectives:, in file order. */
  readonly objectives: readonly ObjectiveConfig[];
  readonly checks: readonly Check[];
  /** shard: which part of the checks this instance runs (config/shard.ts); absent = all of them. */
  readonly shard?: { readonly index: number; readonly total: number };
  /** Credentials by name: `auths:` and the checks' inline auths (named after their check). */
  readonly auths: Readonly<Record<string, AuthConfig>>;
  /** `kind: catalogue` checks, in file order: crawled on their cron (src/catalogue), never by the interval scheduler. */
  readonly catalogues: readonly CatalogueCheck[];
  /** server.*: what the HTTP server takes from clients (connections, slow clients, request rate). */
  readonly server: ServerLimits;
}

export interface ServerLimits {
  readonly maxConnections: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Requests per client address within the window (loopback, /metrics and /healthz exempt). */
  readonly rateLimit: { readonly allowance: number; readonly windowMs: number };
}

/**
 * Sized so that a burst at the server cannot starve the probes: each request is cheap (cached
 * renders), a client that sends nothing loses its socket after headersTimeout, and one address
 * gets 10 requests a second on average, 100 at once, which no browser or script of the duty
 * team comes near.
 */
export const SERVER_DEFAULTS: ServerLimits = {
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  rateLimit: { allowance: 100, windowMs: 10_000 },
};

/** Reads "host:port" / "[v6]:port"; the schema has already checked the shape. */
function resolveServerLimits(input: ConfigInput['server']): ServerLimits {
  const seconds = (value: number | undefined, defaultMs: number): number => (value === undefined ? defaultMs : Math.round(value * 1000));
  return {
    maxConnections: input?.maxConnections ?? SERVER_DEFAULTS.maxConnections,
    headersTimeoutMs: seconds(input?.headersTimeout, SERVER_DEFAULTS.headersTimeoutMs),
    requestTimeoutMs: seconds(input?.requestTimeout, SERVER_DEFAULTS.requestTimeoutMs),
    rateLimit:
      input?.rateLimit === undefined ? SERVER_DEFAULTS.rateLimit : { allowance: input.rateLimit.requests, windowMs: Math.round(input.rateLimit.per * 1000) },
  };
}

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
export function resolveConfig(file: string, input: ConfigInput, readCa: (path: string) => string, templateAt: TemplateAt = NO_TEMPLATES): Config {
  const defaults = input.defaults ?? {};
  const auths = createAuthResolver(input.auths, templateAt);
  const blockedDefault = {
    status: defaults.blocked?.status ?? [...DEFAULTS.blockedStatus],
    markers: defaults.blocked?.markers ?? [...DEFAULTS.blockedMarkers],
  };
  // Sub-objects equal across checks (the defaults, mostly) are made once and shared: the config is
  // frozen, and at 10,000 checks a few small objects per check add up to megabytes of heap.
  const interned = new Map<string, unknown>();
  const intern = <T>(key: string, make: () => T): T => {
    if (interned.has(key)) return interned.get(key) as T;
    const value = make();
    interned.set(key, value);
    return value;
  };
  const NO_HEADERS: Record<string, string> = {};
  const NO_DEPENDENCIES: string[] = [];
  const resolveCheck = (check: Exclude<CheckInput, { kind: 'catalogue' }>, index: number): Check => {
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
      dependsOn: check.dependsOn ?? NO_DEPENDENCIES,
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
    const tlsPolicy = (tls: { verify?: boolean; minDaysLeft?: number; caFile?: string; serverName?: string } | undefined): TlsPolicy =>
      intern(`tls${JSON.stringify([tls?.verify, tls?.minDaysLeft, tls?.caFile, tls?.serverName])}`, () => ({
        verify: tls?.verify ?? true,
        minDaysLeft: tls?.minDaysLeft,
        caFile: tls?.caFile,
        ca: tls?.caFile === undefined ? undefined : readCa(tls.caFile),
        serverName: tls?.serverName,
      }));
    const blocked = (given: { status?: number[]; markers?: string[] } | undefined) =>
      given?.status === undefined && given?.markers === undefined
        ? blockedDefault
        : intern(`blocked${JSON.stringify([given.status, given.markers])}`, () => ({
            status: given.status ?? blockedDefault.status,
            markers: given.markers ?? blockedDefault.markers,
          }));
    switch (check.kind) {
      case 'http': {
        const jsonBody = check.body !== undefined && typeof check.body !== 'string';
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(check.headers ?? {})) headers[key.toLowerCase()] = value;
        if (jsonBody && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
        const maxBodyBytes = check.expect?.maxBodyBytes ?? defaults.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
        const expected = check.expect;
        return Object.assign(base, {
          kind: 'http' as const,
          url: check.url,
          method: check.method ?? (check.body === undefined ? 'GET' : 'POST'),
          headers: Object.keys(headers).length === 0 ? NO_HEADERS : headers,
          body: check.body === undefined ? undefined : jsonBody ? JSON.stringify(check.body) : (check.body as string),
          followRedirects: check.followRedirects ?? false,
          ipFamily: check.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          userAgent: headers['user-agent'] ?? defaults.userAgent ?? DEFAULTS.userAgent,
          // JSON expectations hold regular expressions: such an expect is the check's own.
          expect:
            expected?.json === undefined
              ? intern(`expect${JSON.stringify([expected?.status, expected?.bodyContains, expected?.bodyNotContains, maxBodyBytes])}`, () => ({
                  status: expected?.status ?? DEFAULTS.httpStatus,
                  bodyContains: expected?.bodyContains,
                  bodyNotContains: expected?.bodyNotContains,
                  json: [],
                  maxBodyBytes,
                }))
              : {
                  status: expected.status ?? DEFAULTS.httpStatus,
                  bodyContains: expected.bodyContains,
                  bodyNotContains: expected.bodyNotContains,
                  json: expected.json,
                  maxBodyBytes,
                },
          tls: tlsPolicy(check.tls),
          blocked: blocked(check.blocked),
          auth: auths.ref(check.auth, ['checks', index, 'auth'], check.name),
          backend:
            check.expect?.backend === undefined && check.backend === undefined
              ? intern('backend', () => backendPolicy(undefined, undefined))
              : backendPolicy(check.expect?.backend, check.backend),
        });
      }
      case 'tls':
        return Object.assign(base, {
          kind: 'tls' as const,
          host: check.host,
          port: check.port ?? DEFAULTS.tlsPort,
          ipFamily: check.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          tls: tlsPolicy(check.tls),
          backend:
            check.expect?.backend === undefined && check.backend === undefined
              ? intern('backend', () => backendPolicy(undefined, undefined))
              : backendPolicy(check.expect?.backend, check.backend),
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
        const checkAuth = auths.ref(check.auth, ['checks', index, 'auth'], check.name);
        const side = (input: SyncSideInput, name: 'source' | 'target'): SyncSide => ({
          ...resolveSyncRequest(input, defaults.userAgent),
          ipFamily: input.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          tls: tlsPolicy(input.tls),
          watermark: input.watermark,
          value: input.value,
          auth: auths.ref(input.auth, ['checks', index, name, 'auth'], `${check.name}-${name}`) ?? checkAuth,
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
          source: side(check.source, 'source'),
          target: check.target === undefined ? undefined : side(check.target, 'target'),
          backlog: check.backlog,
          maxBodyBytes: defaults.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
          blocked: blockedDefault,
          expect: {
            lag: lag === undefined ? undefined : { warn: level(lag.warn), critical: level(lag.critical) },
            backlog: check.expect?.backlog,
            stalledSeconds: check.expect?.stalled,
            mismatchForSeconds: check.expect?.mismatchFor,
          },
          auth: checkAuth,
        });
      }
      case 'flow':
        return Object.assign(base, {
          kind: 'flow' as const,
          steps: check.steps.map((step, stepIndex) =>
            resolveFlowStep(step, auths.ref(step.auth, ['checks', index, 'steps', stepIndex, 'auth'], `${check.name}-${step.name}`)),
          ),
          ipFamily: check.ipFamily ?? defaults.ipFamily ?? DEFAULTS.ipFamily,
          userAgent: defaults.userAgent ?? DEFAULTS.userAgent,
          maxBodyBytes: defaults.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
          tls: tlsPolicy(check.tls),
          blocked: blocked(check.blocked),
        });
    }
  };
  const listen = splitHostPort(input.server?.listen ?? DEFAULTS.listen, 9464);
  // Checks first: their inline auths join `auths` as they are resolved.
  const checks = input.checks.flatMap((check, index) => (check.kind === 'catalogue' ? [] : [resolveCheck(check, index)]));
  return deepFreeze({
    file,
    location: input.location,
    listen,
    tls: resolveServerTls(input.server?.tls, file),
    access: resolveAccess(input.access, listen.host),
    server: resolveServerLimits(input.server),
    storagePath: input.storage?.path ?? DEFAULTS.storagePath,
    retentionSeconds: {
      notifications: input.storage?.retention?.notifications ?? DEFAULTS.retentionSeconds.notifications,
      incidents: input.storage?.retention?.incidents ?? DEFAULTS.retentionSeconds.incidents,
      raw: input.storage?.retention?.raw ?? DEFAULTS.retentionSeconds.raw,
      aggregates: input.storage?.retention?.aggregates ?? DEFAULTS.retentionSeconds.aggregates,
    },
    maxConcurrency: defaults.maxConcurrency ?? DEFAULTS.maxConcurrency,
    ...(input.storage?.backup === undefined
      ? {}
      : { backup: { directory: input.storage.backup.path, everySeconds: input.storage.backup.every, keep: input.storage.backup.keep ?? DEFAULT_BACKUP_KEEP } }),
    alerting: resolveAlerting(input.alerting, input.storage?.path ?? DEFAULTS.storagePath, readCa, input.roster),
    reports: resolveReports(input.reports),
    objectives: resolveObjectives(input.objectives),
    checks,
    shard: input.shard,
    auths: auths.auths,
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

/** A flow step with its templates compiled (the schema has checked them) and the http check's request rules. */
function resolveFlowStep(step: FlowStepInput, auth: string | undefined): FlowStep {
  const headers: Record<string, Template> = {};
  for (const [key, value] of Object.entries(step.request.headers ?? {})) headers[key.toLowerCase()] = value;
  const { body: bodyInput, form } = step.request;
  let body: FlowBody | undefined;
  if (form !== undefined) {
    body = { kind: 'form', fields: Object.entries(form).map(([key, value]) => [key, compileTemplate(value)] as const) };
    headers['content-type'] ??= compileTemplate('application/x-www-form-urlencoded');
  } else if (typeof bodyInput === 'string') {
    body = { kind: 'text', template: compileTemplate(bodyInput) };
  } else if (bodyInput !== undefined) {
    body = { kind: 'json', value: compileJsonTemplate(bodyInput) };
    headers['content-type'] ??= compileTemplate('application/json');
  }
  const finalUrl = step.expect?.finalUrl;
  return {
    name: step.name,
    method: step.request.method ?? (body === undefined ? 'GET' : 'POST'),
    url: step.request.url,
    headers,
    body,
    auth,
    followRedirects: step.followRedirects ?? false,
    captures: Object.entries(step.capture ?? {}).map(([name, capture]) => ({
      name,
      capture:
        'steps' in capture
          ? { from: 'json' as const, path: capture }
          : 'header' in capture
            ? { from: 'header' as const, name: capture.header.toLowerCase() }
            : 'cookie' in capture
              ? { from: 'cookie' as const, name: capture.cookie }
              : { from: 'regex' as const, pattern: new RegExp(capture.regex) },
    })),
    expect: {
      status: step.expect?.status ?? DEFAULTS.httpStatus,
      bodyContains: step.expect?.bodyContains,
      bodyNotContains: step.expect?.bodyNotContains,
      json: step.expect?.json ?? [],
      finalUrl: finalUrl === undefined ? undefined : typeof finalUrl === 'string' ? { prefix: finalUrl } : { pattern: new RegExp(finalUrl.pattern) },
      redirects: step.expect?.redirects,
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function backendPolicy(
  expect: { addresses?: string[]; fingerprints?: string[]; issuers?: string[]; headers?: Record<string, string> } | undefined,
  record: { headers?: string[]; notify?: boolean } | undefined,
): BackendPolicy {
  const expectedHeaders =
    expect?.headers === undefined ? undefined : Object.fromEntries(Object.entries(expect.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const headers = [...new Set([...(record?.headers ?? []).map((name) => name.toLowerCase()), ...Object.keys(expectedHeaders ?? {})])].sort();
  return {
    ...(expect === undefined
      ? {}
      : {
          expect: {
            ...(expect.addresses === undefined ? {} : { addresses: expect.addresses }),
            ...(expect.fingerprints === undefined ? {} : { fingerprints: expect.fingerprints.map(normalizeFingerprint) }),
            ...(expect.issuers === undefined ? {} : { issuers: expect.issuers }),
            ...(expectedHeaders === undefined ? {} : { headers: expectedHeaders }),
          },
        }),
    headers,
    notify: record?.notify ?? true,
  };
}

/** "ab12…" or "AB:12:…" → "AB:12:…", the form Node gives a certificate's fingerprint256 in. */
function normalizeFingerprint(text: string): string {
  return (text.replace(/:/g, '').toUpperCase().match(/../g) ?? []).join(':');
}
