// The byte layout of one batch of raw probe results (history_raw.results): what the history
// writer flushed in one second, packed to about 8 bytes a result, since 1,000 checks at 1 s are
// 172.8 million results in the 48 hours storage.retention.raw keeps. Per result, in order:
//   varint check id · zigzag varint ms after the batch's first result · one byte
//   (bits 0-3 reason code + 1, 0 when none; bits 4-5 status; bit 6 sync lag follows; bit 7
//   backlog follows) · varint duration ms · varint HTTP status (0 = none) · [varint lag] ·
//   [varint backlog]
// Varints are unsigned LEB128 of whole numbers below 2^53.

export interface PackedResult {
  readonly checkId: number;
  readonly atMs: number;
  readonly status: number;
  /** A reason code, or undefined when ok. */
  readonly reason?: number;
  readonly durationMs: number;
  readonly httpStatus?: number;
  readonly syncLag?: number;
  readonly backlog?: number;
}

const HAS_LAG = 0x40;
const HAS_BACKLOG = 0x80;

export function packResults(results: readonly PackedResult[], baseMs: number): Buffer {
  const bytes: number[] = [];
  const varint = (value: number): void => {
    let rest = Math.max(0, Math.round(value));
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  };
  for (const result of results) {
    varint(result.checkId);
    const offset = result.atMs - baseMs;
    varint(offset >= 0 ? offset * 2 : -offset * 2 - 1);
    const lag = result.syncLag !== undefined ? HAS_LAG : 0;
    const backlog = result.backlog !== undefined ? HAS_BACKLOG : 0;
    bytes.push(((result.reason ?? -1) + 1) | (result.status << 4) | lag | backlog);
    varint(result.durationMs);
    varint(result.httpStatus ?? 0);
    if (result.syncLag !== undefined) varint(result.syncLag);
    if (result.backlog !== undefined) varint(result.backlog);
  }
  return Buffer.from(bytes);
}

export function unpackResults(blob: Uint8Array, baseMs: number): PackedResult[] {
  let position = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (position >= blob.length) throw new Error('raw results batch ends inside a number');
      const byte = blob[position++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  const results: PackedResult[] = [];
  while (position < blob.length) {
    const checkId = varint();
    const zigzag = varint();
    const atMs = baseMs + (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
    const code = blob[position++]!;
    const durationMs = varint();
    const httpStatus = varint();
    const syncLag = code & HAS_LAG ? varint() : undefined;
    const backlog = code & HAS_BACKLOG ? varint() : undefined;
    results.push({
      checkId,
      atMs,
      status: (code >> 4) & 0x3,
      ...((code & 0xf) === 0 ? {} : { reason: (code & 0xf) - 1 }),
      durationMs,
      ...(httpStatus === 0 ? {} : { httpStatus }),
      ...(syncLag === undefined ? {} : { syncLag }),
      ...(backlog === undefined ? {} : { backlog }),
    });
  }
  return results;
}
