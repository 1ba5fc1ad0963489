// Reads a response body into memory up to a cap, honouring the deadline, and decodes what the
// server compressed (content-encoding gzip, deflate, br) so that expectations read the text a
// browser would show. Memory stays bounded: the cap applies to the decoded bytes, checked as they
// come out of the decoder, which is stopped there, so a small answer that inflates to gigabytes
// (a "zip bomb") ends as body_too_large after at most maxBodyBytes plus one chunk. The body is
// assembled in one buffer when its length is announced, instead of chunks plus a copy.
import { PassThrough, Readable, type Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { probeMessage } from './probe.ts';
import { ProbeFailure, timeoutFailure } from './probe-failure.ts';

export interface ReadBodyOptions {
  readonly maxBodyBytes: number;
  readonly signal: AbortSignal;
  /** Who sent the body (a host, never a URL), for the message. */
  readonly from: string;
  /** The content-encoding header; gzip, x-gzip, deflate and br are decoded, identity and others left as sent. */
  readonly encoding?: string | readonly string[];
  /** The content-length header, when the server announced one: the decoded length of an unencoded body. */
  readonly length?: string | readonly string[];
}

type Decoding = 'gzip' | 'deflate' | 'br';

const DECODINGS: Readonly<Record<string, Decoding>> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' };

/** The whole (decoded) body; rejects with ProbeFailure body_too_large (stream destroyed), protocol (undecodable) or timeout. */
export async function readBody(stream: Readable, options: ReadBodyOptions): Promise<Buffer> {
  if (options.signal.aborted) {
    stream.destroy();
    throw timeoutFailure(options.signal, 'transfer');
  }
  const decodings = decodingsOf(options.encoding);
  const layers: Readable[] = [stream];
  const destroyAll = (): void => {
    for (const layer of layers) layer.destroy();
  };
  const onAbort = destroyAll;
  options.signal.addEventListener('abort', onAbort, { once: true });
  const sink = new BodySink(options, decodings.length > 0);
  try {
    // Applied in the reverse of the order the server listed them.
    for (const decoding of [...decodings].reverse()) layers.push(await decoderFor(decoding, layers.at(-1)!));
    for await (const chunk of layers.at(-1)!) {
      const tooLarge = sink.add(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      if (tooLarge !== undefined) {
        destroyAll();
        throw tooLarge;
      }
    }
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    if (options.signal.aborted) throw timeoutFailure(options.signal, 'transfer');
    if (decodings.length > 0 && isDecoderError(error)) {
      destroyAll();
      const encoding = decodings.join(', ');
      throw new ProbeFailure('protocol', `body from ${options.from} could not be decoded as ${encoding} (${(error as Error).message})`, {
        detail: probeMessage('body_undecodable', { host: options.from, encoding }),
        phase: 'transfer',
        cause: error,
      });
    }
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return sink.finish();
}

function decodingsOf(header: string | readonly string[] | undefined): Decoding[] {
  if (header === undefined) return [];
  const names = (typeof header === 'string' ? [header] : header).flatMap((value) => value.split(','));
  const decodings: Decoding[] = [];
  for (const name of names) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed === '' || trimmed === 'identity') continue;
    const decoding = DECODINGS[trimmed];
    // An encoding we cannot decode: the body is left as sent, and expectations judge it so.
    if (decoding === undefined) return [];
    decodings.push(decoding);
  }
  return decodings;
}

async function decoderFor(decoding: Decoding, source: Readable): Promise<Readable> {
  let input = source;
  let decoder: Transform;
  // Flushed at the end: an empty body (HEAD, 204, 304) decodes to nothing and a cut-short one to
  // what arrived, as browsers read them; bytes that are not the encoding at all still fail.
  if (decoding === 'gzip') decoder = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
  else if (decoding === 'br') decoder = createBrotliDecompress({ finishFlush: constants.BROTLI_OPERATION_FLUSH });
  else {
    // "deflate" is meant zlib-wrapped, but some servers send it raw: the first two bytes tell
    // (a zlib header names method 8 and is a multiple of 31). Peeked, then put back in front.
    const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await chunks.next();
    if (first.done === true) return Readable.from([]);
    const head = first.value;
    const zlibWrapped = head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
    decoder = zlibWrapped ? createInflate({ finishFlush: constants.Z_SYNC_FLUSH }) : createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH });
    input = Readable.from(
      (async function* () {
        yield head;
        for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
      })(),
    );
  }
  // pipe() does not pass errors on; a broken connection must end the read, not hang it.
  input.once('error', (error) => decoder.destroy(error));
  return input.pipe(decoder);
}

