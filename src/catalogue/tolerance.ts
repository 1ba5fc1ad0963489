// How a national value and a provincial export cell are made comparable: the formatting the two
// systems differ in is forgiven, a real difference is not. Pure.
// - Numbers: thousand separators ("1.500.000", "1,500,000", "1 500 000") and a currency word
//   ("đồng", "VNĐ", "đ") are ignored; "Không", "Miễn phí" and 0 are no fee at all.
// - Durations: "15 ngày làm việc" is 15 WORKING_DAY; a side that gives no unit ("15") matches any.
// - Text: Unicode NFC, spaces collapsed, case ignored.

const UNITS: readonly (readonly [RegExp, string])[] = [
  [/^(ngày làm việc|ngay lam viec|working_day|working days?)$/i, 'WORKING_DAY'],
  [/^(ngày|ngay|day|days|calendar_day)$/i, 'DAY'],
  [/^(giờ|gio|giờ làm việc|hour|hours|working_hour)$/i, 'HOUR'],
  [/^(tháng|thang|month|months)$/i, 'MONTH'],
];
const NO_FEE = /^(không|khong|miễn phí|mien phi|không thu phí|không thu|0)$/i;
const CURRENCY = /\s*(đồng|dong|vnđ|vnd|đ)\.?$/i;

interface Token {
  readonly number?: string;
  readonly unit?: string;
  readonly text: string;
}

function tokenOf(raw: string): Token | undefined {
  const text = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (text === '' || NO_FEE.test(text)) return undefined;
  const match = /^(\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)\s*(.*)$/.exec(text.replace(CURRENCY, ''));
  if (match !== null) {
    const digits = /^\d{1,3}(?:[.,\s]\d{3})+$/.test(match[1]!) ? match[1]!.replace(/[.,\s]/g, '') : match[1]!.replace(',', '.');
    const number = String(Number(digits));
    const rest = match[2]!.trim();
    if (number === '0' && rest === '') return undefined;
    if (rest === '') return { number, text: number };
    const unit = UNITS.find(([pattern]) => pattern.test(rest))?.[1];
    if (unit !== undefined) return { number, unit, text: `${number} ${unit}` };
  }
  return { text: text.toLowerCase() };
}

/** True when the two sets of values say the same after the tolerances. */
export function sameValues(source: readonly string[], other: readonly string[]): boolean {
  const left = source.map(tokenOf).filter((token) => token !== undefined);
  const right = other.map(tokenOf).filter((token) => token !== undefined);
  const key = (tokens: Token[], withUnits: boolean) =>
    [...new Set(tokens.map((token) => (withUnits || token.number === undefined ? token.text : token.number)))].sort().join('\u0000');
  if (key(left, true) === key(right, true)) return true;
  // A side without units ("15") is read in the other side's unit.
  const unitless = [...left, ...right].some((token) => token.number !== undefined && token.unit === undefined);
  return unitless && key(left, false) === key(right, false);
}

/** An export cell: several values are separated by ";" (or a line break). */
export function splitCell(cell: string): string[] {
  return cell
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
