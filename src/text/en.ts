// English words (alerting.locale: en) for mails, the status page and probe messages, for vendors
// and readers outside the province.
import type { CertificateProblem, JsonBound, ProbeMessage, ProbeMessageParams, Status } from '../probes/probe.ts';
import { formatMilliseconds, formatNumber } from './format-number.ts';
import { formatDuration } from './format-duration.ts';
import type { MailRefusalWords, Words } from './locale.ts';
import { capitalize, mailRefusalKindOf } from './mail-refusal.ts';
import { wordWith, type ProbeWords } from './probe-words.ts';
import type { Diagnosis } from './probable-cause.ts';

const PHASE_WORDS = {
  dns: 'DNS resolution',
  connect: 'TCP connect',
  tls: 'TLS handshake',
  ttfb: 'waiting for the first byte (TTFB)',
  transfer: 'body transfer',
} as const;

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

function describeHttpStatus(status: number | undefined): string {
  if (status === undefined) return 'unexpected HTTP status';
  const code = `HTTP ${status}`;
  if (status === 502 || status === 504) return `the server answered ${code} — a gateway/proxy got no answer from the application behind it (server-side error)`;
  if (status === 503) return `the server answered ${code} — service unavailable or overloaded (server-side error)`;
  if (status >= 500) return `the server answered ${code} — server-side error (application or a system behind it)`;
  if (status === 404) return `${code} — address not found, the path may have changed`;
  if (status === 429) return `${code} — the prober is being rate-limited`;
  if (status === 401 || status === 403) return `${code} — access refused (firewall or changed permissions)`;
  if (status >= 400) return `${code} — the server refused the request`;
  if (status >= 300) return `${code} — unexpected redirect, the address may have changed`;
  return `unexpected status ${code}`;
}

function describeTimeout(diagnosis: Diagnosis): string {
  switch (diagnosis.timeoutStage) {
    case 'connect':
      return 'could not establish a TCP connection in time — the server or the network path may be failing';
    case 'response':
      return 'connected, but the server did not answer in time — the application may be hung or overloaded';
    case 'transfer':
      return 'the server started answering but did not send the whole body in time — slow network or overloaded server';
    case 'late':
      return 'the request did not complete in time although every phase ran — the response is too slow';
    default:
      return 'could not establish a TCP connection in time (or name resolution did not finish) — the server, the network path or the DNS server may be failing';
  }
}

function describeSlowest(diagnosis: Diagnosis): string {
  const slowest = diagnosis.slowest;
  return slowest === undefined ? '' : ` — slowest phase: ${PHASE_WORDS[slowest.phase]}, ${formatMilliseconds(slowest.seconds * 1000, 'en')}`;
}

function describeCause(diagnosis: Diagnosis): string {
  switch (diagnosis.reason) {
    case undefined:
      return 'cause not determined';
    case 'dns':
      return 'DNS resolution failed — check the DNS records, especially around the move to the National Data Center';
    case 'connect':
      return 'could not connect to the server (TCP connection refused or no route) — the service may be down or the network failing';
    case 'tls':
      return 'SSL/TLS certificate problem (expired, wrong name, missing intermediate) or a failed TLS handshake';
    case 'timeout':
      return describeTimeout(diagnosis);
    case 'http_status':
      return describeHttpStatus(diagnosis.httpStatus);
    case 'blocked':
      return "the portal's firewall is refusing the prober (the portal is not necessarily down)";
    case 'assertion':
      return 'unexpected response content — the page or API returned wrong or missing data';
    case 'body_too_large':
      return 'response body over the size limit — possibly an error page or abnormal data';
    case 'latency':
      return `slow responses, over the threshold${describeSlowest(diagnosis)}`;
    case 'protocol':
      return 'invalid response or connection dropped midway (protocol or data format error)';
    case 'sync_lag':
      return 'dossier sync between the province and the National Public Service Portal is slow or stalled';
    case 'internal':
      return 'a fault in the monitor itself (dvc-sentinel), not in the watched system — this probe says nothing about the system’s real state';
    case 'auth':
      return 'no credentials (token) could be obtained to call the system — the login server refused or did not answer; the API itself was not checked';
    case 'backend':
      return 'the server answering is not the one expected (address, certificate or response headers differ) — traffic may be going to the old or a wrong data center';
  }
}

function suggestAction(diagnosis: Diagnosis): string | undefined {
  switch (diagnosis.reason) {
    case undefined:
      return undefined;
    case 'dns':
      return "check the A/AAAA records with the DNS provider and the prober's DNS server";
    case 'connect':
      return 'check that the service runs, the server-side firewall, and the network path to the data center';
    case 'tls':
      return "check the certificate's expiry, names and chain (intermediates included) on the server";
    case 'timeout':
      return 'check server load and the network path; try from another network to narrow it down';
    case 'http_status':
      return diagnosis.httpStatus !== undefined && diagnosis.httpStatus >= 500
        ? 'check the application logs and the systems behind it (proxy, database), and tell the operator'
        : 'check the path and access rights against the latest integration documents';
    case 'blocked':
      return "ask the portal's operator to allow the prober's IP address; probe less often if needed";
    case 'assertion':
      return 'open the page or API to see the actual content; look for layout or data-format changes';
    case 'body_too_large':
      return "look at the returned body; if the new size is normal, raise the check's maxBodyBytes";
    case 'latency':
      return 'watch server load and the network; tell the operator if it persists';
    case 'protocol':
      return 'check proxies, load balancers and the API version on the server side';
    case 'sync_lag':
      return 'check the sync adapter call log, its login session, and the provincial queue of unsynced dossiers';
    case 'internal':
      return 'report it to whoever runs dvc-sentinel with the error log lines; meanwhile check the system by other means';
    case 'auth':
      return 'check the login server (Keycloak), the client id and secret, and that the monitoring account is still valid; after changing a secret, send SIGHUP to reload';
    case 'backend':
      return 'check DNS, the load balancer and the data-center switch-over; compare the address and certificate with the operator';
  }
}

function days(count: number): string {
  return count === 0 ? 'less than a day' : plural(count, 'day', 'days');
}

function seconds(value: number): string {
  return value < 1 ? `${formatNumber(value * 1000, 'en')} ms` : `${formatNumber(value, 'en', value < 10 ? 2 : 1)} s`;
}

const CONNECT_ERRORS: Readonly<Record<string, (endpoint: string) => string>> = {
  ECONNREFUSED: (endpoint) => `connection refused by ${endpoint}`,
  ECONNRESET: (endpoint) => `connection reset by ${endpoint}`,
  EHOSTUNREACH: (endpoint) => `no route to host ${endpoint} (EHOSTUNREACH)`,
  ENETUNREACH: (endpoint) => `network unreachable for ${endpoint} (ENETUNREACH)`,
  ETIMEDOUT: (endpoint) => `connecting to ${endpoint} timed out in the operating system (ETIMEDOUT)`,
  EADDRNOTAVAIL: (endpoint) => `cannot reach ${endpoint} from this machine (EADDRNOTAVAIL)`,
};

