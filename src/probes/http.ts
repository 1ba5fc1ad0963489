// The http probe: measureHttp does the I/O (one fresh, timed connection per hop) and returns raw
// facts; judgeHttp decides the result from them without I/O. Latency is judged by the caller.
import { monotonicMs, secondsSince } from '../clock.ts';
import { DEFAULTS, type HttpCheck } from '../config/config.ts';
import { judgeCertificate, type CertificateVerdict, type TlsFacts } from './certificate.ts';
import { openConnection, type OpenedConnection } from './open-connection.ts';
import { exchangeHttp } from './http-exchange.ts';
import { clip } from './format.ts';
import { probeMessage, type CertificateInfo, type Phase, type Probe, type ProbeContext, type ProbeMessage, type ProbeResult } from './probe.ts';
import { failureFields, ProbeFailure } from './probe-failure.ts';
import { readJson } from './json-expectations.ts';
import { measureWithAuth } from './measure-with-auth.ts';
import { judgeBackend, observeBackend, type PeerIdentity } from './backend.ts';

/** What measureHttp needs; an HttpCheck is one, and the sync probe builds its own. */
export type HttpRequestSpec = Pick<
  HttpCheck,
  'url' | 'method' | 'headers' | 'body' | 'followRedirects' | 'ipFamily' | 'userAgent' | 'tls' | 'resolver' | 'timeoutSeconds'
> & { readonly expect: Pick<HttpCheck['expect'], 'maxBodyBytes'> };

export interface HttpTlsFacts extends TlsFacts {
  /** The name the certificate was checked against (tls.serverName or the URL's host). */
  readonly servername: string;
  readonly protocol?: string;
}

interface MeasurementBase {
  /** host[:port] of the last hop, for messages. Never the URL: query strings can carry tokens. */
  readonly host: string;
  /** Phases of the last hop only; earlier redirect hops count in durationSeconds alone. */
  readonly phases: Partial<Record<Phase, number>>;
  /** From the start of the first hop to the end of the last body (or the failure). */
  readonly durationSeconds: number;
  /** The clock when measuring started; certificates are judged against it. */
  readonly measuredAt: Date;
  readonly redirects: number;
  readonly certificate?: CertificateInfo;
  /** Present for https hops that completed the handshake. */
  readonly tls?: HttpTlsFacts;
  readonly remoteAddress?: string;
  /** The certificate's identifying fields (fingerprint, serial, issuer), for https hops that completed the handshake. */
  readonly peerIdentity?: PeerIdentity;
}

export interface HttpResponseFacts extends MeasurementBase {
  readonly kind: 'response';
  readonly httpStatus: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Complete: a body over maxBodyBytes is a body_too_large failure instead. */
  readonly body: Buffer;
}

export interface HttpFailureFacts extends MeasurementBase {
  readonly kind: 'failure';
  readonly failure: ProbeFailure;
  /** The last status seen, when the failure came after an answer (e.g. too many redirects). */
  readonly httpStatus?: number;
}

export type HttpMeasurement = HttpResponseFacts | HttpFailureFacts;

export const probeHttp: Probe<HttpCheck> = async (check, context) => {
  const result = judgeHttp(check, await measureWithAuth(measureHttp, check, check.auth, context));
  logUnexported(check, result, context);
  return result;
};

/** An export whose value is not a number gives no sample; the debug log says why it is missing. */
function logUnexported(check: HttpCheck, result: ProbeResult, context: ProbeContext): void {
  const exported = check.expect.json.filter((expectation) => expectation.export !== undefined);
  if (exported.length === 0 || result.httpStatus === undefined || result.values?.length === exported.length) return;
  const have = new Set(result.values?.map((value) => value.name));
  const missing = exported.flatMap((expectation) => (expectation.export && !have.has(expectation.export.name) ? [expectation.export.name] : []));
  context.log.debug({ missing }, 'exported values not read as numbers; no sample this run');
}

export const REDIRECT_STATUS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'host'];

/**
 * Sends the request on a fresh connection per hop and reads the body up to maxBodyBytes.
 * Resolves with a failure for target problems; rejects only on bugs. With tls.verify on, a
 * certificate that fails verification ends the hop before the request (and its headers, which
 * may carry secrets) is sent.
 */
