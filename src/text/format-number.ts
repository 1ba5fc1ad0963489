// Numbers the way technicians read them: Vietnamese by default (decimal comma, thousands dot:
// "1.234,5"), English alongside ("1,234.5"). Pure; mails, the status page and the report share it.
import type { Locale } from '../config/alerting-config.ts';

const SEPARATORS: Record<Locale, { readonly decimal: string; readonly group: string }> = {
  vi: { decimal: ',', group: '.' },
  en: { decimal: '.', group: ',' },
};

/** Fixed fraction digits and grouped thousands: 1234.5 → vi "1.234,5", en "1,234.5". */
export function formatNumber(value: number, locale: Locale, fractionDigits = 0): string {
  if (!Number.isFinite(value)) return '—';
  const { decimal, group } = SEPARATORS[locale];
  const fixed = Math.abs(value).toFixed(fractionDigits);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  // A value that rounds to zero prints without a sign ("-0,0" reads as an error).
  const sign = value < 0 && /[1-9]/.test(fixed) ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `${decimal}${fraction}`}`;
}

/** A ratio (0.998) as a percentage: vi "99,8%", en "99.8%". */
export function formatPercent(ratio: number, locale: Locale, fractionDigits = 1): string {
  return `${formatNumber(ratio * 100, locale, fractionDigits)}%`;
}

/** Milliseconds with one decimal: vi "1.234,5 ms". */
export function formatMilliseconds(milliseconds: number, locale: Locale): string {
  return `${formatNumber(milliseconds, locale, 1)} ms`;
}
