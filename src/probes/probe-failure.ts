// A target failure raised inside a probe's measuring code and turned into a result at the probe's
// boundary. Bugs stay ordinary Errors; only ProbeFailure carries a reason.
import { isCancelled } from '../cancellation.ts';
import type { FailureReason, Phase } from './probe.ts';

export class ProbeFailure extends Error {
  readonly reason: FailureReason;
  /** The phase that failed, when one did (e.g. tls for a handshake error). */
  readonly phase?: Phase;

  constructor(reason: FailureReason, message: string, options: { phase?: Phase; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ProbeFailure';
    this.reason = reason;
    this.phase = options.phase;
  }
}

/** The deadline fired, or the run was cancelled (shutdown, reload): whatever the I/O error looked like, the reason is timeout. */
export function timeoutFailure(signal: AbortSignal, phase?: Phase): ProbeFailure {
  const message = isCancelled(signal) ? 'probe aborted by shutdown' : `no answer before the deadline${phase ? ` (during ${phase})` : ''}`;
  return new ProbeFailure('timeout', message, { phase });
}
