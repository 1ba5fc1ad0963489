// Dossier status codes (TrangThaiHoSo) 1-10: the provincial system sends the number, the new
// national portal speaks the English names in the same order.

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
