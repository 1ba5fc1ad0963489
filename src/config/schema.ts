// The config file's shape, as zod schemas. Types come from the schemas (z.infer), so the file,
// the JSON Schema for editors and the code cannot disagree. Units are parsed here, once:
// durations become seconds, sizes become bytes, JSON paths become compiled paths.
import { z } from 'zod';

export { Bytes, Duration, PositiveDuration } from './schema-primitives.ts';
import { Bytes, CheckName, Duration, HttpHeaders, HttpUrl, JsonPathText, PositiveDuration, SystemName } from './schema-primitives.ts';
import { AlertingInput, checkAlertingKeys } from './alerting-schema.ts';
import { RosterInput } from './roster-schema.ts';
import { ObjectivesInput } from './objective-schema.ts';
import { ReportsInput } from './report-schema.ts';
import { AccessInput, ServerTlsInput } from './access-schema.ts';
import { AuthRefInput, AuthsInput } from './auth-schema.ts';
import { findFlowFieldIssues } from './find-flow-issues.ts';
import { compileTemplate } from './template.ts';
import { compileJsonPath } from './json-path.ts';
import { CatalogueCheckInput } from './catalogue-schema.ts';

export const IpFamily = z.union([z.literal(4), z.literal(6), z.literal('any')]).describe('4 (default), 6 or any');

/** "host:port" or "[v6]:port" of a DNS server; port 53 when absent. */
export const ResolverAddress = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/, 'must be an IP address with an optional port, e.g. "127.0.0.1:53" or "[::1]:53"');

export const Latency = z.strictObject({
  warn: PositiveDuration.optional(),
  critical: PositiveDuration.optional(),
});

export const Blocked = z
  .strictObject({
    status: z.array(z.number().int().min(100).max(599)).optional(),
    markers: z.array(z.string().min(1)).optional(),
  })
  .describe('How the portal firewall refusing the prober looks: status codes and body markers');

export const TlsOptions = z.strictObject({
  minDaysLeft: z.number().int().min(0).optional(),
  caFile: z.string().min(1).optional().describe('PEM file of extra trust roots for this check'),
  verify: z.boolean().optional().describe('Verify chain and hostname (default true)'),
  serverName: z.string().min(1).optional().describe('SNI and certificate name, when it differs from the host'),
});

const JsonScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Bounds on a number: each one given must hold. */
const numberBounds = {
  gt: z.number().optional().describe('greater than'),
  gte: z.number().optional().describe('at least'),
  lt: z.number().optional().describe('less than'),
  lte: z.number().optional().describe('at most'),
  between: z
    .tuple([z.number(), z.number()])
    .refine(([low, high]) => low <= high, 'the first number is the lower bound and must not be larger than the second')
    .optional()
    .describe('[low, high], both included'),
};

const LengthExpectation = z
  .union([
    z
      .number()
      .int()
      .min(0)
      .transform((equals) => ({ equals })),
    z.strictObject({ equals: z.number().int().min(0).optional(), ...numberBounds }),
  ])
  .describe('Length of a string, list or object: a number (exactly) or bounds such as { gte: 1 }');

/** A regular expression, compiled when the config loads so a bad one is a config error with its line. */
const RegexText = z
  .string()
  .min(1)
  .describe('A regular expression (JavaScript syntax) the value, as text, must match somewhere')
  .transform((text, ctx) => {
    try {
      return new RegExp(text, 'u');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

/** A name for dvc_check_value's `name` label: bounded like a system name. */
const ValueName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"');

export const JsonExpectation = z
  .strictObject({
    path: JsonPathText,
    equals: JsonScalar.optional(),
    exists: z.boolean().optional(),
    ...numberBounds,
    matches: RegexText.optional(),
    length: LengthExpectation.optional(),
    oneOf: z.array(JsonScalar).min(1).optional().describe('The value is one of these'),
    export: z
      .strictObject({ name: ValueName })
      .optional()
      .describe('Export the number read here as dvc_check_value{check, name} (a non-number gives no sample)'),
  })
  .describe('A value at a JSON path: equals, exists, bounds (gt, gte, lt, lte, between), matches, length, oneOf; export reads it as a gauge');

const JsonExpectations = z.array(JsonExpectation).superRefine((expectations, ctx) => {
  const seen = new Set<string>();
  expectations.forEach((expectation, index) => {
    const name = expectation.export?.name;
    if (name === undefined) return;
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index, 'export', 'name'], message: `"${name}" is exported twice by this check` });
    seen.add(name);
  });
});

