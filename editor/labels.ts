/**
 * Vietnamese wording for the codes the API returns (statuses, timeliness, channels, roles,
 * outcomes, audit events) and date formatting in Vietnam's time zone.
 */
import type { Timeliness } from './api-client.ts';

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
export function timelinessLabel(value: Timeliness | undefined): string {
  return value ? TIMELINESS_LABELS[value] ?? value : '—';
}

/** CSS class giving a timeliness its colour (green early/on time, amber due soon, red late). */
export function timelinessClass(value: Timeliness | undefined): string {
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