export async function measureHttp(spec: HttpRequestSpec, context: ProbeContext): Promise<HttpMeasurement> {
  const startedAt = monotonicMs();
  const measuredAt = context.clock();
  let url = new URL(spec.url);
  let request: HopRequest = {
    method: spec.method,
    headers: { ...spec.headers, 'user-agent': spec.userAgent },
    body: spec.body,
  };
  for (let redirects = 0; ; redirects += 1) {
    const hop = await measureHop(url, request, spec, context, startedAt, measuredAt);
    const durationSeconds = secondsSince(startedAt);
    if (hop.kind === 'failure') return { ...hop, redirects, durationSeconds };
    const location = firstHeader(hop.headers.location);
    if (!spec.followRedirects || !REDIRECT_STATUS.has(hop.httpStatus) || location === undefined) {
      return { ...hop, redirects, durationSeconds };
    }
    const { kind: _kind, headers: _headers, body: _body, ...facts } = hop;
    const fail = (message: string, detail: ProbeMessage): HttpFailureFacts => ({
      ...facts,
      kind: 'failure',
      failure: new ProbeFailure('protocol', message, { detail }),
      redirects,
      durationSeconds,
    });
    if (redirects === DEFAULTS.maxRedirects) {
      return fail(
        `more than ${DEFAULTS.maxRedirects} redirects (the last from ${url.host})`,
        probeMessage('too_many_redirects', { host: url.host, max: DEFAULTS.maxRedirects }),
      );
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return fail(
        `HTTP ${hop.httpStatus} from ${url.host} redirects to an invalid Location`,
        probeMessage('bad_redirect', { host: url.host, status: hop.httpStatus }),
      );
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return fail(
        `HTTP ${hop.httpStatus} from ${url.host} redirects to a ${next.protocol} URL`,
        probeMessage('bad_redirect', { host: url.host, status: hop.httpStatus, protocol: next.protocol }),
      );
    }
    request = redirectedRequest(request, hop.httpStatus, next.origin !== url.origin);
    url = next;
  }
}

export interface HopRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** 303, and 301/302 after a POST, become a GET without a body, as browsers do; 307/308 repeat the request. */
export function redirectedRequest(request: HopRequest, status: number, crossOrigin: boolean): HopRequest {
  const headers: Record<string, string> = { ...request.headers };
  if (crossOrigin) for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
  const toGet = status === 303 || ((status === 301 || status === 302) && request.method === 'POST');
  if (!toGet) return { ...request, headers };
  delete headers['content-type'];
  delete headers['content-length'];
  return { method: request.method === 'HEAD' ? 'HEAD' : 'GET', headers };
}

type HopResult = Omit<HttpResponseFacts, 'redirects' | 'durationSeconds'> | Omit<HttpFailureFacts, 'redirects' | 'durationSeconds'>;

async function measureHop(
  url: URL,
  request: HopRequest,
  spec: HttpRequestSpec,
  context: ProbeContext,
  startedAt: number,
  measuredAt: Date,
): Promise<HopResult> {
  const phases: Partial<Record<Phase, number>> = {};
  const https = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const servername = spec.tls.serverName ?? hostname;
  let common: Pick<HopResult, 'host' | 'phases' | 'measuredAt' | 'certificate' | 'tls' | 'remoteAddress' | 'peerIdentity'> = {
    host: url.host,
    phases,
    measuredAt,
  };
  let httpStatus: number | undefined;
  let connection: OpenedConnection | undefined;
  try {
    connection = await openConnection(
      { host: hostname, port: portOf(url), tls: https ? { servername, policy: spec.tls } : undefined },
      {
        family: spec.ipFamily,
        resolver: spec.resolver,
        lookup: context.lookup,
        signal: context.signal,
        timeoutMs: Math.max(1, Math.round(spec.timeoutSeconds * 1000 - (monotonicMs() - startedAt))),
        phases,
        now: () => measuredAt,
        onSocket: context.arrivals?.watch,
      },
    );
    const tls: HttpTlsFacts | undefined = https
      ? {
          servername,
          authorized: connection.authorized,
          authorizationError: connection.authorizationError,
          peer: connection.peer,
          protocol: connection.tlsProtocol,
        }
      : undefined;
    common = {
      ...common,
      certificate: connection.certificate,
      tls,
      remoteAddress: connection.remoteAddress,
      ...(connection.peer === undefined ? {} : { peerIdentity: pickIdentity(connection.peer) }),
    };
    const refusal = tls && spec.tls.verify ? judgeCertificate(spec.tls, tls, servername, measuredAt) : undefined;
    if (refusal?.status === 'critical') {
      // Ended before the request: its headers may carry secrets meant for the real server.
      throw new ProbeFailure('tls', `${url.host}: ${refusal.message}`, {
        phase: 'tls',
        detail: probeMessage('certificate', { host: url.host, problem: refusal.problem }),
      });
    }
    const readyAt = monotonicMs();
    let headersAt = readyAt;
    const answer = await exchangeHttp(
      connection.socket,
      { method: request.method, path: `${url.pathname}${url.search}`, host: url.host, headers: request.headers, body: request.body },
      {
        signal: context.signal,
        maxBodyBytes: spec.expect.maxBodyBytes,
        from: url.host,
        onHeaders: (status) => {
          headersAt = monotonicMs();
          httpStatus = status;
          phases.ttfb = (headersAt - readyAt) / 1000;
        },
      },
    );
    phases.transfer = secondsSince(headersAt);
    return { ...common, kind: 'response', httpStatus: answer.status, headers: answer.headers, body: answer.body };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { ...common, kind: 'failure', failure: error, ...(httpStatus === undefined ? {} : { httpStatus }) };
  } finally {
    // One request per connection, closed as soon as it is answered: phases stay honest and no
    // idle socket is left on either side.
    connection?.socket.destroy();
  }
}