const BackendAllowed = {
  addresses: z.array(z.string().min(1)).min(1).optional().describe('The connected IP address must be one of these'),
  fingerprints: z
    .array(z.string().regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, 'must be a SHA-256 fingerprint: 64 hex digits, with or without colons'))
    .min(1)
    .optional()
    .describe("The certificate's SHA-256 fingerprint must be one of these"),
  issuers: z.array(z.string().min(1)).min(1).optional().describe("The certificate's issuer must contain one of these (case-insensitive)"),
};

const BackendRecord = z
  .strictObject({
    headers: z.array(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')).optional(),
    notify: z.boolean().optional().describe('Notify when the answering server changes (default true)'),
  })
  .describe('Which server answers: response headers to record beside address and certificate, and whether a change notifies');

const common = {
  name: CheckName,
  system: SystemName,
  description: z.string().optional(),
  interval: PositiveDuration.optional(),
  timeout: PositiveDuration.optional(),
  failureThreshold: z.number().int().min(1).max(100).optional(),
  successThreshold: z.number().int().min(1).max(100).optional(),
  resolver: ResolverAddress.optional().describe('Resolve the host through this DNS server instead of the system resolver'),
  ...checkAlertingKeys,
};

const HttpMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const HttpCheckInput = z.strictObject({
  ...common,
  kind: z.literal('http'),
  url: HttpUrl,
  method: HttpMethod.optional(),
  headers: HttpHeaders.optional(),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .optional()
    .describe('Request body; an object or list is sent as JSON'),
  followRedirects: z.boolean().optional(),
  ipFamily: IpFamily.optional(),
  expect: z
    .strictObject({
      status: z.array(z.number().int().min(100).max(599)).min(1).optional(),
      bodyContains: z.string().optional(),
      bodyNotContains: z.string().optional(),
      json: JsonExpectations.optional(),
      latency: Latency.optional(),
      maxBodyBytes: Bytes.optional(),
      backend: z
        .strictObject({
          ...BackendAllowed,
          headers: z
            .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), z.string())
            .optional()
            .describe('Response headers that must have exactly these values; they are recorded too'),
        })
        .optional()
        .describe('Which server must answer; a mismatch fails with reason backend'),
    })
    .optional(),
  tls: TlsOptions.optional(),
  blocked: Blocked.optional(),
  auth: AuthRefInput.optional().describe('Credentials sent with the request: a name from auths:, or an auth in place'),
  backend: BackendRecord.optional(),
});

