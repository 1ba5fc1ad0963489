// The simulated procedure catalogue (thủ tục hành chính) behind the national portal's public API
// and the provincial dossiers. Names are real procedure titles; ids and codes are the simulator's.

export interface Procedure {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly field: string;
  /** Which level of government handles it. */
  readonly level: 'Cấp Tỉnh' | 'Cấp Xã';
  readonly agency: string;
  readonly onlineLevel: 'Toàn trình' | 'Một phần';
}

const PROVINCE_AGENCY = 'UBND tỉnh An Giang';

export const PROCEDURES: readonly Procedure[] = [
  { id: 'sim-0001', code: '1.001193', name: 'Đăng ký khai sinh', field: 'Hộ tịch', level: 'Cấp Xã', agency: 'UBND xã, phường', onlineLevel: 'Toàn trình' },
  { id: 'sim-0002', code: '1.000894', name: 'Đăng ký kết hôn', field: 'Hộ tịch', level: 'Cấp Xã', agency: 'UBND xã, phường', onlineLevel: 'Một phần' },
  { id: 'sim-0003', code: '1.000656', name: 'Đăng ký khai tử', field: 'Hộ tịch', level: 'Cấp Xã', agency: 'UBND xã, phường', onlineLevel: 'Toàn trình' },
  {
    id: 'sim-0004',
    code: '2.000635',
    name: 'Cấp bản sao trích lục hộ tịch',
    field: 'Hộ tịch',
    level: 'Cấp Xã',
    agency: 'UBND xã, phường',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0005',
    code: '2.000908',
    name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp',
    field: 'Chứng thực',
    level: 'Cấp Xã',
    agency: 'UBND xã, phường',
    onlineLevel: 'Một phần',
  },
  {
    id: 'sim-0006',
    code: '1.004227',
    name: 'Đăng ký thành lập hộ kinh doanh',
    field: 'Thành lập và hoạt động của hộ kinh doanh',
    level: 'Cấp Xã',
    agency: 'UBND xã, phường',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0007',
    code: '1.001612',
    name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
    field: 'Hoạt động xây dựng',
    level: 'Cấp Xã',
    agency: 'UBND xã, phường',
    onlineLevel: 'Một phần',
  },
  {
    id: 'sim-0008',
    code: '2.001457',
    name: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam',
    field: 'Lý lịch tư pháp',
    level: 'Cấp Tỉnh',
    agency: 'Sở Tư pháp',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0009',
    code: '1.002804',
    name: 'Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp',
    field: 'Đường bộ',
    level: 'Cấp Tỉnh',
    agency: 'Sở Xây dựng',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0010',
    code: '1.005399',
    name: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
    field: 'Đất đai',
    level: 'Cấp Tỉnh',
    agency: 'Văn phòng đăng ký đất đai',
    onlineLevel: 'Một phần',
  },
  {
    id: 'sim-0011',
    code: '2.000046',
    name: 'Đăng ký thành lập doanh nghiệp tư nhân',
    field: 'Thành lập và hoạt động doanh nghiệp',
    level: 'Cấp Tỉnh',
    agency: 'Sở Tài chính',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0012',
    code: '1.001999',
    name: 'Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm',
    field: 'An toàn thực phẩm',
    level: 'Cấp Tỉnh',
    agency: 'Sở Y tế',
    onlineLevel: 'Một phần',
  },
  {
    id: 'sim-0013',
    code: '1.003005',
    name: 'Giải quyết hưởng trợ cấp thất nghiệp',
    field: 'Việc làm',
    level: 'Cấp Tỉnh',
    agency: 'Sở Nội vụ',
    onlineLevel: 'Một phần',
  },
  {
    id: 'sim-0014',
    code: '2.002154',
    name: 'Cấp giấy phép kinh doanh bán lẻ sản phẩm rượu',
    field: 'Lưu thông hàng hóa trong nước',
    level: 'Cấp Xã',
    agency: 'UBND xã, phường',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0015',
    code: '1.000775',
    name: 'Đăng ký xe (đăng ký lần đầu)',
    field: 'Đăng ký, quản lý phương tiện giao thông',
    level: 'Cấp Tỉnh',
    agency: 'Công an tỉnh',
    onlineLevel: 'Toàn trình',
  },
  {
    id: 'sim-0016',
    code: '1.009882',
    name: 'Thủ tục cấp giấy phép môi trường',
    field: 'Môi trường',
    level: 'Cấp Tỉnh',
    agency: PROVINCE_AGENCY,
    onlineLevel: 'Một phần',
  },
];
