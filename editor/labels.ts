/**
 * Vietnamese wording for the codes the API returns (statuses, timeliness, channels, roles,
 * outcomes, audit events, problems, calendar days) and date formatting in Vietnam's time zone.
 */
import type { Timeliness } from './api-client.ts';
import type { DayKind, TimeRange, Weekday } from '../engine/index.ts';

/** The 10 national dossier status codes (domain.md, "Status vocabulary"). */
export const STATUS_LABELS: Readonly<Record<number, string>> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

const TIMELINESS_LABELS: Readonly<Record<string, string>> = {
  early: 'Trước hạn',
  onTime: 'Đúng hạn',
  late: 'Quá hạn',
  withinDeadline: 'Trong hạn',
  dueSoon: 'Sắp đến hạn',
  overdue: 'Quá hạn',
  paused: 'Tạm dừng',
};

/** Label for a timeliness class; unknown classes show as they came. */
export function timelinessLabel(value: Timeliness | null | undefined): string {
  return value ? TIMELINESS_LABELS[value] ?? value : '—';
}

/** CSS class giving a timeliness its colour (green early/on time, amber due soon, red late). */
export function timelinessClass(value: Timeliness | null | undefined): string {
  switch (value) {
    case 'early': case 'onTime': case 'withinDeadline': return 't-ok';
    case 'dueSoon': return 't-soon';
    case 'late': case 'overdue': return 't-late';
    default: return 't-none';
  }
}

export const CHANNEL_LABELS = { desk: 'Trực tiếp tại Bộ phận Một cửa', online: 'Trực tuyến', post: 'Qua bưu chính' } as const;

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  designer: 'Thiết kế quy trình',
  officer: 'Cán bộ xử lý',
  unitHead: 'Lãnh đạo đơn vị',
  reviewer: 'Thanh tra / rà soát',
  admin: 'Quản trị',
};

const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  approve: 'Đồng ý',
  approved: 'Đồng ý',
  accept: 'Chấp nhận',
  return: 'Trả lại',
  refuse: 'Từ chối',
  reject: 'Từ chối',
  supplement: 'Yêu cầu bổ sung',
  done: 'Hoàn thành',
  sign: 'Ký duyệt',
};

/** The button text for an outcome; unknown outcome names are shown as written in the diagram. */
export function outcomeLabel(outcome: string | undefined): string {
  return outcome ? OUTCOME_LABELS[outcome] ?? outcome : 'Hoàn thành';
}

const EVENT_LABELS: Readonly<Record<string, string>> = {
  'case.received': 'Tiếp nhận hồ sơ',
  'case.refused': 'Từ chối tiếp nhận',
  'case.withdrawn': 'Rút hồ sơ',
  'case.stopped': 'Dừng xử lý',
  'case.abandoned': 'Đóng hồ sơ quá hạn bổ sung',
  'case.ended': 'Kết thúc xử lý',
  'case.resultReturned': 'Trả kết quả',
  'case.migrated': 'Chuyển phiên bản quy trình',
  'case.deadlineRecomputed': 'Tính lại hạn xử lý',
  'step.opened': 'Bắt đầu bước',
  'step.claimed': 'Nhận xử lý',
  'step.released': 'Trả lại hàng chờ',
  'step.completed': 'Hoàn thành bước',
  'step.cancelled': 'Hủy bước',
  'supplement.requested': 'Yêu cầu bổ sung',
  'supplement.received': 'Nhận hồ sơ bổ sung',
  'apology.issued': 'Phát hành thư xin lỗi',
  'timer.fired': 'Hết thời gian chờ',
  'message.received': 'Nhận thông báo',
  'calendar.changed': 'Thay đổi lịch làm việc',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type;
}

export const DOCUMENT_LABELS: Readonly<Record<string, string>> = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  'control-slip': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
  supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
};

const DATE_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh, whatever the browser's zone (vi-VN's own pattern puts
 * the time first, which the printed forms do not).
 * @example formatDateTime('2026-11-25T01:30:00Z') // '25/11/2026 08:30'
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = Object.fromEntries(DATE_TIME.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part['day']}/${part['month']}/${part['year']} ${part['hour']}:${part['minute']}`;
}

export const NORM_UNIT_LABELS: Readonly<Record<string, string>> = {
  workingHours: 'giờ làm việc',
  workingDays: 'ngày làm việc',
  calendarDays: 'ngày (theo lịch)',
};

/** What went wrong, per problem+json code; the server's own explanation is shown beside it. */
const PROBLEM_TITLES: Readonly<Record<string, string>> = {
  VALIDATION: 'Dữ liệu nhập chưa hợp lệ',
  DEADLINE_CALENDAR: 'Lịch làm việc không hợp lệ, chưa có gì được thay đổi',
  STALE_VERSION: 'Dữ liệu đã được người khác thay đổi; hãy tải lại trang rồi làm lại',
  CONFLICT: 'Trùng với dữ liệu đã có',
  NOT_ALLOWED: 'Không được phép thực hiện thao tác này',
  NOT_FOUND: 'Không tìm thấy',
  FORBIDDEN: 'Tài khoản không có quyền thực hiện thao tác này',
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết; hãy đăng nhập lại',
  NETWORK: 'Không kết nối được máy chủ',
  INTERNAL: 'Máy chủ gặp lỗi; hãy thử lại hoặc báo quản trị hệ thống',
};

/** @example problemTitle('STALE_VERSION') // 'Dữ liệu đã được người khác thay đổi; …' */
export function problemTitle(code: string): string {
  return PROBLEM_TITLES[code] ?? 'Không thực hiện được';
}

export const WEEKDAY_LABELS: Readonly<Record<Weekday, string>> = {
  mon: 'Thứ Hai',
  tue: 'Thứ Ba',
  wed: 'Thứ Tư',
  thu: 'Thứ Năm',
  fri: 'Thứ Sáu',
  sat: 'Thứ Bảy',
  sun: 'Chủ nhật',
};

/** Why a day of a working calendar is not an ordinary one. */
export const DAY_KIND_LABELS: Readonly<Record<DayKind, string>> = {
  regular: 'Ngày làm việc',
  rest: 'Ngày nghỉ hằng tuần',
  holiday: 'Nghỉ lễ, Tết',
  makeUp: 'Nghỉ bù',
  break: 'Đợt nghỉ theo thông báo',
  swapOff: 'Nghỉ (hoán đổi)',
  swapWorked: 'Làm bù (hoán đổi)',
  unitOff: 'Đơn vị nghỉ',
  unitWorked: 'Đơn vị làm việc',
};

/**
 * A calendar date `YYYY-MM-DD` as `dd/MM/yyyy` (a date, no time zone to apply).
 * @example formatDate('2026-02-16') // '16/02/2026'
 */
export function formatDate(isoDate: string | null | undefined): string {
  const match = isoDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate) : null;
  return match ? `${match[3]}/${match[2]}/${match[1]}` : isoDate || '—';
}

/**
 * Office hours of a day; no hours is a day off.
 * @example formatHours([['07:30', '11:30'], ['13:00', '17:00']]) // '07:30–11:30, 13:00–17:00'
 */
export function formatHours(ranges: readonly TimeRange[] | undefined): string {
  return ranges && ranges.length > 0 ? ranges.map(([from, to]) => `${from}–${to}`).join(', ') : 'Nghỉ';
}
