// Parses a JSON answer from a watched system with a nesting limit. V8's JSON.parse itself copes
// with 100,000 levels, but everything that walks the document afterwards recursively
// (JSON.stringify of a value in a message, the store's serializer) overflows the stack, and did
// so on every probe. A depth beyond any real answer is refused first, by one pass over the text.
import { clip } from './format.ts';

/** Real answers nest a dozen levels; a thousand is far beyond them and far below the stack's limit. */
export const MAX_JSON_DEPTH = 1000;

export type JsonParse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: 'invalid'; readonly message: string }
  | { readonly ok: false; readonly problem: 'too_deep'; readonly message: string };

export function parseJson(text: string): JsonParse {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { ok: false, problem: 'too_deep', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: 'invalid', message: clip((error as Error).message) };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Counts [ and { outside strings; malformed text is left for JSON.parse to refuse. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // Skip the string: up to the next quote not escaped by a backslash.
      for (index += 1; index < text.length; index += 1) {
        const inner = text.charCodeAt(index);
        if (inner === BACKSLASH) index += 1;
        else if (inner === QUOTE) break;
      }
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}
