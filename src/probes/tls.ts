// The tls probe: one handshake to host:port, then the certificate judged against the check's
// policy (dates, name, chain, minDaysLeft). Sends nothing after the handshake.
import { monotonicMs, secondsSince } from '../clock.ts';
import type { TlsCheck } from '../config/config.ts';
import { judgeCertificate } from './certificate.ts';
import { judgeBackend, observeBackend } from './backend.ts';
import { describeEndpoint, openConnection, type OpenedConnection } from './open-connection.ts';
import { probeMessage, type Phase, type Probe } from './probe.ts';
import { failureFields, ProbeFailure } from './probe-failure.ts';

export const probeTls: Probe<TlsCheck> = async (check, context) => {
  const startedAt = monotonicMs();
  const now = context.clock();
  const phases: Partial<Record<Phase, number>> = {};
  const servername = check.tls.serverName ?? check.host;
  const target = describeEndpoint(check.host, check.host, check.port);
  let connection: OpenedConnection;
  try {
    connection = await openConnection(
      { host: check.host, port: check.port, tls: { servername, policy: check.tls } },
      {
        family: check.ipFamily,
        resolver: check.resolver,
        lookup: context.lookup,
        signal: context.signal,
        timeoutMs: check.timeoutSeconds * 1000,
        phases,
        now: () => now,
        onSocket: context.arrivals?.watch,
      },
    );
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { status: 'critical', ...failureFields(error), phases, durationSeconds: secondsSince(startedAt) };
  }
  connection.socket.destroy();
  const backend = observeBackend(connection.remoteAddress, connection.peer, undefined, check.backend);
  const base = {
    durationSeconds: secondsSince(startedAt),
    phases,
    ...(connection.certificate ? { tls: connection.certificate } : {}),
    backend,
  };
  const verdict = judgeCertificate(check.tls, connection, servername, now);
  if (verdict?.status === 'critical') {
    return {
      ...base,
      status: verdict.status,
      reason: verdict.reason,
      message: `${target}: ${verdict.message}`,
      detail: probeMessage('certificate', { host: target, problem: verdict.problem }),
    };
  }
  // A wrong server outranks a certificate that merely expires soon: it is why that certificate is there.
  const backendVerdict = judgeBackend(check.backend, backend, target);
  if (backendVerdict) return { ...base, status: 'critical', reason: 'backend', message: backendVerdict.message, detail: backendVerdict.detail };
  if (verdict) {
    return {
      ...base,
      status: verdict.status,
      reason: verdict.reason,
      message: `${target}: ${verdict.message}`,
      detail: probeMessage('certificate', { host: target, problem: verdict.problem }),
    };
  }
  const certificate = connection.certificate;
  const notAfter = certificate?.expiresAt.toISOString().slice(0, 10);
  return {
    ...base,
    status: 'ok',
    message: certificate
      ? `certificate of ${target} is valid for ${certificate.daysLeft} more days (notAfter ${notAfter})`
      : `TLS handshake with ${target} succeeded`,
    detail: probeMessage('tls_ok', certificate ? { endpoint: target, daysLeft: certificate.daysLeft, notAfter } : { endpoint: target }),
  };
};
