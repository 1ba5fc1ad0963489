// How values go into the store's columns: instants as epoch milliseconds, and JSON text that keeps
// Dates (and byte buffers) intact. Plain JSON turns a Date into a string that comes back as a
// string; here it comes back as a Date, wherever it sits.
//
// Encoding: a Date becomes { "$date": "<ISO 8601>" } (null for an invalid Date), a Uint8Array
// becomes { "$bytes": "<base64>" } and comes back as a Buffer. Only a one-key object whose tag holds
// a string (or null) is revived, so data such as Record<string, number> keyed by "$date" survives.

const DATE_TAG = '$date';
const BYTES_TAG = '$bytes';

/** Throws for values JSON cannot hold at the top level (undefined, functions, symbols). */
export function serialize(value: unknown): string {
  const text = JSON.stringify(value, tagDatesAndBytes);
  if (text === undefined) throw new TypeError(`cannot store a value of type ${typeof value} as JSON`);
  return text;
}

export function deserialize<T>(text: string): T {
  return JSON.parse(text, reviveDatesAndBytes) as T;
}

// JSON.stringify has already applied Date.prototype.toJSON to `value`; the holder (`this`) still
// has the original, which is how a Date is told apart from a string that looks like one.
function tagDatesAndBytes(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'string' || value === null) {
    if ((this as Record<string, unknown>)[key] instanceof Date) return { [DATE_TAG]: value };
  } else if (typeof value === 'object') {
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof Uint8Array) {
      return { [BYTES_TAG]: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') };
    }
  }
  return value;
}

function reviveDatesAndBytes(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (DATE_TAG in record) {
    const tagged = record[DATE_TAG];
    if ((typeof tagged === 'string' || tagged === null) && hasOneKey(record)) return new Date(tagged ?? Number.NaN);
  } else if (BYTES_TAG in record) {
    const tagged = record[BYTES_TAG];
    if (typeof tagged === 'string' && hasOneKey(record)) return Buffer.from(tagged, 'base64');
  }
  return value;
}

function hasOneKey(record: Record<string, unknown>): boolean {
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key) && ++count > 1) return false;
  return count === 1;
}

/** Instants are stored as INTEGER epoch ms; an invalid Date is a bug upstream and is refused here. */
export function toEpochMs(date: Date, what: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new TypeError(`${what} is not a valid Date: ${String(date)}`);
  return ms;
}
