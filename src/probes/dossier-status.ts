// Dossier status codes (TrangThaiHoSo) 1-10: provincial systems send the number, the new national
// portal the English name in the same order. Parity checks compare the two through this table;
// the simulator renders its answers from it, so both speak the same mapping.

export type DossierStatusCode = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export const DOSSIER_STATUSES: Readonly<Record<DossierStatusCode, { readonly vi: string; readonly national: string }>> = {
  1: { vi: 'Mới đăng ký', national: 'receiving' },
  2: { vi: 'Được tiếp nhận', national: 'new' },
  3: { vi: 'Không được tiếp nhận', national: 'denied' },
  4: { vi: 'Đang xử lý', national: 'processing' },
  5: { vi: 'Yêu cầu bổ sung giấy tờ', national: 'waiting' },
  6: { vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', national: 'paying' },
  7: { vi: 'Công dân yêu cầu rút hồ sơ', national: 'cancelled' },
  8: { vi: 'Dừng xử lý', national: 'unresolved' },
  9: { vi: 'Đã xử lý xong', national: 'releasing' },
  10: { vi: 'Đã trả kết quả', national: 'done' },
};

const CODE_BY_NAME: ReadonlyMap<string, DossierStatusCode> = new Map(
  (Object.entries(DOSSIER_STATUSES) as unknown as [string, { vi: string; national: string }][]).flatMap(([code, names]) => [
    [names.national, Number(code) as DossierStatusCode],
    [names.vi.normalize('NFC').toLowerCase(), Number(code) as DossierStatusCode],
  ]),
);

/**
 * The code 1-10 of a status written as a number, a string of digits, a national name
 * ("processing", any case) or a Vietnamese name ("Đang xử lý"); undefined for anything else.
 */
export function toDossierStatusCode(value: unknown): DossierStatusCode | undefined {
  if (typeof value === 'number') return isDossierStatusCode(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,2}$/.test(text)) {
    const code = Number(text);
    return isDossierStatusCode(code) ? code : undefined;
  }
  return CODE_BY_NAME.get(text.normalize('NFC').toLowerCase());
}

export function isDossierStatusCode(value: number): value is DossierStatusCode {
  return Number.isInteger(value) && value >= 1 && value <= 10;
}
