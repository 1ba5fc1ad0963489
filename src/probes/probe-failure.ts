// A target failure raised inside a probe's measuring code and turned into a result at the probe's
// boundary. Bugs stay ordinary Errors; only ProbeFailure carries a reason.
import { isCancelled } from '../cancellation.ts';
import { probeMessage, type FailureReason, type Phase, type ProbeMessage, type ProbeResult } from './probe.ts';

export class ProbeFailure extends Error {
  readonly reason: FailureReason;
  /** The phase that failed, when one did (e.g. tls for a handshake error). */
  readonly phase?: Phase;
  /** The message as a code and parameters, for the surfaces that word it in their own locale. */
  readonly detail: ProbeMessage;

  constructor(reason: FailureReason, message: string, options: { phase?: Phase; cause?: unknown; detail: ProbeMessage }) {
    super(message, { cause: options.cause });
    this.name = 'ProbeFailure';
    this.reason = reason;
    this.phase = options.phase;
    this.detail = options.detail;
  }
}

/** The deadline fired, or the run was cancelled (shutdown, reload): whatever the I/O error looked like, the reason is timeout. */
export function timeoutFailure(signal: AbortSignal, phase?: Phase): ProbeFailure {
  const cancelled = isCancelled(signal);
  return new ProbeFailure('timeout', cancelled ? 'probe aborted by shutdown' : `no answer before the deadline${phase ? ` (during ${phase})` : ''}`, {
    phase,
    detail: cancelled ? probeMessage('aborted', {}) : probeMessage('timeout', phase === undefined ? {} : { phase }),
  });
}

/** What a failure puts into a result: its reason, its English line and, when coded, the code. */
export function failureFields(failure: ProbeFailure): Pick<ProbeResult, 'reason' | 'message' | 'detail'> {
  return { reason: failure.reason, message: failure.message, detail: failure.detail };
}
