// The tcp probe: resolve and connect, nothing sent. Succeeds once the port accepts.
import { monotonicMs, secondsSince } from '../clock.ts';
import type { TcpCheck } from '../config/config.ts';
import { describeEndpoint, openConnection } from './open-connection.ts';
import type { Phase, Probe } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';

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
      },
    );
    connection.socket.destroy();
    return {
      status: 'ok',
      message: `connected to ${describeEndpoint(check.host, connection.remoteAddress, check.port)}`,
      phases,
      durationSeconds: secondsSince(startedAt),
    };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { status: 'critical', reason: error.reason, message: error.message, phases, durationSeconds: secondsSince(startedAt) };
  }
};
