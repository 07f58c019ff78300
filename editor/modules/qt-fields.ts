/**
 * Which `qt` attributes (engine/bpmn/qt.json) the properties panel offers for which BPMN element,
 * with their Vietnamese labels. Pure data and one selector, kept apart from the preact components
 * so it can be unit-tested without a browser.
 */
import { NORM_UNIT_LABELS } from '../labels.ts';

export type FieldKind = 'text' | 'number' | 'time' | 'checkbox' | { readonly options: Readonly<Record<string, string>> };

export interface Field {
  /** Attribute name without the `qt:` prefix. */
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly description?: string;
}

const STEP_FIELDS: readonly Field[] = [
  { name: 'norm', label: 'Định mức thời gian', kind: 'number', description: 'Số lượng theo đơn vị bên dưới, ví dụ 8' },
  { name: 'normUnit', label: 'Đơn vị định mức', kind: { options: NORM_UNIT_LABELS } },
  { name: 'role', label: 'Vai trò xử lý', kind: 'text', description: 'Mặc định: vai trò của làn (lane)' },
  { name: 'unit', label: 'Đơn vị xử lý', kind: 'text', description: 'Mặc định: đơn vị của làn (lane)' },
  { name: 'outcomes', label: 'Kết quả được chọn', kind: 'text', description: 'Cách nhau bởi dấu phẩy, ví dụ approve,return' },
  { name: 'outsideClock', label: 'Không tính vào thời hạn giải quyết', kind: 'checkbox' },
];
const HANDLER_FIELD: Field = { name: 'handler', label: 'Bộ xử lý (máy chủ)', kind: 'text', description: 'Tên bộ xử lý đã đăng ký trên máy chủ' };
const PROCESS_FIELDS: readonly Field[] = [
  { name: 'procedureCode', label: 'Mã thủ tục', kind: 'text' },
  { name: 'deadline', label: 'Thời hạn giải quyết', kind: 'number' },
  { name: 'deadlineUnit', label: 'Đơn vị thời hạn', kind: { options: NORM_UNIT_LABELS } },
  { name: 'cutoffDesk', label: 'Giờ chốt nhận tại quầy', kind: 'time', description: 'HH:MM, mặc định 15:00' },
  { name: 'cutoffOnline', label: 'Giờ chốt nhận trực tuyến', kind: 'time' },
  { name: 'cutoffPost', label: 'Giờ chốt nhận qua bưu chính', kind: 'time' },
  { name: 'supplementMode', label: 'Khi bổ sung hồ sơ', kind: { options: { restart: 'Tính lại thời hạn từ đầu (mặc định)', pause: 'Tạm dừng rồi tính tiếp' } } },
  { name: 'abandonAfter', label: 'Đóng hồ sơ nếu không bổ sung sau', kind: 'number' },
  { name: 'abandonAfterUnit', label: 'Đơn vị thời gian chờ bổ sung', kind: { options: NORM_UNIT_LABELS } },
  { name: 'calendar', label: 'Lịch làm việc', kind: 'text' },
  { name: 'source', label: 'Văn bản ban hành', kind: 'text', description: 'Ví dụ 2022/QĐ-UBND' },
];
const LANE_FIELDS: readonly Field[] = [
  { name: 'role', label: 'Vai trò', kind: 'text' },
  { name: 'unit', label: 'Đơn vị', kind: 'text' },
];
const CLOCK_FIELD: Field = { name: 'stopsClock', label: 'Dừng tính thời hạn khi chờ (bổ sung hồ sơ)', kind: 'checkbox' };
const END_FIELD: Field = { name: 'caseStatus', label: 'Trạng thái hồ sơ khi kết thúc tại đây (để trống: đã xử lý xong)', kind: { options: { refused: 'Không được tiếp nhận (từ chối)', stopped: 'Dừng xử lý' } } };

/** The moddle surface the selector reads. */
export interface TypedObject {
  $instanceOf(type: string): boolean;
  readonly processRef?: unknown;
}

const HANDLER_TASKS = ['bpmn:ServiceTask', 'bpmn:ScriptTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'];

/**
 * The fields for a business object, in panel order. `onProcess` marks procedure fields edited on
 * a pool's process (a collaboration's participant carries them on its `processRef`).
 * @example qtFieldsFor(laneBo).map((f) => f.field.name) // ['role', 'unit']
 */
export function qtFieldsFor(bo: TypedObject): { field: Field; onProcess: boolean }[] {
  const fields: { field: Field; onProcess: boolean }[] = [];
  const add = (list: readonly Field[], onProcess = false): void => { for (const field of list) fields.push({ field, onProcess }); };
  if (bo.$instanceOf('bpmn:Process')) add(PROCESS_FIELDS);
  else if (bo.$instanceOf('bpmn:Participant') && bo.processRef) add(PROCESS_FIELDS, true);
  else if (bo.$instanceOf('bpmn:Lane')) add(LANE_FIELDS);
  if (bo.$instanceOf('bpmn:Activity')) {
    add(STEP_FIELDS);
    if (HANDLER_TASKS.some((t) => bo.$instanceOf(t))) add([HANDLER_FIELD]);
  }
  if (bo.$instanceOf('bpmn:IntermediateCatchEvent') || bo.$instanceOf('bpmn:ReceiveTask')) add([CLOCK_FIELD]);
  if (bo.$instanceOf('bpmn:EndEvent')) add([END_FIELD]);
  return fields;
}
