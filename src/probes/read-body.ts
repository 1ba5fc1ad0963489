// Reads a response body into memory up to a cap, honouring the deadline. Memory stays bounded:
// at most maxBodyBytes plus the one chunk that crossed the cap is ever held.
import type { Readable } from 'node:stream';
import { probeMessage } from './probe.ts';
import { ProbeFailure, timeoutFailure } from './probe-failure.ts';

export interface ReadBodyOptions {
  readonly maxBodyBytes: number;
  readonly signal: AbortSignal;
  /** Who sent the body (a host, never a URL), for the message. */
  readonly from: string;
}

/** The whole body; rejects with ProbeFailure body_too_large (stream destroyed) or timeout. */
export async function readBody(stream: Readable, options: ReadBodyOptions): Promise<Buffer> {
  if (options.signal.aborted) {
    stream.destroy();
    throw timeoutFailure(options.signal, 'transfer');
  }
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  const onAbort = (): void => {
    stream.destroy();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      totalBytes += buffer.length;
      if (totalBytes > options.maxBodyBytes) {
        stream.destroy();
        throw new ProbeFailure('body_too_large', `body from ${options.from} is larger than maxBodyBytes (${options.maxBodyBytes} bytes)`, {
          detail: probeMessage('body_too_large', { host: options.from, maxBodyBytes: options.maxBodyBytes }),
          phase: 'transfer',
        });
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    if (options.signal.aborted) throw timeoutFailure(options.signal, 'transfer');
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks, totalBytes);
}