const DNS_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'name not found (NXDOMAIN)',
  ENODATA: 'no record of that type',
  ESERVFAIL: 'resolver failed (SERVFAIL)',
  EREFUSED: 'resolver refused the query',
  ETIMEOUT: 'resolver did not answer',
  ECONNREFUSED: 'resolver refused the connection',
  EAI_AGAIN: 'temporary resolver failure',
  ECANCELLED: 'query cancelled',
};

const MISSING_ISSUER = 'certificate chain not trusted — the server may be missing an intermediate, or the issuing CA needs tls.caFile';
const CHAIN_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed and not trusted; trust it with tls.caFile or set tls.verify: false',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in a self-signed root that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: MISSING_ISSUER,
  UNABLE_TO_GET_ISSUER_CERT: MISSING_ISSUER,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: MISSING_ISSUER,
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not valid yet',
  CERT_REVOKED: 'certificate has been revoked',
};

function describeCertificate(problem: CertificateProblem): string {
  switch (problem.kind) {
    case 'missing':
      return 'the server sent no certificate';
    case 'expired':
      return `certificate expired ${days(problem.daysAgo)} ago (notAfter ${problem.notAfter})`;
    case 'not_yet_valid':
      return `certificate is not valid yet: notBefore ${problem.notBefore} is ${days(problem.daysAway)} away`;
    case 'wrong_name':
      return `certificate is for ${problem.names}, not ${problem.hostname}`;
    case 'untrusted':
      return problem.code === undefined
        ? 'certificate chain not trusted'
        : `${CHAIN_PROBLEMS[problem.code] ?? 'certificate chain not trusted'} (${problem.code})`;
    case 'expiring':
      return `certificate expires in ${days(problem.daysLeft)} (notAfter ${problem.notAfter}, minDaysLeft ${problem.minDaysLeft})`;
  }
}

function shape(keyed: boolean): string {
  return keyed ? 'a list of items with a code' : 'a single value';
}

function describeSyncValue({ side, path, host, problem, value, item, backlog }: ProbeMessageParams['sync_value']): string {
  const where = item === undefined ? `${side}: ${path} from ${host}${backlog ? ' (backlog)' : ''}` : `${side}: status of ${item} (${path} from ${host})`;
  switch (problem) {
    case 'absent':
      return `${side}: ${path} is absent in the JSON from ${host}`;
    case 'null':
      return `${side}: ${path} is null in the JSON from ${host}`;
    case 'not_time':
      return `${where} is ${value ?? '?'}, not a time (ISO-8601, yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss, or epoch seconds or milliseconds)`;
    case 'not_count':
      return `${where} is ${value ?? '?'}, not a count (a whole number, 0 or more)`;
    case 'not_status':
      return `${where} is ${value ?? '?'}, not a dossier status (1-10, or receiving, new, … done)`;
  }
}

function levelNote(level: Status, at: number | undefined, amount: (value: number) => string): string {
  if (at === undefined || level === 'ok') return '';
  return level === 'critical' ? ` (critical at ${amount(at)})` : ` (warning at ${amount(at)})`;
}

function describeSyncLag(params: ProbeMessageParams['sync_lag']): string {
  const amount = (value: number): string => (params.unit === 'items' ? plural(value, 'item', 'items') : formatDuration(value, 'en'));
  let lag = `sync lag ${amount(params.lag)}${levelNote(params.level, params.levelAt, amount)}`;
  if (params.emptyPath !== undefined) lag += ` (nothing waiting: ${params.emptyPath || 'the watermark'} is empty)`;
  else if (params.targetAhead !== undefined) lag += ` (target ahead of source by ${amount(params.targetAhead)})`;
  else if (params.sourceInFuture !== undefined)
    lag += ` (the source watermark is ${formatDuration(params.sourceInFuture, 'en')} in the future: a clock or time-zone mismatch?)`;
  const parts = [lag];
  const backlog = params.backlog;
  if (backlog !== undefined) parts.push(`${plural(backlog.count, 'dossier', 'dossiers')} waiting${levelNote(backlog.level, backlog.levelAt, String)}`);
  const stalled = params.stalled;
  const stall =
    stalled === undefined
      ? ''
      : `target watermark has not moved for ${formatDuration(stalled.frozenSeconds, 'en')} while the source moved (critical at ${formatDuration(stalled.stalledSeconds, 'en')}); `;
  return `${stall}${parts.join(', ')}`;
}

function describeSyncParity(params: ProbeMessageParams['sync_parity']): string {
  const noun = params.noun;
  if (params.mismatchSeconds === undefined) {
    if (!params.keyed) return `source and target agree (${params.agreed ?? 'absent'})`;
    return params.compared === 0
      ? `no ${noun}s listed by the source to compare`
      : `source and target agree on all ${plural(params.compared, noun, `${noun}s`)}`;
  }
  const allowed =
    params.allowedSeconds === undefined
      ? ''
      : params.critical
        ? ` (critical at ${formatDuration(params.allowedSeconds, 'en')})`
        : ` (allowed ${formatDuration(params.allowedSeconds, 'en')})`;
  const age = `for ${formatDuration(params.mismatchSeconds, 'en')}${allowed}`;
  const [only] = params.differences;
  if (!params.keyed && only !== undefined) return `source and target differ ${age}: source ${only.source}, target ${only.target ?? 'absent'}`;
  const listed = params.differences.map((difference) =>
    difference.target === undefined ? `${difference.key} not on target` : `${difference.key} ${difference.source} ≠ ${difference.target}`,
  );
  const more = params.total > params.differences.length ? `; ${params.total - params.differences.length} more` : '';
  return `${params.total} of ${plural(params.compared, noun, `${noun}s`)} differ, the oldest ${age}: ${listed.join('; ')}${more}`;
}

