// What an SMS text costs and how it is cut: the GSM 03.38 alphabet (7-bit, with its extension
// table counting two septets) or UCS-2 when one character is outside it; 160 septets / 70 UCS-2
// units in one segment, 153 / 67 per segment once concatenated (the user-data header takes the
// rest). ASCII folding of Vietnamese for carriers and old phones that show UCS-2 badly.

/** The GSM 03.38 default alphabet: one septet each. */
const GSM_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
/** The extension table: an escape septet plus one, so two each. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'gsm7' | 'ucs2';

const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

/** How a text goes out: its encoding and its parts (one part = one segment; several = concatenated). */
export interface SmsSegments {
  readonly encoding: SmsEncoding;
  readonly parts: readonly string[];
}

function encodingOf(text: string): SmsEncoding {
  for (const char of text) if (!GSM_BASIC.has(char) && !GSM_EXTENSION.has(char)) return 'ucs2';
  return 'gsm7';
}

/** Septets for GSM-7, UTF-16 code units for UCS-2. */
function unitsOf(char: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return char.length;
  return GSM_EXTENSION.has(char) ? 2 : 1;
}

function smsLength(text: string): { readonly encoding: SmsEncoding; readonly units: number } {
  const encoding = encodingOf(text);
  let units = 0;
  for (const char of text) units += unitsOf(char, encoding);
  return { encoding, units };
}

/**
 * The text's segments, at most maxSegments: a text that needs more is cut at the last whole
 * character that fits. An escape pair or a surrogate pair is never split across parts.
 */
export function segment(text: string, maxSegments = Number.POSITIVE_INFINITY): SmsSegments {
  const { encoding, units } = smsLength(text);
  const limits = LIMITS[encoding];
  if (units <= limits.single) return { encoding, parts: [text] };
  if (maxSegments <= 1) return { encoding, parts: [take(text, encoding, limits.single).head] };
  const parts: string[] = [];
  let rest = text;
  while (rest !== '' && parts.length < maxSegments) {
    const { head, tail } = take(rest, encoding, limits.part);
    parts.push(head);
    rest = tail;
  }
  return { encoding, parts };
}

function take(text: string, encoding: SmsEncoding, budget: number): { head: string; tail: string } {
  let used = 0;
  let length = 0;
  for (const char of text) {
    const cost = unitsOf(char, encoding);
    if (used + cost > budget) break;
    used += cost;
    length += char.length;
  }
  return { head: text.slice(0, length), tail: text.slice(length) };
}

/** Typography a Vietnamese keyboard or word processor puts in a name, and its ASCII form. */
const ASCII_PUNCTUATION: Readonly<Record<string, string>> = {
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '`': "'",
  '\t': ' ',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
};

/**
 * Vietnamese (and any Latin text) without tone and vowel marks: "Đường dây lỗi" → "Duong day loi".
 * The result is ASCII that GSM-7 holds (no tab, no backtick): one character left outside it (a dash, an emoji) would
 * send the whole text as UCS-2, 70 characters instead of 160, so the rest becomes "?".
 */
export function foldToAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC')
    .replace(/[^\n\r\x20-\x5f\x61-\x7e]/gu, (char) => ASCII_PUNCTUATION[char] ?? '?');
}