function isDecoderError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR');
}

function announcedLength(header: string | readonly string[] | undefined): number | undefined {
  const text = typeof header === 'string' ? header : header?.[0];
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) return undefined;
  return Number(text);
}

/**
 * Collects chunks up to maxBodyBytes; with a known length, straight into one buffer of that size.
 * The length a server announces is the decoded length only when nothing is decoded.
 */
class BodySink {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer | undefined;
  private length = 0;

  constructor(
    private readonly options: Pick<ReadBodyOptions, 'maxBodyBytes' | 'from' | 'length'>,
    private readonly decoded: boolean,
  ) {
    const announced = decoded ? undefined : announcedLength(options.length);
    if (announced !== undefined && announced <= options.maxBodyBytes) this.buffer = Buffer.allocUnsafe(announced);
  }

  /** Takes a chunk, or answers body_too_large (and keeps nothing more). */
  add(chunk: Buffer): ProbeFailure | undefined {
    const { maxBodyBytes, from } = this.options;
    if (this.length + chunk.length > maxBodyBytes) {
      return new ProbeFailure('body_too_large', `body from ${from} is larger than maxBodyBytes (${maxBodyBytes} bytes${this.decoded ? ' decoded' : ''})`, {
        detail: probeMessage('body_too_large', { host: from, maxBodyBytes }),
        phase: 'transfer',
      });
    }
    if (this.buffer !== undefined && this.length + chunk.length <= this.buffer.length) {
      chunk.copy(this.buffer, this.length);
    } else {
      // The server sent more than it announced: fall back to chunks.
      if (this.buffer !== undefined) this.chunks.push(this.buffer.subarray(0, this.length));
      this.buffer = undefined;
      this.chunks.push(chunk);
    }
    this.length += chunk.length;
    return undefined;
  }

  finish(): Buffer {
    // Fewer bytes than announced: copied, so the unused rest is not held for the body's life.
    if (this.buffer !== undefined) return this.length === this.buffer.length ? this.buffer : Buffer.from(this.buffer.subarray(0, this.length));
    return Buffer.concat(this.chunks, this.length);
  }
}

/** A body handed over chunk by chunk as it arrives (http-exchange.ts), capped and decoded as readBody does. */
export interface BodyReceiver {
  /** Takes the next chunk as sent; a failure (body_too_large) means: stop reading, the body is refused. */
  push(chunk: Buffer): ProbeFailure | undefined;
  /** After the last chunk: the whole body, decoded. */
  end(): Promise<Buffer>;
  /** The read is given up (deadline, closed connection): decoders stop. */
  abort(): void;
}

export function receiveBody(options: ReadBodyOptions): BodyReceiver {
  if (decodingsOf(options.encoding).length === 0) {
    // Nearly every answer: no stream, no decoder, no promise per chunk.
    const sink = new BodySink(options, false);
    return { push: (chunk) => sink.add(chunk), end: () => Promise.resolve(sink.finish()), abort: () => {} };
  }
  const raw = new PassThrough();
  const reading = readBody(raw, options);
  let refused: ProbeFailure | undefined;
  reading.catch((error: unknown) => {
    if (error instanceof ProbeFailure) refused = error;
  });
  return {
    push: (chunk) => {
      if (refused === undefined) raw.write(chunk);
      return refused;
    },
    end: () => {
      raw.end();
      return reading;
    },
    abort: () => raw.destroy(),
  };
}
