// English mail wording (alerting.locale: en), for vendors and readers outside the province.
import { formatMilliseconds } from './format-vi.ts';
import type { MailStrings } from './mail-strings.ts';
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
  }
}

const HOLD_CAUSES = { parent: 'a check it depends on was down', vantage: 'the monitoring network was down', maintenance: 'planned maintenance' } as const;

export const en: MailStrings = {
  lang: 'en',
  tag: {
    firing_critical: 'INCIDENT',
    firing_warning: 'WARNING',
    reminder_critical: 'STILL DOWN',
    reminder_warning: 'STILL WARNING',
    resolved: 'RESOLVED',
    vantage_down: 'MONITORING NETWORK',
    vantage_up: 'MONITORING NETWORK',
    maintenance_end: 'MAINTENANCE OVER',
    notice: 'NOTICE',
    test: 'TEST',
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
    vantage_down: (count) => `${plural(count, 'notice', 'notices')}: monitoring network down`,
    vantage_up: (count) => `${plural(count, 'notice', 'notices')}: monitoring network back`,
    maintenance_end: (count) => `${plural(count, 'maintenance window', 'maintenance windows')} over`,
    notice: (count) => plural(count, 'notice', 'notices'),
    test: (count) => plural(count, 'test mail', 'test mails'),
  },
  batchCount: {
    firing_critical: (count) => plural(count, 'new incident', 'new incidents'),
    firing_warning: (count) => plural(count, 'new warning', 'new warnings'),
    reminder_critical: (count) => `${count} still down`,
    reminder_warning: (count) => `${count} still warning`,
    resolved: (count) => `${count} resolved`,
    vantage_down: () => 'monitoring network down',
    vantage_up: () => 'monitoring network back',
    maintenance_end: (count) => `${plural(count, 'maintenance window', 'maintenance windows')} over`,
    notice: (count) => plural(count, 'notice', 'notices'),
    test: (count) => plural(count, 'test mail', 'test mails'),
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
    store_unwritable: {
      title: () => 'Monitoring data cannot be written',
      body: (param) => `Writing to the store ${param('path')} failed (${param('error')}). New state and notifications may be lost if the monitor restarts.`,
    },
  },
  noticeSeverity: { info: 'Information', warning: 'Warning', critical: 'Critical' },
};
