// One gzip stream made of pieces compressed in parallel on libuv's thread pool. /metrics at
// 10,000 checks is 35 MB; one zlib stream compresses it on one thread in about a quarter of a
// second, longer than a scrape should take. Each piece here is compressed on its own as raw
// deflate ended by a sync flush (a byte-aligned, non-final block), so the pieces concatenate into
// one valid deflate stream; an empty final block, one gzip header and one trailer (the CRC-32 and
// length of the whole text) make it one gzip member. Not several members: browsers and some
// clients stop reading after the first.
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, type ZlibOptions } from 'node:zlib';

const deflateRawAsync = promisify<Uint8Array, ZlibOptions, Buffer>(deflateRaw);

/** ID1 ID2, CM = deflate, no flags, no modification time, no extra flags, OS = Unix (as Node's gzip writes). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** A final, empty block with fixed Huffman codes: ends the deflate stream. */
const FINAL_BLOCK = Buffer.from([3, 0]);
/** Pieces smaller than this are joined before compressing: a piece has its own dictionary, so tiny ones compress badly. */
const MIN_PIECE_BYTES = 64 * 1024;

export interface ParallelGzipOptions {
  /** zlib level; 1 takes most of the size for a fraction of the CPU. */
  readonly level?: number;
  /** Pieces compressed at once; libuv's pool has 4 threads unless UV_THREADPOOL_SIZE says otherwise. */
  readonly parallel?: number;
}

/**
 * The gzip of the concatenated input, yielded in order as its pieces finish. An empty input
 * piece is passed through as an empty output piece (a writer's cue to give the event loop a turn).
 * An input piece must not be changed until the output after it has been yielded (zlib reads it
 * on another thread meanwhile); the renderer hands over a fresh buffer each time.
 */
export async function* gzipInParallel(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: ParallelGzipOptions = {}): AsyncGenerator<Buffer> {
  const deflateOptions: ZlibOptions = { level: options.level ?? 1, finishFlush: constants.Z_SYNC_FLUSH };
  const parallel = Math.max(1, options.parallel ?? 3);
  const pending: Array<Promise<Buffer>> = [];
  let crc = 0;
  let length = 0;
  let small: Uint8Array[] = [];
  let smallBytes = 0;
  const start = (piece: Uint8Array): void => {
    crc = crc32(piece, crc);
    length += piece.byteLength;
    const compressed = deflateRawAsync(piece, deflateOptions);
    // Awaited in order below; a rejection before its turn must not count as unhandled.
    compressed.catch(() => {});
    pending.push(compressed);
  };
  const startSmall = (): void => {
    if (smallBytes === 0) return;
    start(small.length === 1 ? small[0]! : Buffer.concat(small, smallBytes));
    small = [];
    smallBytes = 0;
  };
  yield GZIP_HEADER;
  try {
    for await (const piece of source) {
      if (piece.byteLength === 0) {
        yield Buffer.alloc(0);
        continue;
      }
      if (piece.byteLength < MIN_PIECE_BYTES) {
        // Copied: the caller may reuse its buffer once the generator moves on.
        small.push(Buffer.from(piece));
        smallBytes += piece.byteLength;
        if (smallBytes < MIN_PIECE_BYTES) continue;
        startSmall();
      } else {
        startSmall();
        start(piece);
      }
      while (pending.length >= parallel) yield await pending.shift()!;
    }
    startSmall();
    while (pending.length > 0) yield await pending.shift()!;
  } finally {
    for (const left of pending) left.catch(() => {});
  }
  const trailer = Buffer.alloc(10);
  FINAL_BLOCK.copy(trailer, 0);
  trailer.writeUInt32LE(crc >>> 0, 2);
  // ISIZE is the length modulo 2^32.
  trailer.writeUInt32LE(length % 2 ** 32, 6);
  yield trailer;
}
