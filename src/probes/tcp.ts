// The tcp probe: resolve and connect, nothing sent. Succeeds once the port accepts.
import { monotonicMs, secondsSince } from '../clock.ts';
import type { TcpCheck } from '../config/config.ts';
import { describeEndpoint, openConnection } from './open-connection.ts';
import { probeMessage, type Phase, type Probe } from './probe.ts';
import { failureFields, ProbeFailure } from './probe-failure.ts';

export const probeTcp: Probe<TcpCheck> = async (check, context) => {
  const startedAt = monotonicMs();
  const phases: Partial<Record<Phase, number>> = {};
  try {
    const connection = await openConnection(
      { host: check.host, port: check.port },
      {
        family: check.ipFamily,
        resolver: check.resolver,
        lookup: context.lookup,
        signal: context.signal,
        timeoutMs: check.timeoutSeconds * 1000,
        phases,
        onSocket: context.arrivals?.watch,
      },
    );
    connection.socket.destroy();
    const endpoint = describeEndpoint(check.host, connection.remoteAddress, check.port);
    return {
      status: 'ok',
      message: `connected to ${endpoint}`,
      detail: probeMessage('tcp_connected', { endpoint }),
      phases,
      durationSeconds: secondsSince(startedAt),
    };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { status: 'critical', ...failureFields(error), phases, durationSeconds: secondsSince(startedAt) };
  }
};