const PROBE_WORDS: ProbeWords = {
  http_ok: ({ status, host }) => `HTTP ${status} from ${host}`,
  http_status: ({ status, host }) => `HTTP ${status} from ${host}`,
  http_blocked: ({ status, host, marker }) =>
    `the firewall in front of ${host} refused the prober (HTTP ${status}${marker === undefined ? '' : `, page says "${marker}"`})`,
  body_lacks_text: ({ host, text }) => `body from ${host} does not contain "${text}"`,
  body_has_text: ({ host, text }) => `body from ${host} contains "${text}"`,
  json_invalid: ({ host }) => `body from ${host} is not valid JSON`,
  json_absent: ({ host, path }) => `${path} is absent in the JSON from ${host}`,
  json_present: ({ host, path, value }) => `${path} is present in the JSON from ${host} (found ${value})`,
  json_differs: ({ host, path, value, expected }) => `${path} in the JSON from ${host} is ${value}, expected ${expected}`,
  too_many_redirects: ({ host, max }) => `more than ${max} redirects (the last from ${host})`,
  bad_redirect: ({ host, status, protocol }) =>
    `HTTP ${status} from ${host} redirects to ${protocol === undefined ? 'an invalid Location' : `a ${protocol} URL`}`,
  connection_closed: ({ host, during }) =>
    during === 'body' ? `${host} closed the connection in the middle of the body` : `${host} closed the connection without answering`,
  http_exchange_failed: ({ host, code }) =>
    code.startsWith('HPE_') ? `invalid HTTP response from ${host} (${code})` : `HTTP exchange with ${host} failed (${code})`,
  body_too_large: ({ host, maxBodyBytes }) => `body from ${host} is larger than maxBodyBytes (${formatNumber(maxBodyBytes, 'en')} bytes)`,
  timeout: ({ phase }) => `no answer before the deadline${phase === undefined ? '' : ` (during ${phase})`}`,
  aborted: () => 'probe aborted by shutdown or reload',
  connect_failed: ({ endpoint, code, addresses }) =>
    `${CONNECT_ERRORS[code]?.(endpoint) ?? `cannot connect to ${endpoint}: ${code}`}${addresses === undefined ? '' : ` (all ${addresses} addresses failed)`}`,
  tls_handshake_failed: ({ endpoint, detail }) => `TLS handshake with ${endpoint} failed: ${detail}`,
  dns_failed: ({ host, code }) => `${host}: ${DNS_ERRORS[code] ?? code}`,
  dns_no_address: ({ host, family }) => `${host} has no ${family === undefined ? '' : family === 6 ? 'IPv6 ' : 'IPv4 '}address`,
  dns_timeout: ({ host }) => `${host}: no answer before the deadline (during dns)`,
  dns_answer: ({ host, values }) => `${host} answer ${values}`,
  dns_lacks: ({ host, values, expected }) => `${host} answer ${values} lacks expected ${expected}`,
  tcp_connected: ({ endpoint }) => `connected to ${endpoint}`,
  tls_ok: ({ endpoint, daysLeft, notAfter }) =>
    daysLeft === undefined || notAfter === undefined
      ? `TLS handshake with ${endpoint} succeeded`
      : `certificate of ${endpoint} is valid for ${daysLeft} more days (notAfter ${notAfter})`,
  certificate: ({ host, problem }) => `${host}: ${describeCertificate(problem)}`,
  slow: ({ seconds: took, limitSeconds, level }) =>
    `slow: answered in ${seconds(took)}, over the ${seconds(limitSeconds)} ${level === 'critical' ? 'limit' : 'warning level'}`,
  internal: () => 'a fault in the monitor itself (dvc-sentinel) while probing; the watched system was not checked this time',
  sync_side: ({ side, detail }) => `${side}: ${word(detail)}`,
  sync_joined: ({ parts }) => parts.map(word).join('; '),
  sync_value: describeSyncValue,
  sync_shapes_differ: ({ sourcePath, targetPath, sourceKeyed }) =>
    `source ${sourcePath} is ${shape(sourceKeyed)}, target ${targetPath} is ${shape(!sourceKeyed)}: they cannot be compared`,
  sync_lag: describeSyncLag,
  sync_parity: describeSyncParity,
  auth_failed: ({ auth, problem, host, status, error }) => {
    const from = host === undefined ? '' : ` from ${host}`;
    switch (problem) {
      case 'refused':
        return `no token for auth "${auth}"${from}: HTTP ${status ?? '?'}${error === undefined ? '' : ` (${error})`}`;
      case 'unreachable':
        return `cannot reach the token endpoint of auth "${auth}"${from}${error === undefined ? '' : ` (${error})`}`;
      case 'invalid_answer':
        return `the token endpoint${from} gave no usable token for auth "${auth}"${error === undefined ? '' : `: ${error}`}`;
      case 'secret_unreadable':
        return `cannot read a secret file of auth "${auth}"${error === undefined ? '' : ` (${error})`}`;
    }
  },
  flow_ok: ({ steps, host, status }) => `all ${steps} steps passed (last: HTTP ${status} from ${host})`,
  flow_step: ({ step, detail }) => `step ${step}: ${word(detail)}`,
  flow_capture_absent: ({ host, name, from, where }) => `nothing to capture as ${name} (${from} ${where}) in the answer from ${host}`,
  flow_value_missing: ({ name }) => `{{${name}}} has no value (no earlier step captured it)`,
  flow_final_url: ({ host, path, expected }) => `the redirects ended on ${host}${path}, expected ${expected}`,
  flow_redirects: ({ expected, hosts }) => `the redirects did not pass through ${expected} (chain: ${hosts})`,
  flow_no_auth: ({ auth }) => `no credentials for auth “${auth}”`,
  flow_bad_url: () => 'the step URL, its templates filled in, is not an http:// or https:// URL',
  json_wrong_type: ({ host, path, value, wanted }) =>
    `${path} in the JSON from ${host} is ${value}, not ${{ number: 'a number', text: 'text', countable: 'a string, list or object (to measure its length)' }[wanted]}`,
  json_out_of_range: ({ host, path, of, value, bound }) =>
    `${of === 'length' ? `the length of ${path}` : path} in the JSON from ${host} is ${value}, expected ${describeBound(bound)}`,
  json_no_match: ({ host, path, value, pattern }) => `${path} in the JSON from ${host} is ${value}, which does not match ${pattern}`,
  json_not_one_of: ({ host, path, value, expected }) => `${path} in the JSON from ${host} is ${value}, expected one of ${expected}`,
  backend_unexpected: ({ host, what, name, value, expected }) =>
    `unexpected server answering ${host}: ${{ address: 'IP address', fingerprint: 'certificate fingerprint (SHA-256)', issuer: 'certificate issuer', header: `header ${name ?? ''}` }[what]} is ${value}, expected ${expected}`,
  json_too_deep: ({ host, maxDepth }) => `JSON from ${host} nested too deep (over ${formatNumber(maxDepth, 'en')} levels)`,
  body_undecodable: ({ host, encoding }) => `compressed body (${encoding}) from ${host} could not be decompressed`,
};

/** A bound as written in the config: every decimal it has, none added. */
function exactNumber(value: number): string {
  return formatNumber(value, 'en', Math.min(6, (String(value).split('.')[1] ?? '').length));
}

