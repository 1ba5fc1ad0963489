import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProbeFailure } from '../../src/probes/probe-failure.ts';
import { readBody } from '../../src/probes/read-body.ts';

const CHUNK_BYTES = 64 * 1024;

/** An endless byte stream that counts what was pulled from it. */
function endlessStream(): { stream: Readable; pulledBytes: () => number } {
  let pulled = 0;
  const chunk = Buffer.alloc(CHUNK_BYTES, 'x');
  const stream = new Readable({
    read() {
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulledBytes: () => pulled };
}

/** A stream that never ends and never sends (after its first chunk): a stalled body. */
function stalledStream(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) this.push('partial');
      sent = true;
    },
  });
}

const options = (maxBodyBytes: number, signal = new AbortController().signal) => ({ maxBodyBytes, signal, from: 'portal.test' });

describe('readBody', () => {
  it('returns the whole body when it fits', async () => {
    const body = await readBody(Readable.from([Buffer.from('Dịch vụ '), Buffer.from('công')]), options(1024));
    expect(body.toString('utf8')).toBe('Dịch vụ công');
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const body = await readBody(Readable.from([Buffer.alloc(600), Buffer.alloc(424)]), options(1024));
    expect(body.length).toBe(1024);
  });

  it('stops an endless body one chunk past the cap, destroys it and says body_too_large', async () => {
    const { stream, pulledBytes } = endlessStream();
    const maxBodyBytes = 1024 * 1024;
    const failure = await readBody(stream, options(maxBodyBytes)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProbeFailure);
    expect(failure).toMatchObject({
      reason: 'body_too_large',
      phase: 'transfer',
      message: 'body from portal.test is larger than maxBodyBytes (1048576 bytes)',
    });
    expect(stream.destroyed).toBe(true);
    // Memory stays bounded: the cap, the chunk that crossed it, and the stream's own read-ahead.
    expect(pulledBytes()).toBeLessThanOrEqual(maxBodyBytes + 4 * CHUNK_BYTES);
  });

  it('ends a stalled body at the deadline with reason timeout', async () => {
    const stream = stalledStream();
    const started = performance.now();
    const failure = await readBody(stream, options(1024, AbortSignal.timeout(300))).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'timeout', phase: 'transfer', message: 'no answer before the deadline (during transfer)' });
    expect(stream.destroyed).toBe(true);
    expect(performance.now() - started).toBeLessThan(300 + 1500);
  });

  it('does not start reading after the deadline', async () => {
    const stream = stalledStream();
    const failure = await readBody(stream, options(1024, AbortSignal.abort())).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'timeout' });
    expect(stream.destroyed).toBe(true);
  });

  it('passes other stream errors through for the caller to classify', async () => {
    const broken = new Readable({
      read() {
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    await expect(readBody(broken, options(1024))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
