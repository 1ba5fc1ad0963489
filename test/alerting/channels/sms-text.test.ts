import { describe, expect, it } from 'vitest';
import { foldToAscii, segment } from '../../../src/alerting/sms/sms-text.ts';

const letters = (count: number) => 'abcdefghij'.repeat(Math.ceil(count / 10)).slice(0, count);
/** Vietnamese letters outside GSM-7, one UTF-16 unit each. */
const viet = (count: number) => 'ệ'.repeat(count);

describe('segment: one segment', () => {
  it('keeps 160 GSM-7 characters in one segment and cuts the 161st when one segment is allowed', () => {
    expect(segment(letters(160), 1)).toEqual({ encoding: 'gsm7', parts: [letters(160)] });
    expect(segment(letters(161), 1)).toEqual({ encoding: 'gsm7', parts: [letters(160)] });
  });

  it('keeps 70 UCS-2 characters in one segment and cuts the 71st', () => {
    expect(segment(viet(70), 1)).toEqual({ encoding: 'ucs2', parts: [viet(70)] });
    expect(segment(viet(71), 1)).toEqual({ encoding: 'ucs2', parts: [viet(70)] });
  });

  it('counts GSM-7 extension characters as two: 80 braces fill one segment, 81 do not', () => {
    expect(segment('{'.repeat(80), 1).parts).toEqual(['{'.repeat(80)]);
    expect(segment('{'.repeat(81), 1).parts).toEqual(['{'.repeat(80)]);
    for (const char of ['}', '[', ']', '~', '\\', '|', '^', '€']) {
      expect(segment(`${letters(158)}${char}`, 1).parts, char).toEqual([`${letters(158)}${char}`]);
      expect(segment(`${letters(159)}${char}`, 1).parts, char).toEqual([letters(159)]);
    }
  });

  it('treats GSM-7 accented letters (é, à, Ñ) as one septet but a Vietnamese letter as UCS-2', () => {
    expect(segment(`Café à Ñ ${letters(151)}`, 1)).toEqual({ encoding: 'gsm7', parts: [`Café à Ñ ${letters(151)}`] });
    expect(segment('Cổng DVC lỗi', 1).encoding).toBe('ucs2');
    // A backtick is not in the GSM alphabet at all.
    expect(segment('a`b').encoding).toBe('ucs2');
  });
});

describe('segment: concatenated', () => {
  it('splits GSM-7 at 153 per segment: 306 characters are exactly two, 307 three', () => {
    expect(segment(letters(161), 2).parts.map((part) => part.length)).toEqual([153, 8]);
    expect(segment(letters(306), 2).parts).toEqual([letters(306).slice(0, 153), letters(306).slice(153)]);
    expect(segment(letters(307), 3).parts.map((part) => part.length)).toEqual([153, 153, 1]);
    expect(segment(letters(307), 2).parts.map((part) => part.length)).toEqual([153, 153]);
  });

  it('splits UCS-2 at 67 per segment: 134 are two, 135 three, cut to the allowed count', () => {
    expect(segment(viet(71), 2).parts.map((part) => part.length)).toEqual([67, 4]);
    expect(segment(viet(134), 2).parts.map((part) => part.length)).toEqual([67, 67]);
    expect(segment(viet(135), 3).parts.map((part) => part.length)).toEqual([67, 67, 1]);
    expect(segment(viet(135), 2).parts.join('')).toBe(viet(134));
  });

  it('never splits an escape pair: 100 braces go 76 + 24 (as gammu splits them)', () => {
    expect(segment('{'.repeat(100), 2).parts.map((part) => part.length)).toEqual([76, 24]);
    expect(segment(`${letters(152)}{${letters(10)}`, 2).parts).toEqual([letters(152), `{${letters(10)}`]);
  });

  it('never splits a surrogate pair across UCS-2 segments', () => {
    const text = `${viet(66)}😀${viet(10)}`;
    const { parts } = segment(text, 2);
    expect(parts[0]).toBe(viet(66));
    expect(parts[1]!.startsWith('😀')).toBe(true);
  });
});

describe('foldToAscii', () => {
  it('removes every Vietnamese tone and vowel mark and maps đ/Đ', () => {
    expect(foldToAscii('Đường dây nóng: Cổng Dịch vụ công lỗi từ 22:10')).toBe('Duong day nong: Cong Dich vu cong loi tu 22:10');
    expect(foldToAscii('ă â ê ô ơ ư đ Ă Â Ê Ô Ơ Ư Đ')).toBe('a a e o o u d A A E O O U D');
    expect(foldToAscii('ạ ả ã á à ặ ẳ ẵ ắ ằ ậ ẩ ẫ ấ ầ ỵ ỷ ỹ ý ỳ')).toBe('a a a a a a a a a a a a a a a y y y y y');
    // Precomposed and decomposed input fold the same.
    expect(foldToAscii('Nghiêm trọng'.normalize('NFD'))).toBe('Nghiem trong');
  });

  it('turns a Vietnamese text into GSM-7 that fits 160 characters instead of 70', () => {
    const text = 'Hệ thống Một cửa tỉnh An Giang không phản hồi, đang kiểm tra đường truyền; trực ban vui lòng xác nhận qua Zalo hoặc điện thoại.';
    expect(segment(text, 1).encoding).toBe('ucs2');
    const folded = segment(foldToAscii(text), 1);
    expect(folded).toEqual({ encoding: 'gsm7', parts: [foldToAscii(text)] });
    expect(folded.parts[0]!.length).toBeGreaterThan(70);
  });

  it('leaves nothing outside ASCII: typographic dashes, quotes and ellipsis become their ASCII forms, anything else a ?', () => {
    const folded = foldToAscii('Cổng DVC tỉnh — “Sở KH&CN” – ‘mục’… lỗi\u00a0🔴 ¥');
    expect(folded).toBe('Cong DVC tinh - "So KH&CN" - \'muc\'... loi ? ?');
    expect(foldToAscii('a\tb`c')).toBe("a b'c");
    // So a text typed with a dash keeps its 160 characters instead of falling back to UCS-2's 70.
    expect(segment(foldToAscii(`Hệ thống — ${letters(140)}`), 1)).toEqual({ encoding: 'gsm7', parts: [`He thong - ${letters(140)}`] });
  });
});
