// Finds the config's secret values in text and replaces them: the one scrubber the logger (every
// line) and the check pipeline (every probe result, before it is stored or shown) share.
//
// A secret is looked for as written and in the forms an endpoint or a client may quote it back in:
// JSON-escaped, URL-encoded (%20 and +), HTML-escaped, and base64 (standard and URL-safe). Base64
// depends on where the secret starts within the encoded bytes, so the three alignments are each
// searched for by the characters that only the secret's bytes decide: that finds the secret inside
// any base64 text, Basic-auth pairs ("user:password") included, without knowing the rest.

/** Shorter values are not scrubbed: replacing "on" or "443" everywhere would wreck every line. */
export const MIN_SECRET_LENGTH = 4;

/** What a secret in a probe result becomes: short, and plainly not the value. */
export const SCRUBBED = '***';

/** A base64 piece shorter than this would also match ordinary words; the plain forms still count. */
const MIN_BASE64_PIECE = 6;

/**
 * Returns a function replacing every form of every current secret in a text with `replacement`.
 * `secrets` is called on every use, so a reload or a secret file read again takes effect at once;
 * return the same iterable object while the set is unchanged (its identity is the cache key).
 */
export function createSecretScrubber(secrets: () => Iterable<string>, replacement: string): (text: string) => string {
  let cachedSource: Iterable<string> | undefined;
  let needles: readonly string[] = [];
  let cutNeedles: readonly string[] = [];
  return (text) => {
    const source = secrets();
    if (source !== cachedSource) {
      needles = buildNeedles(source);
      cutNeedles = buildCutNeedles(needles);
      cachedSource = source;
    }
    let scrubbed = text;
    for (const needle of needles) {
      if (scrubbed.includes(needle)) scrubbed = scrubbed.replaceAll(needle, replacement);
    }
    // A quote cut short ("…", src/probes/format.ts) may end in the first part of a secret.
    if (scrubbed.includes(ELLIPSIS)) {
      for (const needle of cutNeedles) {
        if (scrubbed.includes(needle)) scrubbed = scrubbed.replaceAll(needle, `${replacement}${ELLIPSIS}`);
      }
    }
    return scrubbed;
  };
}

/**
 * The value with `scrub` applied to every string in it, at any depth: plain objects and arrays are
 * copied where something changed, the input is never modified, and other objects (Date) are kept.
 */
export function scrubStrings<T>(value: T, scrub: (text: string) => string): T {
  return walk(value, scrub) as T;
}

function walk(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const next = walk(item, scrub);
      if (next !== item) (copy ??= [...(value as unknown[])])[index] = next;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const next = walk(source[key], scrub);
    if (next !== source[key]) (copy ??= { ...source })[key] = next;
  }
  return copy ?? value;
}

const ELLIPSIS = '…';

/** Every start of every needle, at least MIN_SECRET_LENGTH long, followed by the ellipsis; longest first. */
function buildCutNeedles(needles: readonly string[]): string[] {
  const cut = new Set<string>();
  for (const needle of needles) {
    for (let length = needle.length - 1; length >= MIN_SECRET_LENGTH; length -= 1) cut.add(`${needle.slice(0, length)}${ELLIPSIS}`);
  }
  return [...cut].sort((a, b) => b.length - a.length);
}

function buildNeedles(secrets: Iterable<string>): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
    const encoded = encodeURIComponent(secret);
    needles.add(encoded);
    needles.add(encoded.replaceAll('%20', '+'));
    needles.add(escapeHtml(secret));
    for (const piece of base64Pieces(secret)) {
      needles.add(piece);
      needles.add(piece.replaceAll('+', '-').replaceAll('/', '_'));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...needles].filter((needle) => needle.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * For each of the three positions a secret can start at within a base64 group of three bytes, the
 * characters decided by the secret's bytes alone (6 bits each, none shared with a neighbour).
 */
function base64Pieces(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const pieces: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const piece = encoded.slice(first, end);
    if (piece.length >= MIN_BASE64_PIECE) pieces.push(piece);
  }
  return pieces;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