export const TlsCheckInput = z.strictObject({
  ...common,
  kind: z.literal('tls'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  ipFamily: IpFamily.optional(),
  tls: TlsOptions.optional(),
  expect: z
    .strictObject({
      latency: Latency.optional(),
      backend: z.strictObject(BackendAllowed).optional().describe('Which server must answer; a mismatch fails with reason backend'),
    })
    .optional(),
  backend: BackendRecord.omit({ headers: true }).optional(),
});

export const DnsCheckInput = z.strictObject({
  ...common,
  kind: z.literal('dns'),
  host: z.string().min(1),
  recordType: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT']).optional(),
  expect: z
    .strictObject({
      addresses: z.array(z.string().min(1)).optional().describe('Must all be in the answer (a subset)'),
      latency: Latency.optional(),
    })
    .optional(),
});

export const TcpCheckInput = z.strictObject({
  ...common,
  kind: z.literal('tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  ipFamily: IpFamily.optional(),
  expect: z.strictObject({ latency: Latency.optional() }).optional(),
});

/** One end of a sync check: the request, and where its answer holds the watermark or value. */
export const SyncSideInput = z.strictObject({
  url: HttpUrl,
  method: HttpMethod.optional(),
  headers: HttpHeaders.optional(),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .optional()
    .describe('Request body; an object or list is sent as JSON'),
  watermark: JsonPathText.optional().describe('mode lag: JSON path of the watermark (a time or, with unit: count, a number)'),
  value: JsonPathText.optional().describe('mode parity: JSON path of the value compared with the other side'),
  ipFamily: IpFamily.optional(),
  tls: TlsOptions.optional(),
  auth: AuthRefInput.optional().describe("Credentials for this side; overrides the check's auth"),
});

/** A lag level: a duration (unit time) or a number of items (unit count); tagged so the check can tell. */
const LagLevel = z
  .union([
    z
      .number()
      .nonnegative()
      .transform((items) => ({ items })),
    Duration.transform((seconds) => ({ seconds })),
  ])
  .describe('A duration such as "5m" (unit time) or a number of items (unit count)');

const Count = z.number().int().nonnegative();

const SyncCheckFields = z.strictObject({
  ...common,
  kind: z.literal('sync'),
  mode: z.enum(['lag', 'parity']).optional().describe('lag (default): how far the target trails; parity: whether both sides hold the same value'),
  unit: z.enum(['time', 'count']).optional().describe('time (default): watermarks are instants; count: sequence numbers, lag in items'),
  emptyMeans: z.enum(['error', 'caughtUp']).optional().describe('A null or absent source watermark: error (default), or caughtUp (nothing waiting, lag 0)'),
  compare: z.enum(['exact', 'dossierStatus']).optional().describe('mode parity: exact (default), or dossierStatus (codes 1-10 equal their national names)'),
  source: SyncSideInput.describe('Where changes happen (the provincial system)'),
  target: SyncSideInput.optional().describe('Where they must arrive (the national portal side); absent = lag is now − source watermark'),
  backlog: JsonPathText.optional().describe('JSON path, in the source answer, of the number (or list) of items waiting'),
  expect: z
    .strictObject({
      lag: z.strictObject({ warn: LagLevel.optional(), critical: LagLevel.optional() }).optional(),
      backlog: z.strictObject({ warn: Count.optional(), critical: Count.optional() }).optional(),
      stalled: PositiveDuration.optional().describe('Critical when the target watermark has not moved this long while the source moved'),
      mismatchFor: PositiveDuration.optional().describe('mode parity: critical once the sides have differed this long'),
      latency: Latency.optional(),
    })
    .optional(),
  auth: AuthRefInput.optional().describe('Credentials for both sides, unless a side has its own'),
});

export const SyncCheckInput = SyncCheckFields.superRefine(findSyncFieldIssues);

/** Rules between the fields of a sync check; zod prefixes the check's own path, so lines come out right. */
function findSyncFieldIssues(check: z.output<typeof SyncCheckFields>, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  const mode = check.mode ?? 'lag';
  const unit = check.unit ?? 'time';
  const sides = [
    ['source', check.source],
    ['target', check.target],
  ] as const;
  for (const [name, side] of sides) {
    if (side?.tls !== undefined && /^http:/i.test(side.url)) issue([name, 'tls'], `tls options apply only to https:// URLs, and ${name}.url is plain http`);
  }
  if (mode === 'lag') {
    if (check.source.watermark === undefined) issue(['source'], 'missing "watermark": the JSON path of the source watermark, e.g. "$.data.lastUpdated"');
    if (check.target !== undefined && check.target.watermark === undefined)
      issue(['target'], 'missing "watermark": the JSON path of the target watermark, e.g. "$.lastSyncedAt"');
    for (const [name, side] of sides) {
      if (side?.value !== undefined) issue([name, 'value'], '"value" is read in mode: parity only; in mode lag each side has a "watermark"');
    }
    if (check.compare !== undefined) issue(['compare'], '"compare" applies to mode: parity only');
    if (check.expect?.mismatchFor !== undefined) issue(['expect', 'mismatchFor'], '"mismatchFor" applies to mode: parity only');
    if (unit === 'count' && check.target === undefined) issue(['unit'], 'unit: count needs a "target": lag in items is source − target');
    if (check.expect?.stalled !== undefined && check.target === undefined) {
      issue(['expect', 'stalled'], '"stalled" needs a "target": it watches the target watermark stand still while the source moves');
    }
    for (const level of ['warn', 'critical'] as const) {
      const threshold = check.expect?.lag?.[level];
      if (threshold === undefined) continue;
      if (unit === 'time' && 'items' in threshold) {
        issue(
          ['expect', 'lag', level],
          `${threshold.items} has no unit; write a duration such as "${threshold.items}s" (units: ms, s, m, h, d), or set unit: count for a lag in items`,
        );
      }
      if (unit === 'count' && 'seconds' in threshold) issue(['expect', 'lag', level], 'with unit: count the lag is in items; write a whole number');
      if (unit === 'count' && 'items' in threshold && !Number.isInteger(threshold.items)) issue(['expect', 'lag', level], 'a lag in items is a whole number');
    }
    const lag = check.expect?.lag;
    if (lag?.warn !== undefined && lag.critical !== undefined && levelOf(lag.warn) >= levelOf(lag.critical)) {
      issue(['expect', 'lag', 'warn'], 'warn must be below critical');
    }
  } else {
    if (check.target === undefined) issue([], 'mode: parity needs a "target" to compare the source with');
    for (const [name, side] of sides) {
      if (side === undefined) continue;
      if (side.value === undefined) issue([name], `missing "value": the JSON path of the value compared in mode: parity`);
      if (side.watermark !== undefined) issue([name, 'watermark'], '"watermark" is read in mode lag; in mode: parity each side has a "value"');
    }
    if (check.expect?.mismatchFor === undefined)
      issue(check.expect === undefined ? [] : ['expect'], 'mode: parity needs expect.mismatchFor: how long the sides may differ, e.g. 15m');
    for (const key of ['lag', 'stalled'] as const) {
      if (check.expect?.[key] !== undefined) issue(['expect', key], `"${key}" applies to mode lag only`);
    }
    if (check.unit !== undefined) issue(['unit'], '"unit" applies to mode lag only');
    if (check.emptyMeans !== undefined) issue(['emptyMeans'], '"emptyMeans" applies to mode lag only');
  }
  const backlog = check.expect?.backlog;
  if (backlog !== undefined && check.backlog === undefined) {
    issue(['expect', 'backlog'], 'expect.backlog needs "backlog:", the JSON path of the waiting count in the source answer');
  }
  if (backlog?.warn !== undefined && backlog.critical !== undefined && backlog.warn >= backlog.critical) {
    issue(['expect', 'backlog', 'warn'], 'warn must be below critical');
  }
}

/** Text that may hold `{{capture}}` and `{{now | date "…"}}`; compiled here, so a malformed one is a config error. */
const TemplateText = z
  .string()
  .describe('Text with {{name}} (a value an earlier step captured) and {{now | add "-1d" | date "yyyyMMdd"}} (local time)')
  .transform((text, ctx) => {
    try {
      return compileTemplate(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const CaptureName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and "_", starting with a letter or "_"');

const RegexSource = z.string().refine((text) => {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const FlowCaptureInput = z
  .union([
    z.string(),
    z.strictObject({ header: z.string().min(1).describe('A response header, by name (any case)') }),
    z.strictObject({ cookie: z.string().min(1).describe('A cookie the answer set (or the jar holds), by name') }),
    z.strictObject({ regex: RegexSource.describe('A regular expression on the body; the first group is the value') }),
  ])
  .describe('Where the value comes from: a JSON path "$.a.b", { header: name }, { cookie: name } or { regex: "…(…)…" }')
  .transform((capture, ctx) => {
    if (typeof capture !== 'string') return capture;
    try {
      return compileJsonPath(capture);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `${(error as Error).message}; a capture is a JSON path such as "$.access_token", or { header: … }, { cookie: … }, { regex: … }`,
      });
      return z.NEVER;
    }
  });

const FlowStepInput = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'must be 1-63 characters of letters, digits, "-" and "_"'),
  request: z.strictObject({
    method: HttpMethod.optional(),
    url: TemplateText.describe('An http:// or https:// URL; templates allowed'),
    headers: z.record(z.string(), TemplateText).optional(),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .optional()
      .describe('Request body; an object or list is sent as JSON. Templates allowed in strings'),
    form: z.record(z.string(), z.string()).optional().describe('Fields sent as application/x-www-form-urlencoded; templates allowed'),
  }),
  auth: AuthRefInput.optional().describe('Credentials sent with this step: a name from auths:, or an auth in place'),
  followRedirects: z.boolean().optional(),
  capture: z.record(CaptureName, FlowCaptureInput).optional().describe('Values the later steps read as {{name}}'),
  expect: z
    .strictObject({
      status: z.array(z.number().int().min(100).max(599)).min(1).optional(),
      bodyContains: z.string().optional(),
      bodyNotContains: z.string().optional(),
      json: z.array(JsonExpectation).optional(),
      finalUrl: z
        .union([z.string().min(1), z.strictObject({ pattern: RegexSource })])
        .optional()
        .describe('Where the redirects must end: a URL prefix, or { pattern: regex }'),
      redirects: z.array(z.string().min(1)).min(1).optional().describe('Hosts the redirect chain must pass through, in this order'),
    })
    .optional(),
});

const FlowCheckInput = z
  .strictObject({
    ...common,
    kind: z.literal('flow'),
    steps: z.array(FlowStepInput).min(1, 'needs at least one step'),
    ipFamily: IpFamily.optional(),
    tls: TlsOptions.pick({ caFile: true, verify: true }).optional(),
    blocked: Blocked.optional(),
    expect: z.strictObject({ latency: Latency.optional() }).optional(),
  })
  .superRefine(findFlowFieldIssues);

function levelOf(level: { items: number } | { seconds: number }): number {
  return 'items' in level ? level.items : level.seconds;
}

export const CheckInput = z.discriminatedUnion('kind', [
  HttpCheckInput,
  TlsCheckInput,
  DnsCheckInput,
  TcpCheckInput,
  SyncCheckInput,
  FlowCheckInput,
  CatalogueCheckInput,
]);

export const Listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
  .refine((text) => !/:\d+$/.test(text) || Number(text.slice(text.lastIndexOf(':') + 1)) <= 65535, 'the port must be 0-65535');

export const Defaults = z.strictObject({
  interval: PositiveDuration.optional(),
  timeout: PositiveDuration.optional(),
  failureThreshold: z.number().int().min(1).max(100).optional(),
  successThreshold: z.number().int().min(1).max(100).optional(),
  maxConcurrency: z.number().int().min(1).max(10000).optional(),
  ipFamily: IpFamily.optional(),
  maxBodyBytes: Bytes.optional(),
  userAgent: z.string().min(1).optional(),
  blocked: Blocked.optional(),
});

/** A retention of at least `minimum` seconds, written as a duration. */
const retentionOf = (minimum: number, minimumText: string, why: string) =>
  Duration.refine((seconds) => seconds >= minimum, { message: `must be at least ${minimumText} (${why})` });

export const StorageInput = z.strictObject({
  path: z.string().min(1).optional(),
  retention: z
    .strictObject({
      notifications: retentionOf(3600, '1h', 'grouping reads when each route last got a mail')
        .optional()
        .describe('Delivered notifications (and their frozen mails) older than this are deleted; default 30d. Undelivered ones are never deleted'),
      incidents: retentionOf(86400, '1d', 'a day of incidents is what a daily report reads')
        .optional()
        .describe('Resolved incidents older than this are deleted with their notifications; default 400d. Open ones are never deleted'),
      raw: retentionOf(3600, '1h', 'the minute being written needs its results')
        .optional()
        .describe('Every probe result (time, status, reason, duration, HTTP status, sync lag and backlog) older than this is deleted; default 48h'),
      aggregates: retentionOf(86400, '1d', 'a day of figures is what a daily report reads')
        .optional()
        .describe('Per-minute figures per check (probes, failures by reason, latency and sync lag sketches) older than this are deleted; default 400d'),
    })
    .optional()
    .describe('How long the store keeps what it no longer needs; pruned in small batches in the background'),
  backup: z
    .strictObject({
      path: z.string().min(1).describe('Directory for the copies, each named <store name>-<YYYYMMDD-HHMMSS local time>.db'),
      every: Duration.refine((seconds) => seconds >= 1, { message: 'must be at least 1s' }).describe('Time between two copies, e.g. 6h'),
      keep: z.number().int().min(1).max(10000).optional().describe('Newest copies kept; older ones are deleted. Default 7'),
    })
    .optional()
    .describe('Consistent copies of the store made by the running daemon, rotated'),
});

/** How much the status page, API and metrics server takes from clients, so that no burst of requests can starve the probes. */
const ServerInput = z
  .strictObject({
    listen: Listen.optional(),
    tls: ServerTlsInput.optional(),
    maxConnections: z.number().int().min(1).max(100000).optional().describe('Open client connections at most; further ones are closed at once. Default 256'),
    headersTimeout: PositiveDuration.optional().describe(
      'A client must have sent its request headers within this; otherwise its socket is closed. Default 10s',
    ),
    requestTimeout: PositiveDuration.optional().describe('A client must have sent its whole request within this. Default 30s'),
    rateLimit: z
      .strictObject({
        requests: z.number().int().min(1).max(1000000).describe('Requests allowed per address within `per`; further ones get 429 at once'),
        per: PositiveDuration.describe('The sliding window, e.g. 10s'),
      })
      .optional()
      .describe('Requests per client address; loopback addresses, /metrics and /healthz are never limited. Default 100 per 10s'),
  })
  // The headers are part of the request: a header timeout longer than the request's could never apply.
  .refine((server) => (server.headersTimeout ?? 10) <= (server.requestTimeout ?? 30), {
    message: 'must not be longer than requestTimeout (default 30s)',
    path: ['headersTimeout'],
  });

export const ConfigInput = z.strictObject({
  location: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"')
    .optional()
    .describe('Where this instance probes from; a constant label on every metric'),
  server: ServerInput.optional(),
  storage: StorageInput.optional(),
  defaults: Defaults.optional(),
  alerting: AlertingInput.optional(),
  reports: ReportsInput.optional(),
  objectives: ObjectivesInput.optional(),
  access: AccessInput.optional(),
  roster: RosterInput.optional().describe('Who is on duty when (Asia/Ho_Chi_Minh), and the organisations to call'),
  auths: AuthsInput.optional(),
  checks: z.array(CheckInput).min(1, 'needs at least one check'),
  shard: z
    .strictObject({
      index: z.number().int().min(0).describe('This instance, counting from 0'),
      total: z.number().int().min(1).max(1000).describe('How many instances share the checks'),
    })
    .refine((shard) => shard.index < shard.total, { message: 'must be below total (index counts from 0: 0 … total-1)', path: ['index'] })
    .optional()
    .describe('Run only this share of the checks (rendezvous hash of the check name); the --shard flag wins'),
});

export type ConfigInput = z.output<typeof ConfigInput>;
export type CheckInput = z.output<typeof CheckInput>;
export type SyncSideInput = z.output<typeof SyncSideInput>;
export type FlowCheckInput = z.output<typeof FlowCheckInput>;
export type FlowStepInput = z.output<typeof FlowStepInput>;