function describeBound(bound: JsonBound): string {
  const limit = exactNumber(bound.limit);
  switch (bound.op) {
    case 'gt':
      return `more than ${limit}`;
    case 'gte':
      return `at least ${limit}`;
    case 'lt':
      return `less than ${limit}`;
    case 'lte':
      return `at most ${limit}`;
    case 'eq':
      return `exactly ${limit}`;
    case 'between':
      return `between ${limit} and ${exactNumber(bound.upper)}`;
  }
}

function word(message: ProbeMessage): string {
  return wordWith(PROBE_WORDS, message) ?? message.code;
}

const HOLD_CAUSES = { parent: 'a check it depends on was down', vantage: 'the monitoring network was down', maintenance: 'planned maintenance' } as const;

const MAIL_REFUSALS_EN: MailRefusalWords = {
  reason: {
    auth: 'mail server refused: wrong password',
    refused: 'mail server refused: every recipient refused',
    gave_up: 'mail server refused the mail',
    recipients: 'mail server refused some recipients',
  },
  remedy: {
    auth: 'Fix alerting.email.smtp.auth and reload the config (SIGHUP): the mails refused for the password are sent again.',
    refused: 'Check the addresses in alerting.email.to and routes.',
    gave_up: "Check alerting.email.from and the mail server's answer.",
    recipients: 'The other recipients got the mail; check the refused addresses.',
  },
  heading: 'Mail refused by the mail server (last 24 hours)',
  columns: { at: 'At', subject: 'Subject', recipients: 'Recipients', reason: 'Reason', answer: 'Server answered' },
};