function pickIdentity(peer: PeerIdentity): PeerIdentity {
  return { fingerprint256: peer.fingerprint256, serialNumber: peer.serialNumber, issuer: peer.issuer };
}

/**
 * Case-insensitive search without a lower-cased copy of the text: a 10 MB answer with Vietnamese
 * text is a 20 MB string, and its lower-cased twin cost as much again on every probe.
 */
function containsIgnoringCase(text: string, candidate: string): boolean {
  if (candidate === '') return true;
  let pattern = markerPatterns.get(candidate);
  if (pattern === undefined) {
    pattern = new RegExp(candidate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu');
    // Markers come from the config: a handful, the same for every probe.
    if (markerPatterns.size < 1024) markerPatterns.set(candidate, pattern);
  }
  return pattern.test(text);
}

const markerPatterns = new Map<string, RegExp>();

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Pure. First failure wins, in this order: transport (the measurement failed) → TLS certificate →
 * blocked (firewall status not expected by the check, or a marker in the body, case-insensitive) →
 * backend (expect.backend) → status → bodyContains / bodyNotContains → JSON (unparsable = protocol;
 * paths = assertion). Exported JSON numbers ride on every result whose JSON was read.
 * A certificate minDaysLeft warning is reported only when nothing else failed. `decodedBody` is
 * the body as text when the caller has decoded it already (one copy of a large answer, not two).
 */
export function judgeHttp(check: HttpCheck, measurement: HttpMeasurement, decodedBody?: string): ProbeResult {
  const base = {
    durationSeconds: measurement.durationSeconds,
    phases: measurement.phases,
    ...(measurement.certificate ? { tls: measurement.certificate } : {}),
  };
  if (measurement.kind === 'failure') {
    return {
      ...base,
      ...(measurement.httpStatus === undefined ? {} : { httpStatus: measurement.httpStatus }),
      status: 'critical',
      ...failureFields(measurement.failure),
    };
  }
  const host = measurement.host;
  const status = measurement.httpStatus;
  const backend =
    measurement.remoteAddress === undefined
      ? undefined
      : observeBackend(measurement.remoteAddress, measurement.peerIdentity, measurement.headers, check.backend);
  const answered = { ...base, httpStatus: status, ...(backend === undefined ? {} : { backend }) };
  const fail = (reason: ProbeResult['reason'], message: string, detail: ProbeMessage): ProbeResult => ({
    ...answered,
    status: 'critical',
    reason,
    message,
    detail,
  });

  let certificateWarning: CertificateVerdict | undefined;
  if (measurement.tls) {
    const verdict = judgeCertificate(check.tls, measurement.tls, measurement.tls.servername, measurement.measuredAt);
    if (verdict?.status === 'critical') return fail('tls', `${host}: ${verdict.message}`, probeMessage('certificate', { host, problem: verdict.problem }));
    certificateWarning = verdict;
  }
  const backendVerdict = backend === undefined ? undefined : judgeBackend(check.backend, backend, host);
  if (backendVerdict !== undefined) return fail('backend', backendVerdict.message, backendVerdict.detail);

  const text = decodedBody ?? measurement.body.toString('utf8');
  if (check.blocked.status.includes(status) && !check.expect.status.includes(status)) {
    return fail('blocked', `the firewall in front of ${host} refused the prober (HTTP ${status})`, probeMessage('http_blocked', { status, host }));
  }
  const marker = check.blocked.markers.find((candidate) => containsIgnoringCase(text, candidate));
  if (marker !== undefined) {
    return fail(
      'blocked',
      `the firewall in front of ${host} refused the prober (HTTP ${status}, page says "${clip(marker)}")`,
      probeMessage('http_blocked', { status, host, marker: clip(marker) }),
    );
  }
  if (!check.expect.status.includes(status)) return fail('http_status', `HTTP ${status} from ${host}`, probeMessage('http_status', { status, host }));
  if (check.expect.bodyContains !== undefined && !text.includes(check.expect.bodyContains)) {
    const wanted = clip(check.expect.bodyContains);
    return fail('assertion', `body from ${host} does not contain "${wanted}"`, probeMessage('body_lacks_text', { host, text: wanted }));
  }
  if (check.expect.bodyNotContains !== undefined && text.includes(check.expect.bodyNotContains)) {
    const unwanted = clip(check.expect.bodyNotContains);
    return fail('assertion', `body from ${host} contains "${unwanted}"`, probeMessage('body_has_text', { host, text: unwanted }));
  }
  const json = readJson(check.expect.json, text, host);
  const read = json.values.length === 0 ? answered : { ...answered, values: json.values };
  if (json.verdict !== undefined)
    return { ...read, status: 'critical', reason: json.verdict.reason, message: json.verdict.message, detail: json.verdict.detail };
  if (certificateWarning) {
    return {
      ...read,
      status: 'warning',
      reason: 'tls',
      message: `${host}: ${certificateWarning.message}`,
      detail: probeMessage('certificate', { host, problem: certificateWarning.problem }),
    };
  }
  return { ...read, status: 'ok', message: `HTTP ${status} from ${host}`, detail: probeMessage('http_ok', { status, host }) };
}