export const en: Words = {
  lang: 'en',
  tag: {
    firing_critical: 'INCIDENT',
    firing_warning: 'WARNING',
    reminder_critical: 'STILL DOWN',
    reminder_warning: 'STILL WARNING',
    resolved: 'RESOLVED',
    flapping: 'FLAPPING',
    vantage_down: 'MONITORING NETWORK',
    vantage_up: 'MONITORING NETWORK',
    maintenance_end: 'MAINTENANCE OVER',
    notice: 'NOTICE',
    test: 'TEST',
    backend_changed: 'SERVER CHANGED',
  },
  headline: (reason, httpStatus) => {
    switch (reason) {
      case 'connect':
      case 'timeout':
        return 'unreachable';
      case 'dns':
        return 'DNS resolution failing';
      case 'tls':
        return 'SSL/TLS certificate error';
      case 'http_status':
        return httpStatus === undefined ? 'returning HTTP errors' : `returning HTTP ${httpStatus}`;
      case 'blocked':
        return 'blocking the prober';
      case 'assertion':
        return 'returning unexpected content';
      case 'body_too_large':
        return 'returning an oversized body';
      case 'latency':
        return 'slow to respond';
      case 'protocol':
        return 'returning invalid responses';
      case 'sync_lag':
        return 'sync lagging';
      case 'internal':
        return 'not checked: a fault in the monitor itself';
      case 'auth':
        return 'unable to obtain a login token';
      case 'backend':
        return 'answered by an unexpected server';
      case undefined:
        return 'failing';
    }
  },
  backToNormal: (duration) => `back to normal after ${duration}`,
  vantageDown: (location) => `Prober${location ? ` ${location}` : ''} lost connectivity — other alerts are inconclusive for now`,
  vantageUp: (location, failedChecks) =>
    `Prober${location ? ` ${location}` : ''} connectivity restored${failedChecks > 0 ? ` — ${plural(failedChecks, 'check', 'checks')} failed meanwhile` : ''}`,
  maintenanceEnd: (window, systemsDown, checksDown) =>
    checksDown === 0
      ? `${window} — all systems normal`
      : `${window} — ${plural(systemsDown, 'system', 'systems')} still down${checksDown === systemsDown ? '' : ` (${plural(checksDown, 'check', 'checks')})`}`,
  testSubject: (location) => `Test mail from dvc-sentinel${location ? ` (${location})` : ''}`,
  ridersSuffix: (count) => `(+${plural(count, 'dependent check', 'dependent checks')})`,
  batchUniform: {
    firing_critical: (count) => `${plural(count, 'check', 'checks')} down`,
    firing_warning: (count) => `${plural(count, 'check', 'checks')} warning`,
    reminder_critical: (count) => `${plural(count, 'check', 'checks')} still down`,
    reminder_warning: (count) => `${plural(count, 'check', 'checks')} still warning`,
    resolved: (count) => `${plural(count, 'check', 'checks')} back to normal`,
    flapping: (count) => `${plural(count, 'check', 'checks')} flapping`,
    vantage_down: (count) => `${plural(count, 'notice', 'notices')}: monitoring network down`,
    vantage_up: (count) => `${plural(count, 'notice', 'notices')}: monitoring network back`,
    maintenance_end: (count) => `${plural(count, 'maintenance window', 'maintenance windows')} over`,
    notice: (count) => plural(count, 'notice', 'notices'),
    test: (count) => plural(count, 'test mail', 'test mails'),
    backend_changed: (count) => `${plural(count, 'check', 'checks')} answered by another server`,
  },
  batchCount: {
    firing_critical: (count) => plural(count, 'new incident', 'new incidents'),
    firing_warning: (count) => plural(count, 'new warning', 'new warnings'),
    reminder_critical: (count) => `${count} still down`,
    reminder_warning: (count) => `${count} still warning`,
    resolved: (count) => `${count} resolved`,
    flapping: (count) => `${count} flapping`,
    vantage_down: () => 'monitoring network down',
    vantage_up: () => 'monitoring network back',
    maintenance_end: (count) => `${plural(count, 'maintenance window', 'maintenance windows')} over`,
    notice: (count) => plural(count, 'notice', 'notices'),
    test: (count) => plural(count, 'test mail', 'test mails'),
    backend_changed: (count) => `${plural(count, 'check', 'checks')} answered by another server`,
  },
  batchIntro: (count) => `This mail carries ${count} notifications:`,
  severity: { critical: 'Critical', warning: 'Medium' },
  labels: {
    system: 'System',
    check: 'Check',
    severity: 'Severity',
    status: 'Status',
    detectedAt: 'Detected at',
    resolvedAt: 'Resolved at',
    downtime: 'Downtime',
    totalDowntime: 'Total downtime',
    cause: 'Probable cause',
    remedy: 'Suggested action',
    lastError: 'Last error',
    latency: 'Latency',
    phases: 'Phases',
    httpStatus: 'HTTP status',
    failedProbes: 'Failed probes',
    hold: 'Notifications held',
    maintenance: 'Maintenance',
    dashboard: 'Dashboard',
    statusPage: 'Status page',
    since: 'Since',
    endedAt: 'Ended at',
    location: 'Location',
    sentAt: 'Sent at',
  },
  riderColumns: {
    check: 'Check',
    system: 'System',
    severity: 'Severity',
    detectedAt: 'Detected',
    resolvedAt: 'Resolved',
    duration: 'Downtime',
    reason: 'Reason',
    note: 'Note',
  },
  statusValue: { critical: 'Down', warning: 'Warning', resolved: 'Resolved' },
  ongoing: 'ongoing',
  asOf: (at) => `(as of ${at})`,
  probeCount: (failed, total) => `${failed} of ${total} probes`,
  phaseShort: { dns: 'DNS', connect: 'TCP', tls: 'TLS', ttfb: 'TTFB', transfer: 'Body' },
  riderGroup: {
    parent: 'Dependent checks affected',
    vantage: 'Inconclusive (monitoring network down)',
    maintenance: 'Still down after maintenance',
  },
  clockOnDate: (clock, date) => (date === undefined ? clock : `${clock} on ${date}`),
  holdNote: (hold, at) => {
    switch (hold.by) {
      case 'parent':
        return `notifications held since ${at} because ${hold.name} is down`;
      case 'vantage':
        return `notifications held since ${at} because the monitoring network is down (inconclusive)`;
      case 'maintenance':
        return `notifications held since ${at} during planned maintenance “${hold.name}”`;
    }
  },
  heldEarlier: (by) => `notifications were held earlier: ${[...new Set(by)].map((cause) => HOLD_CAUSES[cause]).join(', ')}`,
  duringWindow: (window) => `during maintenance window “${window}”`,
  leads: {
    vantageDown: (since) =>
      `Every connectivity check of the prober itself has failed since ${since}. Failures of other checks during this time cannot be blamed on the monitored systems.`,
    vantageUp: (at) => `The prober's network has been working again since ${at}.`,
    maintenanceEnd: (window, at, stillDown) =>
      `Maintenance window “${window}” ended at ${at}. ${stillDown > 0 ? 'The checks below are still down.' : 'No check is down.'}`,
    test: 'This is a test mail from dvc-sentinel. Receiving it means mail delivery works.',
  },
  vantageRemedy: "check the prober's Internet link, gateway and DNS server",
  footer: (location, at) => `Sent automatically by dvc-sentinel${location ? ` · Location: ${location}` : ''} · Generated ${at} (Vietnam time, UTC+7)`,
  cause: describeCause,
  remedy: suggestAction,
  unnamedWindow: 'maintenance',
  alertSummary: (check, system, ended, headline) => `${check} (${system}) ${ended ? 'was failing' : 'is failing'}: ${headline}`,
  notices: {
    report_late: {
      title: (param) => `Report ${param('report')} not sent by its deadline ${param('deadline')}`,
      body: (param) =>
        `The report “${param('report')}” was due before ${param('deadline')} but has not been sent. Check the report settings and the mail queue.`,
    },
    token_renewal_failed: {
      title: (param) => `Access token ${param('token')} could not be renewed`,
      body: (param) => `The access token “${param('token')}” could not be renewed (${param('error')}). Checks that use it may fail until a new one is issued.`,
    },
    catalogue_changed: {
      title: (param) => `Procedure catalogue changed (${param('changed')} procedures)`,
      body: (param) => `Since the last comparison: ${param('added')} added, ${param('removed')} removed, ${param('changed')} changed.`,
    },
    mail_refused: {
      title: (param) => capitalize(MAIL_REFUSALS_EN.reason[mailRefusalKindOf(param('failure'))]),
      body: (param) =>
        `The mail server did not take the mail “${param('subject')}” for ${param('recipients')} and it will not be sent again (answer: ${param('response')}). ${MAIL_REFUSALS_EN.remedy[mailRefusalKindOf(param('failure'))]}`,
    },
    store_unwritable: {
      title: () => 'Monitoring data cannot be written',
      body: (param) => `Writing to the store ${param('path')} failed (${param('error')}). New state and notifications may be lost if the monitor restarts.`,
    },
  },
  noticeSeverity: { info: 'Information', warning: 'Warning', critical: 'Critical' },
  probe: PROBE_WORDS,
  report: {
    title: 'REPORT',
    subtitle: (from, to) => `Operation of the Public Service Portal and the administrative procedure systems from ${from} to ${to}`,
    frame: {
      nation: 'SOCIALIST REPUBLIC OF VIET NAM',
      motto: 'Independence - Freedom - Happiness',
      number: (number, symbol) => `No.: ${number}/${symbol}`,
      placeAndDate: (place, { formatted }) => `${place}, ${formatted}`,
      addressee: (to) => `To: ${to}`,
      defaultAddressee: 'Provincial Police',
      bySystem: 'By system',
      byCheck: 'By check',
      uncounted: (system, excluded, notObserved) => `${system}: excluded (maintenance) ${excluded}; not observed ${notObserved}.`,
      restored: (check, at, duration) => `${check}: restored at ${at}, down for ${duration}.`,
      stillOngoing: (check, since) => `${check}: incident ongoing since ${since}, being handled.`,
      fillIn: '(To be completed by the unit.)',
      recipients: 'Recipients:',
      asAbove: 'As above',
      archive: 'Filed: Office',
      signerTitle: 'REPORTED BY',
      signHint: '(Signature and full name)',
    },
    sections: {
      operation: 'Operation',
      incidents: 'Incidents',
      causes: 'Causes',
      results: 'What was done',
      proposals: 'Proposals',
      maintenance: 'Planned maintenance',
      rules: 'How the figures are computed',
    },
    verdict: {
      normal: 'All systems operated normally in the period.',
      degraded: 'All systems operated, with interruptions or slow answers in the period.',
      outage: 'A system was interrupted in the period; an incident is still going on.',
    },
    columns: {
      system: 'System',
      check: 'Check',
      availability: 'Availability',
      downtime: 'Down time',
      probes: 'Probes',
      failures: 'Failures',
      latencyP50: 'Latency p50',
      latencyP95: 'Latency p95',
      latencyMax: 'Latency max',
      syncLag: 'Sync lag',
      backlog: 'Backlog',
      tlsDaysLeft: 'Certificate days left',
      startedAt: 'Started',
      endedAt: 'Ended',
      duration: 'Duration',
      reason: 'Failure',
      probableCause: 'Probable cause',
      heldChecks: 'Checks affected',
      notifications: 'Notifications sent',
    },
    hourState: { up: 'up', down: 'down', excluded: 'maintenance', not_observed: 'not observed' },
    ongoing: 'ongoing',
    noIncidents: 'No incidents in the period.',
    noMaintenance: 'No maintenance in the period.',
    notObserved: 'Not observed',
    excluded: 'Excluded (maintenance)',
    mailSubject: (unit, from, to, late) => `[REPORT] ${unit}: operation from ${from} to ${to}${late ? ' (late)' : ''}`,
    fileName: 'report',
    late: (scheduledFor) => `This report is late: it was due at ${scheduledFor}, when the monitor was not running.`,
    rules: [
      "A check's down time is the union of its incidents, each from the first failed probe to the first passing probe.",
      "Maintenance is excluded; time when the fault was the monitor's own (internal error, its network down, not running) is not observed; neither counts as up or down.",
      "Availability = 100 × (observed − down) / observed; per system, over the union of its checks' down time.",
    ],
    instant: (clock, date) => `${clock} on ${date}`,
    generated: (at) => `Report written automatically by the dvc-sentinel monitor at ${at}.`,
    bySystem: 'By system',
    byCheck: 'By check',
    hours: 'Hour by hour',
    hoursLegend: 'Each cell is one hour (Vietnam time):',
    inSeconds: (heading) => `${heading} (s)`,
    inPercent: (heading) => `${heading} (%)`,
    recovered: (check, at) => `${check}: back to normal at ${at}.`,
    stillDown: (check, since) => `${check}: incident since ${since}, being handled.`,
    ownFault: "the monitor's own fault, not counted as down time",
    noResults: 'No incidents to handle.',
    renewCertificate: (check, days) => `Renew the certificate of ${check} (${days} days left).`,
    followUp: (check) => `Keep following and fixing the incident of ${check}, and report the outcome.`,
    noProposals: 'None.',
    failuresByReason: 'Failures by kind',
    objectives: {
      heading: 'Availability objectives',
      columns: {
        objective: 'Objective',
        target: 'Target',
        period: 'Period',
        soFar: 'So far (to the end of the report)',
        verdict: 'Verdict',
        budget: 'Down time still allowed',
      },
      system: (name) => `System ${name}`,
      check: (name) => `Check ${name}`,
      target: (percent, period) => `${percent} per ${period}`,
      span: (first, last) => (first === last ? first : `${first} – ${last}`),
      met: 'Met',
      notMet: 'Not met',
      budgetLeft: (duration) => `${duration} left`,
      budgetOver: (duration) => `exceeded by ${duration}`,
      unknown: 'no longer in the config',
    },
  },
  once: {
    columns: {
      check: 'CHECK',
      system: 'SYSTEM',
      kind: 'KIND',
      status: 'STATUS',
      latency: 'LATENCY',
      syncLag: 'SYNC LAG',
      phases: 'PHASES',
      reason: 'REASON',
      message: 'MESSAGE',
    },
    status: { ok: 'OK', warning: 'WARN', critical: 'CRIT' },
    syncEqual: 'equal',
    syncDiffers: (duration) => `differs ${duration}`,
    syncItems: (count) => `${count} items`,
    syncWaiting: (lag, count) => `${lag}, ${count} waiting`,
    summary: ({ total, ok, warning, critical }) => `${total} checks: ${ok} ok, ${warning} warning, ${critical} critical`,
  },
  page: {
    title: 'Public Service Portal monitoring — dvc-sentinel',
    status: { ok: 'Normal', warning: 'Warning', critical: 'Down', unknown: 'Unknown' },
    kind: { http: 'HTTP', tls: 'TLS', dns: 'DNS', tcp: 'TCP', sync: 'Sync', flow: 'Flow' },
    columns: {
      status: 'Status',
      check: 'Check',
      since: 'Since',
      lastResult: 'Last result',
      latency: 'Latency',
      http: 'HTTP',
      certificate: 'Certificate',
      sync: 'Sync',
      last24h: 'Last 24 hours',
    },
    noResult: 'No result yet',
    addresses: (list) => `Addresses: ${list}`,
    at: (when) => `at ${when}`,
    age: (duration) => `for ${duration}`,
    consecutiveFailures: (count) => `${count} failures in a row`,
    certificateExpires: (date) => `expires ${date}`,
    certificateDaysLeft: (days) => `${days} days left`,
    certificateExpiringSoon: (days) => `${days} days left — expiring soon`,
    certificateExpired: 'expired',
    syncItems: (count) => `${count} dossiers`,
    syncLag: (amount) => `behind by ${amount}`,
    syncBacklog: (count) => `${count} dossiers waiting`,
    syncMismatch: (count, compared) => `${count}${compared === undefined ? '' : ` / ${compared}`} differ`,
    noChecks: 'No checks are configured.',
    summaryLabel: 'Summary',
    overall: ({ critical, warning, unknown, total }) => {
      if (total === 0) return 'No checks yet.';
      if (unknown === total) return 'Waiting for the first results.';
      const parts = [
        critical > 0 ? `${plural(critical, 'check', 'checks')} down` : undefined,
        warning > 0 ? `${plural(warning, 'check', 'checks')} with a warning` : undefined,
        unknown > 0 ? `${plural(unknown, 'check', 'checks')} not yet known` : undefined,
      ].filter((part) => part !== undefined);
      return parts.length === 0 ? 'All checks are normal.' : `${parts.join('; ')}.`;
    },
    checksHeading: 'Checks by system',
    incidentsHeading: (count) => `Open incidents (${count})`,
    noIncidents: 'No open incidents.',
    incident: { detectedAt: 'Detected at', downtime: 'Downtime', lastError: 'Last error', failedProbes: 'Failed probes', note: 'Note' },
    ownFault: 'A fault in the monitor itself, not in the watched system; not counted as the system’s downtime.',
    updatedAt: { before: 'Updated at', after: '(Vietnam time, UTC+7)' },
    startedAt: (at) => `started at ${at}`,
    refresh: (seconds) => `the page refreshes every ${seconds} seconds`,
    jsonData: 'JSON data',
    recent: {
      notYet: 'Working out the last 24 hours…',
      noneObserved: 'Not observed',
      stripLabel: (check) => `Each hour of the last 24 for ${check}`,
      cell: (hours, state) => `${hours}: ${state}`,
    },
    objectives: {
      heading: 'Availability objectives',
      notYet: 'Working out the objectives…',
      columns: { objective: 'Objective', target: 'Target', soFar: 'So far', verdict: 'Verdict', budget: 'Down time still allowed' },
      system: (name) => `System ${name}`,
      check: (name) => `Check ${name}`,
      period: { month: 'this month', week: 'this week', day: 'today' },
      target: (percent, period) => `${percent} ${period}`,
      met: 'Met',
      notMet: 'Not met',
      budgetLeft: (duration) => `${duration} left`,
      budgetOver: (duration) => `exceeded by ${duration}`,
    },
    reports: {
      heading: 'Reports',
      none: 'No report sent yet.',
      columns: { report: 'Report', sentAt: 'Sent at', window: 'Period', recipients: 'Recipients', result: 'Result' },
      accepted: (at) => `accepted by the mail server at ${at}`,
      pending: 'not yet accepted by the mail server',
      late: 'sent late',
      view: 'View report',
      jsonData: 'JSON list',
      deadlineMissed: (at) => `Report deadline missed at ${at}`,
      deadlineAlert: (reports) => `Report deadline missed: ${reports} not yet accepted by the mail server`,
    },
  },
  deskPage: {
    heading: 'Duty desk',
    acknowledged: (by, at) => (by === undefined ? `Acknowledged at ${at}` : `Acknowledged by ${by} at ${at}`),
    notAcknowledged: 'Not acknowledged yet',
    notesHeading: 'Handling notes',
    noteBy: (author, at) => (author === undefined ? `At ${at}` : `${author} at ${at}`),
    fields: {
      cause: 'Cause',
      plan: 'Handling plan',
      expectedFixAt: 'Expected fix',
      result: 'Result',
      text: 'Note',
    },
    notify: "Mail it now to the incident's recipients",
    notified: 'mailed',
    peopleHeading: 'Incidents reported by people',
    noPeopleIncidents: 'No incident reported by people is open.',
    reportedBy: (who) => (who === undefined ? 'Reported by a person' : `Reported by ${who}`),
    forms: {
      acknowledge: 'Acknowledge',
      acknowledgeNote: 'Note with the acknowledgement',
      addNote: 'Add note',
      resolve: 'Fixed — resolve',
      resolveResult: 'Result',
      openHeading: 'Record an incident reported by people',
      title: 'Title',
      system: 'System',
      severity: 'Severity',
      description: 'Description',
      reportedBy: 'Reported by (unit, phone)',
      open: 'Record incident',
      maintenanceHeading: 'Maintenance',
      maintenanceName: 'Name',
      checks: 'Checks (comma-separated; empty = all)',
      systems: 'Systems (comma-separated)',
      reason: 'Reason',
      until: 'Until',
      startMaintenance: 'Start maintenance',
      endMaintenance: 'End maintenance',
      silenceHeading: 'Silence notifications',
      silenceCheck: 'Check',
      silenceSystem: 'Or system',
      silence: 'Silence',
    },
    maintenanceLine: (name, until, by) => `${name}${until === undefined ? '' : ` — until ${until}`}${by === undefined ? '' : ` (${by})`}`,
    noMaintenance: 'No maintenance opened through the API.',
    silenceLine: (target, until, by) => `${target} — silenced until ${until}${by === undefined ? '' : ` (${by})`}`,
    noSilences: 'No notification is silenced.',
    refused: {
      title: 'Not done',
      badField: (field, error) => `Invalid input in field "${field}": ${error}`,
      notLoggedIn: 'Log in to do this.',
      notAllowed: 'Your account may not do this.',
      staleForm: 'This page is out of date (you logged in again, or the monitor restarted). Reload the page and try again.',
      limited: 'Too many failed logins. Try again in a minute.',
      notFound: 'No such incident or maintenance.',
      conflict: (message) => `Not done: ${message}`,
      back: 'Back to the status page',
    },
    cli: {
      columns: {
        id: 'Incident',
        severity: 'Severity',
        state: 'State',
        system: 'System',
        check: 'Check',
        startedAt: 'Detected at',
        acknowledged: 'Acknowledged',
      },
      state: { open: 'Open', resolved: 'Resolved' },
      noIncidents: 'No incidents.',
      origin: { probe: 'detected by a check', people: 'reported by people' },
      done: (what) => `Done: ${what}`,
      maintenanceStarted: (id) => `Maintenance started, id ${id}`,
      unreachable: (url, message) => `Cannot reach ${url}: ${message}`,
      notLoggedIn: 'Not logged in or wrong credentials: set DVC_SENTINEL_TOKEN, or DVC_SENTINEL_USER and DVC_SENTINEL_PASSWORD.',
      notAllowed: 'This account may not do this (needs the operator or admin role).',
      notFound: (what) => `${what} not found.`,
      badField: (field, error) => `Invalid input in field "${field}": ${error}`,
      failed: (status, error) => `The server answered HTTP ${status}: ${error}`,
    },
  },
  login: {
    title: 'Log in',
    name: 'User name',
    password: 'Password',
    submit: 'Log in',
    singleSignOn: 'Single sign-on (SSO)',
    wrong: 'Wrong user name or password.',
    limited: 'Too many failed logins. Please try again in a minute.',
    ssoFailed: 'Single sign-on failed, or the account has no role on this desk.',
    signedInAs: (name) => `Signed in: ${name}`,
    logout: (name) => `Log out ${name}`,
    loginLink: 'Log in',
    backToStatus: 'Back to the status page',
  },
  desk: {
    tag: { acknowledged: 'ACKNOWLEDGED', note: 'UPDATE', opened: 'REPORTED INCIDENT', resolved: 'RESOLVED' },
    leads: {
      acknowledged: (user, at) => `Incident acknowledged: ${user} took it at ${at}.`,
      note: (author, at) => `${author} updated the handling at ${at}.`,
      opened: (openedBy, at) => `${openedBy} recorded an incident reported by users at ${at}.`,
      resolved: (user, at) => `${user} confirmed the incident resolved at ${at}.`,
    },
    labels: {
      cause: 'Cause',
      plan: 'Handling plan',
      expectedFixAt: 'Expected completion',
      result: 'Result',
      text: 'Note',
      note: 'Note',
      incident: 'Incident',
      system: 'System',
      check: 'Check',
      severity: 'Severity',
      startedAt: 'Started at',
      resolvedAt: 'Ended at',
      description: 'Description',
      reportedBy: 'Reported by',
      openedBy: 'Recorded by',
      acknowledgedBy: 'Acknowledged by',
    },
    reportedByPeople: 'reported by users',
    report: {
      heading: 'Acknowledgement and handling',
      columns: {
        system: 'System',
        incidents: 'Incidents',
        acknowledged: 'Acknowledged',
        medianAcknowledge: 'Time to acknowledge (median)',
        resolved: 'Ended',
        medianResolve: 'Time to end (median)',
      },
      notesHeading: 'Notes of the duty desk',
      acknowledgedBy: (user, after) => `acknowledged by ${user} after ${after}`,
      resolvedAfter: (after) => `ended after ${after}`,
    },
  },
  channels: {
    firing: (severity, system, check, since) => `🔴 INCIDENT ${severity}: ${system} — check ${check}, since ${since}`,
    resolved: (system, check, duration) => `✅ RESOLVED: ${system} — check ${check}, after ${duration}`,
    reminder: (severity, system, check, since) => `🔴 STILL FAILING (${severity}): ${system} — check ${check}, since ${since}`,
    vantageDown: "⚠️ The monitor's own network is down: check results are not reliable for now",
    vantageUp: "✅ The monitor's network is back",
    maintenanceEnd: (window) => `🔧 Maintenance window ${window} ended`,
    notice: (title) => `ℹ️ ${title}`,
    test: (channel) => `A test message from dvc-sentinel through channel ${channel}. If you can read it, the channel works.`,
    statusPage: (url) => `Status page: ${url}`,
    more: (count) => `… and ${count} more`,
    testSent: (channel) => `Test message sent through channel ${channel}.`,
    testFailed: (channel, reason) => `Could not send the test message through channel ${channel}: ${reason}`,
    unknownChannel: (channel, known) => `No channel named "${channel}" in the configuration. Channels: ${known}`,
    spoolFailed: 'could not write into the gammu-smsd outbox directory; check the `outbox` path and that the dvc-sentinel user may write there',
    explainStatus: (status) =>
      status === undefined
        ? 'could not connect, or the receiver did not answer in time; check the address, firewall and network'
        : status === 401 || status === 403
          ? `the receiver refused (HTTP ${status}): check the token or authentication header`
          : status === 404
            ? 'the receiver answered not found (HTTP 404): check the URL (for Zalo: the bot token)'
            : status === 408 || status === 429 || status >= 500
              ? `the receiver is overloaded or failing (HTTP ${status}); in operation the message would be retried later`
              : `the receiver refused the content (HTTP ${status}); such a message is not retried`,
    escalation: (after, severity, system, check, since) =>
      `🚨 ESCALATED: ${severity} incident not acknowledged after ${after}: ${system} — check ${check}, since ${since}`,
    flapping: (system, check, headline) => `🟣 FLAPPING: ${system} — check ${check} ${headline}`,
  },
  sms: {
    severity: { warning: 'WARNING', critical: 'CRITICAL', info: 'INFO' },
    status: {
      firing: 'failing',
      reminder: 'still failing',
      resolved: 'recovered',
      notice: 'notice',
      flapping: 'flapping',
      escalation: 'still failing, not acknowledged',
      other: 'notice',
    },
    test: (channel) => `dvc-sentinel: test message through channel ${channel}. No reply needed.`,
  },
  roster: {
    onDuty: 'On duty',
    shift: (shift, people) => `${shift}: ${people}`,
    nobodyOnDuty: 'No shift of the roster is on duty now',
    focalPoints: 'Focal points',
    escalation: 'Escalation',
    escalated: (after) => `Not acknowledged ${after} after it was reported`,
    told: 'Also told at once',
  },
  flapping: {
    headline: (changes, window) => `is flapping (${changes} changes of status in ${window})`,
    lead: (since, window) =>
      `This check has kept switching between failing and healthy since ${since}. The changes are folded into this one notice instead of a failure and a recovery each time; one closing notice follows once its status has been steady for ${window}.`,
    changesLabel: 'Changes of status',
    badge: 'flapping',
    badgeTitle: (since) => `Flapping since ${since}`,
    reportColumn: 'Flapping',
  },
  mailRefusals: MAIL_REFUSALS_EN,
  storeFile: {
    deleted: (path, at) => `The store file ${path} was deleted while running (found at ${at}).`,
    replaced: (path, at) => `The store file ${path} was replaced by another file while running (found at ${at}).`,
    rewritten: 'Everything held (open incidents, check states, undelivered notifications) was written into a fresh file at that path.',
    notRewritten: 'No fresh file could be written yet; still trying. Do not restart now, or the open incidents are lost.',
    movedAside: (path) => `The file found in its place was moved to ${path}.`,
  },
  backend: {
    headline: 'is answered by another server',
    lead: (at) =>
      `At ${at} another server answered this check than before (address, certificate or a recorded header). Unless a cut-over or rollback was planned, make sure traffic goes to the right data centre.`,
    before: 'Before',
    after: 'Now',
    describe: ({ address, fingerprint, issuer, serial, headers }) =>
      [
        `address ${address}`,
        ...(fingerprint === undefined ? [] : [`certificate SHA-256 ${fingerprint}`]),
        ...(issuer === undefined ? [] : [`issuer ${issuer}`]),
        ...(serial === undefined ? [] : [`serial ${serial}`]),
        ...headers,
      ].join(' · '),
    chat: (system, check, before, after) => `🔀 ANSWERING SERVER CHANGED: ${system} — check ${check}: ${before} → ${after}`,
  },
  catalogue: {
    subject: (check) => `THAY ĐỔI DANH MỤC TTHC (procedure catalogue changed) — ${check}`,
    lead: (check, from, to) =>
      `The procedure catalogue (${check}) changed between the snapshot of ${from} and that of ${to}. The table lists every change; the attachment holds the same.`,
    columns: { code: 'Code', kind: 'Kind', field: 'Field', old: 'Old value', new: 'New value' },
    kinds: {
      added: 'Added',
      removed: 'Removed / unpublished',
      changed: 'Changed',
      mismatch: 'Differs from the provincial system',
      missingInSource: 'Only in the provincial system',
      missingInOther: 'Missing from the provincial system',
    },
    noChanges: 'No changes.',
    compared: (from, to) => `Snapshot ${from} compared with ${to}`,
    comparedWith: (file) => `Compared with ${file}`,
    noSnapshot: (check) => `No complete snapshot of ${check} yet; run "dvc-sentinel catalogue crawl" first.`,
    page: {
      title: 'Procedure catalogue review',
      none: 'No catalogue check is configured.',
      lastCrawl: 'Last crawl',
      outcome: { complete: 'complete', failed: 'failed', busy: 'running elsewhere' },
      snapshot: 'Newest snapshot',
      items: (source, other) => `${source} procedures${other === undefined ? '' : `; provincial export: ${other} rows`}`,
      status: { ok: 'No changes', warning: 'Changes or mismatches', critical: 'Crawl failed' },
      back: 'Back to the status page',
      columns: { check: 'Check', status: 'Status', lastCrawl: 'Last crawl', items: 'Procedures', changes: 'Changes', mismatches: 'Mismatches' },
      details: 'The changes and mismatches',
    },
  },
  storeWrites: {
    refused: (since, error, unsaved) =>
      `The store has refused writes since ${since} (${error}); ${unsaved} changes are kept in memory. Outages are still detected and notified; everything is written once, as soon as writes succeed. Free disk space, and do not restart now or what is not yet written is lost.`,
  },
};
